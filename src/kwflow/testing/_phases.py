"""The phase tree of a process as the test tools read it.

Both the explorer and the invariant monitor need the same answers: which
leaf a case is in after entering a phase, which phases a step enters, who is
present in a leaf. They are computed here once per process, from the
definition alone, following ``docs/concepts.md``:

- entering a compound phase enters its ``initial`` sub-phase (recursively);
- ``present`` is inherited from the nearest phase up the tree that has one,
  and a top-level phase without it has every role present;
- ``on_call`` roles of a leaf or of any phase around it may be called in;
- ``artifacts`` (what may be written) is inherited like ``present``.

A step that takes an action with ``to`` is an *external* transition: it
leaves the phases below the deepest phase shared by the current leaf and the
target (the target itself too when the case is already inside it) and enters
the phases down to the new leaf. So an action from ``sharing`` to its sibling
``family_time`` enters ``family_time`` only, and an action to the compound
phase the case is already in re-enters it.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kwflow.definition import Action, Phase, Process

__all__ = ["ProcessShape", "shape_of"]


class ProcessShape:
    """Derived, read-only facts about a process's phases and roles."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self._info = {info.phase.id: info for info in process.all_phases()}

    # -- the tree

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (``KeyError`` when there is none)."""
        return self._info[phase_id].phase

    def path(self, phase_id: str) -> tuple[str, ...]:
        """Ids from the top-level phase down to ``phase_id``."""
        return self._info[phase_id].path

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        """Every leaf phase, depth first in file order."""
        return tuple(i.phase.id for i in self.process.all_phases() if not i.phase.phases)

    def within(self, leaf: str, phase_id: str) -> bool:
        """Whether ``leaf`` is ``phase_id`` or inside it."""
        return phase_id in self._info[leaf].path

    def leaves_under(self, phase_id: str) -> frozenset[str]:
        """The leaves inside ``phase_id`` (itself, when it is a leaf)."""
        return frozenset(leaf for leaf in self.leaves if self.within(leaf, phase_id))

    def entry_leaf(self, phase_id: str) -> str:
        """The leaf a case is in right after entering ``phase_id``."""
        phase = self.phase(phase_id)
        while phase.phases:
            phase = next((sub for sub in phase.phases if sub.initial), phase.phases[0])
        return phase.id

    @cached_property
    def start_leaf(self) -> str:
        """The leaf a new case starts in."""
        top = next((p for p in self.process.phases if p.initial), self.process.phases[0])
        return self.entry_leaf(top.id)

    def outcome(self, leaf: str) -> str | None:
        """The outcome code when ``leaf`` (or a phase around it) is terminal."""
        for phase_id in reversed(self.path(leaf)):
            outcome = self.phase(phase_id).outcome
            if outcome is not None:
                return outcome
        return None

    @cached_property
    def outcomes(self) -> tuple[str, ...]:
        """Every outcome code the process declares, in file order, without repeats."""
        found: list[str] = []
        for info in self.process.all_phases():
            code = info.phase.outcome
            if code is not None and code not in found:
                found.append(code)
        return tuple(found)

    # -- presence

    @cached_property
    def role_ids(self) -> tuple[str, ...]:
        """Every role id, in file order."""
        return tuple(r.id for r in self.process.roles)

    def present(self, leaf: str) -> frozenset[str]:
        """Roles present in ``leaf``: the nearest ``present`` up the tree, or every role."""
        for phase_id in reversed(self.path(leaf)):
            present = self.phase(phase_id).present
            if present is not None:
                return frozenset(present)
        return frozenset(self.role_ids)

    def on_call(self, leaf: str) -> frozenset[str]:
        """Roles that may be called in while the case is in ``leaf``."""
        roles = {r for phase_id in self.path(leaf) for r in self.phase(phase_id).on_call}
        return frozenset(roles) - self.present(leaf)

    def writable(self, leaf: str) -> frozenset[str] | None:
        """Artifacts that may be written in ``leaf``; ``None`` means any."""
        for phase_id in reversed(self.path(leaf)):
            allowed = self.phase(phase_id).artifacts
            if allowed is not None:
                return frozenset(allowed)
        return None

    # -- actions

    def action_leaves(self, action: Action) -> frozenset[str]:
        """The non-terminal leaves ``action`` may be taken in."""
        return frozenset(
            leaf
            for leaf in self.leaves
            if self.outcome(leaf) is None and any(self.within(leaf, f) for f in action.from_)
        )

    def transition(
        self, leaf: str, action: Action, resume_to: str | None = None
    ) -> tuple[str, tuple[str, ...]]:
        """The leaf after taking ``action`` in ``leaf``, and the phases it enters.

        An action without ``to`` keeps the case in its leaf and enters nothing;
        a resume action returns to ``resume_to`` (the leaf the case was
        suspended from) and enters the phases down to it. Entered phases are
        listed outermost first.
        """
        if action.resume and resume_to is not None:
            return resume_to, self.resume_entered(leaf, resume_to)
        if action.to is None:
            return leaf, ()
        target = self.path(action.to)
        current = self.path(leaf)
        shared = 0
        while shared < min(len(target), len(current)) and target[shared] == current[shared]:
            shared += 1
        if shared == len(target):
            # The target is the leaf itself or a phase around it: re-entered.
            shared -= 1
        new_leaf = self.entry_leaf(action.to)
        return new_leaf, self.path(new_leaf)[shared:]

    def resume_entered(self, leaf: str, resume_to: str) -> tuple[str, ...]:
        """The phases resuming from the suspension leaf ``leaf`` to ``resume_to`` enters."""
        target = self.path(resume_to)
        current = self.path(leaf)
        shared = 0
        while shared < min(len(target), len(current)) and target[shared] == current[shared]:
            shared += 1
        return target[shared:]

    def suspension(self, leaf: str) -> str | None:
        """What deadlines do in ``leaf`` if it is a suspension phase (``None``: it is not)."""
        phase = self.phase(leaf)
        return None if phase.suspension is None else phase.suspension.deadlines


_SHAPES: dict[tuple[str, int, str], ProcessShape] = {}


def shape_of(process: Process) -> ProcessShape:
    """The (cached) shape of ``process``; equal processes share one."""
    key = (process.id, process.version, process.content_hash)
    shape = _SHAPES.get(key)
    if shape is None:
        if len(_SHAPES) > 256:  # generated processes in tests: keep memory flat
            _SHAPES.clear()
        shape = _SHAPES[key] = ProcessShape(process)
    return shape
