"""Checking what a backend read before it is handed out.

Every backend reads the same four things (the case's head, its newest
snapshot, the event the snapshot follows, the events after it) and checks
them here, so tampering is detected the same way everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.exceptions import TamperedHistory
from kwflow.history import compute_hash, verify_history

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kwflow.history import Event

    from ._protocol import Snapshot


def snapshot_usable(snapshot: Snapshot, anchor: Event | None, head_version: int) -> bool:
    """Whether ``snapshot`` may stand in for the events up to its version.

    ``anchor`` is the stored event the snapshot follows. The snapshot is
    trusted only if that event is still there, still carries the snapshot's
    ``last_hash`` and still matches its own content; otherwise the caller
    replays from the events, which then names any tampered event.
    """
    return (
        snapshot.version <= head_version
        and anchor is not None
        and anchor.sequence == snapshot.version
        and anchor.hash == snapshot.last_hash
        and compute_hash(anchor) == anchor.hash
    )


def verify_tail(
    case_id: str,
    events: Sequence[Event],
    *,
    start_sequence: int,
    prev_hash: str,
    head_version: int,
    head_hash: str,
) -> None:
    """Verify ``events`` from ``start_sequence`` and that they end at the recorded head.

    The chain alone cannot notice its last events being deleted; the case's
    head (version and hash, written in the same transaction as the events)
    can, and it also notices rows added after the head.
    """
    verify_history(events, case_id=case_id, start_sequence=start_sequence, prev_hash=prev_hash)
    last_sequence = events[-1].sequence if events else start_sequence - 1
    last_hash = events[-1].hash if events else prev_hash
    if last_sequence < head_version:
        raise TamperedHistory(
            case_id,
            last_sequence + 1,
            "events-removed",
            version=head_version,
            last=last_sequence,
        )
    if last_sequence > head_version:
        raise TamperedHistory(case_id, head_version + 1, "event-inserted", version=head_version)
    if last_hash != head_hash:
        raise TamperedHistory(case_id, head_version, "head-hash")
