"""The benchmarks' shared helpers (``benchmarks/_support.py``): their sections, their databases.

Every benchmark writes its table into docs/performance.md through
``write_section`` and measures on databases from ``Databases``; here the
page is a copy in a temporary folder, and the databases are real SQLite
files and real PostgreSQL schemas, looked for afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.store.conftest import require_postgres
from tests.support.benchmarks import load_benchmark
from tests.support.store import chain

if TYPE_CHECKING:
    from types import ModuleType


@pytest.fixture
def support(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """``_support``, writing to a page of its own in ``tmp_path``."""
    module = load_benchmark("_support", monkeypatch)
    monkeypatch.setattr(module, "PERFORMANCE_MD", tmp_path / "performance.md")
    return module


def test_a_section_replaces_its_own_and_leaves_the_others(support: ModuleType) -> None:
    page = support.PERFORMANCE_MD
    page.write_text(
        "# Performance\n\n"
        "<!-- bench_a:start -->\nold a\n<!-- bench_a:end -->\n\n"
        "<!-- bench_b:start -->\nold b\n<!-- bench_b:end -->\n",
        encoding="utf-8",
    )
    support.write_section("bench_a", "## A\n\n| x |\n")  # a trailing newline or not: one block
    support.write_section("bench_c", "## C")
    assert page.read_text(encoding="utf-8") == (
        "# Performance\n\n"
        "<!-- bench_a:start -->\n## A\n\n| x |\n<!-- bench_a:end -->\n\n"
        "<!-- bench_b:start -->\nold b\n<!-- bench_b:end -->\n\n"
        "<!-- bench_c:start -->\n## C\n<!-- bench_c:end -->\n"
    )
    support.write_section("bench_a", "## A again")  # again: replaced, not added
    assert page.read_text(encoding="utf-8").count("<!-- bench_a:start -->") == 1
    assert "## A again\n<!-- bench_a:end -->" in page.read_text(encoding="utf-8")


def test_a_section_begins_a_page_that_is_not_there(support: ModuleType) -> None:
    support.write_section("bench_a", "## A")
    text = support.PERFORMANCE_MD.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n")
    assert text.endswith("<!-- bench_a:start -->\n## A\n<!-- bench_a:end -->\n")


def test_sqlite_databases_are_fresh_files_removed_afterwards(support: ModuleType) -> None:
    with support.Databases("sqlite", "bench_test") as databases:
        first, second = databases.fresh(), databases.fresh()
        assert first.where != second.where
        assert first.schema is None
        store = first.open(synchronous="NORMAL")
        store.append("c-1", 0, chain("c-1", 1))
        store.close()
        assert Path(first.where).is_file()
        assert not Path(second.where).exists()  # made when opened, not before
    assert not databases.folder.exists()


@pytest.mark.postgres
def test_postgres_databases_are_fresh_schemas_dropped_afterwards(support: ModuleType) -> None:
    import psycopg

    dsn = require_postgres()
    with support.Databases("postgres", "bench_test") as databases:
        first, second = databases.fresh(), databases.fresh()
        assert first.schema != second.schema
        store = first.open(synchronous="NORMAL")  # SQLite's setting, left out here
        store.append("c-1", 0, chain("c-1", 1))
        assert store.version("c-1") == 1
        store.close()
        assert _schemas(psycopg, dsn, first.schema) == [first.schema]
    assert _schemas(psycopg, dsn, first.schema) == []
    assert not databases.folder.exists()


def test_an_unreachable_server_is_a_reason_not_an_error(
    support: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KWFLOW_TEST_POSTGRES_DSN", "postgresql://nobody@127.0.0.1:1/none")
    reason = support.postgres_reason()
    assert reason is not None
    assert reason.startswith("OperationalError: ")
    assert "\n" not in reason
    assert support.backends(no_postgres=False) == (["sqlite"], reason)
    assert support.backends(no_postgres=True) == (["sqlite"], "left out (--no-postgres)")


def _schemas(psycopg: ModuleType, dsn: str, schema: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchall()
    return [row[0] for row in rows]
