"""Who may do what, now: presence, roles, requirements and guards as reasons.

Every check returns `Reason` records rather than raising, so that
``available_actions`` can report every reason at once and a refused command
can raise the one error that names them. The rules are those of
docs/concepts.md ("Presence", "Action"):

- a person acts through a role they hold that is present in the current
  leaf phase (inherited ``present``, or an on-call role called in);
- an action needs the case open, its phase inside a ``from`` phase, an
  acting role in ``by``, and each requirement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kwflow.definition import Label
from kwflow.exceptions import ActionNotAllowed, GuardFailed, NotPermitted
from kwflow.history import EMPTY_MAP, FrozenMap

from ._conditions import holders_of
from ._organisations import requirement_reasons
from ._records import GuardContext, Reason, ReasonCode

if TYPE_CHECKING:
    from datetime import datetime

    from ._compiled import CompiledAction, CompiledProcess, LeafPhase
    from ._records import Case

__all__ = [
    "Guard",
    "action_reasons",
    "closed_reason",
    "guard_reasons",
    "listing",
    "permission_reason",
    "present_roles",
    "raise_refusal",
]

Guard = Callable[[GuardContext], "bool | str | Label"]
"""A host's check: ``True`` to allow, or a refusal: ``False``, a reason string,
or a `kwflow.definition.Label` with the reason in Czech and English (shown
to each person in their language)."""


def listing(names: Iterable[str]) -> str:
    """Names for a message: ``a, b, c`` (sorted), or ``none``."""
    return ", ".join(sorted(names)) or "none"


def _names(names: Iterable[str]) -> str:
    """Names as a fact of a reason: ``a, b, c`` (sorted), or empty (the Czech says "none")."""
    return ", ".join(sorted(names))


def present_roles(leaf: LeafPhase, case: Case) -> frozenset[str]:
    """Roles present in the case's leaf phase now: its ``present`` and those called in."""
    if case.called_in:
        return leaf.present | frozenset(case.called_in)
    return leaf.present


def closed_reason(case: Case) -> Reason | None:
    """A reason when the case has ended; every command is refused then."""
    if case.outcome is None:
        return None
    return Reason(
        ReasonCode.CLOSED,
        f"the case is closed with the outcome {case.outcome!r}; nothing more can happen",
        params={"outcome": case.outcome},
    )


def permission_reason(
    leaf: LeafPhase,
    case: Case,
    person: str,
    roles: frozenset[str],
    *,
    check_presence: bool = True,
) -> Reason | None:
    """Why ``person`` may not act through one of ``roles`` now, or ``None`` if they may.

    ``check_presence`` is false only for actions that declare
    ``requires_presence: false``: OSPOD protects a child at any moment, even
    while it is (rightly) absent from private family time.
    """
    held = case.participants.get(person, ())
    acting = [role for role in held if role in roles]
    if not acting:
        # ``role`` names the first role it needs (what a host offers to
        # assign); ``params["roles"]`` lists every one.
        return Reason(
            ReasonCode.LACKS_ROLE,
            f"it needs one of the roles {listing(roles)}; {person!r} holds {listing(held)}",
            role=min(roles) if roles else None,
            params={"roles": _names(roles), "person": person, "held": _names(held)},
        )
    if not check_presence:
        return None
    present = present_roles(leaf, case)
    if not any(role in present for role in acting):
        waiting = [role for role in acting if role in leaf.on_call]
        hint = f" ({listing(waiting)} must be called in first)" if waiting else ""
        return Reason(
            ReasonCode.NOT_PRESENT,
            f"{person!r} is not present in the phase {leaf.id!r} as {listing(acting)}{hint}",
            role=acting[0],
            params={
                "person": person,
                "phase": leaf.id,
                "roles": _names(acting),
                "waiting": _names(waiting),
            },
        )
    return None


def action_reasons(
    compiled: CompiledProcess,
    case: Case,
    action: CompiledAction,
    person: str,
    guards: Mapping[str, Guard],
    *,
    now: datetime,
    data: FrozenMap[str, Any] = EMPTY_MAP,
    run_guards: bool = True,
) -> list[Reason]:
    """Every reason ``person`` may not take ``action`` now (empty: allowed).

    Guards run last, and only when ``run_guards`` is true; a guard the host
    never registered is a reason, not a crash.
    """
    if case.outcome is not None:
        return [closed_reason(case)]  # type: ignore[list-item]
    leaf = compiled.leaves[case.phase.id]
    reasons: list[Reason] = []
    if leaf.id not in action.leaves:
        reasons.append(
            Reason(
                ReasonCode.WRONG_PHASE,
                f"it is taken in {listing(action.action.from_)}; the case is in "
                f"{'/'.join(case.phase.path)!r}",
                params={"phases": _names(action.action.from_), "phase": "/".join(case.phase.path)},
            )
        )
    permission = permission_reason(
        leaf, case, person, action.by, check_presence=action.action.requires_presence
    )
    if permission is not None:
        reasons.append(permission)
    if action.stays and action.action.once and action.id in case.taken_in_phase:
        reasons.append(
            Reason(
                ReasonCode.ALREADY_TAKEN,
                f"it was already taken in the phase {leaf.id!r} and may be taken once there",
                params={"phase": leaf.id},
            )
        )
    artifacts = case.artifacts
    for artifact_id in action.required_artifacts:
        per_person = compiled.artifacts[artifact_id].artifact.per_person
        if not per_person:
            if not artifacts.get(artifact_id):
                reasons.append(
                    Reason(
                        ReasonCode.MISSING_ARTIFACT,
                        f"the artifact {artifact_id!r} is missing",
                        artifact=artifact_id,
                    )
                )
            continue
        # A per-person artifact is there when every holder of its roles has a copy.
        copies = case.copies(artifact_id)
        reasons.extend(
            Reason(
                ReasonCode.MISSING_ARTIFACT,
                f"the artifact {artifact_id!r} about {person!r} is missing",
                artifact=artifact_id,
                params={"person": person},
            )
            for person in holders_of(case, per_person)
            if person not in copies
        )
    for condition in action.conditions:
        failure = condition.failure(case)
        if failure is not None:
            reasons.append(
                Reason(
                    ReasonCode.FIELD_CONDITION,
                    condition.failure_message(failure),
                    artifact=condition.artifact,
                    field=condition.field,
                    params=condition.failure_params(failure),
                )
            )
    roles = case.roles
    for role, needed in action.required_roles:
        if len(roles.get(role, ())) < needed:
            people = "person" if needed == 1 else "people"
            reasons.append(
                Reason(
                    ReasonCode.ROLE_NOT_ASSIGNED,
                    f"the role {role!r} needs at least {needed} {people} assigned",
                    role=role,
                    params={"needed": str(needed)},
                )
            )
    if action.required_organisations:
        reasons.extend(requirement_reasons(case, action))
    if action.guards and run_guards:
        reasons.extend(
            _guard_reasons(compiled, case, action, person=person, guards=guards, now=now, data=data)
        )
    return reasons


def guard_reasons(
    compiled: CompiledProcess,
    case: Case,
    action: CompiledAction,
    person: str,
    guards: Mapping[str, Guard],
    *,
    now: datetime,
    data: FrozenMap[str, Any] = EMPTY_MAP,
) -> list[Reason]:
    """The reasons the host's guards of ``action`` give (empty: they allow it).

    What `action_reasons` adds last when it runs guards: a caller that has
    just had no other reason from it asks only this, not everything again.
    """
    if not action.guards:
        return []
    return list(
        _guard_reasons(compiled, case, action, person=person, guards=guards, now=now, data=data)
    )


def _guard_reasons(
    compiled: CompiledProcess,
    case: Case,
    action: CompiledAction,
    *,
    person: str,
    guards: Mapping[str, Guard],
    now: datetime,
    data: FrozenMap[str, Any],
) -> Iterable[Reason]:
    context: GuardContext | None = None
    for name in action.guards:
        guard = guards.get(name)
        if guard is None:
            yield Reason(
                ReasonCode.GUARD_NOT_REGISTERED,
                f"the guard {name!r} is not registered by the host application",
                guard=name,
            )
            continue
        if context is None:
            context = GuardContext(
                case=case,
                action=action.id,
                actor=person,
                process=compiled.process,
                data=data,
                now=now,
            )
        result = guard(context)
        if result is True:
            continue
        params: dict[str, str] = {"text": ""}
        if isinstance(result, Label):
            # The guard's reason in both languages: each person reads their own.
            params = {"text": result.text("en"), "text_cs": result.text("cs")}
        elif isinstance(result, str):
            # The guard's own text is the host's words, kept as they are.
            params = {"text": result}
        elif result is not False and result is not None:
            raise GuardFailed(name, repr(result))
        message = f"the guard {name!r} refused"
        if params["text"]:
            message += f": {params['text']}"
        yield Reason(ReasonCode.GUARD_REFUSED, message, guard=name, params=params)


def raise_refusal(
    command: str,
    doing: str,
    actor: str,
    reasons: list[Reason],
    *,
    kind: str = "act",
    facts: Mapping[str, str] | None = None,
) -> None:
    """Raise the error that fits ``reasons``; do nothing when there are none.

    ``command`` names the refused command in `ActionNotAllowed` (an action
    id, ``"assign"``); ``doing`` says it for `NotPermitted` ("take the
    action 'approve_plan'"). ``kind`` and ``facts`` say the same as data
    (``assign``, ``{"person": ..., "role": ...}``), for the Czech.

    A closed case or a wrong phase is `ActionNotAllowed` (nobody could do it
    now); otherwise a missing role or presence is `NotPermitted` (listing
    only those reasons, so a stranger learns nothing about the case's
    documents); otherwise `ActionNotAllowed` with every reason.
    """
    if not reasons:
        return
    codes = {reason.code for reason in reasons}
    situational = {ReasonCode.CLOSED, ReasonCode.WRONG_PHASE}
    if codes.isdisjoint(situational):
        denied = [reason for reason in reasons if reason.code.permission]
        if denied:
            raise NotPermitted(actor, doing, denied, kind=kind, facts=facts)
    raise ActionNotAllowed(command, reasons, command=kind, facts=facts)
