"""Public holidays of a country, read from the ``holidays`` package.

Holidays are law that changes (Czechia added Good Friday in 2016), so
kwflow keeps no list of its own: a maintained package does this better.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import holidays

from kwflow.exceptions import InvalidValue

HolidayProvider = Callable[[int], Mapping[date, str]]
"""Gives the public holidays of one year, each date with its name.

A calendar calls it once per year it needs, from one thread at a time.
Dates of other years in the answer are ignored, so a provider may return
the same mapping for every year.
"""


def public_holidays(
    country: str, *, subdivision: str | None = None, language: str | None = None
) -> HolidayProvider:
    """A holiday provider for ``country`` backed by the ``holidays`` package.

    The package knows each country's holidays over a span of years (for
    Czechia from 1952, when Act 93/1951 took effect, to 2100); for a year
    outside it the provider gives no holidays, so only the weekend and a
    calendar's extra closed days are closed then.

    Args:
        country: ISO 3166-1 alpha-2 code, such as ``"CZ"`` or ``"SK"``.
        subdivision: a region whose own holidays count too (``"BY"`` for
            Bavaria in ``"DE"``); ``None`` for the national ones only.
        language: the language of the names (``"cs"``, ``"en_US"``), if the
            package has it for the country; ``None`` for the package's default.

    Returns:
        A provider to give to `WorkingDayCalendar`.

    Raises:
        InvalidValue: the package does not know the country, the subdivision
            or the language (a ``ValueError``).
    """
    # Ask once now, so a typo in a code fails when the calendar is defined,
    # not in the middle of a deadline computation.
    try:
        probe = holidays.country_holidays(country, subdiv=subdivision, years=(), language=language)
    except NotImplementedError as exc:  # what the package raises for an unknown code
        asked = country if subdivision is None else f"{country}-{subdivision}"
        raise InvalidValue("country", "holidays-country", repr(asked)) from exc
    supported = tuple(getattr(probe, "supported_languages", ()))
    if language is not None and language not in supported:
        raise InvalidValue("language", "holidays-language", repr(language))

    def provide(year: int) -> Mapping[date, str]:
        found = holidays.country_holidays(
            country, subdiv=subdivision, years=year, language=language
        )
        return {day: str(name) for day, name in found.items()}

    return provide
