"""Finding calendars by id: the built-in one, a host's own, unknown ids."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from kwflow.calendars import (
    CalendarRegistry,
    WorkingDayCalendar,
    available_calendars,
    get_calendar,
    public_holidays,
    register_calendar,
)
from kwflow.exceptions import CalendarExists, KwflowError, UnknownName, WrongType


def czech_office(calendar_id: str) -> WorkingDayCalendar:
    # An NGO office that closes on the Friday before its annual retreat.
    return WorkingDayCalendar(
        calendar_id,
        public_holidays("CZ", language="cs"),
        extra_closed_days={date(2026, 11, 13): "team retreat"},
    )


def test_cz_is_built_in_and_made_once() -> None:
    assert "cz" in available_calendars()
    calendar = get_calendar("cz")
    assert calendar.id == "cz"
    assert get_calendar("cz") is calendar


def test_an_unknown_id_names_the_known_ones() -> None:
    with pytest.raises(UnknownName, match=r"unknown calendar 'mars'; known: .*cz") as caught:
        get_calendar("mars")
    assert caught.value.kind == "calendar"
    assert caught.value.name == "mars"
    assert "cz" in caught.value.known
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, KwflowError)


def test_a_registered_calendar_with_an_extra_closure_works() -> None:
    # The shared registry outlives this test: a unique id keeps it from
    # clashing with any other test.
    calendar_id = f"office_{uuid.uuid4().hex[:8]}"
    register_calendar(czech_office(calendar_id))
    assert calendar_id in available_calendars()
    calendar = get_calendar(calendar_id)
    # From Wed 11 November 2026: Thu 12 (1), Fri 13 closed, Mon 16 (2),
    # Tue 17 a holiday, Wed 18 (3).
    assert calendar.add_working_days(date(2026, 11, 11), 3) == date(2026, 11, 18)
    assert get_calendar("cz").add_working_days(date(2026, 11, 11), 3) == date(2026, 11, 16)


def test_an_id_is_registered_once_unless_replaced() -> None:
    registry = CalendarRegistry()
    first = czech_office("office")
    second = czech_office("office")
    registry.register(first)
    with pytest.raises(CalendarExists) as caught:
        registry.register(second)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "calendar.exists"
    assert str(caught.value) == (
        "a calendar 'office' is already registered: pass replace=True to replace it"
    )
    assert caught.value.render("cs") == (
        "kalendář 'office' už je zaregistrován: chcete-li ho nahradit, předejte replace=True"
    )
    assert registry.get("office") is first
    registry.register(second, replace=True)
    assert registry.get("office") is second


def test_the_built_in_calendar_can_be_replaced_only_on_purpose() -> None:
    registry = CalendarRegistry()
    english = WorkingDayCalendar("cz", public_holidays("CZ", language="en_US"))
    with pytest.raises(CalendarExists, match="'cz' is already registered"):
        registry.register(english)
    registry.register(english, replace=True)
    assert registry.get("cz") is english
    assert registry.get("cz").holidays_in(2026)[date(2026, 12, 24)] == "Christmas Eve"


def test_a_registry_without_built_ins() -> None:
    registry = CalendarRegistry(built_in=False)
    assert registry.ids() == ()
    with pytest.raises(UnknownName, match="known: none"):
        registry.get("cz")
    registry.register(czech_office("office"))
    assert registry.ids() == ("office",)


def test_registries_are_independent() -> None:
    one, other = CalendarRegistry(), CalendarRegistry()
    one.register(czech_office("office"))
    assert one.ids() == ("cz", "office")
    assert other.ids() == ("cz",)
    # Each makes its own built-in calendar.
    assert one.get("cz") is not other.get("cz")


def test_only_calendars_can_be_registered() -> None:
    with pytest.raises(WrongType) as caught:
        CalendarRegistry().register("cz")  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert str(caught.value) == "calendar is a working-day calendar (WorkingDayCalendar), not str"
    assert caught.value.render("cs") == (
        "'calendar' je pracovní kalendář (WorkingDayCalendar), ne str"
    )
