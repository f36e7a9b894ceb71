"""What is left of a disposed case: its disposal record (a tombstone), and how it is checked.

Disposing of a case (``Engine.dispose``) deletes its events, snapshot,
deadlines, data-subject keys and the people in its index row, and writes in
the same transaction one row that says the case existed and was disposed of:
which process it ran, when it was opened, closed and disposed of, its
outcome, who disposed of it and why, how many events it had and the hash of
each (the last one is the head a signed checkpoint saw). Nothing in it is
about a person but the id of the one who disposed of it.

The record is verifiable in the same ways a history is:

- the case's head row (table ``cases``) stays, with its MAC, and is marked
  disposed: the record must name the same version and head hash;
- the record carries its own MAC, made with the store's key ring (a record
  written or changed without the key does not verify);
- a signed checkpoint taken before the disposal still verifies: the record's
  hashes stand for the events that are gone.

A disposed case whose record is missing, or does not match, raises
`TamperedHistory`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.exceptions import TamperedHistory
from kwflow.history import UNAUTHENTICATED, canonical_json

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kwflow.history import KeyRing

__all__ = ["DisposalRecord", "check_disposal_record", "record_from_text", "seal_record"]

_RECORD = "kwflow-disposal-record"


def _hashes(value: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(each) for each in value)


@attrs.frozen(kw_only=True)
class DisposalRecord:
    """A disposed case as the store keeps it: a minimal record that it existed.

    ``events`` is how many events the case had when it was disposed of,
    ``head_hash`` the hash of the last one, ``hashes`` the hash of every
    event in order (so a checkpoint taken at any earlier version still
    verifies). ``disposed_by`` and ``reason`` come from the `Dispose`
    command; ``retention`` is the period that applied, as text.
    """

    case_id: str
    process_id: str
    process_version: int
    opened_at: datetime
    closed_at: datetime
    disposed_at: datetime
    outcome: str
    disposed_by: str
    reason: str
    retention: str
    events: int
    head_hash: str
    hashes: tuple[str, ...] = attrs.field(converter=_hashes)

    def to_text(self) -> str:
        """The record as canonical JSON: what is stored and authenticated."""
        return canonical_json(
            {
                "case_id": self.case_id,
                "process": {"id": self.process_id, "version": self.process_version},
                "opened_at": self.opened_at.isoformat(),
                "closed_at": self.closed_at.isoformat(),
                "disposed_at": self.disposed_at.isoformat(),
                "outcome": self.outcome,
                "disposed_by": self.disposed_by,
                "reason": self.reason,
                "retention": self.retention,
                "events": self.events,
                "head_hash": self.head_hash,
                "hashes": list(self.hashes),
            }
        )


def record_from_text(case_id: str, text: object) -> DisposalRecord:
    """The record a stored text holds; `TamperedHistory` if it is not one."""
    try:
        data: Any = json.loads(str(text))
        return DisposalRecord(
            case_id=data["case_id"],
            process_id=data["process"]["id"],
            process_version=int(data["process"]["version"]),
            opened_at=datetime.fromisoformat(data["opened_at"]),
            closed_at=datetime.fromisoformat(data["closed_at"]),
            disposed_at=datetime.fromisoformat(data["disposed_at"]),
            outcome=str(data["outcome"]),
            disposed_by=str(data["disposed_by"]),
            reason=str(data["reason"]),
            retention=str(data["retention"]),
            events=int(data["events"]),
            head_hash=str(data["head_hash"]),
            hashes=tuple(str(h) for h in data["hashes"]),
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise TamperedHistory(case_id, 0, "disposal-record-malformed") from exc


def seal_record(keys: KeyRing | None, text: str) -> str:
    """The MAC stored with a disposal record (empty without keys)."""
    if keys is None:
        return UNAUTHENTICATED
    return keys.mac(_RECORD, text)


def check_disposal_record(
    keys: KeyRing | None,
    case_id: str,
    head: tuple[int, str],
    stored: tuple[object, object] | None,
) -> DisposalRecord:
    """The disposal record of a case whose head row says it was disposed of, checked.

    ``head`` is the (version, hash) of the case's head row, ``stored`` the
    record's (text, MAC) as stored, ``None`` when there is none. Raises
    `TamperedHistory` when the record is missing, does not verify with the
    key ring, or names another head or case.
    """
    version, head_hash = head
    if stored is None:
        raise TamperedHistory(case_id, version, "disposal-record-missing")
    text, mac = stored
    if keys is not None and not keys.verify(mac, _RECORD, text):
        raise TamperedHistory(case_id, version, "disposal-record-mac-mismatch")
    record = record_from_text(case_id, text)
    if (
        record.case_id != case_id
        or record.events != version
        or record.head_hash != head_hash
        or len(record.hashes) != version
        or (record.hashes and record.hashes[-1] != head_hash)
    ):
        raise TamperedHistory(case_id, version, "disposal-record-differs", version=version)
    return record
