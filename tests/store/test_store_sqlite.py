"""SQLite only: the default path, read-only files, a full disk, backups."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import StorageError
from kwflow.store import SqliteStore, default_sqlite_path
from tests.support.store import T0, chain, deadline, snapshot_of

if TYPE_CHECKING:
    from pathlib import Path


def test_default_path_prefers_kwflow_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "deep" / "dir" / "my.sqlite3"
    monkeypatch.setenv("KWFLOW_DB", str(target))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_sqlite_path() == target
    assert target.parent.is_dir()


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KWFLOW_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_sqlite_path() == tmp_path / "xdg" / "kwflow" / "cases.sqlite3"
    assert (tmp_path / "xdg" / "kwflow").is_dir()


def test_default_path_falls_back_to_local_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KWFLOW_DB", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "kwflow" / "cases.sqlite3"
    assert default_sqlite_path() == expected
    with SqliteStore(default_sqlite_path()) as store:
        store.append("c-1", 0, chain("c-1", 1))
    assert expected.is_file()


def _filled(path: Path) -> tuple[object, ...]:
    with SqliteStore(path) as store:
        events = chain("c-1", 3)
        store.append("c-1", 0, events, deadlines=[deadline("c-1", "d", 1)])
        return store.events("c-1"), store.due(T0 + timedelta(days=1))


def test_read_only_store_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    _filled(path)
    before = path.read_bytes()
    with SqliteStore(path, read_only=True) as store:
        assert store.load("c-1").version == 3
        more = chain("c-1", 1, start=4, prev_hash=store.events("c-1")[-1].hash)
        with pytest.raises(StorageError, match="read-only; nothing was written") as info:
            store.append("c-1", 3, more)
        assert info.value.case_id == "c-1"
        with pytest.raises(StorageError, match="read-only"):
            store.claim_due(T0 + timedelta(days=1), worker="w", lease=timedelta(1), now=T0)
        assert store.version("c-1") == 3
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="file modes do not bind root")
def test_a_read_only_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    _filled(path)
    path.chmod(0o444)
    try:
        with SqliteStore(path) as store:
            more = chain("c-1", 1, start=4, prev_hash=store.events("c-1")[-1].hash)
            with pytest.raises(StorageError, match="read-only"):
                store.append("c-1", 3, more)
            assert store.version("c-1") == 3
    finally:
        path.chmod(0o644)


def test_a_full_disk_gives_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    with SqliteStore(path) as store:
        events = chain("c-1", 2)
        store.append("c-1", 0, events, deadlines=[deadline("c-1", "d", 1)])
        before = (store.events("c-1"), store.due(T0 + timedelta(days=1)))
        with store._connection() as conn:
            # The file may not grow: the next page it needs is "past the end of the disk".
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        big = chain("c-1", 3, start=3, prev_hash=events[-1].hash, tag="x" * 50_000)
        with pytest.raises(StorageError, match="disk is full") as info:
            store.append(
                "c-1",
                2,
                big,
                deadlines=[deadline("c-1", "other", 5)],
                snapshot=snapshot_of([*events, *big]),
            )
        assert info.value.case_id == "c-1"
        assert (store.events("c-1"), store.due(T0 + timedelta(days=1))) == before
        assert store.integrity_check() == "ok"
        # Room again: the same append goes through whole.
        with store._connection() as conn:
            conn.execute("PRAGMA max_page_count = 1073741823")
        store.append("c-1", 2, big, snapshot=snapshot_of([*events, *big]))
        assert store.load("c-1", use_snapshot=False).events == (*events, *big)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match=r"damaged|not a database"):
        SqliteStore(path)


def test_backup_copies_a_consistent_database(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "live.sqlite3") as store:
        events = chain("c-1", 5)
        store.append("c-1", 0, events, snapshot=snapshot_of(events))
        store.backup(tmp_path / "copy.sqlite3")
    with SqliteStore(tmp_path / "copy.sqlite3") as copy:
        assert copy.load("c-1", use_snapshot=False).events == tuple(events)
        assert copy.integrity_check() == "ok"
    conn = sqlite3.connect(str(tmp_path / "copy.sqlite3"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] > 0
    conn.close()
