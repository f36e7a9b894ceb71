"""A working-day calendar: which days count, and stepping over them fast."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from kwflow.exceptions import InvalidValue, OutOfCalendarRange, ReadOnly, WrongType

from ._table import FIRST_YEAR, LAST_YEAR, WorkingDayTable, YearDays, build_table, year_flags

if TYPE_CHECKING:
    from ._holidays import HolidayProvider

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# Years are added to a table a decade at a time: one build then serves a
# whole case's life, and the holidays of ten years cost a few milliseconds.
_CHUNK = 10


CLOSED = "closed"
"""The name of an extra closed day given without a name."""


class WorkingDayCalendar:
    """Which days are working days, and working-day arithmetic over them.

    A day is a working day when it is not a weekend day, not a public
    holiday and not an extra closed day, or when it is an extra open day
    (which wins over everything else, as a Saturday on which an office works
    to make up for a bridge day does).

    The calendar is immutable: the answers never change. It builds its
    tables lazily, a decade of years at a time, and may be shared by any
    number of threads. Years 1 to 9999 can be used.

    Args:
        id: the name process files use for the calendar (``calendar: cz``):
            lower-case letters, digits and underscores, starting with a letter.
        holidays: gives the public holidays of a year; see
            `public_holidays` for a country's.
        weekend: the weekdays that are never working days, Monday = 0 to
            Sunday = 6.
        extra_closed_days: days the calendar's offices are closed besides
            the public holidays, either as dates or as a mapping of dates to
            names.
        extra_open_days: days that are working days whatever else says so.

    Raises:
        InvalidValue: a malformed id, a weekend of all seven days, or a day
            both extra closed and extra open (a ``ValueError``).
        WrongType: a datetime where a date belongs, or ``holidays`` is not
            a function (a ``TypeError``).
    """

    __slots__ = (
        "_closed",
        "_holidays",
        "_id",
        "_lock",
        "_open",
        "_table",
        "_weekend",
    )

    _id: str
    _holidays: HolidayProvider
    _weekend: frozenset[int]
    _closed: Mapping[date, str]
    _open: frozenset[date]
    _lock: threading.Lock
    _table: WorkingDayTable | None

    def __init__(
        self,
        id: str,  # noqa: A002 - `id` is what every kwflow definition calls its name
        holidays: HolidayProvider,
        *,
        weekend: Iterable[int] = (5, 6),
        extra_closed_days: Mapping[date, str] | Iterable[date] = (),
        extra_open_days: Iterable[date] = (),
    ) -> None:
        if not isinstance(id, str):
            raise WrongType("id", "id", type(id).__name__)
        if not _ID.match(id):
            raise InvalidValue("id", "calendar-id", repr(id))
        if not callable(holidays):
            raise WrongType("holidays", "callable", type(holidays).__name__)
        weekend_days = frozenset(weekend)
        if not weekend_days <= frozenset(range(7)):
            raise InvalidValue("weekend", "weekdays", str(sorted(weekend_days, key=repr)))
        if len(weekend_days) == 7:
            raise InvalidValue("weekend", "not-every-day", str(sorted(weekend_days)))
        if isinstance(extra_closed_days, Mapping):
            closed = {
                _plain_date(d, "extra_closed_days"): str(n) for d, n in extra_closed_days.items()
            }
        else:
            closed = {_plain_date(d, "extra_closed_days"): CLOSED for d in extra_closed_days}
        opened = frozenset(_plain_date(d, "extra_open_days") for d in extra_open_days)
        both = sorted(opened.intersection(closed))
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise InvalidValue("extra_open_days", "not-also-closed", listed)
        set_ = object.__setattr__
        set_(self, "_id", id)
        set_(self, "_holidays", holidays)
        set_(self, "_weekend", weekend_days)
        set_(self, "_closed", MappingProxyType(dict(sorted(closed.items()))))
        set_(self, "_open", opened)
        set_(self, "_lock", threading.Lock())
        set_(self, "_table", None)

    # ---------------------------------------------------------------- description

    @property
    def id(self) -> str:
        """The name process files use for this calendar."""
        return self._id

    @property
    def weekend(self) -> frozenset[int]:
        """The weekdays that are never working days (Monday = 0)."""
        return self._weekend

    @property
    def extra_closed_days(self) -> Mapping[date, str]:
        """Days closed besides the public holidays, with their names."""
        return self._closed

    @property
    def extra_open_days(self) -> frozenset[date]:
        """Days that are working days whatever else says."""
        return self._open

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise ReadOnly("calendar", name)

    def __delattr__(self, name: str) -> NoReturn:
        raise ReadOnly("calendar", name)

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({self._id!r})"

    # ------------------------------------------------------------------- queries

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        table = self._table_for(day)
        k = day.toordinal() - table.base
        return table.before[k + 1] != table.before[k]

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it, for a negative ``n``).

        ``day`` itself is never counted, whether or not it is a working day:
        one working day after a Friday is the Monday, and one after a
        Saturday is the Monday too. ``n == 0`` gives ``day`` when it is a
        working day.

        Raises:
            InvalidValue: ``n == 0`` and ``day`` is not a working day (say
                whether you mean `next_working_day` or `previous_working_day`).
            OutOfCalendarRange: the answer would be outside years 1 to 9999
                (an ``OverflowError``).
            WrongType: ``day`` is a datetime; pass its local date.
        """
        # The hot path: two array reads on the current table, no locking.
        # Everything unusual (no table yet, a day or an answer outside the
        # table, n == 0, a datetime) falls through to `_add_slowly`.
        table = self._table
        if table is not None and type(day) is date:
            k = day.toordinal() - table.base
            if 0 <= k < table.days:
                if n > 0:
                    i = table.before[k + 1] + n - 1
                    if i < len(table.working):
                        return table.working[i]
                elif n < 0:
                    i = table.before[k] + n
                    if i >= 0:
                        return table.working[i]
        return self._add_slowly(day, n)

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day`` (``day`` itself never counts)."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day before ``day`` (``day`` itself never counts)."""
        return self.add_working_days(day, -1)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days one steps from ``start`` to reach ``end``.

        For ``end`` after ``start``, the working days after ``start`` up to and
        including ``end``; for ``end`` before ``start``, minus the working
        days from ``end`` up to but not including ``start``. So for a working
        day ``end``, ``add_working_days(start, working_days_between(start, end))``
        is ``end``. The same day gives 0.
        """
        self._table_for(start)
        table = self._table_for(end)
        a = start.toordinal() - table.base
        b = end.toordinal() - table.base
        if b >= a:
            return table.before[b + 1] - table.before[a + 1]
        return table.before[b] - table.before[a]

    def holidays_in(self, year: int) -> Mapping[date, str]:
        """The named days the calendar is closed in ``year``, in date order.

        These are the public holidays (those on a weekend too) and the extra
        closed days; a holiday reopened by an extra open day is left out.
        Weekends are not listed.
        """
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidValue("year", "calendar-year", str(year))
        table = self._table
        if table is None or not table.first_year <= year <= table.last_year:
            table = self._grow(year, year)
        return table.years[year].closed

    # ------------------------------------------------------------------ internals

    def _table_for(self, day: date) -> WorkingDayTable:
        """The current table, grown first if it does not hold ``day``."""
        if isinstance(day, datetime):
            _reject_datetime(day)
        table = self._table
        if table is None or not table.first_year <= day.year <= table.last_year:
            table = self._grow(day.year, day.year)
        return table

    def _add_slowly(self, day: date, n: int) -> date:
        table = self._table_for(day)
        k = day.toordinal() - table.base
        if n == 0:
            if table.before[k + 1] != table.before[k]:
                return date.fromordinal(day.toordinal())
            raise InvalidValue("day", "working-day-for-zero", day.isoformat())
        while True:
            k = day.toordinal() - table.base
            if n > 0:
                i = table.before[k + 1] + n - 1
                if i < len(table.working):
                    return table.working[i]
                if table.last_year >= LAST_YEAR:
                    _out_of_range(day, n)
                missing = i - len(table.working) + 1
                years = max(_CHUNK, _years_for(missing, table))
                table = self._grow(table.first_year, min(LAST_YEAR, table.last_year + years))
            else:
                i = table.before[k] + n
                if i >= 0:
                    return table.working[i]
                if table.first_year <= FIRST_YEAR:
                    _out_of_range(day, n)
                years = max(_CHUNK, _years_for(-i, table))
                table = self._grow(max(FIRST_YEAR, table.first_year - years), table.last_year)

    def _grow(self, first_year: int, last_year: int) -> WorkingDayTable:
        """Swap in a table that covers ``first_year`` to ``last_year`` too.

        Readers never lock: they read ``_table`` once and use that table,
        which no one changes. Only builders take the lock, so two threads
        needing the same new decade build it once.
        """
        with self._lock:
            table = self._table
            if table is not None:
                if table.first_year <= first_year and last_year <= table.last_year:
                    return table
                first_year = min(first_year, table.first_year)
                last_year = max(last_year, table.last_year)
                known = dict(table.years)
            else:
                known = {}
            # Whole decades, so that neighbouring requests share one build.
            first_year = max(FIRST_YEAR, first_year - first_year % _CHUNK)
            last_year = min(LAST_YEAR, last_year - last_year % _CHUNK + _CHUNK - 1)
            for year in range(first_year, last_year + 1):
                if year not in known:
                    known[year] = self._year(year)
            table = build_table(known)
            object.__setattr__(self, "_table", table)
            return table

    def _year(self, year: int) -> YearDays:
        flags = year_flags(year, self._weekend)
        closed: dict[date, str] = {}
        source = f"{self._id}.holidays"  # the argument, named with its calendar
        for given, name in self._holidays(year).items():
            day = _plain_date(given, source)
            if day.year == year:
                closed[day] = str(name)
        for day, name in self._closed.items():
            if day.year == year:
                closed[day] = f"{closed[day]}; {name}" if day in closed else name
        first = date(year, 1, 1).toordinal()
        for day in closed:
            flags[day.toordinal() - first] = 0
        for day in self._open:
            if day.year == year:
                flags[day.toordinal() - first] = 1
                closed.pop(day, None)
        return YearDays(year, bytes(flags), MappingProxyType(dict(sorted(closed.items()))))


def _years_for(missing: int, table: WorkingDayTable) -> int:
    """About how many years hold ``missing`` more working days.

    Judged from the years already built, with a tenth more for luck: a step
    of many working days then grows the table once or twice, not decade by
    decade. A guess that falls short only costs one more round.
    """
    years = table.last_year - table.first_year + 1
    per_year = max(1, len(table.working) // years)
    return missing * 11 // (10 * per_year) + 1


def _plain_date(value: object, argument: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise WrongType(argument, "date", type(value).__name__)
    return date(value.year, value.month, value.day)


def _reject_datetime(value: datetime) -> NoReturn:
    # A datetime is a date to Python, and its date is the one of its own
    # timezone (often UTC), which is not the process's local date: refuse
    # rather than count from the wrong day.
    raise WrongType("day", "date", type(value).__name__)


def _out_of_range(day: date, n: int) -> NoReturn:
    raise OutOfCalendarRange(day.isoformat(), n, FIRST_YEAR, LAST_YEAR)
