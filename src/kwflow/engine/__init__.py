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
    ID_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Act,
    Assign,
    CallIn,
    CaseCommand,
    CheckDeadlines,
    Command,
    Dismiss,
    OpenCase,
    Organisation,
    Replace,
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
    CaseSuspension,
    CaseView,
    DeadlineState,
    DeadlineStatus,
    GuardContext,
    ProcessRef,
    Reason,
    ReasonCode,
    TakenAction,
)
from ._shipped_guards import (
    SHIPPED_GUARDS,
    absences_decided,
    child_safe_to_attend,
    months_later,
    review_date_within_period,
    shipped_guards,
)
from ._summaries import (
    CaseSummary,
    CaseSummaryJSON,
    InboxDeadline,
    InboxItem,
    InboxItemJSON,
    SuspensionSummary,
)
from ._view_schemas import (
    VIEW_SCHEMAS,
    ActionOptionJSON,
    ArtifactJSON,
    ArtifactVersionJSON,
    CaseViewJSON,
    DeadlineJSON,
    LabelJSON,
    NamedJSON,
    ParticipantJSON,
    PhaseJSON,
    ProcessJSON,
    RoleHoldersJSON,
    TakenActionJSON,
    view_json_schema,
)

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (FIELD_VALIDATION,)
"""This package's per-field-type tables (see `kwflow.definition.FieldTypeTable`)."""

__all__ = [
    "CASE_FORMAT",
    "COMMAND_TYPES",
    "FIELD_TYPE_TABLES",
    "ID_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "SHIPPED_GUARDS",
    "SYSTEM_ACTOR",
    "VIEW_SCHEMAS",
    "Act",
    "ActionOption",
    "ActionOptionJSON",
    "ArtifactJSON",
    "ArtifactVersion",
    "ArtifactVersionJSON",
    "Assign",
    "CallIn",
    "Case",
    "CaseCommand",
    "CasePhase",
    "CaseSummary",
    "CaseSummaryJSON",
    "CaseSuspension",
    "CaseView",
    "CaseViewJSON",
    "CheckDeadlines",
    "Clock",
    "Command",
    "DeadlineJSON",
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
    "LabelJSON",
    "NamedJSON",
    "OpenCase",
    "Organisation",
    "ParticipantJSON",
    "PhaseJSON",
    "ProcessJSON",
    "ProcessRef",
    "Reason",
    "ReasonCode",
    "Replace",
    "RoleHoldersJSON",
    "SimulatedClock",
    "Submit",
    "SuspensionSummary",
    "SystemClock",
    "TakenAction",
    "TakenActionJSON",
    "Unassign",
    "absences_decided",
    "child_safe_to_attend",
    "evolve",
    "fold",
    "months_later",
    "review_date_within_period",
    "shipped_guards",
    "view_json_schema",
]
