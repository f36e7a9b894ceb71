"""Commands through the public API: what each does; each refusal is specific and leaves no trace."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from kwflow import Case, DeadlineStatus
from kwflow.exceptions import (
    ActionNotAllowed,
    ArtifactInvalid,
    CaseExists,
    CaseNotFound,
    ConcurrencyConflict,
    KwflowError,
    NotPermitted,
    ProcessNotFound,
    UnknownName,
)
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    Unchanged,
    check_case,
    make_engine,
    open_rules,
    rules_in_private,
    rules_in_review,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow import Engine, SimulatedClock


# ------------------------------------------------------------------ opening


def test_open_case_gives_the_opener_role(rules: Engine, clock: SimulatedClock) -> None:
    case = rules.open_case("rules", by=LEAD)
    assert len(case.id) == 32
    assert case.process.id == "rules"
    assert case.process.version == 1
    assert case.phase.id == "intake"
    assert case.phase.path == ("intake",)
    assert case.participants == {LEAD: ("lead",)}
    assert case.roles == {"lead": (LEAD,)}
    assert case.version == 1
    assert case.outcome is None
    assert not case.closed
    assert case.opened_by == LEAD
    assert case.opened_at == clock.now()
    assert all(d.status is DeadlineStatus.NOT_STARTED for d in case.deadlines.values())
    check_case(rules, case)


def test_open_case_with_an_id_and_a_version(rules: Engine) -> None:
    case = rules.open_case("rules", by=LEAD, case_id="mine", version=1)
    assert case.id == "mine"
    history = rules.history_unfiltered("mine")
    assert [e.type for e in history] == ["case_opened"]
    assert history[0].payload["process"]["hash"] == case.process.content_hash


def test_open_case_refuses_a_taken_id(rules: Engine) -> None:
    rules.open_case("rules", by=LEAD, case_id="mine")
    with Unchanged(rules, "mine"), pytest.raises(CaseExists):
        rules.open_case("rules", by=LEAD, case_id="mine")


def test_open_case_refuses_an_unknown_process(rules: Engine) -> None:
    with Unchanged(rules), pytest.raises(ProcessNotFound):
        rules.open_case("nope", by=LEAD)
    with Unchanged(rules), pytest.raises(ProcessNotFound):
        rules.open_case("rules", by=LEAD, version=7)


@pytest.mark.parametrize(("by", "error"), [("", ValueError), (None, TypeError), (3, TypeError)])
def test_actor_must_be_a_person_id(rules: Engine, by: Any, error: type[Exception]) -> None:
    with Unchanged(rules), pytest.raises(error):
        rules.open_case("rules", by=by)


def test_unknown_case(rules: Engine) -> None:
    for call in (
        lambda: rules.get_unfiltered("nope"),
        lambda: rules.history_unfiltered("nope"),
        lambda: rules.act("nope", "begin", by=LEAD),
        lambda: rules.submit("nope", "intake", INTAKE, by=LEAD),
        lambda: rules.assign("nope", MEMBER, "member", by=LEAD),
        lambda: rules.view("nope", LEAD),
        lambda: rules.available_actions("nope", LEAD),
        lambda: rules.deadlines("nope"),
        lambda: rules.verify("nope"),
    ):
        with Unchanged(rules), pytest.raises(CaseNotFound):
            call()


# ------------------------------------------------------------------- roles


def test_assign_and_unassign(rules: Engine) -> None:
    case = open_rules(rules)
    assert case.participants == {
        LEAD: ("lead",),
        MEMBER: ("member",),
        HELPER: ("helper",),
        GUEST: ("guest",),
    }
    assert case.people_in("member") == (MEMBER,)
    assert case.roles_of(HELPER) == ("helper",)
    # the helper may assign members, but is not present at intake
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted, match="not present"):
        rules.assign("r1", "mia", "member", by=HELPER)
    case = rules.assign("r1", "mia", "member", by=LEAD)
    assert case.people_in("member") == (MEMBER, "mia")
    check_case(rules, case)
    case = rules.unassign("r1", MEMBER, "member", by=LEAD)
    assert case.people_in("member") == ("mia",)
    assert MEMBER not in case.participants
    check_case(rules, case)


def test_a_person_may_hold_several_compatible_roles(rules: Engine) -> None:
    open_rules(rules)
    case = rules.assign("r1", MEMBER, "guest", by=LEAD)
    assert case.roles_of(MEMBER) == ("member", "guest")
    case = rules.unassign("r1", MEMBER, "guest", by=LEAD)
    assert case.roles_of(MEMBER) == ("member",)
    check_case(rules, case)


@pytest.mark.parametrize(
    ("command", "error", "words"),
    [
        # assigned_by: only the lead assigns guests
        (
            lambda e: e.assign("r1", "zoe", "guest", by=MEMBER),
            NotPermitted,
            "one of the roles lead",
        ),
        # a stranger assigns nobody
        (lambda e: e.assign("r1", "zoe", "member", by="zoe"), NotPermitted, "takes no part"),
        # exclusivity, both ways
        (lambda e: e.assign("r1", MEMBER, "helper", by=LEAD), ActionNotAllowed, "may not be held"),
        (lambda e: e.assign("r1", HELPER, "member", by=LEAD), ActionNotAllowed, "may not be held"),
        # cardinality
        (lambda e: e.assign("r1", "zoe", "helper", by=LEAD), ActionNotAllowed, "at most 1"),
        (lambda e: e.assign("r1", "zoe", "lead", by=LEAD), NotPermitted, "needs one of the roles"),
        # already held
        (lambda e: e.assign("r1", MEMBER, "member", by=LEAD), ActionNotAllowed, "already holds"),
        # unknown role
        (lambda e: e.assign("r1", "zoe", "boss", by=LEAD), UnknownName, "unknown role 'boss'"),
        # unassign: not held, and min
        (lambda e: e.unassign("r1", "zoe", "member", by=LEAD), ActionNotAllowed, "does not hold"),
        (lambda e: e.unassign("r1", MEMBER, "member", by=LEAD), ActionNotAllowed, "at least 1"),
        (lambda e: e.unassign("r1", MEMBER, "member", by=GUEST), NotPermitted, "lead"),
        (lambda e: e.unassign("r1", LEAD, "lead", by=LEAD), NotPermitted, "none"),
    ],
)
def test_assignment_refusals(
    rules: Engine, command: Callable[[Engine], Case], error: type[KwflowError], words: str
) -> None:
    open_rules(rules)
    with Unchanged(rules, "r1"), pytest.raises(error, match=words):
        command(rules)


def test_assigning_needs_presence(rules: Engine) -> None:
    rules_in_private(rules)
    # The lead may assign members, but is not present in private time.
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted, match="not present"):
        rules.assign("r1", "zoe", "member", by=LEAD)
    # the member may not (assigned_by is lead and helper), but is present
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted, match="helper, lead"):
        rules.assign("r1", "zoe", "member", by=MEMBER)
    # the helper may once called in
    rules.call_in("r1", "helper", by=MEMBER)
    case = rules.assign("r1", "zoe", "member", by=HELPER)
    assert case.people_in("member") == (MEMBER, "zoe")
    check_case(rules, case)


# --------------------------------------------------------------- artifacts


def test_submit_keeps_versions_with_who_and_when(rules: Engine, clock: SimulatedClock) -> None:
    open_rules(rules)
    case = rules.submit("r1", "intake", INTAKE, by=LEAD)
    first = case.latest("intake")
    assert first is not None
    assert first.number == 1
    assert first.by == LEAD
    assert first.at == clock.now()
    assert first.data["received"] == "2026-10-05"
    assert first.data["notes"] == ({"text": "first call", "by": MEMBER},)
    clock.advance(hours=1)
    changed = {
        **INTAKE,
        "title": "Family B",
        "fee": Decimal("1000.5"),
        "meeting_at": datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
        "contact": MEMBER,
    }
    case = rules.submit("r1", "intake", changed, by=LEAD)
    versions = case.artifacts["intake"]
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].data["title"] == "Family B"
    assert versions[1].data["fee"] == "1000.50"
    assert versions[1].data["meeting_at"] == "2026-10-20T09:00:00+00:00"
    assert versions[0].data["title"] == "Family A"
    check_case(rules, case)


def test_data_of_a_case_is_immutable(rules: Engine) -> None:
    open_rules(rules)
    case = rules.submit("r1", "intake", INTAKE, by=LEAD)
    latest = case.latest("intake")
    assert latest is not None
    with pytest.raises(TypeError):
        latest.data["title"] = "changed"
    with pytest.raises(TypeError):
        case.participants[MEMBER] = ()
    assert isinstance(latest.data["notes"], tuple)


def test_submitting_frozen_data_again(rules: Engine) -> None:
    open_rules(rules)
    case = rules.submit("r1", "intake", INTAKE, by=LEAD)
    latest = case.latest("intake")
    assert latest is not None
    case = rules.submit("r1", "intake", latest.data, by=LEAD)
    versions = case.artifacts["intake"]
    assert versions[0].data == versions[1].data


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({}, ["title", "urgent", "received", "kind", "notes"]),
        ({**INTAKE, "title": 3}, ["title"]),
        ({**INTAKE, "title": "x" * 51}, ["title"]),
        ({**INTAKE, "title": " \t"}, ["title"]),
        ({**INTAKE, "urgent": 1}, ["urgent"]),
        ({**INTAKE, "score": True}, ["score"]),
        ({**INTAKE, "score": 11}, ["score"]),
        ({**INTAKE, "score": "5"}, ["score"]),
        ({**INTAKE, "received": "5.10.2026"}, ["received"]),
        ({**INTAKE, "received": datetime(2026, 10, 5, tzinfo=UTC)}, ["received"]),
        ({**INTAKE, "meeting_at": datetime(2026, 10, 5, 9)}, ["meeting_at"]),  # noqa: DTZ001
        ({**INTAKE, "meeting_at": "2026-10-05T09:00"}, ["meeting_at"]),
        ({**INTAKE, "fee": 10.5}, ["fee"]),
        ({**INTAKE, "fee": "10.555"}, ["fee"]),
        ({**INTAKE, "fee": "lots"}, ["fee"]),
        ({**INTAKE, "kind": "d"}, ["kind"]),
        ({**INTAKE, "contact": ""}, ["contact"]),
        ({**INTAKE, "notes": [{"text": "x"}]}, ["notes[0].by"]),
        ({**INTAKE, "notes": [{"text": 1, "by": MEMBER}, "x"]}, ["notes[0].text", "notes[1]"]),
        ({**INTAKE, "notes": "x"}, ["notes"]),
        ({**INTAKE, "colour": "red"}, ["colour"]),
        ({**INTAKE, "contact": "zoe"}, ["contact"]),
        ({**INTAKE, "contact": LEAD}, ["contact"]),
        ({**INTAKE, "notes": [{"text": "x", "by": "zoe"}]}, ["notes[0].by"]),
        ("not a mapping", [""]),
        (None, [""]),
    ],
)
def test_invalid_artifact_data_lists_every_error(
    rules: Engine, data: Any, paths: list[str]
) -> None:
    open_rules(rules)
    with Unchanged(rules, "r1"), pytest.raises(ArtifactInvalid) as caught:
        rules.submit("r1", "intake", data, by=LEAD)
    assert sorted(e.path for e in caught.value.errors) == sorted(paths)
    assert caught.value.artifact == "intake"


@pytest.mark.parametrize(
    ("setup", "command", "error", "words"),
    [
        (open_rules, lambda e: e.submit("r1", "nope", {}, by=LEAD), UnknownName, "artifact"),
        (open_rules, lambda e: e.submit("r1", "intake", INTAKE, by=MEMBER), NotPermitted, "lead"),
        (
            open_rules,
            lambda e: e.submit("r1", "intake", INTAKE, by="zoe"),
            NotPermitted,
            "takes no part",
        ),
        # the plan may only be written in private time
        (
            open_rules,
            lambda e: e.submit("r1", "plan", PLAN, by=MEMBER),
            ActionNotAllowed,
            "does not allow",
        ),
        # the lead may write the intake, but not in private time (absent), nor a note
        (
            rules_in_private,
            lambda e: e.submit("r1", "note", {"body": "x"}, by=LEAD),
            NotPermitted,
            "not present",
        ),
        # the helper writes notes, but is on call: absent until called in
        (
            rules_in_private,
            lambda e: e.submit("r1", "note", {"body": "x"}, by=HELPER),
            NotPermitted,
            "called in first",
        ),
    ],
)
def test_submit_refusals(
    rules: Engine,
    setup: Callable[[Engine], Case],
    command: Callable[[Engine], Case],
    error: type[KwflowError],
    words: str,
) -> None:
    setup(rules)
    with Unchanged(rules, "r1"), pytest.raises(error, match=words):
        command(rules)


def test_called_in_role_may_write_but_only_what_the_phase_allows(rules: Engine) -> None:
    rules_in_private(rules)
    rules.call_in("r1", "helper", by=MEMBER)
    # present now, but private time allows only the plan
    with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="allows plan"):
        rules.submit("r1", "note", {"body": "x"}, by=HELPER)


# ------------------------------------------------------------------ actions


def test_act_moves_through_nested_phases(rules: Engine) -> None:
    open_rules(rules)
    rules.submit("r1", "intake", INTAKE, by=LEAD)
    case = rules.act("r1", "begin", by=LEAD)
    # entering the compound phase enters its initial sub-phase
    assert case.phase.path == ("work", "together")
    assert case.phase.parents == ("work",)
    assert case.phase.within("work")
    check_case(rules, case)
    case = rules.act("r1", "go_private", by=HELPER)
    assert case.phase.path == ("work", "private")
    check_case(rules, case)
    rules.submit("r1", "plan", PLAN, by=MEMBER)
    case = rules.act("r1", "back", by=MEMBER)
    assert case.phase.id == "review"
    case = rules.act("r1", "restart", by=LEAD)
    assert case.phase.path == ("work", "together")
    assert [a.action for a in case.actions] == ["begin", "go_private", "back", "restart"]
    assert [a.phase for a in case.actions] == ["intake", "together", "private", "review"]
    check_case(rules, case)


def test_actions_that_stay(rules: Engine) -> None:
    open_rules(rules)
    rules.submit("r1", "intake", INTAKE, by=LEAD)
    rules.act("r1", "begin", by=LEAD)
    case = rules.act("r1", "note_seen", by=MEMBER)
    assert case.phase.id == "together"
    assert case.taken_in_phase == ("note_seen",)
    # taken once per stay in the phase, by anyone
    with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="already taken"):
        rules.act("r1", "note_seen", by=LEAD)
    # once: false
    rules.act("r1", "ping", by=MEMBER)
    case = rules.act("r1", "ping", by=MEMBER)
    assert case.taken_in_phase == ("note_seen", "ping", "ping")
    check_case(rules, case)
    # leaving the phase resets it
    case = rules.act("r1", "go_private", by=HELPER)
    assert case.taken_in_phase == ()


def test_an_action_to_the_same_phase_reenters_it(rules: Engine) -> None:
    rules_in_review(rules)
    rules.act("r1", "ping", by=MEMBER)
    case = rules.act("r1", "stay_here", by=LEAD)
    assert case.phase.id == "review"
    assert case.taken_in_phase == ()
    check_case(rules, case)


def test_call_in_and_dismiss(rules: Engine) -> None:
    rules_in_private(rules)
    case = rules.call_in("r1", "helper", by=MEMBER)
    assert case.called_in == ("helper",)
    check_case(rules, case)
    # called in: present, so the helper may act... but go_private is not of this phase
    case = rules.dismiss("r1", "helper", by=HELPER)
    assert case.called_in == ()
    case = rules.call_in("r1", "helper", by=MEMBER)
    rules.submit("r1", "plan", PLAN, by=MEMBER)
    # leaving the leaf phase sends the called-in role out
    case = rules.act("r1", "back", by=MEMBER)
    assert case.called_in == ()
    check_case(rules, case)


@pytest.mark.parametrize(
    ("command", "error", "words"),
    [
        (lambda e: e.call_in("r1", "guest", by=MEMBER), ActionNotAllowed, "not on call"),
        (lambda e: e.call_in("r1", "helper", by=LEAD), NotPermitted, "not present"),
        (lambda e: e.call_in("r1", "helper", by=HELPER), NotPermitted, "not present"),
        (lambda e: e.call_in("r1", "nope", by=MEMBER), UnknownName, "role"),
        (lambda e: e.dismiss("r1", "helper", by=MEMBER), ActionNotAllowed, "not called in"),
    ],
)
def test_call_in_refusals(
    rules: Engine, command: Callable[[Engine], Case], error: type[KwflowError], words: str
) -> None:
    rules_in_private(rules)
    with Unchanged(rules, "r1"), pytest.raises(error, match=words):
        command(rules)


def test_call_in_twice(rules: Engine) -> None:
    rules_in_private(rules)
    rules.call_in("r1", "helper", by=MEMBER)
    with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="already called in"):
        rules.call_in("r1", "helper", by=MEMBER)
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted):
        rules.dismiss("r1", "helper", by=LEAD)
    rules.dismiss("r1", "helper", by=MEMBER)


def test_recording_action(rules: Engine, clock: SimulatedClock) -> None:
    rules_in_review(rules)
    case = rules.act("r1", "finish", by=LEAD, data={"result": "yes"})
    assert case.outcome == "done"
    assert case.closed
    assert case.phase.id == "done"
    decision = case.latest("decision")
    assert decision is not None
    assert decision.data == {"result": "yes"}
    assert decision.by == LEAD
    assert decision.sequence == case.version
    event = rules.history_unfiltered("r1")[-1]
    assert event.payload["records"]["artifact"] == "decision"
    assert event.payload["outcome"] == "done"
    check_case(rules, case)


@pytest.mark.parametrize(
    ("data", "error"),
    [(None, ArtifactInvalid), ({"result": "maybe"}, ArtifactInvalid), ({"x": 1}, ArtifactInvalid)],
)
def test_recording_action_validates_its_data(
    rules: Engine, data: Any, error: type[KwflowError]
) -> None:
    rules_in_review(rules)
    with Unchanged(rules, "r1"), pytest.raises(error):
        rules.act("r1", "finish", by=LEAD, data=data)


def test_data_for_an_action_that_records_nothing(rules: Engine) -> None:
    rules_in_review(rules)
    with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="records no artifact"):
        rules.act("r1", "rework", by=LEAD, data={"x": 1})


@pytest.mark.parametrize(
    ("command", "error", "words"),
    [
        (lambda e: e.act("r1", "nope", by=LEAD), UnknownName, "unknown action 'nope'"),
        (lambda e: e.act("r1", "go_private", by=LEAD), ActionNotAllowed, "taken in together"),
        (lambda e: e.act("r1", "begin", by=MEMBER), NotPermitted, "one of the roles lead"),
        (lambda e: e.act("r1", "begin", by="zoe"), NotPermitted, "takes no part"),
        (lambda e: e.act("r1", "begin", by=LEAD), ActionNotAllowed, "'intake' is missing"),
    ],
)
def test_act_refusals(
    rules: Engine, command: Callable[[Engine], Case], error: type[KwflowError], words: str
) -> None:
    open_rules(rules)
    with Unchanged(rules, "r1"), pytest.raises(error, match=words):
        command(rules)


def test_act_refused_lists_every_unmet_requirement(clock: SimulatedClock) -> None:
    engine = make_engine("rules", clock=clock, guards={"ready": lambda context: True})
    engine.open_case("rules", by=LEAD, case_id="r1")
    engine.submit(
        "r1",
        "intake",
        {**INTAKE, "urgent": False, "kind": "c", "notes": [], "score": None},
        by=LEAD,
    )
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed) as caught:
        engine.act("r1", "begin", by=LEAD)
    reasons = caught.value.reasons
    assert len(reasons) == 6
    assert "intake.urgent must equal true" in reasons
    assert "intake.kind must be one of 'a', 'b'" in reasons
    assert "intake.notes must have at least 1 record" in reasons
    assert "intake.score must have a value" in reasons
    assert "the role 'member' needs at least 1 person assigned" in reasons
    assert "the role 'helper' needs at least 1 person assigned" in reasons


def test_present_false_condition(rules: Engine) -> None:
    rules_in_private(rules)
    rules.submit("r1", "plan", {**PLAN, "summary": "all fine"}, by=MEMBER)
    rules.act("r1", "back", by=MEMBER)
    with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="must have no value"):
        rules.act("r1", "finish", by=LEAD, data={"result": "no"})


def test_absent_roles_do_not_act(rules: Engine) -> None:
    rules_in_private(rules)
    # the lead holds a role in `by` of `drop`, but is not present in private time
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted, match="not present"):
        rules.act("r1", "drop", by=LEAD)


def test_guards(clock: SimulatedClock) -> None:
    answers: list[Any] = ["the family is not ready"]
    seen: list[Any] = []

    def ready(context: Any) -> Any:
        seen.append(context)
        return answers[0]

    engine = make_engine("rules", clock=clock)
    open_rules(engine)
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    # not registered: a reason, not a crash
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed, match="not registered"):
        engine.act("r1", "begin", by=LEAD)
    engine.register_guard("ready", ready)
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed, match="not ready"):
        engine.act("r1", "begin", by=LEAD)
    context = seen[-1]
    assert context.action == "begin"
    assert context.actor == LEAD
    assert context.case == engine.get_unfiltered("r1")
    assert context.process.id == "rules"
    assert context.now == clock.now()
    answers[0] = False
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed, match="'ready' refused"):
        engine.act("r1", "begin", by=LEAD)
    answers[0] = 42
    with Unchanged(engine, "r1"), pytest.raises(TypeError, match="returned 42"):
        engine.act("r1", "begin", by=LEAD)
    answers[0] = True
    assert engine.act("r1", "begin", by=LEAD).phase.id == "together"


def test_guards_do_not_run_when_something_else_fails(clock: SimulatedClock) -> None:
    calls: list[Any] = []

    def ready(context: Any) -> bool:
        calls.append(context)
        return True

    engine = make_engine("rules", clock=clock, guards={"ready": ready})
    open_rules(engine)
    with pytest.raises(ActionNotAllowed):
        engine.act("r1", "begin", by=LEAD)
    assert calls == []


def test_a_closed_case_refuses_every_command(rules: Engine) -> None:
    open_rules(rules)
    case = rules.act("r1", "drop", by=LEAD)
    assert case.outcome == "dropped"
    commands: list[Callable[[], Any]] = [
        lambda: rules.act("r1", "begin", by=LEAD),
        lambda: rules.act("r1", "drop", by=LEAD),
        lambda: rules.submit("r1", "intake", INTAKE, by=LEAD),
        lambda: rules.assign("r1", "zoe", "guest", by=LEAD),
        lambda: rules.unassign("r1", GUEST, "guest", by=LEAD),
        lambda: rules.call_in("r1", "helper", by=MEMBER),
        lambda: rules.dismiss("r1", "helper", by=MEMBER),
    ]
    for command in commands:
        with Unchanged(rules, "r1"), pytest.raises(ActionNotAllowed, match="closed"):
            command()
    assert rules.available_actions("r1", LEAD) == []


def test_stale_expected_version(rules: Engine) -> None:
    case = open_rules(rules)
    with Unchanged(rules, "r1"), pytest.raises(ConcurrencyConflict) as caught:
        rules.assign("r1", "zoe", "guest", by=LEAD, expected_version=case.version - 1)
    assert caught.value.actual == case.version
    assert caught.value.expected == case.version - 1
    case = rules.assign("r1", "zoe", "guest", by=LEAD, expected_version=case.version)
    assert case.people_in("guest") == (GUEST, "zoe")
    with Unchanged(rules, "r1"), pytest.raises(ConcurrencyConflict):
        rules.submit("r1", "intake", INTAKE, by=LEAD, expected_version=1)
    with Unchanged(rules, "r1"), pytest.raises(ConcurrencyConflict):
        rules.act("r1", "drop", by=LEAD, expected_version=99)


def test_view_hides_what_a_person_may_not_read(rules: Engine) -> None:
    rules_in_review(rules)
    rules.act("r1", "restart", by=LEAD)
    rules.submit("r1", "note", {"body": "helper's note"}, by=HELPER)
    lead = rules.view("r1", LEAD)
    assert set(lead.artifacts) == {"intake", "plan", "note"}
    assert lead.person_roles == ("lead",)
    helper = rules.view("r1", HELPER)
    # helper reads the intake (read), writes notes, may not read the plan
    assert set(helper.artifacts) == {"intake", "note"}
    assert helper.hidden == ("plan",)
    member = rules.view("r1", MEMBER)
    assert set(member.artifacts) == {"plan"}
    guest = rules.view("r1", GUEST)
    assert guest.artifacts == {}
    with pytest.raises(NotPermitted):
        rules.view("r1", "zoe")  # taking no part, one sees nothing at all
    latest = member.latest("plan")
    assert latest is not None
    assert latest.data["items"][0]["owner"] == MEMBER
    assert member.latest("intake") is None


def test_deadlines_listing_follows_the_file(clocked: Engine) -> None:
    case = clocked.open_case("clock", by="bo")
    assert [d.id for d in clocked.deadlines(case.id)] == [
        "reply",
        "month",
        "plain_month",
        "prepared",
        "early",
        "length",
        "minutes_due",
    ]
    assert clocked.deadlines(case.id)[0].responsible == "boss"
    assert clocked.process_of(case.id).id == "clock"


def test_dates_in_conditions_compare_as_recorded(clock: SimulatedClock) -> None:
    # equals on a date is compared with the JSON form the data is kept in
    from kwflow.definition import FieldCondition
    from kwflow.engine._conditions import compile_condition

    condition = compile_condition(FieldCondition(artifact="a", field="d", equals=date(2026, 10, 5)))
    assert condition.holds({"d": "2026-10-05"})
    assert not condition.holds({"d": "2026-10-06"})
    assert not condition.holds(None)
    moment = compile_condition(
        FieldCondition(artifact="a", field="t", one_of=(datetime(2026, 10, 5, 9, tzinfo=UTC), 1))
    )
    assert moment.holds({"t": "2026-10-05T09:00:00+00:00"})
    assert moment.holds({"t": 1})
    assert not moment.holds({"t": True})


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_white_space_is_not_content(blank: str) -> None:
    from kwflow.definition import FieldCondition
    from kwflow.engine._conditions import compile_condition

    filled = compile_condition(FieldCondition(artifact="a", field="t", non_empty=True))
    assert not filled.holds({"t": blank})
    assert filled.holds({"t": " x "})
    assert filled.holds({"t": ({"x": 1},)})
    assert not filled.holds({"t": ()})
    assert not filled.holds({})
    empty = compile_condition(FieldCondition(artifact="a", field="t", non_empty=False))
    assert empty.holds({"t": blank})
    assert empty.holds(None)


def test_without_a_cache(clock: SimulatedClock) -> None:
    engine = make_engine("rules", clock=clock, cache_size=0, guards={"ready": lambda c: True})
    case = rules_in_review(engine)
    assert engine.get_unfiltered("r1") == case
    check_case(engine, case)


def test_a_small_cache_forgets_the_oldest(clock: SimulatedClock) -> None:
    engine = make_engine("rules", clock=clock, cache_size=2)
    for index in range(4):
        engine.open_case("rules", by=LEAD, case_id=f"c{index}")
    assert list(engine._cache) == ["c2", "c3"]
    assert engine.get_unfiltered("c0").id == "c0"


def test_the_guard_sees_the_recorded_data(clock: SimulatedClock) -> None:
    # `finish` records a decision and has no guard; `begin` has a guard and records nothing.
    seen: list[Any] = []

    def ready(context: Any) -> bool:
        seen.append(context.data)
        return True

    engine = make_engine("rules", clock=clock, guards={"ready": ready})
    open_rules(engine)
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    engine.act("r1", "begin", by=LEAD)
    assert seen == [{}]
