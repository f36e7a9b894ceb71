"""Reading a case's history as steps: what each event was, for the invariant monitor.

The stateful test and :func:`invariant_violations` read a history the same
way: event by event, each against the case just before it (folded from the
events before), so a step knows who took it, in which phase, holding which
roles, and what it entered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from kwflow.engine import ROLE_ACTOR_PREFIX, evolve, fold
from kwflow.history import EventType

from ._invariants import RECORD_KINDS, InvariantMonitor, Observation
from ._phases import ProcessShape, shape_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from kwflow.definition import Process
    from kwflow.engine import Case
    from kwflow.history import Event

__all__ = ["KINDS", "InvariantViolation", "invariant_violations", "observation", "read_events"]

KINDS = {
    EventType.CASE_OPENED.value: "open",
    EventType.ROLE_ASSIGNED.value: "assign",
    EventType.ROLE_UNASSIGNED.value: "unassign",
    EventType.ROLE_REPLACED.value: "replace",
    EventType.ARTIFACT_SUBMITTED.value: "submit",
    EventType.ACTION_TAKEN.value: "act",
    EventType.CALLED_IN.value: "call_in",
    EventType.DISMISSED.value: "dismiss",
    EventType.DEADLINE_BREACHED.value: "breach",
    EventType.SUBJECT_ERASED.value: "erase",
    EventType.HOLD_PLACED.value: "hold",
    EventType.HOLD_RELEASED.value: "release_hold",
    EventType.CASE_DISPOSED.value: "dispose",
    EventType.CASE_MIGRATED.value: "migrate",
}
"""Event type -> the kind of step it is."""


@attrs.frozen
class InvariantViolation:
    """A declared invariant broken in a history: which, by which event, and how."""

    invariant: str
    sequence: int
    message: str

    def __str__(self) -> str:
        return f"invariant {self.invariant} broken by event {self.sequence}: {self.message}"


def observation(shape: ProcessShape, before: Case | None, event: Event, after: Case) -> Observation:
    """The step ``event`` was, given the case ``before`` it and ``after`` it."""
    kind = KINDS[event.type]
    present = frozenset(a for a, versions in after.artifacts.items() if versions)
    held = frozenset(role for role, people in after.roles.items() if people)
    if kind == "open" or before is None:
        follows = event.payload.get("follows") if kind == "open" else None
        return Observation(
            "open",
            frozenset({shape.process.opener}),
            None,
            None,
            shape.path(after.phase.id),
            present,
            held,
            follows_outcome=None if follows is None else str(follows["outcome"]),
        )
    leaf = before.phase.id
    if kind in RECORD_KINDS:
        return Observation(kind, frozenset(), leaf, None, (), present, held)
    if kind == "breach":
        return Observation("breach", frozenset(), leaf, None, (), present, held)
    actor = event.actor
    if actor.startswith(ROLE_ACTOR_PREFIX) and kind in ("call_in", "dismiss"):
        # Recorded by the role the person acted through, not by the person.
        roles = frozenset({actor.removeprefix(ROLE_ACTOR_PREFIX)})
    else:
        roles = frozenset(before.participants.get(actor, ()))
    action_id: str | None = None
    entered: tuple[str, ...] = ()
    if kind == "act":
        action_id = str(event.payload["action"])
        action = shape.process.action(action_id)
        if action is not None:
            back = before.suspension.from_phase.id if before.suspension is not None else None
            _, entered = shape.transition(leaf, action, back)
    return Observation(kind, roles, leaf, action_id, entered, present, held)


def read_events(
    process: Process, events: Iterable[Event], *, before: Case | None = None
) -> Iterator[tuple[Case | None, Event, Case]]:
    """Each event with the case before and after it (``before``: the case before the first)."""
    case = before
    for event in events:
        after = fold(process, [event]) if case is None else evolve(process, case, [event])
        yield case, event, after
        case = after


def invariant_violations(process: Process, events: Iterable[Event]) -> list[InvariantViolation]:
    """Every time a declared invariant of ``process`` is broken in a case's history.

    The same reading the stateful test and the explorer use (see
    ``docs/testing.md``, "The declared invariants"); give it a stored history
    (``engine.history_unfiltered(case_id)``) to audit a real case.
    """
    shape = shape_of(process)
    monitor = InvariantMonitor(process)
    memory = monitor.start
    found: list[InvariantViolation] = []
    for before, event, after in read_events(process, events):
        memory, broken = monitor.observe(memory, observation(shape, before, event, after))
        found += [InvariantViolation(inv.id, event.sequence, reason) for inv, reason in broken]
    return found
