"""The bounded explorer: every reachable abstract state of a process, breadth first.

The explorer reads the definition alone (no host code, no engine) and builds
the graph of *abstract states* a case can be in, starting with opening the
case. An abstract state keeps only what decides what can happen next:

- the leaf phase (its path follows from it);
- per role, how many people hold it, counted exactly up to what the process
  needs (``max(1, min)``, and one more where the minimum forbids unassigning
  the last ``min`` holders) and then only "enough" or "at max";
- per artifact that something depends on, whether it has a version and, if
  so, which of the process's requirements on it the latest version meets
  (a *class*, see ``_conditions``; a writer can produce any class);
- the roles called in, and the once-only actions already taken, in the
  current leaf;
- what the declared invariants remember (which phases were entered, which
  "after" actions were taken).

Two reductions keep the state spaces of real processes small without
changing any answer: a part of the state that no phase still reachable from
the current leaf can ever look at is forgotten (a document whose conditions
only matter before a meeting, once the meeting has started; a role that
never acts again), and versions of a document that every reachable action
judges alike are one class. A role's count is forgotten only where it cannot
decide whether any step is left (which tells a dead end from a stuck case):
it is kept wherever its holders can be unassigned but nobody can be assigned
(``assignable_in``, organisation rules) or its ``min`` equals its ``max``.

Steps are the commands people give: assign, unassign or hand over (replace)
a role, submit an artifact, take an action, call in or dismiss an on-call role; each is taken
*by* a role whose holder is present, under the rules of
``docs/concepts.md``. Named guards are assumed able to pass (a guard that
refuses is the same as not taking the action). A handover keeps every role's
count, so it changes no state, except when it gives the role to someone who
holds another role (or takes it from them), as below. People hold one role each,
except that the explorer also tries giving one person two roles when a
``role_never_acts_in`` invariant could be broken that way (the person is
present through the other role); at most one such person per case.

Organisations are chosen, not explored (``_organisations``): each new holder
of a role comes from an organisation of their own, of the one kind chosen
for the role, so a ``requires.organisations`` on a role is met exactly when
someone holds the role and the chosen kind is among the kinds it names
(else the action is never taken); a role whose rule requires an
organisation and allows no kind is never assigned; one person is given a
second role only when that role's rule lets their organisation in (and, for
a role an action requires organisations of, when the two roles' chosen
kinds agree). ``assignable_in`` limits where assign steps are taken.
A per-person artifact (one copy per holder of its roles) is followed only
while every holder's copy is alike: a submission writes one kind of
version about every current holder at once (the trace's commands are one
submission per holder), and the state keeps that kind. Someone new taking
one of its roles (an assignment or a handover) leaves that person without
a copy: the artifact goes *stale*, and no action that looks at it is taken
until it is written about everyone again. This misses the cases where
copies differ, never adds a step the engine would refuse. Conditions on
it are judged on that kind (``for: none``: the kind does not meet it;
``for: any`` also needs someone to hold one of the roles).

Deadlines do not change what can happen, so they are kept out of the states
and followed afterwards over the finished graph, one deadline at a time:
their statuses become not started, pending, met, breached or cancelled.

Because the search is breadth first, the first time an invariant breaks is
on a shortest sequence of steps, and so is the trace to each outcome.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

import attrs

from kwflow.definition import ActionOnlyAfter, ArtifactPresentOnEntry, Quantifier, RoleNeverActsIn

from ._conditions import ArtifactClasses, artifact_classes, process_conditions
from ._invariants import InvariantMonitor, Observation
from ._organisations import assignable_leaves, chosen_kinds, role_accepts
from ._phases import ProcessShape, shape_of
from ._report import DEADLINE_STATUSES, ExplorationReport, Finding, Step, Violation

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from kwflow.definition import Action, FieldCondition, Invariant, Process

__all__ = [
    "DEFAULT_MAX_STATES",
    "ReachedState",
    "explore",
    "reachable_states",
    "reachable_traces",
]

DEFAULT_MAX_STATES = 500_000
"""How many abstract states :func:`explore` visits at most unless told otherwise."""


# ---------------------------------------------------------------- the model

# A state is (leaf, counts, artifacts, called, once, shared, memory, back):
# leaf: index into model.leaves; counts: per role, the count state (below);
# artifacts: per tracked artifact, 0 = no version, 1 + class index otherwise;
# called: bitmask of roles called in; once: bitmask of once-only actions
# taken in this leaf; shared: index of the role pair one person holds, or -1;
# memory: the invariant monitor's memory; back: in a suspension phase, the
# leaf the case was suspended from and its once-only actions taken there
# (where a resume action returns it), else None.
State = tuple[int, tuple[int, ...], tuple[int, ...], int, int, int, int, tuple[int, int] | None]

# What a successor is: the next state (memory not yet updated), the step, the
# phases it entered, the action taken (if any), the roles of who took it, the
# (artifact, class) it wrote (if any), and whether the invariant monitor cares.
Successor = tuple[
    State, Step, tuple[str, ...], str | None, frozenset[str], tuple[str, int] | None, bool
]


@attrs.frozen
class _Counting:
    """How the count of one role's holders is abstracted.

    States ``0 .. need`` are exact; ``need`` means "at least need" when
    more may hold the role, and ``need + 1`` means "at max" when the maximum
    is finite and above ``need``. ``need`` is ``max(1, min)`` when the
    minimum is 0 or also the maximum, else ``min + 1``: like the engine,
    nobody is unassigned when that would leave fewer than ``min``, so
    exactly ``min`` holders (none may leave) must not share a state with
    more (one may).
    """

    need: int
    maximum: int | None
    minimum: int

    @classmethod
    def of(cls, minimum: int, maximum: int | None) -> _Counting:
        if minimum >= 1 and (maximum is None or maximum > minimum):
            return cls(minimum + 1, maximum, minimum)
        return cls(max(1, minimum), maximum, minimum)

    @property
    def enough(self) -> int:
        """The fewest holders an action's ``requires.roles`` accepts."""
        return max(1, self.minimum)

    def at_max(self, k: int) -> bool:
        return (k == self.need and self.maximum == self.need) or k == self.need + 1

    def after_assign(self, k: int) -> tuple[int, ...]:
        if self.at_max(k):
            return ()
        if k < self.need:
            return (k + 1,)
        if self.maximum is None:
            return (k,)
        if self.maximum == self.need + 1:
            return (self.need + 1,)
        return (self.need, self.need + 1)

    def after_unassign(self, k: int) -> tuple[int, ...]:
        if k == 0:
            return ()
        if k == self.need + 1:
            return (self.need,)
        if k == self.need and (self.maximum is None or self.maximum > self.need + 1):
            # "need or more" holders, one fewer: still need or more, or exactly need - 1.
            return (self.need,) if self.need - 1 < self.minimum else (self.need, self.need - 1)
        return (k - 1,) if k - 1 >= self.minimum else ()


@attrs.frozen
class _Version:
    """A version a step can write: its state value, the people it needs, its reading."""

    value: int  # the artifact's value in the state after writing it (canonical)
    needs: tuple[frozenset[int], ...]  # per person slot, role indices one of which must be held
    description: str
    written: tuple[str, int]  # (artifact id, class index), for deadline anchors


@attrs.define
class _Template:
    """One possible step in one leaf, with its preconditions compiled."""

    kind: str
    role: int  # acting role index
    present: bool  # the acting role is present in the leaf (else it must be called in)
    step: Step
    action: Action | None = None
    requires_roles: tuple[int, ...] = ()
    requires_held: tuple[int, ...] = ()  # roles someone must hold (organisation requirements)
    requires_artifacts: tuple[int, ...] = ()
    requires_classes: tuple[tuple[int, frozenset[int]], ...] = ()
    requires_holders: tuple[frozenset[int], ...] = ()  # role groups someone must hold
    once_bit: int = 0
    new_leaf: int = -1
    entered: tuple[str, ...] = ()
    artifact: int = -1  # tracked artifact index written, or -1
    records: str | None = None  # artifact id written
    versions: tuple[_Version, ...] = ()
    target: int = -1  # role assigned, unassigned, called in or dismissed
    pair: int = -1  # shared assignment: index of the role pair
    holder: int = -1
    dead_target: bool = False  # the target's count is never looked at again
    watched: bool = False  # the invariant monitor cares about this step
    variants: dict[tuple[int, str], Step] = attrs.Factory(dict)  # (version, also) -> step

    def step_for(self, version: int, also: str) -> Step:
        """The step writing version ``version`` (-1: none), by someone also holding ``also``."""
        found = self.variants.get((version, also))
        if found is None:
            found = self.step
            if version >= 0:
                found = attrs.evolve(found, version=self.versions[version].description)
            if also:
                found = attrs.evolve(found, also=also)
            self.variants[(version, also)] = found
        return found


class _Model:
    """A process compiled for exploration."""

    def __init__(self, process: Process, *, reduce: bool = True) -> None:
        self.process = process
        self.reduce = reduce  # False only to test that the reductions change no answer
        self.shape: ProcessShape = shape_of(process)
        shape = self.shape
        self.roles = shape.role_ids
        self.role_index = {r: i for i, r in enumerate(self.roles)}
        self.counting = tuple(_Counting.of(role.min, role.max) for role in process.roles)
        self.leaves = shape.leaves
        self.leaf_index = {leaf: i for i, leaf in enumerate(self.leaves)}
        self.outcome = tuple(shape.outcome(leaf) for leaf in self.leaves)
        # Per leaf: the roles present there by the process file (as indices).
        self.present_in = tuple(
            frozenset(self.role_index[r] for r in shape.present(leaf) if r in self.role_index)
            for leaf in self.leaves
        )
        self.monitor = InvariantMonitor(process)
        self.kinds = chosen_kinds(process)
        self.assignable = {
            role.id: assignable_leaves(process, shape, role.id) for role in process.roles
        }
        # Roles whose every new holder would be refused for their organisation.
        self.unholdable = frozenset(
            role.id
            for role in process.roles
            if not role_accepts(process, role.id, self.kinds[role.id])
        )
        self.organisation_roles = frozenset(
            needs.role for action in process.actions for needs in action.requires.organisations
        )
        self.once_actions = [
            a.id for a in process.actions if a.to is None and a.once and not a.resume
        ]
        # Suspension: its leaves, where a case in each may have come from, and
        # the phases resuming there enters.
        self.suspension_leaves = frozenset(
            self.leaf_index[leaf] for leaf in self.leaves if shape.suspension(leaf) is not None
        )
        self.paused_leaves = frozenset(
            self.leaf_index[leaf] for leaf in self.leaves if shape.suspension(leaf) == "pause"
        )
        self.suspended_from: dict[int, frozenset[int]] = {
            leaf: frozenset(
                self.leaf_index[source]
                for action in process.actions
                if action.to is not None
                and process.phase_info(action.to) is not None
                and self.leaf_index[shape.entry_leaf(action.to)] == leaf
                for source in shape.action_leaves(action)
                if self.leaf_index[source] not in self.suspension_leaves
            )
            for leaf in self.suspension_leaves
        }
        self.resume_entered: dict[tuple[int, int], tuple[str, ...]] = {
            (leaf, source): shape.resume_entered(self.leaves[leaf], self.leaves[source])
            for leaf, sources in self.suspended_from.items()
            for source in sources
        }

        conditions = process_conditions(process)
        self.classes: dict[str, ArtifactClasses] = {
            artifact.id: artifact_classes(artifact, conditions.get(artifact.id, []))
            for artifact in process.artifacts
        }
        tracked: list[str] = []
        for action in process.actions:
            for name in (*action.requires.artifacts, *(c.artifact for c in action.requires.fields)):
                if name not in tracked and name in self.classes:
                    tracked.append(name)
        for invariant in process.invariants:
            if (
                isinstance(invariant, ArtifactPresentOnEntry)
                and invariant.artifact not in tracked
                and invariant.artifact in self.classes
            ):
                tracked.append(invariant.artifact)
        self.tracked = tuple(tracked)
        self.tracked_index = {a: i for i, a in enumerate(tracked)}
        # Per-person artifacts (module docstring): their roles, by artifact id.
        self.per_person: dict[str, frozenset[int]] = {
            artifact.id: frozenset(self.role_index[r] for r in artifact.per_person)
            for artifact in process.artifacts
            if artifact.per_person
        }
        # Per tracked index of a per-person artifact: its "stale" value and roles.
        self.stale: dict[int, tuple[int, frozenset[int]]] = {
            self.tracked_index[a]: (len(self.classes[a].classes) + 1, roles)
            for a, roles in self.per_person.items()
            if a in self.tracked_index
        }
        self.pairs = self._relevant_pairs()

        self.reach = self._reach()
        self._liveness()
        self.actor_roles = tuple(frozenset({r}) for r in self.roles)
        self.templates: list[list[_Template]] = [
            self._templates(leaf) for leaf in range(len(self.leaves))
        ]
        for leaf_id, templates in enumerate(self.templates):
            for t in templates:
                t.watched = self.monitor.watches(
                    phase=self.leaves[leaf_id],
                    action=t.action.id if t.kind == "act" and t.action else None,
                    entered=t.entered,
                    kind=t.kind,
                ) or bool(t.action is not None and t.action.resume)

    # -- the static shape: where a case can go, and what it may still look at

    def _reach(self) -> list[frozenset[int]]:
        """Per leaf, the leaves reachable from it by actions (itself included)."""
        edges: dict[int, set[int]] = {i: set() for i in range(len(self.leaves))}
        for action in self.process.actions:
            for leaf in self.shape.action_leaves(action):
                if action.resume:
                    index = self.leaf_index[leaf]
                    edges[index] |= self.suspended_from.get(index, frozenset())
                    continue
                new_leaf, _ = self.shape.transition(leaf, action)
                edges[self.leaf_index[leaf]].add(self.leaf_index[new_leaf])
        reach: list[frozenset[int]] = []
        for start in range(len(self.leaves)):
            seen = {start}
            stack = [start]
            while stack:
                for nxt in edges[stack.pop()]:
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            reach.append(frozenset(seen))
        return reach

    def _leaves_of(self, phase_id: str) -> frozenset[int]:
        if self.process.phase_info(phase_id) is None:
            return frozenset()
        return frozenset(self.leaf_index[leaf] for leaf in self.shape.leaves_under(phase_id))

    def _action_leaves(self, action: Action) -> frozenset[int]:
        return frozenset(self.leaf_index[leaf] for leaf in self.shape.action_leaves(action))

    def _liveness(self) -> None:
        """Per leaf: which roles, artifacts, memory bits and pairs can still matter."""
        process, shape = self.process, self.shape
        count = len(self.leaves)
        # What each leaf itself looks at.
        role_reads: list[set[int]] = [set() for _ in range(count)]
        presence_reads: list[set[str]] = [set() for _ in range(count)]
        class_reads: list[set[str]] = [set() for _ in range(count)]  # via actions there
        for leaf_id, leaf in enumerate(self.leaves):
            if self.outcome[leaf_id] is not None:
                continue
            able = shape.present(leaf) | shape.on_call(leaf)
            reads = role_reads[leaf_id]
            for action in process.actions:
                if leaf not in shape.action_leaves(action):
                    continue
                takers = able if action.requires_presence else frozenset(self.roles)
                reads |= {self.role_index[r] for r in action.by if r in takers}
                reads |= {self.role_index[r] for r in action.requires.roles}
                reads |= {
                    self.role_index[n.role]
                    for n in action.requires.organisations
                    if n.role in self.role_index
                }
                presence_reads[leaf_id] |= set(action.requires.artifacts)
                class_reads[leaf_id] |= {c.artifact for c in action.requires.fields}
                for c in action.requires.fields:
                    reads |= set(self.per_person.get(c.artifact, ()))
                if action.records in self.classes:
                    reads |= self._needed_roles(action.records)
            writable = shape.writable(leaf)
            for artifact in process.artifacts:
                if writable is None or artifact.id in writable:
                    writers = {self.role_index[r] for r in artifact.write if r in able}
                    reads |= writers
                    if writers:
                        reads |= self._needed_roles(artifact.id)
            for role in process.roles:
                assigners = {self.role_index[r] for r in role.assigned_by if r in able}
                reads |= assigners
                if assigners and not self._always_a_count_step(role.id, leaf):
                    # Whether anyone can be (un)assigned here depends on the
                    # count: forgotten, a dead end and a stuck state would look alike.
                    reads.add(self.role_index[role.id])
                replacers = {self.role_index[r] for r in role.replaced_by if r in able}
                if replacers:
                    # A handover needs someone to hand over from.
                    reads |= replacers | {self.role_index[role.id]}
            if shape.on_call(leaf):
                reads |= {self.role_index[r] for r in able}
        for invariant in process.invariants:
            if isinstance(invariant, ArtifactPresentOnEntry):
                for leaf_id in self._leaves_of(invariant.phase):
                    presence_reads[leaf_id].add(invariant.artifact)

        self.live_roles: list[tuple[bool, ...]] = []
        self.art_canon: list[tuple[tuple[int, ...], ...]] = []
        self.mem_mask: list[int] = []
        self.pair_live: list[tuple[bool, ...]] = []
        entered_bits = self.monitor.entered_bits()
        after_bits = self.monitor.after_bits()
        # A role that must never be left empty is looked at after every step.
        never_empty = {
            self.role_index[r] for r in self.monitor.never_empty_roles() if r in self.role_index
        }
        held_mask = sum(self.monitor.held_bits().values())
        for leaf_id in range(count):
            reach = self.reach[leaf_id]
            pairs_live = tuple(
                any(self._leaves_of(phase) & reach for phase in self._pair_phases(pair))
                for pair in self.pairs
            )
            roles_read: set[int] = set().union(*(role_reads[r] for r in reach)) | never_empty
            for pair, live in zip(self.pairs, pairs_live, strict=True):
                if live:
                    roles_read |= set(pair)
            self.live_roles.append(tuple(i in roles_read for i in range(len(self.roles))))
            presence: set[str] = set().union(*(presence_reads[r] for r in reach))
            classed: set[str] = set().union(*(class_reads[r] for r in reach))
            actions_ahead = [a for a in process.actions if self._action_leaves(a) & reach]
            self.art_canon.append(
                tuple(
                    self._canon(
                        artifact_id,
                        actions_ahead,
                        artifact_id in presence or artifact_id in classed,
                    )
                    for artifact_id in self.tracked
                )
            )
            mask = held_mask
            for phase, bit in entered_bits.items():
                if self._leaves_of(phase) & reach:
                    mask |= bit
            for invariant in process.invariants:
                if isinstance(invariant, ActionOnlyAfter):
                    later = process.action(invariant.action)
                    if later is not None and self._action_leaves(later) & reach:
                        mask |= after_bits.get(invariant.after, 0)
            self.mem_mask.append(mask)
            self.pair_live.append(pairs_live)
        if not self.reduce:
            every = tuple(True for _ in self.roles)
            self.live_roles = [every for _ in range(count)]
            self.art_canon = [
                tuple(
                    tuple(range(len(self.classes[a].classes) + 1 + (a in self.per_person)))
                    for a in self.tracked
                )
                for _ in range(count)
            ]
            self.mem_mask = [-1 for _ in range(count)]

    def _always_a_count_step(self, role_id: str, leaf: str) -> bool:
        """Whether, in ``leaf``, someone can be assigned or unassigned ``role_id`` at any count.

        Only then may the role's count be forgotten where nothing else looks at
        it: one assign step that keeps the state stands for every count. Where
        nobody may be assigned (``assignable_in``, an organisation rule nobody
        meets), or where the most holders allowed are also the fewest, whether
        a step is left depends on the count.
        """
        role = self.process.role(role_id)
        assert role is not None
        return (
            role_id not in self.unholdable
            and leaf in self.assignable[role_id]
            and (role.max is None or role.max > role.min)
        )

    def _needed_roles(self, artifact_id: str) -> set[int]:
        # A per-person artifact is written about its roles' holders: their counts matter.
        return {
            self.role_index[r]
            for c in self.classes[artifact_id].classes
            for need in c.needs
            for r in need
            if r in self.role_index
        } | set(self.per_person.get(artifact_id, ()))

    def _canon(
        self, artifact_id: str, actions_ahead: Sequence[Action], live: bool
    ) -> tuple[int, ...]:
        """Value -> canonical value of a tracked artifact, for a leaf whose future is known.

        No version stays no version; a version becomes no version when nothing
        ahead looks at the artifact at all, and otherwise the first class
        that every action ahead judges the same way.
        """
        classes = self.classes[artifact_id]
        stale = artifact_id in self.per_person
        if not live:
            return (0,) * (len(classes.classes) + 1 + stale)
        judgements: list[frozenset[int]] = []
        for action in actions_ahead:
            on_it = [c for c in action.requires.fields if c.artifact == artifact_id]
            if on_it:
                holding = frozenset(range(len(classes.classes)))
                for condition in on_it:
                    if condition in classes.conditions:
                        holding &= self._copy_classes(classes, condition)
                judgements.append(holding)
        first: dict[tuple[bool, ...], int] = {}
        mapping = [0]
        for index in range(len(classes.classes)):
            signature = tuple(index in j for j in judgements)
            mapping.append(1 + first.setdefault(signature, index))
        if stale:
            mapping.append(len(classes.classes) + 1)  # stale stays stale
        return tuple(mapping)

    def _copy_classes(self, classes: ArtifactClasses, condition: FieldCondition) -> frozenset[int]:
        """The classes in which ``condition`` holds; of a per-person artifact, when every
        holder's copy is of that class (``for: none``: when no copy meets it)."""
        holding = classes.holding(condition)
        if condition.artifact in self.per_person and condition.for_ is Quantifier.NONE:
            return frozenset(range(len(classes.classes))) - holding
        return holding

    def _pair_phases(self, pair: tuple[int, int]) -> list[str]:
        return [
            inv.phase
            for inv in self.process.invariants
            if isinstance(inv, RoleNeverActsIn) and self.role_index.get(inv.role) in pair
        ]

    def _exclusive(self, a: str, b: str) -> bool:
        role_a, role_b = self.process.role(a), self.process.role(b)
        return bool(
            (role_a and b in role_a.exclusive_with) or (role_b and a in role_b.exclusive_with)
        )

    def _relevant_pairs(self) -> tuple[tuple[int, int], ...]:
        """Role pairs one person may hold that could break a ``role_never_acts_in``.

        (role, other): ``other`` may be present (or on call) where ``role`` is
        absent inside the invariant's phase, and the two are not exclusive.
        """
        pairs: list[tuple[int, int]] = []
        for invariant in self.process.invariants:
            if not isinstance(invariant, RoleNeverActsIn):
                continue
            if invariant.role not in self.role_index or not self.process.phase_info(
                invariant.phase
            ):
                continue
            for leaf in sorted(self.shape.leaves_under(invariant.phase)):
                present = self.shape.present(leaf)
                if invariant.role in present:
                    continue
                for other in sorted(present | self.shape.on_call(leaf)):
                    if other == invariant.role or self._exclusive(invariant.role, other):
                        continue
                    pair = (self.role_index[invariant.role], self.role_index[other])
                    if pair not in pairs:
                        pairs.append(pair)
        return tuple(pairs)

    # -- templates

    def _versions(self, artifact_id: str, leaf_id: int) -> tuple[_Version, ...]:
        """One version per kind that can make a difference once written in (or into) ``leaf``.

        Classes the state cannot tell apart there are written once, unless
        they differ in whether a deadline's anchor field has a value.
        """
        classes = self.classes[artifact_id]
        tracked = self.tracked_index.get(artifact_id, -1)
        anchors = [
            d.anchor.field.field
            for d in self.process.deadlines
            if d.anchor.field is not None and d.anchor.field.artifact == artifact_id
        ]
        found: dict[tuple[int, tuple[bool, ...], tuple[frozenset[int], ...]], _Version] = {}
        for index, kind in enumerate(classes.classes):
            value = self.art_canon[leaf_id][tracked][index + 1] if tracked >= 0 else 0
            needs = tuple(
                frozenset(self.role_index[r] for r in need if r in self.role_index)
                for need in kind.needs
                if need  # "anyone in the case" is always someone: the case was opened
            )
            key = (value, tuple(kind.data.get(f) is not None for f in anchors), needs)
            found.setdefault(key, _Version(value, needs, kind.description, (artifact_id, index)))
        return tuple(found.values())

    def _shared(
        self, leaf_id: int, kind: str, who: tuple[int, bool], by: str, role_id: str
    ) -> Iterator[_Template]:
        """``kind`` (assign or replace) of ``role_id`` to someone holding the other role of a pair.

        One person then holds both roles of a pair that a ``role_never_acts_in``
        invariant could be broken through (see `_relevant_pairs`).
        """
        target = self.role_index[role_id]
        leaf = self.leaves[leaf_id]
        for pair_index, pair in enumerate(self.pairs):
            if target not in pair or not self.pair_live[leaf_id][pair_index]:
                continue
            holder = pair[1] if pair[0] == target else pair[0]
            if not self._may_also_hold(self.roles[holder], role_id):
                continue
            yield _Template(
                kind=kind,
                role=who[0],
                present=who[1],
                step=Step(kind, by, role_id, leaf, holder=self.roles[holder]),
                target=target,
                pair=pair_index,
                holder=holder,
            )

    def _may_also_hold(self, holder: str, role_id: str) -> bool:
        """Whether a holder of ``holder`` may take ``role_id`` too, for their organisation."""
        kind = self.kinds.get(holder)
        if not role_accepts(self.process, role_id, kind):
            return False
        return role_id not in self.organisation_roles or kind == self.kinds.get(role_id)

    def _organisations_met(self, action: Action) -> bool:
        """Whether the chosen kinds can ever meet the action's ``requires.organisations``."""
        return all(
            needs.role in self.role_index and self.kinds.get(needs.role) in needs.kinds
            for needs in action.requires.organisations
        )

    def _templates(self, leaf_id: int) -> list[_Template]:
        if self.outcome[leaf_id] is not None:
            return []
        leaf = self.leaves[leaf_id]
        process, shape = self.process, self.shape
        present = shape.present(leaf)
        on_call = shape.on_call(leaf)
        able = present | on_call  # who can be there at all
        live = self.live_roles[leaf_id]
        templates: list[_Template] = []

        def actor(role_id: str) -> tuple[int, bool] | None:
            if role_id not in self.role_index or role_id not in able:
                return None
            return self.role_index[role_id], role_id in present

        for action in process.actions:
            if leaf not in shape.action_leaves(action) or not self._organisations_met(action):
                continue
            new_leaf, entered = shape.transition(leaf, action)
            after = self.leaf_index[new_leaf]
            requires_classes: dict[int, frozenset[int]] = {}
            for condition in action.requires.fields:
                index = self.tracked_index.get(condition.artifact)
                classes = self.classes.get(condition.artifact)
                if index is None or classes is None or condition not in classes.conditions:
                    continue
                holding = frozenset(i + 1 for i in self._copy_classes(classes, condition))
                requires_classes[index] = requires_classes.get(index, holding) & holding
            records = action.records if action.records in self.classes else None
            needed = {*action.requires.artifacts, *(c.artifact for c in action.requires.fields)}
            requires_holders: list[frozenset[int]] = []
            for artifact_id in sorted(needed):
                index = self.tracked_index.get(artifact_id)
                if index in self.stale:
                    # Every holder has a copy (of some class): never when stale.
                    fresh = frozenset(range(1, self.stale[index][0]))
                    requires_classes[index] = requires_classes.get(index, fresh) & fresh
            # "Some copy meets it" needs someone to have a copy about.
            requires_holders += [
                self.per_person[condition.artifact]
                for condition in action.requires.fields
                if condition.artifact in self.per_person and condition.for_ is Quantifier.ANY
            ]
            for role_id in action.by:
                who = actor(role_id)
                if not action.requires_presence and role_id in self.role_index:
                    # An emergency step: its roles act from wherever they are.
                    who = (self.role_index[role_id], True)
                if who is None:
                    continue
                templates.append(
                    _Template(
                        kind="act",
                        role=who[0],
                        present=who[1],
                        step=Step(
                            "act",
                            role_id,
                            action.id,
                            leaf,
                            to=new_leaf if action.to is not None else "",
                        ),
                        action=action,
                        requires_roles=tuple(
                            self.role_index[r]
                            for r in action.requires.roles
                            if r in self.role_index
                        ),
                        requires_held=tuple(
                            self.role_index[n.role] for n in action.requires.organisations
                        ),
                        requires_artifacts=tuple(
                            self.tracked_index[a] for a in sorted(needed) if a in self.tracked_index
                        ),
                        requires_classes=tuple(requires_classes.items()),
                        requires_holders=tuple(requires_holders),
                        once_bit=(
                            1 << self.once_actions.index(action.id)
                            if action.id in self.once_actions
                            else 0
                        ),
                        new_leaf=after,
                        entered=entered,
                        artifact=self.tracked_index.get(records, -1) if records else -1,
                        records=records,
                        versions=self._versions(records, after) if records else (),
                    )
                )
        writable = shape.writable(leaf)
        for artifact in process.artifacts:
            if writable is not None and artifact.id not in writable:
                continue
            for role_id in artifact.write:
                who = actor(role_id)
                if who is None:
                    continue
                templates.append(
                    _Template(
                        kind="submit",
                        role=who[0],
                        present=who[1],
                        step=Step("submit", role_id, artifact.id, leaf),
                        artifact=self.tracked_index.get(artifact.id, -1),
                        records=artifact.id,
                        versions=self._versions(artifact.id, leaf_id),
                        requires_holders=(
                            (self.per_person[artifact.id],) if artifact.per_person else ()
                        ),
                    )
                )
        for role in process.roles:
            target = self.role_index[role.id]
            assignable = role.id not in self.unholdable and leaf in self.assignable[role.id]
            for by in role.assigned_by:
                who = actor(by)
                if who is None:
                    continue
                if not assignable:
                    # Nobody is assigned here; unassigning is still allowed.
                    if live[target]:
                        templates.append(
                            _Template(
                                kind="unassign",
                                role=who[0],
                                present=who[1],
                                step=Step("unassign", by, role.id, leaf),
                                target=target,
                            )
                        )
                    continue
                # For a role nobody looks at again, assigning or not makes no
                # difference: one step stands for both (its count stays 0).
                kinds = ("assign", "unassign") if live[target] else ("assign",)
                templates.extend(
                    _Template(
                        kind=kind,
                        role=who[0],
                        present=who[1],
                        step=Step(kind, by, role.id, leaf),
                        target=target,
                        dead_target=not live[target],
                    )
                    for kind in kinds
                )
                templates.extend(self._shared(leaf_id, "assign", who, by, role.id))
        for role in process.roles:
            target = self.role_index[role.id]
            for by in role.replaced_by:
                who = actor(by)
                if who is None or role.id in self.unholdable:
                    continue
                # A handover keeps the role's count: the state stays as it is,
                # but the step is still someone acting in this leaf.
                templates.append(
                    _Template(
                        kind="replace",
                        role=who[0],
                        present=who[1],
                        step=Step("replace", by, role.id, leaf),
                        target=target,
                    )
                )
                # Handing it to someone who holds another role makes one
                # person hold both, as a shared assignment does.
                templates.extend(self._shared(leaf_id, "replace", who, by, role.id))
        for role_id in sorted(on_call):
            if role_id not in self.role_index:
                continue
            for by in sorted(able):
                who = actor(by)
                if who is None:
                    continue
                for kind in ("call_in", "dismiss"):
                    if kind == "call_in" and by == role_id:
                        continue  # an absent person cannot call themselves in
                    templates.append(
                        _Template(
                            kind=kind,
                            role=who[0],
                            present=who[1],
                            step=Step(kind, by, role_id, leaf),
                            target=self.role_index[role_id],
                        )
                    )
        return templates

    # -- states

    def canonical(self, state: State) -> State:
        """``state`` with everything its leaf's future never looks at forgotten.

        The invariant memory is left alone: the step that led here has still
        to be shown to the monitor, which masks it afterwards.
        """
        leaf, counts, arts, called, once, shared, memory, back = state
        live = self.live_roles[leaf]
        canon = self.art_canon[leaf]
        return (
            leaf,
            tuple(c if alive else 0 for c, alive in zip(counts, live, strict=True)),
            tuple(m[v] for v, m in zip(arts, canon, strict=True)),
            called,
            once,
            shared if shared >= 0 and self.pair_live[leaf][shared] else -1,
            memory,
            back,
        )

    def start(self) -> tuple[State, Step, tuple[str, ...]]:
        """The state right after opening a case, the opening step, and the phases it enters."""
        counts = [0] * len(self.roles)
        opener = self.role_index.get(self.process.opener)
        if opener is not None:
            counts[opener] = self.counting[opener].after_assign(0)[0]
        leaf = self.shape.start_leaf
        state: State = (
            self.leaf_index[leaf],
            tuple(counts),
            (0,) * len(self.tracked),
            0,
            0,
            -1,
            self.monitor.start,
            None,
        )
        step = Step("open", self.process.opener, self.process.id, leaf)
        return self.canonical(state), step, self.shape.path(leaf)

    def held(self, counts: tuple[int, ...]) -> frozenset[str]:
        """The roles someone holds (exact for every role a ``role_never_empty`` names)."""
        return frozenset(self.roles[i] for i, count in enumerate(counts) if count)

    def artifacts_present(self, arts: tuple[int, ...]) -> frozenset[str]:
        """The tracked artifacts that have a version."""
        return frozenset(self.tracked[i] for i, v in enumerate(arts) if v)

    def successors(self, state: State) -> Iterator[Successor]:
        """Every step possible in ``state``, with what follows from it."""
        leaf, counts, arts, called, once, shared, memory, back = state
        for t in self.templates[leaf]:
            role = t.role
            if not counts[role] or not (t.present or called >> role & 1):
                continue
            actor_roles = self.actor_roles[role]
            also = ""
            if shared >= 0 and role in self.pairs[shared]:
                pair = self.pairs[shared]
                also = self.roles[pair[1] if pair[0] == role else pair[0]]
                actor_roles = actor_roles | {also}
            base = t.step_for(-1, also) if also else t.step
            kind = t.kind
            if kind == "act":
                if (
                    t.once_bit & once
                    or any(counts[r] < self.counting[r].enough for r in t.requires_roles)
                    or any(not counts[r] for r in t.requires_held)
                ):
                    continue
                if any(not arts[a] for a in t.requires_artifacts) or any(
                    arts[a] not in allowed for a, allowed in t.requires_classes
                ):
                    continue
                if t.requires_holders and not self._held(t, counts):
                    continue
                assert t.action is not None
                for new_arts, version in self._write(t, counts, arts):
                    step = t.step_for(version, also)
                    written = t.versions[version].written if version >= 0 else None
                    entered = t.entered
                    if t.action.resume:
                        if back is None:
                            continue
                        # Back where the case stopped, with its once-only actions.
                        moved: State = (back[0], counts, new_arts, 0, back[1], shared, memory, None)
                        next_state = self.canonical(moved)
                        entered = self.resume_entered[(leaf, back[0])]
                        step = attrs.evolve(step, to=self.leaves[back[0]])
                    elif t.action.to is not None:
                        remembered = back
                        if t.new_leaf in self.suspension_leaves:
                            remembered = (leaf, once)
                        elif leaf in self.suspension_leaves:
                            remembered = None
                        moved = (t.new_leaf, counts, new_arts, 0, 0, shared, memory, remembered)
                        next_state = self.canonical(moved)
                    else:
                        next_state = (
                            leaf,
                            counts,
                            new_arts,
                            called,
                            once | t.once_bit,
                            shared,
                            memory,
                            back,
                        )
                    yield next_state, step, entered, t.action.id, actor_roles, written, t.watched
            elif kind == "submit":
                if t.requires_holders and not self._held(t, counts):
                    continue  # a per-person copy is about someone holding its roles
                for new_arts, version in self._write(t, counts, arts):
                    step = t.step_for(version, also)
                    next_state = (leaf, counts, new_arts, called, once, shared, memory, back)
                    yield (
                        next_state,
                        step,
                        (),
                        None,
                        actor_roles,
                        t.versions[version].written,
                        t.watched,
                    )
            elif kind == "assign":
                target = t.target
                arts = self._staled(leaf, arts, target)
                if t.dead_target:
                    stayed = (leaf, counts, arts, called, once, shared, memory, back)
                    yield stayed, base, (), None, actor_roles, None, t.watched
                    continue
                new_shared = shared
                if t.pair >= 0:
                    if shared >= 0 or not counts[t.holder]:
                        continue
                    new_shared = t.pair
                for k in self.counting[target].after_assign(counts[target]):
                    new_counts = (*counts[:target], k, *counts[target + 1 :])
                    next_state = (leaf, new_counts, arts, called, once, new_shared, memory, back)
                    yield next_state, base, (), None, actor_roles, None, t.watched
            elif kind == "unassign":
                target = t.target
                for k in self.counting[target].after_unassign(counts[target]):
                    new_counts = (*counts[:target], k, *counts[target + 1 :])
                    new_called = called if k else called & ~(1 << target)
                    new_shared = shared
                    if not k and shared >= 0 and target in self.pairs[shared]:
                        new_shared = -1
                    next_state = (
                        leaf,
                        new_counts,
                        arts,
                        new_called,
                        once,
                        new_shared,
                        memory,
                        back,
                    )
                    yield next_state, base, (), None, actor_roles, None, t.watched
            elif kind == "replace":
                if not counts[t.target]:
                    continue
                arts = self._staled(leaf, arts, t.target)
                new_shared = shared
                if t.pair >= 0:
                    if shared >= 0 or not counts[t.holder]:
                        continue
                    new_shared = t.pair
                next_state = (leaf, counts, arts, called, once, new_shared, memory, back)
                yield next_state, base, (), None, actor_roles, None, t.watched
                if t.pair < 0 and shared >= 0 and t.target in self.pairs[shared]:
                    # The person holding both hands this one over: nobody shares any more.
                    next_state = (leaf, counts, arts, called, once, -1, memory, back)
                    yield next_state, base, (), None, actor_roles, None, t.watched
            elif kind == "call_in":
                bit = 1 << t.target
                if called & bit or not counts[t.target]:
                    continue
                next_state = (leaf, counts, arts, called | bit, once, shared, memory, back)
                acting = self._acting_role(leaf, called, role, also)
                yield next_state, base, (), None, acting, None, t.watched
            else:  # dismiss
                bit = 1 << t.target
                if not called & bit:
                    continue
                next_state = (leaf, counts, arts, called & ~bit, once, shared, memory, back)
                acting = self._acting_role(leaf, called, role, also)
                yield next_state, base, (), None, acting, None, t.watched

    def _acting_role(self, leaf: int, called: int, role: int, also: str) -> frozenset[str]:
        """The one role a call-in or dismissal is recorded under (the engine's `role_actor`).

        The event names the role, not the person (private family time), so
        the step counts for that role alone: of the person's roles present
        now, the first in the process file's order.
        """
        held = (role, self.role_index[also]) if also else (role,)
        present = [r for r in held if r in self.present_in[leaf] or called >> r & 1]
        return self.actor_roles[min(present)]

    def _held(self, t: _Template, counts: tuple[int, ...]) -> bool:
        return all(any(counts[r] for r in group) for group in t.requires_holders)

    def _staled(self, leaf: int, arts: tuple[int, ...], role: int) -> tuple[int, ...]:
        """``arts`` after someone new takes ``role``: per-person copies of a class go stale."""
        if not self.stale:
            return arts
        changed = list(arts)
        canon = self.art_canon[leaf]
        for index, (stale, roles) in self.stale.items():
            if role in roles and 0 < arts[index] < stale:
                changed[index] = canon[index][stale]
        return tuple(changed)

    def _write(
        self, t: _Template, counts: tuple[int, ...], arts: tuple[int, ...]
    ) -> Iterator[tuple[tuple[int, ...], int]]:
        """The artifacts after writing each version whose people can be found (and its index)."""
        if t.records is None:
            yield arts, -1
            return
        a = t.artifact
        for index, version in enumerate(t.versions):
            if not all(any(counts[r] for r in need) for need in version.needs):
                continue
            if a < 0:
                yield arts, index
            else:
                yield (*arts[:a], version.value, *arts[a + 1 :]), index


# -------------------------------------------------------------- the search


@attrs.define
class _Search:
    """The state graph as it is built, breadth first."""

    model: _Model
    states: list[State] = attrs.Factory(list)
    index: dict[State, int] = attrs.Factory(dict)
    parent: list[tuple[int, int]] = attrs.Factory(list)  # (parent state, step id)
    level: list[int] = attrs.Factory(list)
    has_step: list[bool] = attrs.Factory(list)
    edges: list[tuple[int, int, int]] = attrs.Factory(list)  # (source, target, step id)
    steps: list[Step] = attrs.Factory(list)
    step_ids: dict[Step, int] = attrs.Factory(dict)
    writes: dict[int, tuple[str, int]] = attrs.Factory(dict)  # step id -> (artifact, class)
    enabled: set[str] = attrs.Factory(set)
    violations: dict[str, Violation] = attrs.Factory(dict)

    def step_id(self, step: Step, written: tuple[str, int] | None = None) -> int:
        found = self.step_ids.get(step)
        if found is None:
            found = self.step_ids[step] = len(self.steps)
            self.steps.append(step)
            if written is not None:
                self.writes[found] = written
        return found

    def add(self, state: State, parent: int, step: int, level: int) -> int:
        number = len(self.states)
        self.index[state] = number
        self.states.append(state)
        self.parent.append((parent, step))
        self.level.append(level)
        self.has_step.append(False)
        return number

    def trace_to(self, state_id: int) -> tuple[Step, ...]:
        found: list[Step] = []
        while state_id >= 0:
            previous, step = self.parent[state_id]
            found.append(self.steps[step])
            state_id = previous
        return tuple(reversed(found))

    def broke(self, source: int, step: Step, broken: Sequence[tuple[Invariant, str]]) -> None:
        for invariant, reason in broken:
            if invariant.id not in self.violations:
                prefix = self.trace_to(source) if source >= 0 else ()
                self.violations[invariant.id] = Violation(
                    invariant.id,
                    invariant.label.text("en"),
                    reason,
                    (*prefix, step),
                    label_cs=invariant.label.text("cs"),
                )


def explore(
    process: Process, *, depth: int | None = None, max_states: int = DEFAULT_MAX_STATES
) -> ExplorationReport:
    """Explore every reachable abstract state of ``process``, breadth first.

    ``depth`` bounds the number of steps (opening the case is the first);
    ``max_states`` the number of states. When neither bound is reached the
    search is exhaustive and the report says so. The abstraction is
    described in ``docs/testing.md``.
    """
    return _explore(process, depth=depth, max_states=max_states, reduce=True)


@attrs.frozen
class ReachedState:
    """One abstract state the explorer reached, in the process's own names.

    ``counts`` gives, per role held, how many hold it as the explorer counts
    them (exact up to what the process needs, then "at least"); ``at_max``
    names the roles held by as many as their ``max``; ``present`` the
    documents that have a version (among those something depends on);
    ``shared`` the two roles one person holds, if any. ``known`` names the
    roles whose count the state keeps: the explorer forgets a role no phase
    still reachable looks at, and such a role may be held or not.
    """

    leaf: str
    counts: tuple[tuple[str, int], ...]
    at_max: frozenset[str]
    present: frozenset[str]
    shared: tuple[str, str] | None
    known: frozenset[str]


def reachable_states(
    process: Process, *, max_states: int = DEFAULT_MAX_STATES
) -> tuple[tuple[ReachedState, ...], bool]:
    """Every abstract state of ``process`` the explorer reaches, and whether that is all.

    What a migration plan is checked against (``kwflow.testing.migration_problems``):
    each state's leaf, who holds which role (where the state keeps it, see
    `ReachedState.known`) and which documents exist. With the explorer's
    reductions, as `explore` runs: without them the case conference has
    hundreds of thousands of states.
    """
    found, complete = _reached(process, max_states)
    return tuple(found), complete


def reachable_traces(
    process: Process, *, max_states: int = DEFAULT_MAX_STATES
) -> tuple[tuple[ReachedState, tuple[Step, ...]], ...]:
    """Each state of `reachable_states` with a shortest trace of steps that reaches it.

    ``kwflow.testing.trace_commands`` turns a trace into the commands a host
    sends, so a test can bring a real case into each state.
    """
    found, _ = _reached(process, max_states)
    return tuple(found.items())


def _reached(
    process: Process, max_states: int
) -> tuple[dict[ReachedState, tuple[Step, ...]], bool]:
    search, bound = _search(process, depth=None, max_states=max_states, reduce=True)
    model = search.model
    found: dict[ReachedState, tuple[Step, ...]] = {}
    for number, state in enumerate(search.states):
        leaf, counts, arts, _, _, shared, _, _ = state
        # The fewest holders the state stands for: exact, "at least", or the maximum.
        held = tuple(
            (model.roles[i], _fewest(model.counting[i], c)) for i, c in enumerate(counts) if c
        )
        at_max = frozenset(
            model.roles[i] for i, c in enumerate(counts) if c and model.counting[i].at_max(c)
        )
        pair = None
        if shared >= 0:
            a, b = model.pairs[shared]
            pair = (model.roles[a], model.roles[b])
        live = model.live_roles[leaf]
        known = frozenset(model.roles[i] for i, alive in enumerate(live) if alive)
        reached = ReachedState(
            model.leaves[leaf], held, at_max, model.artifacts_present(arts), pair, known
        )
        if reached not in found:
            # Breadth first: the first state found is reached by a shortest trace.
            found[reached] = search.trace_to(number)
    return found, bound is None


def _fewest(counting: _Counting, k: int) -> int:
    if k > counting.need and counting.maximum is not None:
        return counting.maximum
    return k


def _explore(
    process: Process, *, depth: int | None, max_states: int, reduce: bool
) -> ExplorationReport:
    started = time.perf_counter()
    search, bound = _search(process, depth=depth, max_states=max_states, reduce=reduce)
    return _report(search, bound=bound, seconds=time.perf_counter() - started)


def _search(
    process: Process, *, depth: int | None, max_states: int, reduce: bool
) -> tuple[_Search, str | None]:
    model = _Model(process, reduce=reduce)
    monitor = model.monitor
    search = _Search(model)
    first, open_step, open_entered = model.start()
    memory, broken = monitor.observe(
        first[6],
        Observation(
            "open",
            frozenset({process.opener}),
            None,
            None,
            open_entered,
            model.artifacts_present(first[2]),
            model.held(first[1]),
        ),
    )
    search.broke(-1, open_step, broken)
    first = (*first[:6], memory & model.mem_mask[first[0]], first[7])
    search.add(first, -1, search.step_id(open_step), 1)
    queue: deque[int] = deque([0])
    bound: str | None = None

    while queue:
        source = queue.popleft()
        state = search.states[source]
        at_depth_bound = depth is not None and search.level[source] >= depth
        leaf_name = model.leaves[state[0]]
        for successor, step, entered, action, actor_roles, written, watched in model.successors(
            state
        ):
            search.has_step[source] = True
            if action is not None:
                search.enabled.add(action)
            if watched:
                memory, broken = monitor.observe(
                    successor[6],
                    Observation(
                        step.kind,
                        actor_roles,
                        leaf_name,
                        action,
                        entered,
                        model.artifacts_present(successor[2]) if entered else frozenset(),
                        model.held(successor[1]),
                    ),
                )
                if broken:
                    search.broke(source, step, broken)
            else:
                memory = successor[6]
            nxt = (*successor[:6], memory & model.mem_mask[successor[0]], successor[7])
            target = search.index.get(nxt)
            if target is None:
                if at_depth_bound:
                    bound = f"depth {depth}"
                    continue
                if len(search.states) >= max_states:
                    bound = f"max_states {max_states}"
                    continue
                target = search.add(
                    nxt, source, search.step_id(step, written), search.level[source] + 1
                )
                queue.append(target)
            search.edges.append((source, target, search.step_id(step, written)))

    cut = [a for a, classes in model.classes.items() if not classes.complete]
    if cut and bound is None:
        bound = f"kinds of version of {', '.join(cut)}"
    return search, bound


def _report(search: _Search, *, bound: str | None, seconds: float) -> ExplorationReport:
    model = search.model
    process = model.process
    exhaustive = bound is None
    states = search.states
    outcomes: dict[str, tuple[Step, ...]] = {}
    reached_leaves: set[int] = set()
    for state_id, state in enumerate(states):
        reached_leaves.add(state[0])
        code = model.outcome[state[0]]
        if code is not None and code not in outcomes:
            outcomes[code] = search.trace_to(state_id)
    outcomes = {code: outcomes[code] for code in model.shape.outcomes if code in outcomes}

    def grouped(ids: Sequence[int], kind: str, message: str) -> tuple[Finding, ...]:
        by_leaf: dict[int, list[int]] = {}
        for state_id in ids:
            by_leaf.setdefault(states[state_id][0], []).append(state_id)
        return tuple(
            Finding(kind, model.leaves[leaf], len(found), message, search.trace_to(found[0]))
            for leaf, found in by_leaf.items()
        )

    dead_ends = grouped(
        [
            i
            for i, state in enumerate(states)
            if model.outcome[state[0]] is None and not search.has_step[i]
        ],
        "dead_end",
        "nobody present can take any step (no action, submission, assignment or calling in)",
    )
    stuck: tuple[Finding, ...] = ()
    if exhaustive:
        reverse: list[list[int]] = [[] for _ in states]
        for source, target, _ in search.edges:
            reverse[target].append(source)
        can_end = [model.outcome[s[0]] is not None for s in states]
        queue = deque(i for i, ends in enumerate(can_end) if ends)
        while queue:
            for source in reverse[queue.popleft()]:
                if not can_end[source]:
                    can_end[source] = True
                    queue.append(source)
        stuck = grouped(
            [i for i in range(len(states)) if not can_end[i] and search.has_step[i]],
            "stuck",
            "steps remain, but none of them leads to an outcome any more",
        )
    return ExplorationReport(
        process_id=process.id,
        version=process.version,
        exhaustive=exhaustive,
        bound=bound,
        states=len(states),
        transitions=len(search.edges),
        depth=max(search.level),
        seconds=seconds,
        outcomes=outcomes,
        unreachable_outcomes=(
            tuple(c for c in model.shape.outcomes if c not in outcomes) if exhaustive else ()
        ),
        dead_ends=dead_ends,
        stuck=stuck,
        never_enabled=(
            tuple(a.id for a in process.actions if a.id not in search.enabled) if exhaustive else ()
        ),
        unreached_phases=(
            tuple(leaf for i, leaf in enumerate(model.leaves) if i not in reached_leaves)
            if exhaustive
            else ()
        ),
        violations=tuple(
            search.violations[v.id] for v in process.invariants if v.id in search.violations
        ),
        deadlines=_deadline_statuses(search),
    )


def _deadline_statuses(search: _Search) -> dict[str, tuple[str, ...]]:
    """Per deadline, the statuses it can reach, following it over the state graph.

    The rules are the engine's (``docs/concepts.md``, "Deadline"). A
    deadline runs only inside its phases, once its anchor has happened (the
    anchor action was taken; the anchor field has a value in the latest
    version). It starts when the anchor happens inside its phases or when
    the case enters them after it; a new anchor restarts it (for a field,
    a resubmission may or may not change the value, so both are followed).
    A satisfying action meets it while pending or breached; leaving its
    phases (or reaching an outcome) cancels it while pending; time can
    always pass, so a pending deadline can always be breached. A suspension
    phase the deadline does not name holds it: entering or staying there
    changes nothing but meeting it, and a paused one is not breached there.
    """
    model = search.model
    process = model.process
    outgoing: list[list[tuple[int, int]]] = [[] for _ in search.states]
    for source, target, step in search.edges:
        outgoing[source].append((target, step))
    leaf_of = [state[0] for state in search.states]
    not_started, pending, met, breached, cancelled = range(len(DEADLINE_STATUSES))
    result: dict[str, tuple[str, ...]] = {}
    suspension = model.suspension_leaves
    for deadline in process.deadlines:
        if deadline.phases:
            inside = frozenset().union(*(model._leaves_of(p) for p in deadline.phases))
            inside = frozenset(i for i in inside if model.outcome[i] is None)
        else:
            # A suspension phase counts only when the deadline names it.
            inside = frozenset(
                i for i, o in enumerate(model.outcome) if o is None and i not in suspension
            )
        # Where a running deadline is held by a suspension: kept, and (paused) never breached.
        holding = suspension - inside
        paused = model.paused_leaves - inside
        anchor_action = deadline.anchor.action
        ref = deadline.anchor.field
        # step id -> whether the anchor has happened after it (None: unchanged)
        anchoring: dict[int, bool] = {}
        for step_id, taken in enumerate(search.steps):
            if anchor_action is not None and taken.kind == "act" and taken.target == anchor_action:
                anchoring[step_id] = True
            elif ref is not None and step_id in search.writes:
                artifact_id, index = search.writes[step_id]
                if artifact_id == ref.artifact:
                    data = model.classes[artifact_id].classes[index].data
                    anchoring[step_id] = data.get(ref.field) is not None
        meets = {
            i
            for i, taken in enumerate(search.steps)
            if taken.kind == "act" and taken.target in deadline.satisfied_by
        }
        moves = {i for i, taken in enumerate(search.steps) if taken.kind == "act" and taken.to}

        # A node is (state, status, anchor happened); breadth first, stopped
        # once every status was seen.
        seen: set[tuple[int, int, bool]] = {(0, not_started, False)}
        queue: deque[tuple[int, int, bool]] = deque(seen)
        reached = {not_started}

        def visit(
            node: tuple[int, int, bool],
            seen: set[tuple[int, int, bool]] = seen,
            queue: deque[tuple[int, int, bool]] = queue,
            reached: set[int] = reached,
        ) -> None:
            if node not in seen:
                seen.add(node)
                queue.append(node)
                reached.add(node[1])

        while queue and len(reached) < len(DEADLINE_STATUSES):
            state_id, status, anchored = queue.popleft()
            if status == pending and leaf_of[state_id] not in paused:
                visit((state_id, breached, anchored))
            for target, step in outgoing[state_id]:
                now_anchored = anchoring.get(step, anchored)
                new = status
                if step in meets and new in (pending, breached):
                    new = met
                if leaf_of[target] in holding:
                    # Suspended: nothing but meeting it changes the deadline.
                    visit((target, new, now_anchored))
                    continue
                if leaf_of[target] not in inside:
                    visit((target, cancelled if new == pending else new, now_anchored))
                    continue
                touched = step in anchoring or (step in moves and leaf_of[state_id] not in inside)
                if not touched:
                    visit((target, new, now_anchored))
                elif not now_anchored:
                    visit((target, cancelled if new == pending else new, now_anchored))
                elif new in (not_started, cancelled) or (
                    anchor_action is not None and step in anchoring
                ):
                    visit((target, pending, now_anchored))
                else:
                    # A field written anew, or phases entered again: the value
                    # may be new (the deadline restarts) or the same.
                    visit((target, new, now_anchored))
                    if ref is not None:
                        visit((target, pending, now_anchored))
        result[deadline.id] = tuple(DEADLINE_STATUSES[s] for s in sorted(reached))
    return result
