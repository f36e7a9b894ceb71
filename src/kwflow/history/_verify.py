"""Verifying a stored history: the chain is whole and every hash matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.exceptions import TamperedHistory

from ._event import GENESIS_HASH, Event, compute_hash

if TYPE_CHECKING:
    from collections.abc import Iterable


def verify_history(
    events: Iterable[Event],
    *,
    case_id: str | None = None,
    start_sequence: int = 1,
    prev_hash: str = GENESIS_HASH,
) -> None:
    """Raise ``TamperedHistory`` naming the first event that does not match.

    Checks that sequences run without gaps from ``start_sequence``, that each
    event belongs to the case, links to the hash before it and carries the
    hash of its own content. ``start_sequence`` and ``prev_hash`` let a
    caller verify the part of a history after a trusted snapshot.
    """
    expected_sequence = start_sequence
    expected_prev = prev_hash
    for event in events:
        owner = case_id if case_id is not None else event.case_id
        if event.case_id != owner:
            raise TamperedHistory(owner, event.sequence, "other-case", other=event.case_id)
        if event.sequence != expected_sequence:
            raise TamperedHistory(
                owner,
                expected_sequence,
                "out-of-order",
                expected=expected_sequence,
                found=event.sequence,
            )
        if event.prev_hash != expected_prev:
            raise TamperedHistory(owner, event.sequence, "broken-link")
        if compute_hash(event) != event.hash:
            raise TamperedHistory(owner, event.sequence, "hash-mismatch")
        expected_prev = event.hash
        expected_sequence += 1
