"""Retries of keyed commands racing each other, for threads and spawned worker processes.

Not a conftest so that worker processes (multiprocessing, spawn) can import
the worker functions by module name.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kwflow.store import MemoryStore, PostgresStore, SqliteStore

from .store import open_spec
from .store_engine import OPENER, PROCESS, REFERRAL, engine_on

if TYPE_CHECKING:
    import kwflow
    from kwflow.store import CaseStore

Result = tuple[str, int, str]
"""What a command returned, in a form a worker process can send back: case id, version, hash."""


def result_of(case: kwflow.Case) -> Result:
    """The case a command returned, as (case id, version, hash of its last event)."""
    return case.id, case.version, case.last_hash


def marked(key: str) -> dict[str, object]:
    """Referral data telling which key submitted it (the marker is in ``concerns``)."""
    return {**REFERRAL, "concerns": f"sent with {key}"}


def submit_keyed(
    engine: kwflow.Engine, case_id: str, keys: list[str], *, start_at: float = 0.0
) -> list[Result]:
    """Submit one referral per key, with the key, each as a racing retry would; the results.

    Waits until ``start_at`` (``time.time()``) so that threads and spawned
    processes really send at once. Retries conflicts with other keys' commands
    (a conflict with the same key's winner is answered with its result).
    """
    time.sleep(max(0.0, start_at - time.time()))
    return [
        result_of(
            engine.submit(
                case_id, "referral", marked(key), by=OPENER, idempotency_key=key, retries=50
            )
        )
        for key in keys
    ]


def open_keyed(engine: kwflow.Engine, keys: list[str], *, start_at: float = 0.0) -> list[Result]:
    """Open one case (with a random id) per key, with the key; the cases returned."""
    time.sleep(max(0.0, start_at - time.time()))
    return [result_of(engine.open_case(PROCESS, by=OPENER, idempotency_key=key)) for key in keys]


def submit_worker(
    spec: tuple[str, str, str | None], case_id: str, keys: list[str], start_at: float
) -> list[Result]:
    """``submit_keyed`` in a process of its own, with its own store and engine."""
    with open_spec(spec) as store:
        return submit_keyed(engine_on(store), case_id, keys, start_at=start_at)


def open_worker(
    spec: tuple[str, str, str | None], keys: list[str], start_at: float
) -> list[Result]:
    """``open_keyed`` in a process of its own, with its own store and engine."""
    with open_spec(spec) as store:
        return open_keyed(engine_on(store), keys, start_at=start_at)


def stored_keys(store: CaseStore) -> list[tuple[str, str, str, str, int]]:
    """Every idempotency record a store holds, sorted: (scope, key, hash, case id, version)."""
    if isinstance(store, MemoryStore):
        records = store._idempotency.values()
        return sorted((r.scope, r.key, r.content_hash, r.case_id, r.version) for r in records)
    assert isinstance(store, SqliteStore | PostgresStore)
    with store._read() as tx:
        rows = tx.all(
            "SELECT scope, key, content_hash, case_id, version FROM "
            f"{getattr(store, '_prefix', '')}idempotency_keys ORDER BY scope, key"
        )
    return [(str(s), str(k), str(h), str(c), int(v)) for s, k, h, c, v in rows]
