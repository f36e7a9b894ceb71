"""A case of a provider's variant (an overlay) is stored, replayed and verified in every backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow import Engine
from kwflow.authoring import load_scenario, run_scenario
from kwflow.definition import Registry
from tests.support.overlays import EXAMPLE_SCENARIO, OVERLAYS

if TYPE_CHECKING:
    from tests.support.store import Backend


def test_a_variant_case_runs_to_its_outcome_and_verifies(backend: Backend) -> None:
    store = backend.keyed()  # the process seals personal fields
    result = run_scenario(load_scenario(EXAMPLE_SCENARIO), store=store, case_id="variant-1")
    assert result.failure is None
    registry = Registry.shipped()
    registry.load_path(OVERLAYS)
    # A second engine, on the same stored data, reads the case back by replay.
    engine = Engine(registry, store=backend.keyed())
    case = engine.replay_unfiltered("variant-1")
    engine.verify("variant-1")
    assert case.outcome == "held"
    assert (case.process.id, case.process.version) == ("case_conference__vzorovy_poskytovatel", 1)
    assert case.process.content_hash == registry.get(case.process.id).content_hash
    assert [s.id for s in engine.find_cases(process="case_conference__vzorovy_poskytovatel")] == [
        "variant-1"
    ]
