"""Damaged rows on the SQL backends: clear errors naming the case and event, never a wrong case."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import MalformedEvent, SchemaTooNew, TamperedHistory
from kwflow.history import EVENT_SCHEMA_VERSION
from tests.support.store import chain, snapshot_of

if TYPE_CHECKING:
    from tests.support.store import Backend

# (SQL assignment for event 3, backends it applies to). PostgreSQL's typed
# columns (timestamptz, integer) cannot hold some of SQLite's nonsense.
MALFORMED = {
    "truncated JSON payload": ("payload = substr(payload, 1, 9)", {"sqlite", "postgres"}),
    "payload not an object": ("payload = '[1, 2]'", {"sqlite", "postgres"}),
    "empty payload": ("payload = ''", {"sqlite", "postgres"}),
    "time not a time": ("at = 'yesterday-ish'", {"sqlite"}),
    "time a number": ("at = 12", {"sqlite"}),
    "actor a blob": ("actor = x'6a616e'", {"sqlite"}),
    "hash a blob": ("hash = x'00ff'", {"sqlite"}),
    "schema version text": ("schema_version = 'one'", {"sqlite"}),
    "schema version zero": ("schema_version = 0", {"sqlite", "postgres"}),
    "type null": ("type = NULL", set()),  # NOT NULL on both: shown impossible below
}


def _corrupt(backend: Backend, assignment: str, sequence: int = 3) -> None:
    backend.sql(f"UPDATE events SET {assignment} WHERE case_id = 'c-1' AND sequence = {sequence}")


@pytest.mark.parametrize(
    ("sql_backend", "name"),
    [
        pytest.param(kind, name, marks=[pytest.mark.postgres] if kind == "postgres" else [])
        for name, (_, kinds) in MALFORMED.items()
        for kind in sorted(kinds)
    ],
    indirect=["sql_backend"],
)
def test_a_malformed_row_names_case_and_event(sql_backend: Backend, name: str) -> None:
    assignment, _ = MALFORMED[name]
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 5))
    store.append("c-2", 0, chain("c-2", 5))
    _corrupt(sql_backend, assignment)

    with pytest.raises(MalformedEvent) as info:
        store.load("c-1")
    assert (info.value.case_id, info.value.sequence) == ("c-1", 3)
    assert "malformed" in str(info.value)
    assert isinstance(info.value, TamperedHistory)
    with pytest.raises(MalformedEvent):
        store.events("c-1")
    # Not even unverified reading hands out a row it cannot read.
    with pytest.raises(MalformedEvent):
        sql_backend.open(verify=False).load("c-1")
    assert store.load("c-2").version == 5


def test_columns_refuse_null(sql_backend: Backend) -> None:
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 3))
    with pytest.raises(Exception, match=r"(?i)not.null|NOT NULL"):
        _corrupt(sql_backend, "type = NULL")


@pytest.mark.parametrize("sql_backend", ["sqlite"], indirect=True)
def test_a_sequence_column_with_nonsense_names_its_position(sql_backend: Backend) -> None:
    # (PostgreSQL's integer column cannot hold text at all.)
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 5))
    # Text sorts after every integer in SQLite: the row reads last.
    sql_backend.sql("UPDATE events SET sequence = 'three' WHERE case_id = 'c-1' AND sequence = 3")
    with pytest.raises(TamperedHistory) as info:
        store.load("c-1")
    assert info.value.sequence in {3, 5}
    assert info.value.case_id == "c-1"


def test_an_event_from_a_newer_kwflow_says_upgrade(sql_backend: Backend) -> None:
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 4))
    store.append("c-2", 0, chain("c-2", 4))
    _corrupt(sql_backend, f"schema_version = {EVENT_SCHEMA_VERSION + 1}", sequence=2)

    with pytest.raises(SchemaTooNew) as info:
        store.load("c-1")
    assert (info.value.case_id, info.value.sequence) == ("c-1", 2)
    assert info.value.found == EVENT_SCHEMA_VERSION + 1
    assert "upgrade kwflow" in str(info.value)
    assert "c-1" in str(info.value)
    assert store.load("c-2").version == 4


def test_a_malformed_head_row_is_reported(sql_backend: Backend) -> None:
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 2))
    sql_backend.sql("UPDATE cases SET last_hash = 'nope' WHERE case_id = 'c-1'")
    with pytest.raises(TamperedHistory) as info:
        store.load("c-1")
    assert info.value.case_id == "c-1"
    assert info.value.sequence == 2


# -- snapshots are a cache: any damage means a full replay, never a wrong case ----------

SNAPSHOT_DAMAGE = {
    "state truncated": "state = substr(state, 1, 5)",
    "state replaced": """state = '{"phase":"forged","seen":[1]}'""",
    "version moved back": "version = 2",
    "version beyond the case": "version = 99",
    "hash of another event": "last_hash = (SELECT hash FROM events "
    "WHERE case_id = 'c-1' AND sequence = 1)",
    "checksum emptied": "checksum = ''",
    "state not an object": "state = '[]'",
}


@pytest.mark.parametrize("name", list(SNAPSHOT_DAMAGE))
def test_a_damaged_snapshot_falls_back_to_full_replay(sql_backend: Backend, name: str) -> None:
    store = sql_backend.open()
    events = chain("c-1", 6)
    store.append("c-1", 0, events, snapshot=snapshot_of(events[:4]))
    sql_backend.sql(f"UPDATE snapshots SET {SNAPSHOT_DAMAGE[name]} WHERE case_id = 'c-1'")

    loaded = store.load("c-1")
    assert loaded.snapshot is None
    assert loaded.events == tuple(events)


def test_a_snapshot_whose_event_row_is_malformed_is_not_used(sql_backend: Backend) -> None:
    store = sql_backend.open()
    events = chain("c-1", 6)
    store.append("c-1", 0, events, snapshot=snapshot_of(events[:4]))
    _corrupt(sql_backend, "payload = '{'", sequence=4)
    with pytest.raises(MalformedEvent) as info:
        store.load("c-1")
    assert info.value.sequence == 4
