"""Calendars by id, so that a process file can name its calendar (``calendar: cz``)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from kwflow.exceptions import CalendarExists, UnknownName, WrongType

from ._holidays import public_holidays
from ._working_days import WorkingDayCalendar

if TYPE_CHECKING:
    from collections.abc import Callable


def _czech() -> WorkingDayCalendar:
    # Names in Czech: the law's own names, and what OSPOD staff read.
    return WorkingDayCalendar("cz", public_holidays("CZ", language="cs"))


# Built-in calendars are made on first use, never at import: making one asks
# the holidays package, and most hosts only ever use one calendar.
_BUILT_IN: dict[str, Callable[[], WorkingDayCalendar]] = {"cz": _czech}


class CalendarRegistry:
    """Working-day calendars by id: the built-in ones and those a host adds.

    A host that runs one configuration uses the module's `get_calendar` and
    `register_calendar`, which share one registry; a host (or a test) that
    needs calendars of its own makes its own `CalendarRegistry`. Safe to use
    from several threads.

    Args:
        built_in: whether the registry knows kwflow's built-in calendars
            (``"cz"``: Czech public holidays, Saturday and Sunday off).
    """

    def __init__(self, *, built_in: bool = True) -> None:
        self._calendars: dict[str, WorkingDayCalendar] = {}
        self._built_in = dict(_BUILT_IN) if built_in else {}
        self._lock = threading.Lock()

    def get(self, calendar_id: str) -> WorkingDayCalendar:
        """The calendar with this id.

        Raises:
            UnknownName: no calendar has this id; the error lists the known ones.
        """
        calendar = self._calendars.get(calendar_id)
        if calendar is not None:
            return calendar
        with self._lock:
            calendar = self._calendars.get(calendar_id)
            if calendar is None:
                make = self._built_in.get(calendar_id)
                if make is None:
                    raise UnknownName("calendar", calendar_id, self._ids())
                calendar = self._calendars[calendar_id] = make()
            return calendar

    def register(self, calendar: WorkingDayCalendar, *, replace: bool = False) -> None:
        """Make ``calendar`` known by its id.

        Args:
            calendar: the calendar to add.
            replace: allow replacing a calendar of the same id, a built-in one
                too (to show Czech holidays in English, say).

        Raises:
            CalendarExists: a calendar of that id is known and ``replace`` is
                false (a ``ValueError``).
            WrongType: ``calendar`` is not a `WorkingDayCalendar` (a ``TypeError``).
        """
        if not isinstance(calendar, WorkingDayCalendar):
            raise WrongType("calendar", "calendar", type(calendar).__name__)
        with self._lock:
            taken = calendar.id in self._calendars or calendar.id in self._built_in
            if taken and not replace:
                raise CalendarExists(calendar.id)
            self._calendars[calendar.id] = calendar

    def ids(self) -> tuple[str, ...]:
        """The ids of every known calendar, sorted."""
        with self._lock:
            return self._ids()

    def _ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._calendars.keys() | self._built_in.keys()))


_default = CalendarRegistry()


def default_calendars() -> CalendarRegistry:
    """The shared registry: the one `get_calendar` and `register_calendar` use.

    An `Engine` made without ``calendars=`` counts deadlines on it.
    """
    return _default


def get_calendar(calendar_id: str) -> WorkingDayCalendar:
    """The calendar with this id, from the shared registry.

    Raises:
        UnknownName: no calendar has this id; the error lists the known ones.
    """
    return _default.get(calendar_id)


def register_calendar(calendar: WorkingDayCalendar, *, replace: bool = False) -> None:
    """Add ``calendar`` to the shared registry; see `CalendarRegistry.register`."""
    _default.register(calendar, replace=replace)


def available_calendars() -> tuple[str, ...]:
    """The ids of the calendars in the shared registry, sorted."""
    return _default.ids()
