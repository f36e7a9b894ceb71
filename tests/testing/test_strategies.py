"""The data strategies keep every rule of the process they are drawn for."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow import (
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Dismiss,
    OpenCase,
    Replace,
    Submit,
    Unassign,
)
from kwflow.definition import ListField, PersonField, Process
from kwflow.exceptions import InvalidValue
from kwflow.testing import (
    AdvanceClock,
    artifact_data,
    assignments,
    commands,
    fillable,
    invalid_artifact_data,
    people,
    process_definitions,
)
from tests.support.testing import fixture

FULL = fixture("valid_full")


def participants_of(roles: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for role, persons in roles.items():
        for person in persons:
            found.setdefault(person, set()).add(role)
    return found


@given(people())
def test_people_are_plain_ids(person: str) -> None:
    assert person
    assert person == person.strip()


@given(st.data(), process_definitions())
def test_assignments_keep_cardinality_and_exclusivity(data: Any, process: Process) -> None:
    chosen = data.draw(assignments(process))

    assert set(chosen) == {r.id for r in process.roles}
    assert chosen[process.opener]
    for role in process.roles:
        held = chosen[role.id]
        assert len(set(held)) == len(held)
        assert len(held) >= max(role.min, 1)
        assert role.max is None or len(held) <= role.max
    for person, roles in participants_of(chosen).items():
        for role_id in roles:
            held_role = process.role(role_id)
            assert held_role is not None
            assert not set(held_role.exclusive_with) & roles, (person, roles)


def check_valid(process: Process, artifact_id: str, data: dict[str, Any], people: Any) -> None:
    artifact = process.artifact(artifact_id)
    assert artifact is not None

    def check(fields: Any, record: dict[str, Any]) -> None:
        assert set(record) <= {f.id for f in fields}
        for field in fields:
            if field.required:
                assert field.id in record, field.id
            if field.id not in record:
                continue
            value = record[field.id]
            if isinstance(field, PersonField):
                assert value in people
                if field.roles:
                    assert set(people[value]) & set(field.roles)
            if isinstance(field, ListField):
                assert len(value) >= field.min_items
                for item in value:
                    check(field.fields, item)

    check(artifact.fields, data)


@given(st.data())
def test_artifact_data_names_people_of_the_case(data: Any) -> None:
    chosen = data.draw(assignments(FULL))
    people = participants_of(chosen)
    for artifact in FULL.artifacts:
        drawn = data.draw(artifact_data(FULL, artifact.id, participants=people))
        check_valid(FULL, artifact.id, drawn, people)


def test_artifact_data_needs_someone_to_name() -> None:
    # The plan's items name their owner, who must take part in the case: nobody does.
    assert not fillable(FULL, "plan", {})
    assert fillable(FULL, "plan", {"jana": ["family_member"]})
    with pytest.raises(InvalidValue) as caught:
        artifact_data(FULL, "plan", participants={})
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        "participants must be people who can fill every required person field of the "
        "artifact, not -"
    )
    assert caught.value.render("cs") == (
        "'participants' musí být lidé, z nichž lze vyplnit každé povinné pole s osobou "
        "v dokumentu, ne -"
    )


def test_unknown_artifact_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        artifact_data(FULL, "nothing")
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.invalid-value"
    assert str(caught.value) == "artifact must be an artifact of the process, not 'nothing'"
    assert caught.value.render("cs") == "'artifact' musí být dokument procesu, ne 'nothing'"


@given(st.data())
def test_invalid_data_breaks_exactly_what_it_says(data: Any) -> None:
    chosen = data.draw(assignments(FULL))
    people = participants_of(chosen)
    artifact = data.draw(st.sampled_from(FULL.artifacts))
    invalid = data.draw(invalid_artifact_data(FULL, artifact.id, participants=people))

    assert invalid.reason
    top = invalid.field.split("[")[0]
    fields = {f.id for f in artifact.fields}
    if "no field" in invalid.reason:
        assert top not in fields
        assert top in invalid.data
    else:
        assert top in fields
    if "is missing" in invalid.reason:
        assert top not in invalid.data


@given(commands(FULL, case_id="c-7"))
def test_commands_are_any_command(command: Any) -> None:
    assert isinstance(
        command,
        OpenCase
        | Assign
        | Unassign
        | Replace
        | Submit
        | Act
        | CallIn
        | Dismiss
        | CheckDeadlines
        | AdvanceClock,
    )
    if isinstance(command, AdvanceClock):
        assert command.delta.total_seconds() > 0
    elif isinstance(command, OpenCase):
        assert command.process == FULL.id
    else:
        assert command.case_id == "c-7"
