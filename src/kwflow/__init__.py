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
    Case,
    CaseCommand,
    CasePhase,
    CaseSummary,
    CaseSummaryJSON,
    CaseSuspension,
    CaseView,
    CheckDeadlines,
    Clock,
    Command,
    DeadlineState,
    DeadlineStatus,
    Dismiss,
    Engine,
    GuardContext,
    InboxDeadline,
    InboxItem,
    InboxItemJSON,
    OpenCase,
    Organisation,
    Reason,
    ReasonCode,
    Replace,
    SimulatedClock,
    Submit,
    SystemClock,
    Unassign,
)
from .store import MemoryStore, PostgresStore, SqliteStore

__all__ = [
    "COMMAND_TYPES",
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
    "CaseSuspension",
    "CaseView",
    "CheckDeadlines",
    "Clock",
    "Command",
    "DeadlineState",
    "DeadlineStatus",
    "Dismiss",
    "Engine",
    "GuardContext",
    "InboxDeadline",
    "InboxItem",
    "InboxItemJSON",
    "MemoryStore",
    "OpenCase",
    "Organisation",
    "PostgresStore",
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
