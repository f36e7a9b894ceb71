"""Erasure on every backend, and the bytes the SQLite files and PostgreSQL tables keep.

The marker test: a unique text goes into a personal field, the subject is
erased, and then neither the text nor the subject's wrapped key is anywhere
in the SQLite database file or its WAL, or in PostgreSQL's tables; the
history still verifies and replays.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from kwflow import ERASED, Engine, SimulatedClock
from kwflow.history import KeyRing, verify_history
from tests.engine.test_erasure import CHILD, DAD, DPO, MUM, RECORD, WORKER, open_family
from tests.support.runtime import START, check_case, registry

if TYPE_CHECKING:
    from pathlib import Path

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


def test_disposal_on_every_backend_leaves_a_verifiable_chain_and_no_keys(
    backend: Backend,
) -> None:
    clock = SimulatedClock(START)
    engine = erasure_engine(backend.open(), KeyRing.generate(), clock)
    open_family(engine)
    engine.act("e1", "decline", by=WORKER)
    assert engine.due_for_disposal(START + timedelta(days=200))[0].case_id == "e1"
    engine.hold("e1", by=DPO, reason="court")
    assert engine.due_for_disposal(START + timedelta(days=200)) == []
    engine.release_hold("e1", by=DPO, reason="over")
    # The list comes from the case index: no key is needed to read it.
    other = erasure_engine(backend.open(), KeyRing.generate())
    assert other.due_for_disposal(START + timedelta(days=200))[0].case_id == "e1"
    clock.advance(timedelta(days=200))
    case = engine.dispose("e1", by=DPO)
    assert engine.store.subject_keys("e1") == {}
    assert case.disposed_at is not None
    check_case(engine, case)
    assert engine.due_for_disposal(START + timedelta(days=400)) == []


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
