"""Organisations: the rules on who the holders of a role work for, as reasons.

Independence in child-protection casework is about employers: a family
conference's coordinator is employed neither by the OSPOD nor by a social
service that works with the family, and the facilitator is not from the
convener's organisation. A host names each person's organisation (an
`Organisation`: its id and kind) as it opens a case, assigns or hands a role
over; these functions say why the rules refuse it, as `Reason` records, so a
refusal can name every reason at once.

The rules (docs/process-format.md, "Organisations"):

- the kind must be one of the process's ``organisation_kinds``;
- a person keeps one organisation while taking part in a case: naming
  another for someone who holds a role is refused (the host unassigns them
  first); a command that names none keeps the one known;
- ``required``: an organisation must be known for the holder;
- ``kinds`` / ``not_kinds``: the kind is among / not among them;
- ``not_same_as``: the organisation is not that of any holder of those
  roles, and a holder of those roles is not from the organisation of the
  role's holders (the rule binds both ways). Only known organisations are
  compared; ``required`` makes one known;
- ``assignable_in``: people are assigned to the role only in those phases;
  a handover is allowed anywhere, since it never fills an empty role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._records import Reason, ReasonCode

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._commands import Organisation
    from ._compiled import CompiledAction, CompiledProcess
    from ._records import Case

__all__ = [
    "assignable_reason",
    "organisation_payload",
    "organisation_reasons",
    "requirement_reasons",
]


def _names(names: Iterable[str]) -> str:
    """Names as a fact of a reason: ``a, b`` (sorted), or empty."""
    return ", ".join(sorted(names))


def listing(names: Iterable[str]) -> str:
    """Names for a message: ``a, b`` (sorted), or ``none``."""
    return _names(names) or "none"


def organisation_payload(organisation: Organisation) -> dict[str, str]:
    """How an event records an organisation."""
    return {"id": organisation.id, "kind": organisation.kind}


def organisation_reasons(
    compiled: CompiledProcess,
    case: Case | None,
    person: str,
    role: str,
    given: Organisation | None,
    *,
    leaving: str | None = None,
) -> list[Reason]:
    """Every reason ``person`` may not take ``role`` as an employee of ``given``.

    ``case`` is ``None`` while a case opens (nobody else holds a role yet);
    ``leaving`` is the person a handover takes the role from, whose seat
    does not count.
    """
    reasons: list[Reason] = []
    known = case.organisations.get(person) if case is not None else None
    if given is not None:
        if given.kind not in compiled.organisation_kinds:
            reasons.append(
                Reason(
                    ReasonCode.UNKNOWN_ORGANISATION_KIND,
                    f"the process has no organisation kind {given.kind!r}; it has "
                    f"{listing(compiled.organisation_kinds)}",
                    role=role,
                    params={"kind": given.kind, "known": _names(compiled.organisation_kinds)},
                )
            )
        if known is not None and known != given:
            reasons.append(
                Reason(
                    ReasonCode.ORGANISATION_CHANGED,
                    f"{person!r} takes part in this case for {known.id!r}, not "
                    f"{given.id!r}; a person has one organisation in a case",
                    role=role,
                    params={"person": person, "known": known.id, "organisation": given.id},
                )
            )
    organisation = given if given is not None else known
    rule = compiled.roles[role].organisation
    if rule is not None:
        if organisation is None:
            if rule.required:
                reasons.append(
                    Reason(
                        ReasonCode.ORGANISATION_MISSING,
                        f"the role {role!r} needs the organisation {person!r} works for",
                        role=role,
                        params={"person": person},
                    )
                )
        elif rule.kinds and organisation.kind not in rule.kinds:
            reasons.append(
                Reason(
                    ReasonCode.ORGANISATION_KIND_NOT_ALLOWED,
                    f"the role {role!r} is held only by people from organisations of the "
                    f"kinds {listing(rule.kinds)}; {person!r} is from {organisation.id!r} "
                    f"(a {organisation.kind!r})",
                    role=role,
                    params=_facts(person, organisation, kinds=_names(rule.kinds)),
                )
            )
        elif organisation.kind in rule.not_kinds:
            reasons.append(
                Reason(
                    ReasonCode.ORGANISATION_KIND_FORBIDDEN,
                    f"the role {role!r} is never held by people from an organisation of the "
                    f"kind {organisation.kind!r}; {person!r} is from {organisation.id!r}",
                    role=role,
                    params=_facts(person, organisation),
                )
            )
    if organisation is not None and case is not None:
        reasons.extend(
            _same_organisation(compiled, case, person, role, organisation, leaving=leaving)
        )
    return reasons


def _facts(person: str, organisation: Organisation, **more: str) -> dict[str, str]:
    return {"person": person, "organisation": organisation.id, "kind": organisation.kind, **more}


def _same_organisation(
    compiled: CompiledProcess,
    case: Case,
    person: str,
    role: str,
    organisation: Organisation,
    *,
    leaving: str | None,
) -> list[Reason]:
    reasons = []
    for other_role in sorted(compiled.not_same_organisation[role]):
        holders = [
            holder
            for holder in case.roles.get(other_role, ())
            if holder not in (person, leaving)
            and (found := case.organisations.get(holder)) is not None
            and found.id == organisation.id
        ]
        if holders:
            reasons.append(
                Reason(
                    ReasonCode.SAME_ORGANISATION,
                    f"{person!r} is from {organisation.id!r}, as {listing(holders)} in the role "
                    f"{other_role!r} is; the roles {role!r} and {other_role!r} are never held "
                    "by people of one organisation",
                    role=role,
                    params={
                        **_facts(person, organisation),
                        "other_role": other_role,
                        "holders": _names(holders),
                    },
                )
            )
    return reasons


def assignable_reason(compiled: CompiledProcess, case: Case, role: str) -> Reason | None:
    """Why nobody may be assigned to ``role`` in the case's phase now, or ``None``."""
    leaves = compiled.assignable_leaves.get(role)
    if leaves is None or case.phase.id in leaves:
        return None
    phases = compiled.roles[role].assignable_in
    return Reason(
        ReasonCode.NOT_ASSIGNABLE_IN_PHASE,
        f"people are assigned to the role {role!r} only in {listing(phases)}; the case is in "
        f"{case.phase.id!r}",
        role=role,
        params={"phases": _names(phases), "phase": case.phase.id},
    )


def requirement_reasons(case: Case, action: CompiledAction) -> list[Reason]:
    """Every ``requires.organisations`` of ``action`` the case does not meet."""
    reasons = []
    for role, kinds in action.required_organisations:
        holders = case.roles.get(role, ())
        if not holders:
            reasons.append(
                Reason(
                    ReasonCode.ORGANISATION_REQUIREMENT_UNHELD,
                    f"nobody holds the role {role!r}, so nobody in it is from an organisation "
                    f"of the kinds {listing(kinds)}",
                    role=role,
                    params={"kinds": _names(kinds)},
                )
            )
            continue
        outside = [
            holder
            for holder in holders
            if (found := case.organisations.get(holder)) is None or found.kind not in kinds
        ]
        if outside:
            reasons.append(
                Reason(
                    ReasonCode.ORGANISATION_REQUIREMENT,
                    f"everyone in the role {role!r} is to be from an organisation of the kinds "
                    f"{listing(kinds)}; {listing(outside)} is not",
                    role=role,
                    params={"kinds": _names(kinds), "people": _names(outside)},
                )
            )
    return reasons
