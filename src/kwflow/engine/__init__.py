"""The runtime: cases that move through a process.

`Engine` is what a host embeds: it opens cases, assigns roles, accepts
artifacts, takes actions when their requirements hold, runs deadlines on the
process's calendar and keeps a hash-chained history in a store. A `Case` is
an immutable record, the fold of its events (`fold`); replaying a history
gives the same case every time. See docs/concepts.md for the rules.
"""

from kwflow.definition import FieldTypeTable
from kwflow.history import ERASED, FrozenMap

from ._access import Capability, Grants
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
    Dispose,
    Erase,
    Hold,
    Migrate,
    OpenCase,
    Organisation,
    ReleaseHold,
    Replace,
    Submit,
    Unassign,
)
from ._decide import ROLE_ACTOR_PREFIX, SYSTEM_ACTOR
from ._engine import Engine
from ._evolve import evolve, fold
from ._migrate import MigrationCheck
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
    HistoryEntry,
    ProcessRef,
    Reason,
    ReasonCode,
    ScheduledNotice,
    TakenAction,
)
from ._retention import DisposalDue
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
    HistoryEntryJSON,
    LabelJSON,
    NamedJSON,
    ParticipantJSON,
    PhaseJSON,
    ProcessJSON,
    ReadEntryJSON,
    RoleHoldersJSON,
    TakenActionJSON,
    view_json_schema,
)

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (FIELD_VALIDATION,)
"""This package's per-field-type tables (see `kwflow.definition.FieldTypeTable`)."""

__all__ = [
    "CASE_FORMAT",
    "COMMAND_TYPES",
    "ERASED",
    "FIELD_TYPE_TABLES",
    "ID_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "ROLE_ACTOR_PREFIX",
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
    "Capability",
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
    "DisposalDue",
    "Dispose",
    "Engine",
    "Erase",
    "FrozenMap",
    "Grants",
    "Guard",
    "GuardContext",
    "HistoryEntry",
    "HistoryEntryJSON",
    "Hold",
    "InboxDeadline",
    "InboxItem",
    "InboxItemJSON",
    "LabelJSON",
    "Migrate",
    "MigrationCheck",
    "NamedJSON",
    "OpenCase",
    "Organisation",
    "ParticipantJSON",
    "PhaseJSON",
    "ProcessJSON",
    "ProcessRef",
    "ReadEntryJSON",
    "Reason",
    "ReasonCode",
    "ReleaseHold",
    "Replace",
    "RoleHoldersJSON",
    "ScheduledNotice",
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
