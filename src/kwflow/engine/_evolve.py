"""Evolve: a case is the plain fold of its events.

Every event says what it led to (the phase entered, the outcome, the
artifact version, each deadline's new status with its computed times), so
the fold only copies facts into place: it never runs `transitions`, a
guard or calendar arithmetic, and it gives the same `Case` every time.

The fold works on a mutable draft and freezes it once at the end; maps the
events leave alone are reused as they are, so applying one event to a large
case copies only what that event changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.definition import Registry
from kwflow.exceptions import MalformedEvent, TamperedHistory
from kwflow.history import EMPTY_MAP, GENESIS_HASH, EventType, FrozenMap, freeze

from ._commands import Organisation
from ._records import (
    ArtifactVersion,
    Case,
    CasePhase,
    CaseSuspension,
    DeadlineState,
    DeadlineStatus,
    ProcessRef,
    ScheduledNotice,
    TakenAction,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from kwflow.definition import Process
    from kwflow.history import Event

__all__ = ["evolve", "fold"]

_STATUS = {status.value: status for status in DeadlineStatus}
_fromiso = datetime.fromisoformat


def _phase(path: Any) -> CasePhase:
    key = tuple(path)
    return CasePhase(key[-1], key)


def _when(value: str | None) -> datetime | None:
    return None if value is None else _fromiso(value)


def _notices(recorded: list[Mapping[str, Any]] | None) -> tuple[ScheduledNotice, ...]:
    return () if not recorded else tuple(ScheduledNotice.from_dict(n) for n in recorded)


class _Draft:
    """A case being folded: plain dicts and lists, frozen by `build`."""

    __slots__ = (
        "actions",
        "artifacts",
        "called_in",
        "case_id",
        "deadlines",
        "disposed_at",
        "erased",
        "follows",
        "hold",
        "last_hash",
        "opened_at",
        "opened_by",
        "organisations",
        "outcome",
        "participants",
        "phase",
        "process",
        "process_ref",
        "roles",
        "start",
        "subjects",
        "suspension",
        "taken_in_phase",
        "version",
    )

    def __init__(self, process: Process | Registry, start: Case | None) -> None:
        self.process = process
        self.start = start
        # Maps start as the frozen originals and are copied on first change.
        if start is None:
            self.case_id: str = ""
            self.process_ref: ProcessRef | None = None
            self.phase: CasePhase | None = None
            self.participants: Any = EMPTY_MAP
            self.roles: Any = EMPTY_MAP
            self.called_in: Any = ()
            self.artifacts: Any = EMPTY_MAP
            self.deadlines: Any = EMPTY_MAP
            self.actions: Any = ()
            self.taken_in_phase: Any = ()
            self.outcome: str | None = None
            self.opened_at: datetime | None = None
            self.opened_by = ""
            self.follows: str | None = None
            self.organisations: Any = EMPTY_MAP
            self.version = 0
            self.last_hash = GENESIS_HASH
            self.subjects: tuple[str, ...] = ()
            self.erased: tuple[str, ...] = ()
            self.hold: str | None = None
            self.disposed_at: datetime | None = None
            self.suspension: CaseSuspension | None = None
        else:
            self.case_id = start.id
            self.process_ref = start.process
            self.phase = start.phase
            self.participants = start.participants
            self.roles = start.roles
            self.called_in = start.called_in
            self.artifacts = start.artifacts
            self.deadlines = start.deadlines
            self.actions = start.actions
            self.taken_in_phase = start.taken_in_phase
            self.outcome = start.outcome
            self.opened_at = start.opened_at
            self.opened_by = start.opened_by
            self.follows = start.follows
            self.organisations = start.organisations
            self.version = start.version
            self.last_hash = start.last_hash
            self.subjects = start.subjects
            self.erased = start.erased
            self.hold = start.hold
            self.disposed_at = start.disposed_at
            self.suspension = start.suspension

    # -- copy on first write

    def _participants(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        if type(self.participants) is not dict:
            self.participants = dict(self.participants)
            self.roles = dict(self.roles)
        return self.participants, self.roles

    def _artifacts(self) -> dict[str, tuple[ArtifactVersion, ...]]:
        if type(self.artifacts) is not dict:
            self.artifacts = dict(self.artifacts)
        return self.artifacts

    def _organisations(self) -> dict[str, Organisation]:
        if type(self.organisations) is not dict:
            self.organisations = dict(self.organisations)
        return self.organisations

    def _joined(self, person: str, payload: Mapping[str, Any]) -> None:
        """Record the organisation an event names for ``person``, if it names one."""
        found = payload.get("organisation")
        if found is not None:
            self._organisations()[person] = Organisation(found["id"], found["kind"])

    def _left(self, person: str, participants: Mapping[str, Any]) -> None:
        """Forget the organisation of a person who holds no role any more."""
        if person not in participants and person in self.organisations:
            del self._organisations()[person]

    def _deadlines(self) -> dict[str, DeadlineState]:
        if type(self.deadlines) is not dict:
            self.deadlines = dict(self.deadlines)
        return self.deadlines

    # -- events

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply ``events`` in order; `MalformedEvent` names one that cannot be read."""
        # One loop with no call per event but the handler's: replay runs this
        # for every event of a case, and a method call each would be a third
        # of its cost.
        handlers = _HANDLERS
        event = None
        try:
            for event in events:
                handlers[event.type](self, event, event.payload)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            assert event is not None
            if event.type not in handlers:
                reason = f"unknown event type {event.type!r}"
            else:
                reason = f"{event.type} payload cannot be read: {exc!r}"
            raise MalformedEvent(event.case_id, event.sequence, reason) from exc
        if event is not None:
            self.version = event.sequence
            self.last_hash = event.hash

    def opened(self, event: Event, payload: Mapping[str, Any]) -> None:
        ref = payload["process"]
        self.case_id = event.case_id
        self.process_ref = ProcessRef(ref["id"], ref["version"], ref["hash"])
        self.phase = _phase(payload["phase"])
        role = payload["role"]
        self.participants = {event.actor: (role,)}
        self.roles = {role: (event.actor,)}
        self.opened_at = event.at
        self.opened_by = event.actor
        follows = payload.get("follows")
        self.follows = None if follows is None else follows["case"]
        self.organisations = EMPTY_MAP
        self._joined(event.actor, payload)
        # The version the case opened with: a case migrated later runs another
        # one, whose deadlines its `case_migrated` event lists itself.
        source = self.process
        process = source.get(ref["id"], ref["version"]) if isinstance(source, Registry) else source
        self.deadlines = {
            deadline.id: DeadlineState(
                deadline.id, DeadlineStatus.NOT_STARTED, deadline.responsible
            )
            for deadline in process.deadlines
        }

    def assigned(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        person, role = payload["person"], payload["role"]
        participants, roles = self._participants()
        participants[person] = (*participants.get(person, ()), role)
        roles[role] = (*roles.get(role, ()), person)
        self._joined(person, payload)

    def unassigned(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        person, role = payload["person"], payload["role"]
        participants, roles = self._participants()
        held = tuple(r for r in participants.get(person, ()) if r != role)
        if held:
            participants[person] = held
        else:
            participants.pop(person, None)
        people = tuple(p for p in roles.get(role, ()) if p != person)
        if people:
            roles[role] = people
        else:
            roles.pop(role, None)
        self._left(person, participants)

    def replaced(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        # One step, in place: the successor takes the predecessor's seat in
        # the role's list, so the role is never empty and its count never moves.
        person, role, successor = payload["person"], payload["role"], payload["successor"]
        participants, roles = self._participants()
        held = tuple(r for r in participants.get(person, ()) if r != role)
        if held:
            participants[person] = held
        else:
            participants.pop(person, None)
        participants[successor] = (*participants.get(successor, ()), role)
        roles[role] = tuple(successor if p == person else p for p in roles.get(role, ()))
        self._left(person, participants)
        self._joined(successor, payload)

    def submitted(self, event: Event, payload: Mapping[str, Any]) -> None:
        self._add_version(event, payload)
        subjects = payload.get("subjects")
        if subjects:
            self._add_subjects(subjects)
        changes = payload.get("deadlines")
        if changes:
            self._deadline_changes(event, changes)

    def acted(self, event: Event, payload: Mapping[str, Any]) -> None:
        # The hottest handler of replay (most events are actions): written
        # for speed, with the optional keys looked up once each.
        phase = self.phase
        assert phase is not None
        action = payload["action"]
        actions = self.actions
        if type(actions) is not list:
            actions = self.actions = list(actions)
        actions.append(TakenAction(action, event.actor, event.at, event.sequence, phase.id))
        get = payload.get
        records = get("records")
        if records is not None:
            self._add_version(event, records)
            subjects = get("subjects")
            if subjects:
                self._add_subjects(subjects)
        suspended = get("suspended")
        if suspended is not None:
            # What the case leaves behind, kept for its resumption.
            self.suspension = CaseSuspension(
                from_phase=_phase(suspended["from"]),
                since=event.at,
                deadlines=suspended["deadlines"],
                held=tuple(suspended["held"]),
                taken_in_phase=tuple(self.taken_in_phase),
            )
        path = get("phase")
        if path is None:
            self.taken_in_phase = (*self.taken_in_phase, action)
        else:
            self.phase = _phase(path)
            if self.called_in:
                self.called_in = ()
            if self.taken_in_phase:
                self.taken_in_phase = ()
        if get("suspension_ended") is not None:
            left = self.suspension
            self.suspension = None
            if left is not None and left.from_phase == self.phase:
                # Back where it stopped: its once-only actions stay taken.
                self.taken_in_phase = left.taken_in_phase
        outcome = get("outcome")
        if outcome is not None:
            self.outcome = outcome
        changes = get("deadlines")
        if changes:
            self._deadline_changes(event, changes)

    def called(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        self.called_in = (*self.called_in, payload["role"])

    def dismissed(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        role = payload["role"]
        self.called_in = tuple(r for r in self.called_in if r != role)

    def breached(self, event: Event, payload: Mapping[str, Any]) -> None:
        deadlines = self._deadlines()
        deadline_id = payload["deadline"]
        deadlines[deadline_id] = attrs.evolve(
            deadlines[deadline_id], status=DeadlineStatus.BREACHED, breached_at=event.at
        )

    def erased_subject(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        subject = payload["subject"]
        if subject not in self.erased:
            self.erased = (*self.erased, str(subject))

    def hold_placed(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        self.hold = str(payload["reason"])

    def hold_released(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        self.hold = None

    def disposed(self, event: Event, payload: Mapping[str, Any]) -> None:  # noqa: ARG002
        self.disposed_at = event.at

    def migrated(self, event: Event, payload: Mapping[str, Any]) -> None:
        # The case runs another version from here on: everything the move
        # led to is in the event (see _migrate), in the new version's terms.
        ref = payload["process"]
        self.process_ref = ProcessRef(ref["id"], ref["version"], ref["hash"])
        self.phase = _phase(payload["phase"])
        roles = {role: tuple(people) for role, people in payload["roles"].items()}
        participants: dict[str, tuple[str, ...]] = {}
        for role, people in roles.items():
            for person in people:
                participants[person] = (*participants.get(person, ()), role)
        self.roles, self.participants = roles, participants
        organisations = {p: o for p, o in self.organisations.items() if p in participants}
        for person, found in (payload.get("organisations") or {}).items():
            organisations[person] = Organisation(found["id"], found["kind"])
        self.organisations = organisations
        self.called_in = tuple(payload["called_in"])
        self.taken_in_phase = tuple(payload["taken_in_phase"])
        artifacts = self._artifacts()
        for old, new in (payload.get("renamed") or {}).items():
            if old in artifacts:
                artifacts[new] = artifacts.pop(old)
        for old in payload.get("dropped") or ():
            artifacts.pop(old, None)
        for document in payload.get("documents") or ():
            self._add_version(event, document)
        before = self.deadlines
        self.deadlines = {
            entry["id"]: (
                attrs.evolve(
                    before[entry["from"]], id=entry["id"], responsible=entry["responsible"]
                )
                if "from" in entry
                else DeadlineState(entry["id"], DeadlineStatus.NOT_STARTED, entry["responsible"])
            )
            for entry in payload["deadlines"]
        }
        changes = payload.get("changes")
        if changes:
            self._deadline_changes(event, changes)

    # -- shared steps

    def _add_subjects(self, subjects: Iterable[str]) -> None:
        known = self.subjects
        new = tuple(s for s in dict.fromkeys(subjects) if s not in known)
        if new:
            self.subjects = (*known, *new)

    def _add_version(self, event: Event, payload: Mapping[str, Any]) -> None:
        artifacts = self._artifacts()
        artifact_id = payload["artifact"]
        version = ArtifactVersion(
            payload["version"],
            freeze(payload["data"]),
            event.actor,
            event.at,
            event.sequence,
            payload.get("about"),
        )
        artifacts[artifact_id] = (*artifacts.get(artifact_id, ()), version)

    def _deadline_changes(self, event: Event, changes: Iterable[Mapping[str, Any]]) -> None:
        deadlines = self._deadlines()
        for change in changes:
            deadline_id = change["id"]
            old = deadlines[deadline_id]
            status_value = change.get("status")
            if status_value is None:
                # Only the planned moment moved (its field was written again).
                deadlines[deadline_id] = attrs.evolve(old, planned_at=_when(change["planned"]))
                continue
            status = _STATUS[status_value]
            if status is DeadlineStatus.PENDING:
                deadlines[deadline_id] = DeadlineState(
                    deadline_id,
                    status,
                    old.responsible,
                    anchor_at=_fromiso(change["anchor"]),
                    anchor_key=change["key"],
                    target=_when(change["target"]),
                    limit=_when(change["limit"]),
                    planned_at=_when(change.get("planned")),
                    # Only deadlines that declare reminders record them.
                    notices=_notices(change.get("notices")),
                )
            elif status is DeadlineStatus.CANCELLED:
                deadlines[deadline_id] = attrs.evolve(old, status=status, cancelled_at=event.at)
            else:
                deadlines[deadline_id] = attrs.evolve(old, status=status, met_at=event.at)

    def build(self) -> Case:
        if self.process_ref is None or self.phase is None or self.opened_at is None:
            raise TamperedHistory(self.case_id, 1, "not-opened")
        return Case(
            id=self.case_id,
            process=self.process_ref,
            phase=self.phase,
            # Maps no event changed are still the frozen originals: kept as they are.
            participants=p if type(p := self.participants) is FrozenMap else FrozenMap(p),
            roles=r if type(r := self.roles) is FrozenMap else FrozenMap(r),
            called_in=self.called_in,
            artifacts=a if type(a := self.artifacts) is FrozenMap else FrozenMap(a),
            deadlines=d if type(d := self.deadlines) is FrozenMap else FrozenMap(d),
            actions=self.actions if type(self.actions) is tuple else tuple(self.actions),
            taken_in_phase=self.taken_in_phase,
            outcome=self.outcome,
            opened_at=self.opened_at,
            opened_by=self.opened_by,
            version=self.version,
            last_hash=self.last_hash,
            subjects=self.subjects,
            erased=self.erased,
            hold=self.hold,
            disposed_at=self.disposed_at,
            follows=self.follows,
            organisations=o if type(o := self.organisations) is FrozenMap else FrozenMap(o),
            suspension=self.suspension,
        )


_HANDLERS: dict[str, Callable[[_Draft, Event, Mapping[str, Any]], None]] = {
    EventType.CASE_OPENED.value: _Draft.opened,
    EventType.ROLE_ASSIGNED.value: _Draft.assigned,
    EventType.ROLE_UNASSIGNED.value: _Draft.unassigned,
    EventType.ROLE_REPLACED.value: _Draft.replaced,
    EventType.ARTIFACT_SUBMITTED.value: _Draft.submitted,
    EventType.ACTION_TAKEN.value: _Draft.acted,
    EventType.CALLED_IN.value: _Draft.called,
    EventType.DISMISSED.value: _Draft.dismissed,
    EventType.DEADLINE_BREACHED.value: _Draft.breached,
    EventType.SUBJECT_ERASED.value: _Draft.erased_subject,
    EventType.HOLD_PLACED.value: _Draft.hold_placed,
    EventType.HOLD_RELEASED.value: _Draft.hold_released,
    EventType.CASE_DISPOSED.value: _Draft.disposed,
    EventType.CASE_MIGRATED.value: _Draft.migrated,
}


def fold(
    process: Process | Registry, events: Iterable[Event], *, start: Case | None = None
) -> Case:
    """The case ``events`` describe, from its first event (or after ``start``).

    ``process`` supplies the deadlines a new case starts with (all
    ``not_started``); nothing else of it is consulted. It is the version the
    case was opened with, or a `Registry` holding it: a case migrated to
    another version (``case_migrated``) takes the new version's deadlines
    from that event, so a registry replays any case, migrated or not. Raises
    `MalformedEvent` for an event this kwflow cannot read.
    """
    draft = _Draft(process, start)
    draft.apply_all(events)
    return draft.build()


def evolve(process: Process | Registry, case: Case, events: Iterable[Event]) -> Case:
    """``case`` after ``events`` (the events a command just produced)."""
    return fold(process, events, start=case)
