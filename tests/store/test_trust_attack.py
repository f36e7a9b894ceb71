"""Issue 11's attack on SQLite and PostgreSQL: every tampering is detected, case and event named.

Tamperings write the database directly (``Backend.sql``) while the key the
stores authenticate heads and snapshots with stays out of reach (the key
file beside SQLite, a ring held by the test for PostgreSQL).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest

from kwflow.exceptions import CheckpointInvalid, NotPermitted, TamperedHistory
from kwflow.history import KeyRing, canonical_json
from tests.support.store_engine import OPENER, REFERRAL, engine_on
from tests.support.trust import (
    CASE,
    LENGTH,
    OTHER,
    REWRITES,
    conference,
    signing_pair,
    write_history,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import kwflow
    from kwflow.history import Event
    from tests.support.store import Backend


@pytest.fixture
def keys() -> KeyRing:
    """The application's key ring (PostgreSQL is given it; SQLite keeps its own file)."""
    return KeyRing.generate("test-1")


def open_store(backend: Backend, keys: KeyRing, **options: Any) -> Any:
    """A store over the backend with the documented setup: keys held outside the database."""
    if backend.kind == "postgres":
        return backend.open(keys=keys, **options)
    return backend.open(**options)


@pytest.fixture
def attacked(sql_backend: Backend, keys: KeyRing) -> tuple[Backend, list[Event]]:
    """The backend holding the conference, and ``fc-1``'s events as written."""
    engine = conference(open_store(sql_backend, keys))
    return sql_backend, list(engine.history_unfiltered(CASE))


def fresh(backend: Backend, keys: KeyRing, **options: Any) -> kwflow.Engine:
    """A cold engine on a new store over the backend."""
    return engine_on(open_store(backend, keys), **options)


def rows(backend: Backend) -> list[tuple[Any, ...]]:
    """Every event and head row as stored (to show nothing was appended)."""
    events = backend.sql("SELECT case_id, sequence, hash FROM events ORDER BY case_id, sequence")
    heads = backend.sql("SELECT case_id, version, last_hash, mac FROM cases ORDER BY case_id")
    return [*events, *heads]


# -- single-row tamperings: the hash chain and the authenticated head ---------------------


def _set(column: str, value: object, sequence: int) -> Callable[[Backend], None]:
    def tamper(backend: Backend) -> None:
        backend.sql(
            f"UPDATE events SET {column} = ? WHERE case_id = ? AND sequence = ?",
            (value, CASE, sequence),
        )

    return tamper


def _delete(*sequences: int) -> Callable[[Backend], None]:
    def tamper(backend: Backend) -> None:
        for sequence in sequences:
            backend.sql("DELETE FROM events WHERE case_id = ? AND sequence = ?", (CASE, sequence))

    return tamper


def _swap(first: int, second: int) -> Callable[[Backend], None]:
    def tamper(backend: Backend) -> None:
        backend.sql(
            "UPDATE events SET sequence = -1 WHERE case_id = ? AND sequence = ?", (CASE, first)
        )
        backend.sql(
            "UPDATE events SET sequence = ? WHERE case_id = ? AND sequence = ?",
            (first, CASE, second),
        )
        backend.sql(
            "UPDATE events SET sequence = ? WHERE case_id = ? AND sequence = -1", (second, CASE)
        )

    return tamper


def _forge_with_hash(sequence: int) -> Callable[[Backend], None]:
    """Rewrite one event and recompute its own hash; the events after it are left alone."""

    def tamper(backend: Backend) -> None:
        from kwflow.history import new_event

        (row,) = backend.sql(
            "SELECT type, at, payload, prev_hash FROM events WHERE case_id = ? AND sequence = ?",
            (CASE, sequence),
        )
        type_, at, payload, prev_hash = row
        forged = new_event(
            case_id=CASE,
            sequence=sequence,
            type=type_,
            at=at if not isinstance(at, str) else _parse(at),
            actor="mallory",
            payload=json.loads(payload),
            prev_hash=prev_hash,
        )
        backend.sql(
            "UPDATE events SET actor = ?, hash = ? WHERE case_id = ? AND sequence = ?",
            (forged.actor, forged.hash, CASE, sequence),
        )

    return tamper


def _parse(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)


def _time_edit(backend: Backend) -> None:
    if backend.kind == "sqlite":
        _set("at", "2025-01-01T00:00:00+00:00", 12)(backend)
    else:
        backend.sql(
            "UPDATE events SET at = at - interval '1 day' WHERE case_id = ? AND sequence = 12",
            (CASE,),
        )


def _payload_edit(sequence: int) -> Callable[[Backend], None]:
    def tamper(backend: Backend) -> None:
        (row,) = backend.sql(
            "SELECT payload FROM events WHERE case_id = ? AND sequence = ?", (CASE, sequence)
        )
        payload = json.loads(row[0])
        payload["forged"] = True
        _set("payload", canonical_json(payload), sequence)(backend)

    return tamper


SINGLE_ROW: dict[str, tuple[Callable[[Backend], None], int]] = {
    # name: (the tampering, the first event a verification must name)
    "payload of the first event": (_payload_edit(1), 1),
    "payload of event 12": (_payload_edit(12), 12),
    "payload of the last event": (_payload_edit(LENGTH), LENGTH),
    "timestamp of event 12": (_time_edit, 12),
    "actor of event 12": (_set("actor", "mallory", 12), 12),
    "type of event 12": (_set("type", "action_taken", 12), 12),
    "prev_hash of event 12": (_set("prev_hash", "0" * 64, 12), 12),
    "hash of event 12": (_set("hash", "f" * 64, 12), 12),
    "delete event 12": (_delete(12), 12),
    "delete the first event": (_delete(1), 1),
    "delete the last event (head left)": (_delete(LENGTH), LENGTH),
    "truncate events 20 to 26 (head left)": (_delete(*range(20, LENGTH + 1)), 20),
    "swap events 12 and 13": (_swap(12, 13), 12),
    "swap the first two events": (_swap(1, 2), 1),
    "forge event 12 with its hash recomputed": (_forge_with_hash(12), 13),
    "forge the last event with its hash recomputed": (_forge_with_hash(LENGTH), LENGTH),
}


@pytest.mark.parametrize("name", list(SINGLE_ROW))
def test_single_row_tampering_is_named_by_verify(
    attacked: tuple[Backend, list[Event]], keys: KeyRing, name: str
) -> None:
    backend, _ = attacked
    tamper, first_bad = SINGLE_ROW[name]
    tamper(backend)
    engine = fresh(backend, keys)
    with pytest.raises(TamperedHistory) as info:
        engine.verify(CASE)
    assert (info.value.case_id, info.value.sequence) == (CASE, first_bad)
    with pytest.raises(TamperedHistory) as loading:
        engine.get_unfiltered(CASE)  # no snapshot: the whole chain is read
    assert loading.value.case_id == CASE
    engine.verify(OTHER)  # other cases are untouched


# -- the forged snapshot ----------------------------------------------------------------


def _forge_snapshot(backend: Backend, *, checksum: bool = True) -> None:
    """Rewrite the snapshot row: mallory becomes referrer; the unkeyed checksum recomputed."""
    import hashlib

    (row,) = backend.sql(
        "SELECT version, last_hash, state FROM snapshots WHERE case_id = ?", (CASE,)
    )
    version, last_hash, state_text = row
    state = json.loads(state_text)
    state["participants"]["mallory"] = ["referrer"]
    state["roles"]["referrer"] = ["social-worker", "mallory"]
    text = canonical_json(state)
    body = canonical_json(
        {"case_id": CASE, "version": version, "last_hash": last_hash, "state": text}
    )
    digest = hashlib.sha256(body.encode()).hexdigest() if checksum else "0"
    backend.sql(
        "UPDATE snapshots SET state = ?, checksum = ? WHERE case_id = ?", (text, digest, CASE)
    )


def test_a_forged_snapshot_is_never_used_and_mallory_is_refused(
    sql_backend: Backend, keys: KeyRing, caplog: pytest.LogCaptureFixture
) -> None:
    conference(open_store(sql_backend, keys), snapshot_every=10)
    _forge_snapshot(sql_backend)
    store = open_store(sql_backend, keys)
    engine = engine_on(store, snapshot_every=10)
    before = rows(sql_backend)

    with caplog.at_level(logging.WARNING, logger="kwflow.store"):
        case = engine.get_unfiltered(CASE)
    assert "mallory" not in case.participants
    assert store.rejected_snapshots == 1
    assert any(CASE in r.getMessage() and "snapshot" in r.getMessage() for r in caplog.records)
    with pytest.raises(NotPermitted):
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "mallory"}, by="mallory")
    assert rows(sql_backend) == before
    assert case == engine.replay_unfiltered(CASE)
    engine.verify(CASE)  # the events are intact; the forged snapshot was never used


def test_without_keys_verify_still_finds_a_snapshot_that_differs_from_the_replay(
    sql_backend: Backend,
) -> None:
    """The snapshot comparison in ``verify`` does not depend on keys."""
    store = sql_backend.open(keys=None)
    conference(store, snapshot_every=10)
    _forge_snapshot(sql_backend)
    engine = engine_on(sql_backend.open(keys=None), snapshot_every=10)
    with pytest.raises(TamperedHistory) as info:
        engine.verify(CASE)
    assert (info.value.case_id, info.value.sequence) == (CASE, 20)
    assert "snapshot" in info.value.reason


# -- consistent rewrites: the authenticated head, and a checkpoint taken before -----------


@pytest.mark.parametrize("name", list(REWRITES))
def test_consistent_rewrites_are_caught_by_the_head_and_by_a_checkpoint(
    attacked: tuple[Backend, list[Event]], keys: KeyRing, name: str
) -> None:
    backend, events = attacked
    signing, public = signing_pair()
    engine = fresh(backend, keys)
    checkpoint = engine.checkpoint(signing)
    rewrite, named_version = REWRITES[name]
    write_history(backend, CASE, rewrite(events))

    cold = fresh(backend, keys)
    with pytest.raises(TamperedHistory) as at_load:
        cold.get_unfiltered(CASE)
    assert at_load.value.case_id == CASE
    assert "head" in at_load.value.reason
    with pytest.raises(TamperedHistory) as through_checkpoint:
        cold.verify_checkpoint(checkpoint, public)
    # The head's MAC fails first (its version); without keys the checkpoint
    # names the version it saw (the next test).
    assert through_checkpoint.value.case_id == CASE
    assert through_checkpoint.value.sequence in {named_version, len(rewrite(events))}


@pytest.mark.parametrize("name", list(REWRITES))
def test_consistent_rewrites_without_keys_are_caught_by_a_checkpoint(
    sql_backend: Backend, name: str
) -> None:
    """Even when the attacker holds the MAC key (or there is none), a checkpoint catches it."""
    engine = conference(sql_backend.open(keys=None))
    events = list(engine.history_unfiltered(CASE))
    signing, public = signing_pair()
    checkpoint = engine.checkpoint(signing)
    rewrite, named_version = REWRITES[name]
    write_history(sql_backend, CASE, rewrite(events))
    with pytest.raises(TamperedHistory) as info:
        engine_on(sql_backend.open(keys=None)).verify_checkpoint(checkpoint, public)
    assert (info.value.case_id, info.value.sequence) == (CASE, named_version)


def test_a_rollback_to_an_authentic_older_state_is_caught_by_a_checkpoint(
    sql_backend: Backend, keys: KeyRing
) -> None:
    """The head row copied back from a backup carries a valid MAC: only a checkpoint knows."""
    engine = conference(open_store(sql_backend, keys))
    old_head = sql_backend.sql(
        "SELECT version, last_hash, mac FROM cases WHERE case_id = ?", (CASE,)
    )
    signing, public = signing_pair()
    engine.submit(CASE, "referral", {**REFERRAL, "concerns": "later"}, by=OPENER)
    engine.submit(CASE, "referral", {**REFERRAL, "concerns": "later still"}, by=OPENER)
    checkpoint = engine.checkpoint(signing)
    ((version, last_hash, mac),) = old_head
    sql_backend.sql("DELETE FROM events WHERE case_id = ? AND sequence > ?", (CASE, version))
    sql_backend.sql(
        "UPDATE cases SET version = ?, last_hash = ?, mac = ? WHERE case_id = ?",
        (version, last_hash, mac, CASE),
    )
    cold = fresh(sql_backend, keys)
    assert cold.get_unfiltered(CASE).version == LENGTH  # authentic, only older
    with pytest.raises(TamperedHistory) as info:
        cold.verify_checkpoint(checkpoint, public)
    assert (info.value.case_id, info.value.sequence) == (CASE, LENGTH + 1)
    assert "rolled back" in info.value.reason


def test_a_deleted_case_is_caught_by_a_checkpoint(
    attacked: tuple[Backend, list[Event]], keys: KeyRing
) -> None:
    backend, _ = attacked
    signing, public = signing_pair()
    checkpoint = fresh(backend, keys).checkpoint(signing)
    # Every row of the case, as a database writer erasing it would delete them.
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
        backend.sql(f"DELETE FROM {table} WHERE case_id = ?", (OTHER,))
    with pytest.raises(TamperedHistory) as info:
        fresh(backend, keys).verify_checkpoint(checkpoint, public)
    assert (info.value.case_id, info.value.sequence) == (OTHER, 5)
    assert "vanished" in info.value.reason


def test_an_untouched_store_agrees_with_its_checkpoint_and_later_appends_are_fine(
    attacked: tuple[Backend, list[Event]], keys: KeyRing
) -> None:
    backend, _ = attacked
    signing, public = signing_pair()
    engine = fresh(backend, keys)
    checkpoint = engine.checkpoint(signing)
    engine.submit(CASE, "referral", {**REFERRAL, "concerns": "after"}, by=OPENER)
    verified = engine.verify_checkpoint(checkpoint, public, full=True)
    assert {head.case_id: head.version for head in verified.heads} == {CASE: LENGTH, OTHER: 5}
    assert "cases 2\n" in checkpoint


def test_a_changed_or_foreign_checkpoint_is_refused(
    attacked: tuple[Backend, list[Event]], keys: KeyRing
) -> None:
    backend, _ = attacked
    signing, public = signing_pair()
    engine = fresh(backend, keys)
    checkpoint = engine.checkpoint(signing)
    lowered = checkpoint.replace(f"case {LENGTH} ", f"case {LENGTH - 3} ")
    with pytest.raises(CheckpointInvalid):
        engine.verify_checkpoint(lowered, public)
    with pytest.raises(CheckpointInvalid):
        engine.verify_checkpoint(checkpoint, signing_pair()[1])
    with pytest.raises(CheckpointInvalid):
        engine.verify_checkpoint(checkpoint[: len(checkpoint) // 2], public)


# -- the warm engine ---------------------------------------------------------------------


def test_a_warm_engine_refuses_to_build_on_an_edited_event(
    sql_backend: Backend, keys: KeyRing
) -> None:
    engine = conference(open_store(sql_backend, keys))  # no snapshot: 26 < 50
    engine.get_unfiltered(CASE)  # cached
    _payload_edit(12)(sql_backend)
    before = rows(sql_backend)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "on top"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, 12)
    assert rows(sql_backend) == before
    # Evicted: the next command reads the store again, and is refused again.
    with pytest.raises(TamperedHistory):
        engine.get_unfiltered(CASE)


@pytest.mark.parametrize("name", list(SINGLE_ROW))
def test_a_warm_engine_refuses_an_edit_of_rows_an_earlier_append_checked(
    sql_backend: Backend, keys: KeyRing, name: str
) -> None:
    # The first append hashes the stored rows and keeps them as checked
    # (store/_verified_rows.py); an edit afterwards must still be refused by
    # the next append: a kept row is trusted only while it reads back equal.
    engine = conference(open_store(sql_backend, keys))  # no snapshot: 26 < 50
    engine.submit(CASE, "referral", {**REFERRAL, "concerns": "checked"}, by=OPENER)
    tamper, _ = SINGLE_ROW[name]
    tamper(sql_backend)
    before = rows(sql_backend)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "on top"}, by=OPENER)
    assert info.value.case_id == CASE
    assert rows(sql_backend) == before


def test_a_warm_engine_refuses_to_build_on_an_edit_after_its_snapshot(
    sql_backend: Backend, keys: KeyRing
) -> None:
    engine = conference(open_store(sql_backend, keys), snapshot_every=10)
    engine.get_unfiltered(CASE)
    _payload_edit(23)(sql_backend)
    before = rows(sql_backend)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "on top"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, 23)
    assert rows(sql_backend) == before


def test_a_warm_engine_refuses_a_rewritten_head(
    attacked: tuple[Backend, list[Event]], keys: KeyRing
) -> None:
    backend, events = attacked
    engine = fresh(backend, keys)
    engine.get_unfiltered(CASE)
    write_history(backend, CASE, REWRITES["forge the last event"][0](events))
    before = rows(backend)
    with pytest.raises(TamperedHistory) as info:
        engine.submit(CASE, "referral", {**REFERRAL, "concerns": "on top"}, by=OPENER)
    assert (info.value.case_id, info.value.sequence) == (CASE, LENGTH)
    assert rows(backend) == before
