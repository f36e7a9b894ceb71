"""What every backend checks before it writes an ``append``.

The checks are the same for every backend so that a bad call fails the same
way on memory, SQLite and PostgreSQL. They run before anything is written,
so a refused append leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kwflow.exceptions import ConcurrencyConflict, InvalidEvents, TamperedHistory
from kwflow.history import verify_history

from ._codec import snapshot_to_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kwflow.history import Event

    from ._index import CaseIndexEntry
    from ._protocol import DeadlineEntry, IdempotencyRecord, Snapshot


def check_request(
    case_id: str,
    expected_version: int,
    events: Sequence[Event],
    deadlines: Sequence[DeadlineEntry] | None,
    snapshot: Snapshot | None,
) -> None:
    """Checks that need no stored data: shapes, case ids, sequence numbers."""
    if not isinstance(case_id, str) or not case_id:
        raise InvalidEvents(str(case_id), "the case id must be a non-empty string")
    if (
        not isinstance(expected_version, int)
        or isinstance(expected_version, bool)
        or expected_version < 0
    ):
        raise InvalidEvents(
            case_id, f"expected_version must be an int >= 0, not {expected_version!r}"
        )
    if not events and expected_version == 0:
        raise InvalidEvents(case_id, "a case is created by its first event; none were given")
    for offset, event in enumerate(events):
        if event.case_id != case_id:
            raise InvalidEvents(
                case_id, f"event {event.sequence} belongs to case {event.case_id!r}"
            )
        wanted = expected_version + 1 + offset
        if event.sequence != wanted:
            raise InvalidEvents(
                case_id,
                f"events must continue from version {expected_version}: expected "
                f"sequence {wanted}, got {event.sequence}",
            )
    if deadlines is not None:
        seen: set[str] = set()
        for entry in deadlines:
            if entry.case_id != case_id:
                raise InvalidEvents(
                    case_id, f"deadline {entry.deadline_id!r} belongs to case {entry.case_id!r}"
                )
            if entry.deadline_id in seen:
                raise InvalidEvents(case_id, f"deadline {entry.deadline_id!r} is listed twice")
            seen.add(entry.deadline_id)
            if entry.due_at.tzinfo is None or entry.due_at.utcoffset() is None:
                raise InvalidEvents(case_id, f"deadline {entry.deadline_id!r} has a naive due time")
    if snapshot is not None:
        new_version = expected_version + len(events)
        if snapshot.case_id != case_id:
            raise InvalidEvents(case_id, f"the snapshot belongs to case {snapshot.case_id!r}")
        if not 1 <= snapshot.version <= new_version:
            raise InvalidEvents(
                case_id,
                f"snapshot version {snapshot.version} is outside 1..{new_version}",
            )


def check_idempotency(
    case_id: str,
    expected_version: int,
    events: Sequence[Event],
    record: IdempotencyRecord | None,
) -> None:
    """An idempotency record must name this case and the version the append makes.

    A record pointing elsewhere would answer a later retry with another
    case, or with the case at a version it never had after that command.
    """
    if record is None:
        return
    if not isinstance(record.key, str) or not record.key:
        raise InvalidEvents(case_id, "an idempotency key must be a non-empty string")
    if not isinstance(record.scope, str) or not isinstance(record.content_hash, str):
        raise InvalidEvents(case_id, "an idempotency record's scope and hash must be strings")
    if record.case_id != case_id:
        raise InvalidEvents(case_id, f"the idempotency record belongs to case {record.case_id!r}")
    after = expected_version + len(events)
    if record.version != after:
        raise InvalidEvents(
            case_id,
            f"the idempotency record names version {record.version!r}, "
            f"but the append leaves the case at version {after}",
        )


def check_summary(
    case_id: str, expected_version: int, events: Sequence[Event], summary: CaseIndexEntry | None
) -> None:
    """An index row given with an append must describe this case at its new version."""
    if summary is None:
        return
    if summary.case_id != case_id:
        raise InvalidEvents(case_id, f"the index row belongs to case {summary.case_id!r}")
    new_version = expected_version + len(events)
    if summary.version != new_version:
        raise InvalidEvents(
            case_id,
            f"the index row is of version {summary.version}, the case will be at {new_version}",
        )
    if not summary.phase_path:
        raise InvalidEvents(case_id, "the index row has no phase")
    for moment in (summary.opened_at, summary.updated_at, summary.next_due):
        if moment is not None and moment.utcoffset() is None:
            raise InvalidEvents(case_id, "the index row has a naive time")


def encode_snapshot(case_id: str, snapshot: Snapshot | None) -> tuple[str, str] | None:
    """The snapshot's state text and checksum, computed before any write begins."""
    if snapshot is None:
        return None
    try:
        return snapshot_to_text(snapshot)
    except (TypeError, ValueError) as exc:
        raise InvalidEvents(case_id, f"the snapshot state is not JSON data: {exc}") from exc


def check_version(case_id: str, expected_version: int, actual_version: int) -> None:
    """Refuse a stale writer with the version it should have seen."""
    if actual_version != expected_version:
        raise ConcurrencyConflict(case_id, expected_version, actual_version)


def check_chain(
    case_id: str,
    expected_version: int,
    events: Sequence[Event],
    head_hash: str,
) -> None:
    """The new events must link to the stored head and carry their own hashes.

    A store that accepted a broken link would write a history that later
    fails verification for everyone; refusing it here names the real culprit.
    """
    try:
        verify_history(
            events, case_id=case_id, start_sequence=expected_version + 1, prev_hash=head_hash
        )
    except TamperedHistory as exc:
        raise InvalidEvents(case_id, f"event {exc.sequence}: {exc.reason}") from exc


def check_snapshot(
    case_id: str,
    snapshot: Snapshot,
    events: Sequence[Event],
    stored_hash_at: Callable[[int], str | None],
) -> None:
    """The snapshot's ``last_hash`` must be the hash of the event it follows."""
    by_sequence = {event.sequence: event.hash for event in events}
    actual = by_sequence.get(snapshot.version)
    if actual is None:
        actual = stored_hash_at(snapshot.version)
    if actual != snapshot.last_hash:
        raise InvalidEvents(
            case_id,
            f"the snapshot's last_hash is not the hash of event {snapshot.version}",
        )


def utc(value: datetime) -> datetime:
    """``value`` in UTC (callers guarantee it is aware)."""
    return value.astimezone(UTC)
