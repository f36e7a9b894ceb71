"""``kwflow reindex`` and ``kwflow verify`` on a real SQLite file and a PostgreSQL schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.cli._main import main
from tests.support.store_engine import OPENER, PROCESS, engine_on, submit_marked

if TYPE_CHECKING:
    import pytest

    from tests.support.store import Backend


def _args(backend: Backend) -> list[str]:
    if backend.kind == "sqlite":
        return ["--db", str(backend.path)]
    assert backend.dsn is not None
    assert backend.schema is not None
    return ["--postgres", backend.dsn, "--schema", backend.schema]


def test_verify_finds_missing_rows_and_reindex_writes_them(
    sql_backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = engine_on(sql_backend.open())
    for number in range(3):
        engine.open_case(PROCESS, by=OPENER, case_id=f"case-{number}")
    submit_marked(engine, "case-1", "m")
    expected = engine.find_cases()
    assert main(["verify", "--lang", "en", *_args(sql_backend)]) == 0
    assert "3 cases verified, 0 failed" in capsys.readouterr().out

    # As after the migration of a store from before the index: no rows.
    sql_backend.sql("DELETE FROM case_people")
    sql_backend.sql("DELETE FROM case_phases")
    sql_backend.sql("DELETE FROM case_index WHERE case_id <> 'case-0'")
    sql_backend.sql("UPDATE case_index SET phase = 'x', outcome = 'done'")
    assert main(["verify", "--lang", "en", *_args(sql_backend)]) == 1
    out = capsys.readouterr().out
    assert "case case-1:" in out
    assert "kwflow reindex" in out
    assert "3 cases verified, 3 failed" in out

    assert main(["reindex", *_args(sql_backend)]) == 0
    assert "3 cases, 3 index rows written, 0 cases could not be replayed" in (
        capsys.readouterr().out
    )
    assert engine.find_cases() == expected
    assert main(["verify", "--lang", "en", *_args(sql_backend)]) == 0
    # A second run has nothing to do.
    assert main(["reindex", *_args(sql_backend)]) == 0
    assert "3 cases, 0 index rows written" in capsys.readouterr().out


def test_a_missing_database_file_is_not_created(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nothing.sqlite3"  # type: ignore[operator]
    assert main(["reindex", "--db", str(path)]) == 1
    assert "no such database file" in capsys.readouterr().err
    assert main(["verify", "--db", str(path)]) == 2
    assert not path.exists()
