"""The ``CaseStore`` logic both SQL backends share, over a minimal transaction API.

SQLite and PostgreSQL differ in how they connect, lock and encode times;
they do not differ in what an append checks and writes or in how a load is
verified. Keeping that here, once, means a tampered row or a stale writer is
treated the same way on both.
"""

# S608: the only text put into these statements is a table prefix that the
# backends build from a validated identifier; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self

import attrs

from kwflow.exceptions import (
    CaseDisposed,
    CaseNotFound,
    ConcurrencyConflict,
    KeysMissing,
    MalformedEvent,
    SchemaTooNew,
    StorageError,
    TamperedHistory,
)
from kwflow.history import GENESIS_HASH, Event, compute_hash, stored_hash

from ._checks import (
    check_chain,
    check_idempotency,
    check_request,
    check_snapshot,
    check_summary,
    check_version,
    encode_snapshot,
    utc,
)
from ._codec import EVENT_COLUMNS, event_from_row, snapshot_from_text
from ._disposal import DisposalRecord, check_disposal_record, seal_record
from ._index_sql import IndexSql, entry_from_row, entry_params
from ._loading import snapshot_usable, verify_tail
from ._outbox import Notification, OutboxChange, message_from_text, message_text
from ._protocol import DeadlineEntry, IdempotencyRecord, Snapshot, StoredCase
from ._read_log import ReadEntry, versions_from_text, versions_text
from ._trust import (
    check_head,
    report_rejected_snapshot,
    seal_head,
    seal_snapshot,
    snapshot_authentic,
)
from ._verified_rows import VerifiedRows

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
    from contextlib import AbstractContextManager
    from datetime import timedelta
    from types import TracebackType

    from kwflow.history import KeyRing

    from ._index import CaseIndexEntry, CaseQuery
    from ._read_log import ReadLogQuery

_PAGE = 1000
_READS_PER_STATEMENT = 500


def _flat(rows: Sequence[tuple[object, ...]]) -> list[object]:
    return [value for row in rows for value in row]


class Tx(Protocol):
    """One open transaction, as the shared logic uses it."""

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        """Run a query and return its first row."""
        ...

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        ...

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        """Run a statement."""
        ...

    def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run a statement once per row of parameters."""
        ...

    def all_of(
        self, queries: Sequence[tuple[str, Sequence[object]]]
    ) -> list[list[tuple[Any, ...]]]:
        """Run several queries, in order, and return each one's rows.

        A backend that pipelines sends them together: one round trip.
        """
        ...


class DuplicateRow(Exception):
    """A backend's unique key refused a row: another writer got there first."""


@attrs.frozen(kw_only=True)
class Queries:
    """The statements of one backend (``?`` placeholders, tables qualified)."""

    head: str
    head_snapshot: str
    head_for_update: str
    insert_case: str
    update_case: str
    insert_event: str
    hash_at: str
    events_from: str
    events_since_snapshot: str
    upsert_snapshot: str
    delete_snapshot: str
    delete_all_snapshots: str
    deadlines_of: str
    delete_deadlines: str
    insert_deadline: str
    due: str
    claimable: str
    claim: str
    case_ids_page: str
    case_version: str
    insert_idempotency: str
    idempotency_record: str
    heads_page: str
    unsealed_page: str
    seal_head: str
    insert_read: str
    read_values: str
    reads_if_at: str
    case_at: str
    read_log: dict[tuple[bool, bool], str]
    """Pages of the read log by (a case is given, a person is given)."""
    subject_keys_of: str
    insert_subject_key: str
    subject_key: str
    overwrite_subject_key: str
    delete_subject_key: str
    void_notifications: str
    insert_notification: str
    claim_notifications: str
    ack_notification: str
    notifications_of: str
    delete_notifications: str
    head_disposed: str
    disposal_of: str
    insert_disposal: str
    mark_disposed: str
    delete_events: str
    delete_subject_keys: str
    seal_disposal: str


_OUTBOX_COLUMNS = (
    "key, case_id, deadline_id, kind, due_at, roles, people, message, attempts, "
    "lease_until, sent_at"
)


def make_queries(prefix: str, *, placeholder: str, for_update: str, skip_locked: str) -> Queries:
    """Queries with tables prefixed by ``prefix`` and ``?`` replaced by ``placeholder``.

    ``for_update`` locks the case's head row for the rest of the transaction
    (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds the write lock).
    ``skip_locked`` lets concurrent claimers pass over each other's rows.
    """
    columns = ", ".join(EVENT_COLUMNS)
    marks = ", ".join("?" * len(EVENT_COLUMNS))
    p = prefix

    def q(sql: str) -> str:
        return sql.replace("?", placeholder)

    return Queries(
        head=q(f"SELECT version, last_hash, mac FROM {p}cases WHERE case_id = ?"),
        # One statement for what every load needs first.
        head_snapshot=q(
            "SELECT c.version, c.last_hash, c.mac, "
            "s.version, s.last_hash, s.state, s.checksum, s.mac "
            f"FROM {p}cases c LEFT JOIN {p}snapshots s ON s.case_id = c.case_id "
            "WHERE c.case_id = ?"
        ),
        # With the newest snapshot's place, which the append's verification
        # starts from: one round trip, not two.
        head_for_update=q(
            "SELECT c.version, c.last_hash, c.mac, c.disposed, s.version, s.last_hash "
            f"FROM {p}cases c LEFT JOIN {p}snapshots s ON s.case_id = c.case_id "
            f"WHERE c.case_id = ? {for_update}"
        ),
        insert_case=q(
            f"INSERT INTO {p}cases (case_id, version, last_hash, mac) VALUES (?, ?, ?, ?)"
        ),
        update_case=q(
            f"UPDATE {p}cases SET version = ?, last_hash = ?, mac = ?, "
            "updated_at = CURRENT_TIMESTAMP WHERE case_id = ?"
        ),
        insert_event=q(f"INSERT INTO {p}events ({columns}) VALUES ({marks})"),
        hash_at=q(f"SELECT hash FROM {p}events WHERE case_id = ? AND sequence = ?"),
        # The events a load would read: from the newest snapshot's event on.
        events_since_snapshot=q(
            f"SELECT {columns} FROM {p}events WHERE case_id = ? AND sequence >= COALESCE("
            f"(SELECT version FROM {p}snapshots WHERE case_id = ? AND version > 1), 1) "
            "ORDER BY sequence"
        ),
        events_from=q(
            f"SELECT {columns} FROM {p}events WHERE case_id = ? AND sequence >= ? ORDER BY sequence"
        ),
        # Keep the newest snapshot: an older one arriving late must not win.
        upsert_snapshot=q(
            f"INSERT INTO {p}snapshots (case_id, version, last_hash, state, checksum, mac) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
            "version = excluded.version, last_hash = excluded.last_hash, "
            "state = excluded.state, checksum = excluded.checksum, mac = excluded.mac, "
            "created_at = CURRENT_TIMESTAMP WHERE excluded.version >= snapshots.version"
        ),
        delete_snapshot=q(f"DELETE FROM {p}snapshots WHERE case_id = ?"),
        delete_all_snapshots=f"DELETE FROM {p}snapshots",
        deadlines_of=q(
            f"SELECT deadline_id, due_at, claimed_by, lease_until FROM {p}deadlines "
            "WHERE case_id = ?"
        ),
        delete_deadlines=q(f"DELETE FROM {p}deadlines WHERE case_id = ?"),
        insert_deadline=q(
            f"INSERT INTO {p}deadlines (case_id, deadline_id, due_at, claimed_by, lease_until) "
            "VALUES (?, ?, ?, ?, ?)"
        ),
        due=q(
            f"SELECT case_id, deadline_id, due_at FROM {p}deadlines WHERE due_at <= ? "
            "ORDER BY due_at, case_id, deadline_id LIMIT ?"
        ),
        claimable=q(
            f"SELECT case_id, deadline_id, due_at FROM {p}deadlines WHERE due_at <= ? "
            "AND (lease_until IS NULL OR lease_until <= ?) "
            f"ORDER BY due_at, case_id, deadline_id LIMIT ? {skip_locked}"
        ),
        claim=q(
            f"UPDATE {p}deadlines SET claimed_by = ?, lease_until = ? "
            "WHERE case_id = ? AND deadline_id = ?"
        ),
        case_ids_page=q(f"SELECT case_id FROM {p}cases WHERE case_id > ? ORDER BY case_id LIMIT ?"),
        case_version=q(f"SELECT version, disposed FROM {p}cases WHERE case_id = ?"),
        # The primary key (scope, key) refuses a second record of one key,
        # however the writers interleave: the loser's whole append rolls back.
        insert_idempotency=q(
            f"INSERT INTO {p}idempotency_keys (scope, key, content_hash, case_id, version) "
            "VALUES (?, ?, ?, ?, ?)"
        ),
        idempotency_record=q(
            f"SELECT content_hash, case_id, version FROM {p}idempotency_keys "
            "WHERE scope = ? AND key = ?"
        ),
        heads_page=q(
            f"SELECT case_id, version, last_hash, mac FROM {p}cases WHERE case_id > ? "
            "ORDER BY case_id LIMIT ?"
        ),
        unsealed_page=q(
            f"SELECT case_id FROM {p}cases WHERE mac = '' AND case_id > ? ORDER BY case_id LIMIT ?"
        ),
        seal_head=q(
            f"UPDATE {p}cases SET mac = ? WHERE case_id = ? AND version = ? AND last_hash = ?"
        ),
        # ``INSERT ... SELECT`` from a VALUES list, so that a condition can
        # follow (``reads_if_at``): ``_insert_reads`` closes the list.
        insert_read=f"INSERT INTO {p}read_log (case_id, person, artifact, versions, fields, at, "
        "call, access) SELECT v.* FROM (VALUES ",
        read_values=q("(?, ?, ?, ?, ?, ?, ?, ?)"),
        case_at=q(f"SELECT 1 FROM {p}cases WHERE case_id = ? AND version = ? AND disposed = ?"),
        reads_if_at=q(
            f" WHERE EXISTS (SELECT 1 FROM {p}cases WHERE case_id = ? AND version = ? "
            "AND disposed = ?)"
        ),
        read_log={
            (by_case, by_person): q(
                "SELECT number, case_id, person, artifact, versions, fields, at, call, access "
                f"FROM {p}read_log WHERE number > ?"
                + (" AND case_id = ?" if by_case else "")
                + (" AND person = ?" if by_person else "")
                + " ORDER BY number LIMIT ?"
            )
            for by_case in (False, True)
            for by_person in (False, True)
        },
        subject_keys_of=q(f"SELECT subject, wrapped FROM {p}subject_keys WHERE case_id = ?"),
        # Two engines making a subject's first key at once: the first row wins
        # and both read it back.
        insert_subject_key=q(
            f"INSERT INTO {p}subject_keys (case_id, subject, wrapped) VALUES (?, ?, ?) "
            "ON CONFLICT (case_id, subject) DO NOTHING"
        ),
        subject_key=q(f"SELECT wrapped FROM {p}subject_keys WHERE case_id = ? AND subject = ?"),
        overwrite_subject_key=q(
            f"UPDATE {p}subject_keys SET wrapped = ? WHERE case_id = ? AND subject = ?"
        ),
        delete_subject_key=q(f"DELETE FROM {p}subject_keys WHERE case_id = ? AND subject = ?"),
        void_notifications=q(
            f"DELETE FROM {p}outbox WHERE case_id = ? AND deadline_id = ? AND sent_at IS NULL"
        ),
        # A key already in the table was sent (unsent rows of the deadline
        # were just dropped): it stays sent, and is not written again.
        insert_notification=q(
            f"INSERT INTO {p}outbox (key, case_id, deadline_id, kind, due_at, available_at, "
            "roles, people, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING"
        ),
        # One statement picks and leases: on PostgreSQL the rows another
        # claimer has locked are skipped, not waited for; SQLite's write lock
        # (BEGIN IMMEDIATE) lets one claimer in at a time.
        claim_notifications=q(
            f"UPDATE {p}outbox SET claimed_by = ?, lease_until = ?, available_at = ?, "
            "attempts = attempts + 1 "
            f"WHERE key IN (SELECT key FROM {p}outbox WHERE sent_at IS NULL "
            f"AND available_at <= ? ORDER BY available_at, key LIMIT ? {skip_locked}) "
            f"RETURNING {_OUTBOX_COLUMNS}"
        ),
        ack_notification=q(
            f"UPDATE {p}outbox SET sent_at = ?, lease_until = NULL "
            "WHERE key = ? AND sent_at IS NULL RETURNING key"
        ),
        delete_notifications=q(f"DELETE FROM {p}outbox WHERE case_id = ?"),
        notifications_of=q(
            f"SELECT {_OUTBOX_COLUMNS} FROM {p}outbox WHERE case_id = ? ORDER BY due_at, key"
        ),
        head_disposed=q(f"SELECT version, last_hash, disposed FROM {p}cases WHERE case_id = ?"),
        disposal_of=q(f"SELECT record, mac FROM {p}disposed_cases WHERE case_id = ?"),
        insert_disposal=q(f"INSERT INTO {p}disposed_cases (case_id, record, mac) VALUES (?, ?, ?)"),
        mark_disposed=q(f"UPDATE {p}cases SET disposed = ? WHERE case_id = ?"),
        delete_events=q(f"DELETE FROM {p}events WHERE case_id = ?"),
        delete_subject_keys=q(f"DELETE FROM {p}subject_keys WHERE case_id = ?"),
        seal_disposal=q(f"UPDATE {p}disposed_cases SET mac = ? WHERE case_id = ?"),
    )


def _rows_chain(
    case_id: str,
    rows: list[tuple[Any, ...]],
    *,
    start: int,
    anchor_hash: str,
    head_version: int,
    head_hash: str,
    checked: Mapping[int, tuple[Any, ...]],
) -> bool:
    """Whether stored rows from ``start`` hash and link up to the head (quick, no parsing).

    With ``start`` > 1 the first row is the snapshot's event, which must
    carry ``anchor_hash``; from the first event it links to genesis. A row
    equal to the one ``checked`` holds for its sequence was hashed before
    (`VerifiedRows`): its links are checked again, its hash is not recomputed.
    """
    prev = GENESIS_HASH
    for offset, row in enumerate(rows):
        row_case, sequence, type_, at, actor, payload, prev_hash, hash_, version = row
        if row_case != case_id or sequence != start + offset:
            return False
        if (offset or start == 1) and prev_hash != prev:
            return False
        if checked.get(sequence) != row:
            if isinstance(at, datetime):
                at = at.astimezone(UTC).isoformat()
            computed = stored_hash(
                case_id=row_case,
                sequence=sequence,
                type_=type_,
                at=at,
                actor=actor,
                payload_text=payload,
                prev_hash=prev_hash,
                schema_version=version,
            )
            if computed != hash_:
                return False
        if offset == 0 and start > 1 and hash_ != anchor_hash:
            return False
        prev = hash_
    return bool(rows) and rows[-1][1] == head_version and prev == head_hash


def _head(case_id: str, row: tuple[Any, ...]) -> tuple[int, str]:
    version, last_hash = row[:2]
    if not (
        isinstance(version, int) and not isinstance(version, bool) and isinstance(last_hash, str)
    ):
        raise MalformedEvent(case_id, 0, "the case's head row (table cases) is malformed")
    return version, last_hash


class SqlStore(ABC):
    """A ``CaseStore`` over SQL; subclasses supply connections and encodings."""

    _queries: Queries
    _index_sql: IndexSql
    _no_limit: object
    """What ``LIMIT ?`` takes to mean "no limit"."""

    rejected_snapshots: int
    """How many snapshots failed authentication (and were replaced by a replay) so far."""

    def __init__(self, *, verify: bool, keys: KeyRing | None) -> None:
        self._verify = verify
        self._keys = keys
        self.rejected_snapshots = 0
        self._checked_rows = VerifiedRows()

    @property
    def keys(self) -> KeyRing | None:
        """The key ring heads and snapshots are authenticated with (``None``: not at all)."""
        return self._keys

    # -- what a backend supplies ------------------------------------------------

    @abstractmethod
    def _read(self) -> AbstractContextManager[Tx]:
        """A read-only transaction that sees one consistent state."""

    @abstractmethod
    def _write(self, case_id: str | None) -> AbstractContextManager[Tx]:
        """A write transaction; driver errors become ``StorageError`` or ``DuplicateRow``."""

    @abstractmethod
    def _time_param(self, value: datetime) -> object:
        """A UTC time as the backend stores it."""

    @abstractmethod
    def _time_value(self, raw: Any) -> datetime:
        """The aware UTC time a stored value encodes."""

    @abstractmethod
    def _event_params(self, event: Event) -> Sequence[object]:
        """The column values of ``event`` in ``EVENT_COLUMNS`` order."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------

    def append(
        self,
        case_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        deadlines: Sequence[DeadlineEntry] | None = None,
        snapshot: Snapshot | None = None,
        idempotency: IdempotencyRecord | None = None,
        summary: CaseIndexEntry | None = None,
        unchanged: Collection[str] = (),
        outbox: Sequence[OutboxChange] | None = None,
    ) -> None:
        """Append ``events`` if the case is still at ``expected_version``; see ``CaseStore``."""
        events = tuple(events)
        check_request(case_id, expected_version, events, deadlines, snapshot)
        check_summary(case_id, expected_version, events, summary)
        check_idempotency(case_id, expected_version, events, idempotency)
        encoded = encode_snapshot(case_id, snapshot)
        snapshot_text = None
        if snapshot is not None and encoded is not None:
            state_text, checksum = encoded
            mac = seal_snapshot(
                self._keys, case_id, snapshot.version, snapshot.last_hash, state_text
            )
            snapshot_text = (state_text, checksum, mac)
        try:
            with self._write(case_id) as tx:
                self._append_in(
                    tx,
                    case_id=case_id,
                    expected_version=expected_version,
                    events=events,
                    deadlines=deadlines,
                    snapshot=snapshot,
                    snapshot_text=snapshot_text,
                )
                if idempotency is not None:
                    self._record_key(tx, idempotency)
                if summary is not None:
                    self._write_index(tx, summary, unchanged)
                if outbox:
                    self._write_outbox(tx, case_id, outbox)
        except DuplicateRow:
            # The unique (case_id, sequence) key is the last line of defence
            # against a racing writer the version check could not see yet
            # (two creators of one new case), as the (scope, key) key is for
            # two writers of one idempotency key; the transaction was rolled back.
            raise ConcurrencyConflict(case_id, expected_version, self.version(case_id)) from None

    def _append_in(
        self,
        tx: Tx,
        *,
        case_id: str,
        expected_version: int,
        events: tuple[Event, ...],
        deadlines: Sequence[DeadlineEntry] | None,
        snapshot: Snapshot | None,
        snapshot_text: tuple[str, ...] | None,
    ) -> None:
        q = self._queries
        if self._verify:
            # The head (locked) and the events to verify, in one round trip.
            heads, tail = tx.all_of(
                [(q.head_for_update, (case_id,)), (q.events_since_snapshot, (case_id, case_id))]
            )
            row = heads[0] if heads else None
        else:
            row, tail = tx.one(q.head_for_update, (case_id,)), []
        if row is not None and row[3]:
            raise CaseDisposed(case_id)
        actual, head_hash = _head(case_id, row) if row is not None else (0, GENESIS_HASH)
        check_version(case_id, expected_version, actual)
        if row is not None:
            # The writer built its events on a case it read earlier (an
            # engine may have it cached): the stored history must still be
            # what it read, or the new events would seal a tampered one.
            check_head(self._keys, case_id, actual, head_hash, row[2])
            if self._verify:
                self._verify_stored(
                    tx, case_id, actual, head_hash, anchor=(row[4], row[5]), rows=tail
                )
        check_chain(case_id, expected_version, events, head_hash)
        if snapshot is not None:
            check_snapshot(case_id, snapshot, events, lambda seq: self._hash_at(tx, case_id, seq))
        if events:
            last = events[-1]
            mac = seal_head(self._keys, case_id, last.sequence, last.hash)
            if row is None:
                tx.run(q.insert_case, (case_id, last.sequence, last.hash, mac))
            else:
                tx.run(q.update_case, (last.sequence, last.hash, mac, case_id))
            tx.many(q.insert_event, [self._event_params(e) for e in events])
        if snapshot is not None and snapshot_text is not None:
            tx.run(
                q.upsert_snapshot, (case_id, snapshot.version, snapshot.last_hash, *snapshot_text)
            )
        if deadlines is not None:
            self._replace_deadlines(tx, case_id, deadlines)

    def _verify_stored(
        self,
        tx: Tx,
        case_id: str,
        head_version: int,
        head_hash: str,
        *,
        anchor: tuple[object, object],
        rows: list[tuple[Any, ...]],
    ) -> None:
        """Verify the stored events a load would read: from the snapshot's event to the head.

        Events before a snapshot cannot change what the case decides (the
        authenticated snapshot stands for them); they are verified by every
        full read (``events``, ``Engine.verify``). Rows are hashed straight
        from their columns (``stored_hash``); only when that finds something
        off are they read as events, which names the first bad one.
        """
        start = 1
        anchor_version, anchor_hash = anchor  # the newest snapshot's, read with the head
        if isinstance(anchor_version, int) and 1 < anchor_version <= head_version:
            start = anchor_version
        elif isinstance(anchor_version, int) and anchor_version > 1:
            # A snapshot past the head is not a place to start from: read it all.
            rows = tx.all(self._queries.events_from, (case_id, 1))
        expected_prev = str(anchor_hash) if start > 1 else GENESIS_HASH
        if _rows_chain(
            case_id,
            rows,
            start=start,
            anchor_hash=expected_prev,
            head_version=head_version,
            head_hash=head_hash,
            checked=self._checked_rows.of(case_id),
        ):
            self._checked_rows.remember(case_id, rows)
        else:
            # Something is off: read the whole history as events, which names
            # the first bad one.
            self._checked_rows.forget(case_id)
            self._verify_stored_fully(tx, case_id, head_version, head_hash)

    def _record_key(self, tx: Tx, record: IdempotencyRecord) -> None:
        tx.run(
            self._queries.insert_idempotency,
            (record.scope, record.key, record.content_hash, record.case_id, record.version),
        )

    def _hash_at(self, tx: Tx, case_id: str, sequence: int) -> str | None:
        row = tx.one(self._queries.hash_at, (case_id, sequence))
        return None if row is None else str(row[0])

    def _replace_deadlines(self, tx: Tx, case_id: str, deadlines: Sequence[DeadlineEntry]) -> None:
        # A claim survives while its deadline is unchanged: another command
        # on the case must not free a deadline a worker is busy breaching.
        q = self._queries
        old = {row[0]: row[1:] for row in tx.all(q.deadlines_of, (case_id,))}
        tx.run(q.delete_deadlines, (case_id,))
        rows: list[tuple[object, ...]] = []
        for entry in deadlines:
            due_at = self._time_param(utc(entry.due_at))
            claimed_by, lease_until = None, None
            previous = old.get(entry.deadline_id)
            if previous is not None and previous[0] == due_at:
                claimed_by, lease_until = previous[1], previous[2]
            rows.append((case_id, entry.deadline_id, due_at, claimed_by, lease_until))
        if rows:
            tx.many(q.insert_deadline, rows)

    def _write_index(self, tx: Tx, entry: CaseIndexEntry, unchanged: Collection[str] = ()) -> None:
        sql = self._index_sql
        tx.run(sql.upsert, entry_params(entry, self._index_time))
        # The people and phase rows are rewritten only when they changed:
        # most commands change neither, and rewriting them was a third of
        # the pages a SQLite commit wrote (benchmarks/bench_commit.py).
        if "participants" not in unchanged:
            tx.run(sql.delete_people, (entry.case_id,))
            if entry.participants:
                tx.many(
                    sql.insert_person,
                    [(person, role, entry.case_id) for person, role in entry.participants],
                )
        if "phase_path" not in unchanged:
            tx.run(sql.delete_phases, (entry.case_id,))
            tx.many(sql.insert_phase, [(phase, entry.case_id) for phase in set(entry.phase_path)])

    def put_index_entry(self, entry: CaseIndexEntry) -> bool:
        """Replace the case's index row if the case is still at ``entry.version``."""
        check_summary(entry.case_id, entry.version, (), entry)
        with self._write(entry.case_id) as tx:
            row = tx.one(self._queries.head_for_update, (entry.case_id,))
            if row is None or row[3] or _head(entry.case_id, row)[0] != entry.version:
                return False
            self._write_index(tx, entry)
        return True

    def _index_time(self, value: datetime) -> object:
        return self._time_param(utc(value))

    # -- data-subject keys -------------------------------------------------------

    def subject_keys(self, case_id: str) -> dict[str, str]:
        """The wrapped data keys of the case's subjects, by subject."""
        with self._read() as tx:
            return {str(s): str(w) for s, w in tx.all(self._queries.subject_keys_of, (case_id,))}

    def add_subject_key(self, case_id: str, subject: str, wrapped: str) -> str:
        """Store ``wrapped`` as the subject's key unless it has one; return the one stored."""
        q = self._queries
        with self._write(case_id) as tx:
            tx.run(q.insert_subject_key, (case_id, subject, wrapped))
            row = tx.one(q.subject_key, (case_id, subject))
        assert row is not None
        return str(row[0])

    def destroy_subject_keys(self, case_id: str, subjects: Sequence[str] | None = None) -> int:
        """Destroy the keys of ``subjects`` (every key of the case: ``None``) and its snapshot.

        Each row is overwritten before it is deleted, so the wrapped key does
        not linger in a page the database only marked free; the snapshot
        goes too (it is rebuilt from the events). Returns how many keys went.
        """
        q = self._queries
        with self._write(case_id) as tx:
            stored = {str(s): str(w) for s, w in tx.all(q.subject_keys_of, (case_id,))}
            doomed = [s for s in (stored if subjects is None else subjects) if s in stored]
            for subject in doomed:
                tx.run(q.overwrite_subject_key, ("0" * len(stored[subject]), case_id, subject))
                tx.run(q.delete_subject_key, (case_id, subject))
            tx.run(q.delete_snapshot, (case_id,))
        self._after_destroying_keys()
        return len(doomed)

    def _after_destroying_keys(self) -> None:  # noqa: B027 - optional: most backends need nothing
        """What a backend does to push destroyed rows out of its files (SQLite: the WAL)."""

    def delete_snapshots(self, case_id: str | None = None) -> None:
        """Drop snapshots (of one case, or all): only speed may change."""
        with self._write(case_id) as tx:
            if case_id is None:
                tx.run(self._queries.delete_all_snapshots)
            else:
                tx.run(self._queries.delete_snapshot, (case_id,))

    # -- reading ----------------------------------------------------------------

    def load(self, case_id: str, *, use_snapshot: bool = True) -> StoredCase:
        """The case's newest usable snapshot and the (verified) events after it.

        A snapshot that is damaged, does not match the event it follows, or
        is newer than the case is ignored and the case is read from its
        first event: a snapshot can make a load faster, never different.
        """
        q = self._queries
        with self._read() as tx:
            # The head, the newest snapshot, the events from it and the
            # subject keys (revealing the case needs them): one round trip.
            # A transaction of their own for the keys cost a cold load on
            # PostgreSQL half its time (bench_read's cold inbox).
            heads, rows, key_rows = tx.all_of(
                [
                    (q.head_snapshot, (case_id,)) if use_snapshot else (q.head, (case_id,)),
                    (q.events_since_snapshot, (case_id, case_id))
                    if use_snapshot
                    else (q.events_from, (case_id, 1)),
                    (q.subject_keys_of, (case_id,)),
                ]
            )
            if not heads:
                raise CaseNotFound(case_id)
            row = heads[0]
            head_row, snap_row = row[:3], row[3:]
            snapshot = None
            if snap_row and snap_row[0] is not None:
                snapshot = snapshot_from_text(case_id, *snap_row[:4])
                if snapshot is not None and not snapshot_authentic(
                    self._keys, snapshot, snap_row[2], snap_row[4]
                ):
                    snapshot = None
                if snapshot is None:
                    # Damaged, forged or unauthenticated: never used.
                    self.rejected_snapshots += 1
                    report_rejected_snapshot(case_id, snap_row[0])
            start = snapshot.version if snapshot is not None else 1
            if not rows or rows[0][1] != start:
                # They came from a snapshot that is not used (or there are
                # none): read them from where the load starts.
                rows = tx.all(q.events_from, (case_id, start))
            if not rows:
                self._refuse_disposed(tx, case_id)
        head_version, head_hash = _head(case_id, head_row)
        check_head(self._keys, case_id, head_version, head_hash, head_row[2])
        # Rows hashed straight from their columns, as an append checks them:
        # re-encoding every parsed payload to hash it was the largest part
        # of a load, and twice that for events holding sealed values
        # (benchmarks/bench_privacy.py). Only when this finds something off
        # are the parsed events verified one by one, which names the first
        # bad one. Rows a load or an append of this store found whole (byte
        # for byte) are not hashed again.
        quick = self._verify and _rows_chain(
            case_id,
            rows,
            start=start,
            anchor_hash=snapshot.last_hash if snapshot is not None else GENESIS_HASH,
            head_version=head_version,
            head_hash=head_hash,
            checked=self._checked_rows.of(case_id),
        )
        if quick and use_snapshot:
            # What the next append checks: the rows from the newest snapshot.
            self._checked_rows.remember(case_id, rows)
        if snapshot is not None:
            try:
                anchor = event_from_row(case_id, start, rows[0]) if rows else None
            except (MalformedEvent, SchemaTooNew):
                anchor = None
            if not snapshot_usable(snapshot, anchor, head_version):
                return self.load(case_id, use_snapshot=False)
            assert anchor is not None  # snapshot_usable checked it
            rows = rows[1:]
            start, prev_hash = snapshot.version + 1, anchor.hash
        else:
            prev_hash = GENESIS_HASH
        events = [event_from_row(case_id, start + i, row) for i, row in enumerate(rows)]
        if self._verify and not quick:
            verify_tail(
                case_id,
                events,
                start_sequence=start,
                prev_hash=prev_hash,
                head_version=head_version,
                head_hash=head_hash,
            )
        return StoredCase(
            case_id=case_id,
            snapshot=snapshot,
            events=tuple(events),
            subject_keys={str(subject): str(wrapped) for subject, wrapped in key_rows},
        )

    def events(self, case_id: str, *, after: int = 0) -> tuple[Event, ...]:
        """Every event with a sequence greater than ``after``; () for an unknown case.

        Verified (when the store verifies) from event ``after`` on: that
        event's own hash, the chain after it and the case's recorded head.
        """
        after = max(after, 0)
        with self._read() as tx:
            head_row = tx.one(self._queries.head, (case_id,))
            if head_row is None:
                return ()
            rows = tx.all(self._queries.events_from, (case_id, max(after, 1)))
            if not rows:
                self._refuse_disposed(tx, case_id)
        head_version, head_hash = _head(case_id, head_row)
        check_head(self._keys, case_id, head_version, head_hash, head_row[2])
        if after > head_version:
            return ()
        start = max(after, 1)
        events = [event_from_row(case_id, start + i, row) for i, row in enumerate(rows)]
        if after == 0:
            tail, prev_hash = events, GENESIS_HASH
        else:
            if not events or events[0].sequence != after:
                raise TamperedHistory(case_id, after, "event-missing")
            anchor, tail, prev_hash = events[0], events[1:], events[0].hash
            if self._verify and compute_hash(anchor) != anchor.hash:
                raise TamperedHistory(case_id, after, "hash-mismatch")
        if self._verify:
            verify_tail(
                case_id,
                tail,
                start_sequence=after + 1,
                prev_hash=prev_hash,
                head_version=head_version,
                head_hash=head_hash,
            )
        return tuple(tail)

    def version(self, case_id: str) -> int:
        """The case's current version (0 when it does not exist)."""
        with self._read() as tx:
            row = tx.one(self._queries.case_version, (case_id,))
            if row is not None and row[1]:
                self._refuse_disposed(tx, case_id)
        if row is None:
            return 0
        version, _ = _head(case_id, (row[0], ""))
        return version

    def idempotency_record(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope``, or ``None`` when the key is unused."""
        with self._read() as tx:
            row = tx.one(self._queries.idempotency_record, (scope, key))
        if row is None:
            return None
        content_hash, case_id, version = row
        if not (
            isinstance(content_hash, str)
            and isinstance(case_id, str)
            and isinstance(version, int)
            and not isinstance(version, bool)
        ):
            raise StorageError(
                f"the row of idempotency key {key!r} (table idempotency_keys) is malformed",
                case_id=case_id if isinstance(case_id, str) else None,
            )
        return IdempotencyRecord(
            scope=scope, key=key, content_hash=content_hash, case_id=case_id, version=version
        )

    def case_ids(self) -> Iterator[str]:
        """Ids of every stored case, sorted; read a page at a time."""
        last = ""
        while True:
            with self._read() as tx:
                rows = tx.all(self._queries.case_ids_page, (last, _PAGE))
            for (case_id,) in rows:
                yield case_id
            if len(rows) < _PAGE:
                return
            last = rows[-1][0]

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every case's (id, version, last hash), sorted by id; each head authenticated.

        Raises `TamperedHistory` for a head whose MAC does not verify.
        """
        last = ""
        while True:
            with self._read() as tx:
                rows = tx.all(self._queries.heads_page, (last, _PAGE * 10))
            for case_id, *head in rows:
                version, last_hash = _head(case_id, tuple(head))
                check_head(self._keys, case_id, version, last_hash, head[2])
                yield case_id, version, last_hash
            if len(rows) < _PAGE * 10:
                return
            last = rows[-1][0]

    def event_hash(self, case_id: str, sequence: int) -> str | None:
        """The stored hash column of one event (``None`` if there is no such event)."""
        with self._read() as tx:
            found = self._hash_at(tx, case_id, sequence)
            if found is not None:
                return found
            record = self._disposal_in(tx, case_id)
        # A disposed case's record keeps the hash of every event it had.
        if record is not None and 0 < sequence <= len(record.hashes):
            return record.hashes[sequence - 1]
        return None

    def seal_heads(self) -> int:
        """Authenticate every head written without a MAC, after verifying its whole history.

        For a database that was used without keys (or before they existed):
        run once when keys are first configured. Returns how many heads were
        sealed. Raises `TamperedHistory` (sealing nothing more) for a case
        whose history does not verify: only intact histories are sealed.
        """
        if self._keys is None:
            raise KeysMissing
        sealed = 0
        last = ""
        while True:
            with self._read() as tx:
                page = [row[0] for row in tx.all(self._queries.unsealed_page, (last, _PAGE))]
            for case_id in page:
                with self._write(case_id) as tx:
                    row = tx.one(self._queries.head_for_update, (case_id,))
                    if row is None or row[2] != "":
                        continue
                    version, last_hash = _head(case_id, row)
                    if row[3]:
                        # A disposed case: its record (consistent with the head)
                        # stands for its events, and is sealed with it.
                        stored = tx.one(self._queries.disposal_of, (case_id,))
                        record = check_disposal_record(None, case_id, (version, last_hash), stored)
                        tx.run(
                            self._queries.seal_disposal,
                            (seal_record(self._keys, record.to_text()), case_id),
                        )
                    else:
                        self._verify_stored_fully(tx, case_id, version, last_hash)
                    mac = seal_head(self._keys, case_id, version, last_hash)
                    tx.run(self._queries.seal_head, (mac, case_id, version, last_hash))
                    sealed += 1
            if len(page) < _PAGE:
                return sealed
            last = page[-1]

    def _verify_stored_fully(self, tx: Tx, case_id: str, head_version: int, head_hash: str) -> None:
        rows = tx.all(self._queries.events_from, (case_id, 1))
        events = [event_from_row(case_id, 1 + i, row) for i, row in enumerate(rows)]
        verify_tail(
            case_id,
            events,
            start_sequence=1,
            prev_hash=GENESIS_HASH,
            head_version=head_version,
            head_hash=head_hash,
        )

    # -- disposal -------------------------------------------------------------------

    def dispose(
        self,
        record: DisposalRecord,
        *,
        summary: CaseIndexEntry | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        """Replace the case by ``record`` in one transaction; see ``CaseStore.dispose``."""
        case_id = record.case_id
        check_summary(case_id, record.events, (), summary)
        check_idempotency(case_id, record.events, (), idempotency)
        text = record.to_text()
        q = self._queries
        try:
            with self._write(case_id) as tx:
                row = tx.one(q.head_for_update, (case_id,))
                if row is None:
                    raise CaseNotFound(case_id)
                if row[3]:
                    self._refuse_disposed(tx, case_id)
                version, head_hash = _head(case_id, row)
                check_version(case_id, record.events, version)
                check_head(self._keys, case_id, version, head_hash, row[2])
                # Only an intact history is replaced by its record: every
                # event is verified, and the record must name each one.
                rows = tx.all(q.events_from, (case_id, 1))
                events = [event_from_row(case_id, 1 + i, r) for i, r in enumerate(rows)]
                verify_tail(
                    case_id,
                    events,
                    start_sequence=1,
                    prev_hash=GENESIS_HASH,
                    head_version=version,
                    head_hash=head_hash,
                )
                if record.head_hash != head_hash or record.hashes != tuple(e.hash for e in events):
                    raise TamperedHistory(
                        case_id, version, "disposal-record-differs", version=version
                    )
                tx.run(q.insert_disposal, (case_id, text, seal_record(self._keys, text)))
                tx.run(q.mark_disposed, (True, case_id))
                tx.run(q.delete_events, (case_id,))
                tx.run(q.delete_snapshot, (case_id,))
                tx.run(q.delete_deadlines, (case_id,))
                # Notifications name the people who held the roles: they go too.
                tx.run(q.delete_notifications, (case_id,))
                for subject, wrapped in tx.all(q.subject_keys_of, (case_id,)):
                    tx.run(q.overwrite_subject_key, ("0" * len(str(wrapped)), case_id, subject))
                tx.run(q.delete_subject_keys, (case_id,))
                if summary is not None:
                    self._write_index(tx, summary)
                else:
                    tx.run(self._index_sql.delete_people, (case_id,))
                if idempotency is not None:
                    self._record_key(tx, idempotency)
        except DuplicateRow:
            raise ConcurrencyConflict(case_id, record.events, self.version(case_id)) from None
        # The deleted rows must not linger in a log the database keeps (SQLite's WAL).
        self._after_destroying_keys()

    def disposal_record(self, case_id: str) -> DisposalRecord | None:
        """The checked disposal record of a disposed case; ``None`` for any other case."""
        with self._read() as tx:
            return self._disposal_in(tx, case_id)

    def _disposal_in(self, tx: Tx, case_id: str) -> DisposalRecord | None:
        row = tx.one(self._queries.head_disposed, (case_id,))
        if row is None or not row[2]:
            return None
        version, head_hash = _head(case_id, row)
        stored = tx.one(self._queries.disposal_of, (case_id,))
        return check_disposal_record(self._keys, case_id, (version, head_hash), stored)

    def _refuse_disposed(self, tx: Tx, case_id: str) -> None:
        """Raise `CaseDisposed` if the case was disposed of (its record checked first)."""
        record = self._disposal_in(tx, case_id)
        if record is not None:
            raise CaseDisposed(case_id, record.disposed_at.isoformat())

    # -- the case index -------------------------------------------------------------

    def find_cases(self, query: CaseQuery) -> list[CaseIndexEntry]:
        """The case-index rows matching ``query``, most recently updated first."""
        sql, params = self._index_sql.find(query, self._index_time, self._no_limit)
        with self._read() as tx:
            rows = tx.all(sql, params)
        return [entry_from_row(row, self._time_value) for row in rows]

    def index_entry(self, case_id: str) -> CaseIndexEntry | None:
        """The case's row in the case index (``None``: it has none)."""
        with self._read() as tx:
            row = tx.one(self._index_sql.entry_of, (case_id,))
        return None if row is None else entry_from_row(row, self._time_value)

    # -- the read log ---------------------------------------------------------------

    def log_reads(self, entries: Sequence[ReadEntry], *, durable: bool = False) -> None:
        """Add ``entries`` to the read log, in one transaction (one batch); see ``CaseStore``."""
        if not entries:
            return
        rows = self._read_rows(entries)
        # One statement with a row of values per entry (a call shows a few
        # documents); chunked only to stay under the drivers' parameter limits.
        chunks = [
            rows[start : start + _READS_PER_STATEMENT]
            for start in range(0, len(rows), _READS_PER_STATEMENT)
        ]
        with self._read_log_write(durable, statements=len(chunks)) as tx:
            for chunk in chunks:
                tx.all(self._insert_reads(len(chunk), durable), _flat(chunk))

    def log_reads_at(
        self,
        case_id: str,
        version: int,
        entries: Sequence[ReadEntry],
        *,
        durable: bool = False,
    ) -> bool:
        """`log_reads` if the case is still at ``version``; whether it was (see ``CaseStore``).

        One ``INSERT ... SELECT ... WHERE EXISTS`` both checks the head and
        writes the rows: no row back means the case has moved on (or was
        disposed of) and nothing was written.
        """
        rows = self._read_rows(entries)
        if not rows:
            # Nothing to write: the version alone, in one statement.
            with self._version_check() as tx:
                return tx.one(self._queries.case_at, (case_id, version, False)) is not None
        if len(rows) > _READS_PER_STATEMENT:
            # More than one statement: check, then write.
            try:
                if self.version(case_id) != version:
                    return False
            except CaseDisposed:
                return False
            self.log_reads(entries, durable=durable)
            return True
        sql = self._insert_reads(len(rows), durable, if_at=True)
        with self._read_log_write(durable, statements=1) as tx:
            written = tx.all(sql, [*_flat(rows), case_id, version, False])
        return bool(written)

    def _read_rows(self, entries: Sequence[ReadEntry]) -> list[tuple[object, ...]]:
        return [
            (
                entry.case_id,
                entry.person,
                entry.artifact,
                versions_text(entry.versions),
                ",".join(entry.fields),
                self._time_param(utc(entry.at)),
                entry.call,
                entry.access,
            )
            for entry in entries
        ]

    def _insert_reads(self, count: int, durable: bool, *, if_at: bool = False) -> str:
        """The statement writing ``count`` read-log rows (``if_at``: only at the given head)."""
        q = self._queries
        sql = (
            q.insert_read
            + ", ".join([q.read_values] * count)
            + f") AS v{self._read_log_setting(durable)}"
        )
        if if_at:
            sql += q.reads_if_at
        return sql + " RETURNING number"

    def _read_log_write(self, durable: bool, *, statements: int) -> AbstractContextManager[Tx]:
        """The transaction read-log rows are written in (a backend sets its durability)."""
        del durable, statements
        return self._write(None)

    def _version_check(self) -> AbstractContextManager[Tx]:
        """Where `log_reads_at` checks a version alone (one statement)."""
        return self._read()

    def _read_log_setting(self, durable: bool) -> str:
        """A FROM item that sets the transaction's durability inside the statement, or ``""``."""
        del durable
        return ""

    def read_log(self, query: ReadLogQuery) -> list[ReadEntry]:
        """A page of the read log, oldest entry first (see `ReadLogQuery`)."""
        sql = self._queries.read_log[query.case_id is not None, query.person is not None]
        params: list[object] = [query.after]
        params += [value for value in (query.case_id, query.person) if value is not None]
        params.append(query.limit)
        with self._read() as tx:
            rows = tx.all(sql, params)
        return [
            ReadEntry(
                number=number,
                case_id=case_id,
                person=person,
                artifact=artifact,
                versions=versions_from_text(versions),
                fields=tuple(part for part in fields.split(",") if part),
                at=self._time_value(at),
                call=call,
                access=access,
            )
            for number, case_id, person, artifact, versions, fields, at, call, access in rows
        ]

    # -- the outbox ---------------------------------------------------------------

    def _write_outbox(self, tx: Tx, case_id: str, changes: Sequence[OutboxChange]) -> None:
        q = self._queries
        for change in changes:
            tx.run(q.void_notifications, (case_id, change.deadline_id))
            rows = [
                (
                    n.key,
                    case_id,
                    change.deadline_id,
                    n.kind,
                    self._time_param(utc(n.due_at)),
                    self._time_param(utc(n.due_at)),
                    json.dumps(list(n.roles)),
                    json.dumps(list(n.people)),
                    message_text(n.message),
                )
                for n in change.notifications
            ]
            if rows:
                tx.many(q.insert_notification, rows)

    def _notification(self, row: Sequence[Any]) -> Notification:
        key, case_id, deadline_id, kind, due_at, roles, people, message, attempts, lease, sent = row
        return Notification(
            key=key,
            case_id=case_id,
            deadline_id=deadline_id,
            kind=kind,
            due_at=self._time_value(due_at),
            roles=tuple(json.loads(roles)),
            people=tuple(json.loads(people)),
            message=message_from_text(message),
            attempts=int(attempts),
            lease_until=None if lease is None else self._time_value(lease),
            sent_at=None if sent is None else self._time_value(sent),
        )

    def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta, worker: str
    ) -> list[Notification]:
        """Due notifications nobody holds a lease on at ``now``, leased to ``worker``.

        The ones available longest first (due, or back from a lease that ran
        out), returned earliest due first; no other claim returns one of
        them before ``now + lease``.
        """
        if limit <= 0:
            return []
        now_utc = utc(now)
        until = self._time_param(now_utc + lease)
        with self._write(None) as tx:
            rows = tx.all(
                self._queries.claim_notifications,
                (worker, until, until, self._time_param(now_utc), limit),
            )
        found = [self._notification(row) for row in rows]
        found.sort(key=lambda n: (n.due_at, n.key))
        return found

    def ack_notification(self, key: str, *, now: datetime) -> bool:
        """Mark ``key`` sent at ``now``; ``False`` when it was unknown, acked or voided."""
        with self._write(None) as tx:
            rows = tx.all(
                self._queries.ack_notification,
                (self._time_param(utc(now)), key),
            )
        return bool(rows)

    def notifications(self, case_id: str) -> list[Notification]:
        """Every notification of the case in the outbox, sent ones too, earliest due first."""
        with self._read() as tx:
            rows = tx.all(self._queries.notifications_of, (case_id,))
        return [self._notification(row) for row in rows]

    # -- deadlines ----------------------------------------------------------------

    def due(self, before: datetime, *, limit: int | None = None) -> list[DeadlineEntry]:
        """Open deadlines due at or before ``before``, earliest first."""
        if limit is not None and limit <= 0:
            return []
        with self._read() as tx:
            rows = tx.all(
                self._queries.due,
                (self._time_param(utc(before)), self._no_limit if limit is None else limit),
            )
        return [
            DeadlineEntry(case_id=c, deadline_id=d, due_at=self._time_value(at))
            for c, d, at in rows
        ]

    def claim_due(
        self,
        before: datetime,
        *,
        worker: str,
        lease: timedelta,
        now: datetime,
        limit: int | None = None,
    ) -> list[DeadlineEntry]:
        """Due entries nobody holds a lease on at ``now``, leased to ``worker``.

        Each returned entry is leased until ``now + lease``; no other claim
        returns it before then.
        """
        if limit is not None and limit <= 0:
            return []
        now_utc = utc(now)
        until = self._time_param(now_utc + lease)
        q = self._queries
        with self._write(None) as tx:
            rows = tx.all(
                q.claimable,
                (
                    self._time_param(utc(before)),
                    self._time_param(now_utc),
                    self._no_limit if limit is None else limit,
                ),
            )
            if rows:
                tx.many(q.claim, [(worker, until, c, d) for c, d, _ in rows])
        return [
            DeadlineEntry(case_id=c, deadline_id=d, due_at=self._time_value(at))
            for c, d, at in rows
        ]
