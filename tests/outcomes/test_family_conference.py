"""Every outcome of the family conference, each reached the way practice reaches it.

One test per outcome (and per realistic way to it), through the public API
only. After every accepted step the walk checks replay, the JSON round trip
and the hash chain; every refused step is checked to change nothing; each
test ends by checking that the outcome is absorbing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from kwflow import DeadlineStatus, ReasonCode
from kwflow.exceptions import ActionNotAllowed, ArtifactInvalid, NotPermitted
from kwflow.testing import invariant_violations
from tests.support.outcomes import (
    CHILD,
    COORDINATOR,
    FAMILY_PLAN,
    GRANDFATHER,
    MOTHER,
    PRAGUE,
    REFERRER,
    TEACHER,
    FamilyConference,
    local,
)

# ---------------------------------------------------------------- declined


def test_family_declines_the_offer(fc: FamilyConference) -> None:
    fc.refer()
    fc.later(days=2)
    fc.family_decides("refused")
    # Without consent there is no preparation.
    error = fc.refused(ActionNotAllowed).act("start_preparation", by=REFERRER)
    assert any("consent.decision must equal" in reason for reason in error.reasons)

    fc.act("decline", by=MOTHER)

    assert fc.phase == "declined"
    # The conference target stops with the case: nothing is left running.
    assert fc.status("conference_in_time") is DeadlineStatus.CANCELLED
    fc.assert_closed_for_good("declined")


def test_referrer_records_the_familys_refusal(fc: FamilyConference) -> None:
    fc.refer()
    fc.family_decides("refused", by=REFERRER)
    fc.act("decline", by=REFERRER)
    fc.assert_closed_for_good("declined")


def test_declining_needs_the_recorded_refusal(fc: FamilyConference) -> None:
    fc.refer()
    error = fc.refused(ActionNotAllowed).act("decline", by=MOTHER)
    assert "consent.decision must equal 'refused'" in str(error)
    fc.family_decides("given")
    fc.refused(ActionNotAllowed).act("decline", by=MOTHER)
    assert fc.phase == "referral"


# ---------------------------------------------------------------- withdrawn


@pytest.mark.parametrize(
    ("phase", "who"),
    [
        ("preparation", MOTHER),
        ("preparation", REFERRER),  # the referrer records it for the family
        ("information_sharing", GRANDFATHER),
        ("private_family_time", MOTHER),  # the family may withdraw in private too
        ("plan_presentation", REFERRER),
    ],
)
def test_family_withdraws_consent_before_approval(
    fc: FamilyConference, phase: str, who: str
) -> None:
    fc.to(phase)
    fc.later(hours=1)
    fc.act("withdraw_consent", by=who)
    assert fc.phase == "withdrawn"
    fc.assert_closed_for_good("withdrawn")


def test_consent_cannot_be_withdrawn_once_the_plan_is_approved(fc: FamilyConference) -> None:
    fc.to("implementation")
    error = fc.refused(ActionNotAllowed).act("withdraw_consent", by=MOTHER)
    assert "withdraw_consent" in str(error)
    assert fc.phase == "implementation"


# ------------------------------------------------------------------ no plan


def test_family_agrees_no_plan(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    fc.later(hours=2)
    # The family comes back without a plan: a legitimate outcome.
    fc.act("end_private_time", by=MOTHER)
    assert fc.case.latest("family_plan") is None
    # Nothing to approve.
    fc.decide("approved", review_on=date(2027, 6, 30))
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    assert "the artifact 'family_plan' is missing" in error.reasons

    fc.act("record_no_plan", by=COORDINATOR)

    fc.assert_closed_for_good("no_plan")


def test_no_plan_can_be_recorded_by_the_family(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.act("record_no_plan", by=GRANDFATHER)
    fc.assert_closed_for_good("no_plan")


def test_a_conference_without_a_plan_may_be_reconvened(fc: FamilyConference) -> None:
    fc.to("private_family_time")
    fc.act("end_private_time", by=MOTHER)
    fc.act("reconvene", by=COORDINATOR)
    assert fc.phase == "preparation"
    # A second meeting is prepared and held; this time the family agrees a plan.
    fc.submit(
        "arrangements",
        {"place": "Community centre", "starts_at": local(2027, 1, 23, 10)},
        by=COORDINATOR,
    )
    fc.open_conference()
    fc.leave_family_alone()
    fc.family_writes_plan()
    fc.present_plan()
    fc.approve()
    assert fc.phase == "implementation"
    assert [taken.action for taken in fc.case.actions].count("open_conference") == 2


# ------------------------------------------------------------ plan rejected


def test_unsafe_plan_rejected_twice_ends_the_process(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.reject_for_amendment("Nobody is with Eliška in the evenings on weekdays.")
    assert fc.phase == "private_family_time"
    amended = {**FAMILY_PLAN, "monitoring": "The family will see how it goes."}
    fc.family_writes_plan(amended)
    fc.present_plan()
    assert len(fc.case.artifacts["family_plan"]) == 2

    fc.decide("rejected", reasons="Evenings are still not covered; monitoring is vague.")
    fc.act("end_rejected", by=REFERRER)

    assert fc.phase == "plan_rejected"
    decisions = fc.case.artifacts["approval_decision"]
    assert [version.data["decision"] for version in decisions] == ["rejected", "rejected"]
    fc.assert_closed_for_good("plan_rejected")


def test_a_rejection_without_reasons_is_refused(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.decide("rejected")
    for action in ("reject_plan", "end_rejected"):
        error = fc.refused(ActionNotAllowed).act(action, by=REFERRER)
        assert error.reasons == ("approval_decision.reasons must not be empty",)
    assert fc.phase == "plan_presentation"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_a_rejection_with_blank_reasons_is_refused(fc: FamilyConference, blank: str) -> None:
    # domain.md 5.6: a rejection has reasons; white space is not a reason.
    fc.to("plan_presentation")
    fc.decide("rejected", reasons=blank)
    for action in ("reject_plan", "end_rejected"):
        fc.refused(ActionNotAllowed).act(action, by=REFERRER)
    assert fc.phase == "plan_presentation"


def test_amended_plan_is_approved(fc: FamilyConference) -> None:
    fc.to("plan_presentation")
    fc.reject_for_amendment("Who takes Eliška to school when Josef works early shifts?")
    # Back in private time: the referrer has left the room again.
    fc.refused(NotPermitted).act("withdraw_consent", by=REFERRER)
    fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    plan = {
        **FAMILY_PLAN,
        "items": [
            *FAMILY_PLAN["items"],
            {"task": "Cover Josef's early shifts", "owner": "Věra", "due": date(2027, 1, 31)},
        ],
    }
    fc.family_writes_plan(plan)
    fc.present_plan()

    fc.approve(review_on=date(2027, 6, 30))

    assert fc.phase == "implementation"
    latest_plan = fc.case.latest("family_plan")
    assert latest_plan is not None
    assert latest_plan.number == 2
    assert len(latest_plan.data["items"]) == 3
    assert fc.status("first_review") is DeadlineStatus.PENDING


# ---------------------------------------------------------------- completed


def test_approved_plan_is_carried_out_reviewed_and_closed(fc: FamilyConference) -> None:
    fc.refer()
    fc.later(days=3)
    fc.family_decides("given")
    fc.hand_over()
    fc.prepare(starts_at=local(2027, 1, 9, 10))  # a Saturday after the New Year
    fc.open_conference()
    # Eight weeks from the referral on 23 November: met over Christmas.
    assert fc.status("conference_in_time") is DeadlineStatus.MET_ON_TIME
    fc.leave_family_alone()
    fc.family_writes_plan()
    fc.present_plan()
    fc.approve(review_on=date(2027, 6, 30))
    first_review = fc.case.deadlines["first_review"]
    assert first_review.status is DeadlineStatus.PENDING
    # A child under seven: the first review within six months of the approval.
    assert first_review.target is None
    assert first_review.limit is not None
    assert first_review.limit.astimezone(local(2027, 7, 9).tzinfo).date() == date(2027, 7, 9)

    # Implementation: the family carries out its plan; the first review in June.
    fc.at(local(2027, 6, 30, 16))
    fc.review("continue", next_review_on=date(2027, 12, 1))
    assert fc.status("first_review") is DeadlineStatus.MET_ON_TIME
    fc.act("continue_plan", by=COORDINATOR)
    assert fc.phase == "implementation"
    assert fc.status("next_review") is DeadlineStatus.PENDING

    # The second review closes the case.
    fc.at(local(2027, 12, 1, 16))
    fc.review("close")
    assert fc.status("next_review") is DeadlineStatus.MET_ON_TIME
    fc.act("close_case", by=REFERRER)

    assert fc.phase == "completed"
    assert [taken.action for taken in fc.case.actions] == [
        "start_preparation",
        "open_conference",
        "start_private_time",
        "end_private_time",
        "approve_plan",
        "start_review",
        "continue_plan",
        "start_review",
        "close_case",
    ]
    fc.assert_closed_for_good("completed")


def test_review_date_beyond_the_period_is_refused_by_the_built_in_guard(
    fc: FamilyConference,
) -> None:
    fc.to("plan_presentation")
    fc.decide("approved", review_on=date(2027, 12, 1))  # 11 months, for a child under 7
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    assert "more than 6 months away" in str(error)
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, REFERRER)}
    assert [r.code for r in options["approve_plan"].reasons] == [ReasonCode.GUARD_REFUSED]


def test_a_review_can_call_a_new_conference(fc: FamilyConference) -> None:
    fc.to("review")
    fc.refused(ActionNotAllowed).act("reconvene_after_review", by=COORDINATOR)
    fc.submit(
        "review_record",
        {"held_on": date(2027, 6, 30), "done": "Little.", "decision": "new_conference"},
        by=MOTHER,
    )
    fc.act("reconvene_after_review", by=REFERRER)
    assert fc.phase == "preparation"


def test_first_review_of_a_young_child_breaches_after_six_months(fc: FamilyConference) -> None:
    fc.to("implementation")  # the referral says the child is under seven
    approved_at = fc.clock.now()
    limit = fc.case.deadlines["first_review"].limit
    assert limit is not None
    six_months = approved_at.astimezone(PRAGUE).date().replace(year=2027, month=7)
    assert limit.astimezone(PRAGUE).date() == six_months
    fc.at(datetime.combine(six_months, time(23, 59), tzinfo=PRAGUE))
    assert fc.sweep() == ()
    fc.at(datetime.combine(six_months + timedelta(days=1), time(8), tzinfo=PRAGUE))
    (breach,) = fc.sweep()
    assert breach.payload["deadline"] == "first_review"
    assert fc.status("first_review") is DeadlineStatus.BREACHED


def test_first_review_of_an_older_child_runs_twelve_months(fc: FamilyConference) -> None:
    fc.to("implementation", child_age_band="seven_or_older")
    approved_at = fc.clock.now()
    limit = fc.case.deadlines["first_review"].limit
    assert limit is not None
    assert limit.astimezone(PRAGUE).date() == approved_at.astimezone(PRAGUE).date().replace(
        year=2028, month=1
    )
    fc.at(local(2027, 8, 1))  # past six months, not twelve
    assert fc.sweep() == ()
    assert fc.status("first_review") is DeadlineStatus.PENDING


def test_first_review_missed_is_recorded_as_a_breach(fc: FamilyConference) -> None:
    fc.to("implementation")
    approved_at = fc.clock.now()
    limit = fc.case.deadlines["first_review"].limit
    assert limit is not None
    fc.at(local(2028, 1, 10))  # more than six months passed with no review
    (breach,) = fc.sweep()
    assert breach.type == "deadline_breached"
    assert breach.payload["deadline"] == "first_review"
    assert fc.status("first_review") is DeadlineStatus.BREACHED
    assert approved_at < limit < fc.clock.now()
    # The late review is still held, and recorded as late.
    fc.act("start_review", by=COORDINATOR)
    assert fc.status("first_review") is DeadlineStatus.MET_LATE
    assert len(fc.events_of_type("deadline_breached")) == 1


# ------------------------------------------------------ safety intervention


@pytest.mark.parametrize(
    "phase",
    [
        "referral",
        "preparation",
        "information_sharing",
        "private_family_time",  # out of the room: the step does not require presence
        "plan_presentation",
        "implementation",
        "review",
    ],
)
def test_ospod_intervenes_for_the_childs_safety(fc: FamilyConference, phase: str) -> None:
    fc.to(phase)
    fc.later(hours=2)
    # Only the referrer intervenes; the coordinator or the family cannot.
    for other in (MOTHER, COORDINATOR, TEACHER):
        if other in fc.case.participants:
            fc.refused(NotPermitted).act(
                "intervene",
                by=other,
                data={"reason": "x", "measure": "y", "decided_at": fc.clock.now()},
            )

    fc.intervene()

    if fc.version >= 2:
        # Version 2: the case is suspended where it stood, and only the
        # referrer may resume it or end it.
        assert fc.phase == "suspended"
        assert fc.case.suspension is not None
        assert fc.case.suspension.from_phase.id == phase
        for other in (MOTHER, COORDINATOR, TEACHER):
            if other in fc.case.participants:
                assert not {
                    o.action for o in fc.engine.available_actions(fc.case_id, other) if o.allowed
                }
        fc.later(days=1)
        fc.act("end_after_intervention", by=REFERRER)
    assert fc.phase == "safety_intervention"
    # Only the referrer reads the record of the intervention.
    assert fc.engine.view(fc.case_id, REFERRER).latest("intervention") is not None
    for person in (MOTHER, CHILD, COORDINATOR, TEACHER):
        if person in fc.case.participants:
            assert "intervention" in fc.engine.view(fc.case_id, person).hidden
        else:  # not yet taking part: nothing of the case at all
            with pytest.raises(NotPermitted):
                fc.engine.view(fc.case_id, person)
    fc.assert_closed_for_good("safety_intervention")


@pytest.mark.parametrize("phase", ["referral", "private_family_time", "implementation"])
def test_after_an_intervention_the_case_resumes_where_it_stopped(phase: str) -> None:
    fc = FamilyConference(version=2)
    fc.to(phase)
    fc.later(hours=2)
    fc.intervene()
    assert fc.phase == "suspended"
    fc.later(days=14)
    fc.act("resume", by=REFERRER)
    assert fc.phase == phase
    assert fc.case.suspension is None


def test_intervention_needs_its_record(fc: FamilyConference) -> None:
    fc.refer()
    error = fc.refused(ArtifactInvalid).act("intervene", by=REFERRER, data={"reason": ""})
    assert error.artifact == "intervention"
    assert {problem.path for problem in error.errors} >= {"measure", "decided_at"}


def test_intervening_from_outside_the_room_gives_the_referrer_nothing_else(
    fc: FamilyConference,
) -> None:
    # The process lets the referrer intervene without being present; every
    # other step of private family time stays closed to the referrer.
    fc.to("private_family_time")
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, REFERRER)}
    assert {action for action, option in options.items() if option.allowed} == {"intervene"}
    error = fc.refused(NotPermitted).act("withdraw_consent", by=REFERRER)
    assert "not present in the phase 'private_family_time'" in str(error)
    fc.intervene()
    if fc.version >= 2:
        fc.act("end_after_intervention", by=REFERRER)
    fc.assert_closed_for_good("safety_intervention")

    # The declared invariant allows exactly this exception, and no other.
    process = fc.engine.process_of(fc.case_id)
    history = fc.engine.history_unfiltered(fc.case_id)
    assert invariant_violations(process, history) == []
    (strict,) = [i for i in process.invariants if i.id == "referrer_not_in_private_time"]
    without_exception = process.model_copy(
        update={"invariants": (strict.model_copy(update={"except_actions": ()}),)}
    )
    (violation,) = invariant_violations(without_exception, history)
    assert violation.invariant == "referrer_not_in_private_time"
    # The intervention is the step that breaks it (in version 2 ending the
    # suspended case follows it).
    intervention = [event for event in history if event.payload.get("action") == "intervene"]
    assert [violation.sequence] == [event.sequence for event in intervention]


def test_a_professional_reads_what_the_plan_asks_and_nothing_else_of_it() -> None:
    fc = FamilyConference(version=2)
    fc.to("implementation")
    plan = fc.case.latest("family_plan")
    assert plan is not None
    seen = fc.engine.view(fc.case_id, TEACHER)
    # Version 2: the items and the help asked for, not how the family monitors the plan.
    shown = seen.latest("family_plan")
    assert shown is not None
    assert set(shown.data) == {"items", "help_needed"} & set(plan.data)
    assert "monitoring" in seen.hidden_fields["family_plan"]
    assert "family_plan" not in seen.hidden
    # Version 1 keeps the plan from professionals altogether.
    old = FamilyConference(version=1)
    old.to("implementation")
    assert "family_plan" in old.engine.view(old.case_id, TEACHER).hidden
