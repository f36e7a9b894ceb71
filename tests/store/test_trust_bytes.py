"""Any single-byte edit of any stored row (events, heads, snapshots) is detected, on SQLite.

With the documented setup (the key file beside the database, and a
checkpoint kept elsewhere) an edit is found by a load, a full read, a
rejected snapshot or the checkpoint. Two edits may pass unnoticed, and
change nothing: a time written with another spelling of the same instant
(``-00:00`` for ``+00:00``), and a snapshot moved to a case id that does
not exist (a cache no load reads any more, like a deleted snapshot); then
every case reads back exactly as written.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import kwflow
from kwflow.exceptions import CaseNotFound, SchemaTooNew, TamperedHistory
from kwflow.store import SqliteStore
from kwflow.store._codec import EVENT_COLUMNS
from tests.support.store import chain, snapshot_of
from tests.support.trust import signing_pair

if TYPE_CHECKING:
    from pathlib import Path

WRITTEN = {"c-1": tuple(chain("c-1", 6)), "c-2": tuple(chain("c-2", 3))}
COLUMNS = {
    "events": list(EVENT_COLUMNS),
    "cases": ["case_id", "version", "last_hash", "mac"],
    "snapshots": ["case_id", "version", "last_hash", "state", "checksum", "mac"],
}
ROWS: dict[str, list[tuple[str, int | None]]] = {
    "events": [(c, e.sequence) for c, events in WRITTEN.items() for e in events],
    "cases": [("c-1", None), ("c-2", None)],
    "snapshots": [("c-1", None)],
}
_SIGNING, _PUBLIC = signing_pair()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database with two cases (one with a snapshot) and a checkpoint taken of it."""
    path = tmp_path_factory.mktemp("bytes") / "template.sqlite3"
    with SqliteStore(path) as store:
        events = list(WRITTEN["c-1"])
        store.append("c-1", 0, events[:4], snapshot=snapshot_of(events[:4]))
        store.append("c-1", 4, events[4:])
        store.append("c-2", 0, list(WRITTEN["c-2"]))
        checkpoint = kwflow.Engine(kwflow.Registry(), store=store).checkpoint(_SIGNING)
    return path, checkpoint


def _edited(value: Any, position: int, replacement: str) -> Any:
    """``value`` with one character (a byte of its text) replaced."""
    text = str(value)
    index = position % len(text)
    assume(text[index] != replacement)
    changed = text[:index] + replacement + text[index + 1 :]
    if isinstance(value, int):
        assume(changed.lstrip("-").isdigit())
        return int(changed)
    return changed


def _detected(path: Path, checkpoint: str) -> bool:
    with SqliteStore(path) as store:
        engine = kwflow.Engine(kwflow.Registry(), store=store)
        try:
            engine.verify_checkpoint(checkpoint, _PUBLIC, full=True)
            for case_id, events in WRITTEN.items():
                loaded = store.load(case_id)
                store.load(case_id, use_snapshot=False)
                assert loaded.version == len(events)
        except (TamperedHistory, SchemaTooNew, CaseNotFound):
            return True
        if store.rejected_snapshots:
            return True
        # Undetected: then nothing that is hashed changed at all.
        for case_id, events in WRITTEN.items():
            assert store.events(case_id) == events
        return False


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(sorted(COLUMNS)),
    data=st.data(),
    position=st.integers(0, 10_000),
    replacement=st.characters(min_codepoint=32, max_codepoint=126),
)
def test_every_single_byte_edit_of_a_stored_row_is_detected(  # noqa: PLR0917 - hypothesis
    template: tuple[Path, str],
    tmp_path: Path,
    table: str,
    data: st.DataObject,
    position: int,
    replacement: str,
) -> None:
    source, checkpoint = template
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(source, path)
    shutil.copy(f"{source}-kwflow.key", f"{path}-kwflow.key")
    column = data.draw(st.sampled_from(COLUMNS[table]), label="column")
    case_id, sequence = data.draw(st.sampled_from(ROWS[table]), label="row")
    where = "case_id = ?" + (" AND sequence = ?" if sequence is not None else "")
    params: tuple[object, ...] = (case_id,) if sequence is None else (case_id, sequence)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        (value,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}", params).fetchone()
        assume(value is not None and str(value))
        new = _edited(value, position, replacement)
        note(f"{table}.{column} of {params}: {value!r} -> {new!r}")
        try:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (new, *params))
        except sqlite3.IntegrityError:
            assume(False)  # the edit collides with another row's key: not a stored edit
    finally:
        conn.close()
    if not _detected(path, checkpoint):
        assert (table, column) == ("events", "at") or (
            (table, column) == ("snapshots", "case_id") and new not in WRITTEN
        )
