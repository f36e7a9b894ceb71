"""A SQL load checks the chain from the rows as stored and still names the first bad event.

The SQL stores hash each row straight from its columns (and skip rows this
store found whole before, byte for byte); only when that finds something off
are the parsed events verified one by one. These tests edit the stored rows
directly and check that a load still refuses what is wrong, names it, and
still reads what is only spelled differently.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import TamperedHistory
from kwflow.history import canonical_json
from tests.support.store import chain

if TYPE_CHECKING:
    from tests.support.store import Backend


def _payload(backend: Backend, sequence: int) -> str:
    rows = backend.sql(
        f"SELECT payload FROM events WHERE case_id = 'c-1' AND sequence = {sequence}"
    )
    return str(rows[0][0])


def _set_payload(backend: Backend, sequence: int, text: str) -> None:
    backend.sql(
        "UPDATE events SET payload = %s WHERE case_id = 'c-1' AND sequence = %s"
        if backend.kind == "postgres"
        else "UPDATE events SET payload = ? WHERE case_id = 'c-1' AND sequence = ?",
        (text, sequence),
    )


@pytest.mark.parametrize("fresh_store", [False, True], ids=["rows-seen-before", "fresh-store"])
def test_an_edited_payload_is_named_by_the_load(sql_backend: Backend, fresh_store: bool) -> None:
    store = sql_backend.open()
    store.append("c-1", 0, chain("c-1", 6))
    assert len(store.load("c-1").events) == 6  # the rows are now known whole
    edited = json.loads(_payload(sql_backend, 4))
    edited["text"] = "changed by someone with the database password"
    _set_payload(sql_backend, 4, canonical_json(edited))
    reader = sql_backend.open() if fresh_store else store

    with pytest.raises(TamperedHistory) as info:
        reader.load("c-1")
    assert (info.value.case_id, info.value.sequence) == ("c-1", 4)
    assert info.value.reason_code == "hash-mismatch"
    # Not remembered as whole: the next load refuses it again.
    with pytest.raises(TamperedHistory):
        reader.load("c-1")


def test_a_payload_spelled_differently_still_loads(sql_backend: Backend) -> None:
    """Not the canonical text (its hash differs), the same event: the one-by-one check reads it."""
    store = sql_backend.open()
    written = chain("c-1", 5)
    store.append("c-1", 0, written)
    canonical = _payload(sql_backend, 3)
    respelled = json.dumps(json.loads(canonical), indent=1, ensure_ascii=True)
    assert respelled != canonical
    _set_payload(sql_backend, 3, respelled)

    for reader in (store, sql_backend.open()):
        loaded = reader.load("c-1").events
        assert [event.hash for event in loaded] == [event.hash for event in written]
        assert loaded[2].payload == written[2].payload
