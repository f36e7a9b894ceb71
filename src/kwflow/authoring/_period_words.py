"""A period in words, as diagrams and process pages write it: ``5 pracovních dní``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.definition import PeriodUnit
from kwflow.i18n import Noun

if TYPE_CHECKING:
    from kwflow.definition import Period
    from kwflow.i18n import Language

__all__ = ["PERIOD_UNITS", "period_words"]

PERIOD_UNITS: dict[PeriodUnit, Noun] = {
    PeriodUnit.MINUTES: Noun(cs=("minuta", "minuty", "minut"), en=("minute", "minutes")),
    PeriodUnit.HOURS: Noun(cs=("hodina", "hodiny", "hodin"), en=("hour", "hours")),
    PeriodUnit.DAYS: Noun(cs=("den", "dny", "dní"), en=("day", "days")),
    PeriodUnit.WEEKS: Noun(cs=("týden", "týdny", "týdnů"), en=("week", "weeks")),
    PeriodUnit.MONTHS: Noun(cs=("měsíc", "měsíce", "měsíců"), en=("month", "months")),
    PeriodUnit.WORKING_DAYS: Noun(
        cs=("pracovní den", "pracovní dny", "pracovních dní"),
        en=("working day", "working days"),
    ),
}
"""Each unit a period may be counted in, as a counted noun."""


def period_words(period: Period, lang: Language) -> str:
    """The period's amount and unit: ``5 pracovních dní``, ``1 month``, ``0 days``."""
    return PERIOD_UNITS[period.unit].counted(period.amount, lang)
