"""Every reachable version-1 state of each shipped process, read through the shipped plan.

The property: a state either lands on a state version 2's own explorer
reaches (same leaf, the same roles held wherever both explorers keep them),
or the engine refuses a case in it with a reason. The states come from the
explorer, so this holds for every case version 1 allows, not a sample.
"""

from __future__ import annotations

import functools

import pytest

from kwflow.definition import Registry
from kwflow.testing import ReachedState, map_state, reachable_states, state_refusal

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
