"""Which organisation the test tools give the people they invent, read from the process alone.

The explorer and the traces it writes (``_counterexample``) share these
choices, made from the process file without the engine, so that the replay
tests compare two independent readings of the organisation rules:

- each role has one *kind* its new holders come from: among the kinds its
  ``organisation`` rule allows (``kinds``, less ``not_kinds``), the one
  that meets the most ``requires.organisations`` on the role (the first
  declared on a tie); ``None`` when the process declares no kinds or the
  rule allows none;
- every invented person works for an organisation of their own
  (`organisation_of`), so ``not_same_as`` never refuses an explorer step;
  the strategies of ``kwflow.testing`` draw the collisions instead;
- a role whose rule requires an organisation and allows no kind can never
  be held;
- ``assignable_in`` limits the leaves a role is assigned in (handovers and
  opening are not limited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st

from kwflow.engine import Organisation

if TYPE_CHECKING:
    from kwflow.definition import Process
    from kwflow.engine import Case

    from ._phases import ProcessShape

__all__ = [
    "allowed_kinds",
    "assignable_leaves",
    "chosen_kinds",
    "organisation_of",
    "organisation_refusals",
    "organisations",
    "role_accepts",
]

UNKNOWN_KIND = "no_such_kind"
"""The kind `organisations` now and then gives, which no process declares."""


def organisations(process: Process) -> st.SearchStrategy[Organisation | None]:
    """The organisation a host names for someone: none, or one of a small pool per kind.

    Two organisations per declared kind (``ospod_1``, ``ospod_2``...), so
    that people often share one and ``not_same_as`` rules bite; now and then
    one of a kind the process does not declare.
    """
    pool = [
        Organisation(f"{kind.id}_{n}", kind.id)
        for kind in process.organisation_kinds
        for n in (1, 2)
    ]
    unknown = st.just(Organisation("elsewhere", UNKNOWN_KIND))
    if not pool:
        return st.none() | unknown
    return st.none() | st.sampled_from(pool) | unknown


def fitting_organisations(process: Process, role_id: str) -> st.SearchStrategy[Organisation | None]:
    """An organisation of a kind the rules of ``role_id`` let in (the pool of `organisations`)."""
    kinds = allowed_kinds(process, role_id)
    if not kinds:
        return st.none()
    return st.sampled_from([Organisation(f"{kind}_{n}", kind) for kind in kinds for n in (1, 2)])


def allowed_kinds(process: Process, role_id: str) -> tuple[str, ...]:
    """The declared kinds a holder of ``role_id`` may be from, in declaration order."""
    role = process.role(role_id)
    rule = role.organisation if role is not None else None
    declared = [kind.id for kind in process.organisation_kinds]
    if rule is None:
        return tuple(declared)
    return tuple(
        kind
        for kind in declared
        if (not rule.kinds or kind in rule.kinds) and kind not in rule.not_kinds
    )


def chosen_kinds(process: Process) -> dict[str, str | None]:
    """Per role, the kind of organisation its invented holders come from."""
    chosen: dict[str, str | None] = {}
    for role in process.roles:
        allowed = allowed_kinds(process, role.id)
        needs = [
            set(needs.kinds)
            for action in process.actions
            for needs in action.requires.organisations
            if needs.role == role.id
        ]
        best: str | None = None
        score = -1
        for kind in allowed:
            met = sum(kind in kinds for kinds in needs)
            if met > score:
                best, score = kind, met
        chosen[role.id] = best
    return chosen


def role_accepts(process: Process, role_id: str, kind: str | None) -> bool:
    """Whether the rule of ``role_id`` lets in someone from an organisation of ``kind``.

    ``None``: the person has no organisation, which only a rule with
    ``required: true`` refuses.
    """
    role = process.role(role_id)
    rule = role.organisation if role is not None else None
    if rule is None:
        return True
    if kind is None:
        return not rule.required
    return kind in allowed_kinds(process, role_id)


def assignable_leaves(process: Process, shape: ProcessShape, role_id: str) -> frozenset[str]:
    """The leaves people are assigned to ``role_id`` in (without ``assignable_in``: every leaf)."""
    role = process.role(role_id)
    if role is None or not role.assignable_in:
        return frozenset(shape.leaves)
    return frozenset().union(
        *(shape.leaves_under(p) for p in role.assignable_in if process.phase_info(p))
    )


def organisation_of(person: str, kind: str | None) -> Organisation | None:
    """The organisation of an invented person: their own, of ``kind`` (``None``: none)."""
    return None if kind is None else Organisation(f"org_{person}", kind)


def organisation_refusals(
    process: Process,
    case: Case,
    person: str,
    role_id: str,
    given: Organisation | None,
    *,
    leaving: str | None = None,
    assigning: bool = True,
) -> frozenset[str]:
    """The reason codes the organisation rules (and ``assignable_in``) refuse a step with.

    The test tools' own reading of docs/process-format.md ("Organisations"),
    written apart from the engine's so that the stateful test can compare
    the two: ``person`` takes ``role_id`` as an employee of ``given`` (or
    of the organisation the case knows for them), by assignment
    (``assigning``) or by a handover from ``leaving``.
    """
    codes: set[str] = set()
    declared = {kind.id for kind in process.organisation_kinds}
    known = case.organisations.get(person)
    if given is not None:
        if given.kind not in declared:
            codes.add("unknown_organisation_kind")
        if known is not None and (known.id, known.kind) != (given.id, given.kind):
            codes.add("organisation_changed")
    mine = given or known
    role = process.role(role_id)
    rule = role.organisation if role is not None else None
    if rule is not None:
        if mine is None and rule.required:
            codes.add("organisation_missing")
        elif mine is not None and rule.kinds and mine.kind not in rule.kinds:
            codes.add("organisation_kind_not_allowed")
        elif mine is not None and mine.kind in rule.not_kinds:
            codes.add("organisation_kind_forbidden")
    if mine is not None:
        for other in process.roles:
            other_rule = other.organisation
            binds = (rule is not None and other.id in rule.not_same_as) or (
                other_rule is not None and role_id in other_rule.not_same_as
            )
            if not binds:
                continue
            for holder in case.roles.get(other.id, ()):
                if holder in (person, leaving):
                    continue
                theirs = case.organisations.get(holder)
                if theirs is not None and theirs.id == mine.id:
                    codes.add("same_organisation")
    if assigning and role is not None and role.assignable_in:
        inside = any(p in case.phase.path for p in role.assignable_in)
        if not inside:
            codes.add("not_assignable_in_phase")
    return frozenset(codes)
