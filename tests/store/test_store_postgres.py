"""PostgreSQL only: schemas, connection failures, read-only servers, mid-transaction failures."""

from __future__ import annotations

import time
from urllib.parse import quote

import psycopg
import pytest

from kwflow.exceptions import StorageError
from kwflow.store import PostgresStore
from tests.support.store import T0, chain, deadline, snapshot_of

pytestmark = pytest.mark.postgres


def test_a_failure_inside_the_transaction_leaves_nothing(pg_schema: tuple[str, str]) -> None:
    """The events are written before the deadline row fails: all of it is rolled back."""
    dsn, schema = pg_schema
    with PostgresStore(dsn, schema=schema) as store:
        events = chain("c-1", 4)
        store.append("c-1", 0, events[:2], deadlines=[deadline("c-1", "keep", 1)])
        with pytest.raises(StorageError) as info:
            store.append(
                "c-1",
                2,
                events[2:],
                # PostgreSQL text cannot hold NUL: the deadline insert fails last.
                deadlines=[deadline("c-1", "bad\x00id", 2)],
                snapshot=snapshot_of(events),
            )
        assert info.value.case_id == "c-1"
        assert store.version("c-1") == 2
        assert store.events("c-1") == tuple(events[:2])
        assert store.load("c-1").snapshot is None
        assert [e.deadline_id for e in store.due(T0.replace(year=2030))] == ["keep"]
        # The pool is fine afterwards.
        store.append("c-1", 2, events[2:])
        assert store.version("c-1") == 4


def test_schema_none_uses_the_connection_schema(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    options = quote(f"-csearch_path={schema}")
    joiner = "&" if "?" in dsn else "?"
    with PostgresStore(f"{dsn}{joiner}options={options}") as store:
        assert store.schema == schema
        store.append("c-1", 0, chain("c-1", 1))
    with psycopg.connect(dsn) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".events').fetchone()
    assert row == (1,)


def test_two_schemas_are_two_stores(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    other = f"{schema}_b"
    try:
        with (
            PostgresStore(dsn, schema=schema) as first,
            PostgresStore(dsn, schema=other) as second,
        ):
            first.append("c-1", 0, chain("c-1", 2))
            assert second.version("c-1") == 0
            assert list(second.case_ids()) == []
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other}" CASCADE')


@pytest.mark.parametrize("name", ["x; DROP TABLE y", 'a"b', "", "1abc", "a" * 64])
def test_schema_names_must_be_plain_identifiers(pg_schema: tuple[str, str], name: str) -> None:
    dsn, _ = pg_schema
    with pytest.raises(ValueError, match="identifier"):
        PostgresStore(dsn, schema=name)


def test_a_read_only_server_gives_a_clear_error(pg_schema: tuple[str, str]) -> None:
    dsn, schema = pg_schema
    with PostgresStore(dsn, schema=schema) as store:
        events = chain("c-1", 2)
        store.append("c-1", 0, events[:1])
    options = quote("-cdefault_transaction_read_only=on")
    joiner = "&" if "?" in dsn else "?"
    with PostgresStore(f"{dsn}{joiner}options={options}", schema=schema) as read_only:
        assert read_only.load("c-1").version == 1
        with pytest.raises(StorageError, match="read-only; nothing was written"):
            read_only.append("c-1", 1, events[1:])
    with PostgresStore(dsn, schema=schema) as store:
        assert store.version("c-1") == 1


def test_an_unreachable_server_fails_fast_and_clearly() -> None:
    started = time.monotonic()
    with pytest.raises(StorageError, match="cannot connect to PostgreSQL") as info:
        PostgresStore("postgresql://kwflow:secret@127.0.0.1:9/nowhere", timeout=1.0)
    assert time.monotonic() - started < 10
    assert "secret" not in str(info.value)
