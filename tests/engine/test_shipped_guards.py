"""kwflow's own guards for the shipped processes: their rules, and how a host replaces one.

Every outcome walk (tests/outcomes) runs on an engine with no host guards,
so those tests prove `Engine(Registry.shipped(), store=...)` needs no host
code; here are the guards' edges: the 6/12-month rule to the day, the end of
a month, the child's attendance, the case conference's absences (version
2), and overriding a guard by name.
"""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow import GuardContext, ReasonCode, Registry
from kwflow.definition import Label
from kwflow.engine import SHIPPED_GUARDS, absences_decided, months_later, shipped_guards
from kwflow.engine import child_safe_to_attend as built_in_child_safe
from kwflow.exceptions import ActionNotAllowed
from tests.support.outcomes import (
    ALL_PRESENT_V2,
    CHILD,
    COORDINATOR,
    FACILITATOR,
    MEETING_AT,
    ORGANIZER,
    REFERRER,
    CaseConference,
    FamilyConference,
)

# The walk approves the plan at the conference, on Saturday 9 January 2027.
CONFERENCE_DAY = date(2027, 1, 9)


def _reasons(fc: FamilyConference, action: str, person: str) -> list[tuple[ReasonCode, str]]:
    options = {o.action: o for o in fc.engine.available_actions(fc.case_id, person)}
    return [(r.code, r.message) for r in options[action].reasons]


def test_every_guard_a_shipped_process_names_is_built_in() -> None:
    shipped = Registry.shipped()
    assert set(SHIPPED_GUARDS) == {"family_conference", "case_conference"}
    for process in shipped:
        assert {g.id for g in process.guards} <= set(shipped_guards(process.id))
    assert set(shipped_guards("case_conference")) == {"absences_decided"}
    # Version 1 of the case conference names none; version 2 reads absences from the list.
    assert shipped.get("case_conference", 1).guards == ()
    assert [g.id for g in shipped.get("case_conference", 2).guards] == ["absences_decided"]
    assert dict(shipped_guards("another_process")) == {}


@pytest.mark.parametrize(
    ("present", "decision", "allowed"),
    [
        ((True, True), None, True),
        ((True, False), None, False),
        ((True, False), "proceed", True),
        ((False, False), "postpone", False),
    ],
)
def test_absences_are_decided_only_when_someone_is_missing(
    present: tuple[bool, bool], decision: str | None, allowed: bool
) -> None:
    cc = CaseConference(version=2).to("preparation")
    cc.arrive()
    attendance = {
        **ALL_PRESENT_V2,
        "attendees": [
            {"name": "Marie", "role": "parent", "present": present[0]},
            {"name": "ZŠ Lipová", "role": "professional", "present": present[1]},
        ],
    }
    if decision is not None:
        attendance["absence_decision"] = decision
    cc.record_attendance(attendance)
    cc.at(MEETING_AT)
    options = {o.action: o for o in cc.engine.available_actions(cc.case_id, FACILITATOR)}
    start = options["start_meeting"]
    assert start.allowed is allowed
    if not allowed:
        [reason] = start.reasons
        assert reason.code is ReasonCode.GUARD_REFUSED
        missing = [a["name"] for a in attendance["attendees"] if not a["present"]]
        assert ", ".join(missing) in reason.message


def test_a_missing_attendance_refuses_with_a_czech_and_english_reason() -> None:
    cc = CaseConference(version=2).to("preparation")
    context = GuardContext(
        process=cc.process, case=cc.case, action="start_meeting", actor=ORGANIZER, now=MEETING_AT
    )
    refusal = absences_decided(context)
    assert refusal == Label(cs="prezence není zapsaná", en="the attendance is not recorded")


@pytest.mark.parametrize(
    ("age_band", "months", "latest"),
    [("under_seven", 6, date(2027, 7, 9)), ("seven_or_older", 12, date(2028, 1, 9))],
)
def test_the_review_may_be_agreed_up_to_the_last_day_of_its_period(
    age_band: str, months: int, latest: date
) -> None:
    fc = FamilyConference().to("plan_presentation", child_age_band=age_band)
    assert fc.clock.now().date() == CONFERENCE_DAY
    fc.decide("approved", review_on=date.fromordinal(latest.toordinal() + 1))
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    message = (
        f"the guard 'review_date_within_period' refused: the review on "
        f"{date.fromordinal(latest.toordinal() + 1).isoformat()} is more than {months} months "
        f"away (at the latest {latest.isoformat()})"
    )
    assert message in str(error)
    assert _reasons(fc, "approve_plan", REFERRER) == [(ReasonCode.GUARD_REFUSED, message)]

    fc.decide("approved", review_on=latest)
    assert _reasons(fc, "approve_plan", REFERRER) == []
    fc.act("approve_plan", by=REFERRER)
    assert fc.phase == "implementation"


def test_the_next_review_is_held_to_the_same_period() -> None:
    fc = FamilyConference().to("review")  # the review meeting on 30 June 2027
    fc.submit(
        "review_record",
        {
            "held_on": date(2027, 6, 30),
            "done": "Eliška has missed no school day.",
            "decision": "continue",
            "next_review_on": date(2027, 12, 31),  # 30 December at the latest
        },
        by=COORDINATOR,
    )
    error = fc.refused(ActionNotAllowed).act("continue_plan", by=COORDINATOR)
    assert "the review on 2027-12-31 is more than 6 months away" in str(error)
    assert "(at the latest 2027-12-30)" in str(error)


def test_a_child_judged_unsafe_to_attend_stops_the_conference_from_opening() -> None:
    fc = FamilyConference()
    fc.refer(attendance="not_safe")
    fc.family_decides("given")
    fc.hand_over()
    fc.prepare()
    arrangements = fc.case.latest("arrangements")
    assert arrangements is not None
    error = fc.refused(ActionNotAllowed).act("open_conference", by=COORDINATOR)
    assert (
        "the guard 'child_safe_to_attend' refused: "
        "the referrer judged that attending is not safe for the child"
    ) in str(error)
    # Without a child in the case, the referral's answer does not matter.
    fc.unassign(CHILD, "child", by=REFERRER)
    fc.act("open_conference", by=COORDINATOR)
    assert fc.phase == "information_sharing"


def test_a_host_guard_of_the_same_name_replaces_the_built_in_one() -> None:
    fc = FamilyConference().to("plan_presentation")
    fc.decide("approved", review_on=date(2027, 12, 1))  # beyond the built-in 6 months
    assert [c for c, _ in _reasons(fc, "approve_plan", REFERRER)] == [ReasonCode.GUARD_REFUSED]

    seen: list[GuardContext] = []

    def office_rule(context: GuardContext) -> bool | str:
        seen.append(context)
        return True  # this office allows a year for every child

    fc.engine.register_guard("review_date_within_period", office_rule)
    assert _reasons(fc, "approve_plan", REFERRER) == []
    fc.act("approve_plan", by=REFERRER)
    assert fc.phase == "implementation"
    assert seen
    assert seen[-1].action == "approve_plan"


def test_guards_given_to_the_engine_replace_the_built_in_ones_by_name_only() -> None:
    def never(context: GuardContext) -> bool | str:
        return "the office's own rule refuses"

    fc = FamilyConference(guards={"child_safe_to_attend": never})
    fc.refer(attendance="whole")
    fc.family_decides("given")
    fc.hand_over()
    fc.prepare()
    reasons = _reasons(fc, "open_conference", COORDINATOR)
    assert reasons == [
        (
            ReasonCode.GUARD_REFUSED,
            "the guard 'child_safe_to_attend' refused: the office's own rule refuses",
        )
    ]


def test_a_variant_without_the_field_a_guard_reads_gets_a_refusal_not_a_crash() -> None:
    fc = FamilyConference()
    fc.assign(CHILD, "child", by=REFERRER)
    context = GuardContext(
        case=fc.case, action="open_conference", actor=COORDINATOR, process=fc.process
    )
    refused = built_in_child_safe(context)
    assert isinstance(refused, Label)
    assert refused.en == "the referral does not say whether the child may safely attend"
    assert refused.cs == "zadání neříká, zda se dítě může konference bezpečně účastnit"
    guard = shipped_guards("family_conference")["review_date_within_period"]
    no_date = guard(context)
    assert isinstance(no_date, Label)
    assert no_date.en == "no review date is agreed (review_record.next_review_on is empty)"
    assert no_date.cs == "není dohodnut den revize (review_record.next_review_on je prázdné)"


def test_a_built_in_guard_refuses_in_the_reader_s_language() -> None:
    fc = FamilyConference().to("plan_presentation", child_age_band="under_seven")
    fc.decide("approved", review_on=date(2030, 1, 1))
    error = fc.refused(ActionNotAllowed).act("approve_plan", by=REFERRER)
    (reason,) = error.reasons
    assert reason.guard == "review_date_within_period"
    assert "is more than 6 months away" in reason.render("en")
    assert "revize 2030-01-01 je dál než 6 měsíců" in reason.render("cs")
    assert "revize 2030-01-01 je dál než 6 měsíců" in error.render("cs")
    assert "months away" not in error.render("cs")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 1, 1)), st.integers(0, 240))
def test_months_later_keeps_the_day_or_ends_the_shorter_month(day: date, months: int) -> None:
    later = months_later(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    last_day = calendar.monthrange(later.year, later.month)[1]
    assert later.day == day.day or (later.day < day.day and later.day == last_day)


def test_months_later_at_the_end_of_a_month() -> None:
    assert months_later(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_later(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_later(date(2027, 1, 9), 12) == date(2028, 1, 9)
