"""The invariants of domain.md section 5, each as a concrete case of practice.

The property tests of ``kwflow.testing`` check them on generated runs; these
tests pin each one down on the shipped processes with real people and dates,
so that a failure reads as the rule of practice that broke.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kwflow import DeadlineStatus, ReasonCode
from kwflow.calendars import get_calendar
from kwflow.exceptions import ActionNotAllowed, ArtifactInvalid, NotPermitted
from tests.support.outcomes import (
    CASE_CONFERENCE_PHASES,
    CHILD,
    CONVENER,
    COORDINATOR,
    FACILITATOR,
    FAMILY_CONFERENCE_PHASES,
    FAMILY_PLAN,
    GRANDFATHER,
    MEETING_AT,
    MOTHER,
    ORGANIZER,
    PROVIDER,
    RECORDER,
    REFERRER,
    SUPPORT,
    TEACHER,
    CaseConference,
    FamilyConference,
    end_of_local_day,
    local,
)

# ------------------------------------------------ 5.1 order of the conference


def test_1_plan_is_approved_only_after_private_family_time(fc: FamilyConference) -> None:
    fc.to("information_sharing")
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, REFERRER)}
    assert "approve_plan" not in options  # not an action of information sharing
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    assert "information_sharing" in str(error)
    # Private time cannot be skipped: the family is asked back only from it.
    fc.refused(ActionNotAllowed).act("end_private_time", by=MOTHER)


# ---------------------------------------- 5.2 nobody else in private time


@pytest.mark.parametrize(("person", "role"), [(REFERRER, "referrer"), (TEACHER, "professional")])
def test_2_no_professional_or_referrer_acts_during_private_family_time(
    fc: FamilyConference, person: str, role: str
) -> None:
    fc.to("private_family_time")
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, person)}
    allowed = {action for action, option in options.items() if option.allowed}
    # The one exception, and only for the referrer: a safety intervention,
    # which the process lets OSPOD take from outside the room.
    assert allowed == ({"intervene"} if role == "referrer" else set())
    if role == "referrer":
        # The referrer may withdraw consent for the family, but not from outside the room.
        (reason,) = options["withdraw_consent"].reasons
        assert reason.code is ReasonCode.NOT_PRESENT
    refuse = fc.refused(NotPermitted)
    refuse.act("withdraw_consent", by=person)
    refuse.call_in("coordinator", by=person)
    refuse.assign("aunt", "family_member", by=person)
    error = refuse.submit("family_plan", FAMILY_PLAN, by=person)
    assert role in str(error)


def test_2_coordinator_acts_in_private_time_only_when_called_in(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    refuse = fc.refused(NotPermitted)
    error = refuse.call_in("coordinator", by=COORDINATOR)
    assert "not present in the phase 'private_family_time'" in str(error)
    error = refuse.assign("aunt", "family_member", by=COORDINATOR)
    assert "coordinator must be called in first" in str(error)

    # The family calls the coordinator in from next door.
    fc.call_in("coordinator", by=GRANDFATHER)
    assert fc.case.called_in == ("coordinator",)
    fc.assign("aunt", "family_member", by=COORDINATOR)  # the family asks for one more person
    # The coordinator still does not write the family's plan.
    fc.refused(NotPermitted).submit("family_plan", FAMILY_PLAN, by=COORDINATOR)

    fc.dismiss("coordinator", by=MOTHER)
    fc.refused(NotPermitted).assign("uncle", "family_member", by=COORDINATOR)


def test_2_the_child_and_the_support_person_stay_with_the_family(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    fc.call_in("coordinator", by=CHILD)
    fc.dismiss("coordinator", by=SUPPORT)
    assert fc.case.called_in == ()


def test_2_nothing_but_the_plan_is_written_in_private_family_time(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    error = fc.refused(ActionNotAllowed).submit(
        "invitation_list",
        {"invitees": [{"name": "Aunt Olga", "role": "family_member", "confirmed": True}]},
        by=MOTHER,
    )
    assert "does not allow writing 'invitation_list'; it allows family_plan" in str(error)
    fc.family_writes_plan()


# ---------------------------------------- 5.3 the coordinator's independence


@pytest.mark.parametrize(
    ("person", "held_role"),
    [
        (REFERRER, "referrer"),
        (MOTHER, "family_member"),
        (CHILD, "child"),
        (TEACHER, "professional"),
    ],
)
def test_3_coordinator_is_never_the_referrer_nor_in_the_case_otherwise(
    fc: FamilyConference, person: str, held_role: str
) -> None:
    fc.refer()
    fc.family_decides("given")
    fc.act("start_preparation", by=REFERRER)
    if person == TEACHER:
        fc.assign(TEACHER, "professional", by=REFERRER)
    error = fc.refused(ActionNotAllowed).assign(person, "coordinator", by=REFERRER)
    assert f"holds {held_role}, which may not be held together with 'coordinator'" in str(error)


def test_3_the_coordinator_cannot_take_another_role(fc: FamilyConference) -> None:
    fc.to("preparation")
    for role, assigner in [
        ("family_member", REFERRER),
        ("professional", REFERRER),
        ("child", REFERRER),
        ("support_person", COORDINATOR),
    ]:
        error = fc.refused(ActionNotAllowed).assign(COORDINATOR, role, by=assigner)
        assert "holds coordinator, which may not be held together with" in str(error)


# --------------------------------------------------- 5.4 consent comes first


def test_4_without_consent_no_phase_after_referral_starts(fc: FamilyConference) -> None:
    fc.refer()
    error = fc.refused(ActionNotAllowed).act("start_preparation", by=REFERRER)
    assert "the artifact 'consent' is missing" in error.reasons
    # The coordinator is assigned only after consent: the referral phase has
    # no coordinator present, so no family data leaves OSPOD before it.
    assert fc.allowed(REFERRER) == {"intervene"}


def test_4_after_withdrawal_nothing_but_the_closed_case_remains(fc: FamilyConference) -> None:
    fc.to("preparation")
    fc.act("withdraw_consent", by=MOTHER)
    fc.assert_closed_for_good("withdrawn")


# ------------------------------------------------------ 5.5 a complete plan


def test_5_every_plan_item_has_owner_task_and_date(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    incomplete = {
        "items": [{"task": "Take Eliška to school"}, {"owner": "Josef", "due": "soon"}],
        "help_needed": [{"help": "Counselling"}],
    }
    error = fc.refused(ArtifactInvalid).submit("family_plan", incomplete, by=MOTHER)
    assert error.artifact == "family_plan"
    assert {problem.path for problem in error.errors} == {
        "items[0].owner",
        "items[0].due",
        "items[1].task",
        "items[1].due",
        "help_needed[0].provided_by",
        "monitoring",
    }


def test_5_a_blank_owner_or_task_is_no_owner_or_task(fc: FamilyConference) -> None:
    # A required text field left blank ("" or white space) is as missing as
    # one left out: otherwise a plan "has" an owner nobody can name.
    fc.to("private_family_time")
    blank = {
        "items": [{"task": " ", "owner": "", "due": date(2027, 2, 1)}],
        "help_needed": [{"help": "", "provided_by": "  "}],
        "monitoring": "Věra calls every Sunday.",
    }
    error = fc.refused(ArtifactInvalid).submit("family_plan", blank, by=MOTHER)
    assert {problem.path for problem in error.errors} == {
        "items[0].task",
        "items[0].owner",
        "help_needed[0].help",
        "help_needed[0].provided_by",
    }


def test_5_a_plan_without_items_or_monitoring_is_not_approved(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    invalid = fc.refused(ArtifactInvalid).submit(
        "family_plan", {**FAMILY_PLAN, "items": []}, by=MOTHER
    )
    assert [problem.path for problem in invalid.errors] == ["items"]
    unmonitored = fc.refused(ArtifactInvalid).submit(
        "family_plan", {**FAMILY_PLAN, "monitoring": "  "}, by=MOTHER
    )
    assert [(p.path, p.message) for p in unmonitored.errors] == [
        ("monitoring", "must not be blank")
    ]
    # The family may come back without a plan, but nothing unwritten is approved.
    fc.present_plan()
    fc.decide("approved", review_on=date(2027, 6, 30))
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    assert "the artifact 'family_plan' is missing" in error.reasons


# --------------------------------------- 5.6 only the referrer decides, with reasons


@pytest.mark.parametrize("person", [COORDINATOR, MOTHER, GRANDFATHER, CHILD, SUPPORT])
def test_6_only_the_referrer_approves_or_rejects(fc: FamilyConference, person: str) -> None:
    fc.to("plan_presentation")
    refuse = fc.refused(NotPermitted)
    refuse.submit(
        "approval_decision",
        {"decision": "approved", "decided_at": fc.clock.now(), "review_on": date(2027, 6, 30)},
        by=person,
    )
    fc.decide("approved", review_on=date(2027, 6, 30))
    for action in ("approve_plan", "reject_plan", "end_rejected"):
        error = refuse.act(action, by=person)
        assert "it needs one of the roles referrer" in str(error)


def test_6_a_rejection_has_reasons(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.decide("rejected")
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, REFERRER)}
    for action in ("reject_plan", "end_rejected"):
        assert not options[action].allowed
        (reason,) = options[action].reasons
        assert reason.code is ReasonCode.FIELD_CONDITION
        assert (reason.artifact, reason.field) == ("approval_decision", "reasons")


# ------------------------------------------------ 5.7 review of an approved plan


def test_7_a_review_exists_only_for_an_approved_plan(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.refused(ActionNotAllowed).act("start_review", by=COORDINATOR)
    fc.refused(ActionNotAllowed).submit(
        "review_record",
        {"held_on": date(2027, 1, 9), "done": "-", "decision": "close"},
        by=COORDINATOR,
    )
    fc.approve()
    fc.act("start_review", by=COORDINATOR)
    assert [taken.action for taken in fc.case.actions][-2:] == ["approve_plan", "start_review"]


# ----------------------------------- 5.8 OSPOD present, facilitator impartial


def test_8_no_meeting_without_the_ospod_worker(cc: CaseConference) -> None:
    cc.to("preparation")
    cc.arrive()
    cc.record_attendance(
        {
            "family_present": True,
            "ospod_worker_present": False,
            "attendees": [{"name": "Marie", "role": "parent", "present": True}],
            "absence_decision": "proceed",
        }
    )
    error = cc.refused(ActionNotAllowed).act("start_meeting", by=FACILITATOR)
    assert error.reasons == ("attendance.ospod_worker_present must equal true",)


def test_8_the_ospod_worker_must_be_assigned_before_the_request_is_accepted(
    cc: CaseConference,
) -> None:
    cc.assign(ORGANIZER, "organizer", by=CONVENER)
    cc.assign(PROVIDER, "provider", by=CONVENER)
    cc.submit(
        "request_form",
        {
            "requested_on": date(2026, 10, 5),
            "initiated_by": "parent",
            "reason": "The mother asked the NGO for help.",
            "goal": "Agree who helps with what.",
            "proposed_participants": [{"name": "Marie", "role": "parent"}],
            "convener": CONVENER,
            "organizer": ORGANIZER,
        },
        by=ORGANIZER,
    )
    cc.assess(suitable=True)
    error = cc.refused(ActionNotAllowed).act("accept_request", by=PROVIDER)
    assert error.reasons == ("the role 'ospod_worker' needs at least 1 person assigned",)


@pytest.mark.parametrize("role", ["convener", "organizer", "ospod_worker", "provider", "recorder"])
def test_8_the_facilitator_is_not_the_case_worker_nor_anyone_else_taking_part(
    cc: CaseConference, role: str
) -> None:
    cc.to("scheduling")
    holder = {
        "convener": CONVENER,
        "organizer": ORGANIZER,
        "ospod_worker": CONVENER,
        "provider": PROVIDER,
    }.get(role)
    if holder is None:
        cc.agree_date()
        cc.assign(RECORDER, "recorder", by=FACILITATOR)
        holder = RECORDER
        cc.refused(ActionNotAllowed).assign(FACILITATOR, role, by=ORGANIZER)
    else:
        cc.refused(ActionNotAllowed).assign(holder, "facilitator", by=PROVIDER)


# --------------------------------------------------- 5.9 overruns are breaches


def test_9_minutes_are_due_on_the_5th_working_day_skipping_28_october(cc: CaseConference) -> None:
    cc.to("minutes")
    state = cc.case.deadlines["minutes_delivered"]
    # Tue 27 Oct: 29, 30 Oct, 2, 3, 4 Nov are the five working days (28 Oct
    # is a holiday, 31 Oct and 1 Nov a weekend).
    assert state.limit == end_of_local_day(date(2026, 11, 4))
    assert state.anchor_at == MEETING_AT + timedelta(hours=1, minutes=50)


def test_9_a_meeting_over_two_hours_is_a_recorded_breach(cc: CaseConference) -> None:
    cc.to("meeting")
    cc.at(MEETING_AT + timedelta(hours=2, minutes=1))
    (breach,) = cc.sweep()
    assert breach.payload["deadline"] == "meeting_length"
    assert cc.status("meeting_length") is DeadlineStatus.BREACHED
    cc.end_meeting(after=timedelta(hours=2, minutes=30))
    assert cc.status("meeting_length") is DeadlineStatus.MET_LATE
    assert len(cc.events_of_type("deadline_breached")) == 1


def test_9_exactly_two_hours_is_on_time(cc: CaseConference) -> None:
    cc.to("meeting")
    cc.end_meeting(after=timedelta(hours=2))
    assert cc.status("meeting_length") is DeadlineStatus.MET_ON_TIME
    assert cc.events_of_type("deadline_breached") == []


# ----------------------------------------- 5.10 absentees need a decision


def test_10_going_ahead_with_absentees_is_the_organizers_recorded_decision(
    cc: CaseConference,
) -> None:
    cc.to("meeting")
    attendance = cc.case.latest("attendance")
    assert attendance is not None
    assert attendance.by == ORGANIZER
    assert attendance.data["absence_decision"] in ("nobody_absent", "proceed")


# -------------------------------------------------- 5.11 working-day arithmetic


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 10, 27), 5, date(2026, 11, 4)),  # over 28 October
        (date(2026, 12, 22), 3, date(2026, 12, 29)),  # over Christmas (24-27 Dec)
        (date(2027, 3, 24), 3, date(2027, 3, 31)),  # over Easter 2027 (26 and 29 March)
    ],
)
def test_11_working_days_skip_weekends_and_holidays(start: date, n: int, expected: date) -> None:
    cz = get_calendar("cz")
    assert cz.add_working_days(start, n) == expected
    days = [cz.add_working_days(start, k) for k in range(1, n + 1)]
    assert all(cz.is_working_day(day) for day in days)
    assert days == sorted(set(days))


# -------------------------------------------------- 5.12 outcomes absorb


def test_12_every_phase_can_reach_an_outcome() -> None:
    # Intervention ends both processes from every phase but the minutes
    # (ended by delivering them, so that everyone gets them); in version 2
    # it suspends the case first, and ending it is the next step.
    for phase in FAMILY_CONFERENCE_PHASES:
        walk = FamilyConference().to(phase)
        walk.intervene()
        if walk.phase == "suspended":
            walk.act("end_after_intervention", by=REFERRER)
        assert walk.case.closed
    assert CASE_CONFERENCE_PHASES[-1] == "minutes"
    for phase in CASE_CONFERENCE_PHASES[:-1]:
        case_conference = CaseConference().to(phase)
        case_conference.intervene()
        if case_conference.phase == "suspended":
            case_conference.act("end_after_intervention", by=CONVENER)
        assert case_conference.case.closed


def test_12_breach_sweeps_leave_closed_cases_alone() -> None:
    walk = CaseConference().to("preparation")
    walk.act("call_off", by=CONVENER)
    walk.at(local(2027, 1, 1))
    assert walk.sweep() == ()
    assert walk.engine.due(local(2100, 1, 1)) == []
