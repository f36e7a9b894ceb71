"""Threads and engines sharing cases: every accepted command is stored once, nothing is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from kwflow.exceptions import ConcurrencyConflict
from kwflow.store import MemoryStore
from tests.support.runtime import (
    INTAKE,
    LEAD,
    MEMBER,
    Unchanged,
    check_case,
    make_engine,
    open_rules,
)

if TYPE_CHECKING:
    from kwflow import Engine, SimulatedClock


def _together(engine: Engine, case_id: str = "r1") -> None:
    open_rules(engine, case_id)
    engine.submit(case_id, "intake", INTAKE, by=LEAD)
    engine.act(case_id, "begin", by=LEAD)


def test_threads_acting_on_one_case(rules: Engine) -> None:
    _together(rules)
    base = rules.get_unfiltered("r1").version
    barrier = threading.Barrier(8)

    def worker(_: int) -> int:
        barrier.wait()
        for _ in range(25):
            rules.act("r1", "ping", by=MEMBER)
        return 25

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(worker, range(8))) == 200
    case = rules.get_unfiltered("r1")
    assert case.version == base + 200
    history = rules.history_unfiltered("r1")
    assert [e.sequence for e in history] == list(range(1, base + 201))
    assert sum(1 for e in history if e.payload.get("action") == "ping") == 200
    check_case(rules, case)


def test_threads_on_many_cases(rules: Engine) -> None:
    def worker(index: int) -> str:
        case_id = f"c{index}"
        _together(rules, case_id)
        for _ in range(5):
            rules.act(case_id, "ping", by=MEMBER)
        return case_id

    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(worker, range(30)))
    for case_id in ids:
        case = rules.get_unfiltered(case_id)
        assert case.taken_in_phase == ("ping",) * 5
        check_case(rules, case)


def test_two_engines_on_one_store_see_each_other(clock: SimulatedClock) -> None:
    store = MemoryStore()
    first = make_engine("rules", clock=clock, store=store, guards={"ready": lambda c: True})
    second = make_engine("rules", clock=clock, store=store, guards={"ready": lambda c: True})
    _together(first)
    first.get_unfiltered("r1")  # cached in the first engine
    second.act("r1", "ping", by=MEMBER)
    # the first engine notices the store moved on and decides on the new case
    case = first.act("r1", "ping", by=MEMBER)
    assert case.taken_in_phase == ("ping", "ping")
    assert second.get_unfiltered("r1") == case


def _racing(clock: SimulatedClock, races: int) -> tuple[Engine, Engine, list[Any]]:
    """Two engines; the first's guard lets the second write in between, ``races`` times."""
    store = MemoryStore()
    second = make_engine("rules", clock=clock, store=store)
    calls: list[Any] = []

    def ready(context: Any) -> bool:
        calls.append(context.case.version)
        if len(calls) <= races:
            second.assign("r1", f"m{len(calls)}", "member", by=LEAD)
        return True

    first = make_engine("rules", clock=clock, store=store, guards={"ready": ready})
    open_rules(first)
    first.submit("r1", "intake", INTAKE, by=LEAD)
    return first, second, calls


def test_a_lost_race_raises_and_writes_nothing(clock: SimulatedClock) -> None:
    # The first conflict may be a cache that fell behind: the engine reads the
    # case again and decides once more; losing again is the caller's to handle.
    first, second, calls = _racing(clock, races=2)
    before = first.get_unfiltered("r1")
    with pytest.raises(ConcurrencyConflict) as caught:
        first.act("r1", "begin", by=LEAD)
    assert calls == [before.version, before.version + 1]
    assert caught.value.expected == before.version + 1
    assert caught.value.actual == before.version + 2
    case = second.get_unfiltered("r1")
    assert case.phase.id == "intake"
    assert case.people_in("member") == (MEMBER, "m1", "m2")


def test_a_cache_that_fell_behind_is_read_again_not_refused(clock: SimulatedClock) -> None:
    store = MemoryStore()
    first = make_engine("rules", clock=clock, store=store, guards={"ready": lambda c: True})
    second = make_engine("rules", clock=clock, store=store, guards={"ready": lambda c: True})
    open_rules(first)
    first.submit("r1", "intake", INTAKE, by=LEAD)
    cached = first.get_unfiltered("r1")
    assert cached.phase.id == "intake"  # where 'ping' is refused
    second.act("r1", "begin", by=LEAD)
    # The first engine's cache still shows 'intake'; the refusal it would
    # give is checked against the store, which moved on: decided anew there.
    case = first.act("r1", "ping", by=MEMBER)
    assert case.phase.id == "together"
    assert case.taken_in_phase == ("ping",)
    assert case.version == cached.version + 2


def test_retries_read_again_and_decide_anew(clock: SimulatedClock) -> None:
    first, second, calls = _racing(clock, races=2)
    before = first.get_unfiltered("r1")
    case = first.act("r1", "begin", by=LEAD, retries=2)
    assert calls == [before.version, before.version + 1, before.version + 2]
    assert case.phase.id == "together"
    assert case.people_in("member") == (MEMBER, "m1", "m2")
    assert second.get_unfiltered("r1") == case
    check_case(first, case)


def test_retries_run_out(clock: SimulatedClock) -> None:
    # One conflict for the cache, then the two retries: all lost.
    first, _, _ = _racing(clock, races=4)
    with pytest.raises(ConcurrencyConflict):
        first.act("r1", "begin", by=LEAD, retries=2)


def test_an_expected_version_is_never_retried(clock: SimulatedClock) -> None:
    first, _, calls = _racing(clock, races=1)
    version = first.get_unfiltered("r1").version
    with pytest.raises(ConcurrencyConflict):
        first.act("r1", "begin", by=LEAD, expected_version=version, retries=5)
    assert len(calls) == 1


def test_threads_of_two_engines_with_retries(clock: SimulatedClock) -> None:
    store = MemoryStore()
    engines = [
        make_engine("rules", clock=clock, store=store, guards={"ready": lambda c: True})
        for _ in range(2)
    ]
    _together(engines[0])
    base = engines[0].get_unfiltered("r1").version

    def worker(index: int) -> None:
        engine = engines[index % 2]
        for _ in range(20):
            engine.act("r1", "ping", by=MEMBER, retries=1000)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, range(4)))
    case = engines[1].get_unfiltered("r1")
    assert case.version == base + 80
    assert engines[0].get_unfiltered("r1") == case
    check_case(engines[0], case)


def test_refused_commands_from_many_threads_leave_no_trace(rules: Engine) -> None:
    open_rules(rules)
    with Unchanged(rules, "r1"), ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(rules.act, "r1", "begin", by=MEMBER) for _ in range(20)]
        for future in futures:
            assert future.exception() is not None
