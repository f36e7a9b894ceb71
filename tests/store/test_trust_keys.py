"""Keys: the default key file, rotation, sealing heads written without keys, the memory store."""

from __future__ import annotations

import sqlite3
import stat
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.exceptions import StorageError, TamperedHistory
from kwflow.history import KeyRing
from kwflow.store import MemoryStore, PostgresStore, SqliteStore
from tests.support.store import chain, snapshot_of
from tests.support.store_engine import OPENER, REFERRAL, engine_on
from tests.support.trust import CASE, LENGTH, conference, signing_pair

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.store import Backend


def test_the_default_key_file_is_made_beside_the_database_for_its_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cases.sqlite3"
    with SqliteStore(path) as store:
        store.append("c-1", 0, chain("c-1", 2))
        assert store.keys is not None
        assert store.key_path == tmp_path / "cases.sqlite3-kwflow.key"
    mode = stat.S_IMODE((tmp_path / "cases.sqlite3-kwflow.key").stat().st_mode)
    assert mode == 0o600
    (mac,) = sqlite3.connect(path).execute("SELECT mac FROM cases").fetchone()
    assert mac.startswith(f"{store.keys.current}:")
    with SqliteStore(path) as again:  # the same key is read back
        assert again.load("c-1").version == 2


def test_a_lost_key_file_is_refused_rather_than_replaced(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    with SqliteStore(path) as store:
        store.append("c-1", 0, chain("c-1", 2))
    (tmp_path / "cases.sqlite3-kwflow.key").unlink()
    with pytest.raises(StorageError, match="key file"):
        SqliteStore(path)


def test_a_store_with_another_key_refuses_every_head(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite3"
    with SqliteStore(path) as store:
        store.append("c-1", 0, chain("c-1", 2))
    with SqliteStore(path, keys=KeyRing.generate("other")) as wrong:
        with pytest.raises(TamperedHistory) as info:
            wrong.load("c-1")
        assert (info.value.case_id, info.value.sequence) == ("c-1", 2)
        assert "not in the key ring" in info.value.reason


def test_rotation_old_heads_snapshots_and_checkpoints_still_verify(
    sql_backend: Backend,
) -> None:
    old = KeyRing.generate("2025")
    store = sql_backend.open(keys=old)
    engine = conference(store, snapshot_every=10)
    old_signing, old_public = signing_pair()
    old_checkpoint = engine.checkpoint(old_signing)

    new = old.rotated("2026")
    assert new.current == "2026"
    assert set(new.keys) == {"2025", "2026"}
    rotated_store = sql_backend.open(keys=new)
    assert isinstance(rotated_store, SqliteStore | PostgresStore)
    rotated = engine_on(rotated_store, snapshot_every=10)
    assert rotated.get_unfiltered(CASE).version == LENGTH  # old head, old snapshot
    assert rotated_store.rejected_snapshots == 0
    rotated.verify(CASE)
    rotated.verify_checkpoint(old_checkpoint, old_public)

    for marker in ("a", "b", "c", "d"):
        rotated.submit(CASE, "referral", {**REFERRAL, "concerns": marker}, by=OPENER)
    ((head_mac,),) = sql_backend.sql("SELECT mac FROM cases WHERE case_id = ?", (CASE,))
    ((snapshot_mac,),) = sql_backend.sql("SELECT mac FROM snapshots WHERE case_id = ?", (CASE,))
    ((other_mac,),) = sql_backend.sql("SELECT mac FROM cases WHERE case_id = 'fc-2'")
    assert head_mac.startswith("2026:")
    assert snapshot_mac.startswith("2026:")  # the snapshot at version 30
    assert other_mac.startswith("2025:")  # untouched cases keep the old key's MAC

    new_signing, new_public = signing_pair()
    new_checkpoint = rotated.checkpoint(new_signing)
    rotated.verify_checkpoint(new_checkpoint, new_public)
    rotated.verify_checkpoint(old_checkpoint, old_public)

    # Dropping the old key from the ring is what makes old heads fail.
    only_new = KeyRing(keys={"2026": new.keys["2026"]}, current="2026")
    with pytest.raises(TamperedHistory) as info:
        engine_on(sql_backend.open(keys=only_new)).get_unfiltered("fc-2")
    assert "'2025'" in info.value.reason


def test_key_files_round_trip_and_rotate(tmp_path: Path) -> None:
    ring = KeyRing.generate("a").rotated("b")
    ring.write(tmp_path / "keys")
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o600
    read = KeyRing.read(tmp_path / "keys")
    assert read == ring
    assert read.current == "b"
    assert read.verify(ring.mac("x", 1), "x", 1)
    assert not read.verify(ring.mac("x", 1), "x", 2)
    assert not read.verify("a:" + "0" * 64, "x", 1)
    assert not read.verify("", "x", 1)
    with pytest.raises(ValueError, match="key id"):
        KeyRing(keys={"bad id": b"0" * 32}, current="bad id")
    with pytest.raises(ValueError, match="16 bytes"):
        KeyRing(keys={"short": b"0" * 8}, current="short")


def test_heads_written_without_keys_are_sealed_once_after_verifying_them(
    sql_backend: Backend,
) -> None:
    plain = sql_backend.open(keys=None)
    plain.append("c-1", 0, chain("c-1", 3))
    plain.append("c-2", 0, chain("c-2", 3))
    sql_backend.sql("UPDATE events SET actor = 'mallory' WHERE case_id = 'c-2' AND sequence = 2")
    ring = KeyRing.generate()
    keyed = sql_backend.open(keys=ring)
    with pytest.raises(TamperedHistory) as unsealed:
        keyed.load("c-1")
    assert "no MAC" in unsealed.value.reason
    with pytest.raises(TamperedHistory) as broken:
        keyed.seal_heads()  # type: ignore[attr-defined]
    assert (broken.value.case_id, broken.value.sequence) == ("c-2", 2)
    assert keyed.load("c-1").version == 3  # sealed before c-2 was reached


def test_a_database_from_before_keys_is_sealed_when_migrated(tmp_path: Path) -> None:
    from kwflow.store import SCHEMA_VERSION
    from kwflow.store._migrations import MAC_SCHEMA_VERSION

    path = tmp_path / "old.sqlite3"
    with SqliteStore(path, keys=None) as plain:
        plain.append("c-1", 0, chain("c-1", 3), snapshot=snapshot_of(chain("c-1", 3)))
    conn = sqlite3.connect(path, isolation_level=None)
    # Back to the schema before MACs: drop the columns and the version rows.
    # Tables of later versions go too (the index, the read log, the subject keys,
    # the outbox), and the disposal records with the heads' disposed mark.
    for later in (
        "outbox",
        "disposed_cases",
        "read_log",
        "subject_keys",
        "case_phases",
        "case_people",
        "case_index",
    ):
        conn.execute(f"DROP TABLE {later}")
    conn.execute("ALTER TABLE cases DROP COLUMN disposed")
    conn.execute("ALTER TABLE cases DROP COLUMN mac")
    conn.execute("ALTER TABLE snapshots DROP COLUMN mac")
    conn.execute("DELETE FROM schema_version WHERE version >= ?", (MAC_SCHEMA_VERSION,))
    conn.execute(f"PRAGMA user_version = {MAC_SCHEMA_VERSION - 1}")
    conn.close()
    assert SCHEMA_VERSION >= MAC_SCHEMA_VERSION
    with SqliteStore(path) as upgraded:
        assert upgraded.load("c-1").version == 3
        ((mac,),) = [tuple(r) for r in sqlite3.connect(path).execute("SELECT mac FROM cases")]
        assert upgraded.keys is not None
        assert mac.startswith(upgraded.keys.current + ":")


def test_the_memory_store_authenticates_with_a_random_key() -> None:
    store = MemoryStore()
    assert store.keys is not None
    assert MemoryStore().keys != store.keys
    events = chain("c-1", 4)
    store.append("c-1", 0, events, snapshot=snapshot_of(events))
    store._cases["c-1"].head_mac = "forged:" + "0" * 64
    with pytest.raises(TamperedHistory):
        store.load("c-1")


def test_a_warm_engine_on_memory_refuses_an_edited_event() -> None:
    store = MemoryStore()
    engine = conference(store)
    engine.get_unfiltered(CASE)
    events = list(store._cases[CASE].events)
    import attrs

    events[11] = attrs.evolve(events[11], actor="mallory")
    store._replace_events(CASE, events)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "x"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, 12)
    assert store.version(CASE) == LENGTH


def _edit_memory(store: MemoryStore, sequence: int) -> None:
    import attrs

    events = list(store._cases[CASE].events)
    events[sequence - 1] = attrs.evolve(events[sequence - 1], actor="mallory")
    store._replace_events(CASE, events)


def test_a_warm_engine_on_memory_refuses_an_edit_after_its_snapshot() -> None:
    # Appends verify from the newest snapshot on, as the SQL stores do.
    store = MemoryStore()
    engine = conference(store, snapshot_every=10)
    snapshot = store._cases[CASE].snapshot
    assert snapshot is not None
    assert snapshot.version == 20
    engine.get_unfiltered(CASE)
    _edit_memory(store, 23)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "x"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, 23)
    assert store.version(CASE) == LENGTH


def test_a_warm_engine_on_memory_refuses_an_edit_of_its_snapshots_event() -> None:
    # The snapshot's own event no longer hashes: the whole history is
    # verified, which names it.
    store = MemoryStore()
    engine = conference(store, snapshot_every=10)
    engine.get_unfiltered(CASE)
    _edit_memory(store, 20)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "x"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, 20)
    assert store.version(CASE) == LENGTH


def test_an_edit_before_the_snapshot_is_named_by_every_full_read_on_memory() -> None:
    # Appends trust the snapshot for what precedes it (as on SQL); every
    # full read of the history still verifies from the first event.
    store = MemoryStore()
    engine = conference(store, snapshot_every=10)
    _edit_memory(store, 12)
    with pytest.raises(TamperedHistory) as info:
        engine.verify(CASE)
    assert (info.value.case_id, info.value.sequence) == (CASE, 12)
    with pytest.raises(TamperedHistory):
        store.events(CASE)


@given(
    st.lists(
        st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
    )
)
def test_mac_messages_are_the_canonical_json_of_their_parts(parts: list[object]) -> None:
    from kwflow.history import canonical_json
    from kwflow.history._keys import flat_json

    assert flat_json(parts) == canonical_json(parts)
