"""A suspension stored and read back by every backend: paused deadlines, replay, a fresh engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from kwflow import SimulatedClock
from kwflow.exceptions import NotPermitted
from tests.support.runtime import START, Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from tests.support.store import Backend

PRAGUE = ZoneInfo("Europe/Prague")


def test_a_suspension_is_kept_and_replayed_by_every_backend(backend: Backend) -> None:
    clock = SimulatedClock(START)
    engine = make_engine("suspension", store=backend.open(), clock=clock)
    engine.open_case("suspension", by="jana", case_id="s1")
    engine.assign("s1", "rodic", "family_member", by="jana")
    engine.assign("s1", "koord", "coordinator", by="jana")
    engine.act("s1", "consent", by="rodic")
    clock.set(datetime(2026, 10, 23, 14, 0, tzinfo=PRAGUE))
    case = engine.act("s1", "intervene", by="jana", data={"reason": "Ohrožení dítěte"})
    check_case(engine, case)
    assert case.suspended_from is not None
    assert case.suspended_from.id == "preparation"
    assert case.suspension is not None
    assert case.suspension.paused == ("conference_held",)
    with Unchanged(engine, "s1"), pytest.raises(NotPermitted):
        engine.act("s1", "resume", by="koord")
    # The paused deadline is not due in the store's index; the suspension's own one is.
    due = engine.due(datetime(2100, 1, 1, tzinfo=UTC))
    assert {d.deadline_id for d in due if d.case_id == "s1"} == {"intervention_decided"}
    # A fresh engine over the same data reads the suspension as it was written.
    fresh = make_engine("suspension", store=backend.open(), clock=clock)
    again = fresh.get_unfiltered("s1")
    assert again == case
    assert again.suspension == case.suspension
    (summary,) = fresh.find_cases()
    assert summary.suspended
    clock.set(datetime(2026, 11, 9, 8, 30, tzinfo=PRAGUE))
    resumed = fresh.act("s1", "resume", by="jana")
    check_case(fresh, resumed)
    assert resumed.phase.id == "preparation"
    # Moved by the ten working days it was suspended (28 Oct and 17 Nov are holidays).
    limit = resumed.deadlines["conference_held"].limit
    assert limit is not None
    assert limit.astimezone(PRAGUE).date().isoformat() == "2026-11-18"
    due = fresh.due(datetime(2100, 1, 1, tzinfo=UTC))
    assert {d.deadline_id for d in due if d.case_id == "s1"} == {"conference_held"}
    assert resumed.suspension is None
    fresh.verify("s1")
