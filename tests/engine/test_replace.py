"""Handing a role over: one command moves a required role from one person to another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kwflow
from kwflow import Engine, Registry, Replace
from kwflow.authoring import (
    SCENARIO_TEMPLATES,
    format_timeline,
    load_scenario,
    load_scenario_text,
    render_process_page,
    run_scenario,
)
from kwflow.definition import Process, problem_text
from kwflow.exceptions import (
    ActionNotAllowed,
    DefinitionError,
    InvalidValue,
    KwflowError,
    NotPermitted,
    ReasonCode,
    WrongType,
)
from kwflow.store import MemoryStore
from kwflow.testing import (
    commands,
    explore,
    invariant_violations,
    process_state_machine,
    trace_to_scenario,
)
from tests.support.runtime import Unchanged, check_case, fixture_process, make_engine

WORKER, HEAD, PARENT, COORDINATOR = "jana", "vedouci", "rodic", "koordinator"
SUCCESSOR = "petra"


def _family_case(engine: Engine, case_id: str = "h1") -> None:
    """A handover case past the family's consent, with a head and a coordinator."""
    engine.open_case("handover", by=WORKER, case_id=case_id)
    engine.assign(case_id, PARENT, "parent", by=WORKER)
    engine.assign(case_id, HEAD, "head", by=WORKER)
    engine.act(case_id, "consent", by=PARENT)
    engine.assign(case_id, COORDINATOR, "coordinator", by=WORKER)


@pytest.fixture
def handover() -> Engine:
    engine = make_engine("handover", "convening")
    _family_case(engine)
    return engine


def test_the_referrer_is_handed_over_mid_case_and_the_successor_acts(handover: Engine) -> None:
    before = handover.get_unfiltered("h1")
    case = handover.replace(
        "h1", "referrer", WORKER, SUCCESSOR, by=HEAD, reason="Jana odchází na mateřskou"
    )
    check_case(handover, case)
    assert case.roles["referrer"] == (SUCCESSOR,)
    assert "referrer" not in case.participants.get(WORKER, ())
    assert case.version == before.version + 1
    event = handover.history_unfiltered("h1")[-1]
    assert event.type == "role_replaced"
    assert event.actor == HEAD
    assert dict(event.payload) == {
        "person": WORKER,
        "role": "referrer",
        "successor": SUCCESSOR,
        "reason": "Jana odchází na mateřskou",
    }
    # The deadline whose responsible role is the referrer follows the role.
    assert case.deadlines["preparation_time"] == before.deadlines["preparation_time"]
    with Unchanged(handover, "h1"), pytest.raises(NotPermitted):
        handover.act("h1", "review", by=WORKER)
    check_case(handover, handover.act("h1", "review", by=SUCCESSOR))
    check_case(handover, handover.act("h1", "close", by=SUCCESSOR))


def test_the_referrer_hands_her_own_role_over(handover: Engine) -> None:
    case = handover.replace("h1", "referrer", WORKER, SUCCESSOR, by=WORKER, reason="Změna úvazku")
    check_case(handover, case)
    assert case.roles["referrer"] == (SUCCESSOR,)
    # The successor now hands the coordinator over; the predecessor no longer may.
    with Unchanged(handover, "h1"), pytest.raises(NotPermitted):
        handover.replace("h1", "coordinator", COORDINATOR, "novy", by=WORKER, reason="x")
    case = handover.replace("h1", "coordinator", COORDINATOR, "novy", by=SUCCESSOR, reason="Nemoc")
    check_case(handover, case)
    assert case.roles["coordinator"] == ("novy",)


def test_the_convener_of_a_case_conference_is_handed_over() -> None:
    engine = make_engine("convening")
    engine.open_case("convening", by=WORKER, case_id="c1")
    engine.assign("c1", PARENT, "parent", by=WORKER)
    engine.act("c1", "consent", by=PARENT)
    case = engine.execute(
        Replace(
            case_id="c1",
            role="convener",
            person=WORKER,
            successor=SUCCESSOR,
            by=WORKER,
            reason="Případ přebírá kolegyně",
        )
    )
    check_case(engine, case)
    assert case.roles["convener"] == (SUCCESSOR,)
    check_case(engine, engine.act("c1", "close", by=SUCCESSOR))


def _refused(
    engine: Engine, command: Replace, error: type[KwflowError], code: ReasonCode
) -> KwflowError:
    with Unchanged(engine, command.case_id), pytest.raises(error) as raised:
        engine.execute(command)
    assert isinstance(raised.value, ActionNotAllowed | NotPermitted)
    assert code in [reason.code for reason in raised.value.reasons]
    assert raised.value.render("en")
    czech = raised.value.render("cs")
    assert "předat" in czech or "předávat" in czech
    return raised.value


def _replace(
    *, role: str = "referrer", person: str = WORKER, successor: str = SUCCESSOR, by: str = HEAD
) -> Replace:
    """By default the head hands the referrer over from Jana to Petra."""
    return Replace(
        case_id="h1", role=role, person=person, successor=successor, by=by, reason="Odchod"
    )


def test_who_may_not_replace_is_refused(handover: Engine) -> None:
    error = _refused(handover, _replace(by=PARENT), NotPermitted, ReasonCode.LACKS_ROLE)
    assert error.code == "actor.not-permitted"
    assert "nesmí předávat roli 'referrer'" in error.render("cs")


def test_a_role_without_replaced_by_is_never_handed_over(handover: Engine) -> None:
    command = _replace(role="parent", person=PARENT, by=WORKER)
    error = _refused(handover, command, ActionNotAllowed, ReasonCode.NOT_REPLACEABLE)
    assert error.code == "action.not-allowed"
    assert "proces nedovoluje nikomu předat" in error.render("cs")


def test_a_person_not_holding_the_role_is_refused(handover: Engine) -> None:
    error = _refused(handover, _replace(person="nikdo"), ActionNotAllowed, ReasonCode.NOT_HOLDING)
    assert "'nikdo' nemá roli 'referrer'" in error.render("cs")
    assert "'nikdo' does not hold the role 'referrer'" in error.render("en")


def test_a_successor_already_holding_the_role_is_refused(handover: Engine) -> None:
    error = _refused(
        handover, _replace(successor=WORKER), ActionNotAllowed, ReasonCode.ALREADY_HOLDS
    )
    assert "už má roli 'referrer'" in error.render("cs")


def test_a_successor_in_an_exclusive_role_is_refused(handover: Engine) -> None:
    command = _replace(successor=COORDINATOR)
    error = _refused(handover, command, ActionNotAllowed, ReasonCode.EXCLUSIVE_ROLES)
    assert "nelze mít zároveň" in error.render("cs")
    assert "may not be held together" in error.render("en")


def test_a_closed_case_is_refused(handover: Engine) -> None:
    handover.act("h1", "close", by=WORKER)
    error = _refused(handover, _replace(), ActionNotAllowed, ReasonCode.CLOSED)
    assert "uzavřen" in error.render("cs")


@pytest.mark.parametrize(
    ("reason", "error"),
    [("", InvalidValue), ("   ", InvalidValue), ("x" * 501, InvalidValue), (None, WrongType)],
)
def test_a_handover_needs_a_reason(
    handover: Engine, reason: object, error: type[Exception]
) -> None:
    with Unchanged(handover, "h1"), pytest.raises(error) as raised:
        handover.replace("h1", "referrer", WORKER, SUCCESSOR, by=HEAD, reason=reason)  # type: ignore[arg-type]
    assert raised.value.code.startswith("input.")  # type: ignore[attr-defined]
    assert "'reason'" in raised.value.render("cs")  # type: ignore[attr-defined]
    assert "reason must be" in str(raised.value) or "reason is" in str(raised.value)


def test_a_reason_of_500_characters_is_enough(handover: Engine) -> None:
    case = handover.replace("h1", "referrer", WORKER, SUCCESSOR, by=HEAD, reason="x" * 500)
    check_case(handover, case)


def test_the_handover_is_exported_and_described() -> None:
    assert kwflow.Replace is Replace
    process = make_engine("handover").registry.get("handover")
    command = _replace()
    assert kwflow.authoring.describe_command(process, command, lang="cs") == (
        "předal(a) roli Pracovník OSPOD: jana → petra"
    )
    assert kwflow.authoring.describe_command(process, command, lang="en") == (
        "handed over the role OSPOD worker: jana → petra"
    )


_PEOPLE = ["a", "b", "c", WORKER, HEAD, COORDINATOR, PARENT]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["referrer", "coordinator", "parent", "head"]),
            st.sampled_from(_PEOPLE),
            st.sampled_from(_PEOPLE),
            st.sampled_from(_PEOPLE),
        ),
        max_size=12,
    )
)
def test_any_handovers_keep_every_role_s_count(
    steps: list[tuple[str, str, str, str]],
) -> None:
    engine = make_engine("handover")
    _family_case(engine)
    counts = {role: len(people) for role, people in engine.get_unfiltered("h1").roles.items()}
    for role, person, successor, by in steps:
        try:
            case = engine.replace("h1", role, person, successor, by=by, reason="změna")
        except (ActionNotAllowed, NotPermitted):
            continue
        assert {r: len(people) for r, people in case.roles.items()} == counts
        assert all(case.roles.values())
    check_case(engine, engine.get_unfiltered("h1"))


SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_handover_scenarios_run_as_expected(path: Path) -> None:
    result = run_scenario(load_scenario(path))
    assert result.ok, format_timeline(result)


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ("{who: jana, replace: jana, successor: petra, reason: x}", "scenario.replace-needs"),
        ("{who: jana, replace: jana, role: referrer, reason: x}", "scenario.replace-needs"),
        ("{who: jana, assign: petra, successor: marie}", "scenario.handover-misplaced"),
        ("{who: jana, act: consent, reason: x}", "scenario.handover-misplaced"),
    ],
)
def test_a_replace_step_needs_its_role_successor_and_reason(step: str, code: str) -> None:
    text = (
        "title: t\nprocess: x.yaml\nstart: 2026-10-05 09:00\nopened_by: jana\n"
        f"people: {{jana: {{}}}}\nsteps:\n  - {step}\n"
    )
    with pytest.raises(DefinitionError) as raised:
        load_scenario_text(text)
    assert [problem.code for problem in raised.value.problems] == [code]
    czech = problem_text(raised.value.problems[0], "cs", SCENARIO_TEMPLATES)
    assert "patří jen" in czech or "potřebuje" in czech


# ------------------------------------------------------------ the test tools


def _with_invariant(process: Process, invariant: dict[str, Any]) -> Process:
    dumped = process.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Process.model_validate({**dumped, "invariants": [invariant]})


def test_the_explorer_sees_a_handover_as_a_step_that_keeps_the_state() -> None:
    process = fixture_process("handover")
    plain = explore(process)
    assert plain.exhaustive
    assert set(plain.outcomes) == {"done"}
    # The head acts only by handing the referrer over: an invariant that
    # forbids the head any step in preparation is broken by that handover.
    watched = _with_invariant(
        process,
        {
            "id": "head_stays_out",
            "label": {"cs": "Vedoucí nezasahuje", "en": "The head stays out"},
            "kind": "role_never_acts_in",
            "role": "head",
            "phase": "preparation",
        },
    )
    report = explore(watched)
    (violation,) = report.violations
    last = violation.trace[-1]
    assert (last.kind, last.role, last.target) == ("replace", "head", "referrer")
    assert str(last) == "[preparation] head hands a referrer over"
    assert last.text("cs") == "[preparation] head předá roli referrer"
    # Its counterexample is a scenario that hands the role over for real.
    text = trace_to_scenario(watched, violation.trace, violation=violation)
    registry = Registry()
    registry.add(watched)
    store = MemoryStore()
    result = run_scenario(load_scenario_text(text), registry=registry, store=store, case_id="c")
    assert result.ok, result.failure
    history = store.load("c", use_snapshot=False).events
    assert history[-1].type == "role_replaced"
    broken = invariant_violations(watched, history)
    assert [(v.invariant, v.sequence) for v in broken] == [("head_stays_out", len(history))]


HandoverMachine = process_state_machine(fixture_process("handover"))
HandoverMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None, database=None
)
TestHandoverMachine = HandoverMachine.TestCase


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_commands_draw_handovers(data: st.DataObject) -> None:
    process = fixture_process("handover")
    drawn = data.draw(commands(process, case_id="h1"))
    if isinstance(drawn, Replace):
        assert drawn.reason.strip()
        assert len(drawn.reason) <= kwflow.engine.REASON_MAX_LENGTH


def test_a_file_that_does_not_hand_roles_over_keeps_its_content_hash() -> None:
    # Cases pin the hash of their process: the new key must not change the
    # hash of any file written before it (the shipped version-1 files here).
    shipped = Registry.shipped()
    assert shipped.get("family_conference", 1).content_hash == (
        "ff6a645bca9692ead16f2a10ad08268654efd81e3af2d8f4f3471bbbf644e285"
    )
    assert shipped.get("case_conference", 1).content_hash == (
        "343d2010cda383340765d87191063f99f4b1eb7a42a82b7a0103890d5945c81a"
    )
    # A file that uses it hashes with it.
    handover = fixture_process("handover")
    dumped = handover.model_dump(mode="json", by_alias=True, exclude_none=True)
    without = Process.model_validate(
        {**dumped, "roles": [{**role, "replaced_by": []} for role in dumped["roles"]]}
    )
    assert without.content_hash != handover.content_hash


def test_the_process_page_says_who_hands_a_role_over() -> None:
    process = fixture_process("handover")
    rows = {lang: render_process_page(process, lang=lang).splitlines() for lang in ("cs", "en")}
    assert any(
        "(`referrer`)" in row and "předává: Pracovník OSPOD, Vedoucí oddělení" in row
        for row in rows["cs"]
    )
    assert any("(`parent`)" in row and "předává" not in row for row in rows["cs"])
    assert any(
        "(`coordinator`)" in row and "handed over by: OSPOD worker" in row for row in rows["en"]
    )
