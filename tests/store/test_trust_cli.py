"""`kwflow checkpoint` and `kwflow verify --checkpoint`: append a checkpoint, prove it later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.cli._main import main
from kwflow.history import new_signing_key, public_key_to_pem, signing_key_to_pem
from kwflow.store import SqliteStore
from tests.support.trust import CASE, OTHER, conference

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    key = new_signing_key()
    private = tmp_path / "signing.pem"
    public = tmp_path / "public.pem"
    private.write_bytes(signing_key_to_pem(key))
    private.chmod(0o600)
    public.write_bytes(public_key_to_pem(key.public_key()))
    return private, public


def test_checkpoint_then_verify_and_a_deleted_case_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.sqlite3"
    with SqliteStore(db) as store:
        conference(store)
    private, public = _keys(tmp_path)
    checkpoints = tmp_path / "audit" / "checkpoints.txt"
    checkpoints.parent.mkdir()

    for _ in range(2):  # appended, not replaced
        code = main(
            [
                "checkpoint",
                "--db",
                str(db),
                "--signing-key",
                str(private),
                "--append",
                str(checkpoints),
                "--lang",
                "en",
            ]
        )
        assert code == 0
    assert checkpoints.read_text().count("kwflow-checkpoint 1\n") == 2
    assert "2 cases" in capsys.readouterr().out

    verify = [
        "verify",
        "--db",
        str(db),
        "--checkpoint",
        str(checkpoints),
        "--public-key",
        str(public),
    ]
    assert main([*verify, "--full", "--lang", "en"]) == 0
    assert "agrees" in capsys.readouterr().out

    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    for table in (
        "deadlines",
        "snapshots",
        "events",
        "idempotency_keys",
        "case_people",
        "case_phases",
        "case_index",
        "cases",
    ):
        conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (OTHER,))
    conn.close()
    assert main(verify) == 1  # Czech by default: the case is named
    assert repr(OTHER) in capsys.readouterr().err
    assert main([*verify, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert repr(OTHER) in err
    assert "vanished" in err

    checkpoints.write_text(checkpoints.read_text().replace(f'"{CASE}"', '"fc-9"'))
    assert main(verify) == 1
    # In Czech by default, the reason too (never the English sentence).
    assert "podpis kontrolního bodu neodpovídá" in capsys.readouterr().err


def test_unreadable_keys_and_missing_databases_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = _keys(tmp_path)
    missing = tmp_path / "none.sqlite3"
    assert main(["checkpoint", "--db", str(missing), "--signing-key", str(private)]) == 2
    assert main(["checkpoint", "--db", str(missing), "--signing-key", str(public)]) == 2
    assert (
        main(
            [
                "verify",
                "--db",
                str(missing),
                "--checkpoint",
                str(public),
                "--public-key",
                str(public),
                "--lang",
                "cs",
            ]
        )
        == 2
    )
    assert "nelze" in capsys.readouterr().err
