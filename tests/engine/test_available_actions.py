"""``available_actions``: every action of the phase, and every reason one is not allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from kwflow import ReasonCode
from kwflow.exceptions import ActionNotAllowed, NotPermitted
from tests.support.runtime import (
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    Unchanged,
    make_engine,
    open_rules,
    rules_in_private,
    rules_in_review,
)

if TYPE_CHECKING:
    from kwflow import ActionOption, Engine, SimulatedClock


def _by_id(options: list[ActionOption]) -> dict[str, ActionOption]:
    return {option.action: option for option in options}


def _codes(option: ActionOption) -> list[ReasonCode]:
    return [reason.code for reason in option.reasons]


def test_lists_the_actions_of_the_current_phase(rules: Engine) -> None:
    open_rules(rules)
    options = rules.available_actions("r1", LEAD)
    assert [o.action for o in options] == ["begin", "drop"]
    drop = _by_id(options)["drop"]
    assert drop.allowed
    assert drop.reasons == ()
    assert drop.to == "dropped"
    assert drop.label.en == "Drop"


def test_every_reason_with_its_subject(clock: SimulatedClock) -> None:
    engine = make_engine("rules", clock=clock, guards={"ready": lambda context: "no room"})
    engine.open_case("rules", by=LEAD, case_id="r1")
    begin = _by_id(engine.available_actions("r1", LEAD))["begin"]
    assert not begin.allowed
    assert _codes(begin) == [
        ReasonCode.MISSING_ARTIFACT,
        *[ReasonCode.FIELD_CONDITION] * 5,
        ReasonCode.ROLE_NOT_ASSIGNED,
        ReasonCode.ROLE_NOT_ASSIGNED,
        ReasonCode.GUARD_REFUSED,
    ]
    missing, *conditions, member, helper, guard = begin.reasons
    assert missing.artifact == "intake"
    assert [(c.artifact, c.field) for c in conditions] == [
        ("intake", "urgent"),
        ("intake", "kind"),
        ("intake", "title"),
        ("intake", "notes"),
        ("intake", "score"),
    ]
    assert "has no version" in conditions[0].message
    assert (member.role, helper.role) == ("member", "helper")
    assert guard.guard == "ready"
    assert "no room" in guard.message


def test_permission_reasons(rules: Engine) -> None:
    open_rules(rules)
    rules.submit("r1", "intake", INTAKE, by=LEAD)
    member = _by_id(rules.available_actions("r1", MEMBER))["begin"]
    assert _codes(member) == [ReasonCode.LACKS_ROLE]
    assert member.reasons[0].message == "it needs one of the roles lead; 'max' holds member"
    # Someone taking no part learns nothing of the case, not even its actions.
    with pytest.raises(NotPermitted) as refused:
        rules.available_actions("r1", "zoe")
    assert [r.code for r in refused.value.reasons] == [ReasonCode.NOT_A_PARTICIPANT]
    lead = _by_id(rules.available_actions("r1", LEAD))["begin"]
    assert lead.allowed


def test_not_present_and_on_call(rules: Engine) -> None:
    rules_in_private(rules)
    back = _by_id(rules.available_actions("r1", MEMBER))["back"]
    assert _codes(back) == [ReasonCode.FIELD_CONDITION]
    drop = _by_id(rules.available_actions("r1", LEAD))["drop"]
    assert _codes(drop) == [ReasonCode.NOT_PRESENT]
    assert drop.reasons[0].role == "lead"
    # an action by the on-call role says it must be called in first
    options = rules.available_actions("r1", HELPER)
    assert [o.action for o in options] == ["back", "drop"]
    assert _codes(_by_id(options)["back"]) == [ReasonCode.LACKS_ROLE, ReasonCode.FIELD_CONDITION]


def test_shipped_process_options(clock: SimulatedClock) -> None:
    # In the shipped family conference the coordinator is on call in private time.
    from kwflow import Engine, Organisation, Registry

    engine = Engine(Registry.shipped(), clock=clock)
    case = engine.open_case("family_conference", by="sw", organisation=Organisation("o", "ospod"))
    assert case.phase.id == "referral"
    options = _by_id(engine.available_actions(case.id, "sw"))
    assert options["intervene"].allowed


def test_already_taken_and_guard_not_registered(clock: SimulatedClock) -> None:
    engine = make_engine("rules", clock=clock)
    open_rules(engine)
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    begin = _by_id(engine.available_actions("r1", LEAD))["begin"]
    assert _codes(begin) == [ReasonCode.GUARD_NOT_REGISTERED]
    engine.register_guard("ready", lambda context: True)
    engine.act("r1", "begin", by=LEAD)
    engine.act("r1", "note_seen", by=MEMBER)
    seen = _by_id(engine.available_actions("r1", LEAD))["note_seen"]
    assert _codes(seen) == [ReasonCode.ALREADY_TAKEN]
    ping = _by_id(engine.available_actions("r1", MEMBER))["ping"]
    assert ping.allowed


def test_asking_changes_nothing(rules: Engine) -> None:
    rules_in_review(rules)
    with Unchanged(rules, "r1"):
        options = rules.available_actions("r1", LEAD)
    finish = _by_id(options)["finish"]
    assert finish.allowed
    assert finish.records == "decision"


def test_reasons_match_the_refusal(rules: Engine) -> None:
    rules_in_private(rules)
    rules.submit("r1", "plan", {**PLAN, "summary": "x"}, by=MEMBER)
    rules.act("r1", "back", by=MEMBER)
    finish = _by_id(rules.available_actions("r1", LEAD))["finish"]
    assert [r.code for r in finish.reasons] == [ReasonCode.FIELD_CONDITION]
    assert finish.reasons[0].field == "summary"
    data: Any = {"result": "yes"}
    with pytest.raises(ActionNotAllowed) as caught:
        rules.act("r1", "finish", by=LEAD, data=data)
    assert caught.value.reasons == tuple(r.message for r in finish.reasons)
