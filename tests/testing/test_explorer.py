"""The bounded explorer: shortest traces, dead ends, bounds, and the reductions it makes."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given

from kwflow.definition import Process, load_process, load_process_text
from kwflow.testing import ExplorationReport, Step, explore, process_definitions
from kwflow.testing._explorer import _explore
from tests.support.paths import PROCESS_FILES
from tests.support.replay import Replay
from tests.support.testing import KNOWN_BROKEN, fixture


def texts(trace: tuple[Any, ...]) -> list[str]:
    return [str(step) for step in trace]


def test_dead_end_is_found_with_its_shortest_trace() -> None:
    report = explore(fixture("dead_end"))

    assert report.exhaustive
    assert [(f.kind, f.phase, f.states) for f in report.dead_ends] == [("dead_end", "meeting", 1)]
    assert texts(report.dead_ends[0].trace) == [
        "[intake] worker opens the case",
        "[intake] worker takes start -> meeting",
    ]
    assert report.problems == [
        (
            "dead end in 'meeting': nobody present can take any step (no action, submission, "
            "assignment or calling in)"
        )
    ]
    assert not report.ok


def test_invariant_broken_after_four_steps_has_exactly_that_trace() -> None:
    report = explore(fixture("broken_invariant"))

    assert report.exhaustive
    assert [v.invariant for v in report.violations] == ["plan_before_review"]
    violation = report.violations[0]
    assert texts(violation.trace) == [
        "[intake] worker opens the case",
        "[intake] worker assigns parent",
        "[intake] worker takes start -> planning",
        "[planning] parent takes propose -> review",
    ]
    assert violation.message == "'review' was entered without 'plan'"
    assert violation.label == "A plan before review"
    assert not report.dead_ends
    assert not report.stuck


def test_a_sound_process_is_reported_sound() -> None:
    report = explore(fixture("sound"))

    assert report.ok
    assert report.problems == []
    assert list(report.outcomes) == ["closed"]
    assert texts(report.outcomes["closed"]) == [
        "[intake] worker opens the case",
        "[intake] worker assigns parent",
        "[intake] worker takes start -> planning",
        "[planning] parent submits plan",
        "[planning] parent takes propose -> review",
        "[review] worker takes approve -> closed",
    ]


def test_two_roles_held_by_one_person_can_break_role_never_acts_in() -> None:
    # Nothing says the referrer may not also be a family member, who is
    # present during family time: the explorer tries one person in both roles.
    report = explore(fixture("valid_full"))

    violation = next(v for v in report.violations if v.invariant == "referrer_silent")
    assert texts(violation.trace)[-3:] == [
        "[sharing] coordinator assigns family_member to a referrer",
        "[sharing] coordinator takes start_family_time -> family_time",
        "[family_time] family_member (also referrer) takes withdraw -> declined",
    ]
    assert violation.trace[-1].also == "referrer"


def test_depth_bound_is_reported_and_never_called_sound() -> None:
    report = explore(fixture("sound"), depth=3)

    assert not report.exhaustive
    assert report.bound == "depth 3"
    assert report.depth == 3
    assert not report.ok
    assert report.outcomes == {}
    # Without a complete search nothing is claimed about what was not seen.
    assert report.never_enabled == ()
    assert report.unreachable_outcomes == ()
    assert "NOT exhaustive" in report.to_text()


def test_too_many_kinds_of_version_is_a_bound() -> None:
    # Eleven independent conditions on one document: 2048 kinds of version.
    fields = "\n".join(
        f"      - {{id: f{i}, label: {{cs: P{i}, en: F{i}}}, type: bool}}" for i in range(11)
    )
    conditions = ", ".join(f"{{artifact: form, field: f{i}, equals: true}}" for i in range(11))
    process = load_process_text(
        f"""
id: many
version: 1
title: {{cs: Mnoho, en: Many}}
opener: worker
roles: [{{id: worker, label: {{cs: P, en: W}}, kind: authority, min: 1, max: 1}}]
artifacts:
  - id: form
    label: {{cs: F, en: Form}}
    write: [worker]
    fields:
{fields}
phases:
  - {{id: open, label: {{cs: O, en: Open}}, initial: true}}
  - {{id: done, label: {{cs: H, en: Done}}, outcome: done}}
actions:
  - {{id: finish, label: {{cs: K, en: Finish}}, from: [open], to: done, by: [worker],
     requires: {{fields: [{conditions}]}}}}
"""
    )
    report = explore(process)

    assert not report.exhaustive
    assert report.bound == "kinds of version of form"


def test_state_bound_is_reported() -> None:
    report = explore(fixture("sound"), max_states=4)

    assert not report.exhaustive
    assert report.bound == "max_states 4"
    assert report.states == 4


DEADLINES = """
id: deadlines
version: 1
title: {cs: Lhůty, en: Deadlines}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: authority, min: 1, max: 1}
artifacts:
  - id: request
    label: {cs: Žádost, en: Request}
    write: [worker]
    fields:
      - {id: due_on, label: {cs: Termín, en: Due on}, type: date, required: false}
phases:
  - {id: intake, label: {cs: Příjem, en: Intake}, initial: true}
  - {id: waiting, label: {cs: Čekání, en: Waiting}}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: closed}
actions:
  - {id: start, label: {cs: Zahájit, en: Start}, from: [intake], to: waiting, by: [worker]}
  - {id: finish, label: {cs: Ukončit, en: Finish}, from: [waiting], to: closed, by: [worker]}
deadlines:
  - id: finish_soon
    label: {cs: Brzy, en: Soon}
    anchor: {action: start}
    limit: {days: 3}
    satisfied_by: [finish]
    responsible: worker
    phases: [waiting]
    breach: {cs: Nic, en: Nothing}
  - id: by_the_date
    label: {cs: Do data, en: By the date}
    anchor: {field: {artifact: request, field: due_on}}
    target: {days: 0}
    satisfied_by: [start]
    responsible: worker
    phases: [intake]
    breach: {cs: Nic, en: Nothing}
"""


def test_deadline_statuses_follow_the_state_graph() -> None:
    report = explore(load_process_text(DEADLINES))

    # The only way out of waiting meets finish_soon: it is never cancelled.
    assert report.deadlines["finish_soon"] == ("not_started", "pending", "met", "breached")
    # by_the_date starts once a request has a date; a new version without
    # the date leaves nothing to count from, which cancels it.
    assert report.deadlines["by_the_date"] == (
        "not_started",
        "pending",
        "met",
        "breached",
        "cancelled",
    )
    assert report.ok


def test_report_is_json_and_text() -> None:
    report = explore(fixture("broken_invariant"))

    data = json.loads(json.dumps(report.to_dict()))
    assert data["process"] == {"id": "broken_invariant", "version": 1}
    assert data["ok"] is False
    assert data["violations"][0]["trace"][-1]["text"] == (
        "[planning] parent takes propose -> review"
    )
    assert data["problems"] == report.problems
    text = report.to_text()
    assert "invariant plan_before_review broken after 4 steps" in text
    assert "4. [planning] parent takes propose -> review" in text


@pytest.mark.parametrize("path", PROCESS_FILES, ids=lambda p: p.stem)
def test_shipped_process_is_sound(path: Any) -> None:
    process = load_process(path)
    report = explore(process)

    assert report.exhaustive, report.to_text(traces=False)
    declared = {info.phase.outcome for info in process.all_phases()} - {None}
    assert set(report.outcomes) == declared
    broken = {v.invariant for v in report.violations}
    assert broken == KNOWN_BROKEN.get(process.id, set()), report.to_text()
    others = [p for p in report.problems if not p.startswith("invariant ")]
    assert others == [], report.to_text()


def summary(report: ExplorationReport) -> dict[str, Any]:
    """What the reductions must not change: every answer, and every shortest length."""
    return {
        "outcomes": {code: len(trace) for code, trace in report.outcomes.items()},
        "unreachable": report.unreachable_outcomes,
        "dead_ends": sorted(f.phase for f in report.dead_ends),
        "stuck": sorted(f.phase for f in report.stuck),
        "never_enabled": report.never_enabled,
        "unreached": report.unreached_phases,
        "violations": {v.invariant: len(v.trace) for v in report.violations},
        "deadlines": dict(report.deadlines),
        "exhaustive": report.exhaustive,
    }


@given(process_definitions(invariants=True))
def test_reductions_change_no_answer(process: Process) -> None:
    reduced = _explore(process, depth=None, max_states=100_000, reduce=True)
    full = _explore(process, depth=None, max_states=100_000, reduce=False)

    assert reduced.states <= full.states
    if full.exhaustive:
        assert summary(reduced) == summary(full)


def test_reductions_keep_a_stuck_suspension_apart_from_a_dead_end() -> None:
    # The coordinator (assignable only in intake) alone may resume; the
    # parent's count is looked at nowhere. Unassigning the coordinator while
    # on hold leaves the case stuck if a parent is still there to unassign,
    # and at a dead end if not. Forgetting the parent's count once merged the
    # two, and the reduced exploration saw only the dead end.
    process = fixture("held_suspension")
    reduced = _explore(process, depth=None, max_states=100_000, reduce=True)
    full = _explore(process, depth=None, max_states=100_000, reduce=False)

    assert summary(reduced) == summary(full)
    assert [f.phase for f in reduced.dead_ends] == ["on_hold"]
    assert [f.phase for f in reduced.stuck] == ["on_hold"]
    trace = reduced.stuck[0].trace
    assert texts(trace) == [
        "[intake] worker opens the case",
        "[intake] worker assigns coordinator",
        "[intake] worker assigns parent",
        "[intake] worker takes suspend -> on_hold",
        "[on_hold] worker unassigns a coordinator",
    ]
    # On the engine: the case is on hold with nobody able to resume it, yet
    # the worker can still unassign the parent (the replay refuses a step
    # the engine refuses), and after that nothing is left to do.
    replay = Replay(process)
    replay.run(trace)
    assert replay.case.outcome is None
    assert replay.case.phase.id == "on_hold"
    for person in replay.case.participants:
        options = replay.machine.engine.available_actions(replay.case.id, person)
        assert not any(o.allowed for o in options), person
    replay = Replay(process)
    replay.run([*trace, Step("unassign", "worker", "parent", "on_hold")])
    assert not replay.case.roles.get("parent")


def test_the_last_holders_a_role_needs_are_not_unassigned() -> None:
    # The coordinator (min 1, assignable only in intake) is needed on hold;
    # the engine lets the worker unassign one there only while another stays.
    # Counting "one" and "more than one" alike once made the explorer offer
    # unassigning the only coordinator, a step the engine refuses.
    process = fixture("held_minimum")
    reduced = _explore(process, depth=None, max_states=100_000, reduce=True)
    full = _explore(process, depth=None, max_states=100_000, reduce=False)

    assert summary(reduced) == summary(full)
    assert reduced.dead_ends == reduced.stuck == ()
    (violation,) = reduced.violations
    assert texts(violation.trace) == [
        "[intake] worker opens the case",
        "[intake] worker assigns coordinator",
        "[intake] worker assigns coordinator",
        "[intake] worker takes suspend -> on_hold",
        "[on_hold] worker unassigns a coordinator",
    ]
    replay = Replay(process)
    replay.run(violation.trace)
    assert len(replay.case.roles["coordinator"]) == 1
    # With one coordinator, the same step is refused: the shorter trace the
    # explorer once reported does not replay.
    one_coordinator = [step for i, step in enumerate(violation.trace) if i != 2]
    with pytest.raises(AssertionError, match="needs at least 1 person"):
        Replay(process).run(one_coordinator)


@given(process_definitions(invariants=True))
def test_every_trace_is_a_path_from_opening(process: Process) -> None:
    report = explore(process, max_states=50_000)

    traces = [
        *report.outcomes.values(),
        *(f.trace for f in (*report.dead_ends, *report.stuck)),
        *(v.trace for v in report.violations),
    ]
    for trace in traces:
        assert trace[0].kind == "open"
        assert all(step.kind != "open" for step in trace[1:])
        # Each step is taken where the one before it left the case.
        for before, after in itertools.pairwise(trace):
            if before.kind == "act" and before.to:
                assert after.phase == before.to
            else:
                assert after.phase == before.phase
    for code, trace in report.outcomes.items():
        final = trace[-1]
        assert final.kind == "act"
        outcome = process.phase_info(final.to)
        assert outcome is not None
        assert outcome.phase.outcome == code
