"""A held conference and its control conference: the fixture pair of follow-up cases.

``conference`` is the earlier process, ``control_conference`` follows up its
held cases and carries the minutes over (tests/engine/fixtures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .runtime import make_engine

if TYPE_CHECKING:
    from kwflow import Case, Engine
    from kwflow.store import CaseStore

CONVENER, GUEST, STRANGER = "vera", "otto", "sam"

MINUTES: dict[str, Any] = {
    "summary": "The family agreed a plan.",
    "next_conference_on": "2026-12-01",
    "tasks": [{"task": "call the school"}, {"task": "visit"}],
}
"""Minutes of a held conference that set the control conference's date."""


def pair_engine(store: CaseStore | None = None, **options: Any) -> Engine:
    """An engine over the conference and its control conference."""
    return make_engine("conference", "control_conference", store=store, **options)


def held_conference(
    engine: Engine, case_id: str = "c1", minutes: dict[str, Any] | None = None
) -> Case:
    """A conference with a guest, held with ``minutes``."""
    engine.open_case("conference", by=CONVENER, case_id=case_id)
    engine.assign(case_id, GUEST, "guest", by=CONVENER)
    return engine.act(case_id, "hold", by=CONVENER, data=MINUTES if minutes is None else minutes)
