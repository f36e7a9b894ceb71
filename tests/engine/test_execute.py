"""Commands as data: `Engine.execute` is the one way in, and every command kind is handled."""

from __future__ import annotations

import typing
from datetime import UTC, date, datetime

import attrs
import pytest

import kwflow
from kwflow import (
    COMMAND_TYPES,
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Command,
    Dismiss,
    Dispose,
    Engine,
    Erase,
    Hold,
    Migrate,
    OpenCase,
    ReleaseHold,
    Replace,
    SimulatedClock,
    Submit,
    Unassign,
)
from kwflow.authoring import COMMAND_WORDS, describe_command
from kwflow.calendars import CalendarRegistry, WorkingDayCalendar
from kwflow.exceptions import ConcurrencyConflict, KwflowError, UnknownName
from tests.support.runtime import (
    GUEST,
    INTAKE,
    LEAD,
    MEMBER,
    Unchanged,
    check_case,
    make_engine,
    open_rules,
)

# One example of every kind of command on case "r1" of the rules fixture.
EXAMPLES: dict[type[Command], Command] = {
    OpenCase: OpenCase(process="rules", by=LEAD, case_id="r2"),
    Assign: Assign(case_id="r1", person=MEMBER, role="member", by=LEAD),
    Unassign: Unassign(case_id="r1", person=MEMBER, role="member", by=LEAD),
    Replace: Replace(
        case_id="r1", role="guest", person=GUEST, successor="gina", by=LEAD, reason="moved"
    ),
    Submit: Submit(case_id="r1", artifact="intake", data=INTAKE, by=LEAD),
    Act: Act(case_id="r1", action="begin", by=LEAD),
    CallIn: CallIn(case_id="r1", role="helper", by=LEAD),
    Dismiss: Dismiss(case_id="r1", role="helper", by=LEAD),
    CheckDeadlines: CheckDeadlines(case_id="r1"),
    Erase: Erase(case_id="r1", subject=MEMBER, by=LEAD, reason="the person asked (GDPR Art. 17)"),
    Hold: Hold(case_id="r1", by=LEAD, reason="court proceedings"),
    ReleaseHold: ReleaseHold(case_id="r1", by=LEAD, reason="proceedings ended"),
    Dispose: Dispose(case_id="r1", by=LEAD, reason="retention period over"),
    Migrate: Migrate(case_id="r1", to_version=2, by=LEAD),
}


def test_the_command_types_are_read_off_the_union() -> None:
    assert typing.get_args(Command) == COMMAND_TYPES
    assert set(EXAMPLES) == set(COMMAND_TYPES), "add an example of the new command above"
    assert set(kwflow.__all__) >= {kind.__name__ for kind in COMMAND_TYPES}


@pytest.mark.parametrize("kind", COMMAND_TYPES, ids=lambda kind: kind.__name__)
def test_every_command_is_decided_carried_out_or_refused_with_a_kwflow_error(
    rules: Engine, kind: type[Command]
) -> None:
    open_rules(rules)
    command = EXAMPLES[kind]
    try:
        case = rules.execute(command)
    except KwflowError:
        return
    check_case(rules, case)


@pytest.mark.parametrize("kind", COMMAND_TYPES, ids=lambda kind: kind.__name__)
def test_every_command_has_words_in_both_languages(kind: type[Command]) -> None:
    assert set(COMMAND_WORDS[kind.__name__]) == {"cs", "en"}
    process = make_engine("rules").registry.get("rules")
    for lang in ("cs", "en"):
        assert describe_command(process, EXAMPLES[kind], lang=lang).strip()


def test_a_command_record_is_frozen_and_compares_by_value() -> None:
    command = Act(case_id="r1", action="begin", by=LEAD)
    assert command == Act(case_id="r1", action="begin", by=LEAD)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        command.action = "other"  # type: ignore[misc]


@pytest.mark.parametrize("by", ["", None, 7])
def test_a_command_needs_a_person_who_gives_it(by: object) -> None:
    with pytest.raises((TypeError, ValueError), match="by is a person id"):
        Act(case_id="r1", action="begin", by=by)  # type: ignore[arg-type]


def test_execute_and_the_named_method_record_the_same_events(clock: SimulatedClock) -> None:
    by_record, by_method = make_engine("rules", clock=clock), make_engine("rules", clock=clock)
    for engine in (by_record, by_method):
        engine.execute(OpenCase(process="rules", by=LEAD, case_id="r1"))
    by_record.execute(Assign(case_id="r1", person=MEMBER, role="member", by=LEAD))
    by_method.assign("r1", MEMBER, "member", by=LEAD)
    assert by_record.history_unfiltered("r1") == by_method.history_unfiltered("r1")
    assert by_record.get_unfiltered("r1") == by_method.get_unfiltered("r1")


def test_a_stale_expected_version_in_the_record_is_refused(rules: Engine) -> None:
    case = open_rules(rules)
    stale = Unassign(case_id="r1", person=GUEST, role="guest", by=LEAD, expected_version=1)
    with Unchanged(rules, "r1"), pytest.raises(ConcurrencyConflict):
        rules.execute(stale)
    fresh = attrs.evolve(stale, expected_version=case.version)
    assert rules.execute(fresh).version == case.version + 1


def test_check_deadlines_with_nothing_due_writes_nothing(rules: Engine) -> None:
    case = open_rules(rules)
    with Unchanged(rules, "r1"):
        assert rules.execute(CheckDeadlines(case_id="r1")) == case


# ------------------------------------------------------------- calendars


def _clock_case(engine: Engine, clock: SimulatedClock) -> kwflow.Case:
    clock.set(datetime(2026, 10, 17, 8, tzinfo=UTC))
    engine.open_case("clock", by="bo", case_id="k")
    return engine.submit("k", "request", {"received": date(2026, 10, 17)}, by="bo")


def test_an_engine_counts_deadlines_on_the_calendars_it_is_given(clock: SimulatedClock) -> None:
    # Czech: a month from Sat 17 Oct 2026 is Tue 17 Nov, a public holiday, so Wed 18 Nov.
    czech = _clock_case(make_engine("clock", clock=clock), clock)
    assert czech.deadlines["month"].limit == datetime(2026, 11, 18, 22, 59, 59, 999999, tzinfo=UTC)
    # A calendar "cz" of the host's own, without public holidays: Tue 17 Nov stands.
    calendars = CalendarRegistry(built_in=False)
    calendars.register(WorkingDayCalendar("cz", lambda year: {}))
    own = make_engine("clock", clock=clock, calendars=calendars)
    assert own.calendars is calendars
    case = _clock_case(own, clock)
    assert case.deadlines["month"].limit == datetime(2026, 11, 17, 22, 59, 59, 999999, tzinfo=UTC)


def test_a_calendar_the_engine_does_not_know_is_named(clock: SimulatedClock) -> None:
    engine = make_engine("clock", clock=clock, calendars=CalendarRegistry(built_in=False))
    clock.set(datetime(2026, 10, 17, 8, tzinfo=UTC))
    engine.open_case("clock", by="bo", case_id="k")
    with Unchanged(engine, "k"), pytest.raises(UnknownName, match="cz"):
        engine.submit("k", "request", {"received": date(2026, 10, 17)}, by="bo")
