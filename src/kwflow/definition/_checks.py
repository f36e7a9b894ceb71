"""Static checks of a process: one function per rule, all in `RULES`.

The models check the *shape* of a file; these rules check that it means
something: every name refers to something declared, every phase can be
reached and left, someone is present to take every action, required documents
can be written before they are needed, deadlines can be met. Each rule is a
function registered with `_rule` under a stable id, which appears in
every problem it reports and heads its section in ``docs/checks.md`` (a test
keeps the two in step). Rules tolerate broken references: a name that does
not resolve is reported once, by the ``unknown-*`` rule of its kind, and the
other rules skip it.

The reachability rules work on *leaf* phases (a case is always in one):
entering a compound phase enters its initial sub-phase, and an action from a
compound phase may be taken in every phase inside it.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from kwflow.exceptions import Problem

from ._field_types import FieldTypeTable
from ._loaded import LoadedProcess
from ._models import (
    Action,
    ActionOnlyAfter,
    Artifact,
    ArtifactField,
    ArtifactPresentOnEntry,
    BoolField,
    DateField,
    DateTimeField,
    Deadline,
    EnumField,
    FieldCondition,
    IntField,
    Label,
    ListField,
    MoneyField,
    Notice,
    OnlyActionsIn,
    PersonField,
    Phase,
    PhaseEnteredAtMostOnce,
    Process,
    RoleNeverActsIn,
    RoleNeverEmpty,
    TextField,
)
from ._yaml import DocPath, format_path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = ["FIELD_CHECKS", "RULES", "CheckContext", "FieldTypeRules", "Rule", "check_process"]


@dataclass(frozen=True)
class Rule:
    """A static check: its stable id, severity, one-line summary and function."""

    id: str
    severity: str
    summary: str
    check: Callable[[CheckContext], Iterable[Problem]]


RULES: dict[str, Rule] = {}
"""Every rule by id, in the order they run (and are documented)."""


def _rule(
    rule_id: str, severity: str, summary: str
) -> Callable[
    [Callable[[CheckContext], Iterable[Problem]]], Callable[[CheckContext], Iterable[Problem]]
]:
    def register(
        function: Callable[[CheckContext], Iterable[Problem]],
    ) -> Callable[[CheckContext], Iterable[Problem]]:
        assert rule_id not in RULES, rule_id
        RULES[rule_id] = Rule(rule_id, severity, summary, function)
        return function

    return register


def check_process(
    process: LoadedProcess | Process, *, rules: Iterable[str] | None = None
) -> list[Problem]:
    """Run the static checks and return every problem, sorted by position.

    Give a `LoadedProcess` (from `parse_process`) for problems
    with lines and columns; a bare `Process` is checked too, with
    positions left empty. ``rules`` limits the run to some rule ids.
    """
    context = CheckContext(process)
    selected = RULES.values() if rules is None else [RULES[r] for r in rules]
    problems = [p for rule in selected for p in rule.check(context)]
    order = {rule_id: index for index, rule_id in enumerate(RULES)}
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, order.get(p.rule, 0)))
    return problems


# ----------------------------------------------------------------- context


@dataclass(frozen=True)
class _PhaseEntry:
    phase: Phase
    parents: tuple[Phase, ...]
    path: DocPath


@dataclass(frozen=True)
class _Reference:
    kind: str  # role, phase, artifact, action, guard
    name: str
    path: DocPath
    uses: bool  # whether the reference counts as using the target (unused-* rules)


class CheckContext:
    """What the rules share: the process, positions, and derived indexes.

    Indexes are computed once and tolerate duplicate ids (the first wins) and
    unknown names (they are left out).
    """

    def __init__(self, process: LoadedProcess | Process) -> None:
        if isinstance(process, LoadedProcess):
            self.process = process.process
            self.loaded: LoadedProcess | None = process
        else:
            self.process = process
            self.loaded = None

    # -- problems

    def problem(
        self,
        rule: str,
        path: DocPath,
        message: str,
        *,
        key: bool = False,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Problem:
        """A problem of ``rule`` at ``path``, with the rule's severity.

        ``code`` (the rule id unless given) and ``params`` carry the facts
        of the English text as data, for messages in other languages.
        """
        severity = RULES[rule].severity
        code = code or rule
        params = params or {}
        if self.loaded is None:
            return Problem(
                file=f"<process {self.process.id}>",
                line=None,
                column=None,
                path=format_path(path),
                message=message,
                severity=severity,
                rule=rule,
                expected=expected,
                found=found,
                hint=hint,
                code=code,
                params=params,
            )
        return self.loaded.source.problem(
            path,
            message,
            key=key,
            severity=severity,
            rule=rule,
            expected=expected,
            found=found,
            hint=hint,
            code=code,
            params=params,
        )

    def position_text(self, path: DocPath) -> str:
        """``line 12`` for hints that point at another place, or the path."""
        if self.loaded is None:
            return format_path(path)
        (line, _), _ = self.loaded.source.locate(path)
        return f"line {line}"

    def position_params(self, path: DocPath) -> dict[str, str]:
        """What `position_text` says, as data: ``at_line`` or ``at_path``."""
        if self.loaded is None:
            return {"at_path": format_path(path)}
        (line, _), _ = self.loaded.source.locate(path)
        return {"at_line": str(line)}

    # -- names

    @cached_property
    def phase_entries(self) -> tuple[_PhaseEntry, ...]:
        """Every phase, depth first, with its parents and document path."""
        entries: list[_PhaseEntry] = []

        def walk(phases: tuple[Phase, ...], parents: tuple[Phase, ...], path: DocPath) -> None:
            for index, phase in enumerate(phases):
                here = (*path, "phases", index)
                entries.append(_PhaseEntry(phase, parents, here))
                walk(phase.phases, (*parents, phase), here)

        walk(self.process.phases, (), ())
        return tuple(entries)

    @cached_property
    def phases(self) -> dict[str, _PhaseEntry]:
        """Phase id -> the phase with its parents and path (first of duplicates)."""
        found: dict[str, _PhaseEntry] = {}
        for entry in self.phase_entries:
            found.setdefault(entry.phase.id, entry)
        return found

    @cached_property
    def roles(self) -> dict[str, int]:
        """Role id -> index in ``roles``."""
        return _first_index(r.id for r in self.process.roles)

    @cached_property
    def artifacts(self) -> dict[str, int]:
        """Artifact id -> index in ``artifacts``."""
        return _first_index(a.id for a in self.process.artifacts)

    @cached_property
    def actions(self) -> dict[str, int]:
        """Action id -> index in ``actions``."""
        return _first_index(a.id for a in self.process.actions)

    @cached_property
    def guards(self) -> dict[str, int]:
        """Guard id -> index in ``guards``."""
        return _first_index(g.id for g in self.process.guards)

    @cached_property
    def organisation_kinds(self) -> dict[str, int]:
        """Organisation kind id -> index in ``organisation_kinds``."""
        return _first_index(k.id for k in self.process.organisation_kinds)

    def artifact(self, artifact_id: str) -> Artifact | None:
        """The first artifact with this id, if any."""
        index = self.artifacts.get(artifact_id)
        return None if index is None else self.process.artifacts[index]

    def action(self, action_id: str) -> Action | None:
        """The first action with this id, if any."""
        index = self.actions.get(action_id)
        return None if index is None else self.process.actions[index]

    def known(self, kind: str) -> Mapping[str, object]:
        """The declared ids of one kind of name."""
        known: dict[str, Mapping[str, object]] = {
            "role": self.roles,
            "phase": self.phases,
            "artifact": self.artifacts,
            "action": self.actions,
            "guard": self.guards,
            "organisation kind": self.organisation_kinds,
        }
        return known[kind]

    @cached_property
    def references(self) -> tuple[_Reference, ...]:
        """Every name the file uses to refer to a role, phase, artifact, action or guard."""
        p = self.process
        refs: list[_Reference] = [_Reference("role", p.opener, ("opener",), uses=True)]

        def add(kind: str, names: Iterable[str], path: DocPath, *, uses: bool = True) -> None:
            refs.extend(_Reference(kind, n, (*path, i), uses) for i, n in enumerate(names))

        def one(kind: str, name: str | None, path: DocPath) -> None:
            if name is not None:
                refs.append(_Reference(kind, name, path, uses=True))

        for i, role in enumerate(p.roles):
            here = ("roles", i)
            # Naming a role as exclusive does not make it part of the process.
            add("role", role.exclusive_with, (*here, "exclusive_with"), uses=False)
            add("role", role.assigned_by, (*here, "assigned_by"))
            add("role", role.replaced_by, (*here, "replaced_by"))
            add("phase", role.assignable_in, (*here, "assignable_in"))
            rule = role.organisation
            if rule is not None:
                ruled: DocPath = (*here, "organisation")
                add("organisation kind", rule.kinds, (*ruled, "kinds"))
                add("organisation kind", rule.not_kinds, (*ruled, "not_kinds"))
                # Naming a role whose organisation differs does not make it part of the process.
                add("role", rule.not_same_as, (*ruled, "not_same_as"), uses=False)
        for i, artifact in enumerate(p.artifacts):
            here = ("artifacts", i)
            add("role", artifact.write, (*here, "write"))
            add("role", artifact.read, (*here, "read"))
            for j, readers in enumerate(artifact.read_fields):
                one("role", readers.role, (*here, "read_fields", j, "role"))
            add("role", artifact.per_person, (*here, "per_person"))
            for field, field_path in _walk_fields(artifact.fields, (*here, "fields")):
                if isinstance(field, PersonField):
                    add("role", field.roles, (*field_path, "roles"))
                if field.personal is not None and field.personal.subject is not None:
                    one("role", field.personal.subject, (*field_path, "personal", "subject"))
        for entry in self.phase_entries:
            phase = entry.phase
            add("role", phase.present or (), (*entry.path, "present"))
            add("role", phase.on_call, (*entry.path, "on_call"))
            add("artifact", phase.artifacts or (), (*entry.path, "artifacts"))
        for i, action in enumerate(p.actions):
            here = ("actions", i)
            add("phase", action.from_, (*here, "from"))
            one("phase", action.to, (*here, "to"))
            add("role", action.by, (*here, "by"))
            add("artifact", action.requires.artifacts, (*here, "requires", "artifacts"))
            for j, condition in enumerate(action.requires.fields):
                one("artifact", condition.artifact, (*here, "requires", "fields", j, "artifact"))
            add("role", action.requires.roles, (*here, "requires", "roles"))
            add("guard", action.requires.guards, (*here, "requires", "guards"))
            for j, needs in enumerate(action.requires.organisations):
                needed: DocPath = (*here, "requires", "organisations", j)
                one("role", needs.role, (*needed, "role"))
                add("organisation kind", needs.kinds, (*needed, "kinds"))
            one("artifact", action.records, (*here, "records"))
        for i, deadline in enumerate(p.deadlines):
            here = ("deadlines", i)
            one("action", deadline.anchor.action, (*here, "anchor", "action"))
            if deadline.anchor.field is not None:
                one(
                    "artifact",
                    deadline.anchor.field.artifact,
                    (*here, "anchor", "field", "artifact"),
                )
            add("action", deadline.satisfied_by, (*here, "satisfied_by"))
            one("role", deadline.responsible, (*here, "responsible"))
            add("phase", deadline.phases, (*here, "phases"))
            for j, variant in enumerate(deadline.variants):
                for k, condition in enumerate(variant.when):
                    at = (*here, "variants", j, "when", k, "artifact")
                    one("artifact", condition.artifact, at)
            if deadline.planned is not None:
                one("artifact", deadline.planned.artifact, (*here, "planned", "artifact"))
            for notice, notice_path in _notices(deadline, here):
                add("role", notice.to, (*notice_path, "to"))
        for i, follows in enumerate(p.follows):
            for j, carry in enumerate(follows.carry_over):
                one("artifact", carry.artifact, ("follows", i, "carry_over", j, "artifact"))
        for i, invariant in enumerate(p.invariants):
            here = ("invariants", i)
            if isinstance(invariant, ActionOnlyAfter):
                one("action", invariant.action, (*here, "action"))
                one("action", invariant.after, (*here, "after"))
            elif isinstance(invariant, RoleNeverActsIn):
                one("role", invariant.role, (*here, "role"))
                one("phase", invariant.phase, (*here, "phase"))
                add("action", invariant.except_actions, (*here, "except_actions"))
            elif isinstance(invariant, ArtifactPresentOnEntry):
                one("artifact", invariant.artifact, (*here, "artifact"))
                one("phase", invariant.phase, (*here, "phase"))
            elif isinstance(invariant, PhaseEnteredAtMostOnce):
                one("phase", invariant.phase, (*here, "phase"))
            elif isinstance(invariant, RoleNeverEmpty):
                one("role", invariant.role, (*here, "role"))
            elif isinstance(invariant, OnlyActionsIn):
                one("phase", invariant.phase, (*here, "phase"))
                add("action", invariant.actions, (*here, "actions"))
        return tuple(refs)

    # -- phases and presence

    def leaves_under(self, phase_id: str) -> frozenset[str]:
        """The leaf phases inside a phase (the phase itself if it is a leaf)."""
        entry = self.phases.get(phase_id)
        if entry is None:
            return frozenset()
        return self._leaves(entry.phase)

    def _leaves(self, phase: Phase) -> frozenset[str]:
        if not phase.phases:
            return frozenset({phase.id})
        return frozenset().union(*(self._leaves(sub) for sub in phase.phases))

    def entry_leaves(self, phase_id: str) -> frozenset[str]:
        """The leaf a case is in after entering the phase."""
        entry = self.phases.get(phase_id)
        return frozenset() if entry is None else self._entry(entry.phase)

    def _entry(self, phase: Phase) -> frozenset[str]:
        if not phase.phases:
            return frozenset({phase.id})
        # With no (or several) initial sub-phases, which another rule
        # reports, assume the first (or every marked one) to avoid a cascade.
        initial = [sub for sub in phase.phases if sub.initial] or [phase.phases[0]]
        return frozenset().union(*(self._entry(sub) for sub in initial))

    @cached_property
    def start_leaves(self) -> frozenset[str]:
        """Where a new case is."""
        initial = [p for p in self.process.phases if p.initial] or [self.process.phases[0]]
        return frozenset().union(*(self._entry(p) for p in initial))

    def is_terminal(self, phase_id: str) -> bool:
        """Whether the case ends in the phase (or in a phase around it)."""
        entry = self.phases.get(phase_id)
        if entry is None:
            return False
        return any(p.terminal for p in (*entry.parents, entry.phase))

    def present_in(self, phase_id: str) -> frozenset[str]:
        """Roles present in a phase: the nearest ``present`` up the tree, or every role."""
        entry = self.phases[phase_id]
        for phase in (entry.phase, *reversed(entry.parents)):
            if phase.present is not None:
                return frozenset(phase.present)
        return frozenset(self.roles)

    def may_be_present_in(self, phase_id: str) -> frozenset[str]:
        """Roles present in a phase, or on call there (or in a phase around it)."""
        entry = self.phases[phase_id]
        on_call = {role for phase in (*entry.parents, entry.phase) for role in phase.on_call}
        return self.present_in(phase_id) | on_call

    def writable_in(self, phase_id: str) -> frozenset[str] | None:
        """Artifacts that may be written in a phase; ``None`` means any."""
        entry = self.phases[phase_id]
        for phase in (entry.phase, *reversed(entry.parents)):
            if phase.artifacts is not None:
                return frozenset(phase.artifacts)
        return None

    def action_leaves(self, action: Action) -> frozenset[str]:
        """The non-terminal leaves an action may be taken in."""
        leaves = frozenset().union(*(self.leaves_under(f) for f in action.from_))
        return frozenset(leaf for leaf in leaves if not self.is_terminal(leaf))

    def after_action(self, action: Action) -> frozenset[str]:
        """The leaves a case is in right after the action."""
        if action.resume:
            return frozenset().union(
                *(self.suspended_from(leaf) for leaf in self.action_leaves(action))
            )
        if action.to is None:
            return self.action_leaves(action)
        return self.entry_leaves(action.to)

    @cached_property
    def suspension_phases(self) -> frozenset[str]:
        """Ids of the phases with a ``suspension`` (first of duplicates)."""
        return frozenset(pid for pid, e in self.phases.items() if e.phase.suspension is not None)

    def suspended_from(self, leaf: str) -> frozenset[str]:
        """The leaves a case may have been suspended from into the suspension phase ``leaf``.

        Those where some action entering ``leaf`` may be taken, apart from
        suspension phases themselves: a resume action returns there.
        """
        if leaf not in self.suspension_phases:
            return frozenset()
        found: set[str] = set()
        for action in self.process.actions:
            if action.to is not None and leaf in self.entry_leaves(action.to):
                found |= self.action_leaves(action) - self.suspension_phases
        return frozenset(found)

    @cached_property
    def edges(self) -> dict[str, set[str]]:
        """Leaf -> leaves one action away; terminal phases have no way out.

        A resume action leads from its suspension phase back to every leaf a
        case may have been suspended from.
        """
        graph: dict[str, set[str]] = {}
        for action in self.process.actions:
            if action.resume:
                for leaf in self.action_leaves(action):
                    graph.setdefault(leaf, set()).update(self.suspended_from(leaf))
                continue
            if action.to is None:
                continue
            targets = self.entry_leaves(action.to)
            for leaf in self.action_leaves(action):
                graph.setdefault(leaf, set()).update(targets)
        return graph

    def reachable_from(self, leaves: Iterable[str]) -> frozenset[str]:
        """Leaves reachable from ``leaves`` (including them) by taking actions."""
        seen = set(leaves)
        queue = deque(seen)
        while queue:
            for target in self.edges.get(queue.popleft(), ()):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return frozenset(seen)

    @cached_property
    def reachable(self) -> frozenset[str]:
        """Leaves a new case can reach."""
        return self.reachable_from(self.start_leaves)

    def written_in(self, artifact_id: str) -> frozenset[str]:
        """Leaves where some writer of the artifact may be present and may write it."""
        artifact = self.artifact(artifact_id)
        if artifact is None:
            return frozenset()
        writers = set(artifact.write)
        found = set()
        for entry in self.phase_entries:
            phase = entry.phase
            if phase.phases or self.is_terminal(phase.id):
                continue
            allowed = self.writable_in(phase.id)
            if allowed is not None and artifact_id not in allowed:
                continue
            if writers & self.may_be_present_in(phase.id):
                found.add(phase.id)
        return frozenset(found)

    def available_after(
        self, artifact_id: str, *, excluding: Action | None = None
    ) -> frozenset[str]:
        """Leaves where the artifact can have a version: written there or recorded on the way."""
        sources = set(self.written_in(artifact_id))
        for action in self.process.actions:
            if action.records == artifact_id and action is not excluding:
                sources |= self.after_action(action)
        return self.reachable_from(sources)


def _first_index(ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(ids):
        found.setdefault(name, index)
    return found


def _walk_fields(
    fields: tuple[ArtifactField, ...], path: DocPath
) -> Iterator[tuple[ArtifactField, DocPath]]:
    for index, field in enumerate(fields):
        here = (*path, index)
        yield field, here
        if isinstance(field, ListField):
            yield from _walk_fields(field.fields, (*here, "fields"))


def _walk_models(model: BaseModel, path: DocPath) -> Iterator[tuple[BaseModel, DocPath]]:
    """Every model object in the tree under ``model``, with its document path."""
    yield model, path
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        key = info.alias or name
        if isinstance(value, BaseModel):
            yield from _walk_models(value, (*path, key))
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk_models(item, (*path, key, index))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _listing(names: Iterable[str]) -> str:
    ordered = sorted(set(names))
    return ", ".join(ordered) if ordered else "none"


def _names(names: Iterable[str]) -> str:
    """Names as a ``params`` value: sorted, comma-separated, empty for none."""
    return ", ".join(sorted(set(names)))


def _suggest(name: str, known: Iterable[str], kind: str, params: dict[str, str]) -> str:
    """A hint for a name that is not ``known``; ``params`` receives it as data."""
    known = sorted(set(known))
    params["kind"] = kind
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        params.update(hint_code="did-you-mean", suggestion=close[0])
        return f"did you mean {close[0]!r}?"
    if not known:
        params["hint_code"] = "none-declared"
        return f"the process declares no {kind}s"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    params.update(hint_code="known-names", known=shown)
    return f"known {kind}s: {shown}"


# ------------------------------------------------------------------ rules
# Each rule's docstring says why it exists; docs/checks.md has an example
# of each that the test suite runs.


def _unknown(context: CheckContext, kind: str, rule: str) -> Iterator[Problem]:
    known = context.known(kind)
    for ref in context.references:
        if ref.kind == kind and ref.name not in known:
            params = {"name": ref.name, "found_kind": "quoted", "found_value": repr(ref.name)}
            yield context.problem(
                rule,
                ref.path,
                f"unknown {kind} {ref.name!r}",
                expected=f"{_article(kind)} {kind} declared in the file",
                found=repr(ref.name),
                hint=_suggest(ref.name, known, kind, params),
                params=params,
            )


@_rule("duplicate-id", "error", "ids are unique within their kind; phase ids across the whole tree")
def check_duplicate_ids(context: CheckContext) -> Iterator[Problem]:
    """Every reference names one thing; two roles or phases with one id make it ambiguous.

    Phase ids are unique across the whole tree because actions name
    sub-phases directly. Field ids are unique within their artifact (or list
    field), enum values within their field.
    """
    p = context.process
    groups: list[tuple[str, list[tuple[str, DocPath]]]] = [
        ("role", [(r.id, ("roles", i, "id")) for i, r in enumerate(p.roles)]),
        ("artifact", [(a.id, ("artifacts", i, "id")) for i, a in enumerate(p.artifacts)]),
        ("phase", [(e.phase.id, (*e.path, "id")) for e in context.phase_entries]),
        ("action", [(a.id, ("actions", i, "id")) for i, a in enumerate(p.actions)]),
        ("deadline", [(d.id, ("deadlines", i, "id")) for i, d in enumerate(p.deadlines)]),
        ("guard", [(g.id, ("guards", i, "id")) for i, g in enumerate(p.guards)]),
        (
            "organisation kind",
            [(k.id, ("organisation_kinds", i, "id")) for i, k in enumerate(p.organisation_kinds)],
        ),
        ("invariant", [(v.id, ("invariants", i, "id")) for i, v in enumerate(p.invariants)]),
    ]
    for i, artifact in enumerate(p.artifacts):
        groups.append(_field_ids(artifact.fields, ("artifacts", i, "fields")))
        for field, path in _walk_fields(artifact.fields, ("artifacts", i, "fields")):
            if isinstance(field, ListField):
                groups.append(_field_ids(field.fields, (*path, "fields")))
            if isinstance(field, EnumField):
                values = [(v.id, (*path, "values", j, "id")) for j, v in enumerate(field.values)]
                groups.append(("enum value", values))
    for kind, items in groups:
        first: dict[str, DocPath] = {}
        for name, path in items:
            if name in first:
                yield context.problem(
                    "duplicate-id",
                    path,
                    f"the {kind} id {name!r} is used twice",
                    hint=f"the first is at {context.position_text(first[name])}; "
                    "give each a different id",
                    params={"kind": kind, "name": name, **context.position_params(first[name])},
                )
            else:
                first[name] = path


def _field_ids(
    fields: tuple[ArtifactField, ...], path: DocPath
) -> tuple[str, list[tuple[str, DocPath]]]:
    return ("field", [(f.id, (*path, j, "id")) for j, f in enumerate(fields)])


@_rule("unknown-role", "error", "every role named anywhere is declared in roles")
def check_unknown_roles(context: CheckContext) -> Iterator[Problem]:
    """A misspelt role would silently grant nobody (or the wrong people) a right."""
    return _unknown(context, "role", "unknown-role")


@_rule("unknown-phase", "error", "every phase named in actions, deadlines and invariants exists")
def check_unknown_phases(context: CheckContext) -> Iterator[Problem]:
    """An action to a phase that does not exist could never be taken."""
    return _unknown(context, "phase", "unknown-phase")


@_rule("unknown-artifact", "error", "every artifact named anywhere is declared in artifacts")
def check_unknown_artifacts(context: CheckContext) -> Iterator[Problem]:
    """A requirement on an undeclared document could never be met."""
    return _unknown(context, "artifact", "unknown-artifact")


@_rule("unknown-action", "error", "every action named by deadlines and invariants exists")
def check_unknown_actions(context: CheckContext) -> Iterator[Problem]:
    """A deadline met by an undeclared action could never be met."""
    return _unknown(context, "action", "unknown-action")


@_rule("unknown-guard", "error", "every guard an action requires is declared in guards")
def check_unknown_guards(context: CheckContext) -> Iterator[Problem]:
    """Guards are code the host registers; declaring them lets the checks and
    the host agree on the names before a case ever runs."""
    return _unknown(context, "guard", "unknown-guard")


@_rule(
    "unknown-organisation-kind",
    "error",
    "every organisation kind named by roles and requirements is declared in organisation_kinds",
)
def check_unknown_organisation_kinds(context: CheckContext) -> Iterator[Problem]:
    """A misspelt kind would make a rule on employers refuse everyone, or nobody."""
    return _unknown(context, "organisation kind", "unknown-organisation-kind")


@_rule(
    "organisation-contradictory",
    "error",
    "a role's organisation rule does not both allow and forbid one kind",
)
def check_organisation_contradictory(context: CheckContext) -> Iterator[Problem]:
    """A kind both in ``kinds`` and in ``not_kinds`` is refused: the author
    surely meant one of the two, and a reader cannot tell which."""
    for i, role in enumerate(context.process.roles):
        rule = role.organisation
        if rule is None:
            continue
        for k, kind in enumerate(rule.not_kinds):
            if kind in rule.kinds:
                yield context.problem(
                    "organisation-contradictory",
                    ("roles", i, "organisation", "not_kinds", k),
                    f"the role {role.id!r} both allows and forbids organisations of the kind "
                    f"{kind!r}",
                    hint="keep the kind in 'kinds' or in 'not_kinds', not in both",
                    params={"role": role.id, "kind": kind},
                )


def _conditions(context: CheckContext) -> Iterator[tuple[FieldCondition, DocPath]]:
    """Every field condition with its path: actions' requirements, then deadline variants."""
    for i, action in enumerate(context.process.actions):
        for j, condition in enumerate(action.requires.fields):
            yield condition, ("actions", i, "requires", "fields", j)
    for i, deadline in enumerate(context.process.deadlines):
        for j, variant in enumerate(deadline.variants):
            for k, condition in enumerate(variant.when):
                yield condition, ("deadlines", i, "variants", j, "when", k)


def _field_refs(context: CheckContext) -> Iterator[tuple[str, str, DocPath]]:
    """(artifact, field, path of the field name) of every condition, anchor, planned field
    and carry-over."""
    for condition, path in _conditions(context):
        yield condition.artifact, condition.field, (*path, "field")
    for i, deadline in enumerate(context.process.deadlines):
        if deadline.anchor.field is not None:
            ref = deadline.anchor.field
            yield ref.artifact, ref.field, ("deadlines", i, "anchor", "field", "field")
        if deadline.planned is not None:
            ref = deadline.planned
            yield ref.artifact, ref.field, ("deadlines", i, "planned", "field")
    for i, artifact in enumerate(context.process.artifacts):
        for j, readers in enumerate(artifact.read_fields):
            for k, field_id in enumerate(readers.fields):
                yield artifact.id, field_id, ("artifacts", i, "read_fields", j, "fields", k)
    # A carried-over field is named by its key in ``fields`` (the value is a
    # field of the earlier process, checked when both are in one registry).
    for i, rule in enumerate(context.process.follows):
        for j, carry in enumerate(rule.carry_over):
            for field_id in carry.fields or {}:
                path = ("follows", i, "carry_over", j, "fields", field_id)
                yield carry.artifact, field_id, path


@_rule(
    "unknown-field",
    "error",
    "every field named in a condition, anchor, carry-over or read_fields exists in its artifact",
)
def check_unknown_fields(context: CheckContext) -> Iterator[Problem]:
    """A condition on a field the artifact lacks could never hold. A dotted
    name (``invitees.confirmed``) names a field of the items of a list field."""
    for artifact_id, field_id, path in _field_refs(context):
        artifact = context.artifact(artifact_id)
        if artifact is None or artifact.field_at(field_id) is not None:
            continue
        head, dot, rest = field_id.partition(".")
        outer = artifact.field(head)
        if dot and isinstance(outer, ListField):
            known = [f.id for f in outer.fields]
            params = {
                "artifact": artifact_id,
                "list": head,
                "field": rest,
                "found_kind": "quoted",
                "found_value": repr(rest),
            }
            yield context.problem(
                "unknown-field",
                path,
                f"the items of the list {head!r} of the artifact {artifact_id!r} "
                f"have no field {rest!r}",
                found=repr(rest),
                hint=_suggest(rest, known, "field", params),
                code="unknown-field.item",
                params=params,
            )
            continue
        if dot and outer is not None:
            yield context.problem(
                "unknown-field",
                path,
                f"{field_id!r} names a field of a list's items, but {head!r} of the artifact "
                f"{artifact_id!r} is a {outer.type} field, not a list",
                expected="a list field before the dot",
                found=f"a {outer.type} field",
                code="unknown-field.not-list",
                params={"artifact": artifact_id, "field": head, "type": outer.type},
            )
            continue
        known = [f.id for f in artifact.fields]
        params = {
            "artifact": artifact_id,
            "field": head,
            "found_kind": "quoted",
            "found_value": repr(head),
        }
        yield context.problem(
            "unknown-field",
            path,
            f"the artifact {artifact_id!r} has no field {head!r}",
            found=repr(head),
            hint=_suggest(head, known, "field", params),
            params=params,
        )


@_rule("anchor-field-type", "error", "a deadline anchored on a field anchors on a date or datetime")
def check_anchor_field_types(context: CheckContext) -> Iterator[Problem]:
    """A period can only be counted from a point in time."""
    for i, deadline in enumerate(context.process.deadlines):
        ref = deadline.anchor.field
        artifact = None if ref is None else context.artifact(ref.artifact)
        field = None if ref is None or artifact is None else artifact.field(ref.field)
        if field is not None and not FIELD_CHECKS[field].anchors:
            yield context.problem(
                "anchor-field-type",
                ("deadlines", i, "anchor", "field", "field"),
                f"a deadline cannot count from the {field.type} field {field.id!r}",
                expected="a date or datetime field",
                found=f"a {field.type} field",
                params={"type": field.type, "field": field.id},
            )


@_rule("planned-field-type", "error", "a deadline's planned field is a date or datetime")
def check_planned_field_types(context: CheckContext) -> Iterator[Problem]:
    """Only a point in time can be compared with a deadline's limit."""
    for i, deadline in enumerate(context.process.deadlines):
        ref = deadline.planned
        artifact = None if ref is None else context.artifact(ref.artifact)
        field = None if ref is None or artifact is None else artifact.field(ref.field)
        if field is not None and not FIELD_CHECKS[field].anchors:
            yield context.problem(
                "planned-field-type",
                ("deadlines", i, "planned", "field"),
                f"the planned moment cannot be read from the {field.type} field {field.id!r}",
                expected="a date or datetime field",
                found=f"a {field.type} field",
                params={"type": field.type, "field": field.id},
            )


def _notices(deadline: Deadline, here: DocPath) -> Iterator[tuple[Notice, DocPath]]:
    """A deadline's reminders and escalation, each with its path in the file."""
    for j, reminder in enumerate(deadline.reminders):
        yield reminder, (*here, "reminders", j)
    if deadline.escalation is not None:
        yield deadline.escalation, (*here, "escalation")


@_rule("notice-moment", "error", "a reminder or escalation counts from a moment its deadline has")
def check_notice_moments(context: CheckContext) -> Iterator[Problem]:
    """A reminder of the target of a deadline that has only a limit would never go out.

    Variants replace the deadline's own periods and keep what they leave
    out, so the deadline itself must give the moment.
    """
    for i, deadline in enumerate(context.process.deadlines):
        has = {"target": deadline.target is not None, "limit": deadline.limit is not None}
        for notice, path in _notices(deadline, ("deadlines", i)):
            moment = notice.moment
            if not has[moment]:
                key = "at" if notice.at is not None else "of"
                other = "limit" if moment == "target" else "target"
                yield context.problem(
                    "notice-moment",
                    (*path, key),
                    f"deadline {deadline.id!r} has no {moment} to count from",
                    expected=f"'{other}', which the deadline gives",
                    found=moment,
                    params={"deadline": deadline.id, "moment": moment, "other": other},
                )


@_rule("notice-repeat", "error", "only a notice counted 'after' a moment repeats")
def check_notice_repeats(context: CheckContext) -> Iterator[Problem]:
    """Repeating a reminder 'before' the limit would run into the limit itself;
    a reminder that repeats is one that keeps nagging after the moment passed."""
    for i, deadline in enumerate(context.process.deadlines):
        for notice, path in _notices(deadline, ("deadlines", i)):
            if notice.repeat is not None and notice.after is None:
                given = "before" if notice.before is not None else "at"
                yield context.problem(
                    "notice-repeat",
                    (*path, "repeat"),
                    f"a notice given with {given!r} cannot repeat",
                    expected="'after' with 'repeat', or no 'repeat'",
                    found=given,
                    params={"deadline": deadline.id, "given": given},
                )


@_rule("condition-type", "error", "a field condition fits the type of its field")
def check_condition_types(context: CheckContext) -> Iterator[Problem]:
    """A condition that can never hold (``equals: 3`` on a text field, an enum
    value that is not among the field's values) blocks its action for good, or
    makes a deadline variant never apply."""
    for condition, here in _conditions(context):
        artifact = context.artifact(condition.artifact)
        # A dotted field is checked as the item field it names.
        field = None if artifact is None else artifact.field_at(condition.field)
        if field is None:
            continue
        if condition.min_count is not None and not FIELD_CHECKS[field].counts_records:
            yield context.problem(
                "condition-type",
                (*here, "min_count"),
                f"min_count counts the records of a list field; {field.id!r} is not one",
                expected="a list field",
                found=f"a {field.type} field",
                code="condition-type.min-count",
                params={"field": field.id, "type": field.type},
            )
        if condition.non_empty is not None and not FIELD_CHECKS[field].may_be_empty:
            yield context.problem(
                "condition-type",
                (*here, "non_empty"),
                f"non_empty applies to text and list fields; {field.id!r} is neither",
                expected="a text or list field",
                found=f"a {field.type} field",
                hint="use 'present: true' to require a value",
                code="condition-type.non-empty",
                params={"field": field.id, "type": field.type},
            )
        values: list[tuple[Any, DocPath]] = []
        if condition.equals is not None:
            values.append((condition.equals, (*here, "equals")))
        for k, value in enumerate(condition.one_of or ()):
            values.append((value, (*here, "one_of", k)))
        for value, path in values:
            misfit = _misfit(field, value)
            if misfit is not None:
                reason, need = misfit
                yield context.problem(
                    "condition-type",
                    path,
                    f"the value {value!r} cannot be in the {field.type} field {field.id!r}",
                    expected=reason,
                    found=repr(value),
                    code="condition-type.value",
                    params={
                        "value": repr(value),
                        "type": field.type,
                        "field": field.id,
                        "need": need,
                        "choices": ", ".join(v.id for v in getattr(field, "values", ())),
                        "found_kind": "quoted",
                        "found_value": repr(value),
                    },
                )


def _misfit(field: ArtifactField, value: Any) -> tuple[str, str] | None:
    """What the field would need, if ``value`` does not fit it: in words, and as a code."""
    return FIELD_CHECKS[field].misfit(field, value)


def _text_misfit(_field: ArtifactField, value: Any) -> tuple[str, str] | None:
    return None if isinstance(value, str) else ("text", "text")


def _bool_misfit(_field: ArtifactField, value: Any) -> tuple[str, str] | None:
    return None if isinstance(value, bool) else ("true or false", "bool")


def _number_misfit(_field: ArtifactField, value: Any) -> tuple[str, str] | None:
    fits = isinstance(value, int) and not isinstance(value, bool)
    return None if fits else ("a number", "number")


def _date_misfit(_field: ArtifactField, value: Any) -> tuple[str, str] | None:
    fits = isinstance(value, date) and not isinstance(value, datetime)
    return None if fits or _parses(value, date) else ("a date (2026-10-27)", "date")


def _datetime_misfit(_field: ArtifactField, value: Any) -> tuple[str, str] | None:
    fits = isinstance(value, datetime)
    return None if fits or _parses(value, datetime) else ("a date and time", "datetime")


def _enum_misfit(field: EnumField, value: Any) -> tuple[str, str] | None:
    ids = [v.id for v in field.values]
    return None if value in ids else ("one of " + ", ".join(ids), "choice")


def _list_misfit(_field: ArtifactField, _value: Any) -> tuple[str, str] | None:
    return ("no single value: compare a list with min_count or non_empty", "list")


@dataclass(frozen=True)
class FieldTypeRules:
    """What the process-file language lets a condition or anchor do with a field type.

    ``misfit(field, value)`` says what the field would need when a condition's
    value cannot be in it: in words, and as the code the Czech catalogue
    words (``text``, ``bool``, ``number``, ``date``, ``datetime``, ``choice``,
    ``list``); None when the value fits.
    """

    misfit: Callable[[Any, Any], tuple[str, str] | None]
    anchors: bool = False
    """A deadline may count from a field of this type (a point in time)."""
    may_be_empty: bool = False
    """``non_empty`` applies to a field of this type."""
    counts_records: bool = False
    """``min_count`` applies to a field of this type."""


FIELD_CHECKS: FieldTypeTable[FieldTypeRules] = FieldTypeTable(
    "static checks",
    {
        TextField: FieldTypeRules(_text_misfit, may_be_empty=True),
        BoolField: FieldTypeRules(_bool_misfit),
        IntField: FieldTypeRules(_number_misfit),
        DateField: FieldTypeRules(_date_misfit, anchors=True),
        DateTimeField: FieldTypeRules(_datetime_misfit, anchors=True),
        MoneyField: FieldTypeRules(_number_misfit),
        EnumField: FieldTypeRules(_enum_misfit),
        PersonField: FieldTypeRules(_text_misfit),
        ListField: FieldTypeRules(_list_misfit, may_be_empty=True, counts_records=True),
    },
)
"""Per field type, the conditions and anchors the checks allow on it."""


def _parses(value: Any, kind: type[date]) -> bool:
    if not isinstance(value, str):
        return False
    try:
        kind.fromisoformat(value)
    except ValueError:
        return False
    return True


@_rule(
    "condition-quantifier",
    "error",
    "'for' is given where a condition looks at many values, and only there",
)
def check_condition_quantifiers(context: CheckContext) -> Iterator[Problem]:
    """A dotted field (``invitees.confirmed``) looks at every item of a list:
    whether every item, any item or no item must meet the condition is the
    author's to say. On one value (a field of a document kept once per
    case) ``for`` means nothing, and is most likely a mistake."""
    for condition, here in _conditions(context):
        artifact = context.artifact(condition.artifact)
        if artifact is None or artifact.field_at(condition.field) is None:
            continue
        dotted = condition.list_field is not None
        if dotted and condition.for_ is None:
            yield context.problem(
                "condition-quantifier",
                (*here, "field"),
                f"the condition on {condition.field!r} looks at each item of the list "
                f"{condition.list_field!r}; say for which items it must hold",
                expected="'for: every', 'for: any' or 'for: none'",
                code="condition-quantifier.missing",
                params={"field": condition.field, "list": condition.list_field or ""},
            )
        elif not dotted and not artifact.per_person and condition.for_ is not None:
            yield context.problem(
                "condition-quantifier",
                (*here, "for"),
                f"'for: {condition.for_.value}' needs many values, but {condition.field!r} of "
                f"the artifact {artifact.id!r} is one value (the artifact is not per person "
                "and the field is not a list's item field)",
                hint="leave 'for' out, or name an item field as 'list.field'",
                code="condition-quantifier.needless",
                params={
                    "field": condition.field,
                    "artifact": artifact.id,
                    "quantifier": condition.for_.value,
                },
            )


@_rule(
    "per-person-use",
    "error",
    "a per-person artifact is not recorded by an action, anchored on, or looked into by item",
)
def check_per_person_use(context: CheckContext) -> Iterator[Problem]:
    """Each copy of a per-person artifact names the person it is about, and
    these places have no way to name one: an action's ``records`` (the
    action takes no person), a deadline's field anchor (whose copy would it
    count from?), a dotted field (one ``for`` cannot say both which people
    and which items)."""
    process = context.process

    def per_person(artifact_id: str | None) -> bool:
        artifact = None if artifact_id is None else context.artifact(artifact_id)
        return artifact is not None and bool(artifact.per_person)

    for i, action in enumerate(process.actions):
        if per_person(action.records):
            yield context.problem(
                "per-person-use",
                ("actions", i, "records"),
                f"the action {action.id!r} cannot record the per-person artifact "
                f"{action.records!r}: an action names nobody for the copy to be about",
                hint="let the writers submit each person's copy before the action",
                code="per-person-use.records",
                params={"action": action.id, "artifact": action.records or ""},
            )
    for i, deadline in enumerate(process.deadlines):
        ref = deadline.anchor.field
        if ref is not None and per_person(ref.artifact):
            yield context.problem(
                "per-person-use",
                ("deadlines", i, "anchor", "field", "artifact"),
                f"the deadline {deadline.id!r} cannot count from a field of the per-person "
                f"artifact {ref.artifact!r}: each person's copy may give another date",
                code="per-person-use.anchor",
                params={"deadline": deadline.id, "artifact": ref.artifact},
            )
    for condition, here in _conditions(context):
        if condition.list_field is not None and per_person(condition.artifact):
            yield context.problem(
                "per-person-use",
                (*here, "field"),
                f"the condition on {condition.field!r} looks into the items of a list of the "
                f"per-person artifact {condition.artifact!r}; 'for' can say which people's "
                "copies must meet it, not also which items",
                code="per-person-use.dotted",
                params={"field": condition.field, "artifact": condition.artifact},
            )


def _condition_check(condition: FieldCondition) -> tuple[str, str]:
    """(the check's code, its value as shown) in the words refusals use."""
    if condition.equals is not None:
        return "equals", _shown(condition.equals)
    if condition.one_of is not None:
        return "one_of", ", ".join(_shown(v) for v in condition.one_of)
    if condition.present is not None:
        return ("present" if condition.present else "absent"), ""
    if condition.non_empty is not None:
        return ("non_empty" if condition.non_empty else "empty"), ""
    return "min_count", str(condition.min_count)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def _value_key(value: Any) -> tuple[str, Any]:
    """A condition's value, comparable across conditions: ``true`` is never 1,
    and a date equals the same date written as text."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("number", value)
    if isinstance(value, date):
        return ("text", value.isoformat())
    return ("text", value)


def _allowed(condition: FieldCondition) -> frozenset[tuple[str, Any]] | None:
    """The values the condition lets the field have, when it names them; else None."""
    if condition.equals is not None:
        return frozenset({_value_key(condition.equals)})
    if condition.one_of is not None:
        return frozenset(_value_key(v) for v in condition.one_of)
    return None


def _needs_value(condition: FieldCondition) -> bool:
    """Whether the condition can only hold when the field has a value."""
    return (
        condition.equals is not None
        or condition.one_of is not None
        or condition.present is True
        or condition.non_empty is True
        or (condition.min_count is not None and condition.min_count > 0)
    )


def _contradict(first: FieldCondition, second: FieldCondition) -> bool:
    """Whether no single value meets both conditions."""
    a, b = _allowed(first), _allowed(second)
    if a is not None and b is not None and not a & b:
        return True
    if (first.present is False and _needs_value(second)) or (
        second.present is False and _needs_value(first)
    ):
        return True
    if first.non_empty is not None and second.non_empty is not None:
        return first.non_empty != second.non_empty
    for one, other in ((first, second), (second, first)):
        if one.non_empty is False and other.min_count is not None and other.min_count > 0:
            return True
    return False


def _quantifier(condition: FieldCondition, artifact: Artifact) -> str | None:
    """The condition's ``for``, with a per-person artifact's default (every)."""
    if condition.for_ is not None:
        return condition.for_.value
    return "every" if artifact.per_person else None


def _condition_lists(
    context: CheckContext,
) -> Iterator[tuple[tuple[FieldCondition, ...], DocPath]]:
    """Each list of conditions that must all hold together, with its path."""
    for i, action in enumerate(context.process.actions):
        yield action.requires.fields, ("actions", i, "requires", "fields")
    for i, deadline in enumerate(context.process.deadlines):
        for j, variant in enumerate(deadline.variants):
            yield variant.when, ("deadlines", i, "variants", j, "when")


@_rule(
    "contradictory-conditions",
    "error",
    "no two conditions of one list on one field contradict each other",
)
def check_contradictory_conditions(context: CheckContext) -> Iterator[Problem]:
    """Conditions listed together must all hold at once; two that no value
    meets together (``equals: none`` and ``equals: high``, ``present:
    false`` and ``non_empty: true``) block the action for good, or make the
    deadline variant never apply.

    Only conditions with the same quantifier are compared. Without ``for``
    the field has one value. With ``for: every`` each person's copy (or
    each item) must meet both, which a copy can only do if the two agree:
    they hold together only when nobody holds the roles (or the list is
    empty), which is not what an author means. ``for: any`` conditions may
    hold on different copies or items, and ``for: none`` conditions both
    hold when no copy or item meets either, so neither contradicts.
    """
    for conditions, here in _condition_lists(context):
        for j, second in enumerate(conditions):
            artifact = context.artifact(second.artifact)
            if artifact is None or artifact.field_at(second.field) is None:
                continue
            quantifier = _quantifier(second, artifact)
            if quantifier not in (None, "every"):
                continue
            for k, first in enumerate(conditions[:j]):
                same = first.artifact == second.artifact and first.field == second.field
                if not same or _quantifier(first, artifact) != quantifier:
                    continue
                if not _contradict(first, second):
                    continue
                first_check, first_value = _condition_check(first)
                second_check, second_value = _condition_check(second)
                first_at = format_path((*here, k))
                first_line = ""
                if context.loaded is not None:
                    first_line = str(context.loaded.source.locate((*here, k))[0][0])
                where = f"{first_at}, line {first_line}" if first_line else first_at
                yield context.problem(
                    "contradictory-conditions",
                    (*here, j),
                    f"this condition on {second.artifact}.{second.field} "
                    f"({second_check} {second_value}".rstrip()
                    + f") can never hold together with the one at {where} "
                    f"({first_check} {first_value}".rstrip()
                    + ")",
                    hint="keep the condition you mean and remove the other",
                    params={
                        "artifact": second.artifact,
                        "field": second.field,
                        "first_at": first_at,
                        "first_line": first_line,
                        "first_check": first_check,
                        "first_value": first_value,
                        "second_check": second_check,
                        "second_value": second_value,
                    },
                )
                break


@_rule("one-initial-phase", "error", "exactly one top-level phase is initial")
def check_one_initial_phase(context: CheckContext) -> Iterator[Problem]:
    """A new case has to start somewhere, and in one place only."""
    phases = context.process.phases
    initial = [i for i, p in enumerate(phases) if p.initial]
    if not initial:
        yield context.problem(
            "one-initial-phase",
            ("phases",),
            "no top-level phase is marked 'initial: true'",
            expected="exactly one initial top-level phase",
            hint=f"mark the phase a case starts in, probably {phases[0].id!r}",
            key=True,
            code="one-initial-phase.none",
            params={"probably": phases[0].id},
        )
    for index in initial[1:]:
        yield context.problem(
            "one-initial-phase",
            ("phases", index, "initial"),
            f"the phase {phases[index].id!r} is a second initial top-level phase",
            expected="exactly one initial top-level phase",
            hint=f"{phases[initial[0]].id!r} is initial already",
            code="one-initial-phase.second",
            params={"phase": phases[index].id, "first": phases[initial[0]].id},
        )


@_rule("one-initial-subphase", "error", "each compound phase has exactly one initial sub-phase")
def check_one_initial_subphase(context: CheckContext) -> Iterator[Problem]:
    """Entering a compound phase enters its initial sub-phase; it must be unambiguous."""
    for entry in context.phase_entries:
        subs = entry.phase.phases
        if not subs:
            continue
        initial = [i for i, p in enumerate(subs) if p.initial]
        if not initial:
            yield context.problem(
                "one-initial-subphase",
                (*entry.path, "phases"),
                f"no sub-phase of {entry.phase.id!r} is marked 'initial: true'",
                expected="exactly one initial sub-phase",
                hint=f"mark the part the phase starts with, probably {subs[0].id!r}",
                key=True,
                code="one-initial-subphase.none",
                params={"phase": entry.phase.id, "probably": subs[0].id},
            )
        for index in initial[1:]:
            yield context.problem(
                "one-initial-subphase",
                (*entry.path, "phases", index, "initial"),
                f"{subs[index].id!r} is a second initial sub-phase of {entry.phase.id!r}",
                expected="exactly one initial sub-phase",
                code="one-initial-subphase.second",
                params={"phase": entry.phase.id, "sub": subs[index].id},
            )


@_rule("terminal-has-subphases", "error", "a terminal phase (with an outcome) has no sub-phases")
def check_terminal_subphases(context: CheckContext) -> Iterator[Problem]:
    """A case ends in a terminal phase; there is nothing inside it to move through."""
    for entry in context.phase_entries:
        if entry.phase.terminal and entry.phase.phases:
            yield context.problem(
                "terminal-has-subphases",
                (*entry.path, "phases"),
                f"the terminal phase {entry.phase.id!r} has sub-phases",
                hint="remove the sub-phases, or the outcome",
                key=True,
                params={"phase": entry.phase.id},
            )


@_rule("terminal-has-action", "error", "no action leaves a terminal phase")
def check_terminal_actions(context: CheckContext) -> Iterator[Problem]:
    """Outcomes are final: nothing can happen to a closed case. An action
    from a compound phase counts for every phase inside it, terminal ones too."""
    for i, action in enumerate(context.process.actions):
        for j, phase_id in enumerate(action.from_):
            if phase_id not in context.phases:
                continue
            terminal = sorted(
                leaf for leaf in context.leaves_under(phase_id) if context.is_terminal(leaf)
            )
            if terminal:
                itself = context.is_terminal(phase_id)
                inside = (
                    f"the terminal phase {phase_id!r}"
                    if itself
                    else f"{phase_id!r}, which holds the terminal phase(s) {_listing(terminal)}"
                )
                yield context.problem(
                    "terminal-has-action",
                    ("actions", i, "from", j),
                    f"the action {action.id!r} may be taken in {inside}",
                    hint="a case that reached an outcome is closed; take the action from "
                    "the phases before it",
                    code="terminal-has-action" + ("" if itself else ".inside"),
                    params={"action": action.id, "phase": phase_id, "terminal": _names(terminal)},
                )


@_rule(
    "suspension-phase",
    "error",
    "a suspension phase is a top-level leaf phase, neither initial nor an outcome",
)
def check_suspension_phases(context: CheckContext) -> Iterator[Problem]:
    """A case is suspended from where it was and resumed back there: the
    suspension phase stands apart from the process's order, so a case does
    not start in it, does not end in it, and has one place in it to wait."""
    for entry in context.phase_entries:
        phase = entry.phase
        if phase.suspension is None:
            continue
        params = {"phase": phase.id}
        where = (*entry.path, "suspension")
        if entry.parents:
            yield context.problem(
                "suspension-phase",
                where,
                f"the suspension phase {phase.id!r} is inside the compound phase "
                f"{entry.parents[-1].id!r}",
                hint="move it to the top level of 'phases'",
                key=True,
                code="suspension-phase.nested",
                params={**params, "parent": entry.parents[-1].id},
            )
        if phase.phases:
            yield context.problem(
                "suspension-phase",
                where,
                f"the suspension phase {phase.id!r} has sub-phases",
                hint="a suspended case waits in one phase: remove the sub-phases",
                key=True,
                code="suspension-phase.compound",
                params=params,
            )
        if phase.initial and not entry.parents:
            yield context.problem(
                "suspension-phase",
                where,
                f"the suspension phase {phase.id!r} is the initial phase",
                hint="a case starts in an ordinary phase; only an action suspends it",
                key=True,
                code="suspension-phase.initial",
                params=params,
            )
        if phase.terminal:
            yield context.problem(
                "suspension-phase",
                where,
                f"the suspension phase {phase.id!r} has an outcome",
                hint="a suspended case is still open: close it with an action to an outcome phase",
                key=True,
                code="suspension-phase.outcome",
                params=params,
            )


@_rule(
    "suspension-without-resume", "error", "some action resumes a case from each suspension phase"
)
def check_suspension_resumes(context: CheckContext) -> Iterator[Problem]:
    """A suspension that can only end the case is an outcome by another name."""
    resumable = {
        leaf
        for action in context.process.actions
        if action.resume
        for leaf in context.action_leaves(action)
    }
    for entry in context.phase_entries:
        phase = entry.phase
        if phase.suspension is None or phase.phases or phase.id in resumable:
            continue
        if context.phases[phase.id] is not entry:
            continue  # a duplicate id, reported by duplicate-id
        yield context.problem(
            "suspension-without-resume",
            (*entry.path, "id"),
            f"no action with 'resume: true' leaves the suspension phase {phase.id!r}",
            hint=f"add an action with 'from: [{phase.id}]' and 'resume: true'",
            params={"phase": phase.id},
        )


@_rule(
    "resume-misplaced",
    "error",
    "a resume action has no 'to' and is taken only in suspension phases",
)
def check_resume_actions(context: CheckContext) -> Iterator[Problem]:
    """Resuming returns the case to the phase it was suspended from, which
    only the suspension remembers: there is nothing to resume elsewhere, and
    a ``to`` would contradict the remembered phase."""
    suspension = context.suspension_phases
    for i, action in enumerate(context.process.actions):
        if not action.resume:
            continue
        if action.to is not None:
            yield context.problem(
                "resume-misplaced",
                ("actions", i, "to"),
                f"the resume action {action.id!r} names 'to: {action.to}'",
                hint="remove 'to': resuming returns to the phase the case was suspended from",
                key=True,
                code="resume-misplaced.to",
                params={"action": action.id, "to": action.to},
            )
        for j, phase_id in enumerate(action.from_):
            if phase_id in context.phases and phase_id not in suspension:
                yield context.problem(
                    "resume-misplaced",
                    ("actions", i, "from", j),
                    f"the resume action {action.id!r} may be taken in {phase_id!r}, "
                    "which is not a suspension phase",
                    expected="a phase with 'suspension'",
                    hint="take resume actions only from suspension phases",
                    params={"action": action.id, "phase": phase_id},
                )


@_rule(
    "suspend-from-suspension",
    "error",
    "an action entering a suspension phase is not taken in a suspension phase",
)
def check_suspend_from_suspension(context: CheckContext) -> Iterator[Problem]:
    """A case remembers one phase to resume to; suspending a suspended case
    would forget where it really stopped."""
    suspension = context.suspension_phases
    for i, action in enumerate(context.process.actions):
        if action.to is None or action.to not in suspension:
            continue
        for j, phase_id in enumerate(action.from_):
            inside = sorted(context.leaves_under(phase_id) & suspension)
            if inside:
                yield context.problem(
                    "suspend-from-suspension",
                    ("actions", i, "from", j),
                    f"the action {action.id!r} suspends the case again from the suspension "
                    f"phase {inside[0]!r}",
                    hint="resume the case first, or lead the action to another phase",
                    params={"action": action.id, "phase": inside[0]},
                )


@_rule("unreachable-phase", "error", "every phase can be reached from the initial phase")
def check_unreachable_phases(context: CheckContext) -> Iterator[Problem]:
    """A phase no action leads to is dead text, or a missing action."""
    reachable = context.reachable
    for entry in context.phase_entries:
        if context._leaves(entry.phase) & reachable:
            continue
        # Report the outermost unreachable phase only.
        if entry.parents and not (context._leaves(entry.parents[-1]) & reachable):
            continue
        yield context.problem(
            "unreachable-phase",
            (*entry.path, "id"),
            f"no sequence of actions leads from the initial phase to {entry.phase.id!r}",
            hint="add an action with 'to: " + entry.phase.id + "', or remove the phase",
            params={"phase": entry.phase.id},
        )


@_rule("dead-end-phase", "error", "from every reachable phase some terminal phase can be reached")
def check_dead_ends(context: CheckContext) -> Iterator[Problem]:
    """A case must always be able to end: with a plan, a withdrawal, an intervention..."""
    terminals = {e.phase.id for e in context.phase_entries if context.is_terminal(e.phase.id)}
    if not terminals:
        yield context.problem(
            "dead-end-phase",
            ("phases",),
            "no phase has an outcome, so no case can ever end",
            hint="give the final phases an 'outcome'",
            key=True,
            code="dead-end-phase.no-outcome",
        )
        return
    for entry in context.phase_entries:
        phase = entry.phase
        if phase.phases or context.is_terminal(phase.id) or phase.id not in context.reachable:
            continue
        if context.phases[phase.id] is not entry:
            continue  # a duplicate id, reported by duplicate-id
        if not (context.reachable_from([phase.id]) & terminals):
            yield context.problem(
                "dead-end-phase",
                (*entry.path, "id"),
                f"a case in {phase.id!r} can never reach an outcome",
                hint="add an action from it (or a phase around it) that leads on",
                params={"phase": phase.id},
            )


@_rule(
    "action-nobody-present", "error", "someone who may take an action is present where it is taken"
)
def check_action_presence(context: CheckContext) -> Iterator[Problem]:
    """Only present people act; an action whose roles are all absent wherever
    it may be taken can never happen (``on_call`` roles count: they can be called in)."""
    for i, action in enumerate(context.process.actions):
        by = {r for r in action.by if r in context.roles}
        if not by or not action.requires_presence:
            continue
        for j, phase_id in enumerate(action.from_):
            leaves = [
                leaf for leaf in context.leaves_under(phase_id) if not context.is_terminal(leaf)
            ]
            if not leaves:
                continue
            if any(by & context.may_be_present_in(leaf) for leaf in leaves):
                continue
            present = set().union(*(context.may_be_present_in(leaf) for leaf in leaves))
            yield context.problem(
                "action-nobody-present",
                ("actions", i, "from", j),
                f"none of the roles that may take {action.id!r} ({_listing(by)}) is present "
                f"in {phase_id!r}",
                expected=f"{'one of ' if len(by) > 1 else ''}{_listing(by)} present or on call",
                found=f"present: {_listing(present)}",
                code="action-nobody-present" + (".several" if len(by) > 1 else ""),
                params={
                    "action": action.id,
                    "roles": _names(by),
                    "phase": phase_id,
                    "present": _names(present),
                },
            )


@_rule("opener-not-present", "error", "the opener is present in the phase a case starts in")
def check_opener_present(context: CheckContext) -> Iterator[Problem]:
    """When a case opens its only participant is the opener; if the opener is
    not present in the initial phase nobody can act or assign anyone, ever."""
    opener = context.process.opener
    if opener not in context.roles:
        return
    for leaf in sorted(context.start_leaves):
        # On call is not enough: nobody is there yet to call the opener in.
        if opener not in context.present_in(leaf):
            yield context.problem(
                "opener-not-present",
                ("opener",),
                f"the opener role {opener!r} is not present in the initial phase {leaf!r}",
                expected=f"{opener!r} among the roles present in {leaf!r}",
                found=f"present: {_listing(context.present_in(leaf))}",
                params={
                    "opener": opener,
                    "phase": leaf,
                    "present": _names(context.present_in(leaf)),
                },
            )


@_rule("on-call-and-present", "error", "a role is not both on call and present in one phase")
def check_on_call_present(context: CheckContext) -> Iterator[Problem]:
    """On call means absent until called in; a role cannot be both, and the
    author surely meant one of them (private family time depends on it)."""
    for entry in context.phase_entries:
        present = context.present_in(entry.phase.id)
        for k, role in enumerate(entry.phase.on_call):
            if role in present:
                inherited = entry.phase.present is None
                yield context.problem(
                    "on-call-and-present",
                    (*entry.path, "on_call", k),
                    f"the role {role!r} is on call in {entry.phase.id!r} but also present there",
                    hint=(
                        "the phase has no 'present' of its own, so it inherits one (or every "
                        "role is present): list the present roles explicitly"
                        if inherited
                        else f"remove {role!r} from 'present' or from 'on_call'"
                    ),
                    code="on-call-and-present" + (".inherited" if inherited else ""),
                    params={"role": role, "phase": entry.phase.id},
                )


@_rule("artifact-unavailable", "error", "what an action requires can be written before it")
def check_artifacts_available(context: CheckContext) -> Iterator[Problem]:
    """An action that requires a document nobody can write in any phase on the
    way to it (or that no earlier action records) can never be taken. Writing
    needs a writer present (or on call) in a phase whose ``artifacts`` allow it."""
    for i, action in enumerate(context.process.actions):
        leaves = context.action_leaves(action)
        if not leaves:
            continue
        needed: list[tuple[str, DocPath]] = [
            (a, ("actions", i, "requires", "artifacts", k))
            for k, a in enumerate(action.requires.artifacts)
        ]
        needed += [
            (c.artifact, ("actions", i, "requires", "fields", k, "artifact"))
            for k, c in enumerate(action.requires.fields)
        ]
        done: set[str] = set()
        for artifact_id, path in needed:
            if artifact_id in done or context.artifact(artifact_id) is None:
                continue
            done.add(artifact_id)
            if context.available_after(artifact_id, excluding=action) & leaves:
                continue
            writers = context.artifact(artifact_id)
            assert writers is not None
            yield context.problem(
                "artifact-unavailable",
                path,
                f"the action {action.id!r} requires {artifact_id!r}, but it cannot be written "
                "or recorded in any phase before the action",
                hint=f"writers: {_listing(writers.write)}; make one of them present in a phase "
                "before it (and allow the artifact there), or record it by an earlier action",
                params={
                    "action": action.id,
                    "artifact": artifact_id,
                    "writers": _names(writers.write),
                },
            )


@_rule("deadline-unsatisfiable", "error", "a deadline's satisfying action can follow its anchor")
def check_deadlines_satisfiable(context: CheckContext) -> Iterator[Problem]:
    """A deadline that no action can meet after its anchor would always be
    breached. When the deadline lists ``phases``, the satisfying action must
    be taken inside them, since leaving them cancels the deadline."""
    for i, deadline in enumerate(context.process.deadlines):
        anchor_leaves = _anchor_leaves(context, deadline.anchor.action, deadline.anchor.field)
        if anchor_leaves is None or not anchor_leaves:
            continue
        satisfying = [a for a in map(context.action, deadline.satisfied_by) if a is not None]
        if not satisfying:
            continue
        after = context.reachable_from(anchor_leaves)
        allowed = None
        if deadline.phases and all(p in context.phases for p in deadline.phases):
            allowed = frozenset().union(*(context.leaves_under(p) for p in deadline.phases))
        ok = False
        for action in satisfying:
            leaves = context.action_leaves(action) & after
            if allowed is not None:
                leaves &= allowed
            ok = ok or bool(leaves)
        if not ok:
            within = " inside the deadline's phases" if allowed is not None else ""
            yield context.problem(
                "deadline-unsatisfiable",
                ("deadlines", i, "satisfied_by"),
                f"no action that meets the deadline {deadline.id!r} can be taken{within} "
                "after its anchor",
                expected="an action in satisfied_by that can follow the anchor",
                key=True,
                code="deadline-unsatisfiable" + (".within" if allowed is not None else ""),
                params={"deadline": deadline.id},
            )


def _anchor_leaves(
    context: CheckContext, action_id: str | None, field: Any
) -> frozenset[str] | None:
    """Where a case can be right after the anchor happens; None if it is unknown."""
    if action_id is not None:
        action = context.action(action_id)
        return None if action is None else context.after_action(action)
    artifact = context.artifact(field.artifact)
    if artifact is None or artifact.field(field.field) is None:
        return None
    leaves = set(context.written_in(artifact.id))
    for action in context.process.actions:
        if action.records == artifact.id:
            leaves |= context.after_action(action)
    return frozenset(leaves)


@_rule("deadline-never-runs", "warning", "a deadline's anchor can happen in a reachable phase")
def check_deadlines_run(context: CheckContext) -> Iterator[Problem]:
    """A deadline whose anchor never happens never starts: neither its target
    nor its limit is ever reached, which is probably not what was meant."""
    for i, deadline in enumerate(context.process.deadlines):
        anchor_leaves = _anchor_leaves(context, deadline.anchor.action, deadline.anchor.field)
        if anchor_leaves is None:
            continue
        if anchor_leaves & context.reachable:
            continue
        yield context.problem(
            "deadline-never-runs",
            ("deadlines", i, "anchor"),
            f"the anchor of the deadline {deadline.id!r} can never happen, so the deadline "
            "never starts",
            key=True,
            params={"deadline": deadline.id},
        )


@_rule(
    "read-fields-overlap",
    "error",
    "a role in read_fields of a document neither reads nor writes the whole of it",
)
def check_read_fields_overlap(context: CheckContext) -> Iterator[Problem]:
    """A role that reads (or writes) the whole document would read every field
    anyway, so limiting it to some fields says two things at once; a role
    listed twice in read_fields is the same doubt."""
    for i, artifact in enumerate(context.process.artifacts):
        whole = set(artifact.read) | set(artifact.write)
        seen: set[str] = set()
        for j, readers in enumerate(artifact.read_fields):
            role = readers.role
            if role in whole or role in seen:
                where = "write" if role in artifact.write else "read"
                if role in seen:
                    where = "read_fields"
                yield context.problem(
                    "read-fields-overlap",
                    ("artifacts", i, "read_fields", j, "role"),
                    f"the role {role!r} is in {where} of the artifact {artifact.id!r} "
                    "and also in its read_fields",
                    hint=f"name {role!r} in one place only: read (the whole document) "
                    "or read_fields (some fields)",
                    params={"role": role, "artifact": artifact.id, "where": where},
                )
            seen.add(role)


@_rule("exclusive-self", "error", "no role is exclusive with itself")
def check_exclusive_self(context: CheckContext) -> Iterator[Problem]:
    """A role exclusive with itself reads as a typo for another role."""
    for i, role in enumerate(context.process.roles):
        for k, other in enumerate(role.exclusive_with):
            if other == role.id:
                yield context.problem(
                    "exclusive-self",
                    ("roles", i, "exclusive_with", k),
                    f"the role {role.id!r} is exclusive with itself",
                    hint="name the other role the same person may not hold",
                    params={"role": role.id},
                )


@_rule("exclusive-asymmetric", "error", "exclusivity is declared on both roles")
def check_exclusive_symmetric(context: CheckContext) -> Iterator[Problem]:
    """Exclusivity is symmetric; saying it on one side only suggests the author
    forgot the other, and a reader of the other role would not see it."""
    roles = context.process.roles
    for i, role in enumerate(roles):
        for k, other_id in enumerate(role.exclusive_with):
            index = context.roles.get(other_id)
            if index is None or other_id == role.id:
                continue
            other = roles[index]
            if role.id not in other.exclusive_with:
                yield context.problem(
                    "exclusive-asymmetric",
                    ("roles", i, "exclusive_with", k),
                    f"{role.id!r} is exclusive with {other_id!r}, but {other_id!r} does not "
                    f"list {role.id!r}",
                    hint=f"add {role.id!r} to the exclusive_with of {other_id!r} "
                    f"({context.position_text(('roles', index))})",
                    params={
                        "role": role.id,
                        "other": other_id,
                        **context.position_params(("roles", index)),
                    },
                )


@_rule("role-unassignable", "warning", "every role can be assigned, starting from the opener")
def check_roles_assignable(context: CheckContext) -> Iterator[Problem]:
    """People get roles from holders of the roles in ``assigned_by``; starting
    from the opener, a role no chain of assigners reaches can never be held.
    (Exclusivity never makes a cardinality impossible, since any number of
    people may take part, so it needs no rule of its own.)"""
    roles = context.process.roles
    if context.process.opener not in context.roles:
        return  # unknown-role reports the opener; every role would follow here
    holdable = {context.process.opener}
    changed = True
    while changed:
        changed = False
        for role in roles:
            if role.id not in holdable and holdable & set(role.assigned_by):
                holdable.add(role.id)
                changed = True
    for i, role in enumerate(roles):
        if role.id in holdable or context.roles.get(role.id) != i:
            continue
        yield context.problem(
            "role-unassignable",
            ("roles", i, "id"),
            f"nobody can ever be assigned the role {role.id!r}",
            hint=(
                "list in 'assigned_by' a role that can be held (such as the opener, "
                f"{context.process.opener!r})"
                if role.assigned_by
                else "it has no 'assigned_by'; name the roles whose holders assign it"
            ),
            code="role-unassignable" + ("" if role.assigned_by else ".no-assigner"),
            params={"role": role.id, "opener": context.process.opener},
        )


@_rule(
    "replacer-never-present",
    "warning",
    "a role that may hand another over is present somewhere the case is still open",
)
def check_replacers_present(context: CheckContext) -> Iterator[Problem]:
    """Handing a role over takes a present holder of a role in its ``replaced_by``
    (as assigning does); a replacer present in no open phase never can."""
    open_leaves = [
        leaf
        for info in context.process.all_phases()
        if not info.phase.phases and not context.is_terminal(leaf := info.phase.id)
    ]
    somewhere = frozenset().union(*(context.may_be_present_in(leaf) for leaf in open_leaves))
    for i, role in enumerate(context.process.roles):
        for j, replacer in enumerate(role.replaced_by):
            if replacer not in context.roles or replacer in somewhere:
                continue
            yield context.problem(
                "replacer-never-present",
                ("roles", i, "replaced_by", j),
                f"the role {replacer!r} may hand {role.id!r} over, but it is present "
                "in no phase where the case is still open",
                hint="list in 'replaced_by' a role present while the case runs, "
                f"or make {replacer!r} present in a phase",
                params={"role": role.id, "replacer": replacer},
            )


@_rule(
    "personal-subject",
    "error",
    "a personal field names its data subject: one role, or one person field beside it",
)
def check_personal_subjects(context: CheckContext) -> Iterator[Problem]:
    """A personal value is encrypted under its subject's key; without exactly one
    way to find the subject, nobody's erasure would reach it. A field inside a
    list is sealed with its list: mark the list field."""
    for i, artifact in enumerate(context.process.artifacts):
        top = {field.id: field for field in artifact.fields}
        for field, path in _walk_fields(artifact.fields, ("artifacts", i, "fields")):
            personal = field.personal
            if personal is None:
                continue
            params = {"artifact": artifact.id, "field": field.id}
            if len(path) > 4:
                yield context.problem(
                    "personal-subject",
                    (*path, "personal"),
                    f"the field {field.id!r} lies inside a list of {artifact.id!r}; "
                    "only a top-level field can be personal",
                    hint="mark the list field itself as personal",
                    code="personal-subject.in-list",
                    params=params,
                )
            elif (personal.subject is None) == (personal.subject_field is None):
                yield context.problem(
                    "personal-subject",
                    (*path, "personal"),
                    f"the personal field {field.id!r} of {artifact.id!r} names "
                    + ("no data subject" if personal.subject is None else "two data subjects"),
                    expected="exactly one of 'subject' (a role) and 'subject_field' "
                    "(a person field)",
                    code="personal-subject.count",
                    params=params,
                )
            elif personal.subject_field is not None and not isinstance(
                top.get(personal.subject_field), PersonField
            ):
                yield context.problem(
                    "personal-subject",
                    (*path, "personal", "subject_field"),
                    f"the subject of {field.id!r} is {personal.subject_field!r}, "
                    f"which is not a person field of {artifact.id!r}",
                    expected=f"a top-level field of type person in {artifact.id!r}",
                    found=repr(personal.subject_field),
                    code="personal-subject.field",
                    params={**params, "subject_field": personal.subject_field},
                )


@_rule("retention-outcome", "error", "retention periods are given for outcomes the process has")
def check_retention_outcomes(context: CheckContext) -> Iterator[Problem]:
    """A period for an outcome no phase ends with would never apply: most likely
    a misspelt outcome, whose cases would then fall under the default."""
    retention = context.process.retention
    if retention is None:
        return
    outcomes = sorted(
        {info.phase.outcome for info in context.process.all_phases() if info.phase.outcome}
    )
    for outcome in retention.outcomes:
        if outcome not in outcomes:
            yield context.problem(
                "retention-outcome",
                ("retention", "outcomes", outcome),
                f"the retention period is for the outcome {outcome!r}, which no phase has",
                key=True,
                expected=f"one of {', '.join(outcomes)}",
                found=repr(outcome),
                params={"outcome": outcome, "outcomes": ", ".join(outcomes)},
            )


@_rule("missing-translation", "warning", "every label has both cs and en")
def check_translations(context: CheckContext) -> Iterator[Problem]:
    """Processes are read in Czech and in English; a missing text falls back
    to the other language, which a reader may not understand."""
    for model, path in _walk_models(context.process, ()):
        if isinstance(model, Label):
            for lang, text in (("cs", model.cs), ("en", model.en)):
                if text is None:
                    language = "Czech" if lang == "cs" else "English"
                    yield context.problem(
                        "missing-translation",
                        path,
                        f"this label has no {language} text",
                        expected=f"{_article(language.lower())} {language} text under '{lang}'",
                        code=f"missing-translation.{lang}",
                    )


@_rule("unused-role", "warning", "every role is used somewhere")
def check_unused_roles(context: CheckContext) -> Iterator[Problem]:
    """A role that is never present, never acts, writes, reads or assigns has
    no part in the process: a leftover, or a reference spelt differently."""
    used = {r.name for r in context.references if r.kind == "role" and r.uses}
    for i, role in enumerate(context.process.roles):
        if role.id not in used:
            yield context.problem(
                "unused-role",
                ("roles", i, "id"),
                f"the role {role.id!r} is not used anywhere",
                hint="remove it, or name it where it takes part",
                params={"role": role.id},
            )


@_rule("unused-artifact", "warning", "every artifact is used somewhere")
def check_unused_artifacts(context: CheckContext) -> Iterator[Problem]:
    """An artifact that no action requires or records, no deadline, phase or
    invariant names, has no effect on any case."""
    used = {r.name for r in context.references if r.kind == "artifact"}
    for i, artifact in enumerate(context.process.artifacts):
        if artifact.id not in used:
            yield context.problem(
                "unused-artifact",
                ("artifacts", i, "id"),
                f"the artifact {artifact.id!r} is not used by any action, deadline or phase",
                params={"artifact": artifact.id},
            )


@_rule("unused-guard", "warning", "every declared guard is required by some action")
def check_unused_guards(context: CheckContext) -> Iterator[Problem]:
    """A declared guard that nothing requires means the host registers code that never runs."""
    used = {r.name for r in context.references if r.kind == "guard"}
    for i, guard in enumerate(context.process.guards):
        if guard.id not in used:
            yield context.problem(
                "unused-guard",
                ("guards", i, "id"),
                f"the guard {guard.id!r} is not required by any action",
                params={"guard": guard.id},
            )
