"""Helpers for the store tests: event chains, backends under test, worker processes.

Not a conftest so that worker processes (multiprocessing, spawn) can import
the worker functions by module name.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kwflow.exceptions import ConcurrencyConflict
from kwflow.history import GENESIS_HASH, Event, KeyRing, new_event
from kwflow.store import (
    DeadlineEntry,
    MemoryStore,
    PostgresStore,
    Snapshot,
    SqliteStore,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from kwflow.store import CaseStore

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
PG_DSN_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def pg_dsn() -> str:
    """The PostgreSQL server the tests use."""
    return os.environ.get("KWFLOW_TEST_POSTGRES_DSN", PG_DSN_DEFAULT)


def chain(
    case_id: str,
    count: int,
    *,
    start: int = 1,
    prev_hash: str = GENESIS_HASH,
    actor: str = "worker",
    tag: str = "",
) -> list[Event]:
    """``count`` events of ``case_id`` continuing a chain at ``start``."""
    events = []
    for sequence in range(start, start + count):
        event = new_event(
            case_id=case_id,
            sequence=sequence,
            type="case_opened" if sequence == 1 else "action_taken",
            at=T0 + timedelta(minutes=sequence),
            actor=actor,
            payload={"n": sequence, "tag": tag, "text": "Příliš žluťoučký kůň", "x": 1.5},
            prev_hash=prev_hash,
        )
        events.append(event)
        prev_hash = event.hash
    return events


def next_events(store: CaseStore, case_id: str, count: int, *, tag: str = "") -> list[Event]:
    """``count`` events continuing the case as it is stored now."""
    stored = store.events(case_id)
    start = len(stored) + 1
    prev = stored[-1].hash if stored else GENESIS_HASH
    return chain(case_id, count, start=start, prev_hash=prev, tag=tag)


def snapshot_of(events: Sequence[Event]) -> Snapshot:
    """A snapshot after the last of ``events`` (state: what a fold might keep)."""
    last = events[-1]
    return Snapshot(
        case_id=last.case_id,
        version=last.sequence,
        last_hash=last.hash,
        state={"seen": [e.sequence for e in events], "phase": f"after-{last.sequence}"},
    )


def deadline(case_id: str, deadline_id: str, minutes: int) -> DeadlineEntry:
    """A deadline of ``case_id`` due ``minutes`` after ``T0``."""
    return DeadlineEntry(
        case_id=case_id, deadline_id=deadline_id, due_at=T0 + timedelta(minutes=minutes)
    )


# -- the backends under test ---------------------------------------------------


@dataclass
class Backend:
    """One backend under test: how to open its store and how to reach its rows directly."""

    kind: str
    path: Path | None = None
    dsn: str | None = None
    schema: str | None = None
    memory: MemoryStore | None = None
    opened: list[Any] = field(default_factory=list)
    ring: KeyRing | None = None

    @property
    def spec(self) -> tuple[str, str, str | None]:
        """What a worker process needs to open the same store."""
        if self.kind == "sqlite":
            return ("sqlite", str(self.path), None)
        if self.kind == "postgres":
            assert self.dsn is not None
            return ("postgres", self.dsn, self.schema)
        raise ValueError("a memory store cannot be shared with another process")

    def open(self, **options: Any) -> CaseStore:
        """A store over this backend's data (the same data every time)."""
        if self.kind == "memory":
            if self.memory is None:
                self.memory = MemoryStore(**options)
                return self.memory
            if options:
                # A second view with other options over the same cases.
                view = MemoryStore(**options)
                view._cases = self.memory._cases
                view._idempotency = self.memory._idempotency
                view._reads = self.memory._reads
                view._subject_keys = self.memory._subject_keys
                view._outbox = self.memory._outbox
                view._keys = self.memory.keys
                view._lock = self.memory._lock
                return view
            return self.memory
        store = open_spec(self.spec, **options)
        self.opened.append(store)
        return store

    def keyed(self) -> CaseStore:
        """A store over this backend's data that can seal personal fields.

        Memory and SQLite stores keep a key ring of their own; a PostgreSQL
        store is given one (the same for every store this backend opens), as
        a host gives it from its configuration.
        """
        if self.kind != "postgres":
            return self.open()
        if self.ring is None:
            self.ring = KeyRing.generate()
        return self.open(keys=self.ring)

    def sql(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run SQL on the backend's tables directly, as an intruder or a disk would."""
        if self.kind == "sqlite":
            lite = sqlite3.connect(str(self.path), isolation_level=None)
            try:
                return lite.execute(statement, params).fetchall()
            finally:
                lite.close()
        if self.kind == "postgres":
            import psycopg

            assert self.dsn is not None
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                conn.execute(f'SET search_path TO "{self.schema}"')
                cur = conn.execute(statement.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        raise ValueError("the memory store has no SQL; use MemoryStore._replace_events")

    def close(self) -> None:
        """Close every store this backend opened."""
        for store in self.opened:
            store.close()
        if self.memory is not None:
            self.memory.close()


def open_spec(spec: tuple[str, str, str | None], **options: Any) -> SqliteStore | PostgresStore:
    """Open the store a ``Backend.spec`` describes (in any process)."""
    kind, where, schema = spec
    if kind == "sqlite":
        return SqliteStore(where, **options)
    return PostgresStore(where, schema=schema, **options)


# -- worker processes (spawned: top-level functions only) ------------------------


def contend(
    store: CaseStore,
    shared_case: str,
    own_case: str,
    rounds: int,
    seed: int,
    *,
    start_at: float = 0.0,
) -> tuple[list[str], list[str], int]:
    """Append to a shared case (racing the others) and to an own case.

    Waits until ``start_at`` (``time.time()``) so that threads and spawned
    processes really write at once. Returns the hashes of every accepted
    event of the shared case, those of the own case, and how many appends
    were refused with a conflict.
    """
    time.sleep(max(0.0, start_at - time.time()))
    rng = random.Random(seed)
    accepted_shared: list[str] = []
    accepted_own: list[str] = []
    conflicts = 0
    for _ in range(rounds):
        batch = next_events(store, shared_case, rng.randint(1, 3), tag=f"s{seed}")
        try:
            store.append(
                shared_case,
                batch[0].sequence - 1,
                batch,
                deadlines=[deadline(shared_case, f"d{seed}", batch[-1].sequence)],
                snapshot=snapshot_of(batch) if rng.random() < 0.3 else None,
            )
            accepted_shared.extend(e.hash for e in batch)
        except ConcurrencyConflict:
            conflicts += 1
        own = next_events(store, own_case, 2, tag=f"o{seed}")
        store.append(own_case, own[0].sequence - 1, own)
        accepted_own.extend(e.hash for e in own)
        time.sleep(rng.random() / 1000)
    return accepted_shared, accepted_own, conflicts


def contend_worker(
    spec: tuple[str, str, str | None],
    shared_case: str,
    own_case: str,
    rounds: int,
    start: tuple[int, float],
) -> tuple[list[str], list[str], int]:
    """``contend`` in a process of its own, with its own store; ``start`` is (seed, start_at)."""
    seed, start_at = start
    with open_spec(spec) as store:
        return contend(store, shared_case, own_case, rounds, seed, start_at=start_at)


def claim_rounds(
    store: CaseStore, worker: str, rounds: int, *, limit: int
) -> list[tuple[str, str]]:
    """Claim the deadlines due a day after ``T0``, ``limit`` at a time; what ``worker`` got."""
    got: list[tuple[str, str]] = []
    for _ in range(rounds):
        entries = store.claim_due(
            T0 + timedelta(days=1),
            worker=worker,
            lease=timedelta(hours=1),
            now=T0,
            limit=limit,
        )
        got.extend((e.case_id, e.deadline_id) for e in entries)
    return got


def claim_worker(
    spec: tuple[str, str, str | None], worker: str, rounds: int
) -> list[tuple[str, str]]:
    """``claim_rounds`` in a process of its own, 7 at a time."""
    with open_spec(spec) as store:
        return claim_rounds(store, worker, rounds, limit=7)


def crash_writer(spec: tuple[str, str, str | None], cases: int, batch: int) -> None:
    """Append batches (with deadlines and snapshots) round-robin until killed."""
    store = open_spec(spec)
    case_ids = [f"crash-{i}" for i in range(cases)]
    version = {c: store.version(c) for c in case_ids}
    prev = {c: (store.events(c)[-1].hash if version[c] else GENESIS_HASH) for c in case_ids}
    while True:
        for case_id in case_ids:
            events = chain(case_id, batch, start=version[case_id] + 1, prev_hash=prev[case_id])
            last = events[-1]
            store.append(
                case_id,
                version[case_id],
                events,
                deadlines=[deadline(case_id, f"after-{last.sequence}", last.sequence)],
                snapshot=snapshot_of(events),
            )
            version[case_id] = last.sequence
            prev[case_id] = last.hash


# -- the outbox's claimers (issue 14) --------------------------------------------

OUTBOX_NOW = T0 + timedelta(days=1)
"""When the outbox claimers claim: every notification `fill_outbox` writes is due."""


def fill_outbox(store: CaseStore, cases: int, per_case: int) -> set[str]:
    """``cases`` cases with ``per_case`` due notifications each; their keys."""
    from kwflow.store import Notification, OutboxChange

    keys: set[str] = set()
    for i in range(cases):
        case_id = f"n-{i:03d}"
        written = tuple(
            Notification(
                key=f"{case_id}/d/#1/reminder-{j}",
                case_id=case_id,
                deadline_id="d",
                kind="reminder",
                due_at=T0 + timedelta(minutes=(i * per_case + j) % 97),
                roles=("worker",),
                people=("eva",),
                message={"code": "deadline-reminder", "params": {}, "cs": "Č", "en": "E"},
            )
            for j in range(per_case)
        )
        store.append(
            case_id,
            0,
            chain(case_id, 1),
            outbox=[OutboxChange(deadline_id="d", notifications=written)],
        )
        keys.update(n.key for n in written)
    return keys


def notification_claimer(
    spec: tuple[str, str, str | None], worker: str, rounds: int, start_at: float
) -> list[str]:
    """Claim 7 at a time, ``rounds`` times, within one long lease; the keys this process got."""
    got: list[str] = []
    with open_spec(spec) as store:
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(rounds):
            claimed = store.claim_notifications(
                OUTBOX_NOW, limit=7, lease=timedelta(hours=1), worker=worker
            )
            got.extend(n.key for n in claimed)
    return got


def claim_and_hang(spec: tuple[str, str, str | None], limit: int, done: Path) -> None:
    """Claim ``limit`` notifications, say so in the file ``done``, and never ack them."""
    with open_spec(spec) as store:
        claimed = store.claim_notifications(
            OUTBOX_NOW, limit=limit, lease=timedelta(minutes=5), worker="doomed"
        )
        done.write_text("\n".join(n.key for n in claimed), encoding="utf-8")
        while True:
            time.sleep(1)
