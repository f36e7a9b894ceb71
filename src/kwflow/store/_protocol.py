"""What the engine needs from a store: the ``CaseStore`` protocol and its records.

A store keeps four things per case: the event log (the truth), an optional
snapshot (a cache of the folded case, never the truth), the index of its
open deadlines (so ``due()`` needs no case loading), its row in the case
index (so lists of cases need no replay) and the idempotency keys of the
commands that changed it. Apart from cases it keeps the read log (who was
shown which document; see ``_read_log``) and, for each disposed case, its
disposal record in place of everything else (see ``_disposal``). The engine
hands the store all of them in one ``append`` call, which a backend writes
in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    # attrs reads these annotations as strings only; nothing needs them at run time.
    from collections.abc import Collection, Iterator, Mapping, Sequence
    from datetime import datetime, timedelta

    from kwflow.history import Event

    from ._disposal import DisposalRecord
    from ._index import CaseIndexEntry, CaseQuery
    from ._outbox import Notification, OutboxChange
    from ._read_log import ReadEntry, ReadLogQuery


@attrs.frozen(kw_only=True)
class Snapshot:
    """The folded state of a case after event ``version``, as JSON data.

    ``state`` is opaque to the store; ``last_hash`` is the hash of event
    ``version``, so the events after it can be verified from there.
    """

    case_id: str
    version: int
    last_hash: str
    state: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class DeadlineEntry:
    """One open deadline of a case and the next time something falls due."""

    case_id: str
    deadline_id: str
    due_at: datetime


@attrs.frozen(kw_only=True)
class IdempotencyRecord:
    """A command's idempotency key and what it led to, stored with its events.

    ``scope`` is where the key is unique: the engine uses the case id for
    commands on a case and ``""`` for commands opening one (their case id
    may be random). ``content_hash`` identifies the command the key was
    first used for; ``case_id`` and ``version`` are the case and its version
    right after that command. The store keeps at most one record per
    ``(scope, key)``, forever.
    """

    scope: str
    key: str
    content_hash: str
    case_id: str
    version: int


@attrs.frozen(kw_only=True)
class StoredCase:
    """What ``load`` returns: the newest snapshot (if any) and the events after it."""

    case_id: str
    snapshot: Snapshot | None
    events: tuple[Event, ...]
    subject_keys: Mapping[str, str] | None = None
    """The case's data-subject keys as stored (wrapped), when the backend read them
    with the events (saving the engine a transaction of its own); ``None``: not read."""

    @property
    def version(self) -> int:
        """The version of the case: its last event's sequence."""
        if self.events:
            return self.events[-1].sequence
        return self.snapshot.version if self.snapshot is not None else 0


@runtime_checkable
class CaseStore(Protocol):
    """Persistence for cases. Every backend passes the same contract tests."""

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
        """Append ``events`` if the case is still at ``expected_version``.

        All or nothing, in one transaction. ``expected_version`` 0 creates the
        case. A stale version raises ``ConcurrencyConflict`` and writes
        nothing. ``deadlines``, when given, replaces the case's open-deadline
        index; ``snapshot``, when given, is stored alongside.

        ``idempotency``, when given, records the command's key; its
        ``case_id`` is this case and its ``version`` the version after these
        events (``events`` may then be empty, for a command that changed
        nothing). A key already recorded in its scope raises
        ``ConcurrencyConflict`` and writes nothing: another writer got there
        first, and ``idempotency_record`` tells what it recorded.
        ``summary``, when given, replaces the case's row in the case index (it
        describes the case at its new version, ``expected_version + len(events)``).
        ``unchanged`` names fields of ``summary`` that are the same as at
        ``expected_version`` (``"participants"``, ``"phase_path"``): a backend
        may leave what it stores of them as it is (most commands change
        neither the people nor the phase of a case).
        ``outbox``, when given, replaces the unsent notifications of the
        deadlines it names (see `OutboxChange`).
        """
        ...

    def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta, worker: str
    ) -> list[Notification]:
        """Up to ``limit`` notifications due by ``now`` and not leased, leased to ``worker``.

        Those available longest are taken first (due earliest, or back from
        a lease that ran out earliest) and returned earliest due first. Each
        is leased until ``now + lease``: no other claim returns it before
        then, however many claimers run at once. One not acked by then is
        returned again (its ``attempts`` counts the claims).
        """
        ...

    def ack_notification(self, key: str, *, now: datetime) -> bool:
        """Mark the notification ``key`` sent; ``False`` when it is unknown, voided or sent."""
        ...

    def notifications(self, case_id: str) -> list[Notification]:
        """Every notification of the case in the outbox, sent ones included, earliest first."""
        ...

    def idempotency_record(self, scope: str, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope``, or ``None`` when the key is unused."""
        ...

    def log_reads(self, entries: Sequence[ReadEntry], *, durable: bool = False) -> None:
        """Add ``entries`` to the read log, all in one transaction.

        The store numbers them (`ReadEntry.number`) in the order written;
        the events of cases are not touched. The rows are written before
        this returns (never held back in memory); ``durable=False`` lets
        their commit skip the wait for the disk flush (SQLite
        ``synchronous=NORMAL``, PostgreSQL ``synchronous_commit=off`` for
        this transaction only), so an application crash keeps them and a
        power cut may lose those of the last fraction of a second.
        ``durable=True`` waits for the flush, as every append does.
        """
        ...

    def log_reads_at(
        self,
        case_id: str,
        version: int,
        entries: Sequence[ReadEntry],
        *,
        durable: bool = False,
    ) -> bool:
        """`log_reads` if the case is still at ``version`` (and not disposed); whether it was.

        ``False`` writes nothing: the reader's copy of the case is behind
        (or the case is gone), and the caller reads it again. One round trip
        where the backend can: the check and the write are one statement.
        With no ``entries`` only the version is checked.
        """
        ...

    def read_log(self, query: ReadLogQuery) -> list[ReadEntry]:
        """A page of the read log matching ``query``, oldest entry first."""
        ...

    def load(self, case_id: str, *, use_snapshot: bool = True) -> StoredCase:
        """The case's newest snapshot and the events after it.

        Raises ``CaseNotFound``. Backends verify the hash chain of what they
        return unless built with verification off, and raise
        ``TamperedHistory`` naming the first bad event.
        """
        ...

    def events(self, case_id: str, *, after: int = 0) -> tuple[Event, ...]:
        """Every event of the case with a sequence greater than ``after``.

        An unknown case has no events (``()``). Verified like ``load``.
        """
        ...

    def version(self, case_id: str) -> int:
        """The case's current version (0 when it does not exist).

        Raises ``CaseDisposed`` for a disposed case (as ``load``, ``events``
        and ``append`` do), after checking its disposal record.
        """
        ...

    def case_ids(self) -> Iterator[str]:
        """Ids of every stored case."""
        ...

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every case's (id, version, hash of its last event), sorted by id.

        Each head is authenticated when the store has keys: one that does
        not verify raises ``TamperedHistory`` naming the case.
        """
        ...

    def event_hash(self, case_id: str, sequence: int) -> str | None:
        """The stored hash of event ``sequence`` of the case, ``None`` if there is none."""
        ...

    def due(self, before: datetime, *, limit: int | None = None) -> list[DeadlineEntry]:
        """Open deadlines due at or before ``before``, earliest first.

        Ties are ordered by case id, then deadline id. Claims do not hide
        entries here: ``due`` is the index as it stands.
        """
        ...

    def claim_due(
        self,
        before: datetime,
        *,
        worker: str,
        lease: timedelta,
        now: datetime,
        limit: int | None = None,
    ) -> list[DeadlineEntry]:
        """Like ``due`` but each entry goes to one worker only until its lease ends.

        Returns due entries that hold no unexpired lease at ``now`` and leases
        them to ``worker`` until ``now + lease``. A lease survives appends that
        keep the deadline's due time; it ends when the lease runs out or the
        deadline is replaced (removed or moved) by an append.
        """
        ...

    def find_cases(self, query: CaseQuery) -> list[CaseIndexEntry]:
        """The case-index rows matching ``query``, in the index's order.

        Most recently updated first, ties by case id; rows after
        ``query.after`` only, at most ``query.limit`` of them. Reads the
        index alone: no history is loaded.
        """
        ...

    def index_entry(self, case_id: str) -> CaseIndexEntry | None:
        """The case's row in the case index (``None``: it has none)."""
        ...

    def put_index_entry(self, entry: CaseIndexEntry) -> bool:
        """Replace the case's index row if the case is still at ``entry.version``.

        For rebuilding the index from a replay (``Engine.reindex``); returns
        whether it was written (``False``: the case has moved on or is gone,
        and the append that moved it wrote its own row).
        """
        ...

    def delete_snapshots(self, case_id: str | None = None) -> None:
        """Drop snapshots (of one case, or all): only speed may change."""
        ...

    def subject_keys(self, case_id: str) -> dict[str, str]:
        """The data keys of the case's data subjects, by subject, as stored (wrapped).

        Kept apart from the events: a key is the only way to read the
        subject's personal values, which the events hold encrypted.
        """
        ...

    def add_subject_key(self, case_id: str, subject: str, wrapped: str) -> str:
        """Store ``wrapped`` as the subject's key unless it has one; return the one stored."""
        ...

    def destroy_subject_keys(self, case_id: str, subjects: Sequence[str] | None = None) -> int:
        """Destroy the keys of ``subjects`` (``None``: every key of the case) for good.

        The rows are overwritten, not only unlinked, and the case's snapshot
        is dropped too. Returns how many keys were destroyed.
        """
        ...

    def dispose(
        self,
        record: DisposalRecord,
        *,
        summary: CaseIndexEntry | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        """Replace the case by its disposal ``record``, all in one transaction.

        The case must be at version ``record.events`` with head
        ``record.head_hash`` (``ConcurrencyConflict`` otherwise), and its
        whole history must verify and have exactly ``record.hashes``
        (``TamperedHistory`` otherwise). Its events, snapshot, deadlines
        and data-subject keys are deleted, its head row stays (marked
        disposed), and the record is stored with a MAC; ``summary``
        replaces its case-index row (without participants: they are
        people), ``idempotency`` records the command's key. The read log
        is kept. A disposed case raises ``CaseDisposed`` from then on.
        """
        ...

    def disposal_record(self, case_id: str) -> DisposalRecord | None:
        """The disposal record of a disposed case, checked against its head; else ``None``.

        Raises ``TamperedHistory`` when the record is missing, does not
        verify with the store's keys or names another head.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
