"""The built-in Czech calendar against dates checked by hand (domain.md section 3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kwflow.calendars import get_calendar
from kwflow.exceptions import InvalidValue

CZ = get_calendar("cz")

# Act 245/2000 as it stands (Good Friday since 2016), written out by hand.
# Easter Sunday is 5 April 2026 and 28 March 2027; see test_easter_dates.
HOLIDAYS_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 1),
    date(2026, 5, 8),
    date(2026, 7, 5),  # a Sunday: no substitute day
    date(2026, 7, 6),
    date(2026, 9, 28),
    date(2026, 10, 28),
    date(2026, 11, 17),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 26),  # a Saturday
}
HOLIDAYS_2027 = {
    date(2027, 1, 1),
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 5, 1),  # a Saturday
    date(2027, 5, 8),  # a Saturday
    date(2027, 7, 5),
    date(2027, 7, 6),
    date(2027, 9, 28),
    date(2027, 10, 28),
    date(2027, 11, 17),
    date(2027, 12, 24),
    date(2027, 12, 25),  # a Saturday
    date(2027, 12, 26),  # a Sunday
}


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def test_easter_dates() -> None:
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2024) == date(2024, 3, 31)  # a known date, to check the algorithm


@pytest.mark.parametrize(("year", "expected"), [(2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)])
def test_holidays_in_lists_exactly_the_law(year: int, expected: set[date]) -> None:
    listed = CZ.holidays_in(year)
    assert set(listed) == expected
    assert list(listed) == sorted(listed)
    assert all(name for name in listed.values())


def test_holiday_names_are_czech() -> None:
    assert CZ.holidays_in(2026)[date(2026, 12, 24)] == "Štědrý den"
    assert CZ.holidays_in(2026)[date(2026, 4, 3)] == "Velký pátek"


@pytest.mark.parametrize("year", [2026, 2027])
def test_working_days_are_the_weekdays_that_are_not_holidays(year: int) -> None:
    expected = HOLIDAYS_2026 if year == 2026 else HOLIDAYS_2027
    day = date(year, 1, 1)
    while day.year == year:
        assert CZ.is_working_day(day) == (day.weekday() < 5 and day not in expected), day
        day += timedelta(days=1)


def test_good_friday_and_easter_monday_are_holidays_every_year() -> None:
    for year in range(2016, 2101):
        easter = easter_sunday(year)
        for day in (easter - timedelta(days=2), easter + timedelta(days=1)):
            assert day in CZ.holidays_in(year), day
            assert not CZ.is_working_day(day), day


def test_good_friday_was_a_working_day_before_2016() -> None:
    good_friday_2015 = easter_sunday(2015) - timedelta(days=2)
    assert good_friday_2015 == date(2015, 4, 3)
    assert CZ.is_working_day(good_friday_2015)


def test_the_domain_example() -> None:
    # Meeting on Tue 27 October 2026; 28 October is a holiday; the minutes
    # are due on the 5th working day after the meeting: Wed 4 November.
    assert CZ.add_working_days(date(2026, 10, 27), 5) == date(2026, 11, 4)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas 2026: Thu 24, Fri 25 are holidays, then the weekend.
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        # ... and New Year's Day is a Friday.
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        (date(2027, 1, 4), -5, date(2026, 12, 23)),
        # Christmas 2027: Fri 24 is a holiday, 25 and 26 fall on the weekend.
        (date(2027, 12, 23), 1, date(2027, 12, 27)),
        (date(2027, 12, 27), -1, date(2027, 12, 23)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 7), -1, date(2026, 4, 2)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 30), -1, date(2027, 3, 25)),
        # Two holidays on Sunday and Monday, 5 and 6 July 2026.
        (date(2026, 7, 3), 1, date(2026, 7, 7)),
        # The start day is never counted, working day or not.
        (date(2026, 10, 30), 1, date(2026, 11, 2)),  # Friday -> Monday
        (date(2026, 10, 31), 1, date(2026, 11, 2)),  # Saturday -> Monday
        (date(2026, 10, 28), 1, date(2026, 10, 29)),  # holiday -> next day
        (date(2026, 11, 2), -1, date(2026, 10, 30)),  # Monday -> Friday
        (date(2026, 11, 1), -1, date(2026, 10, 30)),  # Sunday -> Friday
        # Across the turn of a year and a decade: Fri 21 (1), Christmas on
        # Mon-Wed, Thu 27 (2), Fri 28 (3), Mon 31 (4), New Year on Tuesday,
        # 2-4 January (5-7), 7-9 January (8-10).
        (date(2029, 12, 20), 10, date(2030, 1, 9)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CZ.add_working_days(start, n) == expected


def test_next_and_previous_working_day() -> None:
    assert CZ.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
    assert CZ.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 23)
    assert CZ.next_working_day(date(2026, 11, 16)) == date(2026, 11, 18)


def test_zero_working_days() -> None:
    assert CZ.add_working_days(date(2026, 10, 27), 0) == date(2026, 10, 27)
    with pytest.raises(InvalidValue) as caught:
        CZ.add_working_days(date(2026, 10, 28), 0)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.invalid-value"
    assert str(caught.value) == (
        "day must be a working day when counting 0 working days "
        "(else use next_working_day or previous_working_day), not 2026-10-28"
    )
    assert caught.value.render("cs") == (
        "'day' musí být pracovní den, když se počítá 0 pracovních dnů "
        "(jinak použijte next_working_day nebo previous_working_day), ne 2026-10-28"
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 10, 27), date(2026, 11, 4), 5),
        (date(2026, 11, 4), date(2026, 10, 27), -5),
        (date(2026, 10, 27), date(2026, 10, 27), 0),
        (date(2026, 12, 23), date(2026, 12, 27), 0),  # only holidays and a weekend
        # 2026: 261 weekdays, 11 of them holidays (5 July and 26 December
        # fall on a weekend); 1 January is one of them, so it makes no odds
        # that the start day is not counted.
        (date(2026, 1, 1), date(2026, 12, 31), 250),
        (date(2025, 12, 31), date(2026, 12, 31), 250),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CZ.working_days_between(start, end) == expected


def test_no_holidays_are_known_outside_the_packages_years() -> None:
    # The holidays package knows Czech holidays from 1952 to 2100; outside
    # that span only weekends are closed. This pins the documented behaviour.
    assert CZ.holidays_in(1900) == {}
    assert CZ.holidays_in(2200) == {}
    assert CZ.is_working_day(date(2200, 12, 24))  # a Wednesday
    assert CZ.add_working_days(date(1900, 1, 5), 1) == date(1900, 1, 8)  # Friday -> Monday
