"""The declared invariants of a process, checked step by step.

One monitor serves both test tools: the explorer feeds it abstract steps,
the stateful test feeds it the steps read back from a real history. A step is
an :class:`Observation` (who, where, what, which phases it entered, which
artifacts exist afterwards); the monitor's memory between steps is a small
integer (which phases were entered, which "after" actions were taken), so
the explorer can keep it inside its states.

Meaning of each kind (``docs/testing.md`` has the same list):

- ``action_only_after``: every time ``action`` is taken, ``after`` has been
  taken before, earlier in the case.
- ``role_never_acts_in``: nobody who holds ``role`` takes any step (action,
  submission, assignment, handover, calling in or dismissing) while the case is in
  ``phase`` or a phase inside it, whichever of their roles they act in;
  taking one of ``except_actions`` is allowed. Records about the case
  (erasure, legal holds, disposal) are no one's step and do not count.
  Calling in and dismissing are recorded under one role, not the person
  (private family time keeps nothing else): they count for that role
  alone, the first of the person's roles present then, in file order.
- ``artifact_present_on_entry``: whenever a step enters ``phase`` (opening
  the case enters the initial phases), ``artifact`` has a version right after
  that step; an artifact recorded by the entering action counts.
- ``phase_entered_at_most_once``: no step enters ``phase`` a second time; an
  action whose target is the phase the case is already in re-enters it (and
  resuming a suspended case enters the phases down to where it stopped).
- ``follows_outcome``: a case opened as a follow-up follows an earlier case
  that ended with one of ``outcomes`` (as its opening recorded it); cases
  opened on their own pass.
- ``role_never_empty``: once a step leaves someone holding ``role`` (opening
  the case gives the opener theirs), every later step leaves someone holding
  it; a handover keeps it held, unassigning its last holder breaks it.
- ``only_actions_in``: while the case is in ``phase`` (or a phase inside
  it), no action is taken but those in ``actions``; other kinds of step
  (submissions, assignments) do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from kwflow.definition import (
    ActionOnlyAfter,
    ArtifactPresentOnEntry,
    FollowsOutcome,
    OnlyActionsIn,
    PhaseEnteredAtMostOnce,
    RoleNeverActsIn,
    RoleNeverEmpty,
)

from ._phases import shape_of

if TYPE_CHECKING:
    from kwflow.definition import Invariant, Process

__all__ = ["STEP_KINDS", "InvariantMonitor", "Observation"]

STEP_KINDS = (
    "open",
    "assign",
    "unassign",
    "replace",
    "submit",
    "act",
    "call_in",
    "dismiss",
    "breach",
    "erase",
    "hold",
    "release_hold",
    "dispose",
)
"""Every kind of step; all but ``breach`` (time passing) are taken by a person."""

RECORD_KINDS = frozenset({"breach", "erase", "hold", "release_hold", "dispose", "migrate"})
"""Steps that are no one's part in the process: time passing, and the records
kept about the case (erasure, legal holds, disposal, a move to another version
of the process); no invariant about who acts where counts them."""


@attrs.frozen
class Observation:
    """One step of a case as the monitor sees it.

    ``phase`` is the leaf the case was in before the step (``None`` for
    opening); ``entered`` the phases the step entered, outermost first;
    ``artifacts`` the artifacts that have a version after the step; ``held``
    the roles someone holds after it (``None``: the reader does not know, and
    ``role_never_empty`` is not judged on the step). ``follows_outcome`` is,
    for the opening of a follow-up, the outcome the earlier case ended with
    (``None`` otherwise).
    """

    kind: str
    actor_roles: frozenset[str]
    phase: str | None
    action: str | None
    entered: tuple[str, ...]
    artifacts: frozenset[str]
    held: frozenset[str] | None = None
    follows_outcome: str | None = None


class InvariantMonitor:
    """Checks the declared invariants of one process, one step at a time.

    Each invariant is filed under what can break it (an action, a leaf, a
    phase entered), so a step costs a few dictionary lookups however many
    invariants the process declares.
    """

    start: int = 0
    """The memory before a case is opened."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.invariants: tuple[Invariant, ...] = process.invariants
        shape = shape_of(process)
        bits: dict[tuple[str, str], int] = {}

        def bit(kind: str, name: str) -> int:
            return bits.setdefault((kind, name), 1 << len(bits))

        self._after_bit: dict[str, int] = {}
        self._entered_bit: dict[str, int] = {}
        # action -> [(invariant, bit of the action it needs first)]
        self._only_after: dict[str, list[tuple[Invariant, int, str]]] = {}
        # leaf -> [(invariant, role that must not act there, actions it still may take)]
        self._never_acts: dict[str, list[tuple[Invariant, str, frozenset[str]]]] = {}
        # phase -> [(invariant, artifact that must exist on entry)]
        self._on_entry: dict[str, list[tuple[Invariant, str]]] = {}
        # phase -> [invariant]
        self._at_most_once: dict[str, list[Invariant]] = {}
        # [(invariant, outcomes the earlier case of a follow-up may have)]
        self._follows: list[tuple[Invariant, frozenset[str]]] = []
        # [(invariant, role, bit remembering that the role was held)]
        self._never_empty: list[tuple[Invariant, str, int]] = []
        # leaf -> [(invariant, the only actions that may be taken there)]
        self._only_actions: dict[str, list[tuple[Invariant, frozenset[str]]]] = {}
        for invariant in self.invariants:
            if isinstance(invariant, ActionOnlyAfter):
                needed = self._after_bit[invariant.after] = bit("after", invariant.after)
                self._only_after.setdefault(invariant.action, []).append(
                    (invariant, needed, invariant.after)
                )
            elif isinstance(invariant, PhaseEnteredAtMostOnce):
                self._entered_bit[invariant.phase] = bit("entered", invariant.phase)
                self._at_most_once.setdefault(invariant.phase, []).append(invariant)
            elif isinstance(invariant, RoleNeverActsIn):
                if process.phase_info(invariant.phase) is not None:
                    allowed = frozenset(invariant.except_actions)
                    for leaf in shape.leaves_under(invariant.phase):
                        self._never_acts.setdefault(leaf, []).append(
                            (invariant, invariant.role, allowed)
                        )
            elif isinstance(invariant, ArtifactPresentOnEntry):
                self._on_entry.setdefault(invariant.phase, []).append(
                    (invariant, invariant.artifact)
                )
            elif isinstance(invariant, FollowsOutcome):
                self._follows.append((invariant, frozenset(invariant.outcomes)))
            elif isinstance(invariant, RoleNeverEmpty):
                self._never_empty.append((invariant, invariant.role, bit("held", invariant.role)))
            elif (
                isinstance(invariant, OnlyActionsIn)
                and process.phase_info(invariant.phase) is not None
            ):
                only = frozenset(invariant.actions)
                for leaf in shape.leaves_under(invariant.phase):
                    self._only_actions.setdefault(leaf, []).append((invariant, only))

    def after_bits(self) -> dict[str, int]:
        """The memory bit of each action whose taking the monitor remembers."""
        return dict(self._after_bit)

    def entered_bits(self) -> dict[str, int]:
        """The memory bit of each phase whose entering the monitor remembers."""
        return dict(self._entered_bit)

    def held_bits(self) -> dict[str, int]:
        """The memory bit of each role whose having been held the monitor remembers."""
        return {role: bit for _, role, bit in self._never_empty}

    def never_empty_roles(self) -> frozenset[str]:
        """The roles a ``role_never_empty`` invariant names."""
        return frozenset(role for _, role, _ in self._never_empty)

    def watches(
        self,
        *,
        phase: str | None,
        action: str | None,
        entered: tuple[str, ...],
        kind: str = "act",
    ) -> bool:
        """Whether a step of ``kind`` in ``phase``, taking ``action``, entering ``entered``
        may matter."""
        return bool(
            (self._never_empty and kind in ("open", "assign", "unassign", "replace"))
            or (action is not None and (action in self._only_after or action in self._after_bit))
            or (phase is not None and (phase in self._never_acts or phase in self._only_actions))
            or any(p in self._on_entry or p in self._entered_bit for p in entered)
        )

    def observe(self, memory: int, step: Observation) -> tuple[int, list[tuple[Invariant, str]]]:
        """The memory after ``step``, and every invariant it breaks with a reason."""
        broken: list[tuple[Invariant, str]] = []
        earlier = step.follows_outcome
        if earlier is not None:
            for invariant, outcomes in self._follows:
                if earlier not in outcomes:
                    listed = ", ".join(sorted(outcomes))
                    reason = f"it follows a case that ended with {earlier!r}, not one of {listed}"
                    broken.append((invariant, reason))
        action = step.action
        if action is not None:
            for invariant, needed, after in self._only_after.get(action, ()):
                if not memory & needed:
                    broken.append((invariant, f"{action!r} was taken before {after!r} ever was"))
            memory |= self._after_bit.get(action, 0)
        if step.kind not in RECORD_KINDS and step.phase is not None:
            for invariant, role, allowed in self._never_acts.get(step.phase, ()):
                if role in step.actor_roles and not (step.kind == "act" and action in allowed):
                    roles = ", ".join(sorted(step.actor_roles))
                    reason = (
                        f"someone holding {role!r} (roles: {roles}) took a step "
                        f"({step.kind}) in {step.phase!r}"
                    )
                    broken.append((invariant, reason))
        if step.kind == "act" and step.phase is not None:
            for invariant, only in self._only_actions.get(step.phase, ()):
                if action not in only:
                    reason = (
                        f"{action!r} was taken in {step.phase!r}, where only {_names(only)} may be"
                    )
                    broken.append((invariant, reason))
        for phase in step.entered:
            for invariant, artifact in self._on_entry.get(phase, ()):
                if artifact not in step.artifacts:
                    broken.append((invariant, f"{phase!r} was entered without {artifact!r}"))
            once = self._entered_bit.get(phase, 0)
            if once:
                if memory & once:
                    broken.extend(
                        (invariant, f"{phase!r} was entered a second time")
                        for invariant in self._at_most_once[phase]
                    )
                memory |= once
        held = step.held
        if held is not None:
            for invariant, role, bit in self._never_empty:
                if role in held:
                    memory |= bit
                elif memory & bit:
                    broken.append((invariant, f"nobody holds {role!r} after a {step.kind} step"))
        return memory, broken


def _names(names: frozenset[str]) -> str:
    return ", ".join(repr(name) for name in sorted(names))
