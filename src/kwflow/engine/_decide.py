"""Decide: a command on a case becomes the events it leads to, or an error.

Pure functions of the compiled process, the case and the time: nothing is
read from a store and nothing is written. Each returns event drafts
``(type, actor, payload)`` that record everything the step led to (the new
phase, the outcome, deadline times), so that evolve never has to work any
of it out again. A refused command raises and returns nothing.

Payloads (all JSON; times are UTC ISO-8601 text):

- ``case_opened``: ``{"process": {"id", "version", "hash"}, "phase": [path], "role": opener role,
  "organisation"?: {"id", "kind"}, "follows"?: {"case", "process", "version", "outcome"}}``:
  ``follows`` names the earlier case a follow-up follows, its process and
  the outcome it ended with
- ``role_assigned``: ``{"person", "role", "organisation"?: {"id", "kind"}}``
- ``role_unassigned``: ``{"person", "role"}``
- ``role_replaced``: ``{"person", "role", "successor", "reason", "organisation"?}``:
  the role moves from ``person`` to ``successor`` in one step

An ``organisation`` is there when the command named one (the opener's, the
assigned person's, the successor's).
- ``artifact_submitted``: ``{"artifact", "about"?, "version", "data", "deadlines"?, "carried"?}``;
  ``about`` names the person a per-person artifact's copy is about, and
  ``version`` then counts that person's copies;
  ``carried``: ``{"case", "artifact", "version"}``, the earlier case's
  document a follow-up copied as it opened (recorded by the opener, in the
  same append as ``case_opened``)
- ``action_taken``: ``{"action", "phase"?: [path entered], "outcome"?,
  "records"?: {"artifact", "version", "data"}, "deadlines"?, "suspended"?,
  "suspension_ended"?}``; without ``phase`` the case stayed in its leaf
  phase. ``suspended``: ``{"from": [leaf path left], "deadlines": "pause" |
  "run", "held": [deadline ids]}`` when the action entered a suspension
  phase; ``suspension_ended``: ``{"working_days"}`` (how many it lasted)
  when it left one, whose ``deadlines`` then include paused deadlines moved
  later
- ``called_in`` / ``dismissed``: ``{"role"}``, by ``role:<role id>`` (the role
  the person acted through, never the person: see `role_actor`); histories
  written before record the person, and replay the same
- ``deadline_breached``: ``{"deadline", "due"}``, by the system actor
- ``subject_erased``: ``{"subject", "reason"}``: the subject's key was destroyed
- ``hold_placed`` / ``hold_released``: ``{"reason"}``
- ``case_disposed``: ``{"retention": period text, "reason"}``: decided, never
  stored; the engine makes the case's disposal record of it instead
- ``case_migrated``: ``{"plan": {"id", "hash"}, "from": {"id", "version", "hash"},
  "process": {"id", "version", "hash"}, "phase": [path], "roles": {role: [people]},
  "called_in", "taken_in_phase", "deadlines": [{"id", "responsible", "from"?}],
  "organisations"?, "renamed"?, "dropped"?, "documents"?, "changes"?}``: the case
  runs ``process`` from here on (see ``_migrate``)

A submission (or an action recording an artifact) with personal values
holds them sealed (see ``_personal``) and adds ``"subjects"``: whose they are.

A ``deadlines`` list holds changes in order: ``{"id", "status": "pending",
"anchor", "key", "target", "limit"}`` when a deadline starts or moves,
``{"id", "status": "met_on_time" | "met_late" | "cancelled"}`` otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, assert_never

from kwflow.exceptions import (
    ActionNotAllowed,
    ArtifactInvalid,
    CarryOverInvalid,
    CaseOnHold,
    EarlierCaseOpen,
    EarlierOutcomeNotListed,
    FollowUpNotDeclared,
    HoldConflict,
    MigrationPlanNotFound,
    NotDueForDisposal,
    NotInEarlierCase,
    NotPermitted,
    Reason,
    ReasonCode,
    SubjectErased,
    SubjectNotFound,
    UnknownName,
)
from kwflow.history import EMPTY_MAP, EventType, FrozenDict, thaw

from ._authorization import (
    action_reasons,
    closed_reason,
    guard_reasons,
    listing,
    permission_reason,
    present_roles,
    raise_refusal,
)
from ._commands import (
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Dismiss,
    Dispose,
    Erase,
    Hold,
    Migrate,
    ReleaseHold,
    Replace,
    Submit,
    Unassign,
)
from ._deadlines import breaches_due, deadline_changes, moved, suspended_working_days
from ._machine import MoveRefused
from ._migrate import Migration, decide_migrate
from ._organisations import assignable_reason, organisation_payload, organisation_reasons
from ._records import DeadlineStatus
from ._retention import disposal_due_at

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from kwflow.calendars import CalendarRegistry
    from kwflow.definition import Follows, Retention

    from ._authorization import Guard
    from ._commands import CaseCommand, Organisation
    from ._compiled import CompiledProcess
    from ._records import Case

__all__ = [
    "ROLE_ACTOR_PREFIX",
    "SYSTEM_ACTOR",
    "Draft",
    "carried_documents",
    "decide",
    "decide_act",
    "decide_assign",
    "decide_breaches",
    "decide_call_in",
    "decide_carried",
    "decide_dismiss",
    "decide_dispose",
    "decide_erase",
    "decide_hold",
    "decide_open",
    "decide_replace",
    "decide_submit",
    "decide_unassign",
    "role_actor",
]

SYSTEM_ACTOR = "kwflow"
"""The actor of events nobody caused: a deadline breached by the passing of time."""

ROLE_ACTOR_PREFIX = "role:"
"""Starts the actor of ``called_in`` and ``dismissed`` events: ``role:<role id>``, the
role the person acted through, in place of the person (see `role_actor`)."""

Draft = tuple[str, str, "Mapping[str, Any]"]
"""An event before it is numbered and hashed: ``(type, actor, payload)``."""

_OPENED = EventType.CASE_OPENED.value
_ASSIGNED = EventType.ROLE_ASSIGNED.value
_UNASSIGNED = EventType.ROLE_UNASSIGNED.value
_REPLACED = EventType.ROLE_REPLACED.value
_SUBMITTED = EventType.ARTIFACT_SUBMITTED.value
_ACTED = EventType.ACTION_TAKEN.value
_CALLED_IN = EventType.CALLED_IN.value
_DISMISSED = EventType.DISMISSED.value
_BREACHED = EventType.DEADLINE_BREACHED.value
_SUBJECT_ERASED = EventType.SUBJECT_ERASED.value
_HOLD_PLACED = EventType.HOLD_PLACED.value
_HOLD_RELEASED = EventType.HOLD_RELEASED.value
_DISPOSED = EventType.CASE_DISPOSED.value


def _names(names: Iterable[str]) -> str:
    """Names as a fact of a reason: ``a, b`` (sorted), or empty."""
    return ", ".join(sorted(names))


def _refuse_if_closed(case: Case, command: str, *, kind: str, facts: Mapping[str, str]) -> None:
    closed = closed_reason(case)
    if closed is not None:
        raise ActionNotAllowed(command, [closed], command=kind, facts=facts)


def _role(compiled: CompiledProcess, role: str) -> None:
    if role not in compiled.roles:
        raise UnknownName("role", role, list(compiled.roles))


def decide_open(
    compiled: CompiledProcess,
    *,
    by: str,
    organisation: Organisation | None = None,
    follows: Case | None = None,
) -> list[Draft]:
    """Open a case: the opener takes the process's ``opener`` role.

    The opener's organisation meets the opener role's rules (`assignable_in`
    does not apply: opening is not assigning, and the opener role is held
    from the first event on).

    With ``follows`` (the earlier case, already loaded) the case opens as
    its follow-up: the process declares it may follow that process, the
    earlier case ended with one of the outcomes listed, and ``by`` holds a
    role in it (they copy its documents); otherwise the opening is refused.
    The documents to carry over are `carried_documents`.
    """
    process = compiled.process
    reasons = organisation_reasons(compiled, None, by, process.opener, organisation)
    if reasons:
        raise ActionNotAllowed(
            f"open a case of {process.id!r}",
            reasons,
            command="open",
            facts={"process": process.id, "person": by, "role": process.opener},
        )
    payload: dict[str, Any] = {
        "process": {
            "id": process.id,
            "version": process.version,
            "hash": process.content_hash,
        },
        "phase": list(compiled.initial_path),
        "role": process.opener,
    }
    if organisation is not None:
        payload["organisation"] = organisation_payload(organisation)
    if follows is not None:
        _follow_up_rule(compiled, follows, by=by)
        payload["follows"] = {
            "case": follows.id,
            "process": follows.process.id,
            "version": follows.process.version,
            # Recorded so the follow-up's own history says what it followed
            # (the follows_outcome invariant reads it): replay never reads
            # another case.
            "outcome": follows.outcome,
        }
    return [(_OPENED, by, payload)]


def _follow_up_rule(compiled: CompiledProcess, earlier: Case, *, by: str) -> Follows:
    """The ``follows`` entry that lets ``earlier`` be followed up by ``by``, or a refusal."""
    process = compiled.process
    rule = process.follows_rule(earlier.process.id)
    if rule is None:
        raise FollowUpNotDeclared(process.id, earlier.id, earlier.process.id)
    if earlier.outcome is None:
        raise EarlierCaseOpen(earlier.id, rule.outcomes)
    if earlier.outcome not in rule.outcomes:
        raise EarlierOutcomeNotListed(earlier.id, earlier.outcome, rule.outcomes)
    if by not in earlier.participants:
        raise NotInEarlierCase(by, earlier.id)
    return rule


def carried_documents(
    compiled: CompiledProcess, earlier: Case, *, by: str
) -> list[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """What a follow-up of ``earlier`` copies: ``(artifact, data, carried)`` for each document.

    The newest version of each ``carry_over.from`` artifact the earlier case
    has, its fields renamed by ``fields`` (by default each field of this
    artifact takes the earlier field of the same id), validated against
    this process's artifact: `CarryOverInvalid` lists every field that does
    not fit. Person fields are not checked against the new case's people:
    they name the people of the earlier case. An artifact the earlier case
    never had is left out.
    """
    rule = _follow_up_rule(compiled, earlier, by=by)
    found: list[tuple[str, Mapping[str, Any], Mapping[str, Any]]] = []
    for carry in rule.carry_over:
        latest = earlier.latest(carry.from_)
        schema = compiled.artifacts.get(carry.artifact)
        if latest is None or schema is None:
            continue
        mapping = carry.fields
        if mapping is None:
            mapping = {field.id: field.id for field in schema.artifact.fields}
        data = {
            mine: thaw(latest.data[theirs])
            for mine, theirs in mapping.items()
            if theirs in latest.data
        }
        try:
            values = schema.validate(data)
        except ArtifactInvalid as exc:
            raise CarryOverInvalid(carry.artifact, earlier.id, carry.from_, exc.errors) from None
        carried = {"case": earlier.id, "artifact": carry.from_, "version": latest.number}
        found.append((carry.artifact, values, carried))
    return found


def decide_carried(
    compiled: CompiledProcess,
    case: Case,
    artifact: str,
    values: Mapping[str, Any],
    carried: Mapping[str, Any],
    *,
    by: str,
    now: datetime,
    calendars: CalendarRegistry,
) -> list[Draft]:
    """Record a document carried into a new follow-up case, by its opener.

    Not a submission the opener asks for: no write permission is needed
    (the process file says what is copied), but it starts and meets
    deadlines as a submission would (a control conference's date may come
    from the earlier minutes).
    """
    leaf = compiled.leaves[case.phase.id]
    payload: dict[str, Any] = {
        "artifact": artifact,
        "version": len(case.artifacts.get(artifact, ())) + 1,
        "data": values,
        "carried": dict(carried),
    }
    changes = deadline_changes(
        compiled,
        case,
        calendars=calendars,
        now=now,
        sequence=case.version + 1,
        new_leaf=leaf.id,
        entered=False,
        outcome=None,
        artifact=artifact,
        artifact_data=values,
    )
    if changes:
        payload["deadlines"] = changes
    return [(_SUBMITTED, by, payload)]


def _may_assign(
    compiled: CompiledProcess,
    case: Case,
    role: str,
    *,
    by: str,
    command: str,
    doing: str,
    kind: str,
    facts: Mapping[str, str],
) -> None:
    """Refuse unless the role exists, the case is open and ``by`` may (un)assign it here."""
    _role(compiled, role)
    _refuse_if_closed(case, command, kind=kind, facts=facts)
    leaf = compiled.leaves[case.phase.id]
    denied = permission_reason(leaf, case, by, compiled.assigners[role])
    if denied is not None:
        raise_refusal(command, doing, by, [denied], kind=kind, facts=facts)


def decide_assign(
    compiled: CompiledProcess,
    case: Case,
    person: str,
    role: str,
    *,
    by: str,
    organisation: Organisation | None = None,
) -> list[Draft]:
    """Assign ``person`` to ``role``: cardinality (``max``), exclusivity, the phase
    (``assignable_in``) and the role's rules on organisations hold."""
    command = f"assign {person!r} as {role}"
    facts = {"person": person, "role": role}
    _may_assign(
        compiled,
        case,
        role,
        by=by,
        command=command,
        doing=f"assign people to {role!r}",
        kind="assign",
        facts=facts,
    )
    held = case.participants.get(person, ())
    reasons: list[Reason] = []
    if role in held:
        reasons.append(
            Reason(
                ReasonCode.ALREADY_HOLDS,
                f"{person!r} already holds the role {role!r}",
                role=role,
                params={"person": person},
            )
        )
    maximum = compiled.roles[role].max
    holders = case.roles.get(role, ())
    if maximum is not None and len(holders) >= maximum and role not in held:
        reasons.append(
            Reason(
                ReasonCode.ROLE_FULL,
                f"the role {role!r} takes at most {maximum} "
                f"{'person' if maximum == 1 else 'people'} and is held by {listing(holders)}",
                role=role,
                params={"max": str(maximum), "holders": _names(holders)},
            )
        )
    clash = _exclusive_reason(compiled, case, person, role)
    if clash is not None:
        reasons.append(clash)
    phase = assignable_reason(compiled, case, role)
    if phase is not None:
        reasons.append(phase)
    reasons.extend(organisation_reasons(compiled, case, person, role, organisation))
    if reasons:
        raise ActionNotAllowed(command, reasons, command="assign", facts=facts)
    payload: dict[str, Any] = {"person": person, "role": role}
    if organisation is not None:
        payload["organisation"] = organisation_payload(organisation)
    return [(_ASSIGNED, by, payload)]


def decide_unassign(
    compiled: CompiledProcess, case: Case, person: str, role: str, *, by: str
) -> list[Draft]:
    """Take ``role`` from ``person``; the role keeps at least its ``min`` holders."""
    command = f"unassign {person!r} from {role}"
    facts = {"person": person, "role": role}
    _may_assign(
        compiled,
        case,
        role,
        by=by,
        command=command,
        doing=f"unassign people from {role!r}",
        kind="unassign",
        facts=facts,
    )
    holders = case.roles.get(role, ())
    if person not in holders:
        reason = Reason(
            ReasonCode.NOT_HOLDING,
            f"{person!r} does not hold the role {role!r}",
            role=role,
            params={"person": person},
        )
        raise ActionNotAllowed(command, [reason], command="unassign", facts=facts)
    minimum = compiled.roles[role].min
    if len(holders) - 1 < minimum:
        reason = Reason(
            ReasonCode.ROLE_MINIMUM,
            f"the role {role!r} needs at least {minimum} "
            f"{'person' if minimum == 1 else 'people'}; assign someone else first",
            role=role,
            params={"min": str(minimum)},
        )
        raise ActionNotAllowed(command, [reason], command="unassign", facts=facts)
    return [(_UNASSIGNED, by, {"person": person, "role": role})]


def _exclusive_reason(
    compiled: CompiledProcess, case: Case, person: str, role: str
) -> Reason | None:
    """Why ``person`` may not take ``role`` beside the roles they hold, or ``None``."""
    held = case.participants.get(person, ())
    clashing = [other for other in held if other in compiled.exclusive[role]]
    if not clashing:
        return None
    return Reason(
        ReasonCode.EXCLUSIVE_ROLES,
        f"{person!r} holds {listing(clashing)}, which may not be held together with {role!r}",
        role=role,
        params={"person": person, "roles": _names(clashing)},
    )


def decide_replace(
    compiled: CompiledProcess,
    case: Case,
    command: Replace,
) -> list[Draft]:
    """Hand ``role`` over from ``person`` to ``successor`` in one step.

    ``by`` holds a role of the role's ``replaced_by`` and is present, as for
    assigning; the role's count never changes, so its ``min`` and ``max``
    hold throughout; the successor must be free of roles exclusive with it
    and meet the role's rules on organisations. ``assignable_in`` does not
    limit a handover: it never fills a role that was empty, so a worker who
    leaves can be replaced in any phase.
    """
    person, role, successor, by = command.person, command.role, command.successor, command.by
    text = f"replace {person!r} as {role} by {successor!r}"
    facts = {"person": person, "role": role, "successor": successor}
    _role(compiled, role)
    _refuse_if_closed(case, text, kind="replace", facts=facts)
    replacers = compiled.replacers[role]
    if not replacers:
        reason = Reason(
            ReasonCode.NOT_REPLACEABLE,
            f"the process does not let anyone hand the role {role!r} over "
            "(it has no 'replaced_by')",
            role=role,
        )
        raise ActionNotAllowed(text, [reason], command="replace", facts=facts)
    leaf = compiled.leaves[case.phase.id]
    denied = permission_reason(leaf, case, by, replacers)
    if denied is not None:
        raise_refusal(
            text, f"hand over the role {role!r}", by, [denied], kind="replace", facts=facts
        )
    holders = case.roles.get(role, ())
    reasons: list[Reason] = []
    if person not in holders:
        reasons.append(
            Reason(
                ReasonCode.NOT_HOLDING,
                f"{person!r} does not hold the role {role!r}",
                role=role,
                params={"person": person},
            )
        )
    if successor in holders:
        reasons.append(
            Reason(
                ReasonCode.ALREADY_HOLDS,
                f"{successor!r} already holds the role {role!r}",
                role=role,
                params={"person": successor},
            )
        )
    clash = _exclusive_reason(compiled, case, successor, role)
    if clash is not None:
        reasons.append(clash)
    reasons.extend(
        organisation_reasons(compiled, case, successor, role, command.organisation, leaving=person)
    )
    if reasons:
        raise ActionNotAllowed(text, reasons, command="replace", facts=facts)
    payload: dict[str, Any] = {
        "person": person,
        "role": role,
        "successor": successor,
        "reason": command.reason,
    }
    if command.organisation is not None:
        payload["organisation"] = organisation_payload(command.organisation)
    return [(_REPLACED, by, payload)]


def decide_submit(
    compiled: CompiledProcess,
    case: Case,
    artifact: str,
    data: object,
    *,
    by: str,
    now: datetime,
    calendars: CalendarRegistry,
    about: str | None = None,
) -> list[Draft]:
    """Submit a new version of ``artifact``, validated, by a present writer.

    A per-person artifact's copy names the person it is about, who holds
    one of the artifact's ``per_person`` roles; other artifacts name nobody.
    """
    schema = compiled.artifacts.get(artifact)
    if schema is None:
        raise UnknownName("artifact", artifact, list(compiled.artifacts))
    command = f"submit {artifact}"
    facts = {"artifact": artifact}
    if about is not None:
        facts["about"] = about
    _refuse_if_closed(case, command, kind="submit", facts=facts)
    leaf = compiled.leaves[case.phase.id]
    denied = permission_reason(leaf, case, by, schema.writers)
    if denied is not None:
        raise_refusal(command, f"write {artifact!r}", by, [denied], kind="submit", facts=facts)
    if leaf.writable is not None and artifact not in leaf.writable:
        reason = Reason(
            ReasonCode.NOT_WRITABLE,
            f"the phase {leaf.id!r} does not allow writing {artifact!r}; "
            f"it allows {listing(leaf.writable)}",
            artifact=artifact,
            params={"phase": leaf.id, "writable": _names(leaf.writable)},
        )
        raise ActionNotAllowed(command, [reason], command="submit", facts=facts)
    about_reason = _about_reason(case, schema.artifact.per_person, artifact, about)
    if about_reason is not None:
        raise ActionNotAllowed(command, [about_reason], command="submit", facts=facts)
    values = schema.validate(data)
    problems = schema.people_problems(values, case)
    if problems:
        raise ArtifactInvalid(artifact, problems)
    versions = case.artifacts.get(artifact, ())
    payload: dict[str, Any] = {"artifact": artifact}
    if about is not None:
        # Each person's copy counts its own versions.
        payload["about"] = about
        versions = tuple(v for v in versions if v.about == about)
    payload["version"] = len(versions) + 1
    payload["data"] = values
    changes = deadline_changes(
        compiled,
        case,
        calendars=calendars,
        now=now,
        sequence=case.version + 1,
        new_leaf=leaf.id,
        entered=False,
        outcome=None,
        artifact=artifact,
        artifact_data=values,
        about=about,
        held=() if case.suspension is None else case.suspension.held,
    )
    if changes:
        payload["deadlines"] = changes
    return [(_SUBMITTED, by, payload)]


def _about_reason(
    case: Case, per_person: tuple[str, ...], artifact: str, about: str | None
) -> Reason | None:
    """Why ``about`` does not fit the artifact, or ``None``."""
    if not per_person:
        if about is None:
            return None
        return Reason(
            ReasonCode.ABOUT_NOT_ALLOWED,
            f"the artifact {artifact!r} is one document per case; it is about nobody "
            f"(leave out about={about!r})",
            artifact=artifact,
            params={"person": about},
        )
    if about is None:
        return Reason(
            ReasonCode.ABOUT_REQUIRED,
            f"the artifact {artifact!r} is kept per person (roles {listing(per_person)}); "
            "name the person it is about (about=)",
            artifact=artifact,
            params={"roles": _names(per_person)},
        )
    held = case.participants.get(about, ())
    if any(role in per_person for role in held):
        return None
    return Reason(
        ReasonCode.ABOUT_NOT_HOLDER,
        f"the artifact {artifact!r} is kept about people in the roles {listing(per_person)}; "
        f"{about!r} holds {listing(held)}",
        artifact=artifact,
        params={"person": about, "roles": _names(per_person), "held": _names(held)},
    )


def decide_act(
    compiled: CompiledProcess,
    case: Case,
    action: str,
    *,
    by: str,
    data: object | None,
    now: datetime,
    guards: Mapping[str, Guard],
    calendars: CalendarRegistry,
) -> list[Draft]:
    """Take ``action``: allowed for ``by`` now, its data valid; returns its event."""
    compiled_action = compiled.actions.get(action)
    if compiled_action is None:
        raise UnknownName("action", action, list(compiled.actions))
    doing = f"take the action {action!r}"
    facts = {"action": action}
    # Guards are host code: run them only once everything else holds.
    reasons: list[Reason] = action_reasons(
        compiled, case, compiled_action, by, guards, now=now, run_guards=False
    )
    raise_refusal(action, doing, by, reasons, facts=facts)
    records = compiled_action.action.records
    values = EMPTY_MAP
    if records is None:
        if data is not None:
            reason = Reason(
                ReasonCode.TAKES_NO_DATA,
                "it records no artifact, so it takes no data (give data=None)",
            )
            raise ActionNotAllowed(action, [reason], facts={"action": action})
    else:
        schema = compiled.artifacts[records]
        values = schema.validate({} if data is None else data)
        problems = schema.people_problems(values, case)
        if problems:
            raise ArtifactInvalid(records, problems)
    if compiled_action.guards:
        # Everything but the guards held a moment ago on this same case:
        # only the guards, which see the data, are left to ask.
        reasons = guard_reasons(compiled, case, compiled_action, by, guards, now=now, data=values)
        raise_refusal(action, doing, by, reasons, facts=facts)
    # The compiled action's id, not the caller's string: one string for every event.
    action = compiled_action.id
    leaf_id = case.phase.id
    entered = not compiled_action.stays
    suspension = case.suspension
    path: tuple[str, ...] | None = None
    if entered:
        resume_to = None
        if compiled_action.resume and suspension is not None:
            resume_to = suspension.from_phase.path
        try:
            path = compiled.machine.destination(case.phase.path, action, resume_to=resume_to)
        except MoveRefused:
            # The compiled tables said the action may be taken here; a
            # machine that disagrees is a bug, reported without its internals.
            reason = Reason(
                ReasonCode.NO_MOVE,
                f"the process has no move {action!r} from {leaf_id!r}",
                params={"action": action, "phase": leaf_id},
            )
            raise ActionNotAllowed(action, [reason], facts={"action": action}) from None
        leaf_id = path[-1]
    outcome = compiled.leaves[leaf_id].outcome
    mode = compiled.suspensions.get(leaf_id) if entered else None
    entering = mode is not None and suspension is None
    leaving = suspension is not None and entered and leaf_id not in compiled.suspensions
    held: tuple[str, ...] = ()
    if entering:
        held = tuple(d.id for d in case.deadlines.values() if d.status is DeadlineStatus.PENDING)
    elif suspension is not None and not leaving:
        held = suspension.held
    changes = deadline_changes(
        compiled,
        case,
        calendars=calendars,
        now=now,
        sequence=case.version + 1,
        new_leaf=leaf_id,
        entered=entered,
        outcome=outcome,
        action=action,
        artifact=records,
        artifact_data=values if records is not None else None,
        held=held,
    )
    extra: dict[str, Any] = {}
    if entering:
        assert mode is not None
        met = {change["id"] for change in changes}
        extra["suspended"] = {
            "from": list(case.phase.path),
            "deadlines": mode,
            "held": [deadline for deadline in held if deadline not in met],
        }
    elif leaving:
        assert suspension is not None
        days = suspended_working_days(compiled, suspension.since, now, calendars=calendars)
        extra["suspension_ended"] = {"working_days": days}
        if outcome is None:
            changes += _paused_moved(compiled, case, changes, days, calendars=calendars)
    if records is None and not changes and not extra:
        # A plain move: its payload is the same for every case that makes
        # it, so one read-only payload stands for all of them.
        return [(_ACTED, by, compiled.move_payload(action, path, outcome))]
    payload: dict[str, Any] = {"action": action}
    if path is not None:
        payload["phase"] = compiled.phase_list(path)
    if outcome is not None:
        payload["outcome"] = outcome
    if records is not None:
        payload["records"] = FrozenDict(
            {
                "artifact": records,
                "version": len(case.artifacts.get(records, ())) + 1,
                "data": values,
            }
        )
    if changes:
        payload["deadlines"] = changes
    payload.update(extra)
    return [(_ACTED, by, payload)]


def _paused_moved(
    compiled: CompiledProcess,
    case: Case,
    changes: list[dict[str, Any]],
    days: int,
    *,
    calendars: CalendarRegistry,
) -> list[dict[str, Any]]:
    """Paused deadlines still running after a step that ends the suspension, moved later.

    One this step changed (met, cancelled, started afresh) is left as the step left it.
    """
    suspension = case.suspension
    if suspension is None or days <= 0:
        return []
    changed = {change["id"] for change in changes}
    return [
        moved(compiled, state, days, calendars=calendars)
        for deadline_id in suspension.paused
        if deadline_id not in changed
        and (state := case.deadlines[deadline_id]).status is DeadlineStatus.PENDING
    ]


def _on_call_check(compiled: CompiledProcess, case: Case, role: str, command: str) -> None:
    leaf = compiled.leaves[case.phase.id]
    if role not in leaf.on_call:
        reason = Reason(
            ReasonCode.NOT_ON_CALL,
            f"the role {role!r} is not on call in the phase {leaf.id!r}; "
            f"on call there: {listing(leaf.on_call)}",
            role=role,
            params={"phase": leaf.id, "on_call": _names(leaf.on_call)},
        )
        raise ActionNotAllowed(command, [reason], command="call_in", facts={"role": role})


def _present_participant(
    compiled: CompiledProcess, case: Case, by: str, command: str, *, kind: str, role: str
) -> str:
    """The role through which ``by`` is present; refuses otherwise.

    Of their roles present now, the first in the process file's order: the
    event records only that role (`role_actor`), so the same person in the
    same place is recorded the same way whatever order their roles came in
    (and the explorer, which does not know that order, predicts it).
    """
    leaf = compiled.leaves[case.phase.id]
    present = present_roles(leaf, case)
    held = case.participants.get(by, ())
    acting = next(
        (role.id for role in compiled.process.roles if role.id in held and role.id in present),
        None,
    )
    if acting is None:
        reason = Reason(
            ReasonCode.NOT_PRESENT,
            f"{by!r} is not present in the phase {leaf.id!r} (as {listing(held)}); "
            f"present: {listing(present)}",
            params={
                "person": by,
                "phase": leaf.id,
                "roles": _names(held),
                "present": _names(present),
            },
        )
        raise NotPermitted(by, command, [reason], kind=kind, facts={"role": role})
    return acting


_FROM_OUTSIDE = (CheckDeadlines, Erase, Hold, ReleaseHold, Dispose, Migrate)
"""Commands sent by someone who need not take part in the case: the scheduler's
deadline check, and the host's data-protection acts (erasure, holds, disposal),
done by its DPO or records staff; the host decides who may send those
(docs/erasure.md)."""


def _refuse_stranger(case: Case, command: CaseCommand) -> None:
    """Refuse a command by someone who takes no part in the case, telling them nothing of it.

    Every command but the deadline check and the data-protection records
    (erase, hold, release, dispose) needs its sender to hold a role in the
    case; checking that first means a stranger learns neither the phase,
    the outcome, nor which documents are missing (reasons that a
    participant is rightly told).
    """
    facts: dict[str, str] = {}
    match command:
        case Act():
            kind, facts = "act", {"action": command.action}
        case Submit():
            kind, facts = "submit", {"artifact": command.artifact}
        case Assign() | Unassign():
            kind = "assign" if isinstance(command, Assign) else "unassign"
            facts = {"person": command.person, "role": command.role}
        case Replace():
            kind = "replace"
            facts = {"role": command.role, "person": command.person, "successor": command.successor}
        case CallIn() | Dismiss():
            kind = "call_in" if isinstance(command, CallIn) else "dismiss"
            facts = {"role": command.role}
        case _:
            kind = "act"
    by = command.by  # type: ignore[union-attr]
    reason = Reason(
        ReasonCode.NOT_A_PARTICIPANT,
        f"{by!r} takes no part in the case",
        params={"person": by},
    )
    raise NotPermitted(
        by, f"{kind.replace('_', ' ')} in the case {case.id!r}", [reason], kind=kind, facts=facts
    )


def role_actor(role: str) -> str:
    """The actor recorded for a step taken through ``role``, not naming the person.

    Calling the coordinator in, or sending them out, happens in private
    family time, of which nothing but the plan is kept: the event says that
    someone present as (say) a family member did it, never which one. Who
    it was is checked when the command is decided, then forgotten.
    """
    return ROLE_ACTOR_PREFIX + role


def decide_call_in(compiled: CompiledProcess, case: Case, role: str, *, by: str) -> list[Draft]:
    """Call an on-call role in: a present participant asks, someone holds the role."""
    _role(compiled, role)
    command = f"call in {role}"
    facts = {"role": role}
    _refuse_if_closed(case, command, kind="call_in", facts=facts)
    _on_call_check(compiled, case, role, command)
    acting = _present_participant(compiled, case, by, command, kind="call_in", role=role)
    if role in case.called_in:
        reason = Reason(
            ReasonCode.ALREADY_CALLED_IN, f"the role {role!r} is already called in", role=role
        )
        raise ActionNotAllowed(command, [reason], command="call_in", facts=facts)
    if not case.roles.get(role):
        reason = Reason(
            ReasonCode.NOBODY_HOLDS, f"nobody holds the role {role!r} in this case", role=role
        )
        raise ActionNotAllowed(command, [reason], command="call_in", facts=facts)
    return [(_CALLED_IN, role_actor(acting), {"role": role})]


def decide_dismiss(compiled: CompiledProcess, case: Case, role: str, *, by: str) -> list[Draft]:
    """Send a called-in role out again; anyone present (the role too) may."""
    _role(compiled, role)
    command = f"dismiss {role}"
    facts = {"role": role}
    _refuse_if_closed(case, command, kind="dismiss", facts=facts)
    if role not in case.called_in:
        reason = Reason(ReasonCode.NOT_CALLED_IN, f"the role {role!r} is not called in", role=role)
        raise ActionNotAllowed(command, [reason], command="dismiss", facts=facts)
    acting = _present_participant(compiled, case, by, command, kind="dismiss", role=role)
    return [(_DISMISSED, role_actor(acting), {"role": role})]


def decide_breaches(case: Case, now: datetime) -> list[Draft]:
    """A ``deadline_breached`` event for each running deadline due before ``now``."""
    return [
        (_BREACHED, SYSTEM_ACTOR, {"deadline": state.id, "due": state.due.isoformat()})  # type: ignore[union-attr]
        for state in breaches_due(case, now)
    ]


def decide_erase(case: Case, command: Erase) -> list[Draft]:
    """Erase a data subject: someone whose data the case holds, or who takes part in it."""
    subject = command.subject
    if subject in case.erased:
        raise SubjectErased(case.id, subject)
    if subject not in case.subjects and subject not in case.participants:
        raise SubjectNotFound(case.id, subject)
    return [(_SUBJECT_ERASED, command.by, {"subject": subject, "reason": command.reason})]


def decide_hold(case: Case, command: Hold | ReleaseHold) -> list[Draft]:
    """Place or release a legal hold: one at a time, recorded with its reason."""
    if isinstance(command, Hold):
        if case.hold is not None:
            raise HoldConflict(case.id, "held")
        return [(_HOLD_PLACED, command.by, {"reason": command.reason})]
    if case.hold is None:
        raise HoldConflict(case.id, "not-held")
    return [(_HOLD_RELEASED, command.by, {"reason": command.reason})]


def decide_dispose(
    case: Case, command: Dispose, *, retention: Retention | None, now: datetime
) -> list[Draft]:
    """Dispose of a closed case past its retention and under no hold.

    The one draft, ``case_disposed``, is what the disposal record is made
    of; it is never appended (the events it would follow are deleted).
    """
    if case.disposed_at is not None:
        raise NotDueForDisposal(case.id, "disposed")
    closed_at = case.closed_at
    if case.outcome is None or closed_at is None:
        raise NotDueForDisposal(case.id, "open")
    if case.hold is not None:
        raise CaseOnHold(case.id, case.hold)
    period = None if retention is None else retention.period_for(case.outcome)
    if period is None:
        raise NotDueForDisposal(case.id, "no-retention")
    due = disposal_due_at(closed_at, period)
    if now < due:
        raise NotDueForDisposal(case.id, "not-yet", due.isoformat())
    # Never appended: the engine turns it into the case's disposal record.
    return [(_DISPOSED, command.by, {"retention": str(period), "reason": command.reason})]


def decide(
    compiled: CompiledProcess,
    case: Case,
    command: CaseCommand,
    *,
    now: datetime,
    guards: Mapping[str, Guard],
    calendars: CalendarRegistry,
    retention: Retention | None = None,
    migration: Migration | None = None,
) -> list[Draft]:
    """What ``command`` leads to on ``case`` at ``now``: the one place commands are decided.

    Breaches of deadlines past due are not decided here: the engine records
    them before every command (so `CheckDeadlines` itself adds nothing).
    ``retention`` is the one disposal counts with (the host's, else the
    process file's; ``None``: the process file's). ``migration`` is the plan
    and the two versions a `Migrate` command moves the case by (the engine
    finds them in its registry).
    """
    if not isinstance(command, _FROM_OUTSIDE) and command.by not in case.participants:
        _refuse_stranger(case, command)
    match command:
        case Act():
            return decide_act(
                compiled,
                case,
                command.action,
                by=command.by,
                data=command.data,
                now=now,
                guards=guards,
                calendars=calendars,
            )
        case Submit():
            return decide_submit(
                compiled,
                case,
                command.artifact,
                command.data,
                by=command.by,
                now=now,
                calendars=calendars,
                about=command.about,
            )
        case Assign():
            return decide_assign(
                compiled,
                case,
                command.person,
                command.role,
                by=command.by,
                organisation=command.organisation,
            )
        case Unassign():
            return decide_unassign(compiled, case, command.person, command.role, by=command.by)
        case Replace():
            return decide_replace(compiled, case, command)
        case CallIn():
            return decide_call_in(compiled, case, command.role, by=command.by)
        case Dismiss():
            return decide_dismiss(compiled, case, command.role, by=command.by)
        case CheckDeadlines():
            return []
        case Erase():
            return decide_erase(case, command)
        case Hold() | ReleaseHold():
            return decide_hold(case, command)
        case Dispose():
            rules = retention if retention is not None else compiled.process.retention
            return decide_dispose(case, command, retention=rules, now=now)
        case Migrate():
            if migration is None:
                raise MigrationPlanNotFound(
                    case.id, case.process.id, case.process.version, command.to_version
                )
            return decide_migrate(migration, case, command, now=now, calendars=calendars)
        case _:
            # mypy proves every command has an arm; a record it cannot see still fails loudly.
            assert_never(command)
