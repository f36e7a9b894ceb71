"""Organisations stored and read back by every backend: events, replay, a fresh engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow import Organisation
from kwflow.exceptions import ActionNotAllowed
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from tests.support.store import Backend

OSPOD = Organisation("ospod_praha_2", "ospod")
PROVIDER = Organisation("cesta_domu", "facilitation_provider")
OTHER_PROVIDER = Organisation("rodinne_konference", "facilitation_provider")


def test_organisations_are_kept_and_replayed_by_every_backend(backend: Backend) -> None:
    engine = make_engine("organisations", store=backend.open())
    engine.open_case("organisations", by="jana", case_id="o1", organisation=OSPOD)
    engine.assign("o1", "marie", "parent", by="jana")
    engine.act("o1", "consent", by="marie")
    engine.assign("o1", "karel", "coordinator", by="jana", organisation=PROVIDER)
    with Unchanged(engine, "o1"), pytest.raises(ActionNotAllowed):
        engine.assign("o1", "eva", "facilitator", by="jana", organisation=OSPOD)
    engine.assign("o1", "eva", "facilitator", by="jana", organisation=OTHER_PROVIDER)
    case = engine.replace(
        "o1", "coordinator", "karel", "pavel", by="jana", reason="Nemoc", organisation=PROVIDER
    )
    check_case(engine, case)
    # A new engine over the same data folds the same organisations from the events.
    fresh = make_engine("organisations", store=backend.open())
    again = fresh.get_unfiltered("o1")
    assert again == case
    assert fresh.replay_unfiltered("o1") == case
    assert dict(again.organisations) == {
        "jana": OSPOD,
        "pavel": PROVIDER,
        "eva": OTHER_PROVIDER,
    }
    fresh.verify("o1")
