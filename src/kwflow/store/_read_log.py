"""The read log: who read which document of which case, when, through which call.

OSPOD keeps a record of who inspected a file; the engine writes one
`ReadEntry` per document it hands to a person through a person-scoped call
(``view``, ``history_for``), all the entries of one call in one batch. The
log sits in its own table, apart from the hash-chained events: a read
changes nothing about a case, and logging it must never make a case's
history longer or its chain different.

Entries are numbered by the store in the order they were written; a page
continues after the ``number`` of the last entry of the previous one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

__all__ = ["ReadEntry", "ReadLogQuery", "versions_from_text", "versions_text"]


# Converters run for every entry the engine logs, on every view: ``map``
# gives the same tuple as a generator of ``int(...)`` in two thirds the time.


def _versions(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(map(int, value))


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(map(str, value))


@attrs.frozen(kw_only=True)
class ReadEntry:
    """One document one person was shown, as the read log keeps it.

    ``versions`` are the document's version numbers that were shown (a
    view shows every version; a redacted history only those recorded in
    it). ``fields`` is empty when the whole document was shown, else the
    fields the person's per-field read rights let through. ``call`` names
    the engine call (``view``, ``history_for``); ``access`` how the person
    came to read it (``participant``, or the capability the host granted:
    ``supervision``, ``audit``). ``number`` is given by the store (0 before
    it is stored).
    """

    case_id: str
    person: str
    artifact: str
    versions: tuple[int, ...] = attrs.field(converter=_versions)
    fields: tuple[str, ...] = attrs.field(default=(), converter=_names)
    at: datetime
    call: str
    access: str
    number: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON data: the moment in ISO 8601 (UTC)."""
        return {
            "number": self.number,
            "case_id": self.case_id,
            "person": self.person,
            "artifact": self.artifact,
            "versions": list(self.versions),
            "fields": list(self.fields),
            "at": self.at.isoformat(),
            "call": self.call,
            "access": self.access,
        }


@attrs.frozen(kw_only=True)
class ReadLogQuery:
    """A page of the read log: entries of one case and/or one person, oldest first.

    ``after`` is the ``number`` of the last entry already seen (0: from the
    start); at most ``limit`` entries come back.
    """

    case_id: str | None = None
    person: str | None = None
    after: int = 0
    limit: int = 100

    def matches(self, entry: ReadEntry) -> bool:
        """Whether ``entry`` belongs to this query's pages (``after`` included)."""
        return (
            entry.number > self.after
            and (self.case_id is None or entry.case_id == self.case_id)
            and (self.person is None or entry.person == self.person)
        )


def versions_text(versions: tuple[int, ...]) -> str:
    """The stored form of version numbers: ``1,2,3``."""
    return ",".join(str(number) for number in versions)


def versions_from_text(text: str) -> tuple[int, ...]:
    """Version numbers read back from `versions_text`."""
    return tuple(int(part) for part in text.split(",") if part)
