"""The shipped processes say what domain.md (sections 1, 2 and 4) says practice is.

One test per rule of practice, named after it, so a failing test reads as the
rule the file no longer follows.
"""

from __future__ import annotations

import pytest

from kwflow.definition import (
    Deadline,
    EnumField,
    FieldCondition,
    MoneyField,
    Period,
    Process,
    load_process,
)
from tests.support.processes import SHIPPED, Structure, list_field, shipped_path


@pytest.fixture(scope="module")
def fc() -> Process:
    return load_process(shipped_path("family_conference"))


@pytest.fixture(scope="module")
def cc() -> Process:
    return load_process(shipped_path("case_conference"))


def _outcomes(process: Process) -> set[str]:
    return {info.phase.outcome for info in process.all_phases() if info.phase.outcome}


def _deadline(process: Process, deadline_id: str) -> Deadline:
    deadline = process.deadline(deadline_id)
    assert deadline is not None, deadline_id
    return deadline


def _conditions(process: Process, action_id: str) -> list[FieldCondition]:
    action = process.action(action_id)
    assert action is not None, action_id
    return list(action.requires.fields)


def _leads_to(process: Process, phase_id: str) -> list[str]:
    return [a.id for a in process.actions if a.to == phase_id]


# ------------------------------------------------------------ family conference


def test_family_conference_outcomes_are_exactly_those_of_practice(fc: Process) -> None:
    assert _outcomes(fc) == {
        "declined",
        "withdrawn",
        "no_plan",
        "plan_rejected",
        "completed",
        "safety_intervention",
    }


def test_family_conference_phases_in_order(fc: Process) -> None:
    top = [p.id for p in fc.phases if p.outcome is None and p.suspension is None]
    assert top == ["referral", "preparation", "conference", "implementation", "review"]
    conference = fc.phase_info("conference")
    assert conference is not None
    parts = [p.id for p in conference.phase.phases]
    assert parts == ["information_sharing", "private_family_time", "plan_presentation"]
    assert conference.phase.phases[0].initial


def test_family_conference_roles_and_their_constraints(fc: Process) -> None:
    assert [r.id for r in fc.roles] == [
        "referrer",
        "coordinator",
        "family_member",
        "child",
        "support_person",
        "professional",
    ]
    coordinator = fc.role("coordinator")
    assert coordinator is not None
    assert {"referrer", "professional"} <= set(coordinator.exclusive_with)
    assert (coordinator.min, coordinator.max) == (1, 1)
    assert fc.opener == "referrer"


def test_private_family_time_keeps_only_the_family_and_stores_only_the_plan(fc: Process) -> None:
    info = fc.phase_info("private_family_time")
    assert info is not None
    phase = info.phase
    assert phase.artifacts == ("family_plan",)
    assert phase.on_call == ("coordinator",)
    assert phase.present is not None
    assert not {"referrer", "coordinator", "professional"} & set(phase.present)
    assert set(phase.present) == {"family_member", "child", "support_person"}


def test_professionals_are_present_only_while_information_is_shared(fc: Process) -> None:
    structure = Structure(fc)
    conference_leaves = structure.leaves_under("conference")
    with_professionals = {
        leaf for leaf in conference_leaves if "professional" in structure.present(leaf)
    }
    assert with_professionals == {"information_sharing"}


def test_coordinators_notes_are_read_by_the_coordinator_alone(fc: Process) -> None:
    notes = fc.artifact("coordinator_notes")
    assert notes is not None
    assert notes.write == ("coordinator",)
    assert notes.read == ()


def test_sensitive_documents_are_read_narrowly(fc: Process, cc: Process) -> None:
    for process, authority in ((fc, "referrer"), (cc, "ospod_worker")):
        intervention = process.artifact("intervention")
        assert intervention is not None
        assert (intervention.write, intervention.read) == ((authority,), ())
    referral = fc.artifact("referral")
    assert referral is not None
    assert not {"professional", "child"} & set(referral.read)
    costs = cc.artifact("facilitation_costs")
    assert costs is not None
    assert not {"parent", "child", "professional"} & set(costs.read)


def test_no_phase_after_referral_starts_without_consent(fc: Process) -> None:
    structure = Structure(fc)
    consent = FieldCondition(artifact="consent", field="decision", equals="given")
    for action in fc.actions:
        if set(structure.action_leaves(action)) == {"referral"} and action.to == "preparation":
            assert consent in action.requires.fields
    assert _leads_to(fc, "preparation") == [
        "start_preparation",
        "reconvene",
        "reconvene_after_review",
    ]


def test_the_family_declines_with_its_refusal_recorded(fc: Process) -> None:
    assert FieldCondition(artifact="consent", field="decision", equals="refused") in _conditions(
        fc, "decline"
    )
    consent = fc.artifact("consent")
    assert consent is not None
    assert {"decided_by", "decided_at"} <= {f.id for f in consent.fields}


def test_consent_can_be_withdrawn_anywhere_before_approval_and_not_after(fc: Process) -> None:
    structure = Structure(fc)
    withdraw = fc.action("withdraw_consent")
    assert withdraw is not None
    assert "family_member" in withdraw.by
    assert structure.action_leaves(withdraw) == {
        "preparation",
        "information_sharing",
        "private_family_time",
        "plan_presentation",
    }
    assert _leads_to(fc, "withdrawn") == ["withdraw_consent"]


def test_only_the_referrer_approves_or_rejects_and_a_rejection_has_reasons(fc: Process) -> None:
    for action_id in ("approve_plan", "reject_plan", "end_rejected"):
        action = fc.action(action_id)
        assert action is not None
        assert action.by == ("referrer",)
    reasons = FieldCondition(artifact="approval_decision", field="reasons", non_empty=True)
    assert reasons in _conditions(fc, "reject_plan")
    assert reasons in _conditions(fc, "end_rejected")
    writers = fc.artifact("approval_decision")
    assert writers is not None
    assert writers.write == ("referrer",)


def test_a_rejected_plan_goes_back_to_private_time_for_amendment(fc: Process) -> None:
    reject = fc.action("reject_plan")
    assert reject is not None
    assert (reject.from_, reject.to) == (("plan_presentation",), "private_family_time")


def test_the_plan_has_owners_tasks_dates_providers_and_monitoring(fc: Process) -> None:
    items = list_field(fc, "family_plan", "items")
    assert items.min_items >= 1
    assert {f.id: f.required for f in items.fields} == {"task": True, "owner": True, "due": True}
    help_needed = list_field(fc, "family_plan", "help_needed")
    assert {f.id: f.required for f in help_needed.fields} == {"help": True, "provided_by": True}
    conditions = _conditions(fc, "approve_plan")
    assert FieldCondition(artifact="family_plan", field="monitoring", non_empty=True) in conditions
    plan = fc.artifact("family_plan")
    assert plan is not None
    assert plan.write == ("family_member",)


def test_no_plan_is_an_outcome_and_reconvening_is_the_explicit_alternative(fc: Process) -> None:
    assert _leads_to(fc, "no_plan") == ["record_no_plan"]
    reconvene = fc.action("reconvene")
    assert reconvene is not None
    assert (reconvene.from_, reconvene.to) == (("plan_presentation",), "preparation")


def test_review_follows_an_approved_plan_and_closure_follows_a_review(fc: Process) -> None:
    assert _leads_to(fc, "implementation") == ["approve_plan", "continue_plan"]
    assert _leads_to(fc, "review") == ["start_review"]
    assert _leads_to(fc, "completed") == ["close_case"]


def test_ospod_may_intervene_from_every_phase_of_the_family_conference(fc: Process) -> None:
    structure = Structure(fc)
    intervene = fc.action("intervene")
    assert intervene is not None
    assert intervene.by == ("referrer",)
    assert intervene.records == "intervention"
    # Every open phase but the suspension it leads to (a case is never
    # suspended twice over).
    open_leaves = {
        leaf
        for leaf in structure.leaves
        if not structure.is_terminal(leaf) and leaf != intervene.to
    }
    assert structure.action_leaves(intervene) == open_leaves


def test_conference_target_is_eight_weeks_and_never_a_hard_limit(fc: Process) -> None:
    deadline = _deadline(fc, "conference_in_time")
    assert deadline.target == Period(weeks=8)
    assert deadline.limit is None
    assert deadline.anchor.field is not None
    assert (deadline.anchor.field.artifact, deadline.anchor.field.field) == (
        "referral",
        "referred_on",
    )
    assert deadline.satisfied_by == ("open_conference",)


def test_first_review_six_months_under_seven_twelve_months_otherwise(fc: Process) -> None:
    deadline = _deadline(fc, "first_review")
    assert (deadline.target, deadline.limit) == (None, Period(months=12))
    (variant,) = deadline.variants
    assert (variant.target, variant.limit) == (None, Period(months=6))
    (condition,) = variant.when
    assert (condition.artifact, condition.field, condition.equals) == (
        "referral",
        "child_age_band",
        "under_seven",
    )
    assert deadline.anchor.action == "approve_plan"
    assert deadline.satisfied_by == ("start_review",)
    age = fc.artifact("referral")
    assert age is not None
    band = age.field("child_age_band")
    assert isinstance(band, EnumField)
    assert [v.id for v in band.values] == ["under_seven", "seven_or_older"]


def test_family_conference_guards_are_the_host_checks(fc: Process) -> None:
    assert [g.id for g in fc.guards] == ["child_safe_to_attend", "review_date_within_period"]


# --------------------------------------------------------------- case conference


def test_case_conference_outcomes_are_exactly_those_of_practice(cc: Process) -> None:
    assert _outcomes(cc) == {
        "held",
        "not_suitable",
        "family_no_show",
        "called_off",
        "safety_intervention",
    }


def test_case_conference_phases_in_order(cc: Process) -> None:
    assert [p.id for p in cc.phases if p.outcome is None and p.suspension is None] == [
        "request",
        "scheduling",
        "preparation",
        "meeting",
        "minutes",
    ]


def test_case_conference_roles_and_their_constraints(cc: Process) -> None:
    assert {r.id for r in cc.roles} == {
        "convener",
        "organizer",
        "provider",
        "facilitator",
        "recorder",
        "ospod_worker",
        "parent",
        "relative",
        "child",
        "support_person",
        "professional",
    }
    facilitator = cc.role("facilitator")
    organizer = cc.role("organizer")
    recorder = cc.role("recorder")
    assert facilitator is not None
    assert organizer is not None
    assert recorder is not None
    assert "ospod_worker" in facilitator.exclusive_with
    # the organizer may be the convener
    assert "convener" not in organizer.exclusive_with
    assert organizer.assigned_by == ("convener",)
    # who secures the recorder is a choice a host makes: both may
    assert set(recorder.assigned_by) == {"facilitator", "organizer"}
    assert cc.opener == "convener"


def test_not_suitable_recommends_another_tool_in_the_assessment(cc: Process) -> None:
    conditions = _conditions(cc, "recommend_other_tool")
    assert FieldCondition(artifact="suitability", field="suitable", equals=False) in conditions
    assert (
        FieldCondition(artifact="suitability", field="recommended_tool", non_empty=True)
        in conditions
    )


def test_an_ospod_worker_is_present_at_every_meeting_held(cc: Process) -> None:
    start = cc.action("start_meeting")
    assert start is not None
    assert "ospod_worker" in start.requires.roles
    assert (
        FieldCondition(artifact="attendance", field="ospod_worker_present", equals=True)
        in start.requires.fields
    )
    structure = Structure(cc)
    assert "ospod_worker" in structure.present("meeting")
    assert _leads_to(cc, "meeting") == ["start_meeting"]


def test_going_ahead_despite_absentees_needs_the_organizers_recorded_decision(cc: Process) -> None:
    # Version 2: who is absent is read from the attendance list by the
    # built-in guard, so "nobody absent" can never disagree with the list.
    start = cc.action("start_meeting")
    assert start is not None
    assert start.requires.guards == ("absences_decided",)
    assert not [c for c in _conditions(cc, "start_meeting") if c.field == "absence_decision"]
    attendance = cc.artifact("attendance")
    assert attendance is not None
    assert attendance.write == ("organizer",)


def test_a_family_no_show_records_the_travel_ospod_pays(cc: Process) -> None:
    conditions = _conditions(cc, "record_family_no_show")
    assert FieldCondition(artifact="attendance", field="family_present", equals=False) in conditions
    assert (
        FieldCondition(artifact="facilitation_costs", field="basis", equals="family_no_show")
        in conditions
    )
    costs = cc.artifact("facilitation_costs")
    assert costs is not None
    money = {f.id: f.required for f in costs.fields if isinstance(f, MoneyField)}
    assert money["travel_facilitator"]
    assert money["travel_recorder"]
    assert {"hourly_rate", "facilitation_fee", "total"} <= set(money)


def test_the_request_form_and_minutes_have_their_essential_fields(cc: Process) -> None:
    form = cc.artifact("request_form")
    minutes = cc.artifact("minutes")
    assert form is not None
    assert minutes is not None
    assert {"reason", "goal", "proposed_participants", "convener", "organizer"} <= {
        f.id for f in form.fields
    }
    assert {"held_on", "place", "attendees", "risks", "tasks", "next_steps"} <= {
        f.id for f in minutes.fields
    }
    tasks = list_field(cc, "minutes", "tasks")
    assert {f.id for f in tasks.fields} == {"task", "owner", "due"}
    assert "parent" in minutes.read
    assert "ospod_worker" in minutes.read


def test_conference_held_target_three_weeks_limit_one_month_rolled(cc: Process) -> None:
    deadline = _deadline(cc, "conference_in_time")
    assert (deadline.target, deadline.limit) == (Period(weeks=3), Period(months=1))
    assert deadline.roll_to_working_day
    assert deadline.direction == "after"
    # Met by holding the meeting, not by agreeing its date; the agreed start shows at once.
    assert deadline.satisfied_by == ("start_meeting",)
    assert deadline.planned is not None
    assert (deadline.planned.artifact, deadline.planned.field) == ("schedule", "starts_at")


@pytest.mark.parametrize(
    ("deadline_id", "action_id", "role"),
    [
        ("facilitator_early", "facilitator_arrived", "facilitator"),
        ("recorder_early", "recorder_arrived", "recorder"),
    ],
)
def test_arrival_at_least_thirty_minutes_before_the_scheduled_start(
    cc: Process, deadline_id: str, action_id: str, role: str
) -> None:
    deadline = _deadline(cc, deadline_id)
    assert deadline.anchor.field is not None
    assert (deadline.anchor.field.artifact, deadline.anchor.field.field) == (
        "schedule",
        "starts_at",
    )
    assert deadline.direction == "before"
    assert deadline.limit == Period(minutes=30)
    assert deadline.satisfied_by == (action_id,)
    assert deadline.responsible == role
    arrival = cc.action(action_id)
    assert arrival is not None
    assert arrival.to is None
    assert arrival.by == (role,)


def test_meeting_at_most_two_hours_from_its_start_in_one_session(cc: Process) -> None:
    deadline = _deadline(cc, "meeting_length")
    assert deadline.anchor.action == "start_meeting"
    assert deadline.limit == Period(hours=2)
    assert deadline.target is None
    assert deadline.satisfied_by == ("end_meeting",)
    assert "one_session" in {i.id for i in cc.invariants}


def test_minutes_by_the_fifth_working_day_after_the_meeting(cc: Process) -> None:
    deadline = _deadline(cc, "minutes_delivered")
    assert deadline.anchor.action == "end_meeting"
    assert deadline.limit == Period(working_days=5)
    assert deadline.satisfied_by == ("deliver_minutes",)
    assert deadline.responsible == "recorder"


def test_ospod_may_intervene_until_the_meeting_ends(cc: Process) -> None:
    structure = Structure(cc)
    intervene = cc.action("intervene")
    assert intervene is not None
    assert intervene.by == ("ospod_worker",)
    during = cc.action("intervene_during_meeting")
    assert during is not None
    assert during.by == ("ospod_worker",)
    open_leaves = {
        leaf
        for leaf in structure.leaves
        if not structure.is_terminal(leaf) and leaf != intervene.to
    }
    # choice: after the meeting the minutes are always delivered; before it
    # an intervention suspends the case, during it the conference ends
    assert structure.action_leaves(intervene) | structure.action_leaves(during) == (
        open_leaves - {"minutes"}
    )


def test_case_conference_needs_no_host_code(cc: Process) -> None:
    # Its one guard is built into kwflow.
    assert [guard.id for guard in cc.guards] == ["absences_decided"]


# ----------------------------------------------------------------------- both


@pytest.mark.parametrize("process_id", SHIPPED)
def test_every_choice_is_stated_in_both_languages(process_id: str) -> None:
    process = load_process(shipped_path(process_id))
    described = [
        *(r.description for r in process.roles),
        *(info.phase.description for info in process.all_phases()),
        *(a.description for a in process.actions),
        *(d.description for d in process.deadlines),
    ]
    choices = 0
    for label in described:
        if label is None:
            continue
        cs, en = "Volba:" in (label.cs or ""), "Choice:" in (label.en or "")
        assert cs == en, label
        choices += cs
    assert choices >= 4
