"""When deadlines fall due: the rules of docs/concepts.md "Deadline", checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.calendars import due_at, end_of_day, get_calendar, local_time
from kwflow.definition import Period
from kwflow.exceptions import InvalidValue, NaiveDatetime, WrongType

CZ = get_calendar("cz")
PRAGUE = ZoneInfo("Europe/Prague")
LAST_MICROSECOND = time(23, 59, 59, 999_999)


def prague(text: str) -> datetime:
    """A Prague wall-clock time, ``"2026-10-27 14:00"``."""
    return datetime.fromisoformat(text).replace(tzinfo=PRAGUE)


def due(
    anchor: datetime | date,
    period: Period,
    *,
    direction: Literal["after", "before"] = "after",
    roll: bool = False,
    timezone: str = "Europe/Prague",
) -> datetime:
    result = due_at(
        anchor,
        period,
        direction=direction,
        timezone=timezone,
        calendar=CZ,
        roll_to_working_day=roll,
    )
    assert type(result) is datetime
    assert result.tzinfo is UTC
    return result


def utc(text: str) -> datetime:
    """A UTC time, ``"2026-11-04 22:59:59.999999"``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def end_of_prague_day(year: int, month: int, day: int) -> datetime:
    """The last microsecond of a Prague day, in UTC, written out by hand."""
    last = datetime.combine(date(year, month, day), LAST_MICROSECOND, tzinfo=PRAGUE)
    return last.astimezone(UTC)


# ------------------------------------------------------------------ working days


def test_the_domain_example() -> None:
    # A case conference on Tue 27 October 2026 at 14:00; the minutes are due
    # by the end of the 5th working day after it, Wed 4 November (28 October
    # is a holiday). Winter time has begun: 23:59:59.999999 CET is 22:59 UTC.
    result = due(prague("2026-10-27 14:00"), Period(working_days=5))
    assert result == utc("2026-11-04 22:59:59.999999")
    assert local_time(result, "Europe/Prague") == prague("2026-11-04 23:59:59.999999")


def test_working_days_count_from_the_local_date_not_the_utc_one() -> None:
    # 23:30 UTC on Monday 2 November is 00:30 on Tuesday 3 November in Prague.
    anchor = utc("2026-11-02 23:30")
    assert due(anchor, Period(working_days=1)) == end_of_prague_day(2026, 11, 4)


def test_working_days_from_a_date_anchor() -> None:
    assert due(date(2026, 10, 27), Period(working_days=5)) == end_of_prague_day(2026, 11, 4)


def test_working_days_over_christmas_and_new_year() -> None:
    anchor = prague("2026-12-23 09:00")
    assert due(anchor, Period(working_days=1)) == end_of_prague_day(2026, 12, 28)
    assert due(anchor, Period(working_days=5)) == end_of_prague_day(2027, 1, 4)


def test_working_days_over_easter() -> None:
    assert due(prague("2027-03-25 16:00"), Period(working_days=1)) == end_of_prague_day(2027, 3, 30)


def test_working_days_before_an_anchor() -> None:
    # Invitations at least 5 working days before a meeting on Tue 10 November
    # 2026: Mon 9, Fri 6, Thu 5, Wed 4, Tue 3.
    meeting = prague("2026-11-10 10:00")
    assert due(meeting, Period(working_days=5), direction="before") == end_of_prague_day(
        2026, 11, 3
    )


@pytest.mark.parametrize(
    ("anchor", "direction", "expected"),
    [
        (date(2026, 10, 27), "after", date(2026, 10, 27)),  # a working day: that day
        (date(2026, 10, 28), "after", date(2026, 10, 29)),  # a holiday: the next one
        (date(2026, 10, 28), "before", date(2026, 10, 27)),  # ... or the previous one
    ],
)
def test_zero_working_days(
    anchor: date, direction: Literal["after", "before"], expected: date
) -> None:
    result = due(anchor, Period(working_days=0), direction=direction)
    assert result == end_of_prague_day(expected.year, expected.month, expected.day)


# -------------------------------------------------------------------- elapsed time


def test_two_hours_across_the_spring_change_are_two_real_hours() -> None:
    # 29 March 2026: at 02:00 CET the clocks jump to 03:00 CEST.
    start = prague("2026-03-29 01:00")
    result = due(start, Period(hours=2))
    assert result == utc("2026-03-29 02:00")
    assert result - start == timedelta(hours=2)
    # The wall clock shows three hours passing.
    assert local_time(result, "Europe/Prague") == prague("2026-03-29 04:00")


def test_two_hours_across_the_autumn_change_are_two_real_hours() -> None:
    # 25 October 2026: at 03:00 CEST the clocks go back to 02:00 CET.
    start = datetime(2026, 10, 25, 1, 30, tzinfo=PRAGUE)  # still summer time
    assert start.utcoffset() == timedelta(hours=2)
    result = due(start, Period(hours=2))
    assert result == utc("2026-10-25 01:30")
    # The wall clock shows one hour passing.
    shown = local_time(result, "Europe/Prague")
    assert (shown.hour, shown.minute, shown.utcoffset()) == (2, 30, timedelta(hours=1))


def test_minutes_before_an_anchor() -> None:
    # The facilitator arrives at least 30 minutes before a 10:00 start.
    start = prague("2026-05-12 10:00")
    result = due(start, Period(minutes=30), direction="before")
    assert local_time(result, "Europe/Prague") == prague("2026-05-12 09:30")


def test_elapsed_time_ignores_roll_and_calendar() -> None:
    # Two hours from Saturday morning end on Saturday: elapsed time is not
    # calendar time, and rolling applies to calendar periods only.
    start = prague("2026-10-31 09:00")
    assert due(start, Period(hours=2), roll=True) == start + timedelta(hours=2)


# ------------------------------------------------------------------- calendar days


def test_one_day_across_the_spring_change_ends_at_local_midnight() -> None:
    result = due(prague("2026-03-28 10:00"), Period(days=1))
    shown = local_time(result, "Europe/Prague")
    assert shown.date() == date(2026, 3, 29)
    assert shown.time() == LAST_MICROSECOND
    assert shown.utcoffset() == timedelta(hours=2)
    assert result == utc("2026-03-29 21:59:59.999999")


def test_calendar_days_keep_the_wall_clock_across_daylight_saving() -> None:
    # The day of the spring change is 23 real hours long, that of the autumn
    # change 25: consecutive deadlines are a day apart on the wall clock.
    spring = end_of_day(date(2026, 3, 29), "Europe/Prague")
    autumn = end_of_day(date(2026, 10, 25), "Europe/Prague")
    assert spring - end_of_day(date(2026, 3, 28), "Europe/Prague") == timedelta(hours=23)
    assert autumn - end_of_day(date(2026, 10, 24), "Europe/Prague") == timedelta(hours=25)
    assert due(prague("2026-10-24 08:00"), Period(days=1)) == autumn


def test_days_without_roll_may_end_on_a_weekend() -> None:
    assert due(prague("2026-10-30 09:00"), Period(days=1)) == end_of_prague_day(2026, 10, 31)


def test_weeks_roll_forward_over_christmas() -> None:
    # Three weeks after Fri 4 December 2026 is Christmas Day.
    anchor = prague("2026-12-04 09:00")
    assert due(anchor, Period(weeks=3)) == end_of_prague_day(2026, 12, 25)
    assert due(anchor, Period(weeks=3), roll=True) == end_of_prague_day(2026, 12, 28)


def test_days_before_roll_back() -> None:
    # Two days before Mon 28 December 2026 is Saturday 26; the working day
    # before it is Wednesday 23.
    anchor = prague("2026-12-28 09:00")
    assert due(anchor, Period(days=2), direction="before") == end_of_prague_day(2026, 12, 26)
    assert due(anchor, Period(days=2), direction="before", roll=True) == end_of_prague_day(
        2026, 12, 23
    )


def test_a_working_last_day_does_not_roll() -> None:
    anchor = prague("2026-11-02 09:00")
    assert due(anchor, Period(days=2), roll=True) == end_of_prague_day(2026, 11, 4)


# -------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
    ],
)
def test_one_month_ends_on_the_same_day_or_the_last_of_the_month(
    anchor: date, expected: date
) -> None:
    assert due(anchor, Period(months=1)) == end_of_prague_day(
        expected.year, expected.month, expected.day
    )


def test_months_roll_forward_and_back() -> None:
    # 31 January 2026 + 1 month = Saturday 28 February -> Monday 2 March.
    assert due(date(2026, 1, 31), Period(months=1), roll=True) == end_of_prague_day(2026, 3, 2)
    # 31 March 2026 - 1 month = Saturday 28 February -> Friday 27 February.
    assert due(
        date(2026, 3, 31), Period(months=1), direction="before", roll=True
    ) == end_of_prague_day(2026, 2, 27)


def test_six_months_for_a_review() -> None:
    # A plan approved on 17 November 2026 is reviewed within 6 months: by the
    # end of Monday 17 May 2027 (a working day, summer time).
    result = due(prague("2026-11-17 15:00"), Period(months=6), roll=True)
    assert result == utc("2027-05-17 21:59:59.999999")


# --------------------------------------------------------------- other time zones


def test_the_local_date_is_the_process_timezones() -> None:
    # 02:00 UTC on 28 October is still 27 October in New York; five Czech
    # working days later is 4 November, which ends at 05:00 UTC (EST).
    anchor = utc("2026-10-28 02:00")
    result = due(anchor, Period(working_days=5), timezone="America/New_York")
    assert result == utc("2026-11-05 04:59:59.999999")


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # The clocks go back at midnight: the last hour of 4 April repeats,
        # and the day ends at the second 23:59:59.999999 (UTC-4).
        ("America/Santiago", date(2026, 4, 4), utc("2026-04-05 03:59:59.999999")),
        # The clocks jump from midnight to 01:00: 5 September ends at
        # 23:59:59.999999 UTC-4, when 6 September begins (at 01:00 UTC-3).
        ("America/Santiago", date(2026, 9, 5), utc("2026-09-06 03:59:59.999999")),
        ("Asia/Beirut", date(2026, 3, 28), utc("2026-03-28 21:59:59.999999")),
        ("Asia/Beirut", date(2026, 10, 24), utc("2026-10-24 21:59:59.999999")),
        # Samoa skipped 30 December 2011 altogether: it ends where 29 December did.
        ("Pacific/Apia", date(2011, 12, 30), utc("2011-12-30 09:59:59.999999")),
        ("Pacific/Apia", date(2011, 12, 29), utc("2011-12-30 09:59:59.999999")),
        ("UTC", date(2026, 1, 1), utc("2026-01-01 23:59:59.999999")),
    ],
)
def test_end_of_day_when_midnight_is_skipped_or_repeated(
    zone: str, day: date, expected: datetime
) -> None:
    assert end_of_day(day, zone) == expected


# -------------------------------------------------------------------- other input


def test_a_pendulum_anchor_gives_a_stdlib_result() -> None:
    anchor = pendulum.datetime(2026, 10, 27, 14, 0, tz="Europe/Prague")
    assert due(anchor, Period(working_days=5)) == end_of_prague_day(2026, 11, 4)
    assert due(anchor, Period(minutes=90)) == utc("2026-10-27 14:30")
    shown = local_time(anchor, "Europe/Prague")
    assert type(shown) is datetime
    assert shown == prague("2026-10-27 14:00")


def test_any_timezone_of_the_anchor_is_the_same_instant() -> None:
    in_tokyo = datetime(2026, 10, 27, 22, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 14:00 Prague
    assert due(in_tokyo, Period(working_days=5)) == due(
        prague("2026-10-27 14:00"), Period(working_days=5)
    )


@pytest.mark.parametrize(
    "period", [Period(minutes=1), Period(hours=1), Period(days=1), Period(working_days=1)]
)
def test_a_naive_anchor_is_refused(period: Period) -> None:
    with pytest.raises(NaiveDatetime) as caught:
        due(datetime(2026, 10, 27, 14, 0), period)  # noqa: DTZ001 - naive on purpose
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.naive-datetime"
    assert str(caught.value) == (
        "2026-10-27T14:00:00 has no timezone: kwflow only works with aware datetimes"
    )
    assert caught.value.render("cs").startswith("2026-10-27T14:00:00 nemá časové pásmo")


def test_local_time_refuses_a_naive_moment() -> None:
    with pytest.raises(NaiveDatetime, match="has no timezone"):
        local_time(datetime(2026, 10, 27, 14, 0), "Europe/Prague")  # noqa: DTZ001


@pytest.mark.parametrize("period", [Period(minutes=30), Period(hours=2)])
def test_a_date_anchor_has_no_time_for_elapsed_periods(period: Period) -> None:
    with pytest.raises(InvalidValue) as caught:
        due(date(2026, 10, 27), period)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        "anchor must be a date and time (datetime) when counting minutes or hours, not 2026-10-27"
    )
    assert caught.value.render("cs") == (
        "'anchor' musí být datum a čas (datetime), když se počítají minuty nebo hodiny, "
        "ne 2026-10-27"
    )


@pytest.mark.parametrize("zone", ["Europe/Praha", "", "../etc/passwd", "CET "])
def test_an_unknown_timezone_is_refused(zone: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        due(prague("2026-10-27 14:00"), Period(days=1), timezone=zone)
    assert isinstance(caught.value, ValueError)
    assert caught.value.params == {"what": "timezone", "rule": "timezone", "value": repr(zone)}
    assert str(caught.value) == (
        f"timezone must be an IANA timezone name such as Europe/Prague, not {zone!r}"
    )
    assert caught.value.render("cs") == (
        f"'timezone' musí být název časového pásma IANA, například Europe/Prague, ne {zone!r}"
    )


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        due(prague("2026-10-27 14:00"), Period(days=1), direction="around")  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "direction must be 'after' or 'before', not 'around'"
    assert caught.value.render("cs") == "'direction' musí být 'after', nebo 'before', ne 'around'"


def test_end_of_day_refuses_a_datetime() -> None:
    with pytest.raises(WrongType) as caught:
        end_of_day(prague("2026-10-27 14:00"), "Europe/Prague")
    assert isinstance(caught.value, TypeError)
    assert str(caught.value) == "day is a date (a date, not a datetime), not datetime"
    assert caught.value.render("cs") == "'day' je datum (date, ne datetime), ne datetime"


# ----------------------------------------------------------------------- properties

# hypothesis takes naive bounds and attaches the timezone itself.
moments = st.datetimes(
    min_value=datetime(1950, 1, 1),  # noqa: DTZ001
    max_value=datetime(2150, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
directions = st.sampled_from(["after", "before"])


@given(moments, st.integers(min_value=0, max_value=100_000), directions)
def test_elapsed_time_is_exact(
    anchor: datetime, minutes: int, direction: Literal["after", "before"]
) -> None:
    sign = 1 if direction == "after" else -1
    result = due(anchor, Period(minutes=minutes), direction=direction)
    assert result - anchor == sign * timedelta(minutes=minutes)


@given(
    moments,
    st.sampled_from(["days", "weeks", "months", "working_days"]),
    st.integers(min_value=0, max_value=60),
    directions,
    st.booleans(),
)
def test_calendar_periods_end_at_the_end_of_a_local_day(
    anchor: datetime,
    unit: str,
    amount: int,
    direction: Literal["after", "before"],
    roll: bool,
) -> None:
    result = due(anchor, Period.model_validate({unit: amount}), direction=direction, roll=roll)
    shown = local_time(result, "Europe/Prague")
    assert shown.time() == LAST_MICROSECOND
    start = local_time(anchor, "Europe/Prague").date()
    if amount:
        assert shown.date() > start if direction == "after" else shown.date() < start
    if roll or unit == "working_days":
        assert CZ.is_working_day(shown.date())
    if unit == "working_days" and amount:
        sign = 1 if direction == "after" else -1
        assert shown.date() == CZ.add_working_days(start, sign * amount)
