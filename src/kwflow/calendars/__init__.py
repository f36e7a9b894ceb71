"""Working-day calendars and deadline arithmetic, as pure functions.

`WorkingDayCalendar` says which days are working days and steps over them
in well under a microsecond; `get_calendar` finds one by the id a process
file names (``"cz"`` is built in); `due_at` says when a deadline's period
runs out. Nothing here reads the clock: every moment is passed in. See
docs/calendars.md for the counting rules.
"""

from ._due import due_at, end_of_day, local_time
from ._holidays import HolidayProvider, public_holidays
from ._registry import (
    CalendarRegistry,
    available_calendars,
    default_calendars,
    get_calendar,
    register_calendar,
)
from ._working_days import WorkingDayCalendar

__all__ = [
    "CalendarRegistry",
    "HolidayProvider",
    "WorkingDayCalendar",
    "available_calendars",
    "default_calendars",
    "due_at",
    "end_of_day",
    "get_calendar",
    "local_time",
    "public_holidays",
    "register_calendar",
]
