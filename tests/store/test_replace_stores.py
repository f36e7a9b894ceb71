"""A handover stored and read back by every backend: the event, replay, a fresh engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import ActionNotAllowed
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from tests.support.store import Backend


def test_a_handover_is_kept_and_replayed_by_every_backend(backend: Backend) -> None:
    engine = make_engine("handover", store=backend.open())
    engine.open_case("handover", by="jana", case_id="h1")
    engine.assign("h1", "marie", "parent", by="jana")
    engine.act("h1", "consent", by="marie")
    case = engine.replace("h1", "referrer", "jana", "petra", by="jana", reason="Odchod z oddělení")
    check_case(engine, case)
    with Unchanged(engine, "h1"), pytest.raises(ActionNotAllowed):
        engine.replace("h1", "referrer", "jana", "petra", by="petra", reason="Znovu")
    # A new engine over the same data reads the handover as it was written.
    fresh = make_engine("handover", store=backend.open())
    again = fresh.get_unfiltered("h1")
    assert again == case
    assert again.roles["referrer"] == ("petra",)
    (event,) = [e for e in fresh.history_unfiltered("h1") if e.type == "role_replaced"]
    assert event.payload["reason"] == "Odchod z oddělení"
    fresh.verify("h1")  # raises on a history that does not hold together
