"""The ``follows_outcome`` invariant, read from a follow-up's own history."""

from __future__ import annotations

from kwflow import Engine, Registry, SimulatedClock
from kwflow.definition import load_process_text
from kwflow.store import MemoryStore
from kwflow.testing import invariant_violations
from tests.support.follow_ups import CONVENER, held_conference, pair_engine
from tests.support.paths import TESTS
from tests.support.runtime import START, fixture_process

LENIENT = (
    (TESTS / "engine" / "fixtures" / "control_conference.yaml")
    .read_text(encoding="utf-8")
    .replace("outcomes: [held]\n    carry_over:", "outcomes: [held, called_off]\n    carry_over:")
)


def test_a_follow_up_of_a_held_conference_keeps_the_invariant() -> None:
    engine = pair_engine()
    held_conference(engine)
    engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    process = engine.process_of("k1")
    assert [i.kind for i in process.invariants] == ["follows_outcome"]
    assert invariant_violations(process, engine.history_unfiltered("k1")) == []
    # A case opened on its own is no follow-up: the invariant says nothing of it.
    engine.open_case("control_conference", by=CONVENER, case_id="alone")
    assert invariant_violations(process, engine.history_unfiltered("alone")) == []


def test_a_follow_up_of_a_case_with_another_outcome_breaks_it() -> None:
    # A process file whose follows lets a called-off conference be followed up,
    # while its invariant says only held ones are (called off, nothing is
    # carried over): the audit finds the contradiction in the file.
    lenient = load_process_text(LENIENT)
    registry = Registry()
    registry.add(fixture_process("conference"))
    registry.add(lenient)
    engine = Engine(registry, store=MemoryStore(), clock=SimulatedClock(START))
    engine.open_case("conference", by=CONVENER, case_id="c1")
    engine.act("c1", "call_off", by=CONVENER)
    engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    (violation,) = invariant_violations(lenient, engine.history_unfiltered("k1"))
    assert violation.invariant == "follows_a_held_conference"
    assert violation.sequence == 1
    assert violation.message == ("it follows a case that ended with 'called_off', not one of held")


def test_the_test_tools_run_on_a_process_that_follows_another() -> None:
    # The stateful test and the explorer open cases on their own (never as
    # follow-ups): a process with `follows` and a follows_outcome invariant
    # runs through both unchanged, and the invariant is never broken there.
    from hypothesis import Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from kwflow.testing import explore, process_state_machine

    process = fixture_process("control_conference")
    report = explore(process)
    assert report.ok, report
    machine = process_state_machine(process)
    quick = settings(
        max_examples=10, stateful_step_count=10, database=None, phases=[Phase.generate]
    )
    run_state_machine_as_test(machine, settings=quick)
