"""Engines over the fixture processes, cases in known states, and the checks after a step.

`check_case` and `store_state` are what every walk through an engine checks,
here and in the outcome tests (`tests.support.outcomes`).
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Self

from kwflow import Case, Engine, Registry, SimulatedClock
from kwflow.definition import Process, load_process
from kwflow.engine import fold
from kwflow.store import CaseQuery, MemoryStore, ReadLogQuery

from .paths import TESTS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from kwflow.engine import Guard
    from kwflow.engine._machine import PhaseMachine
    from kwflow.store import CaseStore

FIXTURES = TESTS / "engine" / "fixtures"

START = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
"""Monday 5 October 2026, 10:00 in Prague: where simulated clocks start."""

FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
"""Later than any deadline a test sets: ``store.due(FAR_FUTURE)`` lists them all."""

LEAD, MEMBER, HELPER, GUEST = "lena", "max", "hana", "gus"

INTAKE: dict[str, Any] = {
    "title": "Family A",
    "urgent": True,
    "score": 5,
    "received": date(2026, 10, 5),
    "kind": "a",
    "notes": [{"text": "first call", "by": MEMBER}],
}
"""Intake data that meets every condition of the rules fixture's ``begin``."""

PLAN: dict[str, Any] = {"items": [{"task": "call school", "owner": MEMBER}]}


@cache
def fixture_process(name: str) -> Process:
    """A process of ``tests/engine/fixtures`` (checked)."""
    return load_process(FIXTURES / f"{name}.yaml")


def registry(*names: str) -> Registry:
    """A registry of fixture processes."""
    found = Registry()
    for name in names:
        found.add(fixture_process(name), source=str(FIXTURES / f"{name}.yaml"))
    return found


def make_engine(
    *names: str,
    clock: SimulatedClock | None = None,
    guards: Mapping[str, Guard] | None = None,
    store: CaseStore | None = None,
    **options: Any,
) -> Engine:
    """An engine over fixture processes, a memory store and a simulated clock."""
    return Engine(
        registry(*names),
        store=store if store is not None else MemoryStore(),
        clock=clock if clock is not None else SimulatedClock(START),
        guards=guards,
        **options,
    )


def store_state(store: CaseStore) -> tuple[Any, ...]:
    """Everything a store holds that a command could change: events, both indexes, read
    log, outbox."""
    ids = tuple(store.case_ids())
    # A disposed case is its disposal record (its events are gone).
    cases = tuple(
        (case_id, store.disposal_record(case_id) or store.events(case_id)) for case_id in ids
    )
    reads = tuple(store.read_log(ReadLogQuery(limit=1_000_000)))
    outbox = tuple(n for case_id in ids for n in store.notifications(case_id))
    return cases, tuple(store.due(FAR_FUTURE)), tuple(store.find_cases(CaseQuery())), reads, outbox


def check_case(engine: Engine, case: Case) -> None:
    """What holds after every step: ``case`` is the stored case, replay, the public
    ``fold`` and a JSON round trip give it again, and the history verifies."""
    assert engine.get_unfiltered(case.id) == case
    assert engine.replay_unfiltered(case.id) == case
    # As a host would replay it: from the process the engine names, or (a case
    # migrated to another version since it opened) from the engine's registry.
    history = engine.history_unfiltered(case.id)
    if not any(event.type == "case_migrated" for event in history):
        assert fold(engine.process_of(case.id), history) == case
    assert fold(engine.registry, history) == case
    again = Case.from_dict(json.loads(json.dumps(case.to_dict())))
    assert again == case
    assert hash(again) == hash(case)
    engine.verify(case.id)


def open_rules(engine: Engine, case_id: str = "r1") -> Case:
    """A rules case with its member, helper and guest assigned, in ``intake``."""
    engine.open_case("rules", by=LEAD, case_id=case_id)
    engine.assign(case_id, MEMBER, "member", by=LEAD)
    engine.assign(case_id, HELPER, "helper", by=LEAD)
    return engine.assign(case_id, GUEST, "guest", by=LEAD)


def rules_in_private(engine: Engine, case_id: str = "r1") -> Case:
    """A rules case that has begun and gone into private time."""
    open_rules(engine, case_id)
    engine.submit(case_id, "intake", INTAKE, by=LEAD)
    engine.act(case_id, "begin", by=LEAD)
    return engine.act(case_id, "go_private", by=HELPER)


def rules_in_review(engine: Engine, case_id: str = "r1") -> Case:
    """A rules case whose plan is written and which is in review."""
    rules_in_private(engine, case_id)
    engine.submit(case_id, "plan", PLAN, by=MEMBER)
    return engine.act(case_id, "back", by=MEMBER)


class Unchanged:
    """Asserts, on leaving the block, that the store and the case did not change.

    >>> with Unchanged(engine, "r1"), pytest.raises(NotPermitted): ...
    """

    def __init__(self, engine: Engine, case_id: str | None = None) -> None:
        self.engine = engine
        self.case_id = case_id

    def __enter__(self) -> Self:
        self.before = store_state(self.engine.store)
        self.case = self.engine.get_unfiltered(self.case_id) if self.case_id else None
        return self

    def __exit__(self, *exc: object) -> None:
        assert store_state(self.engine.store) == self.before
        if self.case_id:
            assert self.engine.get_unfiltered(self.case_id) == self.case
            assert self.engine.replay_unfiltered(self.case_id) == self.case


Move = tuple[tuple[str, ...], str, tuple[str, ...]]
"""A phase path, an action taken there, and the phase path it must lead to."""


def destinations_hold_from_threads(
    machine: PhaseMachine, moves: Sequence[Move], threads: int = 4
) -> bool:
    """Whether every move leads where it must while ``threads`` threads ask ``machine`` at once."""
    barrier = threading.Barrier(threads)

    def check(index: int) -> bool:
        # The first move of every thread waits for the others, so they really overlap.
        if index < threads:
            barrier.wait()
        source, action, expected = moves[index]
        return machine.destination(source, action) == expected

    with ThreadPoolExecutor(threads) as pool:
        return all(pool.map(check, range(len(moves))))
