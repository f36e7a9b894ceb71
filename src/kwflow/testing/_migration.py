"""A migration plan proved over every state the explorer reaches in the old version.

The definition layer checks a plan's names and types (``plan_problems``);
whether it fits the cases that can really exist needs the explorer, which
lives here. Each reachable state of the old version is read through the
plan, as the engine would move a case in it:

- a running leaf phase the plan does not map is an **error**: a case there
  could never migrate;
- a mapped state that breaks a rule of the new version (a role over its
  maximum, two roles one person may not hold together, a role held before
  the new version assigns it, a role its ``role_never_empty`` invariant
  needs left empty) is a **warning**: the plan is sound, but the engine
  refuses each case in such a state (`kwflow.exceptions.MigrationRefused`)
  until the case is changed.

`state_refusal` is that reading for one state, the reason code the engine
gives; the property tests compare it with the new version's own states.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kwflow.definition import LoadedPlan, RoleNeverEmpty, leaf_ids, located

from ._explorer import DEFAULT_MAX_STATES, ReachedState, reachable_states

if TYPE_CHECKING:
    from kwflow.definition import MigrationPlan, Process
    from kwflow.exceptions import Problem

__all__ = ["MappedState", "map_state", "migration_problems", "state_refusal"]

MappedState = tuple[str, frozenset[str], tuple[tuple[str, int], ...], tuple[str, str] | None]
"""A state read through a plan: the new leaf, the roles held, their counts, the shared pair."""


def map_state(plan: MigrationPlan, state: ReachedState) -> MappedState | None:
    """``state`` in the new version's names, or ``None`` when the plan maps not its leaf."""
    leaf = plan.phases.get(state.leaf)
    if leaf is None:
        return None
    counts: dict[str, int] = {}
    for role, count in state.counts:
        target = plan.role_target(role)
        if target is not None:
            counts[target] = counts.get(target, 0) + count
    shared = None
    if state.shared is not None:
        a, b = (plan.role_target(r) for r in state.shared)
        if a is not None and b is not None:
            shared = (a, b)
    return leaf, frozenset(counts), tuple(sorted(counts.items())), shared


def state_refusal(
    plan: MigrationPlan, old: Process, new: Process, state: ReachedState
) -> tuple[str, dict[str, str]] | None:
    """Why the engine refuses a case in ``state`` (a reason code and its facts), or ``None``.

    ``None`` also for a closed case's state, which is not migrated at all
    (``closed``): see the first check.
    """
    if leaf_ids(old).get(state.leaf, False):
        return ("closed", {"phase": state.leaf})
    mapped = map_state(plan, state)
    if mapped is None:
        return ("phase-unmapped", {"phase": state.leaf})
    leaf, held, counts, shared = mapped
    for role, count in counts:
        definition = new.role(role)
        if definition is not None and definition.max is not None and count > definition.max:
            return ("role-too-many", {"role": role, "max": str(definition.max)})
    if shared is not None and _exclusive(new, *shared):
        return ("roles-exclusive", {"role": shared[0], "other": shared[1]})
    for role in sorted(held):
        definition = new.role(role)
        if definition is not None and definition.assignable_in:
            allowed = _leaves_under(new, definition.assignable_in)
            if leaf not in allowed:
                return ("role-assigned-too-early", {"role": role})
    if not leaf_ids(new).get(leaf, False):
        for invariant in new.invariants:
            if not isinstance(invariant, RoleNeverEmpty) or invariant.role in held:
                continue
            sources = [r.id for r in old.roles if plan.role_target(r.id) == invariant.role]
            # A role the explorer forgot in this state may be held: not a refusal it knows of.
            if all(source in state.known for source in sources):
                return ("role-empty", {"role": invariant.role, "invariant": invariant.id})
    return None


def migration_problems(
    loaded: LoadedPlan | MigrationPlan,
    old: Process,
    new: Process,
    *,
    max_states: int = DEFAULT_MAX_STATES,
) -> list[Problem]:
    """The problems of a plan over every reachable state of ``old`` (see the module)."""
    plan = loaded.plan if isinstance(loaded, LoadedPlan) else loaded
    source = loaded if isinstance(loaded, LoadedPlan) else None
    states, _ = reachable_states(old, max_states=max_states)
    problems: list[Problem] = []
    seen: set[tuple[str, ...]] = set()
    for state in states:
        refusal = state_refusal(plan, old, new, state)
        if refusal is None or refusal[0] == "closed":
            continue
        code, facts = refusal
        key = (code, state.leaf, *sorted(facts.values()))
        if key in seen:
            continue
        seen.add(key)
        problems.append(_problem(source, old, new, state.leaf, code, facts))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.code or ""))
    return problems


_CODES = {
    "phase-unmapped": "migration-unmapped-phase",
    "role-too-many": "migration-state-roles",
    "roles-exclusive": "migration-state-exclusive",
    "role-assigned-too-early": "migration-state-assignable",
    "role-empty": "migration-state-invariant",
}


def _problem(  # noqa: PLR0917 - the plan's file, its two versions and the state's finding
    source: LoadedPlan | None,
    old: Process,
    new: Process,
    leaf: str,
    reason: str,
    facts: dict[str, str],
) -> Problem:
    code = _CODES[reason]
    params = {"phase": leaf, "version": str(old.version), **facts}
    refused = f"; cases in this state are refused (reason {reason!r})"
    if reason == "phase-unmapped":
        message = (
            f"a case can be in the phase {leaf!r} of version {old.version}, "
            "but the plan maps it nowhere"
        )
        path: tuple[str | int, ...] = ("phases",)
    elif reason == "role-too-many":
        message = (
            f"a case in the phase {leaf!r} may have more people in the role {facts['role']!r} "
            f"than version {new.version} allows (at most {facts['max']})" + refused
        )
        path = ("phases", leaf)
    elif reason == "roles-exclusive":
        message = (
            f"a case in the phase {leaf!r} may have one person in the roles "
            f"{facts['role']!r} and {facts['other']!r}, which exclude each other in version "
            f"{new.version}" + refused
        )
        path = ("phases", leaf)
    elif reason == "role-assigned-too-early":
        message = (
            f"a case in the phase {leaf!r} may have someone in the role {facts['role']!r}, "
            f"which version {new.version} assigns only later" + refused
        )
        path = ("phases", leaf)
    else:
        message = (
            f"a case in the phase {leaf!r} would break the invariant {facts['invariant']!r} "
            f"of version {new.version}: nobody holds {facts['role']!r}" + refused
        )
        path = ("phases", leaf)
    problem = located(source, path, code, message, params)
    if reason != "phase-unmapped":
        problem = replace(problem, severity="warning")
    return problem


def _exclusive(process: Process, a: str, b: str) -> bool:
    first, second = process.role(a), process.role(b)
    return (first is not None and b in first.exclusive_with) or (
        second is not None and a in second.exclusive_with
    )


def _leaves_under(process: Process, phases: tuple[str, ...]) -> frozenset[str]:
    found = set()
    for info in process.all_phases():
        if not info.phase.phases and any(p in info.path for p in phases):
            found.add(info.phase.id)
    return frozenset(found)
