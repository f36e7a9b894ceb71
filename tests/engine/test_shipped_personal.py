"""The shipped processes' personal fields: sealed when stored, clear when read, erasable.

And the engines a host makes without thinking about keys: a memory store
and the default SQLite store carry a key ring; a store without one gives a
clear error and stores nothing.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import pytest

from kwflow import ERASED, Engine, MemoryStore, Organisation, SimulatedClock, SqliteStore
from kwflow.definition import Registry
from kwflow.exceptions import DataKeyUnavailable
from kwflow.history import is_sealed
from tests.support.runtime import START, Unchanged, check_case

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.store import CaseStore

OSPOD = Organisation("ospod_brno", "ospod")
MARKER = "the school reports the child comes hungry (marker 71c2)"
REFERRAL = {
    "referred_on": date(2026, 10, 12),
    "concerns": MARKER,
    "question": "How will the child be fed?",
    "bottom_lines": [{"condition": "A warm meal every day."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


def _referred(store: CaseStore) -> Engine:
    engine = Engine(Registry.shipped(), store=store, clock=SimulatedClock(START))
    engine.open_case("family_conference", by="sw", organisation=OSPOD, case_id="f1")
    engine.assign("f1", "kim", "child", by="sw")
    engine.submit("f1", "referral", REFERRAL, by="sw")
    return engine


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_the_shipped_family_conference_seals_its_personal_fields(kind: str, tmp_path: Path) -> None:
    store: CaseStore = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "c.sqlite3")
    engine = _referred(store)
    (event,) = [e for e in engine.store.events("f1") if e.type == "artifact_submitted"]
    stored = event.payload["data"]
    assert is_sealed(stored["concerns"])
    assert is_sealed(stored["bottom_lines"])  # a list is sealed whole
    assert stored["child_age_band"] == "under_seven"  # not personal
    assert MARKER not in json.dumps([e.to_dict() for e in engine.store.events("f1")])
    assert engine.view("f1", "sw").artifacts["referral"][-1].data["concerns"] == MARKER
    case = engine.erase("f1", "kim", by="dpo", reason="asked")
    assert case.latest("referral").data["concerns"] == ERASED  # type: ignore[union-attr]
    check_case(engine, case)


def test_a_store_without_a_key_ring_refuses_personal_data_clearly() -> None:
    engine = Engine(Registry.shipped(), store=MemoryStore(keys=None), clock=SimulatedClock(START))
    engine.open_case("family_conference", by="sw", organisation=OSPOD, case_id="f1")
    engine.assign("f1", "kim", "child", by="sw")
    with Unchanged(engine, "f1"), pytest.raises(DataKeyUnavailable) as caught:
        engine.submit("f1", "referral", REFERRAL, by="sw")
    assert caught.value.problem == "no-ring"
    assert "Engine(data_keys=...)" in str(caught.value)
    assert "sadu klíčů" in caught.value.render("cs")
    # The same store with the host's ring given to the engine works.
    from kwflow.history import KeyRing

    keyed = Engine(
        Registry.shipped(),
        store=engine.store,
        clock=SimulatedClock(START),
        data_keys=KeyRing.generate(),
    )
    keyed.submit("f1", "referral", REFERRAL, by="sw")
    assert keyed.get_unfiltered("f1").latest("referral") is not None


def test_the_default_store_engine_has_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWFLOW_DB", str(tmp_path / "default.sqlite3"))
    engine = Engine(Registry.shipped(), clock=SimulatedClock(START))
    engine.open_case("family_conference", by="sw", organisation=OSPOD, case_id="f1")
    engine.submit("f1", "referral", REFERRAL, by="sw")
    assert engine.get_unfiltered("f1").latest("referral").data["concerns"] == MARKER  # type: ignore[union-attr]
    engine.store.close()
