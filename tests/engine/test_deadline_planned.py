"""A deadline's ``planned`` field: a plan beyond the limit or target shows at once.

The deadline here runs from opening the case to holding a visit, target
two weeks, limit four; the visit's planned date is a ``date`` field, which
counts from the start of that day in Prague (as a date anchor does).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kwflow import Case, DeadlineStatus, Engine, Registry, SimulatedClock
from kwflow.definition import load_process_text
from kwflow.store import MemoryStore
from tests.support.outcomes import local
from tests.support.runtime import check_case

PROCESS = """\
id: visit
version: 1
title: {cs: Návštěva, en: Visit}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: professional, max: 1}
artifacts:
  - id: plan
    label: {cs: Plán návštěvy, en: Visit plan}
    write: [worker]
    fields:
      - {id: visit_on, label: {cs: Den návštěvy, en: Visit day}, type: date, required: false}
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true}
  - {id: visited, label: {cs: Navštíveno, en: Visited}, outcome: visited}
actions:
  - id: start
    label: {cs: Začít, en: Start}
    from: [open]
    by: [worker]
  - id: visit
    label: {cs: Navštívit, en: Visit}
    from: [open]
    to: visited
    by: [worker]
deadlines:
  - id: visit_in_time
    label: {cs: Návštěva včas, en: Visit in time}
    anchor: {action: start}
    target: {weeks: 2}
    limit: {weeks: 4}
    satisfied_by: [visit]
    planned: {artifact: plan, field: visit_on}
    responsible: worker
    breach: {cs: Porušení, en: Breach}
"""

PROCESS_BEFORE_PLANNED = PROCESS.replace("    planned: {artifact: plan, field: visit_on}\n", "")

OPENED = local(2026, 10, 5)  # Monday


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(OPENED)


@pytest.fixture
def engine(clock: SimulatedClock) -> Engine:
    registry = Registry()
    registry.add(load_process_text(PROCESS))
    return Engine(registry, store=MemoryStore(), clock=clock)


def planned(engine: Engine) -> tuple[object, str | None]:
    state = engine.get_unfiltered("v").deadlines["visit_in_time"]
    return state.planned_at, state.planned_late


@pytest.mark.parametrize(
    ("visit_on", "late"),
    [
        (date(2026, 10, 19), None),  # the target's day
        (date(2026, 10, 20), "target"),
        (date(2026, 11, 2), "target"),  # the limit's day
        (date(2026, 11, 3), "limit"),
    ],
)
def test_the_planned_day_is_compared_with_target_and_limit(
    engine: Engine, visit_on: date, late: str | None
) -> None:
    engine.open_case("visit", by="ana", case_id="v")
    engine.act("v", "start", by="ana")
    engine.submit("v", "plan", {"visit_on": visit_on}, by="ana")
    at, shown = planned(engine)
    assert at == local(visit_on.year, visit_on.month, visit_on.day, 0)
    assert shown == late
    check_case(engine, engine.get_unfiltered("v"))


def test_a_plan_written_before_the_deadline_starts_is_taken_when_it_starts(
    engine: Engine,
) -> None:
    engine.open_case("visit", by="ana", case_id="v")
    engine.submit("v", "plan", {"visit_on": date(2026, 12, 1)}, by="ana")
    assert planned(engine) == (None, None)  # not running yet
    engine.act("v", "start", by="ana")
    assert planned(engine) == (local(2026, 12, 1, 0), "limit")


def test_clearing_the_plan_clears_the_flag_and_meeting_the_deadline_ends_it(
    engine: Engine, clock: SimulatedClock
) -> None:
    engine.open_case("visit", by="ana", case_id="v")
    engine.act("v", "start", by="ana")
    engine.submit("v", "plan", {"visit_on": date(2026, 12, 1)}, by="ana")
    engine.submit("v", "plan", {}, by="ana")
    assert planned(engine) == (None, None)
    engine.submit("v", "plan", {"visit_on": date(2026, 12, 1)}, by="ana")
    clock.advance(days=1)
    engine.act("v", "visit", by="ana")
    state = engine.get_unfiltered("v").deadlines["visit_in_time"]
    assert state.status is DeadlineStatus.MET_ON_TIME
    # Met: the real moment counts, no longer the plan.
    assert state.planned_late is None
    assert state.planned_at == local(2026, 12, 1, 0)


def test_the_plan_survives_replay_and_the_json_form(engine: Engine) -> None:
    engine.open_case("visit", by="ana", case_id="v")
    engine.act("v", "start", by="ana")
    engine.submit("v", "plan", {"visit_on": date(2026, 11, 3)}, by="ana")
    case = engine.get_unfiltered("v")
    data = case.to_dict()
    assert data["deadlines"]["visit_in_time"]["planned_late"] == "limit"
    assert data["deadlines"]["visit_in_time"]["planned_at"].startswith("2026-11-02T23:00")
    assert Case.from_dict(data) == case
    # A case written before deadlines had a planned moment reads back without one.
    del data["deadlines"]["visit_in_time"]["planned_at"]
    assert Case.from_dict(data).deadlines["visit_in_time"].planned_at is None
    check_case(engine, case)


def test_the_inbox_shows_a_late_plan_however_far_away_it_is_due(engine: Engine) -> None:
    engine.open_case("visit", by="ana", case_id="v")
    engine.act("v", "start", by="ana")
    assert engine.inbox("ana", within=timedelta(days=1))[0].deadlines == ()
    engine.submit("v", "plan", {"visit_on": date(2026, 11, 3)}, by="ana")
    [deadline] = engine.inbox("ana", within=timedelta(days=1))[0].deadlines
    assert deadline.planned_late == "limit"
    shown = deadline.to_dict()
    assert datetime.fromisoformat(shown["planned_at"]) == local(2026, 11, 3, 0)
    assert shown["planned_late"] == "limit"


def test_a_process_without_planned_hashes_as_before() -> None:
    with_planned = load_process_text(PROCESS)
    without = load_process_text(PROCESS_BEFORE_PLANNED)
    assert with_planned.content_hash != without.content_hash
    # Unset, the key is left out of the hashed form (the language's _ADDED_LATER):
    # tests/processes/test_shipped_versions.py pins the hashes of version 1.
