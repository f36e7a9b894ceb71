"""Events: the immutable, hash-chained facts a case is folded from.

An event's canonical form is compact JSON with sorted keys; its hash is the
SHA-256 of that form and covers the previous event's hash, so changing,
removing or inserting any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

EVENT_SCHEMA_VERSION = 1
"""Version of the event format written now; older ones are migrated on read."""

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of a case's first event."""


class EventType(StrEnum):
    """What happened. Values are stored: never rename one."""

    CASE_OPENED = "case_opened"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_UNASSIGNED = "role_unassigned"
    ARTIFACT_SUBMITTED = "artifact_submitted"
    ACTION_TAKEN = "action_taken"
    CALLED_IN = "called_in"
    DISMISSED = "dismissed"
    DEADLINE_BREACHED = "deadline_breached"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"event time must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


@attrs.frozen(kw_only=True)
class Event:
    """One recorded fact about a case.

    ``sequence`` counts from 1 without gaps; the case's version is the
    sequence of its last event. ``payload`` holds JSON values only and is
    never mutated after the event is made.
    """

    case_id: str
    sequence: int
    type: str
    at: datetime = attrs.field(converter=_utc)
    actor: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str
    schema_version: int = EVENT_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, as stored and as hashed (plus the hash)."""
        body = _body_of(self)
        body["hash"] = self.hash
        return body


def _body(
    *,
    case_id: str,
    sequence: int,
    type_: str,
    at: datetime,
    actor: str,
    payload: Mapping[str, Any],
    prev_hash: str,
    schema_version: int,
) -> dict[str, Any]:
    return {
        "schema_version": schema_version,
        "case_id": case_id,
        "sequence": sequence,
        "type": type_,
        "at": at.isoformat(),
        "actor": actor,
        "payload": dict(payload),
        "prev_hash": prev_hash,
    }


# One encoder for every call: ``json.dumps`` with non-default options builds a
# new encoder each time, which is a measurable part of recording an event.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: the one form that is hashed."""
    return _CANONICAL.encode(value)


def new_event(
    *,
    case_id: str,
    sequence: int,
    type: EventType | str,  # noqa: A002 - the domain word
    at: datetime,
    actor: str,
    payload: Mapping[str, Any],
    prev_hash: str,
) -> Event:
    """Make the next event of a chain, computing its hash."""
    at_utc = _utc(at)
    body = _body(
        case_id=case_id,
        sequence=sequence,
        type_=str(type),
        at=at_utc,
        actor=actor,
        payload=payload,
        prev_hash=prev_hash,
        schema_version=EVENT_SCHEMA_VERSION,
    )
    digest = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    return Event(
        case_id=case_id,
        sequence=sequence,
        type=str(type),
        at=at_utc,
        actor=actor,
        payload=body["payload"],
        prev_hash=prev_hash,
        hash=digest,
    )


def compute_hash(event: Event) -> str:
    """The hash ``event`` should carry, recomputed from its content."""
    return hashlib.sha256(canonical_json(_body_of(event)).encode()).hexdigest()


def _body_of(event: Event) -> dict[str, Any]:
    return _body(
        case_id=event.case_id,
        sequence=event.sequence,
        type_=event.type,
        at=event.at,
        actor=event.actor,
        payload=event.payload,
        prev_hash=event.prev_hash,
        schema_version=event.schema_version,
    )


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """Read an event from its JSON form; raises ``ValueError`` when malformed."""
    try:
        return _parse_event(data)
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ValueError(f"malformed event: {detail}") from exc


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_event(data: Mapping[str, Any]) -> Event:
    schema_version = data["schema_version"]
    if not _is_int(schema_version):
        raise TypeError("schema_version is not an integer")
    if schema_version > EVENT_SCHEMA_VERSION:
        raise ValueError(
            f"event schema version {schema_version} is newer than this kwflow "
            f"understands ({EVENT_SCHEMA_VERSION}); upgrade kwflow"
        )
    payload = data["payload"]
    if not isinstance(payload, dict):
        raise TypeError("payload is not an object")
    fields: dict[str, Any] = {
        name: data[name] for name in ("case_id", "type", "actor", "prev_hash", "hash")
    }
    for name, value in fields.items():
        if not isinstance(value, str):
            raise TypeError(f"{name} is not a string")
    if not _is_int(data["sequence"]):
        raise TypeError("sequence is not an integer")
    return Event(
        at=datetime.fromisoformat(data["at"]),
        payload=payload,
        schema_version=schema_version,
        sequence=data["sequence"],
        **fields,
    )
