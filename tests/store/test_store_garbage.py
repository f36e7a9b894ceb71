"""Hypothesis writes garbage into stored rows: a store never hands out a wrong case.

Whatever lands in whichever column of an event, snapshot or head row, a load
either returns exactly the history that was written (the garbage changed
nothing that is hashed, e.g. the same instant written in another offset) or
raises ``TamperedHistory`` / ``SchemaTooNew`` naming the case. Never another
exception, never different events.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kwflow.exceptions import SchemaTooNew, TamperedHistory
from kwflow.store import SqliteStore
from tests.support.store import chain, snapshot_of

if TYPE_CHECKING:
    from pathlib import Path

EVENT_COLUMNS = [
    "case_id",
    "sequence",
    "type",
    "at",
    "actor",
    "payload",
    "prev_hash",
    "hash",
    "schema_version",
]
SNAPSHOT_COLUMNS = ["version", "last_hash", "state", "checksum", "mac"]
HEAD_COLUMNS = ["version", "last_hash", "mac"]

garbage = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.binary(max_size=20),
    st.sampled_from(
        [
            "{",
            "[]",
            "{}",
            '{"n": 1}',
            "null",
            "2025-03-03T08:01:00+00:00",
            "2025-03-03T09:01:00+01:00",
            "2025-03-03T08:01:00",
            "0" * 64,
            "case_opened",
            "c-2",
            "c-1",
        ]
    ),
    st.integers(min_value=-2, max_value=12),
)

WRITTEN = {"c-1": tuple(chain("c-1", 6)), "c-2": tuple(chain("c-2", 3))}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("garbage") / "template.sqlite3"
    with SqliteStore(path) as store:
        events = list(WRITTEN["c-1"])
        store.append("c-1", 0, events[:4], snapshot=snapshot_of(events[:4]))
        store.append("c-1", 4, events[4:])
        store.append("c-2", 0, list(WRITTEN["c-2"]))
    return path


def _check_every_case(path: Path) -> None:
    with SqliteStore(path) as store:
        for case_id, written in WRITTEN.items():
            for use_snapshot in (True, False):
                named: str | None = None
                try:
                    loaded = store.load(case_id, use_snapshot=use_snapshot)
                except (TamperedHistory, SchemaTooNew) as exc:
                    named = exc.case_id
                else:
                    assert loaded.version == len(written)
                    tail = written[len(written) - len(loaded.events) :]
                    assert loaded.events == tail
                    if loaded.snapshot is not None:
                        assert loaded.snapshot == snapshot_of(written[: loaded.snapshot.version])
                assert named in {None, case_id}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    table=st.sampled_from(["events", "snapshots", "cases"]),
    data=st.data(),
    value=garbage,
)
def test_garbage_in_any_column_never_yields_a_wrong_case(
    template: Path, tmp_path: Path, table: str, data: st.DataObject, value: object
) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(template, path)
    # The key file goes with the database, as SqliteStore.backup copies it.
    shutil.copy(f"{template}-kwflow.key", f"{path}-kwflow.key")
    columns = {"events": EVENT_COLUMNS, "snapshots": SNAPSHOT_COLUMNS, "cases": HEAD_COLUMNS}
    column = data.draw(st.sampled_from(columns[table]), label="column")
    where = "case_id = 'c-1'"
    if table == "events":
        where += f" AND sequence = {data.draw(st.integers(1, 6), label='sequence')}"
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
    except sqlite3.IntegrityError:
        assume(False)  # a key or NOT NULL refused it: nothing to read
    finally:
        conn.close()
    _check_every_case(path)
