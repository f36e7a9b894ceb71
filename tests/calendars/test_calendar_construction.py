"""Building calendars of one's own: weekends, closures, open days, providers, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from kwflow.calendars import WorkingDayCalendar, public_holidays
from kwflow.exceptions import InvalidValue, OutOfCalendarRange, ReadOnly, WrongType

if TYPE_CHECKING:
    from collections.abc import Mapping


def no_holidays(year: int) -> Mapping[date, str]:
    return {}


def test_an_extra_closed_day_is_not_a_working_day() -> None:
    # An office closed on Tuesday 29 December 2026, between Christmas and New Year.
    closure = date(2026, 12, 29)
    calendar = WorkingDayCalendar(
        "cz_office", public_holidays("CZ"), extra_closed_days={closure: "office closed"}
    )
    assert not calendar.is_working_day(closure)
    assert calendar.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert calendar.add_working_days(date(2026, 12, 28), 1) == date(2026, 12, 30)
    assert calendar.holidays_in(2026)[closure] == "office closed"
    assert calendar.extra_closed_days == {closure: "office closed"}


def test_extra_closed_days_without_names_are_called_closed() -> None:
    calendar = WorkingDayCalendar("plain", no_holidays, extra_closed_days=[date(2026, 6, 1)])
    assert calendar.holidays_in(2026) == {date(2026, 6, 1): "closed"}


def test_a_closure_on_a_holiday_keeps_both_names() -> None:
    calendar = WorkingDayCalendar(
        "both",
        lambda year: {date(year, 1, 1): "New Year"},
        extra_closed_days={date(2026, 1, 1): "stocktaking"},
    )
    assert calendar.holidays_in(2026) == {date(2026, 1, 1): "New Year; stocktaking"}


def test_an_extra_open_day_wins_over_weekend_and_holiday() -> None:
    saturday = date(2026, 10, 31)
    holiday = date(2026, 10, 28)
    calendar = WorkingDayCalendar(
        "open", public_holidays("CZ"), extra_open_days=[saturday, holiday]
    )
    assert calendar.is_working_day(saturday)
    assert calendar.is_working_day(holiday)
    assert holiday not in calendar.holidays_in(2026)
    assert calendar.add_working_days(date(2026, 10, 30), 1) == saturday
    assert calendar.extra_open_days == {saturday, holiday}


def test_another_weekend() -> None:
    # Friday and Saturday off, as in several countries.
    calendar = WorkingDayCalendar("fri_sat", no_holidays, weekend=(4, 5))
    assert calendar.weekend == {4, 5}
    thursday = date(2026, 10, 29)
    assert calendar.add_working_days(thursday, 1) == date(2026, 11, 1)  # Sunday
    assert calendar.is_working_day(date(2026, 11, 1))
    assert not calendar.is_working_day(date(2026, 10, 30))


def test_no_weekend_at_all() -> None:
    calendar = WorkingDayCalendar("every_day", no_holidays, weekend=())
    assert calendar.add_working_days(date(2026, 1, 1), 365) == date(2027, 1, 1)


def test_another_country_via_the_holidays_package() -> None:
    slovakia = WorkingDayCalendar("sk", public_holidays("SK", language="en_US"))
    # 29 August, the Slovak National Uprising anniversary, is a Slovak holiday only.
    assert not slovakia.is_working_day(date(2025, 8, 29))
    assert "Slovak National Uprising" in slovakia.holidays_in(2025)[date(2025, 8, 29)]


def test_a_subdivision_adds_its_holidays() -> None:
    bavaria = WorkingDayCalendar("de_by", public_holidays("DE", subdivision="BY"))
    berlin = WorkingDayCalendar("de_be", public_holidays("DE", subdivision="BE"))
    epiphany = date(2026, 1, 6)  # a Tuesday; a holiday in Bavaria, not in Berlin
    assert not bavaria.is_working_day(epiphany)
    assert berlin.is_working_day(epiphany)


def test_a_provider_may_return_other_years_which_are_ignored() -> None:
    closures = {date(2026, 3, 2): "move", date(2027, 3, 1): "move again"}
    calendar = WorkingDayCalendar("moves", lambda year: closures)
    assert calendar.holidays_in(2026) == {date(2026, 3, 2): "move"}
    assert calendar.holidays_in(2027) == {date(2027, 3, 1): "move again"}
    assert not calendar.is_working_day(date(2027, 3, 1))


def test_the_provider_is_asked_once_per_year() -> None:
    asked: list[int] = []

    def provider(year: int) -> Mapping[date, str]:
        asked.append(year)
        return {}

    calendar = WorkingDayCalendar("counted", provider)
    for _ in range(3):
        calendar.add_working_days(date(2026, 5, 5), 400)
        calendar.holidays_in(2026)
    assert sorted(asked) == sorted(set(asked))
    assert 2026 in asked
    assert 2027 in asked


BAD_DEFINITIONS: list[tuple[dict[str, object], str, str, str]] = [
    (
        {"id": "CZ"},
        "id",
        "id must be lower-case letters, digits and underscores, starting with a letter, not 'CZ'",
        "'id' musí být malá písmena, číslice a podtržítka, na začátku písmeno, ne 'CZ'",
    ),
    (
        {"id": ""},
        "id",
        "id must be lower-case letters, digits and underscores, starting with a letter, not ''",
        "'id' musí být malá písmena, číslice a podtržítka, na začátku písmeno, ne ''",
    ),
    (
        {"id": "cz-office"},
        "id",
        (
            "id must be lower-case letters, digits and underscores, starting with a letter, "
            "not 'cz-office'"
        ),
        "'id' musí být malá písmena, číslice a podtržítka, na začátku písmeno, ne 'cz-office'",
    ),
    (
        {"weekend": (5, 7)},
        "weekend",
        "weekend must be day numbers from 0 (Monday) to 6 (Sunday), not [5, 7]",
        "'weekend' musí být čísla dnů v týdnu od 0 (pondělí) do 6 (neděle), ne [5, 7]",
    ),
    (
        {"weekend": range(7)},
        "weekend",
        (
            "weekend must be fewer than all seven days (else no working day is left), "
            "not [0, 1, 2, 3, 4, 5, 6]"
        ),
        (
            "'weekend' musí být méně než všech sedm dnů (jinak nezbude žádný pracovní den), "
            "ne [0, 1, 2, 3, 4, 5, 6]"
        ),
    ),
    (
        {"extra_closed_days": [date(2026, 1, 2)], "extra_open_days": [date(2026, 1, 2)]},
        "extra_open_days",
        "extra_open_days must be days that are not extra closed days too, not 2026-01-02",
        (
            "'extra_open_days' musí být dny, které nejsou zároveň mezi dny navíc zavřenými, "
            "ne 2026-01-02"
        ),
    ),
]


@pytest.mark.parametrize(("kwargs", "what", "english", "czech"), BAD_DEFINITIONS)
def test_bad_definitions_are_refused(
    kwargs: dict[str, object], what: str, english: str, czech: str
) -> None:
    arguments: dict[str, object] = {"id": "ok", "holidays": no_holidays, **kwargs}
    with pytest.raises(InvalidValue) as caught:
        WorkingDayCalendar(**arguments)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.params["what"]) == ("input.invalid-value", what)
    assert (str(error), error.render("cs")) == (english, czech)


def test_an_id_that_is_not_text_is_the_wrong_type() -> None:
    with pytest.raises(WrongType) as caught:
        WorkingDayCalendar(7, no_holidays)  # type: ignore[arg-type]
    assert caught.value.code == "input.wrong-type"
    assert str(caught.value) == "id is an id (a string), not int"
    assert caught.value.render("cs") == "'id' je identifikátor (text), ne int"


def test_datetimes_are_refused_where_dates_belong() -> None:
    moment = datetime(2026, 10, 27, 23, 30, tzinfo=UTC)
    with pytest.raises(WrongType) as caught:
        WorkingDayCalendar("x", no_holidays, extra_closed_days=[moment])
    assert isinstance(caught.value, TypeError)
    assert caught.value.code == "input.wrong-type"
    assert str(caught.value) == "extra_closed_days is a date (a date, not a datetime), not datetime"
    assert caught.value.render("cs") == (
        "'extra_closed_days' je datum (date, ne datetime), ne datetime"
    )
    calendar = WorkingDayCalendar("x", no_holidays)
    for query in (
        lambda: calendar.add_working_days(moment, 1),
        lambda: calendar.is_working_day(moment),
        lambda: calendar.working_days_between(moment, date(2026, 11, 1)),
    ):
        with pytest.raises(WrongType) as refused:
            query()
        assert refused.value.params == {"what": "day", "expected": "date", "found": "datetime"}


def test_a_provider_giving_datetimes_is_refused() -> None:
    calendar = WorkingDayCalendar("bad", lambda year: {datetime(year, 1, 1, tzinfo=UTC): "x"})
    with pytest.raises(WrongType) as caught:
        calendar.is_working_day(date(2026, 1, 1))
    assert isinstance(caught.value, TypeError)
    assert str(caught.value) == "bad.holidays is a date (a date, not a datetime), not datetime"
    assert caught.value.render("cs") == "'bad.holidays' je datum (date, ne datetime), ne datetime"


def test_a_provider_that_is_not_callable_is_refused() -> None:
    with pytest.raises(WrongType) as caught:
        WorkingDayCalendar("bad", {date(2026, 1, 1): "x"})  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert str(caught.value) == "holidays is a function (callable), not dict"
    assert caught.value.render("cs") == "'holidays' je funkce (callable), ne dict"


@pytest.mark.parametrize(
    ("kwargs", "english", "czech"),
    [
        (
            {"country": "XX"},
            (
                "country must be a country (and subdivision) whose holidays the holidays package "
                "knows, not 'XX'"
            ),
            "'country' musí být země (a její oblast), jejíž svátky balíček holidays zná, ne 'XX'",
        ),
        (
            {"country": "DE", "subdivision": "XX"},
            (
                "country must be a country (and subdivision) whose holidays the holidays package "
                "knows, not 'DE-XX'"
            ),
            (
                "'country' musí být země (a její oblast), jejíž svátky balíček holidays zná, "
                "ne 'DE-XX'"
            ),
        ),
        (
            {"country": "CZ", "language": "xx"},
            (
                "language must be a language the holidays package has the country's holiday names "
                "in, not 'xx'"
            ),
            (
                "'language' musí být jazyk, ve kterém balíček holidays zná názvy svátků té země, "
                "ne 'xx'"
            ),
        ),
    ],
)
def test_public_holidays_refuses_what_the_package_lacks(
    kwargs: dict[str, str], english: str, czech: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        public_holidays(**kwargs)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.invalid-value"
    assert (str(caught.value), caught.value.render("cs")) == (english, czech)


def test_the_calendar_cannot_be_changed() -> None:
    calendar = WorkingDayCalendar("fixed", no_holidays)
    with pytest.raises(ReadOnly) as caught:
        calendar.id = "other"  # type: ignore[misc]
    assert isinstance(caught.value, AttributeError)
    assert caught.value.code == "object.read-only"
    assert str(caught.value) == "a WorkingDayCalendar cannot be changed (setting 'id')"
    assert caught.value.render("cs") == (
        "pracovní kalendář (WorkingDayCalendar) nelze měnit (atribut 'id')"
    )
    with pytest.raises(AttributeError, match="cannot be changed"):
        calendar._table = None
    with pytest.raises(AttributeError, match="cannot be changed"):
        del calendar._weekend
    assert calendar.id == "fixed"
    assert repr(calendar) == "WorkingDayCalendar('fixed')"


def test_the_ends_of_the_stdlib_date_range() -> None:
    calendar = WorkingDayCalendar("whole_range", no_holidays)
    assert calendar.add_working_days(date(9999, 12, 30), 1) == date(9999, 12, 31)  # a Friday
    assert calendar.add_working_days(date(1, 1, 2), -1) == date(1, 1, 1)  # a Monday
    with pytest.raises(OutOfCalendarRange) as caught:
        calendar.add_working_days(date(9999, 12, 31), 1)
    error = caught.value
    assert isinstance(error, OverflowError)
    assert error.code == "calendar.out-of-range"
    assert str(error) == "1 working days from 9999-12-31 is outside years 1-9999"
    assert error.render("cs") == "1 pracovní den od 9999-12-31 vychází mimo roky 1-9999"
    with pytest.raises(OutOfCalendarRange, match="outside years 1-9999"):
        calendar.add_working_days(date(1, 1, 1), -1)
    with pytest.raises(InvalidValue) as year:
        calendar.holidays_in(10_000)
    assert isinstance(year.value, ValueError)
    assert str(year.value) == "year must be a year from 1 to 9999, not 10000"
    assert year.value.render("cs") == "'year' musí být rok od 1 do 9999, ne 10000"


def test_the_years_calendars_know_are_the_ones_the_errors_name() -> None:
    from kwflow.calendars._table import FIRST_YEAR, LAST_YEAR

    assert f"from {FIRST_YEAR} to {LAST_YEAR}" in str(InvalidValue("year", "calendar-year", "0"))


def test_a_pendulum_date_is_a_date() -> None:
    import pendulum

    calendar = WorkingDayCalendar("p", no_holidays)
    result = calendar.add_working_days(pendulum.date(2026, 10, 30), 1)
    assert result == date(2026, 11, 2)
    assert type(result) is date
    assert type(calendar.add_working_days(pendulum.date(2026, 10, 30), 0)) is date
