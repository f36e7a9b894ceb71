"""The shipped processes run through the public API: a happy path each, and short outcomes.

A smoke test, not the scenario suite: it shows that both files load, compile
and run end to end with real Czech dates, and that replay equals the live
case after every step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

import kwflow
from kwflow import DeadlineStatus, Engine, Organisation, Registry, SimulatedClock
from kwflow.exceptions import NotPermitted
from tests.support.runtime import check_case

if TYPE_CHECKING:
    from kwflow import Case

START = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # Monday 12 October 2026


def _engine(clock: SimulatedClock) -> Engine:
    return kwflow.Engine(
        Registry.shipped(),
        clock=clock,
        guards={
            "child_safe_to_attend": lambda context: True,
            "review_date_within_period": lambda context: True,
        },
    )


class Walk:
    """Commands on one case, each followed by the replay and round-trip checks."""

    def __init__(self, engine: Engine, case: Case) -> None:
        self.engine = engine
        self.id = case.id
        self.case = case

    def __getattr__(self, command: str) -> Any:
        method = getattr(self.engine, command)

        def run(*args: Any, **kwargs: Any) -> Case:
            self.case = method(self.id, *args, **kwargs)
            check_case(self.engine, self.case)
            return self.case

        return run


# ------------------------------------------------------- family conference

# Version 2 names organisations: the referrer's OSPOD, the coordinator's own.
OSPOD = Organisation("ospod_brno", "ospod")
COORDINATION = Organisation("konference_brno", "coordination_service")
PROVIDER_ORG = Organisation("facilitace_brno", "facilitation_provider")

REFERRAL = {
    "referred_on": date(2026, 10, 12),
    "concerns": "The school reports the child often comes hungry.",
    "question": "How will the child be fed and safe every day?",
    "bottom_lines": [{"condition": "The child has a warm meal every day."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


def _family_consented(engine: Engine, clock: SimulatedClock) -> Walk:
    walk = Walk(engine, engine.open_case("family_conference", by="sw", organisation=OSPOD))
    walk.assign("mum", "family_member", by="sw")
    walk.submit("referral", REFERRAL, by="sw")
    walk.submit(
        "consent",
        {"decision": "given", "decided_by": "mum", "decided_at": clock.now()},
        by="mum",
    )
    return walk


def test_family_conference_happy_path() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    walk = _family_consented(engine, clock)
    assert walk.case.deadlines["conference_in_time"].open
    walk.act("start_preparation", by="sw")
    walk.assign("coord", "coordinator", by="sw", organisation=COORDINATION)
    walk.assign("gran", "family_member", by="coord")
    clock.advance(days=14)
    walk.submit(
        "coordinator_notes",
        {"conversations": [{"held_on": "2026-10-20", "with_whom": "gran", "notes": "keen"}]},
        by="coord",
    )
    walk.submit(
        "invitation_list",
        {"invitees": [{"name": "Gran", "role": "family_member", "confirmed": True}]},
        by="coord",
    )
    # Each invited person's own invitation: the conference opens once all were informed.
    for person in ("mum", "gran"):
        walk.submit(
            "invitation", {"sent_on": "2026-10-26", "informed": True}, by="coord", about=person
        )
    walk.submit(
        "arrangements",
        {"place": "Gran's flat", "starts_at": datetime(2026, 11, 7, 14, 0, tzinfo=UTC)},
        by="coord",
    )
    walk.act("open_conference", by="coord")
    assert walk.case.phase.path == ("conference", "information_sharing")
    assert walk.case.deadlines["conference_in_time"].status is DeadlineStatus.MET_ON_TIME
    walk.act("start_private_time", by="coord")
    # nobody from the authority takes ordinary steps during private family time...
    with pytest.raises(NotPermitted, match="not present"):
        engine.assign(walk.id, "aunt", "family_member", by="sw")
    # ...but the child-safety intervention needs no presence (domain.md: "at any point")
    intervene = {o.action: o for o in engine.available_actions(walk.id, "sw")}["intervene"]
    assert intervene.allowed, intervene.reasons
    walk.call_in("coordinator", by="mum")
    walk.dismiss("coordinator", by="mum")
    walk.submit(
        "family_plan",
        {
            "items": [{"task": "cook dinner", "owner": "gran", "due": "2026-11-10"}],
            "help_needed": [{"help": "food bank", "provided_by": "parish"}],
            "monitoring": "Gran calls the social worker every Friday.",
        },
        by="mum",
    )
    walk.act("end_private_time", by="mum")
    walk.submit(
        "approval_decision",
        {"decision": "approved", "decided_at": clock.now(), "review_on": "2027-03-01"},
        by="sw",
    )
    walk.act("approve_plan", by="sw")
    first_review = walk.case.deadlines["first_review"]
    assert first_review.status is DeadlineStatus.PENDING
    # a child under seven: six calendar months from the approval, end of the day in Prague
    assert first_review.target is None
    assert first_review.limit == datetime(2027, 4, 26, 21, 59, 59, 999999, tzinfo=UTC)
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    walk.act("start_review", by="coord")
    assert walk.case.deadlines["first_review"].status is DeadlineStatus.MET_ON_TIME
    walk.submit(
        "review_record",
        {"held_on": "2027-03-01", "done": "Meals every day.", "decision": "close"},
        by="sw",
    )
    walk.act("close_case", by="sw")
    assert walk.case.outcome == "completed"
    assert walk.case.closed
    assert engine.available_actions(walk.id, "sw") == []
    # the coordinator's notes are the coordinator's alone
    assert "coordinator_notes" not in engine.view(walk.id, "sw").artifacts
    assert "coordinator_notes" in engine.view(walk.id, "coord").artifacts


@pytest.mark.parametrize(
    ("steps", "outcome"),
    [
        (
            [
                ("act", "intervene", {"by": "sw", "data": "INTERVENTION"}),
                ("act", "end_after_intervention", {"by": "sw"}),
            ],
            "safety_intervention",
        ),
        (
            [
                ("act", "start_preparation", {"by": "sw"}),
                ("act", "withdraw_consent", {"by": "mum"}),
            ],
            "withdrawn",
        ),
    ],
)
def test_family_conference_short_outcomes(steps: list[Any], outcome: str) -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    walk = _family_consented(engine, clock)
    intervention = {"reason": "injury", "measure": "placement", "decided_at": clock.now()}
    for command, name, kwargs in steps:
        if kwargs.get("data") == "INTERVENTION":
            getattr(walk, command)(name, **{**kwargs, "data": intervention})
        else:
            getattr(walk, command)(name, **kwargs)
    assert walk.case.outcome == outcome
    assert walk.case.deadlines["conference_in_time"].status is DeadlineStatus.CANCELLED


def test_family_declines() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    walk = Walk(engine, engine.open_case("family_conference", by="sw", organisation=OSPOD))
    walk.assign("mum", "family_member", by="sw")
    walk.submit(
        "consent",
        {"decision": "refused", "decided_by": "mum", "decided_at": clock.now()},
        by="mum",
    )
    walk.act("decline", by="mum")
    assert walk.case.outcome == "declined"


# ---------------------------------------------------------- case conference


def _case_conference_scheduled(engine: Engine, clock: SimulatedClock) -> Walk:
    walk = Walk(engine, engine.open_case("case_conference", by="cv", organisation=OSPOD))
    walk.assign("org", "organizer", by="cv")
    walk.assign("prov", "provider", by="cv", organisation=PROVIDER_ORG)
    walk.assign("os", "ospod_worker", by="cv")
    walk.submit(
        "request_form",
        {
            "requested_on": "2026-10-12",
            "initiated_by": "ospod",
            "reason": "Repeated absences from school.",
            "goal": "Agree who helps the family with mornings.",
            "proposed_participants": [{"name": "Mother", "role": "parent"}],
            "convener": "cv",
            "organizer": "org",
            "facilitation": "external",
        },
        by="cv",
    )
    return walk


def test_case_conference_happy_path() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    walk = _case_conference_scheduled(engine, clock)
    walk.submit("provider_advice", {"suitable": True, "advice": "A good fit."}, by="prov")
    walk.submit(
        "suitability",
        {"suitable": True, "reasoning": "On advice.", "decided_on": "2026-10-12"},
        by="cv",
    )
    walk.act("accept_request", by="cv")
    in_time = walk.case.deadlines["conference_in_time"]
    # 3 weeks from the decision on Mon 12 Oct = Mon 2 Nov; a month = Thu 12 Nov (winter time)
    assert in_time.target == datetime(2026, 11, 2, 22, 59, 59, 999999, tzinfo=UTC)
    assert in_time.limit == datetime(2026, 11, 12, 22, 59, 59, 999999, tzinfo=UTC)
    walk.assign("fac", "facilitator", by="prov", organisation=PROVIDER_ORG)
    starts = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)  # Tue 27 Oct, 10:00 in Prague
    walk.submit(
        "schedule", {"starts_at": starts, "place": "OSPOD", "length_minutes": 120}, by="org"
    )
    clock.advance(days=7)
    walk.act("agree_date", by="org")
    in_time = walk.case.deadlines["conference_in_time"]
    assert in_time.status is DeadlineStatus.PENDING  # met by the start, not the agreement
    assert (in_time.planned_at, in_time.planned_late) == (starts, None)
    early = walk.case.deadlines["facilitator_early"]
    assert early.limit == starts - timedelta(minutes=30)
    walk.assign("rec", "recorder", by="fac")
    walk.assign("par", "parent", by="org")
    walk.submit(
        "invitations",
        {
            "purpose": "p",
            "goal": "g",
            "length_minutes": 120,
            "format": "f",
            "invitees": [
                {"name": "Mother", "role": "parent", "sent_on": "2026-10-19", "informed": True}
            ],
        },
        by="org",
    )
    walk.submit(
        "arrangements",
        {"room_ready": True, "flipchart": True, "child_preparation": "not_attending"},
        by="org",
    )
    clock.set(starts - timedelta(minutes=40))
    walk.act("facilitator_arrived", by="fac")
    walk.act("recorder_arrived", by="rec")
    walk.submit(
        "attendance",
        {
            "family_present": True,
            "ospod_worker_present": True,
            "attendees": [{"name": "Mother", "role": "parent", "present": True}],
        },
        by="org",
    )
    clock.set(starts)
    walk.act("start_meeting", by="fac")
    assert walk.case.deadlines["conference_in_time"].status is DeadlineStatus.MET_ON_TIME
    assert walk.case.deadlines["facilitator_early"].status is DeadlineStatus.MET_ON_TIME
    assert walk.case.deadlines["recorder_early"].status is DeadlineStatus.MET_ON_TIME
    assert walk.case.deadlines["meeting_length"].limit == starts + timedelta(hours=2)
    clock.advance(minutes=110)
    walk.act("end_meeting", by="fac")
    assert walk.case.deadlines["meeting_length"].status is DeadlineStatus.MET_ON_TIME
    # domain.md: the minutes of a meeting on Tue 27 Oct are due by the end of Wed 4 Nov
    minutes = walk.case.deadlines["minutes_delivered"]
    assert minutes.limit == datetime(2026, 11, 4, 22, 59, 59, 999999, tzinfo=UTC)
    clock.set(datetime(2026, 11, 4, 15, 0, tzinfo=UTC))
    walk.submit(
        "minutes",
        {
            "held_on": "2026-10-27",
            "place": "OSPOD",
            "attendees": [{"name": "Mother", "role": "parent"}],
            "risks": "Mornings are chaotic.",
            "tasks": [{"task": "alarm clock", "owner": "Mother", "due": "2026-11-01"}],
            "next_steps": "Review in a month.",
        },
        by="rec",
    )
    walk.act(
        "deliver_minutes",
        by="rec",
        data={
            "delivered_on": "2026-11-04",
            "recipients": [{"name": "OSPOD", "role": "ospod", "channel": "data_box"}],
        },
    )
    assert walk.case.outcome == "held"
    assert walk.case.deadlines["minutes_delivered"].status is DeadlineStatus.MET_ON_TIME
    assert engine.due(datetime(2100, 1, 1, tzinfo=UTC)) == []


def test_case_conference_short_outcomes() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    walk = _case_conference_scheduled(engine, clock)
    walk.submit(
        "suitability",
        {
            "suitable": False,
            "reasoning": "r",
            "recommended_tool": "family conference",
            "decided_on": "2026-10-12",
        },
        by="cv",
    )
    walk.act("recommend_other_tool", by="cv")
    assert walk.case.outcome == "not_suitable"
    other = _case_conference_scheduled(engine, clock)
    other.act("call_off", by="cv")
    assert other.case.outcome == "called_off"
    # The rule runs from the convener's decision, which was never taken.
    assert other.case.deadlines["conference_in_time"].status is DeadlineStatus.NOT_STARTED
