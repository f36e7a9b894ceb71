"""A scenario file that plays a held conference and then its control conference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow import OpenCase
from kwflow.authoring import (
    describe_command,
    format_timeline,
    load_scenario,
    load_scenario_text,
    run_scenario,
)
from kwflow.exceptions import DefinitionError, InvalidValue
from tests.support.paths import TESTS
from tests.support.runtime import fixture_process

if TYPE_CHECKING:
    from pathlib import Path

SCENARIO = TESTS / "engine" / "scenarios" / "control_conference.yaml"


def test_the_control_conference_scenario_runs_as_expected() -> None:
    result = run_scenario(load_scenario(SCENARIO), lang="en")
    assert result.ok, result.failure
    assert result.process.id == "conference"
    follow_up = result.entries[4]
    assert follow_up.what.startswith("opened the case as a follow-up of case scenario-")
    assert follow_up.phase == "meeting"
    assert [(v.id, v.status) for v in follow_up.deadlines] == [("control_date", "pending")]
    assert result.entries[-1].outcome == "held"
    czech = run_scenario(load_scenario(SCENARIO), lang="cs")
    assert czech.ok, czech.failure
    assert "založil(a) případ navazující na případ" in format_timeline(czech, lang="cs")


def test_steps_after_a_follow_up_are_checked_against_its_process(tmp_path: Path) -> None:
    text = SCENARIO.read_text(encoding="utf-8").replace("../fixtures/", "")
    text = text.replace(
        "    act: hold\n    expect: {outcome: held, deadlines",
        "    act: close\n    expect: {outcome: held, deadlines",
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    for name in ("conference", "control_conference"):
        source = TESTS / "engine" / "fixtures" / f"{name}.yaml"
        (tmp_path / f"{name}.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        run_scenario(load_scenario(tmp_path / "s.yaml"))
    (problem,) = raised.value.problems
    assert problem.code == "scenario.unknown-name"
    assert problem.path == "steps[4].act"
    assert problem.params["known"] == "hold"


def test_a_follow_up_file_that_is_missing(tmp_path: Path) -> None:
    text = (
        SCENARIO.read_text(encoding="utf-8")
        .replace("follow_up: ../fixtures/control_conference.yaml", "follow_up: control.yaml")
        .replace(
            "../fixtures/conference.yaml", str(TESTS / "engine" / "fixtures" / "conference.yaml")
        )
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        run_scenario(load_scenario(tmp_path / "s.yaml"))
    (problem,) = raised.value.problems
    assert problem.code == "scenario.no-process-file"
    assert problem.path == "steps[2].follow_up"


def test_a_follow_up_step_is_one_command() -> None:
    with pytest.raises(DefinitionError) as raised:
        load_scenario_text(
            "title: T\nprocess: p.yaml\nstart: 2026-10-05 09:00\nopened_by: a\n"
            "people: {a: {}}\nsteps:\n  - {who: a, follow_up: p.yaml, act: hold}\n"
        )
    (problem,) = raised.value.problems
    assert problem.code == "scenario.one-command"


def test_an_opening_as_a_follow_up_in_words() -> None:
    process = fixture_process("control_conference")
    command = OpenCase(process="control_conference", by="vera", follows="c1")
    assert describe_command(process, command, lang="cs") == (
        "založil(a) případ navazující na případ c1"
    )
    assert describe_command(process, command, lang="en") == (
        "opened the case as a follow-up of case c1"
    )
    plain = OpenCase(process="control_conference", by="vera")
    assert describe_command(process, plain, lang="en") == "opened the case"


def test_a_follow_up_opening_written_as_a_scenario_step() -> None:
    from kwflow.testing._scenario_yaml import scenario_step

    command = OpenCase(process="control_conference", by="vera", follows="c1")
    assert scenario_step(command) == {"who": "vera", "follow_up": "control_conference"}
    with pytest.raises(InvalidValue) as refused:
        scenario_step(OpenCase(process="control_conference", by="vera"))
    assert refused.value.code == "input.invalid-value"
    assert refused.value.rule == "scenario-step"
