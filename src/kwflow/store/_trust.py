"""Authenticating what a backend stores with a key the database does not hold.

The hash chain catches an edited event, but whoever can write the database
can also recompute every hash after it and the case's head. So each case's
head (its version and last hash) and each snapshot carry a MAC made with a
`KeyRing` held by the application: a head or snapshot written without the
key does not verify.

- A head that does not verify makes the load (and any append) of that case
  raise `TamperedHistory`: the events cannot be trusted to be all there.
- A snapshot that does not verify is never used: the case is replayed from
  its first event, verified against its (authenticated) head, and the
  rejection is logged as a warning on the ``kwflow.store`` logger and
  counted (``store.rejected_snapshots``). Replaying gives the right case,
  so the host keeps working; the warning tells it someone wrote the row.

A store built without keys writes empty MACs and checks none (the behaviour
before keys existed); see docs/storage.md for what that does not catch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kwflow.exceptions import TamperedHistory
from kwflow.history import UNAUTHENTICATED

if TYPE_CHECKING:
    from kwflow.history import KeyRing

    from ._protocol import Snapshot

log = logging.getLogger("kwflow.store")

_HEAD = "kwflow-head"
_SNAPSHOT = "kwflow-snapshot"


def seal_head(keys: KeyRing | None, case_id: str, version: int, last_hash: str) -> str:
    """The MAC stored with a case's head (empty without keys)."""
    if keys is None:
        return UNAUTHENTICATED
    return keys.mac(_HEAD, case_id, version, last_hash)


def check_head(
    keys: KeyRing | None, case_id: str, version: int, last_hash: str, mac: object
) -> None:
    """Raise `TamperedHistory` unless the head's MAC verifies (nothing to check without keys)."""
    if keys is None or keys.verify(mac, _HEAD, case_id, version, last_hash):
        return
    if mac == UNAUTHENTICATED:
        raise TamperedHistory(case_id, version, "head-unsealed", version=version)
    if isinstance(mac, str) and mac.partition(":")[0] not in keys.keys:
        raise TamperedHistory(
            case_id, version, "head-unknown-key", version=version, key_id=mac.partition(":")[0]
        )
    raise TamperedHistory(case_id, version, "head-mac-mismatch", version=version)


def seal_snapshot(
    keys: KeyRing | None, case_id: str, version: int, last_hash: str, state_text: str
) -> str:
    """The MAC stored with a snapshot (empty without keys)."""
    if keys is None:
        return UNAUTHENTICATED
    return keys.mac(_SNAPSHOT, case_id, version, last_hash, state_text)


def snapshot_authentic(
    keys: KeyRing | None, snapshot: Snapshot, state_text: str, mac: object
) -> bool:
    """Whether a stored snapshot (its state as stored) has a valid MAC; always without keys."""
    return keys is None or keys.verify(
        mac, _SNAPSHOT, snapshot.case_id, snapshot.version, snapshot.last_hash, state_text
    )


def report_rejected_snapshot(case_id: str, version: object) -> None:
    """Log that a snapshot failed authentication and the case is being replayed."""
    log.warning(
        "case %r: the stored snapshot (version %r) fails authentication and is not used; "
        "the case is replayed from its first event. Someone wrote the snapshot row "
        "without the key: check who can write the database.",
        case_id,
        version,
    )
