"""``MemoryStore``: cases in a dict, for tests, demos and single-process tools."""

from __future__ import annotations

import heapq
import threading
from typing import TYPE_CHECKING, Literal, Self

import attrs

from kwflow.exceptions import (
    CaseDisposed,
    CaseNotFound,
    ConcurrencyConflict,
    InvalidEvents,
    StorageError,
    TamperedHistory,
)
from kwflow.history import GENESIS_HASH, Event, KeyRing, compute_hash, hash_is_sealed

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
from ._codec import snapshot_from_text
from ._disposal import DisposalRecord, check_disposal_record, seal_record
from ._index import in_index_order
from ._loading import snapshot_usable, verify_tail
from ._protocol import DeadlineEntry, IdempotencyRecord, Snapshot, StoredCase
from ._trust import (
    check_head,
    report_rejected_snapshot,
    seal_head,
    seal_snapshot,
    snapshot_authentic,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence
    from datetime import datetime, timedelta
    from types import TracebackType

    from ._index import CaseIndexEntry, CaseQuery
    from ._outbox import Notification, OutboxChange
    from ._read_log import ReadEntry, ReadLogQuery


@attrs.define
class _Deadline:
    due_at: datetime
    claimed_by: str | None = None
    lease_until: datetime | None = None


@attrs.define
class _StoredSnapshot:
    version: int
    last_hash: str
    state_text: str
    checksum: str
    mac: str


@attrs.define
class _Case:
    # The head (version and hash of the last event) is kept apart from the
    # event list, as the SQL backends keep it in their ``cases`` table, so a
    # history cut short through the test hook is noticed the same way.
    head_version: int
    head_hash: str
    events: list[Event]
    head_mac: str = ""
    snapshot: _StoredSnapshot | None = None
    deadlines: dict[str, _Deadline] = attrs.Factory(dict)
    summary: CaseIndexEntry | None = None
    disposed: bool = False
    # The disposal record's text and MAC, as the SQL backends store them.
    disposal: tuple[str, str] | None = None


class MemoryStore:
    """A ``CaseStore`` in process memory; everything is lost when it is dropped.

    Thread-safe: one lock guards every read and write, so it behaves like the
    database backends under concurrent use (one writer per case version wins,
    each due deadline is claimed once). Snapshots are kept as JSON text, as
    the other backends keep them, so a caller never shares mutable state with
    the store.

    Test hook: ``_replace_events(case_id, events)`` swaps the stored event
    list (not the recorded head) so tests can show that a modified, removed
    or inserted event is detected, as they do with SQL on the other backends.
    ``_cases`` is the rest of the stored data, for tests to change directly
    (a disposed case's record is its ``disposal``).
    """

    rejected_snapshots: int
    """How many snapshots failed authentication (and were replaced by a replay) so far."""

    def __init__(
        self, *, verify: bool = True, keys: KeyRing | Literal["random"] | None = "random"
    ) -> None:
        """``verify=False`` skips hash-chain verification on reads.

        ``keys`` authenticates heads and snapshots as the other backends do;
        the default is a random key that lives as long as the store.
        """
        self._verify = verify
        self._keys = KeyRing.generate() if keys == "random" else keys
        self.rejected_snapshots = 0
        self._lock = threading.RLock()
        self._cases: dict[str, _Case] = {}
        self._idempotency: dict[tuple[str, str], IdempotencyRecord] = {}
        self._reads: list[ReadEntry] = []
        self._subject_keys: dict[str, dict[str, str]] = {}
        self._outbox: dict[str, Notification] = {}
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the store is closed")

    # -- writing ----------------------------------------------------------

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
        unchanged: Collection[str] = (),  # noqa: ARG002 - one object per row: nothing to skip
        outbox: Sequence[OutboxChange] | None = None,
    ) -> None:
        """Append ``events`` if the case is still at ``expected_version``; see ``CaseStore``."""
        events = tuple(events)
        check_request(case_id, expected_version, events, deadlines, snapshot)
        check_idempotency(case_id, expected_version, events, idempotency)
        check_summary(case_id, expected_version, events, summary)
        snapshot_row = None
        encoded = encode_snapshot(case_id, snapshot)
        if snapshot is not None and encoded is not None:
            mac = seal_snapshot(
                self._keys, case_id, snapshot.version, snapshot.last_hash, encoded[0]
            )
            snapshot_row = _StoredSnapshot(snapshot.version, snapshot.last_hash, *encoded, mac)
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is not None and case.disposed:
                self._refuse_disposed(case_id, case)
            actual = case.head_version if case is not None else 0
            check_version(case_id, expected_version, actual)
            head_hash = case.head_hash if case is not None else GENESIS_HASH
            if case is not None:
                # The stored history must still be the one the writer read.
                check_head(self._keys, case_id, actual, head_hash, case.head_mac)
                if self._verify:
                    _verify_stored(case_id, case)
            _check_chain(case_id, expected_version, events, head_hash)
            if snapshot is not None:
                stored = case.events if case is not None else []
                check_snapshot(
                    case_id,
                    snapshot,
                    events,
                    lambda seq: stored[seq - 1].hash if 0 < seq <= len(stored) else None,
                )
            if (
                idempotency is not None
                and (idempotency.scope, idempotency.key) in self._idempotency
            ):
                # As the SQL backends' unique key refuses it: another writer got there first.
                raise ConcurrencyConflict(case_id, expected_version, actual)
            # Every check passed: from here on nothing can fail half-way.
            if case is None:
                case = _Case(head_version=0, head_hash=GENESIS_HASH, events=[])
                self._cases[case_id] = case
            case.events.extend(events)
            if events:
                case.head_version = events[-1].sequence
                case.head_hash = events[-1].hash
                case.head_mac = seal_head(self._keys, case_id, case.head_version, case.head_hash)
            if deadlines is not None:
                case.deadlines = _replace_deadlines(case.deadlines, deadlines)
            if snapshot_row is not None and (
                case.snapshot is None or snapshot_row.version >= case.snapshot.version
            ):
                case.snapshot = snapshot_row
            if idempotency is not None:
                self._idempotency[idempotency.scope, idempotency.key] = idempotency
            if summary is not None:
                case.summary = summary
            for change in outbox or ():
                self._replace_notifications(case_id, change)

    # -- the outbox ---------------------------------------------------------

    def _replace_notifications(self, case_id: str, change: OutboxChange) -> None:
        stored = self._outbox
        for key in [
            key
            for key, n in stored.items()
            if n.case_id == case_id and n.deadline_id == change.deadline_id and n.sent_at is None
        ]:
            del stored[key]
        for notification in change.notifications:
            # A key still here was sent: it stays sent (see `OutboxChange`).
            stored.setdefault(
                notification.key,
                attrs.evolve(
                    notification,
                    case_id=case_id,
                    deadline_id=change.deadline_id,
                    due_at=utc(notification.due_at),
                    attempts=0,
                    lease_until=None,
                    sent_at=None,
                ),
            )

    def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta, worker: str
    ) -> list[Notification]:
        """Due notifications nobody holds a lease on at ``now``, leased to ``worker``."""
        del worker  # Nothing reads who holds a lease here; the SQL backends record it.
        now_utc = utc(now)
        with self._lock:
            self._check_open()
            due = [
                n
                for n in self._outbox.values()
                if n.sent_at is None
                and n.due_at <= now_utc
                and (n.lease_until is None or n.lease_until <= now_utc)
            ]
            # As the SQL backends: available longest first (a lease that ran
            # out makes a notification available when it ended).
            chosen = heapq.nsmallest(
                max(limit, 0), due, key=lambda n: (n.lease_until or n.due_at, n.key)
            )
            claimed = [
                attrs.evolve(n, attempts=n.attempts + 1, lease_until=now_utc + lease)
                for n in chosen
            ]
            for notification in claimed:
                self._outbox[notification.key] = notification
        return sorted(claimed, key=lambda n: (n.due_at, n.key))

    def ack_notification(self, key: str, *, now: datetime) -> bool:
        """Mark ``key`` sent at ``now``; whether it was unsent."""
        with self._lock:
            self._check_open()
            found = self._outbox.get(key)
            if found is None or found.sent_at is not None:
                return False
            self._outbox[key] = attrs.evolve(found, sent_at=utc(now), lease_until=None)
            return True

    def notifications(self, case_id: str) -> list[Notification]:
        """Every notification of the case in the outbox, sent ones too, earliest due first."""
        with self._lock:
            self._check_open()
            found = [n for n in self._outbox.values() if n.case_id == case_id]
        return sorted(found, key=lambda n: (n.due_at, n.key))

    def subject_keys(self, case_id: str) -> dict[str, str]:
        """The wrapped data keys of the case's subjects, by subject."""
        with self._lock:
            self._check_open()
            return dict(self._subject_keys.get(case_id, {}))

    def add_subject_key(self, case_id: str, subject: str, wrapped: str) -> str:
        """Store ``wrapped`` as the subject's key unless it has one; return the one stored."""
        with self._lock:
            self._check_open()
            return self._subject_keys.setdefault(case_id, {}).setdefault(subject, wrapped)

    def destroy_subject_keys(self, case_id: str, subjects: Sequence[str] | None = None) -> int:
        """Destroy the keys of ``subjects`` (every key of the case: ``None``) and its snapshot."""
        with self._lock:
            self._check_open()
            stored = self._subject_keys.get(case_id, {})
            doomed = [s for s in (list(stored) if subjects is None else subjects) if s in stored]
            for subject in doomed:
                del stored[subject]
            case = self._cases.get(case_id)
            if case is not None:
                case.snapshot = None
            return len(doomed)

    def dispose(
        self,
        record: DisposalRecord,
        *,
        summary: CaseIndexEntry | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        """Replace the case by ``record``, all at once; see ``CaseStore.dispose``."""
        case_id = record.case_id
        check_summary(case_id, record.events, (), summary)
        check_idempotency(case_id, record.events, (), idempotency)
        text = record.to_text()
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None:
                raise CaseNotFound(case_id)
            if case.disposed:
                self._refuse_disposed(case_id, case)
            check_version(case_id, record.events, case.head_version)
            check_head(self._keys, case_id, case.head_version, case.head_hash, case.head_mac)
            # Only an intact history is replaced by its record.
            verify_tail(
                case_id,
                case.events,
                start_sequence=1,
                prev_hash=GENESIS_HASH,
                head_version=case.head_version,
                head_hash=case.head_hash,
            )
            if record.head_hash != case.head_hash or record.hashes != tuple(
                e.hash for e in case.events
            ):
                raise TamperedHistory(
                    case_id, case.head_version, "disposal-record-differs", version=case.head_version
                )
            if (
                idempotency is not None
                and (idempotency.scope, idempotency.key) in self._idempotency
            ):
                raise ConcurrencyConflict(case_id, record.events, case.head_version)
            case.disposal = (text, seal_record(self._keys, text))
            case.disposed = True
            case.events = []
            case.snapshot = None
            case.deadlines = {}
            self._subject_keys.pop(case_id, None)
            # Notifications name the people who held the roles: they go too.
            for key in [k for k, n in self._outbox.items() if n.case_id == case_id]:
                del self._outbox[key]
            if summary is not None:
                case.summary = summary
            elif case.summary is not None:
                case.summary = attrs.evolve(case.summary, participants=())
            if idempotency is not None:
                self._idempotency[idempotency.scope, idempotency.key] = idempotency

    def disposal_record(self, case_id: str) -> DisposalRecord | None:
        """The checked disposal record of a disposed case; ``None`` for any other case."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None or not case.disposed:
                return None
            return self._record_of(case_id, case)

    def _record_of(self, case_id: str, case: _Case) -> DisposalRecord:
        return check_disposal_record(
            self._keys, case_id, (case.head_version, case.head_hash), case.disposal
        )

    def _refuse_disposed(self, case_id: str, case: _Case) -> None:
        record = self._record_of(case_id, case)
        raise CaseDisposed(case_id, record.disposed_at.isoformat())

    def delete_snapshots(self, case_id: str | None = None) -> None:
        """Drop snapshots (of one case, or all): only speed may change."""
        with self._lock:
            self._check_open()
            targets = (
                self._cases.values()
                if case_id is None
                else [c for c in (self._cases.get(case_id),) if c is not None]
            )
            for case in targets:
                case.snapshot = None

    def _replace_events(self, case_id: str, events: Sequence[Event]) -> None:
        """Test hook: overwrite the stored events of a case, bypassing every check."""
        with self._lock:
            self._cases[case_id].events = list(events)

    # -- reading ----------------------------------------------------------

    def load(self, case_id: str, *, use_snapshot: bool = True) -> StoredCase:
        """The case's newest usable snapshot and the (verified) events after it."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None:
                raise CaseNotFound(case_id)
            if case.disposed:
                self._refuse_disposed(case_id, case)
            events = list(case.events)
            head_version, head_hash, head_mac = case.head_version, case.head_hash, case.head_mac
            stored_snapshot = case.snapshot if use_snapshot else None
        check_head(self._keys, case_id, head_version, head_hash, head_mac)
        snapshot = None
        if stored_snapshot is not None:
            snapshot = snapshot_from_text(
                case_id,
                stored_snapshot.version,
                stored_snapshot.last_hash,
                stored_snapshot.state_text,
                stored_snapshot.checksum,
            )
            if snapshot is not None and not snapshot_authentic(
                self._keys, snapshot, stored_snapshot.state_text, stored_snapshot.mac
            ):
                snapshot = None
            if snapshot is None:
                self.rejected_snapshots += 1
                report_rejected_snapshot(case_id, stored_snapshot.version)
        if snapshot is not None:
            index = snapshot.version - 1
            anchor = events[index] if 0 <= index < len(events) else None
            if not snapshot_usable(snapshot, anchor, head_version):
                snapshot = None
        if snapshot is None:
            tail = events
            start, prev = 1, GENESIS_HASH
        else:
            tail = [e for e in events if e.sequence > snapshot.version]
            start, prev = snapshot.version + 1, snapshot.last_hash
        # Events `new_event` made in this process (their content read-only
        # since it was hashed) are linked, not hashed again, as an append
        # checks them; any other event is hashed. Only when something is off
        # is every event checked one by one, naming the first bad one.
        if self._verify and not _links_up(
            case_id, events, start - 1, prev, head=(head_version, head_hash)
        ):
            verify_tail(
                case_id,
                tail,
                start_sequence=start,
                prev_hash=prev,
                head_version=head_version,
                head_hash=head_hash,
            )
        return StoredCase(case_id=case_id, snapshot=snapshot, events=tuple(tail))

    def events(self, case_id: str, *, after: int = 0) -> tuple[Event, ...]:
        """Every event with a sequence greater than ``after`` (verified); () for no case."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None:
                return ()
            if case.disposed:
                self._refuse_disposed(case_id, case)
            events = list(case.events)
            head_version, head_hash, head_mac = case.head_version, case.head_hash, case.head_mac
        check_head(self._keys, case_id, head_version, head_hash, head_mac)
        if self._verify:
            # Verifying a slice needs the whole chain up to it: a memory
            # store's histories are short enough that this costs nothing.
            verify_tail(
                case_id,
                events,
                start_sequence=1,
                prev_hash=GENESIS_HASH,
                head_version=head_version,
                head_hash=head_hash,
            )
        return tuple(e for e in events if e.sequence > after)

    def version(self, case_id: str) -> int:
        """The case's current version (0 when it does not exist)."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is not None and case.disposed:
                self._refuse_disposed(case_id, case)
            return case.head_version if case is not None else 0

    def case_ids(self) -> Iterator[str]:
        """Ids of every stored case, sorted."""
        with self._lock:
            self._check_open()
            ids = sorted(self._cases)
        return iter(ids)

    def idempotency_record(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope``, or ``None`` when the key is unused."""
        with self._lock:
            self._check_open()
            return self._idempotency.get((scope, key))

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every case's (id, version, last hash), sorted by id; each head authenticated."""
        with self._lock:
            self._check_open()
            heads = sorted(
                (case_id, case.head_version, case.head_hash, case.head_mac)
                for case_id, case in self._cases.items()
            )
        for case_id, version, last_hash, mac in heads:
            check_head(self._keys, case_id, version, last_hash, mac)
            yield case_id, version, last_hash

    def event_hash(self, case_id: str, sequence: int) -> str | None:
        """The stored hash of one event (``None`` if there is no such event)."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None:
                return None
            found = [e.hash for e in case.events if e.sequence == sequence]
            record = self._record_of(case_id, case) if case.disposed else None
        if record is not None and 0 < sequence <= len(record.hashes):
            # A disposed case's record keeps the hash of every event it had.
            return record.hashes[sequence - 1]
        return found[0] if found else None

    @property
    def keys(self) -> KeyRing | None:
        """The key ring heads and snapshots are authenticated with (``None``: not at all)."""
        return self._keys

    # -- the case index -------------------------------------------------------

    def find_cases(self, query: CaseQuery) -> list[CaseIndexEntry]:
        """The case-index rows matching ``query``, most recently updated first."""
        with self._lock:
            self._check_open()
            rows = [c.summary for c in self._cases.values() if c.summary is not None]
        found = in_index_order(row for row in rows if query.matches(row))
        return found if query.limit is None else found[: max(query.limit, 0)]

    def index_entry(self, case_id: str) -> CaseIndexEntry | None:
        """The case's row in the case index (``None``: it has none)."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            return None if case is None else case.summary

    def put_index_entry(self, entry: CaseIndexEntry) -> bool:
        """Replace the case's index row if the case is still at ``entry.version``."""
        with self._lock:
            self._check_open()
            case = self._cases.get(entry.case_id)
            if case is None or case.disposed or case.head_version != entry.version:
                return False
            case.summary = entry
            return True

    # -- the read log ---------------------------------------------------------

    def log_reads(
        self,
        entries: Sequence[ReadEntry],
        *,
        durable: bool = False,  # noqa: ARG002 - memory has no disk to flush
    ) -> None:
        """Add ``entries`` to the read log, numbered in the order they come.

        Kept as given: an entry's number is its place in the list (+ 1),
        given when it is read back, so a read costs no copy of its entries.
        """
        with self._lock:
            self._check_open()
            self._reads.extend(entries)

    def log_reads_at(
        self,
        case_id: str,
        version: int,
        entries: Sequence[ReadEntry],
        *,
        durable: bool = False,  # noqa: ARG002 - memory has no disk to flush
    ) -> bool:
        """`log_reads` if the case is still at ``version`` (and not disposed); whether it was."""
        with self._lock:
            self._check_open()
            case = self._cases.get(case_id)
            if case is None or case.disposed or case.head_version != version:
                return False
            self._reads.extend(entries)
            return True

    def read_log(self, query: ReadLogQuery) -> list[ReadEntry]:
        """A page of the read log, oldest entry first (see `ReadLogQuery`)."""
        with self._lock:
            self._check_open()
            # Numbers are list positions + 1: the page starts right after ``after``.
            found = []
            start = max(query.after, 0)
            for number, entry in enumerate(self._reads[start:], start + 1):
                if (query.case_id is None or entry.case_id == query.case_id) and (
                    query.person is None or entry.person == query.person
                ):
                    found.append(attrs.evolve(entry, number=number, at=utc(entry.at)))
                    if len(found) >= query.limit:
                        break
            return found

    # -- deadlines ----------------------------------------------------------

    def _due_items(self, before: datetime) -> list[tuple[datetime, str, str, _Deadline]]:
        limit_at = utc(before)
        return [
            (deadline.due_at, case_id, deadline_id, deadline)
            for case_id, case in self._cases.items()
            for deadline_id, deadline in case.deadlines.items()
            if deadline.due_at <= limit_at
        ]

    def due(self, before: datetime, *, limit: int | None = None) -> list[DeadlineEntry]:
        """Open deadlines due at or before ``before``, earliest first."""
        with self._lock:
            self._check_open()
            items = self._due_items(before)
        chosen = _earliest(items, limit)
        return [DeadlineEntry(case_id=c, deadline_id=d, due_at=at) for at, c, d, _ in chosen]

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
        now_utc = utc(now)
        with self._lock:
            self._check_open()
            items = [
                item
                for item in self._due_items(before)
                if item[3].lease_until is None or item[3].lease_until <= now_utc
            ]
            chosen = _earliest(items, limit)
            for _, _, _, deadline in chosen:
                deadline.claimed_by = worker
                deadline.lease_until = now_utc + lease
        return [DeadlineEntry(case_id=c, deadline_id=d, due_at=at) for at, c, d, _ in chosen]

    def close(self) -> None:
        """Forget nothing, but refuse further use (as the other backends do)."""
        with self._lock:
            self._closed = True


def _check_chain(
    case_id: str, expected_version: int, events: Sequence[Event], head_hash: str
) -> None:
    """``check_chain``, without hashing again what `new_event` hashed in this process.

    An event whose hash is sealed (`hash_is_sealed`: made by ``new_event``
    here, from this very content, its payload read-only) carries the hash of
    its content, so only its link to the head or the event before it is
    checked; any other event is hashed again. ``check_request`` has checked
    case ids and sequences. A load checks stored events the same way;
    ``events`` (every full read, ``Engine.verify``) hashes every one.
    """
    previous = head_hash
    for event in events:
        if not hash_is_sealed(event):
            check_chain(case_id, expected_version, events, head_hash)
            return
        if event.prev_hash != previous:
            raise InvalidEvents(
                case_id, f"event {event.sequence}: does not link to the event before it"
            )
        previous = event.hash


def _verify_stored(case_id: str, case: _Case) -> None:
    """Verify the stored events a load would read: from the snapshot's event to the head.

    As the SQL backends check before an append (``SqlStore._verify_stored``):
    events before the newest snapshot cannot change what the case decides
    (the snapshot stands for them, and ``load`` uses it only while the event
    it follows is intact); every full read (``events``, ``Engine.verify``)
    verifies them. Re-hashing the whole history on every append made a long
    case's commands slower the longer it ran.

    An event whose hash is sealed (`hash_is_sealed`: made by ``new_event``
    in this process from this very content, read-only since) is not hashed
    again, as `_check_chain` does not when it arrives; its place in the
    chain is checked all the same. An event put here any other way (the
    test hook's edits) is hashed. Anything off is named by verifying the
    whole history.
    """
    events = case.events
    head_version, head_hash = case.head_version, case.head_hash
    start, prev = 0, GENESIS_HASH
    snapshot = case.snapshot
    if snapshot is not None and 1 < snapshot.version <= head_version:
        index = snapshot.version - 1
        anchor = events[index] if index < len(events) else None
        if (
            anchor is not None
            and anchor.sequence == snapshot.version
            and anchor.hash == snapshot.last_hash
            and (hash_is_sealed(anchor) or compute_hash(anchor) == anchor.hash)
        ):
            start, prev = snapshot.version, snapshot.last_hash
    if _links_up(case_id, events, start, prev, head=(head_version, head_hash)):
        return
    verify_tail(
        case_id,
        events,
        start_sequence=1,
        prev_hash=GENESIS_HASH,
        head_version=head_version,
        head_hash=head_hash,
    )


def _links_up(
    case_id: str, events: list[Event], start: int, prev: str, *, head: tuple[int, str]
) -> bool:
    """Whether ``events[start:]`` run from ``start + 1``, linked after ``prev``, to ``head``."""
    head_version, head_hash = head
    sequence = start
    for event in events[start:]:
        sequence += 1
        if (
            event.case_id != case_id
            or event.sequence != sequence
            or event.prev_hash != prev
            or not (hash_is_sealed(event) or compute_hash(event) == event.hash)
        ):
            return False
        prev = event.hash
    return sequence == head_version and prev == head_hash


def _earliest(
    items: list[tuple[datetime, str, str, _Deadline]], limit: int | None
) -> list[tuple[datetime, str, str, _Deadline]]:
    key = _order_key
    if limit is None:
        return sorted(items, key=key)
    return heapq.nsmallest(max(limit, 0), items, key=key)


def _order_key(item: tuple[datetime, str, str, _Deadline]) -> tuple[datetime, str, str]:
    return item[0], item[1], item[2]


def _replace_deadlines(
    old: dict[str, _Deadline], entries: Sequence[DeadlineEntry]
) -> dict[str, _Deadline]:
    """The new index of a case; a claim survives while its deadline is unchanged.

    Another command on the case must not free a deadline a worker is busy
    breaching; a deadline that moved is a new fact and starts unclaimed.
    """
    new: dict[str, _Deadline] = {}
    for entry in entries:
        due_at = utc(entry.due_at)
        previous = old.get(entry.deadline_id)
        if previous is not None and previous.due_at == due_at:
            new[entry.deadline_id] = _Deadline(due_at, previous.claimed_by, previous.lease_until)
        else:
            new[entry.deadline_id] = _Deadline(due_at)
    return new
