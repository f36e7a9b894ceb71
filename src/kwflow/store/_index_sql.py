"""The case index in SQL: its statements and the query `find_cases` builds.

Shared by both SQL backends like ``_sql``; what differs is passed in (the
placeholder, the table prefix, how times are encoded). Every value is a
parameter; only the prefix (a validated identifier) and fixed column names
are put into the text.
"""

# S608: see _sql: only the validated table prefix is put into the text.
# ruff: noqa: S608

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from ._index import CaseIndexEntry, phase_path_of, phase_path_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._index import CaseQuery

INDEX_COLUMNS = (
    "case_id",
    "version",
    "process_id",
    "process_version",
    "phase",
    "phase_path",
    "outcome",
    "is_open",
    "opened_at",
    "updated_at",
    "next_due",
    "participants",
    "closed_at",
    "held",
    "disposed",
    "follows",
)
_SELECTED = ", ".join(f"c.{column}" for column in INDEX_COLUMNS if column != "is_open")


@attrs.frozen(kw_only=True)
class IndexSql:
    """The case-index statements of one backend."""

    prefix: str
    placeholder: str

    def q(self, sql: str) -> str:
        """``sql`` with ``?`` replaced by the backend's placeholder."""
        return sql.replace("?", self.placeholder)

    @property
    def upsert(self) -> str:
        """Insert or replace one case's row."""
        columns = ", ".join(INDEX_COLUMNS)
        marks = ", ".join("?" * len(INDEX_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in INDEX_COLUMNS if c != "case_id")
        return self.q(
            f"INSERT INTO {self.prefix}case_index ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (case_id) DO UPDATE SET {updates}"
        )

    @property
    def delete_people(self) -> str:
        """Remove one case's participants."""
        return self.q(f"DELETE FROM {self.prefix}case_people WHERE case_id = ?")

    @property
    def insert_person(self) -> str:
        """Add one (person, role, case) row."""
        return self.q(
            f"INSERT INTO {self.prefix}case_people (person, role, case_id) VALUES (?, ?, ?)"
        )

    @property
    def delete_phases(self) -> str:
        """Remove one case's phases."""
        return self.q(f"DELETE FROM {self.prefix}case_phases WHERE case_id = ?")

    @property
    def insert_phase(self) -> str:
        """Add one (phase, case) row: the leaf, or a phase around it."""
        return self.q(f"INSERT INTO {self.prefix}case_phases (phase, case_id) VALUES (?, ?)")

    @property
    def entry_of(self) -> str:
        """One case's row."""
        return self.q(f"SELECT {_SELECTED} FROM {self.prefix}case_index c WHERE c.case_id = ?")

    def find(
        self, query: CaseQuery, time_param: Callable[[Any], object], no_limit: object
    ) -> tuple[str, list[object]]:
        """The statement and parameters of ``find_cases(query)``."""
        where: list[str] = []
        params: list[object] = []
        if query.person is not None or query.role is not None:
            people = []
            if query.person is not None:
                people.append("p.person = ?")
                params.append(query.person)
            if query.role is not None:
                people.append("p.role = ?")
                params.append(query.role)
            # Through (person, role, case_id) or (role, case_id): a person's
            # few cases are found without scanning the index.
            where.append(
                f"c.case_id IN (SELECT p.case_id FROM {self.prefix}case_people p "
                f"WHERE {' AND '.join(people)})"
            )
        if query.process is not None:
            where.append("c.process_id = ?")
            params.append(query.process)
        if query.phase is not None:
            # case_phases holds every phase on the path: the leaf or any
            # phase around it is one primary-key lookup.
            where.append(
                f"c.case_id IN (SELECT h.case_id FROM {self.prefix}case_phases h WHERE h.phase = ?)"
            )
            params.append(query.phase)
        if query.open is not None:
            where.append("c.is_open = ?")
            params.append(query.open)
        if query.due_before is not None:
            where.append("c.next_due <= ?")
            params.append(time_param(query.due_before))
        if query.follows is not None:
            where.append("c.follows = ?")
            params.append(query.follows)
        if query.after is not None:
            at, case_id = query.after
            where.append("(c.updated_at < ? OR (c.updated_at = ? AND c.case_id > ?))")
            params.extend((time_param(at), time_param(at), case_id))
        sql = f"SELECT {_SELECTED} FROM {self.prefix}case_index c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY c.updated_at DESC, c.case_id LIMIT ?"
        params.append(no_limit if query.limit is None else max(query.limit, 0))
        return self.q(sql), params


def entry_params(entry: CaseIndexEntry, time_param: Callable[[Any], object]) -> tuple[object, ...]:
    """The column values of ``entry`` in `INDEX_COLUMNS` order."""
    return (
        entry.case_id,
        entry.version,
        entry.process_id,
        entry.process_version,
        entry.phase,
        phase_path_text(entry.phase_path),
        entry.outcome,
        entry.open,
        time_param(entry.opened_at),
        time_param(entry.updated_at),
        None if entry.next_due is None else time_param(entry.next_due),
        json.dumps([list(pair) for pair in entry.participants], ensure_ascii=False),
        None if entry.closed_at is None else time_param(entry.closed_at),
        entry.held,
        entry.disposed,
        entry.follows,
    )


def entry_from_row(row: tuple[Any, ...], time_value: Callable[[Any], Any]) -> CaseIndexEntry:
    """The entry a selected row (every column but ``is_open``) holds."""
    (
        case_id,
        version,
        process_id,
        process_version,
        _phase,
        phase_path,
        outcome,
        opened_at,
        updated_at,
        next_due,
        participants,
        closed_at,
        held,
        disposed,
        follows,
    ) = row
    return CaseIndexEntry(
        case_id=case_id,
        version=int(version),
        process_id=process_id,
        process_version=int(process_version),
        phase_path=phase_path_of(phase_path),
        outcome=outcome,
        opened_at=time_value(opened_at),
        updated_at=time_value(updated_at),
        next_due=None if next_due is None else time_value(next_due),
        participants=[(person, role) for person, role in json.loads(participants)],
        closed_at=None if closed_at is None else time_value(closed_at),
        held=bool(held),
        disposed=bool(disposed),
        follows=follows,
    )
