"""`follows` in process files: what one file's checks see, and what a registry compares.

A file alone knows only its own artifacts; loading it beside the process it
follows up compares the two (outcomes, the artifact and fields carried over,
their types). Every problem has Czech words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.definition import Registry, check_process, load_process_text, parse_process
from kwflow.exceptions import DefinitionError
from tests.support.czech import assert_czech
from tests.support.paths import TESTS

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.exceptions import Problem

FIXTURES = TESTS / "engine" / "fixtures"
EARLIER = (FIXTURES / "conference.yaml").read_text(encoding="utf-8")
FOLLOW_UP = (FIXTURES / "control_conference.yaml").read_text(encoding="utf-8")
CARRY = "fields: {follow_up_on: next_conference_on, summary: summary, tasks: tasks}"


def follow_up(*replacements: tuple[str, str]) -> str:
    text = FOLLOW_UP
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def load_pair(tmp_path: Path, follow_up_text: str) -> Registry:
    (tmp_path / "conference.yaml").write_text(EARLIER, encoding="utf-8")
    (tmp_path / "control_conference.yaml").write_text(follow_up_text, encoding="utf-8")
    return Registry.from_paths(tmp_path)


def pair_problems(tmp_path: Path, follow_up_text: str) -> list[Problem]:
    with pytest.raises(DefinitionError) as raised:
        load_pair(tmp_path, follow_up_text)
    return list(raised.value.problems)


def test_the_fixture_pair_loads_together_and_alone() -> None:
    alone = load_process_text(FOLLOW_UP)
    assert [rule.process for rule in alone.follows] == ["conference"]
    (carry,) = alone.follows[0].carry_over
    assert (carry.artifact, carry.from_) == ("previous_minutes", "minutes")
    assert carry.fields == {
        "follow_up_on": "next_conference_on",
        "summary": "summary",
        "tasks": "tasks",
    }
    assert check_process(alone) == []
    # Processes stay hashable and compare by value with a mapping inside.
    assert hash(alone) == hash(load_process_text(FOLLOW_UP))
    assert alone == load_process_text(FOLLOW_UP)


def test_a_file_without_follows_keeps_its_content_hash() -> None:
    # The key is new: files written before it hash as they did.
    without = load_process_text(EARLIER)
    with_empty = load_process_text(EARLIER + "follows: []\n")
    assert without.content_hash == with_empty.content_hash


def test_a_carried_field_this_artifact_lacks_is_an_unknown_field() -> None:
    text = follow_up((CARRY, "fields: {follow_up: next_conference_on}"))
    (problem,) = check_process(parse_process(text, "control.yaml"))
    assert problem.code == "unknown-field"
    assert problem.path == "follows[0].carry_over[0].fields.follow_up"
    assert "has no field 'follow_up'" in problem.message
    assert problem.line is not None
    assert_czech(problem)


def test_a_carried_artifact_this_process_lacks_is_an_unknown_artifact() -> None:
    text = follow_up(("      - artifact: previous_minutes", "      - artifact: earlier_minutes"))
    problems = check_process(parse_process(text, "control.yaml"))
    codes = {(p.code, p.path) for p in problems}
    assert ("unknown-artifact", "follows[0].carry_over[0].artifact") in codes


def test_a_process_it_follows_that_is_not_registered_is_no_problem(tmp_path: Path) -> None:
    (tmp_path / "control_conference.yaml").write_text(FOLLOW_UP, encoding="utf-8")
    registry = Registry.from_paths(tmp_path / "control_conference.yaml")
    assert "control_conference" in registry


def test_an_outcome_the_earlier_process_lacks(tmp_path: Path) -> None:
    (problem,) = pair_problems(tmp_path, follow_up(("outcomes: [held]", "outcomes: [done]")))
    assert problem.code == "follows-unknown-outcome"
    assert problem.path == "follows[0].outcomes[0]"
    assert problem.file.endswith("control_conference.yaml")
    assert problem.line == 9
    assert problem.message == (
        "conference version 1 has no outcome 'done' (its outcomes: called_off, held)"
    )
    assert_czech(problem)


def test_an_artifact_the_earlier_process_lacks(tmp_path: Path) -> None:
    (problem,) = pair_problems(tmp_path, follow_up(("from: minutes", "from: notes")))
    assert problem.code == "follows-unknown-artifact"
    assert problem.path == "follows[0].carry_over[0].from"
    assert problem.message == "conference version 1 has no artifact 'notes' to carry over"
    assert_czech(problem)


def test_a_field_the_earlier_artifact_lacks(tmp_path: Path) -> None:
    text = follow_up((CARRY, "fields: {follow_up_on: date}"))
    (problem,) = pair_problems(tmp_path, text)
    assert problem.code == "follows-unknown-field"
    assert problem.path == "follows[0].carry_over[0].fields.follow_up_on"
    assert problem.message == "the artifact 'minutes' of conference version 1 has no field 'date'"
    assert_czech(problem)


def test_fields_of_different_types(tmp_path: Path) -> None:
    text = follow_up((CARRY, "fields: {follow_up_on: summary}"))
    (problem,) = pair_problems(tmp_path, text)
    assert problem.code == "follows-field-type"
    assert problem.message == (
        "the date field 'follow_up_on' cannot take the text field 'summary' "
        "of 'minutes' in conference version 1"
    )
    assert_czech(problem)


def test_without_fields_same_ids_are_compared(tmp_path: Path) -> None:
    # Default mapping: 'summary' and 'tasks' come across by id; 'follow_up_on'
    # has no namesake (left out, so the runtime says if it is required).
    registry = load_pair(tmp_path, follow_up((CARRY, "fields:")))
    assert registry.get("control_conference").follows[0].carry_over[0].fields is None
    broken = EARLIER.replace(
        "      - {id: summary, label: {cs: Shrnutí, en: Summary}, type: text}",
        "      - {id: summary, label: {cs: Shrnutí, en: Summary}, type: bool}",
    )
    other = tmp_path / "other"
    other.mkdir()
    (other / "conference.yaml").write_text(broken, encoding="utf-8")
    (other / "control_conference.yaml").write_text(follow_up((CARRY, "")), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        Registry.from_paths(other)
    (problem,) = raised.value.problems
    assert problem.code == "follows-field-type"
    assert problem.params["field"] == "summary"


def test_a_process_added_later_is_compared_with_those_that_follow_it(tmp_path: Path) -> None:
    registry = Registry()
    registry.add(load_process_text(FOLLOW_UP))
    broken = load_process_text(EARLIER.replace("outcome: held", "outcome: done"))
    with pytest.raises(DefinitionError) as raised:
        registry.add(broken)
    (problem,) = raised.value.problems
    assert problem.code == "follows-unknown-outcome"
    assert "conference" not in registry
    registry.add(load_process_text(EARLIER))
    assert "conference" in registry


def test_kwflow_check_compares_files_given_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kwflow.cli import main

    (tmp_path / "conference.yaml").write_text(EARLIER, encoding="utf-8")
    control = tmp_path / "control_conference.yaml"
    control.write_text(follow_up(("outcomes: [held]", "outcomes: [done]")), encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{control}:9:16: error: conference version 1 has no outcome 'done'" in out
    # Alone, the follow-up's file has nothing to be compared with.
    assert main(["check", str(control)]) == 0
    assert main(["check", "--lang", "cs", str(tmp_path)]) == 1
    assert "proces 'conference' ve verzi 1 nemá výsledek 'done'" in capsys.readouterr().out
