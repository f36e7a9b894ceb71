"""Schema versions and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import psycopg
import pytest

from kwflow.exceptions import InvalidValue, SchemaTooNew
from kwflow.store import SCHEMA_VERSION, PostgresStore, SqliteStore
from kwflow.store._migrations import SCHEMA_CHANGES, MigrationChain
from kwflow.store._postgres_schema import POSTGRES_MIGRATIONS
from kwflow.store._sqlite import migrate_sqlite
from kwflow.store._sqlite_schema import SQLITE_MIGRATIONS
from tests.support.store import T0, chain, deadline, snapshot_of

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    "chain", [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS], ids=["sqlite", "postgres"]
)
def test_the_chain_is_numbered_without_gaps(chain: MigrationChain) -> None:
    assert [m.version for m in SCHEMA_CHANGES] == list(range(1, SCHEMA_VERSION + 1))
    assert [m.version for m in chain.migrations] == list(range(1, SCHEMA_VERSION + 1))
    assert all(m.description and m.statements for m in chain.migrations)
    assert [m.description for m in chain.migrations] == [c.description for c in SCHEMA_CHANGES]
    assert chain.pending(0) == chain.migrations
    assert chain.pending(SCHEMA_VERSION) == ()
    assert [m.version for m in chain.pending(1, 2)] == [2]


def test_a_dialect_missing_a_version_is_refused() -> None:
    statements = dict.fromkeys(range(1, SCHEMA_VERSION + 1), ("SELECT 1",))
    assert len(MigrationChain.of("new", statements).migrations) == SCHEMA_VERSION
    every = list(range(1, SCHEMA_VERSION + 1))
    with pytest.raises(InvalidValue) as missing:
        MigrationChain.of("new", {v: s for v, s in statements.items() if v != 2})
    assert isinstance(missing.value, ValueError)
    assert missing.value.code == "input.invalid-value"
    assert str(missing.value) == (
        "statements (new) must be statements for each schema version from 1 to the newest, "
        f"none empty, not {', '.join(str(v) for v in every if v != 2)}"
    )
    assert missing.value.render("cs").startswith(
        "'statements (new)' musí být příkazy pro každou verzi schématu od 1 po nejnovější, "
        "žádné prázdné, ne 1, 3"
    )
    with pytest.raises(InvalidValue) as unknown:
        MigrationChain.of("new", {**statements, SCHEMA_VERSION + 1: ("SELECT 1",)})
    assert unknown.value.params["value"] == ", ".join(str(v) for v in [*every, SCHEMA_VERSION + 1])
    with pytest.raises(InvalidValue) as empty:
        MigrationChain.of("new", {**statements, 1: ()})
    assert empty.value.params["value"] == ", ".join(str(v) for v in every[1:])


# -- SQLite -------------------------------------------------------------------------


def _v1_sqlite(path: Path) -> None:
    """A database as kwflow's first schema left it, with one case in it."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert migrate_sqlite(conn, target=1) == 1
    events = chain("old", 3)
    for e in events:
        conn.execute(
            "INSERT OR IGNORE INTO cases (case_id, version, last_hash) VALUES (?, ?, ?)",
            ("old", 3, events[-1].hash),
        )
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.case_id,
                e.sequence,
                e.type,
                e.at.isoformat(),
                e.actor,
                '{"n":%d,"tag":"","text":"Příliš žluťoučký kůň","x":1.5}' % e.sequence,  # noqa: UP031
                e.prev_hash,
                e.hash,
                e.schema_version,
            ),
        )
    conn.execute(
        "INSERT INTO snapshots (case_id, version, last_hash, state) VALUES (?,?,?,?)",
        ("old", 2, events[1].hash, "{}"),
    )
    conn.execute("INSERT INTO deadlines VALUES ('old', 'd', 0)")
    conn.close()


def test_sqlite_v1_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _v1_sqlite(path)

    with SqliteStore(path) as store:
        loaded = store.load("old")
        # v3 dropped the unchecksummed snapshot: a full, verified replay.
        assert loaded.snapshot is None
        assert loaded.events == tuple(chain("old", 3))
        # v2's lease columns work.
        claimed = store.claim_due(T0, worker="w", lease=T0 - T0, now=T0)
        assert [e.deadline_id for e in claimed] == ["d"]
        more = chain("old", 1, start=4, prev_hash=loaded.events[-1].hash)
        store.append("old", 3, more, snapshot=snapshot_of([*loaded.events, *more]))
        assert store.load("old").snapshot is not None

    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    recorded = conn.execute("SELECT version, description FROM schema_version").fetchall()
    assert [v for v, _ in recorded] == list(range(1, SCHEMA_VERSION + 1))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_sqlite_new_database_gets_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    SqliteStore(path).close()
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {
        "cases",
        "events",
        "snapshots",
        "deadlines",
        "idempotency_keys",
        "schema_version",
        "case_index",
        "case_people",
        "case_phases",
        "read_log",
        "sqlite_sequence",  # AUTOINCREMENT: read-log numbers are never reused
        "subject_keys",
        "disposed_cases",
        "outbox",
    }
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "deadlines_due" in indexes
    conn.close()


def test_sqlite_database_newer_than_the_code_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with SqliteStore(path) as store:
        store.append("c-1", 0, chain("c-1", 1))
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()

    with pytest.raises(SchemaTooNew) as info:
        SqliteStore(path)
    assert info.value.found == SCHEMA_VERSION + 1
    assert info.value.supported == SCHEMA_VERSION
    assert "upgrade kwflow" in str(info.value)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.sqlite3") as store, store._connection() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    with (
        SqliteStore(tmp_path / "s.sqlite3", synchronous="NORMAL") as store,
        store._connection() as conn,
    ):
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    with pytest.raises(ValueError):
        SqliteStore(tmp_path / "s.sqlite3", synchronous="OFF")  # type: ignore[arg-type]


# -- PostgreSQL ---------------------------------------------------------------------


def _v1_postgres(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        prefix = f'"{schema}".'
        for statement in POSTGRES_MIGRATIONS.migrations[0].statements:
            conn.execute(statement.replace("{s}", prefix))
        conn.execute(f"INSERT INTO {prefix}schema_version (version, description) VALUES (1, 'v1')")
        events = chain("old", 2)
        conn.execute(
            f"INSERT INTO {prefix}cases (case_id, version, last_hash) VALUES (%s, 2, %s)",
            ("old", events[-1].hash),
        )
        for e in events:
            conn.execute(
                f"INSERT INTO {prefix}events VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    e.case_id,
                    e.sequence,
                    e.type,
                    e.at,
                    e.actor,
                    '{"n":%d,"tag":"","text":"Příliš žluťoučký kůň","x":1.5}' % e.sequence,  # noqa: UP031
                    e.prev_hash,
                    e.hash,
                    1,
                ),
            )
        conn.execute(
            f"INSERT INTO {prefix}deadlines VALUES ('old', 'd', %s)",
            (T0,),
        )


@pytest.mark.postgres
def test_postgres_v1_schema_is_migrated_on_open(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    _v1_postgres(dsn, schema)
    with PostgresStore(dsn, schema=schema) as store:
        assert store.load("old").events == tuple(chain("old", 2))
        assert store.claim_due(T0, worker="w", lease=T0 - T0, now=T0) == [deadline("old", "d", 0)]
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f'SELECT version FROM "{schema}".schema_version ORDER BY version'
        ).fetchall()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.postgres
def test_postgres_schema_newer_than_the_code_is_refused(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    PostgresStore(dsn, schema=schema).close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f'INSERT INTO "{schema}".schema_version (version, description) '
            f"VALUES ({SCHEMA_VERSION + 1}, 'from the future')"
        )
    with pytest.raises(SchemaTooNew) as info:
        PostgresStore(dsn, schema=schema)
    assert info.value.found == SCHEMA_VERSION + 1
    assert schema in str(info.value)


@pytest.mark.postgres
def test_postgres_opening_twice_migrates_once(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    stores = [PostgresStore(dsn, schema=schema) for _ in range(3)]
    for store in stores:
        store.close()
    with psycopg.connect(dsn) as conn:
        count = conn.execute(f'SELECT count(*) FROM "{schema}".schema_version').fetchone()
    assert count == (SCHEMA_VERSION,)
