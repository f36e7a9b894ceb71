"""The runtime: cases that move through a process.

`Engine` is what a host embeds: it opens cases, assigns roles, accepts
artifacts, takes actions when their requirements hold, runs deadlines on the
process's calendar and keeps a hash-chained history in a store. A `Case` is
an immutable record, the fold of its events (`fold`); replaying a history
gives the same case every time. See docs/concepts.md for the rules.
"""

from kwflow.history import FrozenMap

from ._authorization import Guard
from ._clock import Clock, SimulatedClock, SystemClock
from ._decide import SYSTEM_ACTOR
from ._engine import Engine
from ._evolve import evolve, fold
from ._records import (
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
from ._serialization import CASE_FORMAT

__all__ = [
    "CASE_FORMAT",
    "SYSTEM_ACTOR",
    "ActionOption",
    "ArtifactVersion",
    "Case",
    "CasePhase",
    "CaseView",
    "Clock",
    "DeadlineState",
    "DeadlineStatus",
    "Engine",
    "FrozenMap",
    "Guard",
    "GuardContext",
    "ProcessRef",
    "Reason",
    "ReasonCode",
    "SimulatedClock",
    "SystemClock",
    "TakenAction",
    "evolve",
    "fold",
]
