"""Retention: when a closed case falls due for disposal, and which cases have.

Periods are data: the process file's ``retention`` (by outcome), which a
host overrides per process with its own file plan (``Engine(retention=...)``).
Nothing here fixes a period; a case whose outcome has none is kept.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from kwflow.definition import RetentionPeriod

__all__ = ["DisposalDue", "disposal_due_at"]


def disposal_due_at(closed_at: datetime, period: RetentionPeriod) -> datetime:
    """The moment ``period`` after ``closed_at`` (calendar years and months, in UTC).

    A day that the target month lacks (29 February, 31 April) becomes the
    month's last day.
    """
    if period.days is not None:
        return closed_at + timedelta(days=period.days)
    months = (period.years or 0) * 12 + (period.months or 0)
    total = closed_at.year * 12 + (closed_at.month - 1) + months
    year, month = divmod(total, 12)
    day = min(closed_at.day, calendar.monthrange(year, month + 1)[1])
    return closed_at.replace(year=year, month=month + 1, day=day)


@attrs.frozen(kw_only=True)
class DisposalDue:
    """A closed case past its retention period, under no hold: `Engine.dispose` may take it."""

    case_id: str
    process_id: str
    process_version: int
    outcome: str
    closed_at: datetime
    due_at: datetime
    retention: str
    """The period that applied, as text (``10 years``)."""
