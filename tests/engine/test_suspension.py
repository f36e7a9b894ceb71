"""Suspending a case: it remembers where it stopped, its deadlines pause, and it resumes there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from kwflow import Act, CaseSuspension, Engine, Registry, SimulatedClock
from kwflow.authoring import (
    dot_diagram,
    format_timeline,
    load_scenario,
    mermaid_diagram,
    render_process_page,
    run_scenario,
)
from kwflow.definition import Process, load_process_text
from kwflow.engine import CasePhase, CaseViewJSON, DeadlineStatus, InboxItemJSON
from kwflow.exceptions import ActionNotAllowed, NotPermitted, ReasonCode
from kwflow.testing import commands, explore, invariant_violations, process_state_machine
from tests.support.runtime import (
    FIXTURES,
    START,
    Unchanged,
    check_case,
    fixture_process,
    make_engine,
)

WORKER, PARENT, COORDINATOR = "jana", "rodic", "koord"
PRAGUE = ZoneInfo("Europe/Prague")
INTERVENTION = {"reason": "Dítě je v přímém ohrožení"}


def prague(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


def end_of(day: str) -> datetime:
    """The last microsecond of a Prague day, in UTC."""
    local = datetime.fromisoformat(day).replace(
        hour=23, minute=59, second=59, microsecond=999999, tzinfo=PRAGUE
    )
    return local.astimezone(UTC)


def prepared(engine: Engine, case_id: str = "s1") -> None:
    """A case past the family's consent (Mon 5 Oct 2026), in preparation."""
    engine.open_case("suspension", by=WORKER, case_id=case_id)
    engine.assign(case_id, PARENT, "family_member", by=WORKER)
    engine.assign(case_id, COORDINATOR, "coordinator", by=WORKER)
    engine.act(case_id, "consent", by=PARENT)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def engine(clock: SimulatedClock) -> Engine:
    found = make_engine("suspension", clock=clock)
    prepared(found)
    return found


def test_an_intervention_in_private_family_time_resumes_into_private_family_time(
    engine: Engine, clock: SimulatedClock
) -> None:
    engine.act("s1", "convene", by=COORDINATOR)
    engine.act("s1", "go_private", by=COORDINATOR)
    clock.advance(timedelta(minutes=30))
    # The referrer is absent from family time, yet may intervene (requires_presence: false).
    case = engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    check_case(engine, case)
    assert case.phase == CasePhase("suspended", ("suspended",))
    assert case.suspension == CaseSuspension(
        from_phase=CasePhase("family_time", ("conference", "family_time")),
        since=START + timedelta(minutes=30),
        deadlines="pause",
        held=(),
    )
    event = engine.history_unfiltered("s1")[-1]
    assert event.payload["suspended"] == {
        "from": ["conference", "family_time"],
        "deadlines": "pause",
        "held": [],
    }
    options = {o.action: o for o in engine.available_actions("s1", WORKER)}
    assert options["resume"].allowed
    assert options["resume"].to == "family_time"
    case = engine.act("s1", "resume", by=WORKER)
    check_case(engine, case)
    assert case.phase == CasePhase("family_time", ("conference", "family_time"))
    assert case.suspension is None
    assert engine.history_unfiltered("s1")[-1].payload["suspension_ended"] == {"working_days": 0}
    # Back in family time, the family goes on with its plan.
    engine.submit("s1", "plan", {"goal": "Bezpečí dítěte"}, by=PARENT)
    check_case(engine, engine.act("s1", "present_plan", by=PARENT))


def test_paused_deadlines_never_breach_and_move_by_the_working_days_suspended(
    engine: Engine, clock: SimulatedClock
) -> None:
    before = engine.get_unfiltered("s1").deadlines["conference_held"]
    # 15 and 20 working days after Mon 5 Oct 2026 (28 Oct is a holiday).
    assert before.target == end_of("2026-10-26")
    assert before.limit == end_of("2026-11-03")
    clock.set(prague(2026, 10, 23, 14, 0))  # a Friday
    case = engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    check_case(engine, case)
    assert case.suspension is not None
    assert case.suspension.held == ("conference_held",)
    assert case.suspension.paused == ("conference_held",)
    # Held, not cancelled, although the deadline runs only in preparation.
    assert case.deadlines["conference_held"] == before
    # Its limit passes while the case is suspended: nothing is breached, nothing is due.
    clock.set(prague(2026, 11, 5, 12, 0))
    assert engine.record_breaches() == []
    assert [d for d in engine.due() if d.case_id == "s1"] == []
    clock.set(prague(2026, 11, 9, 8, 30))  # the Monday after
    case = engine.act("s1", "resume", by=WORKER)
    check_case(engine, case)
    assert case.phase.id == "preparation"
    # Working days after Fri 23 Oct up to and including Mon 9 Nov, 28 Oct left out:
    # 26, 27, 29, 30 Oct and 2, 3, 4, 5, 6, 9 Nov.
    assert engine.history_unfiltered("s1")[-1].payload["suspension_ended"] == {"working_days": 10}
    after = case.deadlines["conference_held"]
    assert after.status is DeadlineStatus.PENDING
    assert after.anchor_at == before.anchor_at
    assert after.anchor_key == before.anchor_key
    # Mon 26 Oct + 10 working days; Tue 3 Nov + 10 working days, skipping 17 Nov.
    assert after.target == end_of("2026-11-10")
    assert after.limit == end_of("2026-11-18")
    assert engine.record_breaches() == []
    clock.set(prague(2026, 11, 19, 0, 1))
    (breach,) = engine.record_breaches()
    assert breach.payload["deadline"] == "conference_held"


def test_deadlines_keep_running_and_breach_in_a_pause_the_family_asked_for(
    engine: Engine, clock: SimulatedClock
) -> None:
    clock.set(prague(2026, 10, 30, 9, 0))
    case = engine.act("s1", "ask_pause", by=PARENT)
    check_case(engine, case)
    assert case.suspension is not None
    assert case.suspension.deadlines == "run"
    assert case.suspension.held == ("conference_held",)
    assert case.suspension.paused == ()
    clock.set(prague(2026, 11, 4, 9, 0))
    (breach,) = engine.record_breaches()
    assert breach.payload["deadline"] == "conference_held"
    case = engine.act("s1", "carry_on", by=PARENT)
    check_case(engine, case)
    assert case.phase.id == "preparation"
    state = case.deadlines["conference_held"]
    assert state.status is DeadlineStatus.BREACHED
    assert state.limit == end_of("2026-11-03")
    # Met late once the conference opens.
    case = engine.act("s1", "convene", by=COORDINATOR)
    assert case.deadlines["conference_held"].status is DeadlineStatus.MET_LATE


def test_a_suspended_case_is_closed_from_the_suspension(
    engine: Engine, clock: SimulatedClock
) -> None:
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    clock.advance(timedelta(days=3))
    case = engine.act("s1", "end_after_intervention", by=WORKER)
    check_case(engine, case)
    assert case.closed
    assert case.outcome == "ended_after_intervention"
    assert case.suspension is None
    assert case.deadlines["conference_held"].status is DeadlineStatus.CANCELLED
    assert case.deadlines["intervention_decided"].status is DeadlineStatus.MET_ON_TIME
    assert engine.history_unfiltered("s1")[-1].payload["suspension_ended"] == {"working_days": 3}


def test_resuming_is_refused_to_a_role_the_process_does_not_allow(engine: Engine) -> None:
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    with Unchanged(engine, "s1"), pytest.raises(NotPermitted) as caught:
        engine.act("s1", "resume", by=COORDINATOR)
    assert caught.value.code == "actor.not-permitted"
    assert "resume" in caught.value.render("en")
    assert "resume" in caught.value.render("cs")
    with Unchanged(engine, "s1"), pytest.raises(NotPermitted):
        engine.act("s1", "resume", by=PARENT)


def test_a_suspended_case_takes_no_ordinary_step(engine: Engine) -> None:
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    with Unchanged(engine, "s1"), pytest.raises(ActionNotAllowed) as caught:
        engine.act("s1", "convene", by=COORDINATOR)
    assert [r.code for r in caught.value.reasons] == [ReasonCode.WRONG_PHASE]
    with Unchanged(engine, "s1"), pytest.raises(ActionNotAllowed) as refused:
        engine.submit("s1", "plan", {"goal": "x"}, by=PARENT)
    assert [r.code for r in refused.value.reasons] == [ReasonCode.NOT_WRITABLE]
    with Unchanged(engine, "s1"), pytest.raises(ActionNotAllowed):
        engine.act("s1", "carry_on", by=WORKER)


def test_a_case_is_suspended_twice_and_each_suspension_moves_its_deadlines(
    engine: Engine, clock: SimulatedClock
) -> None:
    clock.set(prague(2026, 10, 9, 10, 0))  # Fri
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    clock.set(prague(2026, 10, 13, 10, 0))  # Tue: 12 and 13 Oct
    case = engine.act("s1", "resume", by=WORKER)
    assert case.deadlines["conference_held"].limit == end_of("2026-11-05")
    # The decision deadline of the first intervention was met by resuming it.
    assert case.deadlines["intervention_decided"].status is DeadlineStatus.MET_ON_TIME
    clock.set(prague(2026, 10, 14, 10, 0))
    case = engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    assert case.suspension is not None
    assert case.suspension.since == prague(2026, 10, 14, 10, 0)
    # It runs again for the second intervention.
    assert case.deadlines["intervention_decided"].status is DeadlineStatus.PENDING
    clock.set(prague(2026, 10, 15, 10, 0))
    case = engine.act("s1", "resume", by=WORKER)
    check_case(engine, case)
    assert case.phase.id == "preparation"
    assert case.deadlines["conference_held"].limit == end_of("2026-11-06")
    assert [e.payload.get("suspension_ended") for e in engine.history_unfiltered("s1")][-3:] == [
        {"working_days": 2},
        None,
        {"working_days": 1},
    ]


def test_a_once_only_step_taken_before_the_suspension_stays_taken(engine: Engine) -> None:
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    case = engine.act("s1", "resume", by=WORKER)
    assert case.taken_in_phase == ()
    assert case.suspension is None


def test_views_and_the_inbox_show_the_suspension(engine: Engine) -> None:
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    view = engine.view("s1", WORKER).to_dict()
    CaseViewJSON.model_validate(view)
    assert view["suspension"]["from_phase"]["id"] == "preparation"
    assert view["suspension"]["from_phase"]["label"] == {"cs": "Příprava", "en": "Preparation"}
    assert view["suspension"]["deadlines"] == "pause"
    assert view["suspension"]["since"].startswith("2026-10-05T10:00:00")
    assert engine.get_unfiltered("s1").to_dict()["suspension"]["from_phase"] == ["preparation"]
    (item,) = engine.inbox(WORKER)
    assert item.suspension is not None
    data = item.to_dict()
    InboxItemJSON.model_validate(data)
    assert data["suspension"]["from_phase"]["label"] == {"cs": "Příprava", "en": "Preparation"}
    assert data["suspension"]["from_phase"]["id"] == "preparation"
    assert [(a["action"], a["to"]) for a in data["actions"]] == [
        ("resume", "preparation"),
        ("end_after_intervention", "ended"),
    ]
    (summary,) = engine.find_cases()
    assert summary.suspended
    assert summary.to_dict()["suspended"] is True
    engine.act("s1", "resume", by=WORKER)
    assert engine.view("s1", WORKER).to_dict()["suspension"] is None
    assert not engine.find_cases()[0].suspended


def test_the_fixture_is_sound_and_keeps_its_invariants() -> None:
    process = fixture_process("suspension")
    result = explore(process)
    assert result.ok, result.problems


def test_an_action_outside_only_actions_in_is_a_violation() -> None:
    process = fixture_process("suspension")
    engine = make_engine("suspension")
    prepared(engine)
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    engine.act("s1", "resume", by=WORKER)
    assert invariant_violations(process, engine.history_unfiltered("s1")) == []


# ------------------------------------------------------------------ properties

FROM = {
    "referral": (),
    "preparation": ("consent",),
    "information": ("consent", "convene"),
    "family_time": ("consent", "convene", "go_private"),
}
BY = {"consent": PARENT, "convene": COORDINATOR, "go_private": COORDINATOR}


@settings(max_examples=25, deadline=None)
@given(
    where=st.sampled_from(sorted(FROM)),
    wait=st.integers(min_value=0, max_value=60 * 24 * 40),
    waits=st.integers(min_value=0, max_value=60 * 24 * 40),
)
def test_resume_returns_to_the_phase_left_and_paused_deadlines_never_breach(
    where: str, wait: int, waits: int
) -> None:
    clock = SimulatedClock(START)
    engine = make_engine("suspension", clock=clock)
    engine.open_case("suspension", by=WORKER, case_id="p")
    engine.assign("p", PARENT, "family_member", by=WORKER)
    engine.assign("p", COORDINATOR, "coordinator", by=WORKER)
    for action in FROM[where]:
        engine.act("p", action, by=BY[action])
    clock.advance(timedelta(minutes=wait))
    engine.record_breaches()
    left = engine.get_unfiltered("p")
    suspended = engine.act("p", "intervene", by=WORKER, data=INTERVENTION)
    held = suspended.suspension.held if suspended.suspension else ()
    clock.advance(timedelta(minutes=waits))
    breaches = engine.record_breaches()
    # Only the intervention's own deadline, which runs in the suspension, may breach.
    assert {b.payload["deadline"] for b in breaches} <= {"intervention_decided"}
    case = engine.act("p", "resume", by=WORKER)
    check_case(engine, case)
    assert case.phase == left.phase
    assert case.suspension is None
    for deadline_id in held:
        old, new = left.deadlines[deadline_id], case.deadlines[deadline_id]
        assert new.status is DeadlineStatus.PENDING
        assert old.limit is not None
        assert new.limit is not None
        assert new.limit >= old.limit
        assert (new.limit > old.limit) == bool(
            engine.history_unfiltered("p")[-1].payload["suspension_ended"]["working_days"]
        )


def _with_only(process: Process, actions: list[str]) -> Process:
    data = process.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["invariants"] = [
        {
            "id": "only_resumes",
            "label": {"cs": "Jen obnovení", "en": "Only resumption"},
            "kind": "only_actions_in",
            "phase": "suspended",
            "actions": actions,
        }
    ]
    return Process.model_validate(data)


def test_the_explorer_finds_an_action_only_actions_in_forbids() -> None:
    watched = _with_only(fixture_process("suspension"), ["resume"])
    report = explore(watched)
    (violation,) = report.violations
    assert violation.invariant == "only_resumes"
    last = violation.trace[-1]
    assert (last.kind, last.target, last.phase) == ("act", "end_after_intervention", "suspended")
    # The same reading of a real history finds it too.
    engine = make_engine("suspension")
    prepared(engine)
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    engine.act("s1", "end_after_intervention", by=WORKER)
    (found,) = invariant_violations(watched, engine.history_unfiltered("s1"))
    assert found.invariant == "only_resumes"
    assert "end_after_intervention" in found.message


def test_the_explorer_resumes_to_the_phase_the_case_left() -> None:
    report = explore(fixture_process("suspension"))
    assert report.ok
    # Every step resuming a case names where it went; from private family time too.
    resumed = {
        step.to
        for trace in (*report.outcomes.values(),)
        for step in trace
        if step.kind == "act" and step.target == "resume"
    }
    assert resumed <= {"referral", "preparation", "information", "family_time", "decision"}


@pytest.mark.parametrize("action", ["intervene", "resume", "carry_on"])
def test_commands_draw_suspensions_and_resumptions(action: str) -> None:
    drawn = find(
        commands(fixture_process("suspension"), case_id="s1"),
        lambda command: isinstance(command, Act) and command.action == action,
        settings=settings(database=None, max_examples=2000),
    )
    assert isinstance(drawn, Act)


SuspensionMachine = process_state_machine(fixture_process("suspension"))
SuspensionMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=30, deadline=None, database=None
)
TestSuspensionMachine = SuspensionMachine.TestCase


SCENARIO = Path(__file__).parent / "scenarios" / "suspension_and_resumption.yaml"


def test_the_suspension_scenario_runs_and_its_timeline_tells_the_suspension() -> None:
    result = run_scenario(load_scenario(SCENARIO))
    assert result.ok, result.failure
    czech = format_timeline(result, lang="cs")
    assert (
        "pozastaveno od pá 2026-10-23 14:00; obnovení vrátí případ do fáze Příprava · lhůty stojí"
        in czech
    )
    assert "pozastavení skončilo; pracovních dní pozastavení: 10" in czech
    assert "limit st 2026-11-18 23:59" in czech
    english = format_timeline(run_scenario(load_scenario(SCENARIO), lang="en"), lang="en")
    assert (
        "suspended since Fri 2026-10-23 14:00; resuming returns the case to Preparation "
        "· deadlines paused" in english
    )
    assert "the suspension ended; working days suspended: 10" in english


def test_diagrams_show_the_suspension_and_the_way_back() -> None:
    process = fixture_process("suspension")
    mermaid = mermaid_diagram(process, lang="en")
    assert 'state "Suspended (suspension)" as ph_suspended' in mermaid
    assert "class ph_suspended suspension" in mermaid
    # The intervention is possible from three phases: resuming goes back to their box.
    assert "any_1 --> ph_suspended: OSPOD intervenes [OSPOD worker]" in mermaid
    assert (
        "ph_suspended --> any_1: ↩ Resume [OSPOD worker] (back to where the case stopped)"
        in mermaid
    )
    assert "ph_family_pause --> ph_preparation: ↩ Carry on" in mermaid
    assert "Suspension#58; running deadlines keep running" in mermaid
    czech = mermaid_diagram(process, lang="cs")
    assert "↩ Obnovit [Pracovník OSPOD] (zpět, kde se případ zastavil)" in czech
    dot = dot_diagram(process, lang="en")
    assert '"suspended" -> "__any_1" [label="↩ Resume [OSPOD worker]' in dot
    assert "style=dashed" in dot


def test_the_process_page_names_suspension_phases_and_resumption() -> None:
    process = fixture_process("suspension")
    english = render_process_page(process, lang="en")
    assert "a suspension phase: running deadlines stop" in english
    assert "↩ back to the phase the case was suspended from" in english
    assert "In the phase Suspended" in english
    czech = render_process_page(process, lang="cs")
    assert "fáze pozastavení: běžící lhůty dál běží" in czech
    assert "↩ zpět do fáze, ze které byl případ pozastaven" in czech
    assert "Ve fázi Pozastaveno se dělají jen kroky" in czech


def test_files_without_suspension_keep_their_content_hash() -> None:
    shipped = Registry.shipped()
    # The hashes version-1 cases pinned before suspension existed.
    assert shipped.get("family_conference", 1).content_hash == (
        "ff6a645bca9692ead16f2a10ad08268654efd81e3af2d8f4f3471bbbf644e285"
    )
    assert shipped.get("case_conference", 1).content_hash == (
        "343d2010cda383340765d87191063f99f4b1eb7a42a82b7a0103890d5945c81a"
    )
    # An explicit default is no change; a suspension is.
    text = (FIXTURES / "handover.yaml").read_text(encoding="utf-8")
    plain = load_process_text(text)
    explicit = load_process_text(
        text.replace("    to: preparation\n", "    to: preparation\n    resume: false\n", 1)
    )
    assert explicit.content_hash == plain.content_hash
    assert fixture_process("suspension").content_hash != plain.content_hash


def test_a_paused_deadline_past_its_limit_is_not_shown_as_breached_in_the_inbox(
    engine: Engine, clock: SimulatedClock
) -> None:
    clock.set(prague(2026, 10, 23, 14, 0))
    engine.act("s1", "intervene", by=WORKER, data=INTERVENTION)
    clock.set(prague(2026, 11, 5, 12, 0))  # past the paused limit of 3 Nov
    # The coordinator answers for the paused deadline and can do nothing now.
    assert engine.inbox(COORDINATOR) == []
    (item,) = engine.inbox(WORKER)
    # Only the deadline that runs in the suspension itself.
    assert [d.id for d in item.deadlines] == ["intervention_decided"]
    assert not item.breached
    assert item.to_dict()["suspension"]["deadlines"] == "pause"
