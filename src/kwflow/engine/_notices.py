"""When a deadline's reminders and escalation fall due, computed once as it starts.

A notice (`kwflow.definition.Notice`) counts from the deadline's target or
limit. The rules (docs/process-format.md, "Reminders and escalation"):

- ``at`` is the moment itself; ``before`` and ``after`` count a period from
  it, on the process calendar in the process timezone;
- a moment that ends a day (a target or limit counted in days, weeks,
  months or working days ends at the last microsecond of its day) stands
  for its day: a notice counted from it in days or working days, or ``at``
  it, goes out at the *start* of its local day, when there is still a day
  to act; hours and minutes count elapsed time from the moment itself;
- working days step over weekends and holidays; a calendar-day notice
  that lands on a non-working day stays there (give working days when that
  matters);
- ``repeat`` sends it again every ``every`` after its first time, ``count``
  times in all.

The results go into the event that starts the deadline, so replay never
counts again; a suspension that pauses the deadline moves them with it
(`_deadlines.moved`).
"""

from __future__ import annotations

import zoneinfo
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kwflow.definition import PeriodUnit

from ._records import ScheduledNotice

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.calendars import CalendarRegistry, WorkingDayCalendar
    from kwflow.definition import Deadline, Notice, Period

    from ._compiled import CompiledProcess

__all__ = ["notice_times", "notices_for"]

_ELAPSED = (PeriodUnit.MINUTES, PeriodUnit.HOURS)


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def notices_for(
    compiled: CompiledProcess,
    definition: Deadline,
    moments: Mapping[str, tuple[str | None, Period | None]],
    *,
    calendars: CalendarRegistry,
) -> list[dict[str, Any]]:
    """The recorded form of every notice of a deadline that has just started.

    ``moments`` gives, for ``"target"`` and ``"limit"``, the due moment as
    recorded (UTC ISO text, ``None`` when the deadline has none) and the
    period it was counted with (a day-based period makes it stand for its day).
    """
    process = compiled.process
    calendar = calendars.get(process.calendar)
    zone = _zone(process.timezone)
    found: list[dict[str, Any]] = []
    for kind, index, notice in _numbered(definition):
        text, period = moments[notice.moment]
        if text is None:
            # The static check `notice-moment` keeps this from a checked file.
            continue
        whole_day = period is not None and period.unit not in _ELAPSED
        to = notice.to or (definition.responsible,)
        times = notice_times(
            notice, datetime.fromisoformat(text), whole_day=whole_day, zone=zone, calendar=calendar
        )
        for repetition, at in enumerate(times):
            key = f"{kind}-{index}" if kind == "reminder" else kind
            if repetition:
                key += f".{repetition + 1}"
            found.append(ScheduledNotice(key, kind, at, tuple(to), notice.moment).to_dict())
    return found


def _numbered(definition: Deadline) -> list[tuple[str, int, Notice]]:
    numbered = [("reminder", i, r) for i, r in enumerate(definition.reminders)]
    if definition.escalation is not None:
        numbered.append(("escalation", 0, definition.escalation))
    return numbered


def notice_times(
    notice: Notice,
    moment: datetime,
    *,
    whole_day: bool,
    zone: zoneinfo.ZoneInfo,
    calendar: WorkingDayCalendar,
) -> list[datetime]:
    """Every time ``notice`` goes out, counted from ``moment`` (UTC), first to last."""
    if notice.at is not None:
        first = _start_of_day(_local(moment, zone), zone) if whole_day else moment
    elif notice.before is not None:
        first = _step(moment, notice.before, -1, whole_day=whole_day, zone=zone, calendar=calendar)
    else:
        assert notice.after is not None
        first = _step(moment, notice.after, 1, whole_day=whole_day, zone=zone, calendar=calendar)
    times = [first]
    repeat = notice.repeat
    if repeat is not None:
        every = repeat.every
        for _ in range(repeat.count - 1):
            # Each time counts from the one before: a month of reminders on
            # the 31st stays on the last day of each month it can.
            elapsed = every.unit in _ELAPSED
            times.append(
                _step(times[-1], every, 1, whole_day=not elapsed, zone=zone, calendar=calendar)
            )
    return times


def _step(
    moment: datetime,
    period: Period,
    sign: int,
    *,
    whole_day: bool,
    zone: zoneinfo.ZoneInfo,
    calendar: WorkingDayCalendar,
) -> datetime:
    """``moment`` moved by ``period``; a day-based step from a whole day starts its day."""
    unit, amount = period.unit, period.amount
    if unit is PeriodUnit.MINUTES:
        return moment + sign * timedelta(minutes=amount)
    if unit is PeriodUnit.HOURS:
        return moment + sign * timedelta(hours=amount)
    local = _local(moment, zone)
    day = local.date()
    if unit is PeriodUnit.WORKING_DAYS:
        day = calendar.add_working_days(day, sign * amount) if amount else day
    elif unit is PeriodUnit.DAYS:
        day = day + sign * timedelta(days=amount)
    elif unit is PeriodUnit.WEEKS:
        day = day + sign * timedelta(weeks=amount)
    else:
        day = _add_months(day, sign * amount)
    if whole_day:
        return _start_of_day(day, zone)
    # A moment within a day (an hour-based limit) keeps its time of day.
    shifted = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
    return shifted.astimezone(UTC)


def _local(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def _start_of_day(day: date | datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    plain = day.date() if isinstance(day, datetime) else day
    return datetime.combine(plain, time(), tzinfo=zone).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    # The end of a month clamps (31 January + 1 month: the last day of February).
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
