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
    ActionOption,
    ArtifactVersion,
    Case,
    CasePhase,
    CaseView,
    Clock,
    DeadlineState,
    DeadlineStatus,
    Engine,
    GuardContext,
    Reason,
    ReasonCode,
    SimulatedClock,
    SystemClock,
)
from .store import MemoryStore, PostgresStore, SqliteStore

__all__ = [
    "ActionOption",
    "ArtifactVersion",
    "Case",
    "CasePhase",
    "CaseView",
    "Clock",
    "DeadlineState",
    "DeadlineStatus",
    "Engine",
    "GuardContext",
    "MemoryStore",
    "PostgresStore",
    "Reason",
    "ReasonCode",
    "Registry",
    "SimulatedClock",
    "SqliteStore",
    "SystemClock",
    "__version__",
    "load_process",
]
