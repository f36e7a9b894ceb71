"""Migration: a case moved to another version of its process, by a checked plan.

`decide_migrate` is the decision of the `Migrate` command: pure, like every
arm of ``decide``. It reads the case through the plan
(`kwflow.definition.MigrationPlan`) and writes one ``case_migrated`` event
that holds everything the move led to, in the new version's terms: the
process it runs now, the leaf phase, who holds which role, the new versions
of the documents whose fields changed, the renamed and dropped documents,
and the deadlines of the new version with the changes the move made to
them. Replay (``_evolve``) copies those facts into place and never reads
the plan again, so a history verifies whatever plans are registered later.

A case the plan cannot move as it stands is refused with `MigrationRefused`
and a reason: nothing is written. What the new version requires of the
state is checked here on the one case (roles within their maximum,
exclusive roles, roles assigned no earlier than the new version allows,
organisations the new version requires, documents valid by the new
schemas, documents a phase requires on entry, roles never left empty);
``kwflow check`` proves the same over every state the explorer reaches, so
a plan that passes it refuses no case for its shape.

The case's events do not change: they stay the old version's, and the
``case_migrated`` event says from where the new version takes over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from kwflow.definition import ArtifactPresentOnEntry, RoleNeverEmpty
from kwflow.exceptions import ArtifactInvalid, KwflowError, MigrationRefused
from kwflow.history import EventType, new_event, thaw

from ._deadlines import deadline_starts
from ._evolve import evolve
from ._records import DeadlineStatus

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from kwflow.calendars import CalendarRegistry
    from kwflow.definition import DocumentChange, MigrationPlan

    from ._commands import Migrate, Organisation
    from ._compiled import CompiledProcess
    from ._decide import Draft
    from ._records import Case

__all__ = ["Migration", "MigrationCheck", "decide_migrate"]

_MIGRATED = EventType.CASE_MIGRATED.value


@attrs.frozen
class Migration:
    """What the engine found for a `Migrate` command: the plan and the two versions."""

    plan: MigrationPlan
    source: CompiledProcess
    target: CompiledProcess


@attrs.frozen
class MigrationCheck:
    """What became (or, in a dry run, would become) of one case: moved, or why not.

    ``ok`` says whether the case moves (moved, with ``done``); ``phase`` and
    ``new_phase`` are its leaf phase before and after; ``error`` is the
    refusal (a `KwflowError`, with its code and Czech and English text).
    """

    case_id: str
    to_version: int
    ok: bool
    done: bool = False
    process: str | None = None
    from_version: int | None = None
    phase: str | None = None
    new_phase: str | None = None
    error: KwflowError | None = None

    @classmethod
    def moved(
        cls,
        case_id: str,
        to_version: int,
        case: Case,
        *,
        before: Case | None = None,
        done: bool = False,
    ) -> MigrationCheck:
        """A case that moves (``before``: as it stood; without it, only where it went)."""
        return cls(
            case_id,
            to_version,
            ok=True,
            done=done,
            process=case.process.id,
            from_version=None if before is None else before.process.version,
            phase=None if before is None else before.phase.id,
            new_phase=case.phase.id,
        )

    @classmethod
    def refused(cls, case_id: str, to_version: int, error: KwflowError) -> MigrationCheck:
        """A case that stays as it is, and why."""
        return cls(case_id, to_version, ok=False, error=error)

    def to_dict(self) -> dict[str, Any]:
        """As plain JSON: ``{"case_id", "to_version", "ok", "done", ..., "error"?}``."""
        found: dict[str, Any] = {
            "case_id": self.case_id,
            "to_version": self.to_version,
            "ok": self.ok,
            "done": self.done,
        }
        for name in ("process", "from_version", "phase", "new_phase"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        if self.error is not None:
            found["error"] = self.error.to_dict()
        return found


def decide_migrate(
    migration: Migration,
    case: Case,
    command: Migrate,
    *,
    now: datetime,
    calendars: CalendarRegistry,
) -> list[Draft]:
    """The ``case_migrated`` event moving ``case`` by ``migration``; `MigrationRefused` if not."""
    plan, target = migration.plan, migration.target
    new = target.process

    def refuse(reason: str, **facts: object) -> MigrationRefused:
        return MigrationRefused(case.id, command.to_version, reason, **facts)

    if case.outcome is not None:
        raise refuse("closed", outcome=case.outcome)
    if case.suspension is not None:
        raise refuse("suspended")
    leaf = plan.phases.get(case.phase.id)
    if leaf is None or leaf not in target.leaves:
        raise refuse("phase-unmapped", phase=case.phase.id)
    roles = _roles(plan, case)
    organisations = {**case.organisations, **command.organisations}
    _check_roles(target, roles, organisations, leaf, refuse)
    documents, renamed, dropped = _documents(plan, case, target, refuse)
    present = {target_id for target_id, versions in _present(case, renamed, dropped)}
    for invariant in new.invariants:
        if isinstance(invariant, ArtifactPresentOnEntry):
            leaves = _leaves_under(target, invariant.phase)
            if leaf in leaves and invariant.artifact not in present:
                raise refuse("document-on-entry", artifact=invariant.artifact, phase=leaf)
    deadlines, changes, starts = _deadlines(plan, case, target, leaf)
    payload: dict[str, Any] = {
        "plan": {"id": plan.id, "hash": plan.content_hash},
        "from": {
            "id": case.process.id,
            "version": case.process.version,
            "hash": case.process.content_hash,
        },
        "process": {"id": new.id, "version": new.version, "hash": new.content_hash},
        "phase": list(target.leaves[leaf].path),
        "roles": {role: list(people) for role, people in roles.items()},
        "called_in": [r for r in (plan.role_target(c) for c in case.called_in) if r is not None],
        "taken_in_phase": [a for a in case.taken_in_phase if a in target.actions],
        "deadlines": deadlines,
    }
    given = {
        person: {"id": org.id, "kind": org.kind}
        for person, org in command.organisations.items()
        if any(person in people for people in roles.values())
    }
    if given:
        payload["organisations"] = given
    if renamed:
        payload["renamed"] = renamed
    if dropped:
        payload["dropped"] = dropped
    if documents:
        payload["documents"] = documents
    if changes:
        payload["changes"] = changes
    if starts:
        # Started through the same path as any deadline a step enters: on the
        # case as the move leaves it, so anchors are read in the new terms.
        moved = evolve(new, case, [_provisional(case, command.by, payload, now)])
        started = deadline_starts(
            target, moved, starts, calendars=calendars, now=now, sequence=case.version + 1
        )
        if started:
            payload["changes"] = [*changes, *started]
    return [(_MIGRATED, command.by, payload)]


def _provisional(case: Case, by: str, payload: Mapping[str, Any], now: datetime) -> Any:
    """The event as it would be (not stored): to fold the case the deadlines start on."""
    return new_event(
        case_id=case.id,
        sequence=case.version + 1,
        type=_MIGRATED,
        at=now,
        actor=by,
        payload=payload,
        prev_hash=case.last_hash,
    )


def _leaves_under(compiled: CompiledProcess, phase: str) -> frozenset[str]:
    return frozenset(leaf.id for leaf in compiled.leaves.values() if phase in leaf.path)


def _roles(plan: MigrationPlan, case: Case) -> dict[str, tuple[str, ...]]:
    """Who holds which role after the move, the holders in their order."""
    roles: dict[str, tuple[str, ...]] = {}
    for role, people in case.roles.items():
        target = plan.role_target(role)
        if target is None or not people:
            continue
        held = roles.get(target, ())
        roles[target] = (*held, *(p for p in people if p not in held))
    return roles


def _check_roles(
    target: CompiledProcess,
    roles: Mapping[str, tuple[str, ...]],
    organisations: Mapping[str, Organisation],
    leaf: str,
    refuse: Any,
) -> None:
    held: dict[str, list[str]] = {}
    for role, people in roles.items():
        definition = target.roles.get(role)
        if definition is None:
            raise refuse("role-too-many", role=role, count=len(people), max=0)
        if definition.max is not None and len(people) > definition.max:
            raise refuse("role-too-many", role=role, count=len(people), max=definition.max)
        leaves = target.assignable_leaves.get(role)
        if leaves is not None and leaf not in leaves:
            raise refuse(
                "role-assigned-too-early",
                person=people[0],
                role=role,
                phases=", ".join(definition.assignable_in),
            )
        rule = definition.organisation
        for person in people:
            for other in held.get(person, ()):
                if other in target.exclusive[role]:
                    raise refuse("roles-exclusive", person=person, role=other, other=role)
            held.setdefault(person, []).append(role)
            if rule is None:
                continue
            found = organisations.get(person)
            if found is None:
                if rule.required:
                    raise refuse("organisation-missing", person=person, role=role)
                continue
            if (rule.kinds and found.kind not in rule.kinds) or found.kind in rule.not_kinds:
                raise refuse("organisation-kind", person=person, role=role, kind=found.kind)
    if target.leaves[leaf].outcome is None:
        for invariant in target.process.invariants:
            if isinstance(invariant, RoleNeverEmpty) and not roles.get(invariant.role):
                raise refuse("role-empty", role=invariant.role)


def _present(case: Case, renamed: Mapping[str, str], dropped: list[str]) -> list[tuple[str, Any]]:
    found = []
    for artifact, versions in case.artifacts.items():
        if artifact in dropped or not versions:
            continue
        found.append((renamed.get(artifact, artifact), versions))
    return found


def _documents(
    plan: MigrationPlan, case: Case, target: CompiledProcess, refuse: Any
) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """The new document versions the move writes, the renamed and the dropped documents."""
    written: list[dict[str, Any]] = []
    renamed: dict[str, str] = {}
    dropped: list[str] = []
    for artifact, versions in case.artifacts.items():
        if not versions:
            continue
        change = plan.document(artifact)
        target_id = plan.document_target(artifact)
        if target_id is None:
            dropped.append(artifact)
            continue
        if target_id != artifact:
            renamed[artifact] = target_id
        schema = target.artifacts.get(target_id)
        if schema is None:
            dropped.append(artifact)
            continue
        per_person = bool(schema.artifact.per_person)
        latest = list(case.copies(artifact).values()) if per_person else [case.latest(artifact)]
        for version in latest:
            if version is None:
                continue
            data = thaw(version.data)
            mapped = _mapped(change, data)
            try:
                valid = thaw(schema.validate(mapped))
            except ArtifactInvalid as exc:
                errors = "; ".join(f"{e.path}: {e}" if e.path else str(e) for e in exc.errors)
                raise refuse("document-invalid", artifact=target_id, errors=errors) from None
            if valid == data:
                continue
            count = sum(1 for v in versions if v.about == version.about)
            entry: dict[str, Any] = {
                "artifact": target_id,
                "version": count + 1,
                "data": valid,
            }
            if version.about is not None:
                entry["about"] = version.about
            written.append(entry)
    return written, renamed, dropped


def _mapped(change: DocumentChange | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """A document's data in the new version's fields, by the plan's entry for it."""
    if change is None:
        return dict(data)
    result = dict(data)
    for field in change.fields:
        if field.drop:
            result.pop(field.field, None)
    moved = {f.from_: f for f in change.fields if f.from_ is not None and not f.drop}
    for origin in moved:
        result.pop(origin, None)
    for field in change.fields:
        if field.drop:
            continue
        origin = field.from_ or field.field
        value = data.get(origin)
        if value is not None and field.values is not None and isinstance(value, str):
            value = field.values.get(value, value) if value in field.values else value
        if value is None and field.default is not None:
            value = field.default
        if value is None:
            result.pop(field.field, None)
        else:
            result[field.field] = value
    return result


def _deadlines(
    plan: MigrationPlan, case: Case, target: CompiledProcess, leaf: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], frozenset[str]]:
    """The new version's deadlines, the changes the move makes, and those it starts.

    Each deadline of the new version takes the state of the old deadline the
    plan maps to it (its own id by default); a running one is kept with its
    times, cancelled or restarted as the plan says, and cancelled anyway when
    the case is outside its phases. A deadline with no old one, or restarted,
    starts as any deadline does when its phases are entered (`deadline_starts`).
    """
    sources: dict[str, str] = {}
    running: dict[str, str] = {}
    for old_id, state in case.deadlines.items():
        change = plan.deadline_change(old_id)
        target_id = change.target
        if target.process.deadline(target_id) is None or target_id in sources:
            continue
        sources[target_id] = old_id
        if state.status is DeadlineStatus.PENDING:
            running[target_id] = change.running
    entries: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    starts: set[str] = set()
    for deadline in target.deadlines:
        entry: dict[str, Any] = {"id": deadline.id, "responsible": deadline.deadline.responsible}
        source_id = sources.get(deadline.id)
        if source_id is not None:
            entry["from"] = source_id
        entries.append(entry)
        what = running.get(deadline.id)
        if what == "restart":
            starts.add(deadline.id)
            entry.pop("from")
        elif what == "cancel" or (what == "keep" and leaf not in deadline.leaves):
            changes.append({"id": deadline.id, "status": DeadlineStatus.CANCELLED.value})
        elif source_id is None:
            starts.add(deadline.id)
    return entries, changes, frozenset(starts)
