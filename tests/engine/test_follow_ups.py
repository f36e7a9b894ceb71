"""Opening a case as a follow-up of an earlier one: the link, the documents carried over,
the refusals (each leaving no trace) and a retried opening."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from kwflow import OpenCase
from kwflow.engine import fold
from kwflow.exceptions import (
    CarryOverInvalid,
    CaseNotFound,
    EarlierCaseNotFound,
    EarlierCaseOpen,
    EarlierOutcomeNotListed,
    FollowUpNotDeclared,
    IdempotencyConflict,
    InvalidQuery,
    KwflowError,
    NotInEarlierCase,
)
from kwflow.history import thaw
from tests.support.follow_ups import (
    CONVENER,
    GUEST,
    MINUTES,
    STRANGER,
    held_conference,
    pair_engine,
)
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from kwflow import Engine


def refused(engine: Engine, error: type[KwflowError], code: str, **command: object) -> KwflowError:
    """Opening with ``command`` raises ``error`` with ``code`` in both languages; nothing stored."""
    with Unchanged(engine), pytest.raises(error) as raised:
        engine.execute(OpenCase(**command))  # type: ignore[arg-type]
    assert raised.value.code == code
    assert raised.value.render("cs") != raised.value.render("en")
    assert "control_conference" not in {s.process for s in engine.find_cases()}
    return raised.value


def test_a_follow_up_opens_with_the_earlier_minutes_and_their_date() -> None:
    engine = pair_engine()
    held_conference(engine)
    case = engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    check_case(engine, case)
    assert case.follows == "c1"
    assert case.opened_by == CONVENER
    assert case.roles == {"convener": (CONVENER,)}
    (version,) = case.artifacts["previous_minutes"]
    assert thaw(version.data) == {
        "summary": MINUTES["summary"],
        "follow_up_on": "2026-12-01",
        "tasks": MINUTES["tasks"],
    }
    assert (version.number, version.by, version.sequence) == (1, CONVENER, 2)
    # The carried date starts the control conference's deadline.
    deadline = case.deadlines["control_date"]
    assert deadline.status.value == "pending"
    assert deadline.anchor_key == "2026-12-01"
    # The earlier case is untouched and names no follow-up itself.
    assert engine.get_unfiltered("c1").follows is None
    assert engine.get_unfiltered("c1").version == 3
    # The documents needed to hold the control conference are there already.
    assert engine.act("k1", "hold", by=CONVENER).outcome == "held"


def test_the_history_of_a_follow_up_says_what_it_followed_and_copied() -> None:
    engine = pair_engine()
    held_conference(engine)
    engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    opened, carried = engine.history_unfiltered("k1")
    assert opened.payload["follows"] == {
        "case": "c1",
        "process": "conference",
        "version": 1,
        "outcome": "held",
    }
    assert carried.type == "artifact_submitted"
    assert carried.actor == CONVENER
    assert carried.at == opened.at
    assert carried.payload["carried"] == {"case": "c1", "artifact": "minutes", "version": 1}
    # Replay reads this history only: folding it alone gives the case.
    process = engine.process_of("k1")
    assert fold(process, [opened, carried]) == engine.get_unfiltered("k1")


def test_the_newest_version_of_the_earlier_document_is_carried() -> None:
    engine = pair_engine()
    engine.open_case("conference", by=CONVENER, case_id="c1")
    engine.submit("c1", "minutes", {**MINUTES, "summary": "draft"}, by=CONVENER)
    engine.act("c1", "hold", by=CONVENER, data={**MINUTES, "next_conference_on": "2027-01-11"})
    case = engine.open_case("control_conference", by=CONVENER, follows="c1")
    (version,) = case.artifacts["previous_minutes"]
    assert version.data["follow_up_on"] == "2027-01-11"
    assert version.data["summary"] == MINUTES["summary"]
    assert engine.history_unfiltered(case.id)[1].payload["carried"]["version"] == 2


def test_an_earlier_case_that_is_not_there() -> None:
    engine = pair_engine()
    error = refused(
        engine,
        EarlierCaseNotFound,
        "follow-up.earlier-not-found",
        process="control_conference",
        by=CONVENER,
        follows="c9",
    )
    assert isinstance(error, LookupError)
    assert error.params == {"earlier_case": "c9"}
    assert str(error) == (
        "no case with id 'c9' exists to be followed up: name the earlier case by its id"
    )
    assert error.render("cs") == ("případ 'c9', na který má nový případ navázat, neexistuje")


def test_a_process_that_does_not_follow_the_earlier_one() -> None:
    engine = pair_engine()
    held_conference(engine)
    # A conference follows nothing up, not even another conference.
    error = refused(
        engine,
        FollowUpNotDeclared,
        "follow-up.not-declared",
        process="conference",
        by=CONVENER,
        follows="c1",
    )
    assert error.params == {
        "process_id": "conference",
        "earlier_case": "c1",
        "earlier_process": "conference",
    }
    assert "does not declare under 'follows'" in str(error)
    assert "neuvádí" in error.render("cs")


def test_an_earlier_case_still_open() -> None:
    engine = pair_engine()
    engine.open_case("conference", by=CONVENER, case_id="c1")
    error = refused(
        engine,
        EarlierCaseOpen,
        "follow-up.earlier-open",
        process="control_conference",
        by=CONVENER,
        follows="c1",
    )
    assert error.params == {"earlier_case": "c1", "outcomes": "held"}
    assert str(error) == (
        "case 'c1' is still open: a follow-up opens once it has ended with one of held"
    )
    assert "ještě běží" in error.render("cs")


def test_an_earlier_case_with_another_outcome() -> None:
    engine = pair_engine()
    engine.open_case("conference", by=CONVENER, case_id="c1")
    engine.act("c1", "call_off", by=CONVENER)
    error = refused(
        engine,
        EarlierOutcomeNotListed,
        "follow-up.earlier-outcome",
        process="control_conference",
        by=CONVENER,
        follows="c1",
    )
    assert error.params == {"earlier_case": "c1", "outcome": "called_off", "outcomes": "held"}
    assert "ended with 'called_off'" in str(error)
    assert "skončil výsledkem 'called_off'" in error.render("cs")


def test_someone_who_took_no_part_in_the_earlier_case() -> None:
    engine = pair_engine()
    held_conference(engine)
    error = refused(
        engine,
        NotInEarlierCase,
        "follow-up.not-in-earlier-case",
        process="control_conference",
        by=STRANGER,
        follows="c1",
    )
    assert isinstance(error, PermissionError)
    assert error.params == {"person": STRANGER, "earlier_case": "c1"}
    assert "took no part in case 'c1'" in str(error)
    assert "neúčastnil" in error.render("cs")


def test_carried_data_that_does_not_fit_this_process() -> None:
    # The control conference needs the date; these minutes set none.
    engine = pair_engine()
    minutes = {key: value for key, value in MINUTES.items() if key != "next_conference_on"}
    held_conference(engine, minutes=minutes)
    error = refused(
        engine,
        CarryOverInvalid,
        "follow-up.carry-over-invalid",
        process="control_conference",
        by=CONVENER,
        follows="c1",
    )
    assert isinstance(error, CarryOverInvalid)
    assert [(e.path, e.code) for e in error.errors] == [("follow_up_on", "field.missing")]
    assert str(error) == (
        "'minutes' of case 'c1' cannot be carried over as 'previous_minutes': "
        "follow_up_on: a value is required"
    )
    assert error.render("cs") == (
        "dokument 'minutes' z případu 'c1' nelze převzít jako 'previous_minutes': "
        "follow_up_on: hodnota je povinná"
    )
    assert error.to_dict()["errors"][0]["code"] == "field.missing"


def test_an_earlier_case_whose_process_is_not_known_to_the_engine() -> None:
    # A handover case is no conference: no follows entry names its process.
    engine = make_engine("conference", "control_conference", "handover")
    engine.open_case("handover", by=CONVENER, case_id="h1")
    refused(
        engine,
        FollowUpNotDeclared,
        "follow-up.not-declared",
        process="control_conference",
        by=CONVENER,
        follows="h1",
    )


def test_a_retried_opening_with_its_key_opens_one_follow_up() -> None:
    engine = pair_engine()
    held_conference(engine)
    first = engine.open_case(
        "control_conference", by=CONVENER, follows="c1", idempotency_key="form-1"
    )
    with Unchanged(engine, first.id):
        again = engine.open_case(
            "control_conference", by=CONVENER, follows="c1", idempotency_key="form-1"
        )
    assert again == first
    assert [s.id for s in engine.follow_ups("c1")] == [first.id]
    # The same key for another earlier case is another command.
    held_conference(engine, "c2")
    with Unchanged(engine), pytest.raises(IdempotencyConflict):
        engine.open_case("control_conference", by=CONVENER, follows="c2", idempotency_key="form-1")


def test_follow_ups_of_an_unknown_case_and_bad_filters() -> None:
    engine = pair_engine()
    with pytest.raises(CaseNotFound):
        engine.follow_ups("c9")
    with pytest.raises(InvalidQuery):
        engine.follow_ups("")
    with pytest.raises(InvalidQuery):
        engine.find_cases(follows="")


def test_views_and_json_name_the_earlier_case() -> None:
    engine = pair_engine()
    held_conference(engine)
    engine.open_case("control_conference", by=GUEST, case_id="k1", follows="c1")
    assert engine.view("k1", GUEST).follows == "c1"
    assert engine.view("k1", GUEST).to_dict()["follows"] == "c1"
    assert engine.view("c1", GUEST).to_dict()["follows"] is None
    assert engine.get_unfiltered("k1").to_dict()["follows"] == "c1"
    latest = engine.get_unfiltered("k1").latest("previous_minutes")
    assert latest is not None
    assert date.fromisoformat(latest.data["follow_up_on"]) == date(2026, 12, 1)
