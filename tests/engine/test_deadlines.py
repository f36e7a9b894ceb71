"""Deadlines: every unit against hand-counted Czech dates, anchors, statuses and breaches.

Prague is UTC+2 until 01:00 UTC on Sunday 25 October 2026 and UTC+1 after;
the end of a local day is 21:59:59.999999 UTC in summer, 22:59:59.999999 in
winter. Czech public holidays used here: Good Friday 3 April and Easter
Monday 6 April 2026, 28 October, 17 November, 24-26 December.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from kwflow import DeadlineStatus
from kwflow.exceptions import ActionNotAllowed
from kwflow.history import EventType
from tests.support.runtime import FAR_FUTURE, Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from kwflow import Case, Engine, SimulatedClock

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
BOSS, CLERK = "bo", "cy"
PENDING = DeadlineStatus.PENDING


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def start(engine: Engine, clock: SimulatedClock, at: datetime, **request: Any) -> Case:
    """A clock case with its clerk, and a request submitted at ``at``."""
    clock.set(at)
    engine.open_case("clock", by=BOSS, case_id="k")
    engine.assign("k", CLERK, "clerk", by=BOSS)
    return engine.submit("k", "request", request, by=BOSS)


def test_calendar_periods_roll_to_working_days(clocked: Engine, clock: SimulatedClock) -> None:
    # Received on Saturday 17 October 2026.
    case = start(clocked, clock, utc("2026-10-17T08:00"), received=date(2026, 10, 17))
    reply = case.deadlines["reply"]
    assert reply.status is PENDING
    assert reply.anchor_key == "2026-10-17"
    assert reply.anchor_at == utc("2026-10-16T22:00")  # local midnight
    # +10 days = Tue 27 Oct, a working day, ends in winter time
    assert reply.target == utc("2026-10-27T22:59:59.999999")
    # +3 weeks = Sat 7 Nov -> Mon 9 Nov
    assert reply.limit == utc("2026-11-09T22:59:59.999999")
    assert reply.due == reply.limit
    # +1 month = Tue 17 Nov, a holiday -> Wed 18 Nov; not rolled: the 17th
    assert case.deadlines["month"].limit == utc("2026-11-18T22:59:59.999999")
    assert case.deadlines["month"].target is None
    assert case.deadlines["plain_month"].target == utc("2026-11-17T22:59:59.999999")
    assert case.deadlines["plain_month"].due == case.deadlines["plain_month"].target
    check_case(clocked, case)


def test_ten_days_onto_a_holiday(clocked: Engine, clock: SimulatedClock) -> None:
    # Received Sunday 18 October: +10 days = Wed 28 October, a holiday -> Thu 29th.
    case = start(clocked, clock, utc("2026-10-18T08:00"), received="2026-10-18")
    assert case.deadlines["reply"].target == utc("2026-10-29T22:59:59.999999")


def test_working_days_before_a_date_over_easter(clocked: Engine, clock: SimulatedClock) -> None:
    # Two working days before Tue 7 April 2026: Mon 6 and Fri 3 are holidays,
    # so Thu 2 and Wed 1: the end of Wednesday 1 April, summer time.
    case = start(
        clocked, clock, utc("2026-03-30T08:00"), received="2026-03-30", due_on="2026-04-07"
    )
    prepared = case.deadlines["prepared"]
    assert prepared.limit == utc("2026-04-01T21:59:59.999999")
    assert prepared.anchor_key == "2026-04-07"


@pytest.mark.parametrize(
    ("ended", "due"),
    [
        # domain.md: a meeting on Tue 27 Oct 2026 has its minutes due by the end of Wed 4 Nov.
        ("2026-10-27T10:00", "2026-11-04T22:59:59.999999"),
        # Easter: Thu 2 (1), Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 April (5).
        ("2026-04-01T08:00", "2026-04-10T21:59:59.999999"),
        # Christmas: Tue 22, Wed 23, Mon 28, Tue 29, Wed 30 December.
        ("2026-12-21T09:00", "2026-12-30T22:59:59.999999"),
        # 23:30 on Friday 6 Nov, Prague time: counted from Friday
        ("2026-11-06T22:30", "2026-11-13T22:59:59.999999"),
        # 00:30 on Saturday 7 Nov, Prague time, though still Friday in UTC:
        # the local date counts, and Saturday is no working day either
        ("2026-11-06T23:30", "2026-11-13T22:59:59.999999"),
        # 00:30 on Monday 9 Nov, Prague time (Sunday in UTC): counted from Monday
        ("2026-11-08T23:30", "2026-11-16T22:59:59.999999"),
    ],
)
def test_working_days_after_an_action(
    clocked: Engine, clock: SimulatedClock, ended: str, due: str
) -> None:
    start(clocked, clock, utc(ended) - timedelta(hours=1), received="2026-01-01")
    clocked.act("k", "schedule", by=BOSS)
    clock.set(utc(ended))
    case = clocked.act("k", "end", by=BOSS)
    minutes = case.deadlines["minutes_due"]
    assert minutes.status is PENDING
    assert minutes.anchor_at == utc(ended)
    assert minutes.anchor_key == f"#{case.version}"
    assert minutes.limit == utc(due)
    assert minutes.responsible == "clerk"
    check_case(clocked, case)


@pytest.mark.parametrize(
    ("scheduled", "wall_hours"),
    [
        # clocks go back at 03:00 CEST on 25 Oct 2026: 2 real hours look like 1 on the wall
        ("2026-10-25T00:30", 1),
        # clocks go forward at 02:00 CET on 29 Mar 2026: 2 real hours look like 3
        ("2026-03-29T00:30", 3),
        ("2026-06-01T08:00", 2),
    ],
)
def test_hours_are_elapsed_time_across_a_dst_change(
    clocked: Engine, clock: SimulatedClock, scheduled: str, wall_hours: int
) -> None:
    start(clocked, clock, utc(scheduled), received="2026-01-01")
    case = clocked.act("k", "schedule", by=BOSS)
    length = case.deadlines["length"]
    assert length.limit == utc(scheduled) + timedelta(hours=2)
    start_wall = utc(scheduled).astimezone(PRAGUE).replace(tzinfo=None)
    assert length.limit is not None
    end_wall = length.limit.astimezone(PRAGUE).replace(tzinfo=None)
    assert end_wall - start_wall == timedelta(hours=wall_hours)


def test_minutes_before_a_datetime_field(clocked: Engine, clock: SimulatedClock) -> None:
    meeting = datetime(2026, 10, 27, 9, 0, tzinfo=PRAGUE)  # 08:00 UTC
    case = start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20", meeting_at=meeting)
    # the deadline runs in the meeting phase only: not started yet
    assert case.deadlines["early"].status is DeadlineStatus.NOT_STARTED
    case = clocked.act("k", "schedule", by=BOSS)
    early = case.deadlines["early"]
    assert early.status is PENDING
    assert early.anchor_key == "2026-10-27T08:00:00+00:00"
    assert early.limit == utc("2026-10-27T07:30")
    clock.set(utc("2026-10-27T07:20"))
    case = clocked.act("k", "arrive", by=CLERK)
    assert case.deadlines["early"].status is DeadlineStatus.MET_ON_TIME
    assert case.deadlines["early"].met_at == clock.now()
    check_case(clocked, case)


def test_met_exactly_at_the_limit_is_on_time(clocked: Engine, clock: SimulatedClock) -> None:
    meeting = utc("2026-10-27T08:00")
    start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20", meeting_at=meeting)
    clocked.act("k", "schedule", by=BOSS)
    clock.set(utc("2026-10-27T07:30"))
    case = clocked.act("k", "arrive", by=CLERK)
    assert case.deadlines["early"].status is DeadlineStatus.MET_ON_TIME
    assert [e.type for e in clocked.history_unfiltered("k")][-1] == EventType.ACTION_TAKEN


def test_a_late_action_is_allowed_the_breach_recorded_first(
    clocked: Engine, clock: SimulatedClock
) -> None:
    meeting = utc("2026-10-27T08:00")
    start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20", meeting_at=meeting)
    clock.set(utc("2026-10-27T06:00"))  # the meeting's two hours run out at 08:00
    before = clocked.act("k", "schedule", by=BOSS)
    clock.set(utc("2026-10-27T07:45"))
    case = clocked.act("k", "arrive", by=CLERK)
    early = case.deadlines["early"]
    assert early.status is DeadlineStatus.MET_LATE
    assert early.breached_at == clock.now()
    assert early.met_at == clock.now()
    new = clocked.history_unfiltered("k")[before.version :]
    assert [e.type for e in new] == ["deadline_breached", "action_taken"]
    assert new[0].actor == "kwflow"
    assert new[0].payload == {"deadline": "early", "due": "2026-10-27T07:30:00+00:00"}
    assert case.version == before.version + 2
    check_case(clocked, case)


def test_target_only_met_late(clocked: Engine, clock: SimulatedClock) -> None:
    start(clocked, clock, utc("2026-10-17T08:00"), received="2026-10-17")
    clock.set(utc("2026-11-18T08:00"))  # after 17 Nov (plain_month), before 18 Nov (month)
    case = clocked.act("k", "schedule", by=BOSS)
    assert case.deadlines["plain_month"].status is DeadlineStatus.MET_LATE
    assert case.deadlines["plain_month"].breached_at is not None
    assert case.deadlines["month"].status is DeadlineStatus.MET_ON_TIME
    # after the reply's limit (9 Nov): late
    assert case.deadlines["reply"].status is DeadlineStatus.MET_LATE
    check_case(clocked, case)


def test_between_target_and_limit_is_on_time(clocked: Engine, clock: SimulatedClock) -> None:
    start(clocked, clock, utc("2026-10-17T08:00"), received="2026-10-17")
    clock.set(utc("2026-11-02T08:00"))  # after the 27 Oct target, before the 9 Nov limit
    case = clocked.act("k", "schedule", by=BOSS)
    reply = case.deadlines["reply"]
    assert reply.status is DeadlineStatus.MET_ON_TIME
    assert reply.breached_at is None


def test_re_anchoring_and_clearing_a_field(clocked: Engine, clock: SimulatedClock) -> None:
    first = utc("2026-10-27T08:00")
    start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20", meeting_at=first)
    clocked.act("k", "schedule", by=BOSS)
    # same value, another field changed: the deadline stays as it was
    case = clocked.submit("k", "request", {"received": "2026-10-21", "meeting_at": first}, by=BOSS)
    assert case.deadlines["early"].limit == utc("2026-10-27T07:30")
    assert "deadlines" not in clocked.history_unfiltered("k")[-1].payload or all(
        change["id"] != "early"
        for change in clocked.history_unfiltered("k")[-1].payload["deadlines"]
    )
    # moved meeting: re-anchored while pending
    case = clocked.submit(
        "k", "request", {"received": "2026-10-21", "meeting_at": utc("2026-10-28T08:00")}, by=BOSS
    )
    assert case.deadlines["early"].status is PENDING
    assert case.deadlines["early"].limit == utc("2026-10-28T07:30")
    assert clocked.due(FAR_FUTURE)[-1].due_at >= utc("2026-10-28T07:30")
    # cleared: nothing to count from, cancelled
    case = clocked.submit("k", "request", {"received": "2026-10-21"}, by=BOSS)
    assert case.deadlines["early"].status is DeadlineStatus.CANCELLED
    check_case(clocked, case)


def test_leaving_the_phases_cancels_and_coming_back_restarts(
    clocked: Engine, clock: SimulatedClock
) -> None:
    meeting = utc("2026-10-27T08:00")
    start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20", meeting_at=meeting)
    case = clocked.act("k", "schedule", by=BOSS)
    first_length = case.deadlines["length"]
    assert first_length.status is PENDING
    clock.advance(minutes=10)
    case = clocked.act("k", "reopen", by=BOSS)
    assert case.deadlines["length"].status is DeadlineStatus.CANCELLED
    assert case.deadlines["early"].status is DeadlineStatus.CANCELLED
    assert case.deadlines["length"].cancelled_at == clock.now()
    # reply and month were met by schedule and stay met on re-entering `open`
    assert case.deadlines["reply"].status is DeadlineStatus.MET_ON_TIME
    clock.advance(minutes=10)
    case = clocked.act("k", "schedule", by=BOSS)
    # a new anchor (the action again) restarts; a cancelled one restarts on re-entry
    assert case.deadlines["length"].status is PENDING
    assert case.deadlines["length"].anchor_at == clock.now()
    assert case.deadlines["early"].status is PENDING
    assert case.deadlines["early"].limit == utc("2026-10-27T07:30")
    check_case(clocked, case)


def test_an_outcome_cancels_running_deadlines(clocked: Engine, clock: SimulatedClock) -> None:
    start(clocked, clock, utc("2026-10-20T08:00"), received="2026-10-20")
    case = clocked.act("k", "abandon", by=BOSS)
    assert case.outcome == "abandoned"
    statuses = {d.id: d.status for d in case.deadlines.values()}
    assert statuses["reply"] is DeadlineStatus.CANCELLED
    assert statuses["minutes_due"] is DeadlineStatus.NOT_STARTED
    assert clocked.due(FAR_FUTURE) == []
    check_case(clocked, case)


def test_record_breaches_and_the_due_index(clocked: Engine, clock: SimulatedClock) -> None:
    start(clocked, clock, utc("2026-10-17T08:00"), received="2026-10-17")
    due = clocked.due(FAR_FUTURE)
    # earliest first: the reply's limit (9 Nov), plain month's target (17 Nov), the month (18 Nov)
    assert [(e.case_id, e.deadline_id) for e in due] == [
        ("k", "reply"),
        ("k", "plain_month"),
        ("k", "month"),
    ]
    assert clocked.due(utc("2026-11-10T00:00"))[-1].deadline_id == "reply"
    assert clocked.record_breaches() == []
    clock.set(utc("2026-11-17T23:30"))  # after plain_month (17th ends 22:59:59 UTC)
    overdue = [d.id for d in clocked.deadlines("k") if d.overdue(clock.now())]
    assert overdue == ["reply", "plain_month"]
    with Unchanged(clocked, "k"), pytest.raises(ActionNotAllowed):
        clocked.act("k", "end", by=BOSS)  # refused: the breach waits, unrecorded
    recorded = clocked.record_breaches()
    assert [e.payload["deadline"] for e in recorded] == ["reply", "plain_month"]
    case = clocked.get_unfiltered("k")
    assert case.deadlines["reply"].status is DeadlineStatus.BREACHED
    assert case.deadlines["reply"].breached_at == clock.now()
    assert case.deadlines["month"].status is PENDING
    assert [e.deadline_id for e in clocked.due(FAR_FUTURE)] == ["month"]
    assert clocked.record_breaches() == []
    assert clocked.record_case_breaches("k") == ()
    check_case(clocked, case)
    # a breached deadline stays breached when its phases are left unmet
    case = clocked.act("k", "abandon", by=BOSS)
    assert case.deadlines["reply"].status is DeadlineStatus.BREACHED
    assert case.deadlines["month"].status is DeadlineStatus.CANCELLED


def test_record_breaches_at_a_given_time_across_cases(
    clocked: Engine, clock: SimulatedClock
) -> None:
    for case_id, received in (("a", "2026-10-17"), ("b", "2026-10-01")):
        clocked.open_case("clock", by=BOSS, case_id=case_id)
        clocked.submit(case_id, "request", {"received": received}, by=BOSS)
    recorded = clocked.record_breaches(utc("2026-10-28T00:00"))
    assert [(e.case_id, e.payload["deadline"]) for e in recorded] == [("b", "reply")]
    assert recorded[0].at == utc("2026-10-28T00:00")
    recorded = clocked.record_breaches(FAR_FUTURE, limit=1)
    assert len({e.case_id for e in recorded}) == 1


def test_working_days_never_land_on_a_day_off(clocked: Engine, clock: SimulatedClock) -> None:
    from kwflow.calendars import get_calendar

    calendar = get_calendar("cz")
    moment = utc("2026-12-18T09:00")
    seen = []
    for index in range(12):
        engine = make_engine("clock", clock=clock)
        clock.set(moment + timedelta(days=index))
        engine.open_case("clock", by=BOSS, case_id="w")
        engine.assign("w", CLERK, "clerk", by=BOSS)
        engine.submit("w", "request", {"received": "2026-12-01"}, by=BOSS)
        engine.act("w", "schedule", by=BOSS)
        limit = engine.act("w", "end", by=BOSS).deadlines["minutes_due"].limit
        assert limit is not None
        day = limit.astimezone(PRAGUE).date()
        assert calendar.is_working_day(day)
        seen.append(day)
    assert seen == sorted(seen)
