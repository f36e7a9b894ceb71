"""Helpers for the tests of the shipped processes: an independent reading of a process.

These helpers deliberately do not reuse ``kwflow.definition._checks``: the
tests of the shipped files should catch a mistake even where the static
checks have a blind spot. They work on leaf phases (a case is always in one)
and explore an abstraction of a case: the leaf it is in, the documents that
certainly exist (required or recorded on the way) and the steps certainly
taken. Anything proved on the abstraction holds for every real case.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel

from kwflow.definition import (
    Action,
    Label,
    ListField,
    Phase,
    Process,
)

from .paths import DOCS, PROCESSES

if TYPE_CHECKING:
    from pathlib import Path

PAGES = DOCS / "processes"
SHIPPED = ("family_conference", "case_conference")


def shipped_path(process_id: str) -> Path:
    """The file of a shipped process."""
    return PROCESSES / f"{process_id}.yaml"


def validate_plain(path: Path) -> Process:
    """The process in ``path`` read with ``yaml.safe_load`` and the models only (no loader)."""
    return Process.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def labels(model: BaseModel, path: str = "") -> list[tuple[str, Label]]:
    """Every label in a model tree, with where it is."""
    found: list[tuple[str, Label]] = []
    if isinstance(model, Label):
        return [(path, model)]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, tuple) else (value,)
        for index, item in enumerate(items):
            if isinstance(item, BaseModel):
                where = f"{path}.{name}" + (f"[{index}]" if isinstance(value, tuple) else "")
                found += labels(item, where)
    return found


@dataclass(frozen=True)
class State:
    """An abstract case: its leaf, the documents that surely exist, the steps surely taken."""

    leaf: str
    documents: frozenset[str]
    taken: frozenset[str]


@dataclass(frozen=True)
class Step:
    """One abstract step: an action taken in ``before``, leading to ``after``."""

    action: Action
    before: State
    after: State
    entered: tuple[str, ...]  # phases entered by the step, outermost first


class Structure:
    """A process read as a graph of leaf phases."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.phases: dict[str, Phase] = {info.phase.id: info.phase for info in process.all_phases()}
        self.parents: dict[str, tuple[str, ...]] = {
            info.phase.id: info.parents for info in process.all_phases()
        }

    # -- the tree

    def leaves_under(self, phase_id: str) -> frozenset[str]:
        phase = self.phases[phase_id]
        if not phase.phases:
            return frozenset({phase_id})
        return frozenset().union(*(self.leaves_under(p.id) for p in phase.phases))

    def entry(self, phase_id: str) -> tuple[str, tuple[str, ...]]:
        """The leaf a case lands in when it enters ``phase_id``, and every phase entered."""
        entered = [phase_id]
        phase = self.phases[phase_id]
        while phase.phases:
            phase = next(p for p in phase.phases if p.initial)
            entered.append(phase.id)
        return phase.id, tuple(entered)

    @cached_property
    def leaves(self) -> frozenset[str]:
        return frozenset(pid for pid, phase in self.phases.items() if not phase.phases)

    def is_terminal(self, phase_id: str) -> bool:
        return self.phases[phase_id].outcome is not None

    @cached_property
    def initial_leaf(self) -> str:
        top = next(p for p in self.process.phases if p.initial)
        return self.entry(top.id)[0]

    def chain(self, leaf: str) -> tuple[str, ...]:
        """The leaf and its enclosing phases, innermost first."""
        return (leaf, *reversed(self.parents[leaf]))

    def present(self, leaf: str) -> frozenset[str]:
        for phase_id in self.chain(leaf):
            present = self.phases[phase_id].present
            if present is not None:
                return frozenset(present)
        return frozenset(role.id for role in self.process.roles)

    def on_call(self, leaf: str) -> frozenset[str]:
        return frozenset(self.phases[leaf].on_call)

    def writable(self, leaf: str) -> frozenset[str] | None:
        """The documents that may be written in ``leaf``; ``None``: any."""
        for phase_id in self.chain(leaf):
            allowed = self.phases[phase_id].artifacts
            if allowed is not None:
                return frozenset(allowed)
        return None

    def action_leaves(self, action: Action) -> frozenset[str]:
        return frozenset().union(*(self.leaves_under(p) for p in action.from_))

    # -- the graph

    @cached_property
    def edges(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {leaf: set() for leaf in self.leaves}
        for action in self.process.actions:
            for leaf in self.action_leaves(action):
                target = self.entry(action.to)[0] if action.to is not None else leaf
                edges[leaf].add(target)
        return edges

    def reachable_from(self, start: str) -> frozenset[str]:
        seen = {start}
        queue = deque([start])
        while queue:
            for target in self.edges[queue.popleft()]:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return frozenset(seen)

    # -- the abstract exploration

    def steps(self) -> list[Step]:
        """Every abstract step from every reachable abstract state."""
        start = State(self.initial_leaf, frozenset(), frozenset())
        seen = {start}
        queue = deque([start])
        steps: list[Step] = []
        while queue:
            state = queue.popleft()
            if self.is_terminal(state.leaf):
                continue
            for action in self.process.actions:
                if state.leaf not in self.action_leaves(action):
                    continue
                needs = action.requires
                documents = set(state.documents) | set(needs.artifacts)
                documents |= {condition.artifact for condition in needs.fields}
                if action.records is not None:
                    documents.add(action.records)
                entered: tuple[str, ...] = ()
                if action.to is None:
                    leaf = state.leaf
                else:
                    leaf, entered = self.entry(action.to)
                after = State(leaf, frozenset(documents), state.taken | {action.id})
                steps.append(Step(action, state, after, entered))
                if after not in seen:
                    seen.add(after)
                    queue.append(after)
        return steps

    def max_entries(self, phase_id: str) -> int:
        """How often a case may enter ``phase_id`` on one path (2 means: at least twice)."""
        leaves = self.leaves_under(phase_id)
        start_count = 1 if self.initial_leaf in leaves else 0
        start = (self.initial_leaf, start_count)
        seen = {start}
        queue = deque([start])
        most = start_count
        while queue:
            leaf, count = queue.popleft()
            for action in self.process.actions:
                if leaf not in self.action_leaves(action) or action.to is None:
                    continue
                target, entered = self.entry(action.to)
                # A case enters the phase when the step names it (or a phase around
                # it), or when it comes into one of its parts from outside.
                enters = phase_id in entered or (target in leaves and leaf not in leaves)
                new = min(2, count + enters)
                most = max(most, new)
                if (target, new) not in seen:
                    seen.add((target, new))
                    queue.append((target, new))
        return most


def field_ids(fields: tuple[object, ...]) -> set[str]:
    """The ids of a tuple of fields (top level only)."""
    return {getattr(field, "id", "") for field in fields}


def list_field(process: Process, artifact_id: str, field_id: str) -> ListField:
    """A list field of an artifact, which the test expects to exist."""
    artifact = process.artifact(artifact_id)
    assert artifact is not None, artifact_id
    field = artifact.field(field_id)
    assert isinstance(field, ListField), (artifact_id, field_id)
    return field
