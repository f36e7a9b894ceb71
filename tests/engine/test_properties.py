"""Random command sequences: refused commands change nothing; replay always equals the live case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from kwflow import SimulatedClock
from kwflow.exceptions import KwflowError
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    START,
    check_case,
    fixture_process,
    make_engine,
    open_rules,
    rules_in_private,
    rules_in_review,
    store_state,
)

PEOPLE = [LEAD, MEMBER, HELPER, GUEST, "zoe"]

CATALOGUE: dict[str, dict[str, list[Any]]] = {
    "rules": {
        "intake": [INTAKE, {**INTAKE, "urgent": False}, {}, {**INTAKE, "title": 1}],
        "plan": [PLAN, {**PLAN, "summary": "done"}, {"items": []}],
        "note": [{"body": "x"}, {"body": None}],
        "decision": [{"result": "yes"}, {"result": "maybe"}],
        "bogus": [{}],
    },
    "clock": {
        "request": [
            {"received": "2026-10-17"},
            {"received": "2026-10-17", "meeting_at": "2026-10-06T09:00:00+02:00"},
            {"received": "2026-10-05", "due_on": "2026-10-09"},
            {"received": "yesterday"},
        ],
        "bogus": [{}],
    },
}
ROLES = {
    "rules": ["lead", "helper", "member", "guest", "bogus"],
    "clock": ["boss", "clerk", "bogus"],
}
ACTIONS = {
    "rules": [
        "begin",
        "go_private",
        "note_seen",
        "ping",
        "back",
        "rework",
        "restart",
        "stay_here",
        "finish",
        "drop",
        "bogus",
    ],
    "clock": ["schedule", "arrive", "end", "deliver", "reopen", "tick", "abandon", "bogus"],
}
OPENERS = {"rules": LEAD, "clock": LEAD}


# Who holds which role in the setups, so that generated actions are often
# taken by someone entitled to (random people alone rarely are).
HOLDERS = {
    "lead": LEAD,
    "member": MEMBER,
    "helper": HELPER,
    "guest": GUEST,
    "boss": LEAD,
    "clerk": HELPER,
}


def _entitled_act(process: str, action: str) -> st.SearchStrategy[tuple[Any, ...]]:
    definition = fixture_process(process).action(action)
    roles = definition.by if definition is not None else ("lead",)
    return st.tuples(
        st.just("act"),
        st.just(action),
        st.sampled_from([HOLDERS[role] for role in roles]),
        st.sampled_from([None, {"result": "yes"}]),
    )


def commands(process: str) -> st.SearchStrategy[tuple[Any, ...]]:
    people = st.sampled_from(PEOPLE)
    roles = st.sampled_from(ROLES[process])
    artifacts = st.sampled_from(sorted(CATALOGUE[process]))
    return st.one_of(
        st.tuples(st.just("assign"), people, roles, people),
        st.tuples(st.just("unassign"), people, roles, people),
        artifacts.flatmap(
            lambda a: st.tuples(
                st.just("submit"), st.just(a), st.sampled_from(CATALOGUE[process][a]), people
            )
        ),
        st.tuples(
            st.just("act"),
            st.sampled_from(ACTIONS[process]),
            people,
            st.sampled_from([None, {"result": "yes"}, {"result": 3}]),
        ),
        # twice: moving the case on is what reaches the interesting phases
        st.sampled_from(ACTIONS[process]).flatmap(lambda a: _entitled_act(process, a)),
        st.sampled_from(ACTIONS[process]).flatmap(lambda a: _entitled_act(process, a)),
        st.tuples(st.just("call_in"), roles, people),
        st.tuples(st.just("dismiss"), roles, people),
        st.tuples(st.just("advance"), st.integers(min_value=1, max_value=24 * 40)),
        st.tuples(st.just("breaches")),
    )


def _begin(engine: Any) -> None:
    open_rules(engine, "p")
    engine.submit("p", "intake", INTAKE, by=LEAD)
    engine.act("p", "begin", by=LEAD)


# Where a generated sequence starts: random commands alone rarely get past
# the first requirements, so some runs start deeper in the process.
SETUPS: dict[str, dict[str, Any]] = {
    "rules": {
        "opened": lambda _engine: None,
        "together": _begin,
        "private": lambda engine: rules_in_private(engine, "p"),
        "review": lambda engine: rules_in_review(engine, "p"),
    },
    "clock": {
        "opened": lambda engine: engine.assign("p", HELPER, "clerk", by=LEAD),
        "meeting": lambda engine: (
            engine.assign("p", HELPER, "clerk", by=LEAD),
            engine.submit("p", "request", CATALOGUE["clock"]["request"][1], by=LEAD),
            engine.act("p", "schedule", by=LEAD),
        ),
    },
}


def _run(
    process: str, steps: list[tuple[Any, ...]], setup: str = "opened", *, label: bool = True
) -> None:
    clock = SimulatedClock(START)
    engine = make_engine(process, clock=clock, guards={"ready": lambda context: True})
    if setup in ("together", "private", "review"):
        SETUPS[process][setup](engine)
    else:
        engine.open_case(process, by=LEAD, case_id="p")
        SETUPS[process][setup](engine)
    for step in steps:
        kind, *args = step
        if kind == "advance":
            clock.advance(hours=args[0])
            continue
        before_store = store_state(engine.store)
        before = engine.get_unfiltered("p")
        try:
            if kind == "breaches":
                engine.record_breaches()
            elif kind == "assign":
                engine.assign("p", args[0], args[1], by=args[2])
            elif kind == "unassign":
                engine.unassign("p", args[0], args[1], by=args[2])
            elif kind == "submit":
                engine.submit("p", args[0], args[1], by=args[2])
            elif kind == "act":
                engine.act("p", args[0], by=args[1], data=args[2])
            elif kind == "call_in":
                engine.call_in("p", args[0], by=args[1])
            else:
                engine.dismiss("p", args[0], by=args[1])
        except KwflowError:
            assert store_state(engine.store) == before_store
            assert engine.get_unfiltered("p") == before
            continue
        case = engine.get_unfiltered("p")
        if label:
            event(f"reached {case.phase.id}")
        check_case(engine, case)
        assert case.version == len(engine.history_unfiltered("p"))
        _invariants(engine, before, case)


def _invariants(engine: Any, before: Any, case: Any) -> None:
    compiled_leaves = engine._compiled_for("p", case.process).leaves
    leaf = compiled_leaves[case.phase.id]
    assert leaf.path == case.phase.path
    assert (case.outcome is None) == (leaf.outcome is None)
    if before.outcome is not None:  # outcomes are absorbing
        assert case == before
    for person, roles in case.participants.items():
        for role in roles:
            assert person in case.roles[role]
    for state in case.deadlines.values():
        if state.status.value == "pending":
            assert state.due is not None
            assert case.outcome is None
    now = engine.clock.now()
    # a command never leaves a breach due by now unrecorded
    assert all(
        not (s.status.value == "pending" and s.due is not None and s.due < now)
        for s in case.deadlines.values()
    )
    assert datetime(2026, 1, 1, tzinfo=UTC) < now < START + timedelta(days=3650)


@given(
    st.sampled_from(sorted(SETUPS["rules"])), st.lists(commands("rules"), min_size=3, max_size=40)
)
def test_random_commands_on_the_rules_fixture(setup: str, steps: list[tuple[Any, ...]]) -> None:
    _run("rules", steps, setup)


@given(
    st.sampled_from(sorted(SETUPS["clock"])), st.lists(commands("clock"), min_size=3, max_size=40)
)
def test_random_commands_on_the_clock_fixture(setup: str, steps: list[tuple[Any, ...]]) -> None:
    _run("clock", steps, setup)


def test_a_long_sequence_reaches_the_end() -> None:
    # A deterministic walk, so the properties above are known to reach deep phases.
    _run(
        "rules",
        [
            ("assign", MEMBER, "member", LEAD),
            ("assign", HELPER, "helper", LEAD),
            ("submit", "intake", INTAKE, LEAD),
            ("act", "begin", LEAD, None),
            ("act", "go_private", HELPER, None),
            ("call_in", "helper", MEMBER),
            ("submit", "plan", PLAN, MEMBER),
            ("act", "back", MEMBER, None),
            ("act", "finish", LEAD, {"result": "yes"}),
            ("act", "drop", LEAD, None),
        ],
        label=False,
    )
