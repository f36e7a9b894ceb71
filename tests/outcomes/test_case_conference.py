"""Every outcome of the case conference, each reached the way practice reaches it.

The meeting is on Tuesday 27 October 2026 at 14:00; Wednesday 28 October is a
public holiday, so the minutes are due by the end of Wednesday 4 November
(the 5th working day after the meeting day), not Tuesday 3 November.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kwflow import DeadlineStatus
from kwflow.exceptions import ActionNotAllowed, ArtifactInvalid, NotPermitted
from tests.support.outcomes import (
    CONVENER,
    FACILITATOR,
    MEETING_AT,
    MINUTES,
    ORGANIZER,
    PARENT,
    PROFESSIONAL,
    PROVIDER,
    RECORDER,
    CaseConference,
    end_of_local_day,
    local,
)

MINUTES_DUE = end_of_local_day(date(2026, 11, 4))


# --------------------------------------------------------------------- held


def test_conference_held_and_minutes_delivered_on_time(cc: CaseConference) -> None:
    cc.request()
    assert cc.status("date_agreed") is DeadlineStatus.PENDING
    cc.assess(suitable=True)
    cc.accept()
    cc.agree_date()
    assert cc.status("date_agreed") is DeadlineStatus.MET_ON_TIME
    cc.prepare()
    cc.arrive()
    assert cc.status("facilitator_early") is DeadlineStatus.MET_ON_TIME
    assert cc.status("recorder_early") is DeadlineStatus.MET_ON_TIME
    cc.record_attendance()
    cc.start_meeting()
    assert cc.phase == "meeting"
    cc.end_meeting(after=timedelta(hours=1, minutes=50))
    assert cc.status("meeting_length") is DeadlineStatus.MET_ON_TIME

    minutes = cc.case.deadlines["minutes_delivered"]
    assert minutes.status is DeadlineStatus.PENDING
    assert minutes.limit == MINUTES_DUE
    # The afternoon of the last day is still on time.
    cc.deliver_minutes(local(2026, 11, 4, 16, 30))

    assert cc.status("minutes_delivered") is DeadlineStatus.MET_ON_TIME
    assert cc.events_of_type("deadline_breached") == []
    # Every participant reads the minutes; the costs are OSPOD's and the organizer's.
    assert cc.engine.view(cc.case_id, PARENT).latest("minutes") is not None
    assert cc.engine.view(cc.case_id, PROFESSIONAL).latest("minutes") is not None
    cc.assert_closed_for_good("held")


def test_minutes_need_attendees_and_next_steps(cc: CaseConference) -> None:
    cc.to("minutes")
    cc.refused(ActionNotAllowed).act("deliver_minutes", by=RECORDER)
    # Required text left blank is missing text: minutes without next steps
    # are refused when written, not only when delivered.
    blank = {**MINUTES, "next_steps": " "}
    invalid = cc.refused(ArtifactInvalid).submit("minutes", blank, by=RECORDER)
    assert [(p.path, p.message) for p in invalid.errors] == [("next_steps", "must not be blank")]
    error = cc.refused(ActionNotAllowed).act("deliver_minutes", by=RECORDER)
    assert error.reasons[0] == "the artifact 'minutes' is missing"
    # Only the recorder writes and delivers the minutes.
    cc.refused(NotPermitted).submit("minutes", MINUTES, by=FACILITATOR)
    cc.refused(NotPermitted).act("deliver_minutes", by=ORGANIZER)


# ----------------------------------------------------- minutes late: breach


def test_late_minutes_are_recorded_as_breached_then_met_late(cc: CaseConference) -> None:
    cc.to("minutes")
    # Wednesday 4 November, the last moment of the last day: still running.
    cc.at(MINUTES_DUE)
    assert cc.sweep() == ()
    assert cc.status("minutes_delivered") is DeadlineStatus.PENDING
    # A background job on Thursday morning records the breach.
    cc.at(local(2026, 11, 5, 7))
    (breach,) = cc.sweep()
    assert breach.type == "deadline_breached"
    assert breach.actor == "kwflow"
    assert breach.payload["deadline"] == "minutes_delivered"
    assert cc.status("minutes_delivered") is DeadlineStatus.BREACHED
    assert cc.engine.due(local(2026, 11, 30)) == []

    # The late minutes are still accepted, and recorded as late.
    cc.deliver_minutes(local(2026, 11, 5, 10))

    state = cc.case.deadlines["minutes_delivered"]
    assert state.status is DeadlineStatus.MET_LATE
    assert state.breached_at == local(2026, 11, 5, 7)
    assert len(cc.events_of_type("deadline_breached")) == 1
    cc.assert_closed_for_good("held")


def test_a_breach_is_recorded_even_when_nobody_swept(cc: CaseConference) -> None:
    # No background job ran: the engine records the breach before the late step.
    cc.to("minutes")
    cc.deliver_minutes(local(2026, 11, 9, 9))
    history = cc.engine.history_unfiltered(cc.case_id)
    breach, submitted = history[-3], history[-2]
    assert breach.type == "deadline_breached"
    assert breach.payload["deadline"] == "minutes_delivered"
    assert submitted.type == "artifact_submitted"
    assert cc.status("minutes_delivered") is DeadlineStatus.MET_LATE
    cc.assert_closed_for_good("held")


def test_a_meeting_longer_than_two_hours_is_recorded_as_a_breach(cc: CaseConference) -> None:
    cc.to("meeting")
    limit = cc.case.deadlines["meeting_length"].limit
    assert limit == MEETING_AT + timedelta(hours=2)
    cc.end_meeting(after=timedelta(hours=2, minutes=20))
    (breach,) = cc.events_of_type("deadline_breached")
    assert breach.payload["deadline"] == "meeting_length"
    assert cc.status("meeting_length") is DeadlineStatus.MET_LATE
    assert cc.case.deadlines["meeting_length"].breached_at is not None
    assert cc.phase == "minutes"


def test_a_recorder_arriving_late_is_recorded(cc: CaseConference) -> None:
    cc.to("preparation")
    cc.arrive(recorder_at=MEETING_AT - timedelta(minutes=10))
    assert cc.status("facilitator_early") is DeadlineStatus.MET_ON_TIME
    assert cc.status("recorder_early") is DeadlineStatus.MET_LATE
    (breach,) = cc.events_of_type("deadline_breached")
    assert breach.payload["deadline"] == "recorder_early"


# ---------------------------------------------------------------- not suitable


def test_provider_recommends_another_tool(cc: CaseConference) -> None:
    cc.request()
    cc.assess(suitable=False)
    cc.refused(ActionNotAllowed).act("accept_request", by=PROVIDER)
    error = cc.refused(ActionNotAllowed).act("recommend_other_tool", by=PROVIDER)
    assert error.reasons == ("suitability.recommended_tool must not be empty",)
    cc.assess(suitable=False, recommended_tool="Mediation between the parents")
    # Only the provider, who assessed it, recommends.
    cc.refused(NotPermitted).act("recommend_other_tool", by=CONVENER)

    cc.act("recommend_other_tool", by=PROVIDER)

    assert cc.status("date_agreed") is DeadlineStatus.CANCELLED
    cc.assert_closed_for_good("not_suitable")


# ------------------------------------------------------------ family no-show


NO_SHOW: dict[str, Any] = {
    "family_present": False,
    "ospod_worker_present": True,
    "attendees": [
        {"name": "Marie", "role": "parent", "present": False},
        {"name": "ZŠ Lipová", "role": "professional", "present": True},
    ],
    "absence_decision": "postpone",
    "decision_reason": "The mother did not come and does not answer the phone.",
}


def test_family_does_not_come_and_travel_costs_are_recorded(cc: CaseConference) -> None:
    cc.to("preparation")
    cc.arrive()
    cc.record_attendance(NO_SHOW)
    cc.at(MEETING_AT + timedelta(minutes=20))
    # No meeting without the family.
    error = cc.refused(ActionNotAllowed).act("start_meeting", by=FACILITATOR)
    assert "attendance.family_present must equal true" in error.reasons
    # No-show without the costs recorded is refused.
    error = cc.refused(ActionNotAllowed).act("record_family_no_show", by=ORGANIZER)
    assert "the artifact 'facilitation_costs' is missing" in error.reasons

    cc.submit(
        "facilitation_costs",
        {
            "basis": "family_no_show",
            "travel_facilitator": "412.00",
            "travel_recorder": "236.00",
            "total": "648.00",
        },
        by=FACILITATOR,
    )
    cc.act("record_family_no_show", by=ORGANIZER)

    costs = cc.case.latest("facilitation_costs")
    assert costs is not None
    assert costs.data["total"] == "648.00"
    assert cc.engine.view(cc.case_id, CONVENER).latest("facilitation_costs") is not None
    assert "facilitation_costs" in cc.engine.view(cc.case_id, PARENT).hidden
    # The arrival deadlines were met; the meeting never started.
    assert cc.status("meeting_length") is DeadlineStatus.NOT_STARTED
    cc.assert_closed_for_good("family_no_show")


# ------------------------------------------- proceeding despite absentees


SCHOOL_ABSENT: dict[str, Any] = {
    "family_present": True,
    "ospod_worker_present": True,
    "attendees": [
        {"name": "Marie", "role": "parent", "present": True},
        {"name": "ZŠ Lipová", "role": "professional", "present": False},
    ],
}


def test_meeting_goes_ahead_without_absentees_only_on_the_organizers_recorded_decision(
    cc: CaseConference,
) -> None:
    cc.to("preparation")
    cc.arrive()
    # Attendance without the organizer's decision on the absentee is not a record.
    invalid = cc.refused(ArtifactInvalid).submit("attendance", SCHOOL_ABSENT, by=ORGANIZER)
    assert [problem.path for problem in invalid.errors] == ["absence_decision"]
    # Nobody but the organizer decides.
    with_decision = {**SCHOOL_ABSENT, "absence_decision": "proceed"}
    cc.refused(NotPermitted).submit("attendance", with_decision, by=FACILITATOR)
    cc.refused(NotPermitted).submit("attendance", with_decision, by=CONVENER)
    # The organizer first leans towards postponing: the meeting cannot start.
    cc.record_attendance({**SCHOOL_ABSENT, "absence_decision": "postpone"})
    error = cc.refused(ActionNotAllowed).act("start_meeting", by=FACILITATOR)
    assert error.reasons == (
        "attendance.absence_decision must be one of 'nobody_absent', 'proceed'",
    )
    # ... then decides to go ahead, and says why.
    cc.record_attendance(
        {**with_decision, "decision_reason": "The school sent its report in writing."}
    )
    cc.start_meeting()
    cc.end_meeting()
    cc.deliver_minutes(local(2026, 10, 30, 12))

    attendance = cc.case.artifacts["attendance"]
    assert [version.data["absence_decision"] for version in attendance] == ["postpone", "proceed"]
    assert {version.by for version in attendance} == {ORGANIZER}
    cc.assert_closed_for_good("held")


def test_organizer_postpones_to_a_new_date(cc: CaseConference) -> None:
    cc.to("preparation")
    cc.arrive()
    cc.record_attendance({**SCHOOL_ABSENT, "absence_decision": "postpone"})
    cc.act("reschedule", by=ORGANIZER)
    assert cc.phase == "scheduling"
    assert cc.status("facilitator_early") is DeadlineStatus.MET_ON_TIME
    new_date = local(2026, 11, 10, 14)
    cc.submit(
        "schedule",
        {"starts_at": new_date, "place": "Community centre", "length_minutes": 90},
        by=ORGANIZER,
    )
    cc.act("agree_date", by=PROVIDER)
    assert cc.phase == "preparation"
    facilitator_early = cc.case.deadlines["facilitator_early"]
    assert facilitator_early.status is DeadlineStatus.PENDING
    assert facilitator_early.limit == new_date - timedelta(minutes=30)


# ---------------------------------------------------------------- called off


@pytest.mark.parametrize("phase", ["request", "scheduling", "preparation"])
def test_convener_calls_the_conference_off(cc: CaseConference, phase: str) -> None:
    cc.to(phase)
    cc.later(days=1)
    for other in (ORGANIZER, PROVIDER):
        cc.refused(NotPermitted).act("call_off", by=other)
    cc.act("call_off", by=CONVENER)
    cc.assert_closed_for_good("called_off")


def test_a_meeting_under_way_cannot_be_called_off(cc: CaseConference) -> None:
    cc.to("meeting")
    cc.refused(ActionNotAllowed).act("call_off", by=CONVENER)


# ------------------------------------------------------ safety intervention


@pytest.mark.parametrize("phase", ["request", "scheduling", "preparation", "meeting"])
def test_ospod_intervenes_for_the_childs_safety(cc: CaseConference, phase: str) -> None:
    cc.to(phase)
    cc.later(minutes=30)
    cc.intervene()
    assert cc.phase == "safety_intervention"
    assert cc.engine.view(cc.case_id, CONVENER).latest("intervention") is not None
    for person in (ORGANIZER, PROVIDER, FACILITATOR, PARENT):
        if person in cc.case.participants:
            assert "intervention" in cc.engine.view(cc.case_id, person).hidden
    cc.assert_closed_for_good("safety_intervention")


def test_only_the_ospod_worker_intervenes(cc: CaseConference) -> None:
    cc.to("meeting")
    data = {"reason": "x", "measure": "y", "decided_at": cc.clock.now()}
    for person in (ORGANIZER, FACILITATOR, RECORDER, PARENT):
        cc.refused(NotPermitted).act("intervene", by=person, data=data)


def test_once_the_meeting_ended_the_minutes_still_go_out(cc: CaseConference) -> None:
    # The process file's choice: no intervention ends the process in the
    # minutes phase, so that the participants always get the minutes.
    cc.to("minutes")
    data = {"reason": "x", "measure": "y", "decided_at": cc.clock.now()}
    error = cc.refused(ActionNotAllowed).act("intervene", by=CONVENER, data=data)
    assert "minutes" in str(error)
