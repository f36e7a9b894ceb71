"""Events: the immutable, hash-chained facts a case is folded from.

An event's canonical form is compact JSON with sorted keys; its hash is the
SHA-256 of that form and covers the previous event's hash, so changing,
removing or inserting any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import attrs

from kwflow.exceptions import MalformedRecord, NaiveDatetime

from ._frozen import FrozenDict, read_only

EVENT_SCHEMA_VERSION = 1
"""Version of the event format written now; older ones are migrated on read."""

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of a case's first event."""


class EventType(StrEnum):
    """What happened. Values are stored: never rename one."""

    CASE_OPENED = "case_opened"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_UNASSIGNED = "role_unassigned"
    ROLE_REPLACED = "role_replaced"
    ARTIFACT_SUBMITTED = "artifact_submitted"
    ACTION_TAKEN = "action_taken"
    CALLED_IN = "called_in"
    DISMISSED = "dismissed"
    DEADLINE_BREACHED = "deadline_breached"
    SUBJECT_ERASED = "subject_erased"
    HOLD_PLACED = "hold_placed"
    HOLD_RELEASED = "hold_released"
    CASE_DISPOSED = "case_disposed"
    CASE_MIGRATED = "case_migrated"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(value.isoformat())
    return value.astimezone(UTC)


def _same_json(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two payloads are the same JSON: equal, or equal once encoded."""
    return bool(first == second) or canonical_json(first) == canonical_json(second)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Event:
    """One recorded fact about a case.

    ``sequence`` counts from 1 without gaps; the case's version is the
    sequence of its last event. ``payload`` holds JSON values only and is
    never mutated after the event is made (an event made by `new_event`
    holds it read-only all the way down: `read_only`).
    """

    case_id: str
    sequence: int
    type: str
    at: datetime = attrs.field(converter=_utc)
    actor: str
    # Compared as JSON: the engine hands over tuples and read-only maps, a
    # store gives back lists and dicts, and both are the same recorded fact.
    payload: Mapping[str, Any] = attrs.field(
        eq=attrs.cmp_using(eq=_same_json, require_same_type=False)
    )
    prev_hash: str
    hash: str
    schema_version: int = EVENT_SCHEMA_VERSION
    # Set only by `new_event`, which computed ``hash`` from this very content:
    # not an argument, so neither a caller nor ``attrs.evolve`` (which makes
    # a new event from the init arguments) can carry it over to other content.
    _sealed: bool = attrs.field(default=False, init=False, eq=False, repr=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, as stored and as hashed (plus the hash).

        Plain ``dict`` and ``list`` all the way down, whatever the event
        holds inside, so a host can hand it to any serializer.
        """
        body = _body_of(self)
        body["payload"] = _plain(body["payload"])
        body["hash"] = self.hash
        return body


def _plain(value: Any) -> Any:
    """``value`` with every mapping a plain ``dict`` and every list or tuple a ``list``."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


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
_encode_str = json.encoder.encode_basestring  # what it encodes text with (ensure_ascii=False)


# ``_CANONICAL.encode`` builds this C encoder on every call, behind a few
# layers of Python; building it here with the same settings takes a third
# off encoding a small payload. A fresh ``markers`` dict per call keeps the
# check for circular data, and keeps threads encoding one payload apart.
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
# After ``markers``: default, encoder, indent, key and item separators,
# sort_keys, skipkeys, allow_nan; the settings of ``_CANONICAL``.
_ENCODER_SETTINGS = (_CANONICAL.default, _encode_str, None, ":", ",", True, False, True)


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: the one form that is hashed."""
    if _C_MAKE_ENCODER is None:  # pragma: no cover - CPython has the C encoder
        return _CANONICAL.encode(value)
    encode = _C_MAKE_ENCODER({}, *_ENCODER_SETTINGS)
    return "".join(encode(value, 0))


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
    """Make the next event of a chain, computing its hash.

    The event holds ``payload`` read-only all the way down (`read_only`:
    itself when it is so already, else a copy whose dicts and lists refuse
    every change), so its content stays what was hashed whatever the caller
    does with what it passed: a store may trust the hash of an event made
    here instead of computing it again (`hash_is_sealed`).
    """
    at_utc = _utc(at)
    type_ = str(type)
    frozen = read_only(payload)
    if not isinstance(frozen, FrozenDict):
        frozen = FrozenDict(frozen)
    text = _canonical_body(
        case_id=case_id,
        sequence=sequence,
        type_=type_,
        at=at_utc.isoformat(),
        actor=actor,
        payload=frozen,
        prev_hash=prev_hash,
        schema_version=EVENT_SCHEMA_VERSION,
    )
    event = Event(
        case_id=case_id,
        sequence=sequence,
        type=type_,
        at=at_utc,
        actor=actor,
        payload=frozen,
        prev_hash=prev_hash,
        hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    object.__setattr__(event, "_sealed", True)
    return event


def hash_is_sealed(event: Event) -> bool:
    """Whether ``event`` was made by `new_event` in this process and is unchanged since.

    Its hash was computed from its content there; an event read from storage,
    built directly or copied with other content (``attrs.evolve``) is not sealed.
    """
    return event._sealed


def _canonical_body(
    *,
    case_id: object,
    sequence: object,
    type_: object,
    at: str,
    actor: object,
    payload: Mapping[str, Any],
    prev_hash: object,
    schema_version: object,
) -> str:
    """``canonical_json`` of an event's body, written out where the types allow.

    The body's keys in sorted order, each value encoded as the canonical
    encoder encodes it: byte for byte the text of ``canonical_json(body)``
    (a test compares them), without building and sorting the body dict.
    Anything but plain text and integers takes the generic path.
    """
    if (
        type(case_id) is str
        and type(type_) is str
        and type(actor) is str
        and type(prev_hash) is str
        and type(sequence) is int
        and type(schema_version) is int
    ):
        body_payload = payload if isinstance(payload, dict) else dict(payload)
        return (
            f'{{"actor":{_encode_str(actor)},"at":{_encode_str(at)},'
            f'"case_id":{_encode_str(case_id)},"payload":{canonical_json(body_payload)},'
            f'"prev_hash":{_encode_str(prev_hash)},"schema_version":{schema_version},'
            f'"sequence":{sequence},"type":{_encode_str(type_)}}}'
        )
    return canonical_json(
        {
            "schema_version": schema_version,
            "case_id": case_id,
            "sequence": sequence,
            "type": type_,
            "at": at,
            "actor": actor,
            "payload": dict(payload),
            "prev_hash": prev_hash,
        }
    )


def compute_hash(event: Event) -> str:
    """The hash ``event`` should carry, recomputed from its content."""
    text = _canonical_body(
        case_id=event.case_id,
        sequence=event.sequence,
        type_=event.type,
        at=event.at.isoformat(),
        actor=event.actor,
        payload=event.payload,
        prev_hash=event.prev_hash,
        schema_version=event.schema_version,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def stored_hash(
    *,
    case_id: object,
    sequence: object,
    type_: object,
    at: object,
    actor: object,
    payload_text: object,
    prev_hash: object,
    schema_version: object,
) -> str | None:
    """The hash of an event from its stored columns, its payload being canonical JSON text.

    For a quick check of many stored rows without parsing their payloads:
    the same text `compute_hash` hashes, when ``payload_text`` is the
    canonical form (as stores write it). ``None`` when a column has a type
    no event has; a row whose hash differs may still be an event spelled
    differently, so a caller falls back to reading it as an event.
    """
    if not (
        type(case_id) is str
        and type(type_) is str
        and type(at) is str
        and type(actor) is str
        and type(payload_text) is str
        and type(prev_hash) is str
        and type(sequence) is int
        and type(schema_version) is int
    ):
        return None
    text = (
        f'{{"actor":{_encode_str(actor)},"at":{_encode_str(at)},'
        f'"case_id":{_encode_str(case_id)},"payload":{payload_text},'
        f'"prev_hash":{_encode_str(prev_hash)},"schema_version":{schema_version},'
        f'"sequence":{sequence},"type":{_encode_str(type_)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


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
    """Read an event from its JSON form; `MalformedRecord` (a ``ValueError``) when malformed."""
    try:
        return _parse_event(data)
    except MalformedRecord:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise MalformedRecord("event", detail) from exc


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_event(data: Mapping[str, Any]) -> Event:
    schema_version = data["schema_version"]
    if not _is_int(schema_version):
        raise MalformedRecord("event", "schema_version is not an integer")
    if schema_version > EVENT_SCHEMA_VERSION:
        raise MalformedRecord(
            "event",
            f"event schema version {schema_version} is newer than this kwflow "
            f"understands ({EVENT_SCHEMA_VERSION}); upgrade kwflow",
        )
    payload = data["payload"]
    if not isinstance(payload, dict):
        raise MalformedRecord("event", "payload is not an object")
    fields: dict[str, Any] = {
        name: data[name] for name in ("case_id", "type", "actor", "prev_hash", "hash")
    }
    for name, value in fields.items():
        if not isinstance(value, str):
            raise MalformedRecord("event", f"{name} is not a string")
    if not _is_int(data["sequence"]):
        raise MalformedRecord("event", "sequence is not an integer")
    return Event(
        at=datetime.fromisoformat(data["at"]),
        payload=payload,
        schema_version=schema_version,
        sequence=data["sequence"],
        **fields,
    )
