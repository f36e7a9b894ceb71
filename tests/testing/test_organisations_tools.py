"""The test tools and organisations: the explorer, the stateful test, commands, invariants."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kwflow import Assign, OpenCase, Organisation, Replace, Unassign
from kwflow.definition import Process
from kwflow.exceptions import KwflowError
from kwflow.testing import (
    commands,
    explore,
    invariant_violations,
    organisations,
    process_state_machine,
    trace_commands,
    trace_to_scenario,
)
from tests.support.replay import Replay, broken_ids
from tests.support.runtime import check_case, fixture_process, make_engine
from tests.testing.test_replay import check_report_on_engine

PROCESS = fixture_process("organisations")


def _with_invariant(process: Process, invariant: dict[str, Any]) -> Process:
    dumped = process.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Process.model_validate({**dumped, "invariants": [invariant]})


def test_the_explorer_reaches_every_outcome_of_a_process_with_organisations() -> None:
    report = explore(PROCESS)
    assert report.exhaustive
    assert set(report.outcomes) == {"held", "withdrawn"}
    assert report.violations == ()
    assert report.dead_ends == ()
    assert report.stuck == ()
    held = [str(step) for step in report.outcomes["held"]]
    # The coordinator comes in only in preparation, and the facilitator before convening.
    assert held.index("[preparation] referrer assigns coordinator") > held.index(
        "[referral] parent takes consent -> preparation"
    )
    assert any("assigns facilitator" in step for step in held)


def test_the_explorers_traces_replay_on_the_engine_with_their_organisations() -> None:
    check_report_on_engine(PROCESS)
    trace = explore(PROCESS).outcomes["held"]
    opening, *rest = trace_commands(PROCESS, trace)
    assert isinstance(opening, OpenCase)
    assert opening.organisation == Organisation("org_referrer_1", "ospod")
    assigned = {c.role: c.organisation for c in rest if isinstance(c, Assign)}
    # The coordinator's kind is one its rule allows; the facilitator's meets `convene`.
    assert assigned["coordinator"] == Organisation("org_coordinator_1", "facilitation_provider")
    assert assigned["facilitator"] == Organisation("org_facilitator_1", "facilitation_provider")
    scenario = trace_to_scenario(PROCESS, trace)
    assert "organisation: {id: org_referrer_1, kind: ospod}" in scenario


def test_a_requirement_no_allowed_kind_can_meet_is_never_met_by_the_explorer() -> None:
    dumped = PROCESS.model_dump(mode="json", by_alias=True, exclude_none=True)
    for action in dumped["actions"]:
        if action["id"] == "convene":
            action["requires"]["organisations"] = [{"role": "coordinator", "kinds": ["ospod"]}]
    report = explore(Process.model_validate(dumped))
    assert set(report.outcomes) == {"withdrawn"}
    assert "convene" in report.never_enabled


def test_role_never_empty_is_broken_by_unassigning_the_last_holder() -> None:
    process = _with_invariant(
        PROCESS,
        {
            "id": "always_a_facilitator",
            "label": {"cs": "Facilitátor vždy je", "en": "There is always a facilitator"},
            "kind": "role_never_empty",
            "role": "facilitator",
        },
    )
    report = explore(process)
    (violation,) = report.violations
    assert violation.invariant == "always_a_facilitator"
    assert [str(s) for s in violation.trace[-2:]] == [
        "[referral] referrer assigns facilitator",
        "[referral] referrer unassigns a facilitator",
    ]
    assert violation.message == "nobody holds 'facilitator' after a unassign step"
    replay = Replay(process)
    broken = replay.run(violation.trace)
    assert "always_a_facilitator" in broken_ids(broken[-1])
    history = replay.machine.engine.history_unfiltered(replay.case.id)
    (found,) = invariant_violations(process, history)
    assert found.invariant == "always_a_facilitator"
    assert found.sequence == len(history)


def test_a_handover_never_empties_a_role() -> None:
    engine = make_engine("organisations")
    engine.open_case(
        "organisations", by="jana", case_id="o1", organisation=Organisation("o", "ospod")
    )
    engine.replace(
        "o1",
        "referrer",
        "jana",
        "petra",
        by="jana",
        reason="x",
        organisation=Organisation("o", "ospod"),
    )
    assert invariant_violations(PROCESS, engine.history_unfiltered("o1")) == []


OrganisationsMachine = process_state_machine(PROCESS)
OrganisationsMachine.TestCase.settings = settings(
    max_examples=20, stateful_step_count=25, deadline=None, database=None
)
TestOrganisationsMachine = OrganisationsMachine.TestCase


@settings(max_examples=40, deadline=None)
@given(st.lists(commands(PROCESS, case_id="o1"), max_size=8))
def test_drawn_commands_are_done_or_refused_leaving_nothing(drawn: list[Any]) -> None:
    engine = make_engine("organisations")
    engine.open_case(
        "organisations", by="jana", case_id="o1", organisation=Organisation("ospod_1", "ospod")
    )
    for command in drawn:
        if not isinstance(command, OpenCase | Assign | Replace | Unassign):
            continue
        before, history = engine.get_unfiltered("o1"), engine.history_unfiltered("o1")
        try:
            engine.execute(command)
        except KwflowError:
            assert engine.get_unfiltered("o1") == before
            assert engine.history_unfiltered("o1") == history
        else:
            check_case(engine, engine.get_unfiltered("o1"))


@settings(max_examples=50, deadline=None)
@given(organisations(PROCESS))
def test_organisations_come_from_a_small_pool_per_kind(drawn: Organisation | None) -> None:
    if drawn is not None:
        assert drawn.kind in {"ospod", "social_service", "facilitation_provider", "no_such_kind"}
        assert drawn.id in {
            f"{kind}_{n}"
            for kind in ("ospod", "social_service", "facilitation_provider")
            for n in (1, 2)
        } | {"elsewhere"}
