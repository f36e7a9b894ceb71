"""Per-person artifacts and quantified conditions (issue 13, domain.md 6).

The fixture ``invitations`` keeps one invitation per family member and
child; the coordinator may start the conference only when every one of
them has an invitation saying they were informed. The attendance list is
one document whose items the closing actions quantify over.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from kwflow import Submit
from kwflow.engine import CaseViewJSON
from kwflow.engine._idempotency import content_hash
from kwflow.exceptions import ActionNotAllowed, ReasonCode
from kwflow.history import canonical_json
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from kwflow import Case, Engine

COORDINATOR, PETR, EVA, CHILD, OBSERVER = "kate", "petr", "eva", "tom", "olga"
INFORMED = {"informed": True}


def opened(*, child: bool = True) -> Engine:
    """An invitations case ``i1`` with two family members, maybe a child, and an observer."""
    engine = make_engine("invitations")
    engine.open_case("invitations", by=COORDINATOR, case_id="i1")
    engine.assign("i1", PETR, "family_member", by=COORDINATOR)
    engine.assign("i1", EVA, "family_member", by=COORDINATOR)
    if child:
        engine.assign("i1", CHILD, "child", by=COORDINATOR)
    engine.assign("i1", OBSERVER, "observer", by=COORDINATOR)
    return engine


def invite(engine: Engine, person: str, data: dict[str, Any] | None = None) -> Case:
    return engine.submit("i1", "invitation", data or INFORMED, by=COORDINATOR, about=person)


def reasons_of(engine: Engine, action: str) -> list[Any]:
    (option,) = [o for o in engine.available_actions("i1", COORDINATOR) if o.action == action]
    return list(option.reasons)


# ------------------------------------------------------------------ submitting


def test_each_person_has_their_own_copy_with_its_own_versions() -> None:
    engine = opened()
    invite(engine, PETR, {"informed": False})
    invite(engine, EVA)
    case = invite(engine, PETR, {"informed": True, "note": "called twice"})
    check_case(engine, case)
    petr = case.latest("invitation", about=PETR)
    eva = case.latest("invitation", about=EVA)
    assert petr is not None
    assert eva is not None
    assert (petr.number, petr.about, dict(petr.data)) == (
        2,
        PETR,
        {"informed": True, "note": "called twice"},
    )
    assert (eva.number, eva.about) == (1, EVA)
    assert case.latest("invitation", about=CHILD) is None
    assert list(case.copies("invitation")) == [PETR, EVA]
    assert case.copies("invitation")[PETR] == petr
    # The newest version about anyone, and every version in order.
    assert case.latest("invitation") == petr
    assert [v.about for v in case.artifacts["invitation"]] == [PETR, EVA, PETR]
    events = [e for e in engine.history_unfiltered("i1") if e.type == "artifact_submitted"]
    assert [(e.payload["about"], e.payload["version"]) for e in events] == [
        (PETR, 1),
        (EVA, 1),
        (PETR, 2),
    ]
    # The JSON form keeps it, and another artifact's versions have no "about" key.
    dumped = case.to_dict()["artifacts"]["invitation"]
    assert [v["about"] for v in dumped] == [PETR, EVA, PETR]


def test_a_per_person_artifact_refuses_a_submission_about_nobody() -> None:
    engine = opened()
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed) as caught:
        engine.submit("i1", "invitation", INFORMED, by=COORDINATOR)
    (reason,) = caught.value.reasons
    assert reason.code is ReasonCode.ABOUT_REQUIRED
    assert reason.params["roles"] == "child, family_member"
    assert "name the person it is about (about=)" in caught.value.render("en")
    assert reason.render("cs") == (
        "dokument 'invitation' se vede pro každou osobu zvlášť (v rolích child, "
        "family_member); uveďte, o kom je (about=)"
    )
    assert caught.value.code == "action.not-allowed"


def test_another_artifact_refuses_a_person_to_be_about() -> None:
    engine = opened()
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed) as caught:
        engine.submit("i1", "attendance", {"attendees": []}, by=COORDINATOR, about=PETR)
    (reason,) = caught.value.reasons
    assert reason.code is ReasonCode.ABOUT_NOT_ALLOWED
    assert reason.params == {"artifact": "attendance", "person": PETR}
    assert "one document per case" in reason
    assert reason.render("cs") == (
        "dokument 'attendance' je jeden pro celý případ; about='petr' u něj nelze uvést"
    )


@pytest.mark.parametrize(
    ("person", "held_cs"), [(OBSERVER, "observer"), ("stranger", "žádnou roli")]
)
def test_a_copy_is_only_about_a_holder_of_the_artifacts_roles(person: str, held_cs: str) -> None:
    engine = opened()
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed) as caught:
        invite(engine, person)
    (reason,) = caught.value.reasons
    assert reason.code is ReasonCode.ABOUT_NOT_HOLDER
    assert reason.params["person"] == person
    assert "is kept about people in the roles child, family_member" in reason
    assert reason.render("cs").endswith(f"{person!r} má {held_cs}")


def test_submit_records_carry_about_and_keep_the_old_content_hash_without_it() -> None:
    plain = Submit(case_id="i1", artifact="a", data={}, by="x")
    about = Submit(case_id="i1", artifact="a", data={}, by="x", about="petr")
    assert plain.about is None
    assert content_hash(plain) != content_hash(about)
    # Left out while None: the content a key stored before `about` existed stood for.
    document = {
        "command": "Submit",
        "fields": {"case_id": "i1", "artifact": "a", "data": {}, "by": "x"},
        "format": 1,
    }
    assert content_hash(plain) == hashlib.sha256(canonical_json(document).encode()).hexdigest()
    with pytest.raises(ValueError, match="about"):
        Submit(case_id="i1", artifact="a", data={}, by="x", about="")


# ------------------------------------------------------------------ requirements


def test_a_required_per_person_artifact_needs_a_copy_about_every_holder() -> None:
    engine = opened()
    invite(engine, PETR)
    missing = [r for r in reasons_of(engine, "start_conference") if r.code == "missing_artifact"]
    assert [(r.params["person"], str(r)) for r in missing] == [
        (EVA, "the artifact 'invitation' about 'eva' is missing"),
        (CHILD, "the artifact 'invitation' about 'tom' is missing"),
    ]
    assert missing[0].render("cs") == "chybí dokument 'invitation' o osobě 'eva'"


def test_every_holders_copy_must_meet_the_condition_and_the_refusal_names_whose_fails() -> None:
    engine = opened()
    invite(engine, PETR, {"informed": False})
    invite(engine, EVA)
    invite(engine, CHILD, {"informed": True, "child_friendly": True})
    (reason,) = reasons_of(engine, "start_conference")
    assert reason.code is ReasonCode.FIELD_CONDITION
    assert reason.params["person"] == PETR
    assert reason.params["for"] == "every"
    assert str(reason) == "the copy of 'invitation' about 'petr': informed must equal true"
    assert reason.render("cs") == (
        "dokument 'invitation' o osobě 'petr': pole 'informed' se musí rovnat true"
    )
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed):
        engine.act("i1", "start_conference", by=COORDINATOR)
    invite(engine, PETR)
    case = engine.act("i1", "start_conference", by=COORDINATOR)
    assert case.phase.id == "conference"
    check_case(engine, case)


def test_a_new_holder_without_a_copy_blocks_every() -> None:
    engine = opened(child=False)
    invite(engine, PETR)
    invite(engine, EVA)
    assert reasons_of(engine, "start_conference") == []
    engine.assign("i1", CHILD, "child", by=COORDINATOR)
    reasons = reasons_of(engine, "start_conference")
    assert {r.code for r in reasons} == {ReasonCode.MISSING_ARTIFACT, ReasonCode.FIELD_CONDITION}
    condition = next(r for r in reasons if r.code is ReasonCode.FIELD_CONDITION)
    assert condition.params["person"] == CHILD
    assert condition.params["no_version"] == "true"
    assert str(condition) == (
        "the copy of 'invitation' about 'tom' is missing: informed must equal true"
    )
    assert condition.render("cs") == (
        "dokument 'invitation' o osobě 'tom' chybí: pole 'informed' se musí rovnat true"
    )


def test_a_copy_about_someone_who_left_the_role_no_longer_counts() -> None:
    engine = opened()
    invite(engine, PETR)
    invite(engine, EVA)
    invite(engine, CHILD, {"informed": False})
    engine.unassign("i1", CHILD, "child", by=COORDINATOR)
    assert reasons_of(engine, "start_conference") == []
    assert CHILD in engine.get_unfiltered("i1").copies("invitation")


def test_for_any_holds_when_one_copy_meets_it() -> None:
    engine = opened()
    invite(engine, PETR)
    (reason,) = reasons_of(engine, "child_invited")
    assert reason.params["for"] == "any"
    assert "person" not in reason.params
    assert str(reason) == (
        "invitation.child_friendly must equal true in at least one copy; it does in none"
    )
    assert reason.render("cs") == (
        "pole 'child_friendly' dokumentu 'invitation' se musí rovnat true alespoň v jedné "
        "kopii; neplatí to v žádné"
    )
    invite(engine, CHILD, {"informed": True, "child_friendly": True})
    assert reasons_of(engine, "child_invited") == []


def attendance(*attendees: tuple[str, str, bool]) -> dict[str, Any]:
    return {
        "attendees": [
            {"person": person, "role": role, "confirmed": confirmed}
            for person, role, confirmed in attendees
        ]
    }


def conference(engine: Engine) -> None:
    for person in (PETR, EVA, CHILD):
        invite(engine, person)
    engine.act("i1", "start_conference", by=COORDINATOR)


def test_conditions_on_a_lists_items_name_the_item_that_fails() -> None:
    engine = opened()
    conference(engine)
    engine.submit(
        "i1",
        "attendance",
        attendance((PETR, "family", True), (CHILD, "child", False)),
        by=COORDINATOR,
    )
    reasons = reasons_of(engine, "close_held")
    (every,) = reasons
    assert every.params["item"] == "2"
    assert every.params["for"] == "every"
    assert str(every) == "item 2 of attendance.attendees: confirmed must equal true"
    assert every.render("cs") == (
        "2. položka seznamu 'attendees' dokumentu 'attendance': pole 'confirmed' "
        "se musí rovnat true"
    )
    (none,) = reasons_of(engine, "close_adults_only")
    assert none.params["item"] == "2"
    assert str(none) == (
        "item 2 of attendance.attendees: role meets what no item may (role must equal 'child')"
    )
    assert none.render("cs") == (
        "2. položka seznamu 'attendees' dokumentu 'attendance': pole 'role' splňuje, co "
        "nesmí splňovat žádná položka (pole 'role' se musí rovnat 'child')"
    )
    engine.submit(
        "i1",
        "attendance",
        attendance((PETR, "family", True), (CHILD, "child", True)),
        by=COORDINATOR,
    )
    case = engine.act("i1", "close_held", by=COORDINATOR)
    assert case.outcome == "held"
    check_case(engine, case)


def test_for_any_on_items_and_for_none_on_copies() -> None:
    engine = opened()
    conference(engine)
    engine.submit("i1", "attendance", attendance((PETR, "family", True)), by=COORDINATOR)
    (any_child,) = reasons_of(engine, "close_held")
    assert str(any_child) == (
        "attendance.attendees.role must equal 'child' in at least one item; it does in none"
    )
    assert reasons_of(engine, "close_adults_only") == []


def test_an_empty_list_meets_every_and_none_but_not_any() -> None:
    engine = opened()
    conference(engine)
    engine.submit("i1", "attendance", {"attendees": []}, by=COORDINATOR)
    reasons = reasons_of(engine, "close_held")
    assert [r.params.get("for") for r in reasons] == ["any"]
    assert reasons_of(engine, "close_adults_only") == []


# ------------------------------------------------------------------ reading


def test_the_person_a_copy_is_about_reads_only_their_own() -> None:
    engine = opened()
    invite(engine, PETR)
    invite(engine, EVA)
    petr = engine.view("i1", PETR)
    assert [v.about for v in petr.artifacts["invitation"]] == [PETR]
    assert petr.latest("invitation", about=EVA) is None
    assert list(petr.copies("invitation")) == [PETR]
    # Nothing about the child yet: the invitation is hidden from them.
    assert "invitation" in engine.view("i1", CHILD).hidden
    # A reader of the artifact reads every copy.
    assert list(engine.view("i1", OBSERVER).copies("invitation")) == [PETR, EVA]
    data = engine.view("i1", PETR).to_dict()
    CaseViewJSON.model_validate_json(json.dumps(data))
    (artifact,) = [a for a in data["artifacts"] if a["id"] == "invitation"]
    assert [v["about"] for v in artifact["versions"]] == [PETR]


def test_history_for_shows_a_person_their_own_copy_and_hides_the_others() -> None:
    engine = opened()
    invite(engine, PETR)
    invite(engine, EVA)
    shown = {}
    for entry in engine.history_for("i1", PETR):
        if entry.type == "artifact_submitted" and entry.payload.get("artifact") == "invitation":
            shown[entry.payload["about"]] = "data" in entry.payload
    # The history agrees with the view: Petr reads his own copy, not Eva's.
    assert shown == {PETR: True, EVA: False}
    logged = engine.read_log(case_id="i1", person=PETR)
    assert [(e.artifact, e.call) for e in logged if e.call == "history_for"] == [
        ("invitation", "history_for")
    ]


@pytest.mark.parametrize(("child_friendly", "days"), [(True, 3), (False, 7)])
def test_a_deadline_variant_quantified_over_copies_picks_the_period(
    *, child_friendly: bool, days: int
) -> None:
    engine = opened()
    invite(engine, PETR)
    invite(engine, EVA)
    invite(engine, CHILD, {"informed": True, "child_friendly": child_friendly})
    case = engine.act("i1", "start_conference", by=COORDINATOR)
    state = case.deadlines["minutes_due"]
    assert state.anchor_at is not None
    assert state.target is not None
    # Calendar days end at the end of the day, Prague time (21:59:59 UTC in October).
    assert state.target.date() == (state.anchor_at + timedelta(days=days)).date()
