"""Rows <-> records: how events, snapshots and times are stored in SQL columns.

Event rows keep every field of the event in its own column, and the payload
as the exact canonical JSON text that was hashed (never a re-encoded form:
PostgreSQL's ``jsonb`` would reorder keys and normalize numbers), so a row can
be checked against its hash on every read.

Reading a row never trusts it: a row whose columns have the wrong types or
whose JSON does not parse becomes ``MalformedEvent`` naming the case and the
event; a row from a newer event format becomes ``SchemaTooNew``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from kwflow.exceptions import MalformedEvent, SchemaTooNew
from kwflow.history import EVENT_SCHEMA_VERSION, Event, canonical_json, event_from_dict

from ._protocol import Snapshot

EVENT_COLUMNS = (
    "case_id",
    "sequence",
    "type",
    "at",
    "actor",
    "payload",
    "prev_hash",
    "hash",
    "schema_version",
)
"""The event table's columns, in the order ``event_to_row`` produces them."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def event_to_row(event: Event) -> tuple[str, int, str, str, str, str, str, str, int]:
    """The column values of ``event``, in ``EVENT_COLUMNS`` order."""
    return (
        event.case_id,
        event.sequence,
        event.type,
        event.at.isoformat(),
        event.actor,
        canonical_json(dict(event.payload)),
        event.prev_hash,
        event.hash,
        event.schema_version,
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def event_from_row(case_id: str, position: int, row: tuple[Any, ...]) -> Event:
    """Read one stored row of ``case_id``; ``position`` is the sequence expected there.

    ``position`` names the event in errors when the row's own sequence column
    is unreadable.
    """
    try:
        (row_case, sequence, type_, at, actor, payload_text, prev_hash, hash_, version) = row
    except ValueError as exc:
        raise MalformedEvent(case_id, position, f"row has {len(row)} columns") from exc
    where = sequence if _is_int(sequence) else position
    if not _is_int(version) or version < 1:
        raise MalformedEvent(case_id, where, f"schema_version is {version!r}")
    if version > EVENT_SCHEMA_VERSION:
        raise SchemaTooNew(
            f"event {where} of case {case_id!r}",
            version,
            EVENT_SCHEMA_VERSION,
            case_id=case_id,
            sequence=where,
        )
    if not isinstance(payload_text, str):
        raise MalformedEvent(case_id, where, "payload is not text")
    try:
        payload = json.loads(payload_text)
    except ValueError as exc:
        raise MalformedEvent(
            case_id, where, f"payload is not valid JSON ({exc.__class__.__name__}: {exc})"
        ) from exc
    if isinstance(at, datetime):
        # PostgreSQL hands back timestamptz as aware datetimes.
        at = at.isoformat()
    data = {
        "schema_version": version,
        "case_id": row_case,
        "sequence": sequence,
        "type": type_,
        "at": at,
        "actor": actor,
        "payload": payload,
        "prev_hash": prev_hash,
        "hash": hash_,
    }
    try:
        return event_from_dict(data)
    except ValueError as exc:
        raise MalformedEvent(case_id, where, str(exc)) from exc


def snapshot_checksum(case_id: str, version: int, last_hash: str, state_text: str) -> str:
    """SHA-256 over a snapshot's identity and its state text.

    Catches a snapshot row that was damaged or edited by accident; it is not
    a signature (anyone able to write the row can recompute it), which is
    fine because a snapshot is only a cache checked against the event chain.
    """
    body = canonical_json(
        {"case_id": case_id, "version": version, "last_hash": last_hash, "state": state_text}
    )
    return hashlib.sha256(body.encode()).hexdigest()


def snapshot_to_text(snapshot: Snapshot) -> tuple[str, str]:
    """The snapshot's state as canonical JSON text and its checksum."""
    state_text = canonical_json(dict(snapshot.state))
    checksum = snapshot_checksum(snapshot.case_id, snapshot.version, snapshot.last_hash, state_text)
    return state_text, checksum


def snapshot_from_text(
    case_id: str, version: object, last_hash: object, state_text: object, checksum: object
) -> Snapshot | None:
    """The stored snapshot, or ``None`` if anything about it is off.

    ``None`` makes the caller replay from the events: a snapshot is a cache,
    so a damaged one costs time, never correctness.
    """
    if not (
        _is_int(version)
        and isinstance(last_hash, str)
        and isinstance(state_text, str)
        and isinstance(checksum, str)
    ):
        return None
    assert isinstance(version, int)  # for the type checker; _is_int said so
    if snapshot_checksum(case_id, version, last_hash, state_text) != checksum:
        return None
    try:
        state = json.loads(state_text)
    except ValueError:
        return None
    if not isinstance(state, Mapping):
        return None
    return Snapshot(case_id=case_id, version=version, last_hash=last_hash, state=state)


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch in UTC: an integer that sorts like the time."""
    delta = value.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """The aware UTC time ``to_micros`` encoded."""
    return _EPOCH + timedelta(microseconds=value)
