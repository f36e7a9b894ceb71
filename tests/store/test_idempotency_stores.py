"""Idempotency keys in every store: written with the events, kept across restarts, one per key.

The store contract (``append(..., idempotency=...)`` and
``idempotency_record``) on every backend; the engine's keyed commands
surviving a restart; and retries of one key racing from threads and from
processes, on SQLite and PostgreSQL, storing one result.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import psycopg
import pytest

from kwflow.exceptions import (
    ConcurrencyConflict,
    IdempotencyConflict,
    InvalidEvents,
    StorageError,
    TamperedHistory,
)
from kwflow.store import SCHEMA_VERSION, IdempotencyRecord, PostgresStore, SqliteStore
from kwflow.store._postgres_schema import POSTGRES_MIGRATIONS
from kwflow.store._sqlite import migrate_sqlite
from tests.support.idempotency import (
    Result,
    marked,
    open_keyed,
    open_worker,
    result_of,
    stored_keys,
    submit_keyed,
    submit_worker,
)
from tests.support.runtime import store_state
from tests.support.store import chain, next_events
from tests.support.store_engine import OPENER, PROCESS, engine_on

if TYPE_CHECKING:
    from pathlib import Path

    import kwflow
    from kwflow.store import CaseStore
    from tests.support.store import Backend

THREADS = 6
PROCESSES = 3
KEYS = [f"request-{i}" for i in range(8)]


def _record(
    case_id: str, version: int, key: str = "k", scope: str | None = None
) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=case_id if scope is None else scope,
        key=key,
        content_hash="h" * 64,
        case_id=case_id,
        version=version,
    )


def _everything(store: CaseStore) -> tuple[object, ...]:
    return store_state(store), tuple(stored_keys(store))


# -- the store contract ------------------------------------------------------------


def test_a_key_is_written_with_the_events_and_read_back(backend: Backend) -> None:
    store = backend.open()
    assert store.idempotency_record("c", "k") is None
    record = _record("c", 2)
    store.append("c", 0, chain("c", 2), idempotency=record)
    assert store.idempotency_record("c", "k") == record
    assert store.idempotency_record("c", "other") is None
    assert store.idempotency_record("elsewhere", "k") is None
    # A command that changed nothing still records its key (no events).
    quiet = _record("c", 2, key="quiet")
    store.append("c", 2, [], idempotency=quiet)
    assert store.idempotency_record("c", "quiet") == quiet
    assert store.version("c") == 2


def test_a_key_recorded_twice_is_refused_and_nothing_is_written(backend: Backend) -> None:
    store = backend.open()
    store.append("c", 0, chain("c", 1), idempotency=_record("c", 1))
    before = _everything(store)
    with pytest.raises(ConcurrencyConflict):
        store.append("c", 1, next_events(store, "c", 1), idempotency=_record("c", 2))
    assert _everything(store) == before
    # The same key in another scope is another key.
    store.append("d", 0, chain("d", 1), idempotency=_record("d", 1))
    # Keys of openings share one scope across cases.
    store.append("e", 0, chain("e", 1), idempotency=_record("e", 1, key="o", scope=""))
    before = _everything(store)
    with pytest.raises(ConcurrencyConflict):
        store.append("f", 0, chain("f", 1), idempotency=_record("f", 1, key="o", scope=""))
    assert _everything(store) == before
    assert store.version("f") == 0


def test_a_refused_append_records_no_key(backend: Backend) -> None:
    store = backend.open()
    store.append("c", 0, chain("c", 2))
    with pytest.raises(ConcurrencyConflict):
        store.append("c", 1, chain("c", 1, start=2), idempotency=_record("c", 2))
    assert store.idempotency_record("c", "k") is None


@pytest.mark.parametrize(
    ("record", "says"),
    [
        (_record("other", 1), "belongs to case 'other'"),
        (_record("c", 3), "names version 3, but the append leaves the case at version 1"),
        (
            IdempotencyRecord(scope="c", key="", content_hash="h", case_id="c", version=1),
            "non-empty",
        ),
    ],
)
def test_a_record_that_does_not_fit_the_append_is_refused(
    backend: Backend, record: IdempotencyRecord, says: str
) -> None:
    store = backend.open()
    with pytest.raises(InvalidEvents, match=says):
        store.append("c", 0, chain("c", 1), idempotency=record)
    assert store.version("c") == 0
    assert stored_keys(store) == []


def test_a_malformed_key_row_is_a_storage_error(sql_backend: Backend) -> None:
    store = sql_backend.open()
    store.append("c", 0, chain("c", 1), idempotency=_record("c", 1))
    if sql_backend.kind == "sqlite":
        # SQLite keeps what it is given: text where a number belongs.
        sql_backend.sql("UPDATE idempotency_keys SET version = 'one'")
    else:
        sql_backend.sql("ALTER TABLE idempotency_keys ALTER COLUMN version TYPE text")
        sql_backend.sql("UPDATE idempotency_keys SET version = 'one'")
    with pytest.raises(StorageError, match="idempotency key 'k'"):
        store.idempotency_record("c", "k")


# -- migrating a database of the schema before keys -------------------------------


def test_a_sqlite_database_from_before_keys_gets_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert migrate_sqlite(conn, target=3) == 3
    conn.close()
    with SqliteStore(path) as store:
        store.append("c", 0, chain("c", 1), idempotency=_record("c", 1))
        assert store.idempotency_record("c", "k") == _record("c", 1)
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


@pytest.mark.postgres
def test_a_postgres_schema_from_before_keys_gets_them_on_open(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    prefix = f'"{schema}".'
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        for migration in POSTGRES_MIGRATIONS.pending(0, 3):
            for statement in migration.statements:
                conn.execute(statement.replace("{s}", prefix))
            conn.execute(
                f"INSERT INTO {prefix}schema_version (version, description) VALUES (%s, %s)",
                (migration.version, migration.description),
            )
    with PostgresStore(dsn, schema=schema) as store:
        store.append("c", 0, chain("c", 1), idempotency=_record("c", 1))
        assert store.idempotency_record("c", "k") == _record("c", 1)


# -- the engine: keys survive a restart ------------------------------------------------


def test_keys_survive_closing_and_reopening_the_store(backend: Backend) -> None:
    engine = engine_on(backend.open())
    opened = engine.open_case(PROCESS, by=OPENER, idempotency_key="open-1")
    submitted = engine.submit(opened.id, "referral", marked("s"), by=OPENER, idempotency_key="s")
    if backend.kind != "memory":  # a memory store's cases end with it
        engine.store.close()

    reopened = backend.open()
    restarted = engine_on(reopened)
    before = _everything(reopened)
    assert restarted.open_case(PROCESS, by=OPENER, idempotency_key="open-1") == opened
    again = restarted.submit(opened.id, "referral", marked("s"), by=OPENER, idempotency_key="s")
    assert again == submitted
    with pytest.raises(IdempotencyConflict) as caught:
        restarted.submit(opened.id, "referral", marked("other"), by=OPENER, idempotency_key="s")
    assert (caught.value.key, caught.value.case_id) == ("s", opened.id)
    with pytest.raises(IdempotencyConflict) as caught:
        restarted.open_case("case_conference", by=OPENER, idempotency_key="open-1")
    assert (caught.value.key, caught.value.case_id) == ("open-1", opened.id)
    assert _everything(reopened) == before


def test_a_key_naming_a_version_the_case_lacks_is_tampering(sql_backend: Backend) -> None:
    engine = engine_on(sql_backend.open())
    engine.open_case(PROCESS, by=OPENER, case_id="c")
    case = engine.submit("c", "referral", marked("s"), by=OPENER, idempotency_key="s")
    sql_backend.sql("UPDATE idempotency_keys SET version = 99")
    with pytest.raises(TamperedHistory, match="idempotency key names a version"):
        engine.submit("c", "referral", marked("s"), by=OPENER, idempotency_key="s")
    assert engine.get_unfiltered("c") == case


# -- retries racing each other ------------------------------------------------------------


def _one_result_per_key(engine: kwflow.Engine, case_id: str, results: list[list[Result]]) -> None:
    """Every contender got the same result per key, and each key's command is stored once."""
    for per_key in zip(*results, strict=True):
        assert len(set(per_key)) == 1
    concerns = [
        e.payload["data"]["concerns"]
        for e in engine.history_unfiltered(case_id)
        if e.type == "artifact_submitted"
    ]
    assert sorted(concerns) == sorted(str(marked(key)["concerns"]) for key in KEYS)
    # The result of each key is the case right after its event.
    history = engine.history_unfiltered(case_id)
    for key, (_, version, last_hash) in zip(KEYS, results[0], strict=True):
        assert history[version - 1].hash == last_hash
        submitted = [e for e in history[:version] if e.type == "artifact_submitted"]
        assert submitted[-1].payload["data"]["concerns"] == marked(key)["concerns"]
    assert {r[1] for r in stored_keys(engine.store)} == set(KEYS)
    engine.verify(case_id)


def test_retries_of_one_key_from_threads_store_one_result(backend: Backend) -> None:
    store = backend.open()
    setup = engine_on(store)
    setup.open_case(PROCESS, by=OPENER, case_id="shared")
    # One engine per thread (no shared lock: only the store decides), and one shared engine.
    engines = [engine_on(store) for _ in range(THREADS - 2)] + [setup, setup]
    start_at = time.time() + 0.5
    with ThreadPoolExecutor(THREADS) as threads:
        futures = [
            threads.submit(submit_keyed, engine, "shared", KEYS, start_at=start_at)
            for engine in engines
        ]
        results = [f.result(timeout=120) for f in futures]
    _one_result_per_key(setup, "shared", results)


def test_openings_with_one_key_from_threads_open_one_case(backend: Backend) -> None:
    store = backend.open()
    engines = [engine_on(store) for _ in range(THREADS)]
    start_at = time.time() + 0.5
    with ThreadPoolExecutor(THREADS) as threads:
        futures = [threads.submit(open_keyed, e, KEYS, start_at=start_at) for e in engines]
        results = [f.result(timeout=120) for f in futures]
    for per_key in zip(*results, strict=True):
        assert len(set(per_key)) == 1
    assert sorted(store.case_ids()) == sorted(case_id for case_id, _, _ in results[0])


def test_openings_with_one_key_and_their_own_id_never_say_case_exists(backend: Backend) -> None:
    store = backend.open()
    engines = [engine_on(store) for _ in range(THREADS)]
    start_at = time.time() + 0.5

    def open_all(engine: kwflow.Engine) -> list[Result]:
        time.sleep(max(0.0, start_at - time.time()))
        return [
            result_of(
                engine.open_case(PROCESS, by=OPENER, case_id=f"case-{key}", idempotency_key=key)
            )
            for key in KEYS
        ]

    with ThreadPoolExecutor(THREADS) as threads:
        results = [f.result(timeout=120) for f in [threads.submit(open_all, e) for e in engines]]
    for per_key in zip(*results, strict=True):
        assert len(set(per_key)) == 1
    assert sorted(store.case_ids()) == sorted(f"case-{key}" for key in KEYS)


def test_retries_of_one_key_from_processes_and_threads_store_one_result(
    sql_backend: Backend,
) -> None:
    store = sql_backend.open()
    setup = engine_on(store)
    setup.open_case(PROCESS, by=OPENER, case_id="shared")
    start_at = time.time() + 3.0
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        in_processes = [
            pool.apply_async(submit_worker, (sql_backend.spec, "shared", KEYS, start_at))
            for _ in range(PROCESSES)
        ]
        engines = [engine_on(store) for _ in range(2)]
        with ThreadPoolExecutor(2) as threads:
            futures = [
                threads.submit(submit_keyed, e, "shared", KEYS, start_at=start_at) for e in engines
            ]
            results = [f.result(timeout=180) for f in futures]
        results += [r.get(timeout=180) for r in in_processes]
    _one_result_per_key(setup, "shared", results)


def test_openings_with_one_key_from_processes_open_one_case(sql_backend: Backend) -> None:
    store = sql_backend.open()
    start_at = time.time() + 3.0
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        in_processes = [
            pool.apply_async(open_worker, (sql_backend.spec, KEYS, start_at))
            for _ in range(PROCESSES)
        ]
        mine = open_keyed(engine_on(store), KEYS, start_at=start_at)
        results = [mine] + [r.get(timeout=180) for r in in_processes]
    for per_key in zip(*results, strict=True):
        assert len(set(per_key)) == 1
    assert sorted(store.case_ids()) == sorted(case_id for case_id, _, _ in mine)
    assert [r[1] for r in stored_keys(store)] == sorted(KEYS)
