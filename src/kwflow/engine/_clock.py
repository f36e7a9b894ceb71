"""Clocks: where the engine's notion of "now" comes from.

Nothing in the engine or the calendars reads the system time itself; the
engine asks its clock once per command, so a test or a demo can run a case
over weeks in a millisecond with a `SimulatedClock`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from kwflow.exceptions import NaiveDatetime, WrongType

__all__ = ["Clock", "SimulatedClock", "SystemClock", "aware_utc"]


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` that returns a timezone-aware datetime."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current moment, in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class SimulatedClock:
    """A clock that stands still until it is set or advanced. Thread-safe.

    >>> clock = SimulatedClock(datetime(2026, 10, 27, 9, 0, tzinfo=UTC))
    >>> clock.advance(hours=2).isoformat()
    '2026-10-27T11:00:00+00:00'
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (aware), or at the real time now."""
        self._now = aware_utc(start) if start is not None else datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The simulated moment, in UTC."""
        return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment`` (aware; earlier moments are allowed) and return it in UTC."""
        value = aware_utc(moment)
        with self._lock:
            self._now = value
        return value

    def advance(
        self,
        delta: timedelta | None = None,
        /,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move forward by ``delta`` and/or the given amounts; return the new moment.

        Elapsed time, in UTC: a day is 24 hours even across a daylight-saving
        change of the process timezone.
        """
        if delta is not None and not isinstance(delta, timedelta):
            raise WrongType("delta", "timedelta", type(delta).__name__)
        step = (delta or timedelta()) + timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        with self._lock:
            self._now = self._now + step
            return self._now

    def __repr__(self) -> str:
        return f"SimulatedClock({self._now.isoformat()})"


def aware_utc(moment: datetime) -> datetime:
    """``moment`` as a plain stdlib datetime in UTC.

    A naive moment raises `NaiveDatetime` (a ``ValueError``), anything but a
    datetime `WrongType` (a ``TypeError``).
    """
    if moment.__class__ is datetime and moment.tzinfo is UTC:
        return moment  # the common case: already a plain UTC datetime
    if not isinstance(moment, datetime):
        raise WrongType("moment", "datetime", type(moment).__name__)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetime(moment.isoformat())
    utc = moment.astimezone(UTC)
    if type(utc) is datetime and utc.tzinfo is UTC:
        return utc
    # A pendulum DateTime is a datetime subclass with its own timezone class;
    # cases hold plain stdlib datetimes so they compare and serialize alike.
    return datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, tzinfo=UTC
    )
