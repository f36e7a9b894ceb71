"""Every outcome of version 2 of the case conference, and what version 2 changed.

Version 2 (domain.md sections 2 and 6): the convener decides whether the
conference is held, on the provider's advice; facilitation may be in-house;
the one-month rule runs from that decision to the start of the meeting, and
a planned start beyond it shows at once; the convener, the OSPOD worker and
the facilitator can be handed over; relatives take part and read the
minutes; the delivery of the minutes records recipients and date; "nobody
absent" is read from the attendance list. Version 1 cases keep running.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kwflow import DeadlineStatus, Registry
from kwflow.exceptions import ActionNotAllowed, ArtifactInvalid, NotPermitted
from tests.support.outcomes import (
    ALL_PRESENT_V2,
    CONVENER,
    FACILITATOR,
    MEETING_AT,
    ORGANIZER,
    PARENT,
    PROVIDER,
    RECORDER,
    CaseConference,
    end_of_local_day,
    local,
)

RULE = "conference_in_time"
# The convener decides on Tue 6 October 2026 (the walk's assess moves one day on).
TARGET = end_of_local_day(date(2026, 10, 27))  # 3 weeks
LIMIT = end_of_local_day(date(2026, 11, 6))  # 1 month


def test_held_the_rule_runs_from_the_decision_to_the_start_of_the_meeting(
    cc2: CaseConference,
) -> None:
    cc2.request()
    assert cc2.status(RULE) is DeadlineStatus.NOT_STARTED
    cc2.assess(suitable=True)
    cc2.accept()
    rule = cc2.case.deadlines[RULE]
    assert rule.status is DeadlineStatus.PENDING
    assert (rule.target, rule.limit) == (TARGET, LIMIT)
    cc2.agree_date()
    # Agreeing a date does not meet the rule: holding the meeting does.
    rule = cc2.case.deadlines[RULE]
    assert rule.status is DeadlineStatus.PENDING
    assert rule.planned_at == MEETING_AT
    assert rule.planned_late is None
    cc2.prepare()
    cc2.arrive()
    cc2.record_attendance()
    cc2.start_meeting()
    assert cc2.status(RULE) is DeadlineStatus.MET_ON_TIME
    assert cc2.case.deadlines[RULE].planned_late is None
    cc2.end_meeting()
    cc2.deliver_minutes(local(2026, 11, 2, 10))
    delivery = cc2.case.latest("minutes_delivery")
    assert delivery is not None
    assert delivery.data["delivered_on"] == "2026-11-02"
    assert [r["role"] for r in delivery.data["recipients"]] == ["ospod", "parent", "professional"]
    cc2.assert_closed_for_good("held")


def test_a_planned_start_beyond_the_limit_shows_at_once_and_goes_when_replanned(
    cc2: CaseConference,
) -> None:
    cc2.to("scheduling")
    cc2.later(days=1)
    cc2.assign(FACILITATOR, "facilitator", by=PROVIDER)
    far = local(2026, 12, 1, 14)
    cc2.submit(
        "schedule", {"starts_at": far, "place": "OSPOD", "length_minutes": 120}, by=ORGANIZER
    )
    rule = cc2.case.deadlines[RULE]
    assert rule.status is DeadlineStatus.PENDING
    assert (rule.planned_at, rule.planned_late) == (far, "limit")
    view = cc2.engine.view(cc2.case_id, ORGANIZER).to_dict()
    [shown] = [d for d in view["deadlines"] if d["id"] == RULE]
    assert shown["planned_late"] == "limit"
    assert shown["planned_at"].startswith("2026-12-01T14:00")
    # The organizer's inbox shows it now, weeks before it falls due.
    [item] = cc2.engine.inbox(ORGANIZER, within=timedelta(days=1))
    [deadline] = item.deadlines
    assert (deadline.id, deadline.planned_late) == (RULE, "limit")
    assert item.to_dict()["deadlines"][0]["planned_late"] == "limit"
    # Between target and limit: only the target is missed.
    between = local(2026, 11, 3, 14)
    cc2.submit(
        "schedule", {"starts_at": between, "place": "OSPOD", "length_minutes": 120}, by=ORGANIZER
    )
    assert cc2.case.deadlines[RULE].planned_late == "target"
    cc2.submit(
        "schedule",
        {"starts_at": MEETING_AT, "place": "OSPOD", "length_minutes": 120},
        by=ORGANIZER,
    )
    assert cc2.case.deadlines[RULE].planned_late is None
    assert cc2.engine.inbox(ORGANIZER, within=timedelta(days=1))[0].deadlines == ()


def test_a_meeting_started_after_the_limit_meets_the_rule_late(cc2: CaseConference) -> None:
    late = local(2026, 11, 10, 14)
    cc2.to("scheduling")
    cc2.agree_date(starts_at=late)
    assert cc2.case.deadlines[RULE].planned_late == "limit"
    cc2.prepare()
    cc2.at(late - timedelta(minutes=40))
    cc2.act("facilitator_arrived", by=FACILITATOR)
    cc2.act("recorder_arrived", by=RECORDER)
    cc2.submit("attendance", ALL_PRESENT_V2, by=ORGANIZER)
    cc2.at(late)
    cc2.act("start_meeting", by=FACILITATOR)
    # The breach was recorded before the start (the engine sweeps before a
    # command); starting then meets the breached rule, late.
    assert cc2.status(RULE) is DeadlineStatus.MET_LATE
    assert cc2.case.deadlines[RULE].breached_at is not None
    assert cc2.case.deadlines[RULE].planned_late is None


def test_the_convener_decides_the_provider_only_advises(cc2: CaseConference) -> None:
    cc2.request()
    cc2.later(days=1)
    cc2.submit(
        "provider_advice",
        {"suitable": False, "advice": "Parents in conflict.", "recommended_tool": "Mediation"},
        by=PROVIDER,
    )
    refuse = cc2.refused(NotPermitted)
    refuse.submit("suitability", {"suitable": False, "reasoning": "x"}, by=PROVIDER)
    refuse.act("recommend_other_tool", by=PROVIDER)
    cc2.submit(
        "suitability",
        {
            "suitable": False,
            "reasoning": "On the provider's advice.",
            "recommended_tool": "Mediation",
            "decided_on": date(2026, 10, 6),
        },
        by=CONVENER,
    )
    cc2.act("recommend_other_tool", by=CONVENER)
    cc2.assert_closed_for_good("not_suitable")


def test_external_facilitation_needs_the_providers_advice(cc2: CaseConference) -> None:
    cc2.request()
    cc2.later(days=1)
    cc2.submit(
        "suitability",
        {"suitable": True, "reasoning": "Suits.", "decided_on": date(2026, 10, 6)},
        by=CONVENER,
    )
    error = cc2.refused(ActionNotAllowed).act("accept_request", by=CONVENER)
    assert any("provider_advice" in reason for reason in error.reasons)
    error = cc2.refused(ActionNotAllowed).act("accept_request_in_house", by=CONVENER)
    assert any("facilitation" in reason for reason in error.reasons)


def test_in_house_facilitation_is_held_without_a_provider() -> None:
    walk = CaseConference(version=2, in_house=True)
    walk.to("meeting")
    assert not walk.case.people_in("provider")
    walk.end_meeting()
    walk.deliver_minutes(local(2026, 11, 2, 10))
    walk.assert_closed_for_good("held")


def test_in_house_family_no_show_costs_nothing() -> None:
    walk = CaseConference(version=2, in_house=True)
    walk.to("preparation")
    walk.record_attendance({**ALL_PRESENT_V2, "family_present": False})
    walk.refused(ActionNotAllowed).act("record_family_no_show", by=ORGANIZER)
    walk.act("record_family_no_show_in_house", by=ORGANIZER)
    walk.assert_closed_for_good("family_no_show")


def test_external_family_no_show_records_the_travel_costs(cc2: CaseConference) -> None:
    cc2.to("preparation")
    cc2.record_attendance({**ALL_PRESENT_V2, "family_present": False})
    cc2.refused(ActionNotAllowed).act("record_family_no_show", by=FACILITATOR)
    cc2.refused(ActionNotAllowed).act("record_family_no_show_in_house", by=FACILITATOR)
    cc2.submit(
        "facilitation_costs",
        {
            "basis": "family_no_show",
            "travel_facilitator": 420,
            "travel_recorder": 380,
            "total": 800,
        },
        by=FACILITATOR,
    )
    cc2.act("record_family_no_show", by=FACILITATOR)
    assert cc2.status(RULE) is DeadlineStatus.CANCELLED
    cc2.assert_closed_for_good("family_no_show")


def test_nobody_absent_is_read_from_the_attendance_list(cc2: CaseConference) -> None:
    cc2.to("preparation")
    cc2.arrive()
    # The old explicit value is gone: it could disagree with the list.
    cc2.refused(ArtifactInvalid).submit(
        "attendance", {**ALL_PRESENT_V2, "absence_decision": "nobody_absent"}, by=ORGANIZER
    )
    school_absent = {
        **ALL_PRESENT_V2,
        "attendees": [
            {"name": "Marie", "role": "parent", "present": True},
            {"name": "ZŠ Lipová", "role": "professional", "present": False},
        ],
    }
    cc2.record_attendance(school_absent)
    cc2.at(MEETING_AT)
    error = cc2.refused(ActionNotAllowed).act("start_meeting", by=FACILITATOR)
    assert any("ZŠ Lipová" in reason for reason in error.reasons), error.reasons
    cc2.submit(
        "attendance",
        {**school_absent, "absence_decision": "proceed", "decision_reason": "Report sent."},
        by=ORGANIZER,
    )
    cc2.act("start_meeting", by=FACILITATOR)
    assert cc2.phase == "meeting"


def test_the_flipchart_is_optional(cc2: CaseConference) -> None:
    cc2.to("preparation")
    cc2.submit(
        "arrangements", {"room_ready": True, "child_preparation": "not_attending"}, by=ORGANIZER
    )
    cc2.arrive()
    cc2.record_attendance()
    cc2.start_meeting()
    assert cc2.phase == "meeting"


def test_a_relative_takes_part_and_reads_the_minutes(cc2: CaseConference) -> None:
    cc2.to("preparation")
    cc2.assign("bozena", "relative", by=ORGANIZER)
    cc2.arrive()
    cc2.record_attendance()
    cc2.start_meeting()
    cc2.end_meeting()
    cc2.deliver_minutes(local(2026, 11, 2, 10))
    view = cc2.engine.view(cc2.case_id, "bozena")
    assert "minutes" in view.artifacts
    assert "minutes_delivery" not in view.artifacts


def test_the_convener_ospod_worker_and_facilitator_are_handed_over(cc2: CaseConference) -> None:
    cc2.to("preparation")
    cc2.replace("facilitator", FACILITATOR, "hana", by=ORGANIZER, reason="Filip is ill.")
    cc2.replace("ospod_worker", CONVENER, "novak", by=CONVENER, reason="New case worker.")
    cc2.replace("convener", CONVENER, "vesela", by=CONVENER, reason="Králová leaves.")
    case = cc2.case
    assert case.people_in("facilitator") == ("hana",)
    assert case.people_in("ospod_worker") == ("novak",)
    assert case.people_in("convener") == ("vesela",)
    # Whoever handed a role over no longer takes the steps of that role.
    cc2.refused(NotPermitted).act("call_off", by=CONVENER)
    # The recorder is not handed over in version 2 (the facilitator assigns another).
    error = cc2.refused(ActionNotAllowed).replace(
        "recorder", RECORDER, "someone", by="hana", reason="x"
    )
    assert any("replaced_by" in reason for reason in error.reasons)
    cc2.act("call_off", by="vesela")
    cc2.assert_closed_for_good("called_off")


@pytest.mark.parametrize("phase", ["request", "scheduling", "preparation", "meeting"])
def test_an_intervention_ends_the_conference(phase: str) -> None:
    walk = CaseConference(version=2).to(phase)
    walk.intervene()
    if phase != "meeting":
        # Before the meeting the case is suspended first; only the OSPOD
        # worker acts, ending it (or resuming it).
        assert walk.phase == "suspended"
        assert not walk.allowed(ORGANIZER)
        walk.act("end_after_intervention", by=CONVENER)
    walk.assert_closed_for_good("safety_intervention")


@pytest.mark.parametrize("phase", ["request", "scheduling", "preparation"])
def test_after_an_intervention_the_conference_resumes_where_it_stopped(phase: str) -> None:
    walk = CaseConference(version=2).to(phase)
    walk.intervene()
    walk.later(days=10)
    walk.act("resume", by=CONVENER)
    assert walk.phase == phase
    assert walk.case.suspension is None


def test_a_version_1_case_keeps_running_on_version_1_after_version_2_ships() -> None:
    walk = CaseConference(version=1)
    assert walk.version == 1
    shipped = Registry.shipped()
    assert walk.case.process.content_hash == shipped.get("case_conference", 1).content_hash
    assert walk.process == shipped.get("case_conference", 1)
    walk.request()
    walk.assess(suitable=True)
    walk.act("accept_request", by=PROVIDER)  # the provider decided in version 1
    assert walk.status("date_agreed") is DeadlineStatus.PENDING
    assert PARENT not in walk.case.participants
