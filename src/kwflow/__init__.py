"""kwflow: case processes for child-protection social work.

A generic engine runs declarative process files (``processes/``) for host
applications. See ``docs/`` for concepts and the embedding guide.

>>> import kwflow
>>> engine = kwflow.Engine(kwflow.Registry.shipped(), store=kwflow.MemoryStore())
>>> case = engine.open_case("family_conference", by="social-worker")
>>> case.phase.id
'referral'
"""

from ._version import __version__
from .definition import Registry, load_process
from .engine import (
    COMMAND_TYPES,
    Act,
    ActionOption,
    ArtifactVersion,
    Assign,
    CallIn,
    Capability,
    Case,
    CaseCommand,
    CasePhase,
    CaseSummary,
    CaseSummaryJSON,
    CaseView,
    CheckDeadlines,
    Clock,
    Command,
    DeadlineState,
    DeadlineStatus,
    Dismiss,
    Engine,
    GuardContext,
    HistoryEntry,
    InboxDeadline,
    InboxItem,
    InboxItemJSON,
    OpenCase,
    Reason,
    ReasonCode,
    Replace,
    SimulatedClock,
    Submit,
    SystemClock,
    Unassign,
)
from .store import MemoryStore, PostgresStore, ReadEntry, SqliteStore

__all__ = [
    "COMMAND_TYPES",
    "Act",
    "ActionOption",
    "ArtifactVersion",
    "Assign",
    "CallIn",
    "Capability",
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
    "GuardContext",
    "HistoryEntry",
    "InboxDeadline",
    "InboxItem",
    "InboxItemJSON",
    "MemoryStore",
    "OpenCase",
    "PostgresStore",
    "ReadEntry",
    "Reason",
    "ReasonCode",
    "Registry",
    "Replace",
    "SimulatedClock",
    "SqliteStore",
    "Submit",
    "SystemClock",
    "Unassign",
    "__version__",
    "load_process",
]
