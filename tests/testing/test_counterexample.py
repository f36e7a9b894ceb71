"""Counterexamples a person can keep: explorer traces as scenario files.

Every trace the explorer reports (to each outcome, to each broken
invariant, to each dead end) becomes a scenario file that ``kwflow
simulate`` runs clean, reaching the phase or outcome the report says; a
violation's file breaks its invariant at its last step, and a dead end's
file leaves nobody able to act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings

from kwflow.authoring import load_scenario, load_scenario_text, run_scenario
from kwflow.cli import main
from kwflow.definition import Label, Process, Registry, load_process
from kwflow.engine import Act, Assign, OpenCase, Submit
from kwflow.exceptions import InvalidTrace
from kwflow.store import MemoryStore
from kwflow.testing import (
    Step,
    explore,
    invariant_violations,
    process_definitions,
    report_scenarios,
    step_words,
    trace_commands,
    trace_to_scenario,
)
from tests.support.paths import PROCESS_FILES
from tests.support.testing import FIXTURES, fixture

if TYPE_CHECKING:
    from pathlib import Path

FIXTURE_NAMES = ["dead_end", "broken_invariant", "sound", "valid_full"]


def text_in(note: object, lang: str) -> str:
    assert isinstance(note, Label), note
    return note.text(lang)


@pytest.mark.parametrize("path", PROCESS_FILES, ids=lambda p: p.stem)
def test_every_shipped_trace_is_a_scenario_kwflow_simulate_runs_clean(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", str(path), "--scenarios", str(tmp_path), "--no-traces"]) in (0, 1)
    process = load_process(path)
    written = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert written == sorted(report_scenarios(process, explore(process)))
    assert len(written) >= 5
    assert f"wrote {len(written)} scenario files to {tmp_path}" in capsys.readouterr().out

    assert main(["simulate", "--quiet", "--lang", "en", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("everything went as expected") == len(written)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_trace_is_a_scenario_kwflow_simulate_runs_clean(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["explore", str(FIXTURES / f"{name}.yaml"), "--scenarios", str(tmp_path)])
    report = explore(fixture(name))
    written = {p.name for p in tmp_path.glob("*.yaml")}
    assert written == set(report_scenarios(fixture(name), report))
    capsys.readouterr()

    assert main(["simulate", "--quiet", str(tmp_path)]) == 0


@pytest.mark.parametrize("name", ["broken_invariant", "valid_full"])
def test_a_violation_scenario_breaks_its_invariant_at_its_last_step(name: str) -> None:
    process = fixture(name)
    (violation,) = explore(process).violations
    text = trace_to_scenario(process, violation.trace, violation=violation)
    registry = Registry()
    registry.add(process)
    store = MemoryStore()

    result = run_scenario(load_scenario_text(text), registry=registry, store=store, case_id="c")

    assert result.ok, result.failure
    history = store.load("c", use_snapshot=False).events
    broken = invariant_violations(process, history)
    assert [(v.invariant, v.sequence) for v in broken] == [(violation.invariant, len(history))]
    scenario = load_scenario_text(text).scenario
    assert scenario.steps[-1].note is not None
    assert f"breaks the invariant {violation.invariant}" in str(scenario.steps[-1].note)
    assert violation.invariant in str(scenario.title)


def test_a_dead_end_scenario_leaves_nobody_able_to_act() -> None:
    from kwflow import Engine

    process = fixture("dead_end")
    (finding,) = explore(process).dead_ends
    text = trace_to_scenario(process, finding.trace, finding=finding)
    registry = Registry()
    registry.add(process)
    store = MemoryStore()

    result = run_scenario(load_scenario_text(text), registry=registry, store=store, case_id="c")

    assert result.ok, result.failure
    assert result.entries[-1].phase == "meeting"
    assert result.entries[-1].outcome is None
    engine = Engine(registry, store=store)
    case = engine.get_unfiltered("c")
    for person in case.participants:
        assert not any(o.allowed for o in engine.available_actions("c", person))
    assert "Dead end in meeting" in text


def test_each_step_expects_the_phase_the_explorer_says() -> None:
    process = fixture("broken_invariant")
    trace = explore(process).outcomes["closed"]

    scenario = load_scenario_text(trace_to_scenario(process, trace)).scenario

    phases = [step.expect.phase if step.expect else None for step in scenario.steps]
    assert phases == ["intake", "planning", "planning", "review", "closed"]
    assert scenario.steps[-1].expect is not None
    assert scenario.steps[-1].expect.outcome == "closed"
    assert scenario.expect is not None
    assert scenario.expect.outcome == "closed"
    assert [text_in(step.note, "en") for step in scenario.steps] == [str(s) for s in trace[1:]]
    assert [text_in(step.note, "cs") for step in scenario.steps] == [
        "[intake] worker přidělí roli parent",
        "[intake] worker provede start -> planning",
        "[planning] parent odevzdá plan",
        "[planning] parent provede propose -> review",
        "[review] worker provede approve -> closed",
    ]


def test_trace_commands_invent_people_per_role_and_data_meeting_the_step() -> None:
    process = fixture("broken_invariant")
    trace = explore(process).outcomes["closed"]

    commands = trace_commands(process, trace, case_id="c1")

    assert commands[0] == OpenCase(
        process="broken_invariant", version=1, by="worker_1", case_id="c1"
    )
    assert commands[1] == Assign(case_id="c1", person="parent_1", role="parent", by="worker_1")
    assert isinstance(commands[2], Act)
    assert commands[2].by == "worker_1"
    submit = commands[3]
    assert isinstance(submit, Submit)
    assert (submit.artifact, submit.by, dict(submit.data)) == ("plan", "parent_1", {"goal": "x"})


def test_a_trace_that_does_not_open_the_case_is_refused() -> None:
    process = fixture("broken_invariant")
    trace = explore(process).outcomes["closed"]

    with pytest.raises(InvalidTrace) as caught:
        trace_commands(process, trace[1:])
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.reason_code) == ("testing.invalid-trace", "not-opened")
    assert str(error) == "a trace starts by opening the case"
    assert error.render("cs") == "stopu nelze provést: stopa začíná otevřením případu"
    with pytest.raises(InvalidTrace) as nobody:
        trace_commands(process, (trace[0], Step("act", "parent", "propose", "planning")))
    assert nobody.value.params == {"reason_code": "no-holder", "role": "parent"}
    assert str(nobody.value) == "the trace needs someone holding 'parent', and nobody does"
    assert nobody.value.render("cs") == (
        "stopu nelze provést: stopa potřebuje někoho s rolí 'parent' a nikdo ji nemá"
    )


def test_the_scenario_names_the_process_file_relative_to_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "found" / "here"

    assert main(["explore", str(FIXTURES / "sound.yaml"), "--scenarios", str(folder)]) == 0

    loaded = load_scenario(folder / "outcome-closed.yaml")
    assert isinstance(loaded.scenario.process, str)
    assert (folder / loaded.scenario.process).resolve() == (FIXTURES / "sound.yaml").resolve()


def test_a_scenarios_folder_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")

    assert main(["explore", str(FIXTURES / "sound.yaml"), "--scenarios", str(blocker)]) == 2

    assert "cannot write scenarios" in capsys.readouterr().err
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(process_definitions(invariants=True))
def test_generated_traces_are_scenarios_that_run_clean(process: Process) -> None:
    report = explore(process, max_states=20_000)
    registry = Registry()
    registry.add(process)
    for name, text in report_scenarios(process, report).items():
        result = run_scenario(load_scenario_text(text, name), registry=registry)
        assert result.ok, (name, result.failure, text)


def test_an_invariant_broken_by_opening_the_case_is_a_scenario_of_one_quiet_step() -> None:
    from kwflow.definition import load_process_text

    text = (FIXTURES / "broken_invariant.yaml").read_text(encoding="utf-8")
    process = load_process_text(text.replace("    phase: review", "    phase: intake"))
    (violation,) = explore(process).violations
    assert len(violation.trace) == 1
    registry = Registry()
    registry.add(process)

    scenario_text = trace_to_scenario(process, violation.trace, violation=violation)
    result = run_scenario(load_scenario_text(scenario_text), registry=registry)

    assert result.ok, result.failure
    (step,) = load_scenario_text(scenario_text).scenario.steps
    assert step.command == "check_deadlines"
    assert "worker opens the case: breaks the invariant plan_before_review" in str(step.note)


def test_with_json_the_report_stays_one_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = str(FIXTURES / "dead_end.yaml")

    assert main(["explore", path, "--format", "json", "--scenarios", str(tmp_path)]) == 1

    out, err = capsys.readouterr()
    assert json.loads(out)["dead_ends"][0]["phase"] == "meeting"
    assert f"wrote 2 scenario files to {tmp_path}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dead-end-meeting.yaml",
        "outcome-closed.yaml",
    ]


def test_every_kind_of_step_reads_in_czech() -> None:
    steps = [
        Step("open", "worker", "p", "intake"),
        Step("assign", "worker", "parent", "intake"),
        Step("assign", "coordinator", "family_member", "sharing", holder="referrer"),
        Step("unassign", "worker", "parent", "intake"),
        Step("submit", "parent", "plan", "planning", version="goal present"),
        Step("act", "family_member", "withdraw", "family_time", to="declined", also="referrer"),
        Step("act", "worker", "record", "intake", version="x present"),
        Step("call_in", "family_member", "coordinator", "family_time"),
        Step("dismiss", "family_member", "coordinator", "family_time"),
    ]

    assert [step_words(step)["cs"] for step in steps] == [
        "[intake] worker založí případ",
        "[intake] worker přidělí roli parent",
        "[sharing] coordinator přidělí roli family_member držiteli role referrer",
        "[intake] worker odebere roli parent",
        "[planning] parent odevzdá plan [goal present]",
        "[family_time] family_member (zároveň referrer) provede withdraw -> declined",
        "[intake] worker provede record se záznamem [x present]",
        "[family_time] family_member přivolá coordinator",
        "[family_time] family_member propustí coordinator",
    ]
    assert [step_words(step)["en"] for step in steps] == [str(step) for step in steps]
