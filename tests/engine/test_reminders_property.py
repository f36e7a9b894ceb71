"""Across a simulated month with Czech holidays, a host drains exactly the declared reminders.

The expected reminders are computed here, independently of the engine:
the public holidays are written out from the law (Act 245/2000) for 2026
and 2027, and working days are stepped one by one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kwflow import SimulatedClock
from tests.support.runtime import make_engine

PRAGUE = ZoneInfo("Europe/Prague")

HOLIDAYS = {
    date(year, month, day)
    for year in (2026, 2027)
    for month, day in (
        (1, 1), (5, 1), (5, 8), (7, 5), (7, 6), (9, 28), (10, 28), (11, 17),
        (12, 24), (12, 25), (12, 26),
    )
} | {
    # Good Friday and Easter Monday.
    date(2026, 4, 3), date(2026, 4, 6), date(2027, 3, 26), date(2027, 3, 29),
}  # fmt: skip


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_working_days(day: date, n: int) -> date:
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        day += timedelta(days=step)
        while not working(day):
            day += timedelta(days=step)
    return day


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PRAGUE)


def declared(consent: datetime) -> dict[str, tuple[datetime, tuple[str, ...]]]:
    """The fixture's reminders (tests/engine/fixtures/reminders.yaml), counted by hand."""
    start = consent.astimezone(PRAGUE).date()
    target = add_working_days(start, 15)
    limit = add_working_days(start, 20)
    after = limit + timedelta(days=1)
    return {
        "reminder-0": (midnight(add_working_days(target, -3)), ("koord",)),
        "reminder-1": (midnight(limit), ("koord", "jana")),
        "reminder-2": (midnight(after), ("koord",)),
        "reminder-2.2": (midnight(after + timedelta(days=7)), ("koord",)),
        "reminder-2.3": (midnight(after + timedelta(days=14)), ("koord",)),
        "escalation": (midnight(add_working_days(limit, 2)), ("jana",)),
    }


LEASE = timedelta(minutes=1)


@given(
    first_day=st.dates(date(2026, 11, 1), date(2027, 1, 31)),
    hour=st.integers(7, 18),
    convene_after=st.none() | st.integers(1, 40),
    drains=st.lists(
        st.tuples(st.integers(0, 31 * 24 - 1), st.integers(1, 3), st.booleans()), max_size=25
    ),
)
def test_a_host_drains_exactly_the_declared_reminders_once(
    first_day: date,
    hour: int,
    convene_after: int | None,
    drains: list[tuple[int, int, bool]],
) -> None:
    consent = datetime.combine(first_day, time(hour), tzinfo=PRAGUE)
    end = consent + timedelta(days=31)
    convene = None if convene_after is None else consent + timedelta(days=convene_after, hours=1)
    clock = SimulatedClock(consent)
    engine = make_engine("reminders", clock=clock)
    engine.open_case("reminders", by="jana", case_id="s1")
    engine.assign("s1", "rodic", "family_member", by="jana")
    engine.assign("s1", "koord", "coordinator", by="jana")
    engine.act("s1", "consent", by="rodic")
    delivered: list[tuple[str, datetime, tuple[str, ...]]] = []

    def drain(now: datetime, limit: int = 100, *, crash: bool = False) -> None:
        while True:
            claimed = engine.claim_notifications(now, limit=limit, lease=LEASE, worker="host")
            for notification in claimed:
                if crash:
                    continue  # the sender died: no ack, the lease will run out
                assert engine.ack_notification(notification.key, now=now)
                key = notification.key.rsplit("/", 1)[1]
                delivered.append((key, notification.due_at, notification.people))
            if crash or not claimed:
                return

    # The host's rounds: hours into the month, at most `limit` each, some dying mid-send.
    rounds = sorted(consent + timedelta(hours=h, seconds=1) for h, _, _ in drains)
    steps = {at: (limit, crash) for at, (_, limit, crash) in zip(rounds, drains, strict=True)}
    for at in rounds:
        if convene is not None and at >= convene:
            break
        limit, crash = steps[at]
        drain(at, limit, crash=crash)
    stop = end
    if convene is not None and convene < end:
        # The round just before the conference is held sends what is due by then.
        drain(convene)
        clock.set(convene)
        engine.act("s1", "convene", by="koord")
        stop = convene
    drain(end + LEASE)
    expected = {(key, at, people) for key, (at, people) in declared(consent).items() if at <= stop}
    assert len(delivered) == len(set(delivered))
    assert {(k, at.astimezone(PRAGUE), p) for k, at, p in delivered} == expected
