"""Scenario files: reading them, and every mistake reported with its position."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kwflow.authoring import LoadedScenario, Step, load_scenario, load_scenario_text
from kwflow.authoring._scenario import text_in
from kwflow.authoring._simulation import _step_time, reference_problems, scenario_process
from kwflow.exceptions import DefinitionError
from tests.support.paths import ROOT, SCENARIO_FILES

PRAGUE = ZoneInfo("Europe/Prague")

MINIMAL = """\
title: Minimal
process: ../../processes/case_conference.yaml
start: 2026-10-05 09:00
opened_by: olga
people:
  olga: {roles: [convener]}
steps:
  - {who: olga, act: call_off}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_scenario_text(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def loaded(text: str) -> LoadedScenario:
    # Relative process paths resolve against the file's directory.
    result = load_scenario_text(text, "s.yaml")
    return LoadedScenario(result.scenario, result.source, ROOT / "tests" / "authoring" / "s.yaml")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_shipped_scenarios_read_and_name_only_what_their_process_has(path: object) -> None:
    scenario = load_scenario(path)  # type: ignore[arg-type]
    process = scenario_process(scenario)
    assert reference_problems(scenario, process) == []


def test_there_are_scenarios_for_the_main_paths_of_both_processes() -> None:
    names = {path.stem for path in SCENARIO_FILES}
    assert {
        "family_conference_plan_approved",
        "family_conference_declined",
        "family_conference_plan_amended",
        "case_conference_held",
        "case_conference_family_no_show",
        "case_conference_minutes_late",
    } <= names


def test_a_minimal_scenario_reads() -> None:
    scenario = loaded(MINIMAL).scenario
    (step,) = scenario.steps
    assert (step.command, step.target, step.who) == ("act", "call_off", "olga")


def test_every_shape_problem_at_once_with_its_position() -> None:
    text = MINIMAL.replace(
        "  - {who: olga, act: call_off}\n",
        "  - {who: olga, act: call_off, submit: minutes}\n"
        "  - {who: olga, act: call_off, expect: {phse: minutes}}\n"
        "  - {who: olga, act: call_off, when: {wokring_days: 2}}\n"
        "  - {who: olga, act: call_off, when: '+2x'}\n"
        "  - {act: call_off}\n",
    )
    found = problems_of(text)
    assert found == [
        (
            "s.yaml:8:5: error: a step needs exactly one command of act, submit, assign, unassign, "
            "replace, call_in, dismiss, check_deadlines, follow_up; found act, submit "
            "(at steps[0]) [scenario]"
        ),
        (
            "s.yaml:9:41: error: unknown key 'phse' (at steps[1].expect.phse); "
            "did you mean 'phase'? [scenario]"
        ),
        (
            "s.yaml:10:39: error: unknown key 'wokring_days' (at steps[2].when.wokring_days); "
            "did you mean 'working_days'? [scenario]"
        ),
        (
            "s.yaml:11:38: error: '+2x' is not a time: write '+2d', '+1d2h' or '+30m' (after the "
            "previous step), a date and time '2026-10-05 09:00' (local time of the process), or "
            "{working_days: 3, time: '09:00'} (at steps[3].when) [scenario]"
        ),
        (
            "s.yaml:12:5: error: a step with 'act' needs 'who': the person giving it "
            "(at steps[4]) [scenario]"
        ),
    ]


def test_texts_a_reader_sees_may_be_given_in_both_languages() -> None:
    text = (
        MINIMAL.replace("title: Minimal", "title: {cs: Nejmenší, en: Minimal}")
        .replace("olga: {roles: [convener]}", "olga: {name: {cs: Olga, en: Olga (OSPOD)}}")
        .replace("act: call_off}", "act: call_off, note: {cs: zrušení, en: calling off}}")
    )
    scenario = loaded(text).scenario
    assert text_in(scenario.title, "en") == "Minimal"
    assert text_in(scenario.people["olga"].name, "en") == "Olga (OSPOD)"
    assert text_in(scenario.steps[0].note, "cs") == "zrušení"
    # One text serves every language.
    assert text_in(loaded(MINIMAL).scenario.title, "en") == "Minimal"


def test_a_misspelt_language_of_a_text_is_named() -> None:
    (problem,) = problems_of(MINIMAL.replace("title: Minimal", "title: {cs: Nejmenší, eng: x}"))
    assert problem.startswith("s.yaml:1:")
    assert "unknown key 'eng' (at title.eng); did you mean 'en'?" in problem


def test_the_opener_must_be_among_the_people() -> None:
    (problem,) = problems_of(MINIMAL.replace("opened_by: olga", "opened_by: jana"))
    assert "'opened_by' names 'jana', who is not among 'people'" in problem


def test_a_reason_needs_a_refusal() -> None:
    (problem,) = problems_of(
        MINIMAL.replace("act: call_off}", "act: call_off, expect: {reason: late}}")
    )
    assert "'reason' needs 'refused'" in problem


def test_a_refused_kind_must_be_an_error_kwflow_raises() -> None:
    (problem,) = problems_of(
        MINIMAL.replace("act: call_off}", "act: call_off, expect: {refused: Nope}}")
    )
    assert problem.startswith("s.yaml:8:")
    assert "ActionNotAllowed" in problem


def test_names_the_process_lacks_are_reported_with_positions() -> None:
    text = MINIMAL.replace(
        "  - {who: olga, act: call_off}\n",
        "  - {who: olga, act: call_of}\n"
        "  - {who: olga, submit: minute, data: {}}\n"
        "  - {who: olga, assign: nobody}\n"
        "  - {who: ghost, act: call_off, expect: {phase: nowhere, deadlines: {soon: pending}}}\n",
    ).replace("  olga: {roles: [convener]}", "  olga: {roles: [convener, boss]}")
    scenario = loaded(text)
    found = [str(p) for p in reference_problems(scenario, scenario_process(scenario))]
    assert [line.split(": error: ")[0] for line in found] == [
        "s.yaml:6:28",
        "s.yaml:8:22",
        "s.yaml:9:25",
        "s.yaml:10:25",
        "s.yaml:11:11",
        "s.yaml:11:49",
        "s.yaml:11:76",
    ]
    assert "the process has no role 'boss'" in found[0]
    assert "the process has no action 'call_of'" in found[1]
    assert "'nobody' is not among 'people'" in found[3]
    assert "the process has no deadline 'soon'" in found[6]


def test_an_assignment_without_a_role_needs_a_person_with_one() -> None:
    text = MINIMAL.replace(
        "  olga: {roles: [convener]}",
        "  olga: {roles: [convener]}\n  petra: {roles: [organizer, parent]}",
    ).replace("act: call_off}", "assign: petra}")
    scenario = loaded(text)
    (problem,) = reference_problems(scenario, scenario_process(scenario))
    assert "say which role: 'petra' has 2 roles" in str(problem)


def test_a_missing_process_file_is_named() -> None:
    scenario = loaded(MINIMAL.replace("case_conference.yaml", "nope.yaml"))
    with pytest.raises(DefinitionError) as caught:
        scenario_process(scenario)
    (problem,) = caught.value.problems
    assert problem.line == 2
    assert "does not exist" in problem.message


# ---------------------------------------------------------------------- time


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PRAGUE)


def step(when: object) -> Step:
    return Step.model_validate({"who": "olga", "act": "x", "when": when})


@pytest.mark.parametrize(
    ("when", "previous", "expected"),
    [
        (None, "2026-10-05 09:00", "2026-10-05 09:00"),
        ("+30m", "2026-10-05 09:00", "2026-10-05 09:30"),
        ("+1d2h", "2026-10-05 09:00", "2026-10-06 11:00"),
        ("+1w", "2026-10-05 09:00", "2026-10-12 09:00"),
        ("2026-10-27 14:00", "2026-10-05 09:00", "2026-10-27 14:00"),
        # Days keep the wall-clock time across the end of summer time (25 Oct).
        ("+1d", "2026-10-24 09:00", "2026-10-25 09:00"),
        ({"days": 2, "time": "08:00"}, "2026-10-24 17:00", "2026-10-26 08:00"),
        # 28 October is a holiday: three working days after Tue 27 are Thu, Fri, Mon.
        ({"working_days": 3, "time": "11:00"}, "2026-10-27 15:45", "2026-11-02 11:00"),
        ({"time": "16:00"}, "2026-10-27 15:45", "2026-10-27 16:00"),
    ],
)
def test_step_times(when: object, previous: str, expected: str) -> None:
    moment = _step_time(step(when), at(previous), PRAGUE, "cz")
    assert moment == at(expected)
    assert moment.tzinfo is not None


def test_hours_are_elapsed_across_the_autumn_change() -> None:
    before = datetime.fromisoformat("2026-10-25T01:30:00+02:00").astimezone(PRAGUE)
    after = _step_time(step("+2h"), before, PRAGUE, "cz")
    # 01:30 CEST + 2 real hours = 02:30 CET (the clock went back at 03:00).
    assert after.isoformat() == "2026-10-25T02:30:00+01:00"


def test_an_offset_is_kept() -> None:
    moment = _step_time(step("2026-10-27T14:00:00+00:00"), at("2026-10-05 09:00"), PRAGUE, "cz")
    assert moment == datetime.fromisoformat("2026-10-27T15:00:00+01:00")
