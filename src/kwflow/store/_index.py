"""The case index: one row per case, written in the same transaction as its events.

Lists of cases ("my cases", "open cases in this phase", "due this week")
are read from here and never by replaying histories. The engine computes a
case's `CaseIndexEntry` from the case it has just folded and hands it to
``CaseStore.append(..., summary=...)``; the store writes it with the events,
so the index is never behind the history it describes. ``kwflow verify``
compares each row with what a replay gives; ``kwflow reindex`` rewrites
them (after the schema migration that added the index, for one).

Rows are ordered most recently updated first, ties by case id: the key
`CaseQuery.after` continues from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

PHASE_SEPARATOR = "/"
"""Joins a phase path in the stored text (phase ids are identifiers: never in one)."""


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    # One order for every backend, so rows compare equal whatever returned them.
    return tuple(sorted((str(person), str(role)) for person, role in value))


@attrs.frozen(kw_only=True)
class CaseIndexEntry:
    """What the index knows of one case, as of its event ``version``.

    ``phase_path`` runs from the top-level phase to the leaf the case is in;
    ``outcome`` is set once the case has ended (then it is closed).
    ``updated_at`` is the time of its last event; ``next_due`` the earliest
    due moment of its running deadlines (``None``: none runs).
    ``participants`` holds one ``(person, role)`` pair per role held,
    sorted. ``closed_at`` is when the case reached its outcome, ``held``
    whether a legal hold stops its disposal, ``disposed`` whether it has been
    disposed of: what ``Engine.due_for_disposal`` reads. ``follows`` is the
    earlier case the case follows up, if any.
    """

    case_id: str
    version: int
    process_id: str
    process_version: int
    phase_path: tuple[str, ...] = attrs.field(converter=_names)
    outcome: str | None
    opened_at: datetime
    updated_at: datetime
    next_due: datetime | None
    participants: tuple[tuple[str, str], ...] = attrs.field(converter=_pairs)
    closed_at: datetime | None = None
    held: bool = False
    disposed: bool = False
    follows: str | None = None

    @property
    def phase(self) -> str:
        """The leaf phase the case is in."""
        return self.phase_path[-1]

    @property
    def open(self) -> bool:
        """Whether the case is still running (it has no outcome)."""
        return self.outcome is None

    @property
    def key(self) -> tuple[datetime, str]:
        """Where the row stands in the index's order (`CaseQuery.after` takes it)."""
        return self.updated_at, self.case_id


def phase_path_text(path: Iterable[str]) -> str:
    """The stored form of a phase path: ``/outer/leaf/``."""
    return PHASE_SEPARATOR + PHASE_SEPARATOR.join(path) + PHASE_SEPARATOR


def phase_path_of(text: str) -> tuple[str, ...]:
    """The phase path a stored ``/outer/leaf/`` text holds."""
    return tuple(part for part in text.split(PHASE_SEPARATOR) if part)


@attrs.frozen(kw_only=True)
class CaseQuery:
    """Which index rows `CaseStore.find_cases` returns; every filter given must hold.

    ``person`` and ``role``: the case has a participant matching both (either
    alone: any role of that person, anyone in that role). ``phase``: the
    case's leaf phase or a phase containing it. ``open``: open (``True``) or
    closed (``False``) cases only. ``due_before``: the case's next due
    moment is at or before it. ``follows``: the case follows up this earlier
    case. ``after``: the `CaseIndexEntry.key` of the
    last row of the previous page. ``limit``: at most this many rows
    (``None``: all).
    """

    person: str | None = None
    role: str | None = None
    process: str | None = None
    phase: str | None = None
    open: bool | None = None
    due_before: datetime | None = None
    follows: str | None = None
    after: tuple[datetime, str] | None = None
    limit: int | None = None

    def matches(self, entry: CaseIndexEntry) -> bool:
        """Whether ``entry`` passes every filter (``after`` and ``limit`` aside)."""
        if (self.person is not None or self.role is not None) and not any(
            (self.person is None or person == self.person)
            and (self.role is None or role == self.role)
            for person, role in entry.participants
        ):
            return False
        if self.process is not None and entry.process_id != self.process:
            return False
        if self.phase is not None and self.phase not in entry.phase_path:
            return False
        if self.open is not None and entry.open != self.open:
            return False
        if self.due_before is not None and (
            entry.next_due is None or entry.next_due > self.due_before
        ):
            return False
        if self.follows is not None and entry.follows != self.follows:
            return False
        if self.after is not None:
            at, case_id = self.after
            if not (entry.updated_at < at or (entry.updated_at == at and entry.case_id > case_id)):
                return False
        return True


def in_index_order(entries: Iterable[CaseIndexEntry]) -> list[CaseIndexEntry]:
    """``entries`` most recently updated first, ties by case id (the index's order)."""
    by_id = sorted(entries, key=lambda entry: entry.case_id)
    # Python's sort is stable, also with reverse=True: equal times keep id order.
    return sorted(by_id, key=lambda entry: entry.updated_at, reverse=True)
