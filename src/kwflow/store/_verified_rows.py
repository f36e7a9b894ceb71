"""Stored event rows already hashed and found linked, so an append need not hash them again.

Every append re-reads the case's events since its newest snapshot and checks
that they still hash and link up to the head (issue 11: a warm engine must
not build on an edited event). Between two appends those rows are almost
always the very rows checked last time, so hashing them again is work
repeated on every command: with 50 events between snapshots, about 25 rows
per command, the largest CPU cost of an append (benchmarks/bench_commit.py).

A row read back byte for byte equal to one already hashed and linked (every
column, its stored hash included) has the same hash: it needs no second
computation. Anything else (an edited column, a row this process never saw)
is hashed as before. The rows are compared, not fingerprinted, so no weaker
hash stands in for SHA-256. Memory is bounded: the rows of at most
``MAX_CASES`` cases, each only since its newest snapshot.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_CASES = 512
"""Cases whose checked rows are kept; the least recently appended-to goes first."""


class VerifiedRows:
    """Per case, the stored rows (by sequence) last found to hash and link up to the head."""

    def __init__(self, max_cases: int = MAX_CASES) -> None:
        self._max = max_cases
        self._rows: OrderedDict[str, dict[int, tuple[Any, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, case_id: str) -> dict[int, tuple[Any, ...]]:
        """The case's checked rows by sequence (empty when none are kept); do not change it."""
        with self._lock:
            return self._rows.get(case_id, {})

    def remember(self, case_id: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Keep ``rows`` (just checked, sequence in column 1) as the case's checked rows."""
        with self._lock:
            self._rows[case_id] = {row[1]: row for row in rows}
            self._rows.move_to_end(case_id)
            while len(self._rows) > self._max:
                self._rows.popitem(last=False)

    def forget(self, case_id: str) -> None:
        """Drop what is kept of the case (its rows changed or are gone)."""
        with self._lock:
            self._rows.pop(case_id, None)
