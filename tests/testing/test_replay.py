"""The explorer's traces are real: replayed on the engine, they do what the report says.

Outcome traces end in their outcome, violation traces break their invariant
at their last step and not before, dead ends leave nobody able to act, and
every step in between is carried out and passes every check of the stateful
test. On the shipped processes, the fixtures, and generated processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given

from kwflow.definition import Process, load_process, load_process_text
from kwflow.testing import explore, invariant_violations, process_definitions
from tests.support.paths import PROCESS_FILES
from tests.support.replay import Replay, broken_ids
from tests.support.testing import fixture

if TYPE_CHECKING:
    from pathlib import Path


def check_report_on_engine(process: Process, *, max_states: int = 50_000) -> None:
    report = explore(process, max_states=max_states)
    for code, trace in report.outcomes.items():
        replay = Replay(process)
        replay.run(trace)
        assert replay.case.outcome == code, [str(s) for s in trace]
    for violation in report.violations:
        replay = Replay(process)
        broken = replay.run(violation.trace)
        assert violation.invariant in broken_ids(broken[-1]), (violation, broken)
        earlier = set().union(*(broken_ids(b) for b in broken[:-1]))
        assert violation.invariant not in earlier, (violation, broken)
    for finding in report.dead_ends:
        replay = Replay(process)
        replay.run(finding.trace)
        case = replay.case
        assert case.outcome is None
        for person in case.participants:
            options = replay.machine.engine.available_actions(case.id, person)
            assert not any(o.allowed for o in options), (finding, person)


@pytest.mark.parametrize("path", PROCESS_FILES, ids=lambda p: p.stem)
def test_shipped_traces_replay_on_the_engine(path: Path) -> None:
    check_report_on_engine(load_process(path))


@pytest.mark.parametrize(
    "name",
    ["dead_end", "broken_invariant", "sound", "valid_full", "held_suspension", "held_minimum"],
)
def test_fixture_traces_replay_on_the_engine(name: str) -> None:
    check_report_on_engine(fixture(name))


@given(process_definitions(invariants=True))
def test_generated_traces_replay_on_the_engine(process: Process) -> None:
    check_report_on_engine(process, max_states=20_000)


def test_invariant_violations_audits_a_stored_history() -> None:
    process = fixture("broken_invariant")
    (violation,) = explore(process).violations
    replay = Replay(process)
    replay.run(violation.trace)
    history = replay.machine.engine.history_unfiltered(replay.case.id)

    found = invariant_violations(process, history)

    assert [(v.invariant, v.sequence) for v in found] == [("plan_before_review", len(history))]
    assert str(found[0]) == (
        f"invariant plan_before_review broken by event {len(history)}: "
        "'review' was entered without 'plan'"
    )
    assert invariant_violations(fixture("sound"), []) == []


def test_a_call_in_by_someone_in_two_roles_counts_for_the_role_it_is_recorded_under() -> None:
    # Found by the generated-process test: the explorer counted a call-in by
    # a person holding the coordinator's role against the coordinator, while
    # the history (which names the role, not the person) showed the parent's.
    from tests.engine.test_privacy import ONE_PERSON_TWO_ROLES

    process = load_process_text(ONE_PERSON_TWO_ROLES)
    report = explore(process)
    assert [v.invariant for v in report.violations] == ["coordinator_stays_out"]
    check_report_on_engine(process)
