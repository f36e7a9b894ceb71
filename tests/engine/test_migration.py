"""Running version-1 cases of both shipped processes move to version 2 by the shipped plans.

Each case is walked on version 1 to a phase, migrated (one ``case_migrated``
event naming the plan and its hash), checked as every step is (replay, JSON,
verify), and walked on under version 2 to an outcome. Refusals change
nothing; the dry run reports each case in Czech and English.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from kwflow import DeadlineStatus, Engine, MemoryStore, Migrate, Organisation, Registry
from kwflow.definition import parse_plan
from kwflow.engine import fold
from kwflow.exceptions import (
    ConcurrencyConflict,
    IdempotencyConflict,
    KwflowError,
    MigrationPlanNotFound,
    MigrationRefused,
)
from kwflow.history import thaw
from tests.support.migration import (
    ADMIN,
    conference_in,
    finish_conference,
    finish_family,
    migrate,
)
from tests.support.outcomes import (
    CASE_CONFERENCE_PHASES,
    COORDINATOR,
    FACILITATOR,
    FAMILY_CONFERENCE_PHASES,
    MOTHER,
    ORGANIZER,
    PARENT,
    PROVIDER,
    REFERRER,
    CaseConference,
    FamilyConference,
)
from tests.support.paths import PROCESSES
from tests.support.runtime import Unchanged


def only_migration_event(engine: Engine, case_id: str, before: int) -> dict[str, object]:
    """The one event the move appended, as plain data."""
    events = engine.history_unfiltered(case_id)
    assert len(events) == before + 1
    (event,) = events[before:]
    assert event.type == "case_migrated"
    assert event.actor == ADMIN
    return thaw(event.payload)  # type: ignore[no-any-return]


# ------------------------------------------------------------ both processes


@pytest.mark.parametrize("phase", FAMILY_CONFERENCE_PHASES)
def test_a_running_family_conference_migrates_in_any_phase_and_is_completed(phase: str) -> None:
    walk = FamilyConference(version=1).to(phase)
    before = walk.case
    case = migrate(walk)
    payload = only_migration_event(walk.engine, walk.case_id, before.version)
    plan = walk.engine.registry.plan("family_conference", 1, 2)
    assert plan is not None
    assert payload["plan"] == {"id": "family_conference.1-to-2", "hash": plan.content_hash}
    assert case.process.version == 2
    new = walk.engine.registry.get("family_conference", 2)
    assert case.process.content_hash == new.content_hash
    assert case.phase == before.phase
    assert case.roles == before.roles
    assert case.artifacts == before.artifacts  # version 2 changed no document of version 1
    assert {d: s.status for d, s in case.deadlines.items()} == {
        d: s.status for d, s in before.deadlines.items()
    }
    (summary,) = walk.engine.find_cases()
    assert summary.process_version == 2
    assert finish_family(walk) == "completed"
    walk.engine.verify(walk.case_id)


@pytest.mark.parametrize("phase", CASE_CONFERENCE_PHASES)
def test_a_running_case_conference_migrates_in_any_phase_and_is_held(phase: str) -> None:
    walk = conference_in(phase)
    before = walk.case
    case = migrate(walk)
    only_migration_event(walk.engine, walk.case_id, before.version)
    assert case.process.version == 2
    assert case.phase == before.phase
    # The provider's assessment is the provider's advice of version 2.
    # Its earlier version stays as written; the move adds it in the new fields.
    written, advice = case.artifacts["provider_advice"]
    assert written == before.artifacts["suitability"][0]
    assert advice.number == 2
    assert thaw(advice.data) == {
        "suitable": True,
        "advice": "The family cooperates and the professionals are willing to meet.",
    }
    assert "suitability" not in case.artifacts
    # A version-1 request was facilitated from outside: the new field's default.
    request = case.latest("request_form")
    assert request is not None
    assert request.data["facilitation"] == "external"
    # The one-month rule carries on under its new name, with the times it had.
    old, new = before.deadlines["date_agreed"], case.deadlines["conference_in_time"]
    assert "date_agreed" not in case.deadlines
    if phase == "scheduling":
        assert (new.status, new.target, new.limit) == (old.status, old.target, old.limit)
    if phase == "request":
        # Version 2 counts it from the convener's decision, in scheduling only:
        # it starts when the accepted request enters scheduling.
        assert new.status is DeadlineStatus.CANCELLED
    assert finish_conference(walk) == "held"
    walk.engine.verify(walk.case_id)


def test_nobody_absent_is_read_from_the_list_in_version_2() -> None:
    walk = conference_in("meeting")
    before = walk.case.latest("attendance")
    assert before is not None
    assert before.data["absence_decision"] == "nobody_absent"
    case = migrate(walk)
    after = case.latest("attendance")
    assert after is not None
    assert after.number == before.number + 1
    assert "absence_decision" not in after.data
    assert after.data["attendees"] == before.data["attendees"]


def test_mid_preparation_a_family_conference_writes_the_new_invitations_and_goes_on() -> None:
    walk = FamilyConference(version=1).to("preparation")
    walk.later(days=3)
    walk.assign("vera", "support_person", by=COORDINATOR)
    walk.submit(
        "coordinator_notes",
        {"conversations": [{"held_on": date(2026, 11, 26), "with_whom": "Jana", "notes": "Ok."}]},
        by=COORDINATOR,
    )
    migrate(walk)
    # Version 2 opens the conference only when each invited person was informed.
    walk.submit(
        "arrangements",
        {
            "place": "The grandparents' house",
            "starts_at": "2027-01-09T10:00:00+01:00",
            "practicalities": "Lunch by the family.",
        },
        by=COORDINATOR,
    )
    walk.submit(
        "invitation_list",
        {"invitees": [{"name": "Jana", "role": "family_member", "confirmed": True}]},
        by=MOTHER,
    )
    walk.refused(KwflowError).act("open_conference", by=COORDINATOR)
    walk.invite_everyone()
    walk.open_conference()
    assert walk.phase == "information_sharing"
    assert finish_family(walk) == "completed"


def test_the_migrated_case_replays_from_a_registry_and_the_event_is_shown_to_its_readers() -> None:
    walk = conference_in("meeting")
    case = migrate(walk)
    history = walk.engine.history_unfiltered(walk.case_id)
    assert fold(walk.engine.registry, history) == case
    assert fold(Registry.shipped(), history) == case

    # Each reader sees the documents the move rewrote as they may read them:
    # the provider reads the attendance list, a parent does not.
    def attendance_seen_by(person: str) -> dict[str, Any]:
        entry = walk.engine.history_for(walk.case_id, person)[-1]
        assert entry.type == "case_migrated"
        shown = thaw(entry.payload)
        assert shown["process"]["version"] == 2
        (found,) = (d for d in shown["documents"] if d["artifact"] == "attendance")
        return found  # type: ignore[no-any-return]

    assert "absence_decision" not in attendance_seen_by(PROVIDER)["data"]
    assert "data" not in attendance_seen_by(PARENT)
    assert walk.engine.view(walk.case_id, ORGANIZER).process.version == 2


# ------------------------------------------------------------- the refusals


def test_a_case_with_no_plan_to_the_version_asked_is_refused_and_unchanged() -> None:
    walk = FamilyConference(version=1).to("referral")
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationPlanNotFound) as raised:
        walk.engine.migrate(walk.case_id, 3, by=ADMIN)
    assert raised.value.code == "migration.no-plan"
    assert raised.value.render("cs") != raised.value.render("en")


@pytest.mark.parametrize(
    ("reason", "command"),
    [
        ("other-version", {"from_version": 2}),
        ("organisation-missing", {}),
    ],
)
def test_a_case_the_plan_cannot_move_is_refused_with_its_reason(
    reason: str, command: dict[str, object]
) -> None:
    walk = FamilyConference(version=1).to("preparation")
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationRefused) as raised:
        walk.engine.migrate(walk.case_id, 2, by=ADMIN, **command)  # type: ignore[call-overload]
    assert raised.value.reason_code == reason
    assert "převést" in raised.value.render("cs")


def test_a_case_already_on_the_version_or_closed_is_refused() -> None:
    walk = FamilyConference(version=1).to("referral")
    migrate(walk)
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationRefused) as raised:
        walk.engine.migrate(walk.case_id, 2, by=ADMIN)
    assert raised.value.reason_code == "already-there"
    closed = FamilyConference(version=1, case_id="fc-2")
    closed.refer()
    closed.family_decides("refused")
    closed.act("decline", by=REFERRER)
    assert closed.case.outcome is not None
    with Unchanged(closed.engine, "fc-2"), pytest.raises(MigrationRefused) as raised:
        closed.engine.migrate("fc-2", 2, by=ADMIN, organisations=closed.known_organisations)
    assert raised.value.reason_code == "closed"


def test_a_state_that_breaks_the_new_roles_is_refused() -> None:
    # Version 2 never leaves a case conference without its OSPOD worker.
    walk = CaseConference(version=1)
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationRefused) as raised:
        walk.engine.migrate(walk.case_id, 2, by=ADMIN, organisations=walk.known_organisations)
    assert raised.value.reason_code == "role-empty"
    assert raised.value.params["role"] == "ospod_worker"


def test_an_organisation_of_a_kind_the_new_role_refuses_is_refused() -> None:
    walk = conference_in("preparation")
    organisations = {
        **walk.known_organisations,
        FACILITATOR: Organisation("ospod_praha_5", "ospod"),
        PROVIDER: Organisation("ospod_praha_5", "ospod"),
    }
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationRefused) as raised:
        walk.engine.migrate(walk.case_id, 2, by=ADMIN, organisations=organisations)
    assert raised.value.reason_code == "organisation-kind"


def test_mid_command_a_stale_version_is_refused() -> None:
    walk = FamilyConference(version=1).to("referral")
    stale = walk.case.version - 1
    with Unchanged(walk.engine, walk.case_id), pytest.raises(ConcurrencyConflict):
        walk.engine.migrate(
            walk.case_id,
            2,
            by=ADMIN,
            organisations=walk.known_organisations,
            expected_version=stale,
        )
    assert (
        walk.engine.migrate(
            walk.case_id,
            2,
            by=ADMIN,
            organisations=walk.known_organisations,
            expected_version=walk.case.version,
        ).process.version
        == 2
    )


def test_an_idempotency_key_moves_a_case_once() -> None:
    walk = FamilyConference(version=1).to("referral")
    command = Migrate(
        case_id=walk.case_id,
        to_version=2,
        by=ADMIN,
        organisations=dict(walk.known_organisations),
        idempotency_key="migrate-fc-1",
    )
    first = walk.engine.execute(command)
    walk.assign("teta", "family_member", by=REFERRER)
    again = walk.engine.execute(command)
    assert again == first
    moves = [e for e in walk.engine.history_unfiltered(walk.case_id) if e.type == "case_migrated"]
    assert len(moves) == 1
    with Unchanged(walk.engine, walk.case_id), pytest.raises(IdempotencyConflict):
        walk.engine.execute(
            Migrate(case_id=walk.case_id, to_version=2, by="jiny", idempotency_key="migrate-fc-1")
        )


# ------------------------------------------------------------------ dry run


def test_the_dry_run_reports_each_case_and_writes_nothing() -> None:
    walk = FamilyConference(version=1).to("implementation")
    engine = walk.engine
    engine.open_case("family_conference", by=REFERRER, case_id="fc-2", version=1)
    with Unchanged(engine, walk.case_id), Unchanged(engine, "fc-2"):
        report = engine.plan_migration(
            [walk.case_id, "fc-2", "missing"], 2, organisations=walk.known_organisations
        )
    ok, also_ok, missing = (check.to_dict() for check in report)
    assert ok == {
        "case_id": walk.case_id,
        "to_version": 2,
        "ok": True,
        "done": False,
        "process": "family_conference",
        "from_version": 1,
        "phase": "implementation",
        "new_phase": "implementation",
    }
    assert also_ok["ok"]
    assert not missing["ok"]
    assert missing["error"]["code"] == "case.not-found"
    assert set(missing["error"]["message"]) == {"cs", "en"}
    without = engine.plan_migration(walk.case_id, 2)[0].to_dict()
    assert without["error"]["params"]["reason_code"] == "organisation-missing"
    assert "organizaci" in without["error"]["message"]["cs"]


def test_migrating_several_cases_reports_each_and_a_refusal_stops_no_other() -> None:
    walk = FamilyConference(version=1).to("review")
    engine = walk.engine
    engine.open_case("family_conference", by="jiny", case_id="fc-2", version=1)
    results = engine.migrate(
        [walk.case_id, "fc-2"], 2, by=ADMIN, organisations=walk.known_organisations
    )
    moved, refused = (r.to_dict() for r in results)
    assert moved["ok"]
    assert moved["done"]
    assert engine.get_unfiltered(walk.case_id).process.version == 2
    assert not refused["ok"]
    assert refused["error"]["params"]["reason_code"] == "organisation-missing"
    assert engine.get_unfiltered("fc-2").process.version == 1


# ---------------------------------------------- what a plan does to deadlines


def walk_with_plan(deadlines: str) -> FamilyConference:
    """A version-1 family conference in preparation, under a plan with these ``deadlines``."""
    registry = Registry()
    registry.load_paths(
        [PROCESSES / "family_conference.yaml", PROCESSES / "previous" / "family_conference.v1.yaml"]
    )
    registry.add_plan(
        parse_plan(
            "process: family_conference\nfrom: 1\nto: 2\n"
            "phases: {referral: referral, preparation: preparation,"
            " information_sharing: information_sharing, private_family_time: private_family_time,"
            " plan_presentation: plan_presentation, implementation: implementation,"
            " review: review}\n" + deadlines
        )
    )
    walk = FamilyConference(version=1)
    walk.engine = Engine(registry, store=MemoryStore(), clock=walk.clock)
    walk.accepted(
        walk.engine.open_case("family_conference", by=REFERRER, case_id=walk.case_id, version=1)
    )
    return walk.to("preparation")


def test_a_running_deadline_restarted_by_the_plan_starts_through_the_usual_path() -> None:
    walk = walk_with_plan("deadlines: [{deadline: conference_in_time, running: restart}]")
    before = walk.case.deadlines["conference_in_time"]
    assert before.status is DeadlineStatus.PENDING
    walk.later(days=2)
    case = migrate(walk)
    after = case.deadlines["conference_in_time"]
    # Counted again from its anchor (the referral's date) by version 2's periods,
    # which are version 1's: the same target, now recorded by the move.
    assert after.status is DeadlineStatus.PENDING
    assert (after.anchor_at, after.target) == (before.anchor_at, before.target)
    (event,) = walk.engine.history_unfiltered(walk.case_id)[-1:]
    (started,) = event.payload["changes"]
    assert started["id"] == "conference_in_time"
    assert started["status"] == "pending"
    assert "from" not in thaw(event.payload["deadlines"])[0]
    # Started under version 2, it has version 2's reminders, in the outbox
    # of the very append that moved the case.
    assert after.notices
    waiting = walk.engine.notifications(walk.case_id)
    assert {(n.deadline_id, n.due_at) for n in waiting} == {
        ("conference_in_time", notice.at) for notice in after.notices
    }
    assert finish_family(walk) == "completed"


def test_a_running_deadline_cancelled_by_the_plan_is_cancelled_and_not_due() -> None:
    walk = walk_with_plan("deadlines: [{deadline: conference_in_time, running: cancel}]")
    case = migrate(walk)
    assert case.deadlines["conference_in_time"].status is DeadlineStatus.CANCELLED
    due = walk.engine.due(datetime(2100, 1, 1, tzinfo=UTC))
    assert [d for d in due if d.case_id == walk.case_id] == []


def test_documents_written_after_migration_are_sealed_and_earlier_ones_stay_as_written() -> None:
    # Version 1 marks nothing personal; version 2 seals the referral's concerns.
    walk = FamilyConference(version=1).to("referral")
    (earlier,) = walk.case.artifacts["referral"]
    migrate(walk)
    data = {**thaw(earlier.data), "concerns": "Nově: dítě je často samo doma."}
    case = walk.engine.submit(walk.case_id, "referral", data, by=REFERRER)
    stored = walk.engine.store.events(walk.case_id)
    written = [e for e in stored if e.type == "artifact_submitted"]
    # The earlier version was written in clear under version 1 and stays so
    # (history is never rewritten); the new one is sealed before it is hashed.
    assert written[0].payload["data"]["concerns"] == earlier.data["concerns"]
    assert "sealed" in written[-1].payload["data"]["concerns"]
    assert "Nově" not in str(written[-1].payload)
    # Both read back: the plain one as it is, the sealed one opened.
    assert [v.data["concerns"] for v in case.artifacts["referral"]] == [
        earlier.data["concerns"],
        data["concerns"],
    ]
    assert walk.engine.replay_unfiltered(walk.case_id) == case
