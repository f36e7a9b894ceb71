"""Every reachable version-1 state of each shipped process, read through the shipped plan.

The property: a state either lands on a state version 2's own explorer
reaches (same leaf, the same roles held wherever both explorers keep them),
or the engine refuses a case in it with a reason. The states come from the
explorer, so this holds for every case version 1 allows, not a sample.
"""

from __future__ import annotations

import functools

import attrs
import pytest

from kwflow import Engine, MemoryStore, OpenCase, Organisation, Registry
from kwflow.testing import (
    ReachedState,
    map_state,
    reachable_states,
    reachable_traces,
    state_refusal,
    trace_commands,
)

SHIPPED = Registry.shipped()
REFUSALS = {
    "closed",
    "role-too-many",
    "roles-exclusive",
    "role-assigned-too-early",
    "role-empty",
}


@functools.cache
def states(process_id: str, version: int) -> tuple[ReachedState, ...]:
    found, complete = reachable_states(SHIPPED.get(process_id, version))
    assert complete
    return found


def lands_on(
    held: frozenset[str], leaf: str, known: frozenset[str], new: tuple[ReachedState, ...]
) -> bool:
    """Some state of the new version is in ``leaf`` with the same roles held, where both know."""
    for state in new:
        if state.leaf != leaf:
            continue
        both = known & state.known
        if {r for r, _ in state.counts} & both == held & both:
            return True
    return False


@pytest.mark.parametrize("process_id", ["family_conference", "case_conference"])
def test_every_reachable_state_migrates_to_a_valid_state_or_is_refused(process_id: str) -> None:
    plan = SHIPPED.plan(process_id, 1, 2)
    assert plan is not None
    old, new = SHIPPED.get(process_id, 1), SHIPPED.get(process_id, 2)
    new_states = states(process_id, 2)
    moved = refused = 0
    for state in states(process_id, 1):
        refusal = state_refusal(plan, old, new, state)
        if refusal is not None:
            assert refusal[0] in REFUSALS, (state, refusal)
            refused += 1
            continue
        mapped = map_state(plan, state)
        assert mapped is not None
        leaf, held, _, _ = mapped
        known = frozenset(
            target for r in state.known if (target := plan.role_target(r)) is not None
        )
        assert lands_on(held, leaf, known, new_states), (state, mapped)
        moved += 1
    # Most states move; those refused are the ones version 2 cannot hold.
    assert moved > refused > 0


# The organisations version 2 requires, by role (version 1 records none).
ORGANISATION_KINDS = {
    "family_conference": {"referrer": "ospod", "coordinator": "coordination_service"},
    "case_conference": {
        "convener": "ospod",
        "ospod_worker": "ospod",
        "provider": "facilitation_provider",
        "facilitator": "facilitation_provider",
    },
}


@pytest.mark.parametrize("process_id", ["family_conference", "case_conference"])
def test_the_engine_refuses_exactly_the_states_the_check_reads_as_refused(
    process_id: str,
) -> None:
    """A real case brought into each reachable state (the explorer's trace, run by the
    engine) migrates exactly when `state_refusal` says so, and with its reason."""
    plan = SHIPPED.plan(process_id, 1, 2)
    assert plan is not None
    old, new = SHIPPED.get(process_id, 1), SHIPPED.get(process_id, 2)
    kinds = ORGANISATION_KINDS[process_id]
    moved = 0
    for state, trace in reachable_traces(old):
        engine = Engine(SHIPPED, store=MemoryStore())
        opening, *steps = trace_commands(old, trace, case_id="c")
        assert isinstance(opening, OpenCase)
        engine.execute(attrs.evolve(opening, version=1))
        for command in steps:
            engine.execute(command)
        case = engine.get_unfiltered("c")
        organisations = {
            person: Organisation(f"org-{person}", kinds[role])
            for person, roles in case.participants.items()
            for role in roles
            if role in kinds
        }
        (check,) = engine.plan_migration("c", 2, organisations=organisations)
        expected = state_refusal(plan, old, new, state)
        if expected is None:
            assert check.ok, (state, check.to_dict())
            engine.migrate("c", 2, by="spravce", organisations=organisations)
            engine.verify("c")
            moved += 1
        else:
            assert check.error is not None, state
            assert check.error.params.get("reason_code") == expected[0], (state, check.to_dict())
    assert moved > 0
