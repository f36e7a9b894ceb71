"""Erasure on every backend, and the bytes the SQLite files and PostgreSQL tables keep.

The marker test: a unique text goes into a personal field, the subject is
erased, and then neither the text nor the subject's wrapped key is anywhere
in the SQLite database file or its WAL, or in PostgreSQL's tables; the
history still verifies and replays.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from kwflow import ERASED, Engine, SimulatedClock
from kwflow.exceptions import CaseDisposed, TamperedHistory
from kwflow.history import KeyRing, verify_history
from tests.engine.test_erasure import CHILD, DAD, DPO, MUM, RECORD, WORKER, open_family
from tests.support.runtime import START, check_case, registry

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kwflow.history import Checkpoint
    from kwflow.store import CaseStore
    from tests.support.store import Backend


def erasure_engine(store: CaseStore, ring: KeyRing, clock: SimulatedClock | None = None) -> Engine:
    # A snapshot every two events, so snapshots exist to be checked too.
    return Engine(
        registry("erasure"),
        store=store,
        clock=clock or SimulatedClock(START),
        data_keys=ring,
        snapshot_every=2,
    )


def test_erasure_verifies_and_replays_on_every_backend(backend: Backend) -> None:
    ring = KeyRing.generate()
    engine = erasure_engine(backend.open(), ring)
    open_family(engine)
    case = engine.erase("e1", CHILD, by=DPO, reason="asked")
    assert case.latest("record").data["child_name"] == ERASED  # type: ignore[union-attr]
    assert case.latest("record").data["summary"] == RECORD["summary"]  # type: ignore[union-attr]
    check_case(engine, case)
    verify_history(engine.store.events("e1"), case_id="e1")
    # Another engine, another connection: the same case from the stored data.
    again = erasure_engine(backend.open(), ring)
    assert again.get_unfiltered("e1") == case
    assert again.replay_unfiltered("e1") == case
    again.verify("e1")
    assert set(again.store.subject_keys("e1")) == {MUM, DAD}


def _disposed(
    engine: Engine,
    clock: SimulatedClock,
    record: dict[str, Any] | None = None,
    before: Callable[[], object] = lambda: None,
) -> Checkpoint:
    """Open, close, hold and release case e1, wait out its period, dispose of it.

    Checkpoints taken before (at an earlier version, and the last one) still
    verify; the last one is returned.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    open_family(engine, record=record)
    engine.act("e1", "decline", by=WORKER)
    signing = Ed25519PrivateKey.generate()
    # A checkpoint at an earlier version, and the last one before disposal.
    early = engine.checkpoint(signing)
    engine.hold("e1", by=DPO, reason="court")
    engine.release_hold("e1", by=DPO, reason="over")
    clock.advance(timedelta(days=200))
    last = engine.checkpoint(signing)
    before()
    engine.dispose("e1", by=DPO, reason="file plan")
    for text in (early, last, early + last):
        engine.verify_checkpoint(text, signing.public_key(), full=True)
    return engine.verify_checkpoint(last, signing.public_key())


def test_disposal_on_every_backend_leaves_a_verifiable_record_and_nothing_else(
    backend: Backend,
) -> None:
    clock = SimulatedClock(START)
    ring = KeyRing.generate()
    engine = erasure_engine(backend.open(keys=ring), ring, clock)
    # The list comes from the case index: no key is needed to read it.
    open_family(engine, "e2")
    last = _disposed(engine, clock)
    (head,) = [h for h in last.heads if h.case_id == "e1"]
    record = engine.verify("e1")
    assert record is not None
    assert (record.events, record.head_hash) == (head.version, head.hash)
    assert engine.store.subject_keys("e1") == {}
    assert engine.store.index_entry("e1").participants == ()  # type: ignore[union-attr]
    assert engine.due_for_disposal(START + timedelta(days=400)) == []
    # Another engine, another connection: the same record, the same refusal.
    again = erasure_engine(backend.open(keys=ring), ring, clock)
    assert again.verify("e1") == record
    with pytest.raises(CaseDisposed):
        again.view("e1", WORKER)
    with pytest.raises(CaseDisposed):
        again.store.events("e1")
    # The other case is untouched.
    check_case(again, again.get_unfiltered("e2"))


def _tamper_with(backend: Backend, ring: KeyRing) -> Engine:
    clock = SimulatedClock(START)
    engine = erasure_engine(backend.open(keys=ring), ring, clock)
    _disposed(engine, clock)
    return erasure_engine(backend.open(keys=ring), ring, clock)


def test_a_changed_disposal_record_is_detected(sql_backend: Backend) -> None:
    ring = KeyRing.generate()
    engine = _tamper_with(sql_backend, ring)
    record = engine.verify("e1")
    assert record is not None
    forged = "f" * len(record.head_hash)
    sql_backend.sql(
        "UPDATE disposed_cases SET record = replace(record, ?, ?)", (record.head_hash, forged)
    )
    with pytest.raises(TamperedHistory) as caught:
        engine.verify("e1")
    assert caught.value.reason_code == "disposal-record-mac-mismatch"
    with pytest.raises(TamperedHistory):
        engine.get_unfiltered("e1")
    # Without the key the MAC is not checked, but the head it names must still match.
    keyless = Engine(registry("erasure"), store=sql_backend.open(keys=None), data_keys=ring)
    with pytest.raises(TamperedHistory) as unkeyed:
        keyless.verify("e1")
    assert unkeyed.value.reason_code == "disposal-record-differs"


def test_a_deleted_disposal_record_is_detected(sql_backend: Backend) -> None:
    ring = KeyRing.generate()
    engine = _tamper_with(sql_backend, ring)
    sql_backend.sql("DELETE FROM disposed_cases")
    with pytest.raises(TamperedHistory) as caught:
        engine.verify("e1")
    assert caught.value.reason_code == "disposal-record-missing"
    assert "chybí" in caught.value.render("cs")
    with pytest.raises(TamperedHistory):
        engine.view("e1", WORKER)


def test_a_disposed_case_unmarked_or_removed_is_detected(sql_backend: Backend) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ring = KeyRing.generate()
    engine = _tamper_with(sql_backend, ring)
    signing = Ed25519PrivateKey.generate()
    checkpoint = engine.checkpoint(signing)
    # Passed off as a case that is still there: its events are missing.
    sql_backend.sql("UPDATE cases SET disposed = ?", (False,))
    with pytest.raises(TamperedHistory):
        engine.verify("e1")
    # Removed altogether (the record and the head): the checkpoint misses it.
    for table in ("disposed_cases", "idempotency_keys", "case_people", "case_phases"):
        sql_backend.sql(f"DELETE FROM {table}")
    sql_backend.sql("DELETE FROM case_index")
    sql_backend.sql("DELETE FROM cases")
    with pytest.raises(TamperedHistory) as caught:
        engine.verify_checkpoint(checkpoint, signing.public_key())
    assert caught.value.reason_code == "vanished"


def _bytes_of(path: Path) -> bytes:
    found = b""
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        if each.exists():
            found += each.read_bytes()
    return found


def test_an_erased_marker_and_its_key_are_not_in_the_sqlite_file_or_its_wal(
    tmp_path: Path,
) -> None:
    from kwflow import SqliteStore

    path = tmp_path / "cases.sqlite3"
    marker = f"MARKER-{uuid.uuid4().hex}"
    store = SqliteStore(path)
    engine = erasure_engine(store, KeyRing.generate())
    open_family(engine, record={**RECORD, "child_name": marker})
    engine.submit("e1", "record", {**RECORD, "child_name": marker + "-2"}, by=WORKER)
    assert engine.get_unfiltered("e1").latest("record").data["child_name"] == marker + "-2"  # type: ignore[union-attr]
    assert store.load("e1").snapshot is not None
    wrapped = store.subject_keys("e1")[CHILD]
    body = wrapped.partition(":")[2]
    on_disk = _bytes_of(path)
    # Never in clear, even before the erasure: only ciphertext is written.
    assert marker.encode() not in on_disk
    assert body.encode() in on_disk
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    on_disk = _bytes_of(path)
    assert marker.encode() not in on_disk
    assert body.encode() not in on_disk
    assert engine.get_unfiltered("e1").latest("record").data["child_name"] == ERASED  # type: ignore[union-attr]
    engine.verify("e1")
    store.close()
    on_disk = _bytes_of(path)
    assert marker.encode() not in on_disk
    assert body.encode() not in on_disk


def test_an_erased_marker_and_its_key_are_not_in_postgresql_s_tables(
    pg_schema: tuple[str, str],
) -> None:
    import psycopg

    from kwflow import PostgresStore

    dsn, schema = pg_schema
    marker = f"MARKER-{uuid.uuid4().hex}"
    store = PostgresStore(dsn, schema=schema)
    engine = erasure_engine(store, KeyRing.generate())
    open_family(engine, record={**RECORD, "child_name": marker})
    engine.submit("e1", "record", {**RECORD, "child_name": marker + "-2"}, by=WORKER)
    wrapped = store.subject_keys("e1")[CHILD]

    def everything() -> str:
        with psycopg.connect(dsn, autocommit=True) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                )
            ]
            text = []
            for table in tables:
                rows = conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
                text.append(repr(rows))
            return "\n".join(text)

    before = everything()
    assert marker not in before
    assert wrapped in before
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    after = everything()
    assert marker not in after
    assert wrapped not in after
    assert engine.get_unfiltered("e1").latest("record").data["child_name"] == ERASED  # type: ignore[union-attr]
    engine.verify("e1")
    store.close()


def _marked(marker: str) -> dict[str, Any]:
    # The marker in a personal field and in fields that are not personal.
    return {**RECORD, "child_name": marker, "summary": marker + "-summary", "note": marker}


def test_after_disposal_a_marker_from_any_field_is_not_in_the_sqlite_file_or_its_wal(
    tmp_path: Path,
) -> None:
    from kwflow import SqliteStore

    path = tmp_path / "cases.sqlite3"
    marker = f"MARKER-{uuid.uuid4().hex}"
    ring = KeyRing.generate()
    store = SqliteStore(path, keys=ring)
    clock = SimulatedClock(START)
    engine = erasure_engine(store, ring, clock)
    open_family(engine, "e2")

    def there_before() -> None:
        engine.view("e1", WORKER)
        assert marker.encode() in _bytes_of(path)  # the fields that are not personal

    _disposed(engine, clock, record=_marked(marker), before=there_before)
    assert marker.encode() not in _bytes_of(path)
    assert engine.verify("e1") is not None
    # What remains can still be read: the other case, the read log, the record.
    assert engine.get_unfiltered("e2").latest("record") is not None
    store.close()
    on_disk = _bytes_of(path)
    assert marker.encode() not in on_disk
    assert b"file plan" in on_disk  # the record is there, in clear


def test_after_disposal_a_marker_from_any_field_is_not_in_postgresql_s_tables(
    pg_schema: tuple[str, str],
) -> None:
    import psycopg

    from kwflow import PostgresStore

    dsn, schema = pg_schema
    marker = f"MARKER-{uuid.uuid4().hex}"
    ring = KeyRing.generate()
    store = PostgresStore(dsn, schema=schema, keys=ring)
    clock = SimulatedClock(START)
    engine = erasure_engine(store, ring, clock)
    open_family(engine, record=_marked(marker))
    engine.view("e1", WORKER)

    def everything() -> str:
        with psycopg.connect(dsn, autocommit=True) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                )
            ]
            return "\n".join(
                repr(conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall())
                for table in tables
            )

    assert marker in everything()  # the fields that are not personal are in clear
    engine.store.delete_snapshots()
    store.close()
    store = PostgresStore(dsn, schema=schema, keys=ring)
    engine = erasure_engine(store, ring, clock)
    engine.act("e1", "decline", by=WORKER)
    clock.advance(timedelta(days=200))
    engine.dispose("e1", by=DPO, reason="file plan")
    after = everything()
    assert marker not in after
    assert "file plan" in after
    assert engine.verify("e1") is not None
    assert engine.read_log(case_id="e1")  # the read log is kept
    store.close()


def test_a_load_brings_the_subject_keys_read_with_the_events(backend: Backend) -> None:
    # SQL backends read the wrapped keys in the load's own transaction (one
    # round trip less for a cold reveal); a backend that does not says None.
    ring = KeyRing.generate()
    engine = erasure_engine(backend.open(), ring)
    open_family(engine)
    store = engine.store
    loaded = store.load("e1")
    if backend.kind == "memory":
        assert loaded.subject_keys is None
    else:
        assert loaded.subject_keys == store.subject_keys("e1")
        assert set(loaded.subject_keys) == {CHILD, MUM, DAD}
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    after = store.load("e1").subject_keys
    assert after is None or set(after) == {MUM, DAD}
    # A cold engine reveals from the keys the load brought: the same case.
    cold = erasure_engine(backend.open(), ring)
    assert cold.get_unfiltered("e1") == engine.get_unfiltered("e1")
