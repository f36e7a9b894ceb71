"""Concurrency and crashes on the real databases (bounded: seconds, not minutes).

8 threads sharing one store and 4 processes with their own stores write at
once; a writer process is killed with SIGKILL mid-write. Afterwards every
accepted append is stored exactly once, every refused one left nothing, and
every history verifies.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from kwflow.history import verify_history
from kwflow.store import MemoryStore, SqliteStore
from tests.support.store import (
    T0,
    chain,
    claim_rounds,
    claim_worker,
    contend,
    contend_worker,
    crash_writer,
    deadline,
)

if TYPE_CHECKING:
    from kwflow.store import CaseStore
    from tests.support.store import Backend

THREADS = 8
PROCESSES = 4
ROUNDS = 25


def _spawn() -> multiprocessing.context.SpawnContext:
    return multiprocessing.get_context("spawn")


def _stored_hashes(store: CaseStore, case_id: str) -> list[str]:
    events = store.load(case_id, use_snapshot=False).events
    verify_history(events, case_id=case_id)
    return [e.hash for e in events]


def test_threads_and_processes_append_at_once(sql_backend: Backend) -> None:
    shared = "shared"
    store = sql_backend.open()
    # Everyone starts at the same moment, once the spawned processes are up.
    start_at = time.time() + 3.0
    with _spawn().Pool(PROCESSES) as pool:
        in_processes = [
            pool.apply_async(
                contend_worker,
                (sql_backend.spec, shared, f"own-p{i}", ROUNDS, (100 + i, start_at)),
            )
            for i in range(PROCESSES)
        ]
        # Threads share one store object: its connection handling is under test too.
        with ThreadPoolExecutor(THREADS) as threads:
            in_threads = [
                threads.submit(contend, store, shared, f"own-t{i}", ROUNDS, i, start_at=start_at)
                for i in range(THREADS)
            ]
            results = [f.result(timeout=120) for f in in_threads]
        results += [r.get(timeout=120) for r in in_processes]

    accepted_shared = [h for shared_hashes, _, _ in results for h in shared_hashes]
    conflicts = sum(c for _, _, c in results)
    # Every accepted event is stored exactly once, nothing else is.
    assert Counter(_stored_hashes(store, shared)) == Counter(accepted_shared)
    assert len(accepted_shared) == store.version(shared)
    assert conflicts > 0, "the writers never raced; the test proves nothing"
    owners = [f"own-t{i}" for i in range(THREADS)] + [f"own-p{i}" for i in range(PROCESSES)]
    for owner, (_, own_hashes, _) in zip(owners, results, strict=True):
        assert _stored_hashes(store, owner) == own_hashes
    # The deadline index holds what the last accepted append wrote.
    shared_due = [e for e in store.due(T0 + timedelta(days=3650)) if e.case_id == shared]
    assert len(shared_due) == 1
    assert shared_due[0].due_at == deadline(shared, "x", store.version(shared)).due_at
    # A snapshot, if any was kept, gives the same case as a full replay.
    loaded = store.load(shared)
    assert loaded.version == store.version(shared)
    if isinstance(store, SqliteStore):
        assert store.integrity_check() == "ok"


def test_memory_store_under_eight_threads() -> None:
    store = MemoryStore()
    with ThreadPoolExecutor(THREADS) as threads:
        futures = [
            threads.submit(contend, store, "shared", f"own-{i}", ROUNDS, i) for i in range(THREADS)
        ]
        results = [f.result(timeout=60) for f in futures]
    accepted = [h for shared_hashes, _, _ in results for h in shared_hashes]
    assert Counter(_stored_hashes(store, "shared")) == Counter(accepted)
    for i, (_, own_hashes, _) in enumerate(results):
        assert _stored_hashes(store, f"own-{i}") == own_hashes


def test_each_due_deadline_is_claimed_by_exactly_one_worker(sql_backend: Backend) -> None:
    store = sql_backend.open()
    cases = 150
    for i in range(cases):
        case_id = f"c-{i:03d}"
        store.append(case_id, 0, chain(case_id, 1), deadlines=[deadline(case_id, "d", i % 17)])
    with _spawn().Pool(PROCESSES) as pool:
        in_processes = [
            pool.apply_async(claim_worker, (sql_backend.spec, f"p{i}", 12))
            for i in range(PROCESSES)
        ]
        got: list[tuple[str, str]] = []
        lock = threading.Lock()

        def claim_in_thread(worker: str) -> None:
            claimed = claim_rounds(store, worker, 12, limit=5)
            with lock:
                got.extend(claimed)

        with ThreadPoolExecutor(4) as threads:
            for f in [threads.submit(claim_in_thread, f"t{i}") for i in range(4)]:
                f.result(timeout=120)
        for result in in_processes:
            got.extend(result.get(timeout=120))

    counts = Counter(got)
    assert [entry for entry, n in counts.items() if n > 1] == []
    assert len(counts) == cases


KILLS = 5


def test_a_writer_killed_mid_write_leaves_whole_appends(sql_backend: Backend) -> None:
    batch, cases = 3, 4
    rng = random.Random(7)
    for _ in range(KILLS):
        before = sql_backend.open()
        start_version = before.version("crash-0")
        before.close()
        process = _spawn().Process(target=crash_writer, args=(sql_backend.spec, cases, batch))
        process.start()
        # Wait until it is writing, then kill it at some random moment.
        watcher = sql_backend.open()
        deadline_at = time.monotonic() + 60
        while watcher.version("crash-0") <= start_version:
            assert time.monotonic() < deadline_at, "the writer never wrote"
            assert process.is_alive(), "the writer died on its own"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
        assert process.exitcode == -signal.SIGKILL

        store = sql_backend.open()
        for i in range(cases):
            case_id = f"crash-{i}"
            version = store.version(case_id)
            # Each append is wholly there or wholly absent.
            assert version % batch == 0
            full = store.load(case_id, use_snapshot=False)
            assert full.version == version
            if version:
                fast = store.load(case_id)
                assert fast.snapshot is not None
                assert fast.snapshot.version == version
                due = [e for e in store.due(T0 + timedelta(days=3650)) if e.case_id == case_id]
                assert due == [deadline(case_id, f"after-{version}", version)]
        if isinstance(store, SqliteStore):
            assert store.integrity_check() == "ok"
    assert store.version("crash-0") > 0
