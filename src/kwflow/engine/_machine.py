"""The phase machine: a process's phases and moves as one `transitions` machine.

One machine per process (id, version, content), built once, with no model
(``model=None``) and no ``to_*`` shortcuts (``auto_transitions=False``). To
learn where an action leads, the engine fires the action's trigger on a
throw-away cursor that holds only the current leaf's state name, reads the
cursor's new state and drops it: no case is ever registered on the machine,
no answer is cached, and nothing of `transitions` is kept in a case or seen
by a host.

Two kinds, behind the one `PhaseMachine` interface:

- a process with nested phases compiles to a `HierarchicalMachine`, which
  enters a compound phase's initial sub-phase and lets a compound ``from``
  stand for every phase inside it. It keeps the scope of a running trigger
  on the machine object itself (``HierarchicalMachine.__call__`` and
  ``__enter__``), so one trigger at a time may run: `PhaseMachine`
  serializes them with a lock, the only part of a command that holds it;
- a flat process (no phase has sub-phases) compiles to a plain `Machine`,
  which has nothing to resolve and fires an event in about a quarter of the
  time (measured, docs/performance.md). A plain trigger keeps its state in
  its own ``EventData`` and on the cursor, never on the machine, so flat
  triggers need no lock.

A resume action (``resume: true``) has no ``to``: it returns a suspended
case to the leaf phase it was suspended from. The machine gets one
transition per leaf the case may have been suspended from, each with a
condition that the remembered phase (passed with the trigger) is that leaf,
so exactly one fires.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from transitions import Machine, MachineError
from transitions.extensions.nesting import HierarchicalMachine, NestedState

from kwflow.definition import CheckContext

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow.definition import Phase, Process

__all__ = ["SEPARATOR", "MoveRefused", "PhaseMachine"]

SEPARATOR = "."
"""Joins nested phase ids in state names; ids are ``[a-z0-9_]`` and never contain it."""


class _PhaseState(NestedState):
    # A subclass rather than setting NestedState.separator: that is global
    # state shared with every other user of transitions in the process.
    separator = SEPARATOR


class _Machine(HierarchicalMachine):
    state_cls = _PhaseState


class _Cursor:
    """The throw-away model a trigger moves: it holds only a state name."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def _state_config(phase: Phase) -> Any:
    if not phase.phases:
        return phase.id
    initial = next((sub for sub in phase.phases if sub.initial), phase.phases[0])
    return {
        "name": phase.id,
        "children": [_state_config(sub) for sub in phase.phases],
        "initial": initial.id,
    }


def _returns_to(state: str) -> Callable[..., bool]:
    """The condition of a resume transition: the remembered phase is ``state``."""

    def remembered(*_args: Any, resume_to: str | None = None, **_kwargs: Any) -> bool:
        return resume_to == state

    return remembered


class MoveRefused(Exception):
    """The machine has no move for this trigger from this phase (never reaches a host)."""


class PhaseMachine:
    """Where each action leads, asked of one shared `transitions` machine."""

    def __init__(self, process: Process, context: CheckContext | None = None) -> None:
        """Build the machine of ``process``'s phases and its actions that move a case.

        A plain `Machine` when no phase has sub-phases, else a `HierarchicalMachine`.
        ``context`` (the process's check context, made when not given) says
        where resume actions may return.
        """
        if context is None:
            context = CheckContext(process)
        paths = {info.phase.id: SEPARATOR.join(info.path) for info in process.all_phases()}
        transitions: list[dict[str, Any]] = [
            {"trigger": action.id, "source": paths[source], "dest": paths[action.to]}
            for action in process.actions
            if action.to is not None
            for source in action.from_
        ]
        transitions += [
            {
                "trigger": action.id,
                "source": paths[leaf],
                "dest": paths[target],
                "conditions": [_returns_to(paths[target])],
            }
            for action in process.actions
            if action.resume
            for leaf in sorted(context.action_leaves(action))
            for target in sorted(context.suspended_from(leaf))
        ]
        initial = next((p for p in process.phases if p.initial), process.phases[0])
        self.nested = any(phase.phases for phase in process.phases)
        """Whether the process has nested phases (and so a hierarchical machine)."""
        kind: type[Machine] = _Machine if self.nested else Machine
        self._machine = kind(
            model=None,
            states=[_state_config(phase) for phase in process.phases],
            transitions=transitions,
            initial=initial.id,
            auto_transitions=False,
            send_event=False,
        )
        self._events: dict[str, Any] = self._machine.events
        self._lock = threading.Lock()

    def destination(
        self,
        leaf_path: tuple[str, ...],
        action_id: str,
        *,
        resume_to: tuple[str, ...] | None = None,
    ) -> tuple[str, ...]:
        """The leaf path the case is in after ``action_id`` from ``leaf_path``.

        Entering a compound phase enters its initial sub-phase (recursively).
        ``resume_to`` is the leaf path a suspended case was suspended from,
        for a resume action. Raises `MoveRefused` when the machine has no such move.
        """
        remembered = None if resume_to is None else SEPARATOR.join(resume_to)
        if not self.nested:
            return self._flat_destination(leaf_path, action_id, remembered)
        cursor = _Cursor(SEPARATOR.join(leaf_path))
        try:
            with self._lock:
                if remembered is None:
                    moved = self._machine.trigger_event(cursor, action_id)
                else:
                    moved = self._machine.trigger_event(cursor, action_id, resume_to=remembered)
        except (MachineError, AttributeError, ValueError) as exc:
            raise MoveRefused(str(exc)) from None
        if not moved:
            raise MoveRefused(f"no move {action_id!r} from {cursor.state!r}")
        return tuple(cursor.state.split(SEPARATOR))

    def _flat_destination(
        self, leaf_path: tuple[str, ...], action_id: str, remembered: str | None
    ) -> tuple[str, ...]:
        event = self._events.get(action_id)
        if event is None or len(leaf_path) != 1:
            raise MoveRefused(f"no move {action_id!r} from {SEPARATOR.join(leaf_path)!r}")
        cursor = _Cursor(leaf_path[0])
        try:
            if remembered is None:
                moved = event.trigger(cursor)
            else:
                moved = event.trigger(cursor, resume_to=remembered)
        except (MachineError, AttributeError, ValueError) as exc:
            raise MoveRefused(str(exc)) from None
        if not moved:
            raise MoveRefused(f"no move {action_id!r} from {cursor.state!r}")
        return (cursor.state,)
