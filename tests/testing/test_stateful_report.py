"""A failing stateful run reads well: its steps in words and as a scenario file to keep.

The process ``broken_invariant`` lets the parent propose before writing the
plan, so the stateful test fails; what hypothesis reports must hold the
run's steps in words and a scenario file that replays the failure, and no
object's ``repr`` (``Label(``, ``Action(``...). Invariants of a test's own
are checked after every step too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from kwflow.authoring import load_scenario_text, run_scenario
from kwflow.definition import Registry
from kwflow.store import MemoryStore
from kwflow.testing import invariant_violations, process_state_machine
from tests.support.testing import FIXTURES, fixture

if TYPE_CHECKING:
    from kwflow.engine import Case

CUT = "--- 8< ---"

# Found is enough; the final run (the one reported) happens without shrinking too.
FIND = settings(
    max_examples=300, stateful_step_count=20, database=None, deadline=None, phases=[Phase.generate]
)


def failure_report(machine: type) -> str:
    with pytest.raises(AssertionError) as failed:
        run_state_machine_as_test(machine, settings=FIND)
    return "\n".join([str(failed.value), *getattr(failed.value, "__notes__", [])])


def test_a_failing_run_prints_a_scenario_that_replays_the_failure() -> None:
    process = fixture("broken_invariant")

    report = failure_report(process_state_machine(process))

    assert "invariant plan_before_review broken" in report
    scenario_text = report.split(CUT)[1]
    registry = Registry()
    registry.add(process)
    store = MemoryStore()
    result = run_scenario(
        load_scenario_text(scenario_text), registry=registry, store=store, case_id="c"
    )
    assert result.ok, result.failure
    history = store.load("c", use_snapshot=False).events
    broken = invariant_violations(process, history)
    assert [v.invariant for v in broken] == ["plan_before_review"]
    assert broken[0].sequence == len(history)


def test_a_failing_run_prints_its_steps_in_words_without_object_reprs() -> None:
    report = failure_report(process_state_machine(fixture("broken_invariant")))

    assert "The case's steps:" in report
    assert "action: Propose the plan: done -> review" in report
    for leak in ("Label(", "Action(", "Artifact(", "ActionOption(", "InvalidArtifactData("):
        assert leak not in report, leak


def test_the_scenario_names_the_process_file_when_given() -> None:
    path = FIXTURES / "broken_invariant.yaml"
    machine = process_state_machine(fixture("broken_invariant"), process_file=path)

    scenario = load_scenario_text(failure_report(machine).split(CUT)[1]).scenario

    assert scenario.process == path.resolve().as_posix()


def test_an_invariant_of_the_test_is_checked_after_every_step() -> None:
    def nobody_reaches_review(case: Case) -> str | None:
        return "the case reached review" if case.phase.id == "review" else None

    process = fixture("sound")
    machine = process_state_machine(process, extra_invariants=[nobody_reaches_review])

    report = failure_report(machine)

    assert "invariant nobody_reaches_review (of the test) broken: the case reached review" in report
    scenario = load_scenario_text(report.split(CUT)[1]).scenario
    last = scenario.steps[-1]
    assert last.expect is not None
    assert last.expect.phase == "review"


def test_an_invariant_of_the_test_that_holds_lets_the_run_pass() -> None:
    seen: list[str] = []

    def records_phases(case: Case) -> None:
        seen.append(case.phase.id)

    machine = process_state_machine(fixture("sound"), extra_invariants=[records_phases])
    run_state_machine_as_test(
        machine, settings=settings(max_examples=5, stateful_step_count=10, database=None)
    )

    assert seen


def test_the_runs_are_counted_in_the_coverage_of_their_process() -> None:
    from kwflow.testing import stateful_coverage

    process = fixture("sound")
    coverage = stateful_coverage().of(process)
    runs, events = coverage.runs, coverage.steps

    run_state_machine_as_test(
        process_state_machine(process),
        settings=settings(max_examples=5, stateful_step_count=10, database=None),
    )

    assert coverage.runs == runs + 5
    assert coverage.steps > events
    assert "intake" in coverage.entered
    never = coverage.never()
    assert set(never["actions"]) == {"start", "propose", "send_back", "approve"} - coverage.taken
    assert set(never["phases"]) == {"intake", "planning", "review", "closed"} - coverage.entered


def test_two_processes_of_one_id_and_version_are_told_apart_by_their_hash() -> None:
    from kwflow.definition import load_process_text
    from kwflow.testing import StatefulCoverage

    text = (FIXTURES / "sound.yaml").read_text(encoding="utf-8")
    first = load_process_text(text)
    second = load_process_text(text.replace("label: {cs: Cíl, en: Goal}", "label: {cs: C, en: G}"))
    coverage = StatefulCoverage()
    coverage.of(first).runs = 2
    coverage.of(second).runs = 1

    lines = coverage.to_text().splitlines()

    assert f"  sound version 1 ({first.content_hash[:12]}): 2 runs, 0 events" in lines
    assert f"  sound version 1 ({second.content_hash[:12]}): 1 run, 0 events" in lines
    assert "    actions: 0 of 4; never: start, propose, send_back, approve" in lines
