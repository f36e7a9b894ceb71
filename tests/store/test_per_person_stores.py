"""Per-person copies stored and read back by every backend: events, replay, a fresh engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import ActionNotAllowed
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from tests.support.store import Backend


def test_per_person_copies_are_kept_and_replayed_by_every_backend(backend: Backend) -> None:
    engine = make_engine("invitations", store=backend.open())
    engine.open_case("invitations", by="kate", case_id="i1")
    engine.assign("i1", "petr", "family_member", by="kate")
    engine.assign("i1", "tom", "child", by="kate")
    engine.submit("i1", "invitation", {"informed": False}, by="kate", about="petr")
    engine.submit(
        "i1", "invitation", {"informed": True, "child_friendly": True}, by="kate", about="tom"
    )
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed):
        engine.act("i1", "start_conference", by="kate")
    with Unchanged(engine, "i1"), pytest.raises(ActionNotAllowed):
        engine.submit("i1", "invitation", {"informed": True}, by="kate")
    engine.submit("i1", "invitation", {"informed": True}, by="kate", about="petr")
    case = engine.act("i1", "start_conference", by="kate")
    check_case(engine, case)
    # A new engine over the same data reads every copy as it was written.
    fresh = make_engine("invitations", store=backend.open())
    again = fresh.get_unfiltered("i1")
    assert again == case
    assert {person: v.number for person, v in again.copies("invitation").items()} == {
        "petr": 2,
        "tom": 1,
    }
    assert fresh.replay_unfiltered("i1") == case
    assert [v.about for v in fresh.view("i1", "petr").artifacts["invitation"]] == [
        "petr",
        "petr",
    ]
    fresh.verify("i1")
