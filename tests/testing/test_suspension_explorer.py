"""Suspension in the test tools: generated processes suspend and resume, and the
explorer's traces through a suspension replay on the real engine."""

from __future__ import annotations

from hypothesis import assume, given, settings

from kwflow.definition import Process, check_process
from kwflow.testing import explore, process_definitions
from tests.engine.test_suspension import _with_only
from tests.support.runtime import fixture_process
from tests.testing.test_replay import check_report_on_engine


def _suspends(process: Process) -> bool:
    return any(phase.suspension is not None for phase in process.phases)


@settings(max_examples=30, deadline=None)
@given(process_definitions(invariants=True))
def test_generated_suspensions_are_valid_and_their_traces_replay(process: Process) -> None:
    assume(_suspends(process))
    assert [p for p in check_process(process) if p.severity == "error"] == []
    check_report_on_engine(process, max_states=20_000)


@settings(max_examples=30, deadline=None)
@given(process_definitions(invariants=True))
def test_the_explorer_proves_a_resume_returns_where_the_case_stopped(process: Process) -> None:
    assume(_suspends(process))
    report = explore(process, max_states=20_000)
    # Every resume in a trace is followed by the phase it names; the replay
    # on the engine (above) checks the engine agrees.
    for trace in report.outcomes.values():
        stopped = None
        for step in trace:
            if step.kind == "act" and step.target == "suspend":
                stopped = step.phase
            if step.kind == "act" and step.target == "resume":
                assert step.to == stopped


def test_the_suspension_fixture_traces_replay_on_the_engine() -> None:
    check_report_on_engine(fixture_process("suspension"))
    check_report_on_engine(_with_only(fixture_process("suspension"), ["resume"]))
