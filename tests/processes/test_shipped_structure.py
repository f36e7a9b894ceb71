"""The shipped process files are sound: they validate, every reference resolves,
every phase is reachable and can end, someone present can take every step, and
the declared invariants hold on an abstraction of every case.

These checks are written independently of ``kwflow check`` (which must also
pass), so a blind spot of the static checks does not hide a mistake here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from kwflow.definition import (
    ActionOnlyAfter,
    ArtifactPresentOnEntry,
    FollowsOutcome,
    ListField,
    OnlyActionsIn,
    PersonField,
    PhaseEnteredAtMostOnce,
    Process,
    RoleNeverActsIn,
    RoleNeverEmpty,
    check_process,
    load_process,
    parse_process_file,
)
from tests.support.processes import SHIPPED, Structure, labels, shipped_path, validate_plain

# Where a step's roles are deliberately absent: OSPOD may intervene "at any
# point", but the referrer has left the room during private family time and
# the language has no step that overrides presence (reported to the lead).
ABSENT_BY_DESIGN = {("family_conference", "intervene", "private_family_time")}


@pytest.fixture(params=SHIPPED)
def process(request: pytest.FixtureRequest) -> Process:
    return load_process(shipped_path(request.param))


@pytest.mark.parametrize("process_id", SHIPPED)
def test_validates_against_the_models_without_the_loader(process_id: str) -> None:
    plain = validate_plain(shipped_path(process_id))
    assert plain.id == process_id
    assert plain == load_process(shipped_path(process_id))


@pytest.mark.parametrize("process_id", SHIPPED)
def test_static_checks_report_nothing_not_even_warnings(process_id: str) -> None:
    assert check_process(parse_process_file(shipped_path(process_id))) == []


def test_every_label_has_czech_and_english(process: Process) -> None:
    found = labels(process)
    assert len(found) > 100
    missing = [where for where, label in found if not (label.cs and label.en)]
    assert missing == []
    # Czech text is written with its diacritics, not transliterated.
    assert any(ch in "ěščřžýáíéůú" for _, label in found for ch in (label.cs or ""))


def test_ids_are_unique_within_their_kind(process: Process) -> None:
    def duplicates(ids: list[str]) -> list[str]:
        return [name for name, count in Counter(ids).items() if count > 1]

    assert duplicates([r.id for r in process.roles]) == []
    assert duplicates([a.id for a in process.artifacts]) == []
    assert duplicates([a.id for a in process.actions]) == []
    assert duplicates([d.id for d in process.deadlines]) == []
    assert duplicates([g.id for g in process.guards]) == []
    assert duplicates([i.id for i in process.invariants]) == []
    assert duplicates([info.phase.id for info in process.all_phases()]) == []


def test_every_reference_resolves(process: Process) -> None:
    structure = Structure(process)
    roles = {r.id for r in process.roles}
    phases = set(structure.phases)
    artifacts = {a.id: a for a in process.artifacts}
    actions = {a.id for a in process.actions}
    guards = {g.id for g in process.guards}

    named_roles = [process.opener]
    for role in process.roles:
        named_roles += [*role.exclusive_with, *role.assigned_by]
    for phase in structure.phases.values():
        named_roles += [*(phase.present or ()), *phase.on_call]
        assert set(phase.artifacts or ()) <= set(artifacts), phase.id
    for artifact in process.artifacts:
        named_roles += [*artifact.write, *artifact.read]
        stack = list(artifact.fields)
        while stack:
            field = stack.pop()
            if isinstance(field, PersonField):
                named_roles += field.roles
            if isinstance(field, ListField):
                stack += field.fields
    for action in process.actions:
        named_roles += [*action.by, *action.requires.roles]
        assert set(action.from_) <= phases, action.id
        assert action.to is None or action.to in phases, action.id
        assert set(action.requires.artifacts) <= set(artifacts), action.id
        assert set(action.requires.guards) <= guards, action.id
        assert action.records is None or action.records in artifacts, action.id
        for condition in action.requires.fields:
            # A dotted field names a field of a list's items.
            head, _, item = condition.field.partition(".")
            named = artifacts[condition.artifact].field(head)
            assert named is not None, condition
            if item:
                assert isinstance(named, ListField), condition
                assert item in {f.id for f in named.fields}, condition
    for deadline in process.deadlines:
        named_roles.append(deadline.responsible)
        assert set(deadline.satisfied_by) <= actions, deadline.id
        assert set(deadline.phases) <= phases, deadline.id
        if deadline.anchor.action is not None:
            assert deadline.anchor.action in actions, deadline.id
        else:
            assert deadline.anchor.field is not None
            anchor = artifacts[deadline.anchor.field.artifact].field(deadline.anchor.field.field)
            assert anchor is not None, deadline.id
            assert anchor.type in {"date", "datetime"}, deadline.id
    for invariant in process.invariants:
        if isinstance(invariant, ActionOnlyAfter):
            assert {invariant.action, invariant.after} <= actions, invariant.id
        elif isinstance(invariant, RoleNeverActsIn):
            named_roles.append(invariant.role)
            assert invariant.phase in phases, invariant.id
        elif isinstance(invariant, ArtifactPresentOnEntry):
            assert invariant.artifact in artifacts, invariant.id
            assert invariant.phase in phases, invariant.id
        elif isinstance(invariant, PhaseEnteredAtMostOnce):
            assert invariant.phase in phases, invariant.id
        elif isinstance(invariant, RoleNeverEmpty):
            named_roles.append(invariant.role)
        elif isinstance(invariant, FollowsOutcome):
            assert invariant.outcomes, invariant.id
    assert set(named_roles) <= roles
    # and every declared thing is used
    assert {g for a in process.actions for g in a.requires.guards} == guards
    assert roles <= set(named_roles)


def test_exclusivity_is_symmetric(process: Process) -> None:
    for role in process.roles:
        assert role.id not in role.exclusive_with
        for other_id in role.exclusive_with:
            other = process.role(other_id)
            assert other is not None
            assert role.id in other.exclusive_with, (role.id, other_id)


def test_every_role_can_be_assigned_from_the_opener(process: Process) -> None:
    holders = {process.opener}
    changed = True
    while changed:
        changed = False
        for role in process.roles:
            if role.id not in holders and holders & set(role.assigned_by):
                holders.add(role.id)
                changed = True
    assert holders == {r.id for r in process.roles}


def test_one_initial_phase_at_every_level(process: Process) -> None:
    assert sum(p.initial for p in process.phases) == 1
    for info in process.all_phases():
        if info.phase.phases:
            assert sum(p.initial for p in info.phase.phases) == 1, info.phase.id
        if info.phase.outcome is not None:
            assert info.phase.phases == (), info.phase.id


def test_every_phase_is_reachable_and_every_case_can_end(process: Process) -> None:
    structure = Structure(process)
    reachable = structure.reachable_from(structure.initial_leaf)
    assert reachable == structure.leaves
    terminals = {leaf for leaf in structure.leaves if structure.is_terminal(leaf)}
    for leaf in structure.leaves - terminals:
        assert structure.reachable_from(leaf) & terminals, leaf


def test_outcomes_are_absorbing(process: Process) -> None:
    structure = Structure(process)
    for action in process.actions:
        assert not any(structure.is_terminal(leaf) for leaf in structure.action_leaves(action))


def test_someone_present_can_take_every_step_wherever_it_applies(process: Process) -> None:
    structure = Structure(process)
    absent = set()
    for action in process.actions:
        for leaf in structure.action_leaves(action):
            there = structure.present(leaf) | structure.on_call(leaf)
            if not set(action.by) & there:
                absent.add((process.id, action.id, leaf))
    assert absent == {entry for entry in ABSENT_BY_DESIGN if entry[0] == process.id}


def test_recorded_documents_are_written_by_the_roles_and_allowed_where_recorded(
    process: Process,
) -> None:
    structure = Structure(process)
    blocked = set()
    for action in process.actions:
        if action.records is None:
            continue
        artifact = process.artifact(action.records)
        assert artifact is not None
        assert set(action.by) <= set(artifact.write), action.id
        for leaf in structure.action_leaves(action):
            allowed = structure.writable(leaf)
            if allowed is not None and action.records not in allowed:
                blocked.add((process.id, action.id, leaf))
    assert blocked == {entry for entry in ABSENT_BY_DESIGN if entry[0] == process.id}


def test_required_documents_can_be_written_before_they_are_needed(process: Process) -> None:
    structure = Structure(process)
    for action in process.actions:
        needed = set(action.requires.artifacts) | {c.artifact for c in action.requires.fields}
        for artifact_id in needed:
            artifact = process.artifact(artifact_id)
            assert artifact is not None
            writable_somewhere = [
                leaf
                for leaf in structure.leaves
                if not structure.is_terminal(leaf)
                and set(artifact.write) & structure.present(leaf)
                and (
                    structure.writable(leaf) is None
                    or artifact_id in (structure.writable(leaf) or ())
                )
                and structure.action_leaves(action) & structure.reachable_from(leaf)
            ]
            assert writable_somewhere, (action.id, artifact_id)


def test_deadlines_can_be_met_after_their_anchor(process: Process) -> None:
    structure = Structure(process)
    for deadline in process.deadlines:
        running = (
            frozenset().union(*(structure.leaves_under(p) for p in deadline.phases))
            if deadline.phases
            else structure.leaves
        )
        meeting = frozenset().union(
            *(structure.action_leaves(a) for a in process.actions if a.id in deadline.satisfied_by)
        )
        assert meeting & running, deadline.id


def test_declared_invariants_hold_on_every_abstract_case(process: Process) -> None:
    structure = Structure(process)
    steps = structure.steps()
    assert steps
    for invariant in process.invariants:
        if isinstance(invariant, ActionOnlyAfter):
            for step in steps:
                if step.action.id == invariant.action:
                    assert invariant.after in step.before.taken, (invariant.id, step.before)
        elif isinstance(invariant, ArtifactPresentOnEntry):
            entering = [
                step
                for step in steps
                if invariant.phase in step.entered
                or (
                    step.after.leaf in structure.leaves_under(invariant.phase)
                    and step.before.leaf not in structure.leaves_under(invariant.phase)
                )
            ]
            assert entering, invariant.id
            for step in entering:
                assert invariant.artifact in step.after.documents, (invariant.id, step)
        elif isinstance(invariant, RoleNeverActsIn):
            for leaf in structure.leaves_under(invariant.phase):
                assert invariant.role not in structure.present(leaf), invariant.id
                assert invariant.role not in structure.on_call(leaf), invariant.id
        elif isinstance(invariant, RoleNeverEmpty | OnlyActionsIn | FollowsOutcome):
            # About who holds a role, suspension and follow-ups: this
            # abstraction knows none of them; the explorer proves them.
            continue
        else:
            assert isinstance(invariant, PhaseEnteredAtMostOnce)
            assert structure.max_entries(invariant.phase) == 1, invariant.id


def test_the_exploration_sees_a_phase_entered_twice() -> None:
    # The helper must be able to fail: preparation is entered again on reconvening.
    structure = Structure(load_process(shipped_path("family_conference")))
    assert structure.max_entries("preparation") == 2
    assert structure.max_entries("referral") == 1
