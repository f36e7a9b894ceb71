"""The history: events as recorded, replay without the machine, snapshots, tampering."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from kwflow import Case
from kwflow.engine import fold
from kwflow.exceptions import MalformedEvent, ProcessChanged, TamperedHistory
from kwflow.history import EVENT_SCHEMA_VERSION, GENESIS_HASH, event_from_dict, new_event
from kwflow.store import MemoryStore
from tests.support.runtime import (
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    check_case,
    fixture_process,
    make_engine,
    open_rules,
    rules_in_review,
)

if TYPE_CHECKING:
    from kwflow import Engine, SimulatedClock


def test_events_are_chained_attributed_and_json(rules: Engine, clock: SimulatedClock) -> None:
    rules_in_review(rules)
    history = rules.history_unfiltered("r1")
    assert [e.sequence for e in history] == list(range(1, len(history) + 1))
    assert history[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(history):
        assert after.prev_hash == before.hash
    for event in history:
        assert event.at.tzinfo is not None
        assert event.schema_version == EVENT_SCHEMA_VERSION
        # The stored form reads back as an equal event, lists for tuples and all.
        assert event_from_dict(json.loads(json.dumps(event.to_dict()))) == event
    assert [(e.type, e.actor) for e in history] == [
        ("case_opened", LEAD),
        ("role_assigned", LEAD),
        ("role_assigned", LEAD),
        ("role_assigned", LEAD),
        ("artifact_submitted", LEAD),
        ("action_taken", LEAD),
        ("action_taken", HELPER),
        ("artifact_submitted", MEMBER),
        ("action_taken", MEMBER),
    ]


def test_payload_shapes(rules: Engine) -> None:
    rules_in_review(rules)
    rules.act("r1", "ping", by=MEMBER)
    rules.act("r1", "finish", by=LEAD, data={"result": "no", "reason": "enough"})
    history = {e.sequence: e for e in rules.history_unfiltered("r1")}
    process = fixture_process("rules")
    assert history[1].payload == {
        "process": {"id": "rules", "version": 1, "hash": process.content_hash},
        "phase": ["intake"],
        "role": "lead",
    }
    assert history[2].payload == {"person": MEMBER, "role": "member"}
    assert history[5].payload["artifact"] == "intake"
    assert history[5].payload["version"] == 1
    assert history[6].payload == {"action": "begin", "phase": ["work", "together"]}
    assert history[10].payload == {"action": "ping"}  # stayed: no phase
    assert history[11].payload == {
        "action": "finish",
        "phase": ["done"],
        "outcome": "done",
        "records": {
            "artifact": "decision",
            "version": 1,
            "data": {"result": "no", "reason": "enough"},
        },
    }


def test_replay_and_round_trip_after_every_step(rules: Engine) -> None:
    steps: list[Any] = [
        lambda: open_rules(rules),
        lambda: rules.submit("r1", "intake", INTAKE, by=LEAD),
        lambda: rules.act("r1", "begin", by=LEAD),
        lambda: rules.act("r1", "note_seen", by=MEMBER),
        lambda: rules.act("r1", "go_private", by=HELPER),
        lambda: rules.call_in("r1", "helper", by=MEMBER),
        lambda: rules.dismiss("r1", "helper", by=HELPER),
        lambda: rules.submit("r1", "plan", PLAN, by=MEMBER),
        lambda: rules.act("r1", "back", by=MEMBER),
        lambda: rules.act("r1", "rework", by=LEAD),
        lambda: rules.act("r1", "back", by=MEMBER),
        lambda: rules.unassign("r1", "gus", "guest", by=LEAD),
        lambda: rules.act("r1", "finish", by=LEAD, data={"result": "yes"}),
    ]
    for step in steps:
        case = step()
        check_case(rules, case)


def test_fold_is_public_and_never_runs_the_machine(
    rules: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = rules_in_review(rules)
    from kwflow.engine import _machine

    def refuse(*args: object) -> None:
        raise AssertionError("replay ran the machine")

    monkeypatch.setattr(_machine.PhaseMachine, "destination", refuse)
    rules.register_guard("ready", refuse)  # type: ignore[arg-type]
    assert fold(fixture_process("rules"), rules.history_unfiltered("r1")) == case
    # evolving from the middle gives the same case
    history = rules.history_unfiltered("r1")
    middle = fold(fixture_process("rules"), history[:5])
    assert fold(fixture_process("rules"), history[5:], start=middle) == case


def test_replay_from_stored_json_events(rules: Engine) -> None:
    case = rules_in_review(rules)
    stored = [
        event_from_dict(json.loads(json.dumps(e.to_dict()))) for e in rules.history_unfiltered("r1")
    ]
    assert fold(fixture_process("rules"), stored) == case


def test_snapshots_are_written_and_used(clock: SimulatedClock) -> None:
    store = MemoryStore()
    engine = make_engine(
        "rules", clock=clock, store=store, snapshot_every=4, guards={"ready": lambda c: True}
    )
    case = rules_in_review(engine)
    loaded = store.load("r1")
    assert loaded.snapshot is not None
    assert loaded.snapshot.version == 8
    assert Case.from_dict(loaded.snapshot.state).version == 8
    # a fresh engine (empty cache) on the same store loads through the snapshot
    other = make_engine("rules", clock=clock, store=store)
    assert other.get_unfiltered("r1") == case
    assert other.replay_unfiltered("r1") == case
    # a snapshot this kwflow cannot read is ignored, not trusted
    store.delete_snapshots()
    third = make_engine("rules", clock=clock, store=store, snapshot_every=0)
    assert third.get_unfiltered("r1") == case


def test_unreadable_snapshot_falls_back_to_events(clock: SimulatedClock) -> None:
    from kwflow.store import Snapshot

    store = MemoryStore()
    engine = make_engine("rules", clock=clock, store=store, snapshot_every=0)
    case = open_rules(engine)
    last = store.events("r1")[-1]
    event = new_event(
        case_id="r1",
        sequence=last.sequence + 1,
        type="role_assigned",
        at=datetime(2026, 10, 5, 9, tzinfo=UTC),
        actor=LEAD,
        payload={"person": "zoe", "role": "guest"},
        prev_hash=last.hash,
    )
    store.append(
        "r1",
        last.sequence,
        [event],
        snapshot=Snapshot(
            case_id="r1", version=event.sequence, last_hash=event.hash, state={"x": 1}
        ),
    )
    fresh = make_engine("rules", clock=clock, store=store)
    assert fresh.get_unfiltered("r1").people_in("guest") == ("gus", "zoe")
    assert fresh.get_unfiltered("r1").version == case.version + 1


def test_verify_names_a_modified_event(rules: Engine) -> None:
    rules_in_review(rules)
    store = rules.store
    assert isinstance(store, MemoryStore)
    events = list(store.events("r1"))
    events[4] = attrs.evolve(events[4], payload={**events[4].payload, "version": 9})
    store._replace_events("r1", events)
    with pytest.raises(TamperedHistory) as caught:
        rules.verify("r1")
    assert caught.value.sequence == 5


def test_verify_without_store_verification(clock: SimulatedClock) -> None:
    store = MemoryStore(verify=False)
    engine = make_engine("rules", clock=clock, store=store)
    open_rules(engine)
    engine.verify("r1")
    events = list(store.events("r1"))
    events[1] = attrs.evolve(events[1], actor="mallory")
    store._replace_events("r1", events)
    with pytest.raises(TamperedHistory) as caught:
        engine.verify("r1")
    assert caught.value.sequence == 2


def test_an_unknown_event_type_is_malformed() -> None:
    process = fixture_process("rules")
    first = new_event(
        case_id="x",
        sequence=1,
        type="case_opened",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor=LEAD,
        payload={
            "process": {"id": "rules", "version": 1, "hash": process.content_hash},
            "phase": ["intake"],
            "role": "lead",
        },
        prev_hash=GENESIS_HASH,
    )
    odd = new_event(
        case_id="x",
        sequence=2,
        type="teleported",
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor=LEAD,
        payload={},
        prev_hash=first.hash,
    )
    with pytest.raises(MalformedEvent, match="unknown event type"):
        fold(process, [first, odd])
    bad = attrs.evolve(odd, type="role_assigned")
    with pytest.raises(MalformedEvent, match="role_assigned payload"):
        fold(process, [first, bad])
    with pytest.raises(ValueError, match="case_opened"):
        fold(process, [])


def test_a_changed_process_file_is_refused(clock: SimulatedClock) -> None:
    from kwflow import Engine
    from kwflow.definition import Registry

    store = MemoryStore()
    engine = make_engine("rules", clock=clock, store=store)
    open_rules(engine)
    edited = type(fixture_process("rules")).model_validate(
        {**fixture_process("rules").model_dump(by_alias=True), "title": {"en": "Edited"}}
    )
    registry = Registry()
    registry.add(edited)
    other = Engine(registry, store=store, clock=clock)
    with pytest.raises(ProcessChanged, match="register the file the case was opened with"):
        other.get_unfiltered("r1")
