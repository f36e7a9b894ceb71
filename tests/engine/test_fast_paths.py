"""The engine's fast paths give exactly what the plain paths give.

A flat process fires its moves on a plain `transitions` `Machine`, a nested
one on the `HierarchicalMachine`; events made here hash their canonical
form written out field by field and are sealed, so the memory store checks
only their link; a plain move shares one read-only payload. Each is checked
against the general path. (Authorization asked a precomputed table first
until issue 16 weighed it: it saved under 1% of any command and went; the
test that its reasons match the full check stays.)
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transitions import Machine
from transitions.extensions.nesting import HierarchicalMachine

from kwflow import Engine
from kwflow.definition import Registry
from kwflow.engine._authorization import permission_reason
from kwflow.engine._compiled import compiled
from kwflow.engine._machine import MoveRefused, PhaseMachine
from kwflow.exceptions import InvalidEvents
from kwflow.history import (
    GENESIS_HASH,
    Event,
    FrozenDict,
    FrozenList,
    canonical_json,
    compute_hash,
    event_from_dict,
    hash_is_sealed,
    new_event,
    read_only,
    verify_history,
)
from kwflow.store import MemoryStore
from tests.support.runtime import (
    GUEST,
    HELPER,
    LEAD,
    MEMBER,
    check_case,
    destinations_hold_from_threads,
    fixture_process,
    rules_in_review,
)

T0 = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


# -- the two kinds of machine --------------------------------------------------------


def _shipped(process_id: str) -> Any:
    return Registry.shipped().get(process_id)


@pytest.mark.parametrize(
    ("process", "nested"),
    [
        (lambda: _shipped("case_conference"), False),
        (lambda: _shipped("family_conference"), True),
        (lambda: fixture_process("rules"), True),
        (lambda: fixture_process("clock"), False),
        (lambda: fixture_process("emergency"), False),
    ],
)
def test_flat_processes_get_a_plain_machine_nested_ones_the_hierarchical(
    process: Any, nested: bool
) -> None:
    definition = process()
    assert any(phase.phases for phase in definition.phases) is nested
    machine = compiled(definition).machine
    assert machine.nested is nested
    inner = machine._machine
    assert isinstance(inner, HierarchicalMachine) is nested
    assert isinstance(inner, Machine)
    assert inner.models == []
    assert not any(name.startswith("to_") for name in inner.events)
    # A resume has no `to` but moves the case back: it is an event too.
    assert set(inner.events) == {a.id for a in definition.actions if a.to is not None or a.resume}


@pytest.mark.parametrize("process_id", ["case_conference"])
def test_a_flat_machine_knows_every_move_of_the_file(process_id: str) -> None:
    definition = _shipped(process_id)
    machine = compiled(definition).machine
    assert not machine.nested
    for action in definition.actions:
        if action.to is None:
            continue
        for source in action.from_:
            assert machine.destination((source,), action.id) == (action.to,)
    assert machine._machine.models == []


def test_a_flat_machine_refuses_without_transitions_errors() -> None:
    machine = compiled(fixture_process("emergency")).machine
    assert not machine.nested
    assert machine.destination(("together",), "withdraw") is not None
    # a move that exists, from the wrong phase; an unknown trigger; a nested path
    with pytest.raises(MoveRefused):
        machine.destination(("ended",), "withdraw")
    with pytest.raises(MoveRefused):
        machine.destination(("together",), "no_such_action")
    with pytest.raises(MoveRefused):
        machine.destination(("together", "inner"), "withdraw")
    with pytest.raises(MoveRefused):
        machine.destination(("no_such_phase",), "withdraw")


def test_a_flat_machine_is_safe_from_many_threads() -> None:
    definition = _shipped("case_conference")
    machine = compiled(definition).machine
    pairs = [
        ((source,), action.id, (action.to,))
        for action in definition.actions
        if action.to is not None
        for source in action.from_
    ] * 20
    assert destinations_hold_from_threads(machine, pairs)
    assert machine._machine.models == []


def test_a_phase_machine_built_anew_equals_the_compiled_one() -> None:
    for definition in (fixture_process("emergency"), fixture_process("rules")):
        fresh = PhaseMachine(definition)
        shared = compiled(definition).machine
        assert fresh.nested == shared.nested
        for action in definition.actions:
            if action.to is None:
                continue
            for source in action.from_:
                info = {i.phase.id: i for i in definition.all_phases()}[source]
                if info.phase.phases:
                    continue
                assert fresh.destination(info.path, action.id) == shared.destination(
                    info.path, action.id
                )


# -- canonical form and hashes ---------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _reference_hash(event: Event) -> str:
    """The hash as the event format defines it: SHA-256 of canonical JSON of the body."""
    body = event.to_dict()
    del body["hash"]
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


@settings(max_examples=150, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=6), _json, max_size=4),
    case_id=st.text(min_size=1, max_size=10),
    actor=st.text(min_size=1, max_size=10),
    sequence=st.integers(min_value=1, max_value=10**9),
    micros=st.integers(min_value=0, max_value=10**12),
    offset=st.integers(min_value=-12, max_value=12),
)
def test_event_hashes_are_those_of_the_canonical_body(
    *, payload: dict[str, Any], case_id: str, actor: str, sequence: int, micros: int, offset: int
) -> None:
    at = (T0 + timedelta(microseconds=micros)).astimezone(timezone(timedelta(hours=offset)))
    event = new_event(
        case_id=case_id,
        sequence=sequence,
        type="action_taken",
        at=at,
        actor=actor,
        payload=payload,
        prev_hash=GENESIS_HASH,
    )
    assert event.hash == _reference_hash(event) == compute_hash(event)
    assert canonical_json(payload) == json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    again = event_from_dict(json.loads(json.dumps(event.to_dict())))
    assert again == event
    assert compute_hash(again) == event.hash
    assert not hash_is_sealed(again)


def test_known_hash_is_unchanged() -> None:
    """A hash computed before the fast path was written: stored hashes stay valid."""
    event = new_event(
        case_id="hash-1",
        sequence=5,
        type="action_taken",
        at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        actor="wendy",
        payload={"action": "next0", "phase": ["p1"]},
        prev_hash="0" * 64,
    )
    assert event.hash == "03c3b08c57abf9f42c6ee19ff19d71faa6ff4dc66f13811138ceed72de62d93d"


def test_odd_field_types_take_the_generic_path() -> None:
    event = new_event(
        case_id="c",
        sequence=1,
        type="case_opened",
        at=T0,
        actor="a",
        payload={"n": 1},
        prev_hash=GENESIS_HASH,
    )
    odd = attrs.evolve(event, sequence=True)  # a bool is not an int to the format
    assert compute_hash(odd) == _reference_hash(odd) != event.hash


# -- sealed events and the memory store ------------------------------------------------


def _event(sequence: int = 1, prev: str = GENESIS_HASH, **payload: Any) -> Event:
    return new_event(
        case_id="c-1",
        sequence=sequence,
        type="case_opened" if sequence == 1 else "action_taken",
        at=T0,
        actor="worker",
        payload=payload or {"n": sequence},
        prev_hash=prev,
    )


def test_only_new_event_seals_and_payloads_are_read_only() -> None:
    event = _event()
    assert hash_is_sealed(event)
    assert isinstance(event.payload, FrozenDict)
    assert event.payload == {"n": 1}
    assert repr(event.payload) == "{'n': 1}"
    with pytest.raises(TypeError):
        event.payload["n"] = 2
    assert not hash_is_sealed(attrs.evolve(event, actor="forger"))
    assert not hash_is_sealed(attrs.evolve(event))
    assert not hash_is_sealed(
        Event(**{str(f.alias): getattr(event, f.name) for f in attrs.fields(Event) if f.init})
    )
    assert not hash_is_sealed(event_from_dict(event.to_dict()))
    assert copy.copy(event) == event
    assert copy.deepcopy(event) == event


def test_frozen_containers_refuse_change_and_equal_plain_ones() -> None:
    items = FrozenList(["a", "b"])
    changes: list[tuple[str, tuple[Any, ...]]] = [
        ("append", ("c",)),
        ("extend", (["c"],)),
        ("insert", (0, "c")),
        ("pop", ()),
        ("remove", ("a",)),
        ("clear", ()),
        ("sort", ()),
        ("reverse", ()),
        ("__setitem__", (0, "c")),
        ("__delitem__", (0,)),
        ("__iadd__", (["c"],)),
        ("__imul__", (2,)),
    ]
    for name, args in changes:
        with pytest.raises(TypeError):
            getattr(items, name)(*args)
    assert items == ["a", "b"]
    assert json.dumps(items) == '["a", "b"]'
    mapping = FrozenDict({"a": items})
    changes = [
        ("__setitem__", ("b", 1)),
        ("__delitem__", ("a",)),
        ("__ior__", ({"b": 1},)),
        ("update", ({"b": 1},)),
        ("setdefault", ("b", 1)),
        ("pop", ("a",)),
        ("popitem", ()),
        ("clear", ()),
    ]
    for name, args in changes:
        with pytest.raises(TypeError):
            getattr(mapping, name)(*args)
    assert mapping == {"a": ["a", "b"]}
    assert copy.deepcopy(mapping) is mapping
    assert copy.copy(items) is items
    assert mapping.__reduce__() == (FrozenDict, ({"a": ["a", "b"]},))
    assert items.__reduce__() == (FrozenList, (["a", "b"],))


def test_memory_store_checks_the_link_of_sealed_events() -> None:
    store = MemoryStore()
    first = _event()
    store.append("c-1", 0, [first])
    with pytest.raises(InvalidEvents, match="does not link to the event before it"):
        store.append("c-1", 1, [_event(2, prev="f" * 64)])
    second = _event(2, prev=first.hash)
    forged = attrs.evolve(_event(3, prev=second.hash), actor="forger")
    with pytest.raises(InvalidEvents, match="content does not match its hash"):
        store.append("c-1", 1, [second, forged])
    assert store.version("c-1") == 1
    store.append("c-1", 1, [second])
    assert store.load("c-1").events == (first, second)


def test_what_the_caller_keeps_cannot_change_a_sealed_event() -> None:
    """A sealed event holds its payload read-only all the way down, so its hash stays true.

    A store links such an event instead of hashing it again (on append and
    on load); that trust holds only because nothing inside can change.
    """
    store = MemoryStore()
    inner = ["kept"]
    nested: dict[str, Any] = {"list": inner}
    event = _event(items=inner, nested=nested)
    store.append("c-1", 0, [event])
    inner.append("changed behind the event's back")
    nested["added"] = True
    assert event.payload == {"items": ["kept"], "nested": {"list": ["kept"]}}
    with pytest.raises(TypeError):
        event.payload["items"].append("changed through the event")
    with pytest.raises(TypeError):
        event.payload["nested"]["added"] = True
    (loaded,) = store.load("c-1").events
    assert loaded == event
    verify_history([loaded], case_id="c-1")


def test_read_only_keeps_what_is_read_only_and_copies_the_rest() -> None:
    shared = FrozenList(["a", "b"])
    payload = FrozenDict({"phase": shared, "n": 1, "pair": ("x", 2)})
    assert read_only(payload) is payload
    event = _event(phase=shared)
    assert event.payload["phase"] is shared
    mixed = {"kept": shared, "copied": ["c"], "deep": ({"d": [1]},)}
    made = read_only(mixed)
    assert made == mixed
    assert made["kept"] is shared
    assert isinstance(made["copied"], FrozenList)
    assert isinstance(made["deep"], tuple)
    assert isinstance(made["deep"][0], FrozenDict)
    assert isinstance(made["deep"][0]["d"], FrozenList)
    assert canonical_json(made) == canonical_json(mixed)


# -- the engine: shared payloads, one authorization, unchanged results ----------------------


def test_plain_moves_share_one_read_only_payload(rules: Engine) -> None:
    engine = rules
    rules_in_review(engine, "a")
    rules_in_review(engine, "b")
    one = engine.history_unfiltered("a")
    other = engine.history_unfiltered("b")
    assert [e.payload for e in one] == [e.payload for e in other]
    moves = [
        (x, y)
        for x, y in zip(one, other, strict=True)
        if x.type == "action_taken" and "records" not in x.payload and "deadlines" not in x.payload
    ]
    assert moves
    for x, y in moves:
        assert x.payload is y.payload
        assert isinstance(x.payload, FrozenDict)
        if "phase" in x.payload:
            assert isinstance(x.payload["phase"], FrozenList)
    for case_id in ("a", "b"):
        check_case(engine, engine.get_unfiltered(case_id))
        history = engine.history_unfiltered(case_id)
        read_back = [event_from_dict(json.loads(json.dumps(e.to_dict()))) for e in history]
        assert [canonical_json(e.to_dict()) for e in read_back] == [
            canonical_json(e.to_dict()) for e in history
        ]
        assert [e.hash for e in read_back] == [compute_hash(e) for e in history]
        for event, again in zip(history, read_back, strict=True):
            if event.payload in [x.payload for x, _ in moves]:
                assert again == event


def test_authorization_reasons_match_the_full_check(rules: Engine) -> None:
    """``available_actions`` says what ``permission_reason`` says, for every person."""
    rules_in_review(rules)
    # A supervisor (taking no part) is asked too: their options carry lacks_role.
    engine = Engine(
        rules.registry,
        store=rules.store,
        clock=rules.clock,
        guards={"ready": lambda context: True},
        grants={"stranger": ["supervision"]},
    )
    process = compiled(fixture_process("rules"))
    case = engine.get_unfiltered("r1")
    leaf = process.leaves[case.phase.id]
    for person in (LEAD, MEMBER, HELPER, GUEST, "stranger"):
        for option in engine.available_actions("r1", person):
            action = process.actions[option.action]
            full = permission_reason(
                leaf, case, person, action.by, check_presence=action.action.requires_presence
            )
            codes = {reason.code for reason in option.reasons}
            if full is None:
                assert not codes & {"lacks_role", "not_present"}
            else:
                assert full in option.reasons
