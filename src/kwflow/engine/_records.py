"""The records a host reads: `Case` and its parts, views and action options.

All are frozen attrs classes with slots. Maps are `FrozenMap` and sequences
tuples, so records compare by value, hash, and serialize to JSON directly
(see ``_serialization.py``). Artifact data is kept in its JSON form, exactly
as it was recorded and hashed: dates as ``"2026-10-27"``, moments as UTC
ISO-8601 text, money as a decimal string with two places (``"1000.00"``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from kwflow.history import EMPTY_MAP as EMPTY
from kwflow.history import FrozenMap

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from kwflow.definition import Label, Process

__all__ = [
    "ActionOption",
    "ArtifactVersion",
    "Case",
    "CasePhase",
    "CaseView",
    "DeadlineState",
    "DeadlineStatus",
    "GuardContext",
    "ProcessRef",
    "Reason",
    "ReasonCode",
    "TakenAction",
]


@attrs.frozen
class ProcessRef:
    """The exact process a case runs: id, version and the file's content hash."""

    id: str
    version: int
    content_hash: str


@attrs.frozen
class CasePhase:
    """Where a case is: its leaf phase and the path to it from the top level."""

    id: str
    path: tuple[str, ...]

    @property
    def parents(self) -> tuple[str, ...]:
        """The compound phases around the leaf, outermost first."""
        return self.path[:-1]

    def within(self, phase_id: str) -> bool:
        """Whether the case is in ``phase_id`` or in a phase inside it."""
        return phase_id in self.path


@attrs.frozen
class ArtifactVersion:
    """One submission of an artifact: its data (JSON form), who, when.

    ``number`` counts the artifact's versions from 1; ``sequence`` is the
    event that recorded it.
    """

    number: int
    data: FrozenMap[str, Any]
    by: str
    at: datetime
    sequence: int


class DeadlineStatus(StrEnum):
    """Where a deadline stands. Values are stored: never rename one."""

    NOT_STARTED = "not_started"
    PENDING = "pending"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    BREACHED = "breached"
    CANCELLED = "cancelled"


@attrs.frozen
class DeadlineState:
    """One deadline of a case: its status and times (UTC).

    ``target`` and ``limit`` are the moments computed from the anchor when
    the deadline started (either may be ``None`` when the process gives
    none); `due` is the moment after which it is breached: the limit, or the
    target when there is no limit. ``anchor_key`` identifies the anchor
    occurrence (an action's event, or a field's value) so that a deadline is
    restarted only by a new anchor.
    """

    id: str
    status: DeadlineStatus
    responsible: str
    anchor_at: datetime | None = None
    anchor_key: str | None = None
    target: datetime | None = None
    limit: datetime | None = None
    met_at: datetime | None = None
    breached_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def due(self) -> datetime | None:
        """The moment after which the deadline is breached, if it has started."""
        return self.limit if self.limit is not None else self.target

    @property
    def open(self) -> bool:
        """Whether the deadline is running (pending)."""
        return self.status is DeadlineStatus.PENDING

    def overdue(self, now: datetime) -> bool:
        """Whether it is running past its due moment: a breach not yet recorded.

        The engine records it before the next command on the case, or in
        `Engine.record_breaches`; until then the status stays ``pending``.
        """
        due = self.due
        return self.status is DeadlineStatus.PENDING and due is not None and now > due


class TakenAction(NamedTuple):
    """An action taken in a case: which, by whom, when, and in which leaf phase.

    A named tuple rather than an attrs class: a long case holds hundreds, and
    replay makes one per action event, where a tuple is built four times faster.
    """

    action: str
    by: str
    at: datetime
    sequence: int
    phase: str


@attrs.frozen
class Case:
    """A case: the fold of its events. Immutable; every command returns a new one.

    ``participants`` maps each person to their roles, ``roles`` each role to
    its people (both in assignment order). ``called_in`` holds the on-call
    roles called into the current leaf phase. ``artifacts`` maps an artifact
    id to its versions, oldest first. ``taken_in_phase`` lists the actions
    without ``to`` already taken since the case entered its leaf phase.
    ``version`` is the sequence of the last event and ``last_hash`` its hash.
    """

    id: str
    process: ProcessRef
    phase: CasePhase
    participants: FrozenMap[str, tuple[str, ...]]
    roles: FrozenMap[str, tuple[str, ...]]
    called_in: tuple[str, ...]
    artifacts: FrozenMap[str, tuple[ArtifactVersion, ...]]
    deadlines: FrozenMap[str, DeadlineState]
    actions: tuple[TakenAction, ...]
    taken_in_phase: tuple[str, ...]
    outcome: str | None
    opened_at: datetime
    opened_by: str
    version: int
    last_hash: str

    @property
    def closed(self) -> bool:
        """Whether the case has ended in a terminal phase (it has an outcome)."""
        return self.outcome is not None

    def latest(self, artifact_id: str) -> ArtifactVersion | None:
        """The newest version of an artifact, or ``None`` if it has none."""
        versions = self.artifacts.get(artifact_id)
        return versions[-1] if versions else None

    def roles_of(self, person: str) -> tuple[str, ...]:
        """The roles ``person`` holds in the case (empty if none)."""
        return self.participants.get(person, ())

    def people_in(self, role: str) -> tuple[str, ...]:
        """The people holding ``role`` (empty if none)."""
        return self.roles.get(role, ())

    def to_dict(self) -> dict[str, Any]:
        """The case as JSON data; `Case.from_dict` reads it back equal."""
        from ._serialization import case_to_dict

        return case_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        """Read a case written by `Case.to_dict`; raises ``ValueError`` if malformed."""
        from ._serialization import case_from_dict

        return case_from_dict(data)


@attrs.frozen
class CaseView:
    """A case as one person may see it: artifacts they may not read are absent.

    ``person_roles`` are the roles the person holds; ``hidden`` names the
    artifacts left out (so a user interface can say that something exists
    without showing it, if the host wants to).
    """

    id: str
    process: ProcessRef
    person: str
    person_roles: tuple[str, ...]
    phase: CasePhase
    participants: FrozenMap[str, tuple[str, ...]]
    roles: FrozenMap[str, tuple[str, ...]]
    called_in: tuple[str, ...]
    artifacts: FrozenMap[str, tuple[ArtifactVersion, ...]]
    hidden: tuple[str, ...]
    deadlines: FrozenMap[str, DeadlineState]
    actions: tuple[TakenAction, ...]
    outcome: str | None
    opened_at: datetime
    opened_by: str
    version: int

    @property
    def closed(self) -> bool:
        """Whether the case has ended."""
        return self.outcome is not None

    def latest(self, artifact_id: str) -> ArtifactVersion | None:
        """The newest visible version of an artifact, or ``None``."""
        versions = self.artifacts.get(artifact_id)
        return versions[-1] if versions else None


class ReasonCode(StrEnum):
    """Why an action (or another command) is not allowed."""

    CLOSED = "closed"
    WRONG_PHASE = "wrong_phase"
    LACKS_ROLE = "lacks_role"
    NOT_PRESENT = "not_present"
    ALREADY_TAKEN = "already_taken"
    MISSING_ARTIFACT = "missing_artifact"
    FIELD_CONDITION = "field_condition"
    ROLE_NOT_ASSIGNED = "role_not_assigned"
    GUARD_REFUSED = "guard_refused"
    GUARD_NOT_REGISTERED = "guard_not_registered"

    @property
    def permission(self) -> bool:
        """Whether the reason is about who the person is (``NotPermitted``)."""
        return self in (ReasonCode.LACKS_ROLE, ReasonCode.NOT_PRESENT)


@attrs.frozen
class Reason:
    """One reason an action is not allowed, with what it is about and a message."""

    code: ReasonCode
    message: str
    artifact: str | None = None
    field: str | None = None
    role: str | None = None
    guard: str | None = None


@attrs.frozen
class ActionOption:
    """An action of the current phase, whether a person may take it, and why not."""

    action: str
    label: Label
    allowed: bool
    reasons: tuple[Reason, ...]
    to: str | None
    records: str | None


@attrs.frozen
class GuardContext:
    """What a host's guard sees: read-only facts about the command being decided.

    ``data`` is the data given with the action (frozen), if any; ``now`` the
    engine's time for this command.
    """

    case: Case
    action: str
    actor: str
    process: Process
    data: FrozenMap[str, Any] = EMPTY
    now: datetime | None = None
