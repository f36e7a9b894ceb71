"""``process_state_machine`` on the shipped processes, generated processes and fixtures.

Each machine here also checks the explorer against the real engine: a case
never reaches a phase, takes an action, ends with an outcome or gives a
deadline a status that the explorer (when exhaustive) says is impossible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, run_state_machine_as_test

from kwflow.definition import Process, load_process
from kwflow.store import MemoryStore, SqliteStore
from kwflow.testing import (
    ExplorationReport,
    ProcessMachine,
    explore,
    people,
    process_definitions,
    process_state_machine,
)
from kwflow.testing._stateful import ENDING_WEIGHTS
from tests.support.paths import PROCESSES
from tests.support.testing import KNOWN_BROKEN, fixture

if TYPE_CHECKING:
    from pathlib import Path


def under_test(name: str) -> Process:
    """A shipped process (``previous/x.v1`` for an earlier version), without broken invariants."""
    process = load_process(PROCESSES / f"{name}.yaml")
    broken = KNOWN_BROKEN.get(process.id, set())
    kept = tuple(i for i in process.invariants if i.id not in broken)
    return Process.model_validate(
        {**process.model_dump(by_alias=True, exclude={"invariants"}), "invariants": kept}
    )


_REPORTS: dict[tuple[str, str], ExplorationReport] = {}

_STATUS = {"met_on_time": "met", "met_late": "met"}


class ExplorerChecked(ProcessMachine):
    """Checks, at the end of each run, that the explorer allowed everything the engine did."""

    def check(self) -> list[str]:
        broken = super().check()
        seen = self.__dict__.setdefault("statuses", set())
        for state in self.case.deadlines.values():
            seen.add((state.id, _STATUS.get(state.status.value, state.status.value)))
        return broken

    def teardown(self) -> None:
        super().teardown()
        if not getattr(self, "started", False):
            return
        key = (self.process.id, self.process.content_hash)
        if key not in _REPORTS:
            _REPORTS[key] = explore(self.process, max_states=50_000)
        report = _REPORTS[key]
        if not report.exhaustive:
            return
        history = self.engine.history_unfiltered(self.case_id)
        leaves = {self.shape.start_leaf}
        taken = set()
        for event in history:
            if event.type == "action_taken":
                taken.add(event.payload["action"])
                if "phase" in event.payload:
                    leaves.add(event.payload["phase"][-1])
        assert not leaves & set(report.unreached_phases), (leaves, report.unreached_phases)
        assert not taken & set(report.never_enabled), (taken, report.never_enabled)
        outcome = self.case.outcome
        assert outcome is None or outcome in report.outcomes, outcome
        for deadline, status in self.__dict__.get("statuses", set()):
            assert status in report.deadlines[deadline], (deadline, status, report.deadlines)


CaseConferenceMachine = process_state_machine(under_test("case_conference"), base=ExplorerChecked)
FamilyConferenceMachine = process_state_machine(
    under_test("family_conference"), base=ExplorerChecked
)
# Cases opened on version 1 keep running, so version 1 stays under test too.
CaseConferenceV1Machine = process_state_machine(
    under_test("previous/case_conference.v1"), base=ExplorerChecked
)
FamilyConferenceV1Machine = process_state_machine(
    under_test("previous/family_conference.v1"), base=ExplorerChecked
)


class GeneratedProcessMachine(ExplorerChecked):
    """A random valid process, drawn afresh for every run: the engine itself under test."""

    # Each process is run a few times only: its coverage would say nothing.
    record_coverage = False

    @initialize(
        process=process_definitions(),
        opener=people(),
        ending=st.sampled_from(ENDING_WEIGHTS),
    )
    def open_case(self, process: Process, opener: str, ending: int) -> None:
        self.start(process, opener, ending=ending)


TestCaseConference = CaseConferenceMachine.TestCase
TestFamilyConference = FamilyConferenceMachine.TestCase
TestCaseConferenceV1 = CaseConferenceV1Machine.TestCase
TestFamilyConferenceV1 = FamilyConferenceV1Machine.TestCase
TestGeneratedProcesses = GeneratedProcessMachine.TestCase


def test_a_broken_invariant_is_caught() -> None:
    machine = process_state_machine(fixture("broken_invariant"))

    # Found is enough here; shrinking the run would only cost time.
    quick = settings(
        max_examples=200,
        stateful_step_count=20,
        database=None,
        phases=[Phase.generate],
    )
    with pytest.raises(AssertionError, match="invariant plan_before_review broken"):
        run_state_machine_as_test(machine, settings=quick)


def test_host_guards_are_used() -> None:
    calls: list[str] = []

    def never(context: Any) -> str:
        calls.append(context.action)
        return "the host says no"

    process = under_test("family_conference")
    machine = process_state_machine(
        process, guards={"child_safe_to_attend": never, "review_date_within_period": never}
    )
    run_state_machine_as_test(
        machine, settings=settings(max_examples=30, stateful_step_count=30, database=None)
    )

    assert calls
    assert set(calls) <= {"open_conference", "approve_plan", "continue_plan"}


def test_machine_name_says_the_process() -> None:
    assert process_state_machine(fixture("sound")).__name__ == "SoundMachine"


def test_runs_keep_cases_in_memory_unless_told() -> None:
    machine = process_state_machine(fixture("sound"))()
    machine.start(fixture("sound"), "jana")

    assert isinstance(machine.store, MemoryStore)


def test_the_same_checks_run_on_sqlite(tmp_path: Path) -> None:
    files = iter(range(10_000))
    machine = process_state_machine(
        under_test("case_conference"),
        store=lambda: SqliteStore(tmp_path / f"cases-{next(files)}.sqlite3"),
    )
    run_state_machine_as_test(
        machine, settings=settings(max_examples=3, stateful_step_count=15, database=None)
    )

    assert list(tmp_path.glob("cases-*.sqlite3"))
