"""The engine on every store backend: commands, restarts, and concurrency through ``Engine``.

Afterwards every accepted command is in the history exactly once, every
refused one left nothing, the history verifies and replaying it gives the
case the engine holds live.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from kwflow.history import verify_history
from tests.support.store_engine import (
    OPENER,
    PROCESS,
    act_on_cases,
    engine_on,
    engine_worker,
    markers_in,
    submit_marked,
)

if TYPE_CHECKING:
    import kwflow
    from tests.support.store import Backend

THREADS = 8
PROCESSES = 4
ROUNDS = 12


def _consistent(engine: kwflow.Engine, case_id: str) -> None:
    """The history verifies, and a replay equals the live case and a fresh engine's."""
    history = engine.history_unfiltered(case_id)
    verify_history(engine.store.events(case_id), case_id=case_id)
    live = engine.get_unfiltered(case_id)
    assert engine.replay_unfiltered(case_id) == live
    assert live.version == len(history)
    fresh = engine_on(engine.store, cache_size=0)
    assert fresh.get_unfiltered(case_id) == live
    engine.verify(case_id)


def test_commands_survive_a_restart(backend: Backend) -> None:
    engine = engine_on(backend.open(), snapshot_every=3)
    case = engine.open_case(PROCESS, by=OPENER, case_id="case-1")
    for i in range(10):
        submit_marked(engine, case.id, f"m{i}")
    _consistent(engine, case.id)

    restarted = engine_on(backend.open())
    assert restarted.get_unfiltered(case.id) == engine.get_unfiltered(case.id)
    assert markers_in(restarted, case.id) == [f"m{i}" for i in range(10)]
    # Snapshots are a cache: without them the case is the same.
    restarted.store.delete_snapshots()
    assert engine_on(restarted.store).get_unfiltered(case.id) == engine.get_unfiltered(case.id)


def test_one_engine_many_threads(backend: Backend) -> None:
    """The host's usual set-up: one engine shared by its threads."""
    engine = engine_on(backend.open(), snapshot_every=5)
    engine.open_case(PROCESS, by=OPENER, case_id="shared")
    for i in range(THREADS):
        engine.open_case(PROCESS, by=OPENER, case_id=f"own-{i}")
    with ThreadPoolExecutor(THREADS) as threads:
        futures = [
            threads.submit(act_on_cases, engine, "shared", f"own-{i}", f"t{i}", ROUNDS)
            for i in range(THREADS)
        ]
        results = [f.result(timeout=120) for f in futures]
    # One engine serializes commands on a case: nothing is refused.
    assert sum(refused for _, _, refused in results) == 0
    accepted = sorted(m for shared, _, _ in results for m in shared)
    assert sorted(markers_in(engine, "shared")) == accepted
    for i, (_, own, _) in enumerate(results):
        assert markers_in(engine, f"own-{i}") == own
        _consistent(engine, f"own-{i}")
    _consistent(engine, "shared")


def test_engines_in_threads_and_processes_at_once(sql_backend: Backend) -> None:
    """8 engines in threads and 4 in processes race on one case and work on their own."""
    store = sql_backend.open()
    setup = engine_on(store)
    setup.open_case(PROCESS, by=OPENER, case_id="shared")
    for i in range(THREADS):
        setup.open_case(PROCESS, by=OPENER, case_id=f"own-t{i}")
    start_at = time.time() + 3.0
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        in_processes = [
            pool.apply_async(
                engine_worker,
                (sql_backend.spec, "shared", f"own-p{i}", f"p{i}", (ROUNDS, start_at)),
            )
            for i in range(PROCESSES)
        ]
        # An engine per thread: they do not share a lock, only the store.
        engines = [engine_on(store, snapshot_every=5) for _ in range(THREADS)]
        with ThreadPoolExecutor(THREADS) as threads:
            futures = [
                threads.submit(
                    act_on_cases,
                    engines[i],
                    "shared",
                    f"own-t{i}",
                    f"t{i}",
                    ROUNDS,
                    start_at=start_at,
                )
                for i in range(THREADS)
            ]
            results = [f.result(timeout=180) for f in futures]
        results += [r.get(timeout=180) for r in in_processes]

    accepted = sorted(m for shared, _, _ in results for m in shared)
    refused = sum(r for _, _, r in results)
    stored = markers_in(setup, "shared")
    # Each accepted command exactly once; each refused one left nothing.
    assert sorted(stored) == accepted
    assert len(accepted) + refused == (THREADS + PROCESSES) * ROUNDS
    _consistent(setup, "shared")
    owners = [f"own-t{i}" for i in range(THREADS)] + [f"own-p{i}" for i in range(PROCESSES)]
    for owner, (_, own, _) in zip(owners, results, strict=True):
        assert markers_in(setup, owner) == own
        _consistent(setup, owner)
