"""Working-day arithmetic agrees with a naive day-by-day count, for any date and step.

The reference below steps one date at a time and asks the ``holidays``
package directly, as kwflow did before it had tables: slow, but obviously
right. The table must give the same answers (domain.md invariant 11: never
on a weekend or holiday, strictly growing with n).
"""

from __future__ import annotations

import functools
import threading
from datetime import date, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from kwflow.calendars import WorkingDayCalendar, get_calendar, public_holidays

CZ = get_calendar("cz")
ONE_DAY = timedelta(days=1)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
steps = st.integers(min_value=-400, max_value=400).filter(bool)


@functools.cache
def czech_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("CZ", years=year))


def reference_is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in czech_holidays(day.year)


def reference_add(day: date, n: int) -> date:
    step = ONE_DAY if n > 0 else -ONE_DAY
    left = abs(n)
    while left:
        day += step
        if reference_is_working_day(day):
            left -= 1
    return day


@given(days)
def test_is_working_day_agrees_with_the_reference(day: date) -> None:
    assert CZ.is_working_day(day) == reference_is_working_day(day)


@given(days, steps)
def test_add_working_days_agrees_with_the_reference(day: date, n: int) -> None:
    assert CZ.add_working_days(day, n) == reference_add(day, n)


@given(days, steps)
def test_never_lands_on_a_weekend_or_holiday(day: date, n: int) -> None:
    result = CZ.add_working_days(day, n)
    assert result.weekday() < 5
    assert result not in czech_holidays(result.year)


@given(days, steps, steps)
def test_grows_strictly_with_n(day: date, n: int, m: int) -> None:
    if n == m:
        return
    low, high = sorted((n, m))
    assert CZ.add_working_days(day, low) < CZ.add_working_days(day, high)


@given(days, steps)
def test_the_start_day_is_never_counted(day: date, n: int) -> None:
    result = CZ.add_working_days(day, n)
    assert (result > day) if n > 0 else (result < day)
    assert CZ.working_days_between(day, result) == n


@given(days, days)
def test_working_days_between_round_trips(start: date, end: date) -> None:
    counted = CZ.working_days_between(start, end)
    if counted and CZ.is_working_day(end):
        assert CZ.add_working_days(start, counted) == end
    # Counting from either end takes in the far end and leaves out the
    # near one, so the two counts cancel except for the two ends themselves.
    direction = (end > start) - (end < start)
    ends = CZ.is_working_day(end) - CZ.is_working_day(start)
    assert counted + CZ.working_days_between(end, start) == direction * ends


@given(days)
def test_next_and_previous_are_one_step(day: date) -> None:
    following = CZ.next_working_day(day)
    preceding = CZ.previous_working_day(day)
    assert following == reference_add(day, 1)
    assert preceding == reference_add(day, -1)
    assert preceding < day < following


@given(days, st.integers(min_value=1, max_value=30_000), st.sampled_from([1, -1]))
def test_long_steps_on_a_fresh_calendar(day: date, n: int, sign: int) -> None:
    # A fresh calendar has no table yet: the step grows one from scratch,
    # possibly by many years at once.
    fresh = WorkingDayCalendar("fresh", public_holidays("CZ"))
    assert fresh.add_working_days(day, sign * n) == reference_add(day, sign * n)


@given(
    weekend=st.frozensets(st.integers(min_value=0, max_value=6), max_size=6),
    closed=st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))),
    opened=st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=-300, max_value=300).filter(bool),
)
def test_any_weekend_and_extra_days_agree_with_the_reference(
    weekend: frozenset[int], closed: frozenset[date], opened: frozenset[date], day: date, n: int
) -> None:
    closed -= opened

    def working(d: date) -> bool:
        if d in opened:
            return True
        return d.weekday() not in weekend and d not in closed and d not in czech_holidays(d.year)

    calendar = WorkingDayCalendar(
        "custom",
        public_holidays("CZ"),
        weekend=weekend,
        extra_closed_days=closed,
        extra_open_days=opened,
    )
    expected, left, step = day, abs(n), ONE_DAY if n > 0 else -ONE_DAY
    while left:
        expected += step
        left -= working(expected)
    assert calendar.add_working_days(day, n) == expected
    assert calendar.is_working_day(day) == working(day)


def test_threads_building_a_calendar_together_agree() -> None:
    # Eight threads ask a fresh calendar about different centuries at once,
    # so its table grows under contention; every answer must still be right.
    calendar = WorkingDayCalendar("shared", public_holidays("CZ"))
    starts = [date(1900 + 37 * i, 3, 1) for i in range(8)]
    results: dict[date, list[date]] = {}
    barrier = threading.Barrier(len(starts))

    def ask(start: date) -> None:
        barrier.wait()
        results[start] = [calendar.add_working_days(start, n) for n in range(-300, 301, 7)]

    threads = [threading.Thread(target=ask, args=(start,)) for start in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for start in starts:
        assert results[start] == [reference_add(start, n) for n in range(-300, 301, 7)]
