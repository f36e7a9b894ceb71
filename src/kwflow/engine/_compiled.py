"""A process compiled for the engine: everything a command needs, worked out once.

Compiling runs the static checks (the engine never runs a process they
refuse), builds the phase machine and the artifact schemas, and turns the
file's tree of phases, roles and actions into flat lookups: who is present
in each leaf phase, which actions can be taken there, which deadlines care
about which action or artifact. A compiled process is immutable and shared by
every engine and thread; it is cached by (id, version, content hash), the
one cache of compiled processes. The calendar is not part of it: an engine
brings its own calendars (``Engine(calendars=...)``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.definition import CheckContext, check_process
from kwflow.exceptions import DefinitionError
from kwflow.history import FrozenDict, FrozenList

from ._artifacts import ArtifactSchema, compile_artifact
from ._conditions import CompiledCondition, Written, compile_condition
from ._machine import PhaseMachine

if TYPE_CHECKING:
    from kwflow.definition import Action, Deadline, Period, Process, Role

    from ._records import Case

__all__ = [
    "CompiledAction",
    "CompiledDeadline",
    "CompiledProcess",
    "CompiledVariant",
    "LeafPhase",
    "compiled",
]


@attrs.frozen
class LeafPhase:
    """A leaf phase with what its place in the tree implies."""

    id: str
    path: tuple[str, ...]
    present: frozenset[str]
    on_call: frozenset[str]
    writable: frozenset[str] | None
    outcome: str | None
    actions: tuple[str, ...]


@attrs.frozen
class CompiledAction:
    """An action with its requirements in the form the engine checks them."""

    action: Action
    leaves: frozenset[str]
    by: frozenset[str]
    required_artifacts: tuple[str, ...]
    conditions: tuple[CompiledCondition, ...]
    required_roles: tuple[tuple[str, int], ...]
    guards: tuple[str, ...]
    stays: bool
    required_organisations: tuple[tuple[str, frozenset[str]], ...] = ()
    resume: bool = False

    @property
    def id(self) -> str:
        """The action's id."""
        return self.action.id


@attrs.frozen
class CompiledVariant:
    """A deadline variant: its conditions compiled, and the periods it gives."""

    conditions: tuple[CompiledCondition, ...]
    target: Period | None
    limit: Period | None

    def holds(self, case: Case, written: Written | None = None) -> bool:
        """Whether every condition holds on ``case`` (with ``written`` as the latest)."""
        return all(condition.holds_on(case, written) for condition in self.conditions)


@attrs.frozen
class CompiledDeadline:
    """A deadline with the leaf phases it runs in and its compiled variants."""

    deadline: Deadline
    leaves: frozenset[str]
    satisfied_by: frozenset[str]
    variants: tuple[CompiledVariant, ...] = ()

    @property
    def id(self) -> str:
        """The deadline's id."""
        return self.deadline.id

    @property
    def anchor_action(self) -> str | None:
        """The action the period counts from, if it counts from one."""
        return self.deadline.anchor.action

    @property
    def anchor_artifact(self) -> str | None:
        """The artifact whose field the period counts from, if it counts from one."""
        field = self.deadline.anchor.field
        return None if field is None else field.artifact

    @property
    def anchor_field(self) -> str | None:
        """The field the period counts from, if it counts from one."""
        field = self.deadline.anchor.field
        return None if field is None else field.field

    @property
    def planned_artifact(self) -> str | None:
        """The artifact holding when the satisfying step is planned, if the deadline names one."""
        planned = self.deadline.planned
        return None if planned is None else planned.artifact

    @property
    def planned_field(self) -> str | None:
        """The field holding when the satisfying step is planned, if the deadline names one."""
        planned = self.deadline.planned
        return None if planned is None else planned.field

    @property
    def periods(self) -> tuple[Period | None, Period | None]:
        """``(target, limit)`` of the deadline itself, without variants."""
        return self.deadline.target, self.deadline.limit

    def periods_for(
        self, case: Case, written: Written | None = None
    ) -> tuple[Period | None, Period | None]:
        """``(target, limit)`` as the deadline starts: the first variant that holds wins.

        ``written`` is a version the step writes, which counts as the latest. A
        variant's target or limit replaces the deadline's own; what it
        leaves out stays.
        """
        target, limit = self.deadline.target, self.deadline.limit
        for variant in self.variants:
            if variant.holds(case, written):
                return (
                    variant.target if variant.target is not None else target,
                    variant.limit if variant.limit is not None else limit,
                )
        return target, limit


class CompiledProcess:
    """Everything the engine needs about one process, computed once."""

    def __init__(self, process: Process) -> None:
        """Compile ``process``; raises `DefinitionError` if the static checks find errors."""
        errors = [p for p in check_process(process) if p.severity == "error"]
        if errors:
            raise DefinitionError(errors)
        self.process = process
        self.key = (process.id, process.version, process.content_hash)
        context = CheckContext(process)
        self.roles: dict[str, Role] = {role.id: role for role in process.roles}
        self.exclusive: dict[str, frozenset[str]] = {
            role.id: frozenset(role.exclusive_with)
            | frozenset(other.id for other in process.roles if role.id in other.exclusive_with)
            for role in process.roles
        }
        self.assigners: dict[str, frozenset[str]] = {
            role.id: frozenset(role.assigned_by) for role in process.roles
        }
        self.replacers: dict[str, frozenset[str]] = {
            role.id: frozenset(role.replaced_by) for role in process.roles
        }
        self.organisation_kinds: frozenset[str] = frozenset(
            kind.id for kind in process.organisation_kinds
        )
        # Per role: the roles whose holders its holders may not share an
        # organisation with, both ways round (a rule on the coordinator
        # "not the referrer's organisation" binds an incoming referrer too).
        self.not_same_organisation: dict[str, frozenset[str]] = {
            role.id: frozenset(role.organisation.not_same_as if role.organisation else ())
            | frozenset(
                other.id
                for other in process.roles
                if other.organisation is not None and role.id in other.organisation.not_same_as
            )
            for role in process.roles
        }
        # Per role with ``assignable_in``: the leaf phases people may be assigned to it in.
        self.assignable_leaves: dict[str, frozenset[str]] = {
            role.id: frozenset().union(*(context.leaves_under(p) for p in role.assignable_in))
            for role in process.roles
            if role.assignable_in
        }
        self.artifacts: dict[str, ArtifactSchema] = {
            artifact.id: compile_artifact(artifact, process.id) for artifact in process.artifacts
        }
        self.actions: dict[str, CompiledAction] = {
            action.id: self._compile_action(action, context) for action in process.actions
        }
        self.leaves: dict[str, LeafPhase] = {}
        for info in process.all_phases():
            if info.phase.phases:
                continue
            leaf = info.phase.id
            on_call = frozenset(
                role for pid in info.path for role in context.phases[pid].phase.on_call
            )
            self.leaves[leaf] = LeafPhase(
                id=leaf,
                path=info.path,
                present=context.present_in(leaf),
                on_call=on_call,
                writable=context.writable_in(leaf),
                # The checks refuse terminal phases with sub-phases: outcomes sit on leaves.
                outcome=info.phase.outcome,
                actions=tuple(a.id for a in self.actions.values() if leaf in a.leaves),
            )
        self.initial_path = _initial_path(process)
        self.suspensions: dict[str, str] = {
            info.phase.id: info.phase.suspension.deadlines
            for info in process.all_phases()
            if info.phase.suspension is not None and not info.phase.phases
        }
        """Suspension leaf -> what its deadlines do (``"pause"`` or ``"run"``)."""
        self.deadlines: tuple[CompiledDeadline, ...] = tuple(
            self._compile_deadline(deadline, context) for deadline in process.deadlines
        )
        self.deadlines_by_id = {d.id: d for d in self.deadlines}
        # Whether any deadline sends reminders: only then does an append look at the outbox.
        self.notifying = any(d.deadline.notices for d in self.deadlines)
        self.deadlines_satisfied_by: dict[str, tuple[CompiledDeadline, ...]] = {}
        self.deadlines_anchored_on_action: dict[str, tuple[CompiledDeadline, ...]] = {}
        self.deadlines_anchored_on_artifact: dict[str, tuple[CompiledDeadline, ...]] = {}
        for deadline in self.deadlines:
            for action_id in deadline.satisfied_by:
                _add(self.deadlines_satisfied_by, action_id, deadline)
            if deadline.anchor_action is not None:
                _add(self.deadlines_anchored_on_action, deadline.anchor_action, deadline)
            if deadline.anchor_artifact is not None:
                _add(self.deadlines_anchored_on_artifact, deadline.anchor_artifact, deadline)
        self.machine = PhaseMachine(process, context)
        # Read-only event parts many cases share, made on first use: one
        # list per phase path, one payload per plain move (the payload of an
        # action that records nothing and changes no deadline). Built from
        # the machine's answer each time, never in place of asking it.
        self._phase_lists: dict[tuple[str, ...], FrozenList[str]] = {}
        self._move_payloads: dict[
            tuple[str, tuple[str, ...] | None, str | None], FrozenDict[str, Any]
        ] = {}

    def destination_id(self, case: Case, action_id: str) -> str | None:
        """The phase ``action_id`` leads to from ``case`` as a list shows it (``None``: stays).

        A resume action leads back to the phase the case was suspended from.
        """
        action = self.actions[action_id]
        if action.resume:
            return None if case.suspension is None else case.suspension.from_phase.id
        return action.action.to

    def phase_list(self, path: tuple[str, ...]) -> FrozenList[str]:
        """``path`` as the read-only list an event records it as, shared."""
        found = self._phase_lists.get(path)
        if found is None:
            found = self._phase_lists.setdefault(path, FrozenList(path))
        return found

    def move_payload(
        self, action: str, path: tuple[str, ...] | None, outcome: str | None
    ) -> FrozenDict[str, Any]:
        """The payload of ``action`` taken with nothing recorded and no deadline changed.

        ``path`` is the phase the machine says it entered (``None``: it stays),
        ``outcome`` that phase's outcome. Equal arguments give the same
        read-only payload, which every event of such a move then holds.
        """
        key = (action, path, outcome)
        found = self._move_payloads.get(key)
        if found is None:
            payload: dict[str, Any] = {"action": self.actions[action].id}
            if path is not None:
                payload["phase"] = self.phase_list(path)
            if outcome is not None:
                payload["outcome"] = outcome
            found = self._move_payloads.setdefault(key, FrozenDict(payload))
        return found

    def _compile_action(self, action: Action, context: CheckContext) -> CompiledAction:
        requires = action.requires
        return CompiledAction(
            action=action,
            leaves=context.action_leaves(action),
            by=frozenset(action.by),
            required_artifacts=requires.artifacts,
            conditions=tuple(
                compile_condition(c, self.process.artifact(c.artifact)) for c in requires.fields
            ),
            required_roles=tuple((role, max(1, self.roles[role].min)) for role in requires.roles),
            guards=requires.guards,
            stays=action.to is None and not action.resume,
            resume=action.resume,
            required_organisations=tuple(
                (needs.role, frozenset(needs.kinds)) for needs in requires.organisations
            ),
        )

    def _compile_deadline(self, deadline: Deadline, context: CheckContext) -> CompiledDeadline:
        if deadline.phases:
            leaves = frozenset().union(*(context.leaves_under(p) for p in deadline.phases))
        else:
            # "Every phase" means the process's own course: a deadline runs in
            # a suspension phase only when its 'phases' name it.
            leaves = frozenset(self.leaves) - frozenset(self.suspensions)
        return CompiledDeadline(
            deadline=deadline,
            # A deadline never runs in a terminal phase: reaching an outcome ends it.
            leaves=frozenset(leaf for leaf in leaves if self.leaves[leaf].outcome is None),
            satisfied_by=frozenset(deadline.satisfied_by),
            variants=tuple(
                CompiledVariant(
                    conditions=tuple(
                        compile_condition(c, self.process.artifact(c.artifact))
                        for c in variant.when
                    ),
                    target=variant.target,
                    limit=variant.limit,
                )
                for variant in deadline.variants
            ),
        )


def _add(
    index: dict[str, tuple[CompiledDeadline, ...]], key: str, deadline: CompiledDeadline
) -> None:
    index[key] = (*index.get(key, ()), deadline)


def _initial_path(process: Process) -> tuple[str, ...]:
    phases = process.phases
    path: list[str] = []
    while phases:
        phase = next((p for p in phases if p.initial), phases[0])
        path.append(phase.id)
        phases = phase.phases
    return tuple(path)


_CACHE: dict[tuple[str, int, str], CompiledProcess] = {}
_CACHE_LOCK = threading.Lock()


def compiled(process: Process) -> CompiledProcess:
    """The compiled form of ``process``, built on first use and shared after.

    Keyed by (id, version, content hash): two equal files share one compiled
    process (and one machine); a changed file is compiled anew.
    """
    key = (process.id, process.version, process.content_hash)
    found = _CACHE.get(key)
    if found is not None:
        return found
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = CompiledProcess(process)
        return found


def compiled_if_same(pinned: tuple[str, int, str], process: Process) -> CompiledProcess | None:
    """The process compiled under ``pinned``, if built from this very ``process`` object.

    The engine's fast path for every command: a case pins (id, version, hash)
    and the registry gives a `Process`; when the cache holds that same object
    for the pin, nothing needs hashing again. ``None`` means: check the hash
    and call `compiled`.
    """
    found = _CACHE.get(pinned)
    return found if found is not None and found.process is process else None
