"""Taking a signed checkpoint of every case's head, and proving a store still agrees with one.

A checkpoint (see `kwflow.history.sign_checkpoint`) is the one thing the
authenticated heads cannot give: a record, kept away from the database, of
how far each case had got. An old head row copied back from a backup still
carries a valid MAC, and a deleted case leaves nothing to check; against a
checkpoint both show up, as does a consistent rewrite (every hash and the
head recomputed) of anything the checkpoint saw, even by someone holding
the MAC key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.exceptions import TamperedHistory
from kwflow.history import CaseHead, read_checkpoints, sign_checkpoint

if TYPE_CHECKING:
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from kwflow.history import Checkpoint
    from kwflow.store import CaseStore


def take_checkpoint(
    store: CaseStore, *, signing_key: Ed25519PrivateKey, now: datetime
) -> Checkpoint:
    """Every case's current (authenticated) head, signed at ``now``."""
    heads = [
        CaseHead(case_id=case_id, version=version, hash=last_hash)
        for case_id, version, last_hash in store.heads()
    ]
    return sign_checkpoint(heads, time=now, signing_key=signing_key)


def verify_against_store(
    store: CaseStore, text: str, *, public_key: Ed25519PublicKey, full: bool = False
) -> Checkpoint:
    """Prove the store still holds everything the newest checkpoint in ``text`` saw.

    Every checkpoint in ``text`` must carry a valid signature
    (`CheckpointInvalid` otherwise); the newest one is compared with the
    store: each case it lists must still exist, be at that version or later,
    and have the same hash at that version. The first case that does not
    raises `TamperedHistory` naming it and the version. With ``full``, every
    case's whole history is also verified (its hash chain, to its head),
    and each disposed case's disposal record. A disposed case is compared
    through the hashes its record keeps, so a checkpoint taken before the
    disposal still verifies.
    Returns the checkpoint verified.
    """
    checkpoint = read_checkpoints(text, public_key)[-1]
    when = checkpoint.time.isoformat()
    current = {case_id: (version, last_hash) for case_id, version, last_hash in store.heads()}
    for head in checkpoint.heads:
        found = current.get(head.case_id)
        if found is None:
            raise TamperedHistory(
                head.case_id, head.version, "vanished", when=when, version=head.version
            )
        version, last_hash = found
        if version < head.version:
            raise TamperedHistory(
                head.case_id,
                version + 1,
                "rolled-back",
                version=version,
                when=when,
                seen=head.version,
            )
        stored = (
            last_hash if version == head.version else store.event_hash(head.case_id, head.version)
        )
        if stored != head.hash:
            raise TamperedHistory(head.case_id, head.version, "rewritten", when=when)
    if full:
        for case_id in current:
            # A disposed case has no events left: its record (checked
            # against its authenticated head) stands for them.
            if store.disposal_record(case_id) is None:
                store.events(case_id)
    return checkpoint
