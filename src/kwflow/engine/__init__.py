"""The runtime: cases that move through a process.

`Engine` is what a host embeds: it opens cases, assigns roles, accepts
artifacts, takes actions when their requirements hold, runs deadlines on the
process's calendar and keeps a hash-chained history in a store. A `Case` is
an immutable record, the fold of its events (`fold`); replaying a history
gives the same case every time. See docs/concepts.md for the rules.
"""

from kwflow.definition import FieldTypeTable
from kwflow.history import FrozenMap

from ._artifacts import FIELD_VALIDATION
from ._authorization import Guard
from ._clock import Clock, SimulatedClock, SystemClock
from ._commands import (
    COMMAND_TYPES,
    Act,
    Assign,
    CallIn,
    CaseCommand,
    CheckDeadlines,
    Command,
    Dismiss,
    OpenCase,
    Submit,
    Unassign,
)
from ._decide import SYSTEM_ACTOR
from ._engine import Engine
from ._evolve import evolve, fold
from ._records import (
    CASE_FORMAT,
    ActionOption,
    ArtifactVersion,
    Case,
    CasePhase,
    CaseView,
    DeadlineState,
    DeadlineStatus,
    GuardContext,
    ProcessRef,
    Reason,
    ReasonCode,
    TakenAction,
)
from ._summaries import (
    CaseSummary,
    CaseSummaryJSON,
    InboxDeadline,
    InboxItem,
    InboxItemJSON,
)

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (FIELD_VALIDATION,)
"""This package's per-field-type tables (see `kwflow.definition.FieldTypeTable`)."""

__all__ = [
    "CASE_FORMAT",
    "COMMAND_TYPES",
    "FIELD_TYPE_TABLES",
    "SYSTEM_ACTOR",
    "Act",
    "ActionOption",
    "ArtifactVersion",
    "Assign",
    "CallIn",
    "Case",
    "CaseCommand",
    "CasePhase",
    "CaseSummary",
    "CaseSummaryJSON",
    "CaseView",
    "CheckDeadlines",
    "Clock",
    "Command",
    "DeadlineState",
    "DeadlineStatus",
    "Dismiss",
    "Engine",
    "FrozenMap",
    "Guard",
    "GuardContext",
    "InboxDeadline",
    "InboxItem",
    "InboxItemJSON",
    "OpenCase",
    "ProcessRef",
    "Reason",
    "ReasonCode",
    "SimulatedClock",
    "Submit",
    "SystemClock",
    "TakenAction",
    "Unassign",
    "evolve",
    "fold",
]
