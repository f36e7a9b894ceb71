"""A case's events as one person may see them (`Engine.history_for`).

Two kinds of event carry a document's data: ``artifact_submitted`` (in
``data``) and ``action_taken`` with ``records`` (in ``records.data``). Their
data is cut by the reader's rights exactly as `Engine.view` cuts a
document: all of it, some fields (``read_fields``), or none; the copy of a
per-person document about the reader is theirs to read whole. Every other
event says who did what and when, which the case's participants see in
their view anyway, and is passed on as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kwflow.history import EventType, FrozenMap

from ._access import visible_data
from ._records import HistoryEntry

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.history import Event

    from ._access import Reader
    from ._compiled import CompiledProcess

__all__ = ["redact_event"]

_SUBMITTED = EventType.ARTIFACT_SUBMITTED.value
_ACTED = EventType.ACTION_TAKEN.value
_MIGRATED = EventType.CASE_MIGRATED.value

Shown = tuple[str, int, bool]
"""A document an entry shows: artifact id, version number, whether only in part."""


def redact_event(
    event: Event, compiled: CompiledProcess, reader: Reader
) -> tuple[HistoryEntry, Shown | None]:
    """The entry ``reader`` sees for ``event``, and the document it shows them, if any."""
    payload = event.payload
    if event.type == _MIGRATED and payload.get("documents"):
        return _migrated_entry(event, compiled, reader), None
    if event.type == _SUBMITTED:
        document: Mapping[str, Any] = payload
        path: tuple[str, ...] = ()
    elif event.type == _ACTED and isinstance(payload.get("records"), dict | FrozenMap):
        document = payload["records"]
        path = ("records",)
    else:
        return _entry(event, payload), None
    artifact_id = document.get("artifact")
    schema = compiled.artifacts.get(artifact_id) if isinstance(artifact_id, str) else None
    if schema is None:
        # Not a document this process knows: show nothing of its data.
        return _entry(event, _replace(payload, path, None), redacted=str(artifact_id)), None
    fields = reader.fields(schema)
    number = document.get("version")
    if fields is not None and document.get("about") == reader.person:
        fields = None  # a copy of a per-person document is read whole by the person it is about
    if fields is None:
        return _entry(event, payload), (schema.id, number, False)  # type: ignore[return-value]
    if not fields:
        return _entry(event, _replace(payload, path, None), redacted=schema.id), None
    data = document.get("data")
    kept = visible_data(data if isinstance(data, dict | FrozenMap) else {}, fields)
    hidden = tuple(f.id for f in schema.artifact.fields if f.id not in fields)
    entry = _entry(event, _replace(payload, path, kept), hidden_fields=hidden)
    return entry, (schema.id, number, True)  # type: ignore[return-value]


def _migrated_entry(event: Event, compiled: CompiledProcess, reader: Reader) -> HistoryEntry:
    """A ``case_migrated`` event with each document's data cut to what ``reader`` may read.

    The documents it carries are versions of the new version's documents (a
    field renamed, a default given): shown as their submission would be.
    """
    documents = []
    hidden: list[str] = []
    for document in event.payload["documents"]:
        schema = compiled.artifacts.get(document["artifact"])
        fields = None if schema is None else reader.fields(schema)
        if schema is not None and fields is not None and document.get("about") == reader.person:
            fields = None
        if schema is None or (fields is not None and not fields):
            documents.append(FrozenMap({k: v for k, v in document.items() if k != "data"}))
            hidden.append(str(document["artifact"]))
        elif fields is None:
            documents.append(document)
        else:
            documents.append(
                FrozenMap({**document, "data": visible_data(document["data"], fields)})
            )
    payload = FrozenMap({**event.payload, "documents": tuple(documents)})
    return _entry(event, payload, redacted=", ".join(hidden) or None)


def _replace(
    payload: Mapping[str, Any], path: tuple[str, ...], data: FrozenMap[str, Any] | None
) -> FrozenMap[str, Any]:
    """``payload`` with the document's data at ``path`` kept in part (or left out)."""
    if path:
        inner = _replace(payload[path[0]], path[1:], data)
        return FrozenMap({**payload, path[0]: inner})
    without = {key: value for key, value in payload.items() if key != "data"}
    if data is not None:
        without["data"] = data
    return FrozenMap(without)


def _entry(
    event: Event,
    payload: Mapping[str, Any],
    *,
    redacted: str | None = None,
    hidden_fields: tuple[str, ...] = (),
) -> HistoryEntry:
    return HistoryEntry(
        sequence=event.sequence,
        type=event.type,
        at=event.at,
        actor=event.actor,
        payload=payload if isinstance(payload, FrozenMap) else FrozenMap(payload),
        redacted=redacted,
        hidden_fields=hidden_fields,
    )
