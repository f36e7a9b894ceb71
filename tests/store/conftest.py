"""Fixtures for the store tests: the backends, and PostgreSQL's skip-or-fail rule.

PostgreSQL tests run against the real server at ``KWFLOW_TEST_POSTGRES_DSN``
(default ``postgresql://postgres@127.0.0.1:5432/test``), each in its own
schema, dropped afterwards. When the server cannot be reached they are
skipped with the reason, and the run ends with one line saying that they
were NOT run; under ``CI=true`` they fail instead, so CI never passes without
them. (The lead may move ``pytest_terminal_summary`` and ``postgres_reason``
to the top-level conftest if other packages grow PostgreSQL tests.)
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.support.store import Backend, pg_dsn

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator
    from pathlib import Path

    from _pytest.terminal import TerminalReporter

_REASON_UNKNOWN = object()
_state: dict[str, object] = {"reason": _REASON_UNKNOWN, "skipped": 0}


def postgres_reason() -> str | None:
    """Why PostgreSQL cannot be used (``None``: it can). Asked once per run."""
    reason = _state["reason"]
    if reason is _REASON_UNKNOWN:
        reason = None
        try:
            import psycopg

            with psycopg.connect(pg_dsn(), connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            detail = " ".join(str(exc).split()) or "no detail"
            reason = f"{exc.__class__.__name__}: {detail}"
        _state["reason"] = reason
    return reason if isinstance(reason, str) else None


def require_postgres() -> str:
    """The DSN, or skip (locally) / fail (``CI=true``) the calling test."""
    reason = postgres_reason()
    if reason is not None:
        where = pg_dsn()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {where} is unreachable and CI=true: {reason}")
        _state["skipped"] = int(str(_state["skipped"])) + 1
        pytest.skip(f"PostgreSQL at {where} is unreachable: {reason}")
    return pg_dsn()


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(DSN, a fresh schema name); the schema is dropped after the test."""
    dsn = require_postgres()
    schema = f"kwflow_test_{uuid.uuid4().hex[:12]}"
    yield dsn, schema
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def make_backend(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Backend:
    """A fresh, empty backend of ``kind``."""
    if kind == "memory":
        return Backend(kind="memory")
    if kind == "sqlite":
        return Backend(kind="sqlite", path=tmp_path / "cases.sqlite3")
    dsn, schema = request.getfixturevalue("pg_schema")
    return Backend(kind="postgres", dsn=dsn, schema=schema)


ALL_BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ALL_BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Every backend in turn, empty."""
    made = make_backend(request.param, tmp_path, request)
    yield made
    made.close()


@pytest.fixture(params=SQL_BACKENDS)
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The SQL backends in turn, empty (tests that touch rows directly)."""
    made = make_backend(request.param, tmp_path, request)
    yield made
    made.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: TerminalReporter) -> Generator[None]:
    """One clear line, after pytest's own summary, when the PostgreSQL tests were skipped."""
    yield
    reason = _state["reason"]
    if isinstance(reason, str) and int(str(_state["skipped"])):
        terminalreporter.write_line(
            f"PostgreSQL tests were NOT run: {pg_dsn()} is unreachable ({reason}); "
            "set KWFLOW_TEST_POSTGRES_DSN or start the server",
            yellow=True,
            bold=True,
        )
