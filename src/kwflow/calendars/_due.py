"""When a deadline falls due: a period counted from an anchor, in a timezone.

The rules are those of docs/concepts.md ("Deadline"):

- minutes and hours are elapsed time, counted on the UTC timeline, so a
  daylight-saving change neither adds nor removes an hour;
- days, weeks and months are counted on local dates in the process
  timezone and end at the end of the last day; with ``roll_to_working_day``
  a last day that is not a working day moves to the next working day (the
  previous one, counting ``before``);
- working days do not count the anchor's local date and end at the end of
  the last working day.

The end of a day is its last microsecond, local time: 23:59:59.999999 on
every ordinary day. Stored timestamps have microseconds, so "done at or
before the due time" then covers the whole last day and nothing of the next.

Dates and offsets go through the stdlib (``zoneinfo`` resolves daylight
saving exactly, and fast); pendulum does the one thing the stdlib lacks,
adding months with the end of a month clamped.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

import pendulum

from kwflow.definition import Period, PeriodUnit
from kwflow.exceptions import InvalidValue, NaiveDatetime, WrongType

if TYPE_CHECKING:
    from ._working_days import WorkingDayCalendar

_ONE_MICROSECOND = timedelta(microseconds=1)


def due_at(
    anchor: datetime | date,
    period: Period,
    *,
    direction: Literal["after", "before"] = "after",
    timezone: str,
    calendar: WorkingDayCalendar,
    roll_to_working_day: bool = False,
) -> datetime:
    """The moment a period counted from ``anchor`` runs out, in UTC.

    A period of 0 working days ends at the end of the anchor's own day when
    that is a working day; otherwise at the end of the next working day (the
    previous one, for ``"before"``).

    Args:
        anchor: when the period starts: an aware datetime (an action's
            time, a datetime field), or a date (a date field), which is a
            local date in ``timezone``.
        period: how long, in one unit.
        direction: ``"after"`` the anchor, or ``"before"`` it (an invitation
            sent at least 5 working days before a meeting).
        timezone: the process timezone, an IANA name (``"Europe/Prague"``).
        calendar: the process's working-day calendar.
        roll_to_working_day: move the last day of a days/weeks/months period
            to the next working day when it is not one (to the previous one,
            for ``"before"``). Working-day periods always end on a working day.

    Returns:
        An aware stdlib datetime in UTC: the anchor plus (or minus) elapsed
        time for minutes and hours; otherwise the end of the period's last
        day, local time (23:59:59.999999).

    Raises:
        NaiveDatetime: a naive anchor (a ``ValueError``).
        InvalidValue: a date anchor with minutes or hours, an unknown
            timezone or direction (a ``ValueError``).
    """
    if direction == "after":
        sign = 1
    elif direction == "before":
        sign = -1
    else:
        raise InvalidValue("direction", "direction", repr(direction))
    unit, amount = _unit_and_amount(period)
    if unit is PeriodUnit.MINUTES or unit is PeriodUnit.HOURS:
        if not isinstance(anchor, datetime):
            raise InvalidValue("anchor", "datetime-anchor", anchor.isoformat())
        step = timedelta(minutes=amount) if unit is PeriodUnit.MINUTES else timedelta(hours=amount)
        return _utc(anchor) + sign * step
    zone = _zone(timezone)
    day = _local_date(anchor, zone)
    if unit is PeriodUnit.WORKING_DAYS:
        if amount:
            last = calendar.add_working_days(day, sign * amount)
        else:
            last = _rolled(day, sign, calendar)
        return _end_of_day(last, zone)
    if unit is PeriodUnit.DAYS:
        last = day + sign * timedelta(days=amount)
    elif unit is PeriodUnit.WEEKS:
        last = day + sign * timedelta(weeks=amount)
    else:
        last = _add_months(day, sign * amount)
    if roll_to_working_day:
        last = _rolled(last, sign, calendar)
    return _end_of_day(last, zone)


def end_of_day(day: date, timezone: str) -> datetime:
    """The last microsecond of ``day`` in ``timezone``, in UTC.

    That is 23:59:59.999999 local time on an ordinary day. On a day whose
    last hour repeats (the clocks go back at midnight), it is the second
    23:59:59.999999; a day the zone skipped ends where the previous one did.
    """
    if isinstance(day, datetime):
        raise WrongType("day", "date", type(day).__name__)
    return _end_of_day(day, _zone(timezone))


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` as the wall clock in ``timezone`` shows it, to display a due time.

    Raises:
        NaiveDatetime: ``moment`` is naive (a ``ValueError``).
        InvalidValue: the timezone is unknown (a ``ValueError``).
    """
    return _utc(moment).astimezone(_zone(timezone))


# `Period.unit` and `Period.amount` walk the enum and cost several
# microseconds each; reading the fields in a fixed order costs a fraction.
_UNITS = tuple((unit.value, unit) for unit in PeriodUnit)


def _unit_and_amount(period: Period) -> tuple[PeriodUnit, int]:
    for field, unit in _UNITS:
        amount = getattr(period, field)
        if amount is not None:
            return unit, int(amount)
    # Unreachable for a validated Period, which has exactly one unit.
    return period.unit, period.amount


def _rolled(day: date, sign: int, calendar: WorkingDayCalendar) -> date:
    if calendar.is_working_day(day):
        return day
    return calendar.add_working_days(day, sign)


def _end_of_day(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    # The last microsecond before the next local day begins, rather than
    # 23:59:59.999999 written out: it is the same instant on ordinary days and
    # stays right on days whose midnight a clock change skips or repeats.
    # Local midnight inside a gap (fold=0) resolves to the moment of the
    # change itself, which is where that next day begins.
    next_day = date.fromordinal(day.toordinal() + 1)
    start = datetime.combine(next_day, time(), tzinfo=zone)
    return start.astimezone(UTC) - _ONE_MICROSECOND


def _add_months(day: date, months: int) -> date:
    # pendulum clamps to the end of the month (31 January + 1 month is the
    # last day of February), which is what a calendar period means.
    moved = pendulum.Date(day.year, day.month, day.day).add(months=months)
    return date(moved.year, moved.month, moved.day)


def _local_date(anchor: datetime | date, zone: zoneinfo.ZoneInfo) -> date:
    if isinstance(anchor, datetime):
        local = _utc(anchor).astimezone(zone)
        return date(local.year, local.month, local.day)
    return date(anchor.year, anchor.month, anchor.day)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetime(moment.isoformat())
    if moment.tzinfo is UTC and type(moment) is datetime:
        return moment
    utc = moment.astimezone(UTC)
    if type(utc) is datetime and utc.tzinfo is UTC:
        return utc
    # A pendulum DateTime is a datetime subclass with its own arithmetic and
    # timezone class; callers get plain stdlib datetimes back, whatever they
    # passed in.
    return datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, tzinfo=UTC
    )


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidValue("timezone", "timezone", repr(name)) from exc
