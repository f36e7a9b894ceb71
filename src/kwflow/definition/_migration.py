"""Migration plans: how running cases move from one version of a process to the next.

A plan is a YAML file beside the process (``family_conference.1-to-2.migration.yaml``)
written by the methodologist who wrote the new version. It says, for a case
on the old version, where it stands in the new one: its leaf phase, who holds
which role, what its documents hold, and what becomes of each deadline
running. Anything it does not name stays as it is (a role, a document, a
field or a deadline of the same id in both versions), except phases: every
leaf phase a running case can be in is mapped by hand, because a phase of the
same name may mean something else in the new version.

The models only check the plan's shape; `plan_problems` checks it against
the two processes (every name exists, every required field of the new
version gets a value, types agree). Whether every *reachable* state of the
old version lands on a valid state of the new one needs the explorer, which
this layer cannot import: ``kwflow.testing.migration_problems`` does that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kwflow.exceptions import DefinitionError, Problem

from ._models import Identifier, Label  # noqa: TC001 - pydantic reads the annotations at run time
from ._yaml import format_path, parse_yaml

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ._models import Artifact, ArtifactField, Process
    from ._yaml import DocPath, SourceMap

__all__ = [
    "MIGRATION_CODES",
    "MIGRATION_SUFFIXES",
    "DeadlineChange",
    "DocumentChange",
    "FieldChange",
    "LoadedPlan",
    "MigrationPlan",
    "RoleChange",
    "is_plan_file",
    "leaf_ids",
    "located",
    "migration_json_schema",
    "parse_plan",
    "parse_plan_file",
    "plan_data",
    "plan_problems",
]

MIGRATION_SUFFIXES = (".migration.yaml", ".migration.yml")
"""File name endings of migration plans; a directory's other ``*.yaml`` files are processes."""

Scalar = str | bool | int
"""A default a plan may give a field: text (a date as ``YYYY-MM-DD``), a flag or a number."""


class PlanModel(BaseModel):
    """Base of the plan file's models: frozen, no unknown keys, as the process language's.

    A separate format with its own JSON Schema (``kwflow schema --migration``),
    so not among the process language's models (``_models.Model``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def is_plan_file(path: str | Path) -> bool:
    """Whether ``path`` names a migration plan (by its ending), not a process file."""
    return Path(path).name.endswith(MIGRATION_SUFFIXES)


class RoleChange(PlanModel):
    """A role of the old version renamed (``to``) or dropped (``drop: true``)."""

    from_: Identifier = Field(alias="from", description="the role in the old version")
    to: Identifier | None = Field(default=None, description="its id in the new version")
    drop: bool = Field(default=False, description="its holders lose it on migration")

    @model_validator(mode="after")
    def _to_or_drop(self) -> RoleChange:
        if (self.to is None) == (not self.drop):
            raise ValueError("a role change needs exactly one of 'to' and 'drop: true'")
        return self


class FieldChange(PlanModel):
    """One field of a document: renamed, given a default, its values mapped, or dropped."""

    field: Identifier = Field(description="the field in the new version (dropped: the old one)")
    from_: Identifier | None = Field(
        default=None, alias="from", description="the old field it takes its value from"
    )
    default: Scalar | None = Field(
        default=None, description="the value when the old document has none"
    )
    values: dict[str, str | None] | None = Field(
        default=None,
        description="old enum value -> new value; null leaves the field empty",
    )
    drop: bool = Field(default=False, description="the old field is left out")

    @model_validator(mode="after")
    def _drop_alone(self) -> FieldChange:
        if self.drop and (
            self.from_ is not None or self.default is not None or self.values is not None
        ):
            raise ValueError("a dropped field takes no 'from', 'default' or 'values'")
        return self


class DocumentChange(PlanModel):
    """A document (artifact) of the old version: renamed, its fields changed, or dropped."""

    artifact: Identifier = Field(description="the document in the old version")
    to: Identifier | None = Field(default=None, description="its id in the new version")
    drop: bool = Field(default=False, description="the document is left behind")
    fields: tuple[FieldChange, ...] = ()

    @model_validator(mode="after")
    def _drop_alone(self) -> DocumentChange:
        if self.drop and (self.to is not None or self.fields):
            raise ValueError("a dropped document takes no 'to' or 'fields'")
        return self

    @property
    def target(self) -> str:
        """The document's id in the new version."""
        return self.to or self.artifact


RUNNING = ("keep", "restart", "cancel")
"""What becomes of a deadline running at migration."""


class DeadlineChange(PlanModel):
    """A deadline of the old version: what happens to it if it is running, and its new id."""

    deadline: Identifier = Field(description="the deadline in the old version")
    to: Identifier | None = Field(default=None, description="its id in the new version")
    running: Literal["keep", "restart", "cancel"] = Field(
        default="keep",
        description=(
            "keep its times; restart it (counted again from its anchor by the new rules); "
            "or cancel it"
        ),
    )

    @property
    def target(self) -> str:
        """The deadline's id in the new version."""
        return self.to or self.deadline


class MigrationPlan(PlanModel):
    """A plan moving cases of ``process`` from version ``from`` to version ``to``."""

    process: Identifier = Field(description="the process id")
    from_: int = Field(alias="from", ge=1, description="the version cases migrate from")
    to: int = Field(ge=1, description="the version cases migrate to")
    description: Label | None = None
    phases: dict[Identifier, Identifier] = Field(
        description="old leaf phase -> new leaf phase, for every leaf a running case can be in"
    )
    roles: tuple[RoleChange, ...] = ()
    documents: tuple[DocumentChange, ...] = ()
    deadlines: tuple[DeadlineChange, ...] = ()

    @property
    def id(self) -> str:
        """The plan's name: ``<process>.<from>-to-<to>``, as its file is named."""
        return f"{self.process}.{self.from_}-to-{self.to}"

    @property
    def key(self) -> tuple[str, int, int]:
        """``(process, from, to)``: how a registry finds the plan."""
        return (self.process, self.from_, self.to)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the plan's content (not its comments or layout); the event names it."""
        dumped = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        text = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # -- the mapping, read the way the engine and the checks use it

    def role_target(self, role: str) -> str | None:
        """The new id of an old role (itself unless renamed); ``None`` when dropped."""
        for change in self.roles:
            if change.from_ == role:
                return None if change.drop else change.to
        return role

    def document(self, artifact: str) -> DocumentChange | None:
        """The plan's entry for an old document, if it has one."""
        for change in self.documents:
            if change.artifact == artifact:
                return change
        return None

    def document_target(self, artifact: str) -> str | None:
        """The new id of an old document (itself unless renamed); ``None`` when dropped."""
        change = self.document(artifact)
        if change is None:
            return artifact
        return None if change.drop else change.target

    def deadline_change(self, deadline: str) -> DeadlineChange:
        """The plan's entry for an old deadline; unnamed, it keeps its id and times."""
        for change in self.deadlines:
            if change.deadline == deadline:
                return change
        return DeadlineChange(deadline=deadline)


@dataclass(frozen=True)
class LoadedPlan:
    """A plan as read from its file, with the source map that positions its problems."""

    plan: MigrationPlan
    source: SourceMap
    file: str


def parse_plan(text: str | bytes, filename: str = "<string>") -> LoadedPlan:
    """Read and validate a plan's text; `DefinitionError` lists every problem with its place."""
    from ._loader import translate_errors  # the loader's translation, shared with process files

    data, source = parse_yaml(text, filename)
    try:
        plan = MigrationPlan.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(translate_errors(exc.errors(), data, source)) from None
    return LoadedPlan(plan, source, filename)


def parse_plan_file(path: str | Path) -> LoadedPlan:
    """Read and validate one plan file."""
    from ._loader import read_definition_file

    return parse_plan(read_definition_file(path), str(path))


# ------------------------------------------------------------ static checks

MIGRATION_CODES = (
    "migration-unknown-version",
    "migration-same-version",
    "migration-unknown-phase",
    "migration-unknown-role",
    "migration-role-not-mapped",
    "migration-unknown-artifact",
    "migration-artifact-not-mapped",
    "migration-unknown-field",
    "migration-field-not-mapped",
    "migration-required-field",
    "migration-field-type",
    "migration-default-type",
    "migration-enum-value",
    "migration-unknown-deadline",
    "migration-deadline-not-mapped",
    "migration-unmapped-phase",
    "migration-state-roles",
    "migration-state-exclusive",
    "migration-state-assignable",
    "migration-state-invariant",
)
"""The codes of a plan's problems (each has a Czech template in ``_messages``).

The last five are reported by the explorer's check (``kwflow.testing``)."""

_Found = tuple["DocPath", str, str, dict[str, str]]


def plan_problems(
    loaded: LoadedPlan | MigrationPlan, versions: Mapping[tuple[str, int], Process]
) -> list[Problem]:
    """Every problem of a plan against the processes registered (``(id, version)`` -> process).

    Positioned in the plan file when ``loaded`` came from one.
    """
    if isinstance(loaded, LoadedPlan):
        plan, source, file = loaded.plan, loaded.source, loaded.file
    else:
        plan, source, file = loaded, None, f"<plan {loaded.id}>"
    problems = []
    for path, code, message, params in _problems(plan, versions):
        problems.append(_problem(source, file, path, code, message, params))
    return problems


def _problem(  # noqa: PLR0917 - a problem's parts, in the order Problem takes them
    source: SourceMap | None,
    file: str,
    path: DocPath,
    code: str,
    message: str,
    params: Mapping[str, str],
) -> Problem:
    if source is not None:
        # At the key: a list or mapping the problem is about starts on its key's line.
        return source.problem(path, message, rule=code, code=code, params=params, key=True)
    return Problem(
        file=file,
        line=None,
        column=None,
        path=format_path(path),
        message=message,
        rule=code,
        code=code,
        params=dict(params),
    )


def located(
    loaded: LoadedPlan | None, path: DocPath, code: str, message: str, params: Mapping[str, str]
) -> Problem:
    """A problem of a plan at ``path`` (for the checks of other layers)."""
    if loaded is None:
        return _problem(None, "<plan>", path, code, message, params)
    return _problem(loaded.source, loaded.file, path, code, message, params)


def leaf_ids(process: Process) -> dict[str, bool]:
    """The leaf phases of ``process``, each with whether it is terminal (has an outcome)."""
    return {
        info.phase.id: info.phase.outcome is not None
        for info in process.all_phases()
        if not info.phase.phases
    }


def _problems(plan: MigrationPlan, versions: Mapping[tuple[str, int], Process]) -> Iterator[_Found]:
    base = {"process": plan.process}
    if plan.from_ == plan.to:
        yield (
            ("to",),
            "migration-same-version",
            "a plan moves cases to another version",
            {**base, "version": str(plan.to)},
        )
        return
    old = versions.get((plan.process, plan.from_))
    new = versions.get((plan.process, plan.to))
    for key, version, found in (("from", plan.from_, old), ("to", plan.to, new)):
        if found is None:
            known = sorted(v for (p, v) in versions if p == plan.process)
            yield (
                (key,),
                "migration-unknown-version",
                (
                    f"process {plan.process!r} has no version {version} registered "
                    f"(versions: {', '.join(map(str, known)) or 'none'})"
                ),
                {**base, "version": str(version), "known": ", ".join(map(str, known))},
            )
    if old is None or new is None:
        return
    yield from _phase_problems(plan, old, new)
    yield from _role_problems(plan, old, new)
    yield from _document_problems(plan, old, new)
    yield from _deadline_problems(plan, old, new)


def _phase_problems(plan: MigrationPlan, old: Process, new: Process) -> Iterator[_Found]:
    old_leaves, new_leaves = leaf_ids(old), leaf_ids(new)
    for source_leaf, target in plan.phases.items():
        if source_leaf not in old_leaves:
            yield (
                ("phases", source_leaf),
                "migration-unknown-phase",
                f"version {old.version} has no leaf phase {source_leaf!r}",
                {"phase": source_leaf, "version": str(old.version)},
            )
        if target not in new_leaves:
            yield (
                ("phases", source_leaf),
                "migration-unknown-phase",
                f"version {new.version} has no leaf phase {target!r}",
                {"phase": target, "version": str(new.version)},
            )


def _role_problems(plan: MigrationPlan, old: Process, new: Process) -> Iterator[_Found]:
    named = set()
    for i, change in enumerate(plan.roles):
        named.add(change.from_)
        if old.role(change.from_) is None:
            yield (
                ("roles", i, "from"),
                "migration-unknown-role",
                f"version {old.version} has no role {change.from_!r}",
                {"role": change.from_, "version": str(old.version)},
            )
        if change.to is not None and new.role(change.to) is None:
            yield (
                ("roles", i, "to"),
                "migration-unknown-role",
                f"version {new.version} has no role {change.to!r}",
                {"role": change.to, "version": str(new.version)},
            )
    for role in old.roles:
        if role.id not in named and new.role(role.id) is None:
            yield (
                ("roles",) if plan.roles else ("to",),
                "migration-role-not-mapped",
                (
                    f"the role {role.id!r} is gone in version {new.version}: rename it "
                    "(from/to) or drop it (drop: true)"
                ),
                {"role": role.id, "version": str(new.version)},
            )


def _type(field: ArtifactField) -> str:
    return field.type


def _document_problems(plan: MigrationPlan, old: Process, new: Process) -> Iterator[_Found]:
    named = set()
    for i, change in enumerate(plan.documents):
        named.add(change.artifact)
        here: DocPath = ("documents", i)
        mine = old.artifact(change.artifact)
        if mine is None:
            yield (
                (*here, "artifact"),
                "migration-unknown-artifact",
                f"version {old.version} has no document {change.artifact!r}",
                {"artifact": change.artifact, "version": str(old.version)},
            )
        if change.drop:
            continue
        theirs = new.artifact(change.target)
        if theirs is None:
            yield (
                (*here, "to" if change.to else "artifact"),
                "migration-unknown-artifact",
                f"version {new.version} has no document {change.target!r}",
                {"artifact": change.target, "version": str(new.version)},
            )
        if mine is not None and theirs is not None:
            yield from _field_problems(change, i, mine, theirs, old, new)
    for artifact in old.artifacts:
        if artifact.id in named:
            continue
        theirs = new.artifact(artifact.id)
        if theirs is None:
            yield (
                ("documents",) if plan.documents else ("to",),
                "migration-artifact-not-mapped",
                (
                    f"the document {artifact.id!r} is gone in version {new.version}: rename it "
                    "(to) or drop it (drop: true)"
                ),
                {"artifact": artifact.id, "version": str(new.version)},
            )
        else:
            yield from _field_problems(
                DocumentChange(artifact=artifact.id), None, artifact, theirs, old, new
            )


def _field_problems(  # noqa: PLR0917 - one document's two sides and where it is
    change: DocumentChange,
    index: int | None,
    mine: Artifact,
    theirs: Artifact,
    old: Process,
    new: Process,
) -> Iterator[_Found]:
    here: DocPath = ("documents",) if index is None else ("documents", index)
    base = {"artifact": theirs.id}
    sources: dict[str, str] = {}  # new field -> old field it takes its value from
    dropped: set[str] = set()
    by_field: dict[str, tuple[int, FieldChange]] = {}
    for j, field_change in enumerate(change.fields):
        at: DocPath = (*here, "fields", j)
        if field_change.drop:
            dropped.add(field_change.field)
            if mine.field(field_change.field) is None:
                yield (
                    (*at, "field"),
                    "migration-unknown-field",
                    (
                        f"the document {mine.id!r} of version {old.version} has no field "
                        f"{field_change.field!r}"
                    ),
                    {"artifact": mine.id, "field": field_change.field, "version": str(old.version)},
                )
            continue
        by_field[field_change.field] = (j, field_change)
        if theirs.field(field_change.field) is None:
            yield (
                (*at, "field"),
                "migration-unknown-field",
                (
                    f"the document {theirs.id!r} of version {new.version} has no field "
                    f"{field_change.field!r}"
                ),
                {**base, "field": field_change.field, "version": str(new.version)},
            )
        origin = field_change.from_ or field_change.field
        if field_change.from_ is not None and mine.field(field_change.from_) is None:
            yield (
                (*at, "from"),
                "migration-unknown-field",
                (
                    f"the document {mine.id!r} of version {old.version} has no field "
                    f"{field_change.from_!r}"
                ),
                {"artifact": mine.id, "field": field_change.from_, "version": str(old.version)},
            )
        elif mine.field(origin) is not None:
            sources[field_change.field] = origin
    renamed_away = {origin for target, origin in sources.items() if target != origin}
    for field in mine.fields:
        if field.id in dropped or field.id in sources.values():
            continue
        if theirs.field(field.id) is not None and field.id not in renamed_away:
            sources.setdefault(field.id, field.id)
            continue
        yield (
            (*here, "artifact") if index is not None else here,
            "migration-field-not-mapped",
            (
                f"the field {field.id!r} of the document {mine.id!r} is gone in version "
                f"{new.version}: rename it (field/from) or drop it (drop: true)"
            ),
            {"artifact": mine.id, "field": field.id, "version": str(new.version)},
        )
    for field in theirs.fields:
        entry = by_field.get(field.id)
        at = (*here, "fields", entry[0]) if entry is not None else (*here,)
        default = entry[1].default if entry is not None else None
        found_origin = sources.get(field.id)
        if found_origin is None and field.required and default is None:
            yield (
                at if entry is not None else ((*here, "artifact") if index is not None else here),
                "migration-required-field",
                (
                    f"the required field {field.id!r} of the document {theirs.id!r} has no value "
                    "in the old version: give it a default"
                ),
                {**base, "field": field.id},
            )
        if default is not None and not _fits(field, default):
            yield (
                (*at, "default"),
                "migration-default-type",
                f"the default {default!r} does not fit the {_type(field)} field {field.id!r}",
                {**base, "field": field.id, "type": _type(field), "value": str(default)},
            )
        if found_origin is None:
            continue
        origin = found_origin
        before = mine.field(origin)
        assert before is not None
        if _type(before) != _type(field):
            yield (
                at if entry is not None else ((*here, "artifact") if index is not None else here),
                "migration-field-type",
                (
                    f"the {_type(before)} field {origin!r} cannot become the {_type(field)} "
                    f"field {field.id!r}"
                ),
                {
                    **base,
                    "field": field.id,
                    "type": _type(field),
                    "other_field": origin,
                    "other_type": _type(before),
                },
            )
            continue
        yield from _enum_problems(before, field, entry, at, theirs.id)


def _enum_problems(
    before: ArtifactField,
    after: ArtifactField,
    entry: tuple[int, FieldChange] | None,
    at: DocPath,
    artifact: str,
) -> Iterator[_Found]:
    old_values = _enum_values(before)
    new_values = _enum_values(after)
    if old_values is None or new_values is None:
        return
    mapped = (entry[1].values if entry is not None else None) or {}
    for value in old_values:
        if value in mapped:
            target = mapped[value]
            if target is None or target in new_values:
                continue
        elif value in new_values:
            continue
        yield (
            (*at, "values") if entry is not None else at,
            "migration-enum-value",
            (
                f"the value {value!r} of the field {after.id!r} has no place in the new version: "
                "map it under 'values' (to a new value, or null to leave the field empty)"
            ),
            {"artifact": artifact, "field": after.id, "value": value},
        )


def _enum_values(field: ArtifactField) -> tuple[str, ...] | None:
    values = getattr(field, "values", None)
    if field.type != "enum" or values is None:
        return None
    return tuple(value.id for value in values)


def _fits(field: ArtifactField, value: Scalar) -> bool:
    kind = field.type
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    if kind == "enum":
        return value in (_enum_values(field) or ())
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    if kind == "datetime":
        try:
            return datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    return kind in ("text", "person")


def _deadline_problems(plan: MigrationPlan, old: Process, new: Process) -> Iterator[_Found]:
    named = set()
    for i, change in enumerate(plan.deadlines):
        named.add(change.deadline)
        if old.deadline(change.deadline) is None:
            yield (
                ("deadlines", i, "deadline"),
                "migration-unknown-deadline",
                f"version {old.version} has no deadline {change.deadline!r}",
                {"deadline": change.deadline, "version": str(old.version)},
            )
        if change.running != "cancel" and new.deadline(change.target) is None:
            yield (
                ("deadlines", i, "to" if change.to else "deadline"),
                "migration-unknown-deadline",
                f"version {new.version} has no deadline {change.target!r}",
                {"deadline": change.target, "version": str(new.version)},
            )
    for deadline in old.deadlines:
        if deadline.id not in named and new.deadline(deadline.id) is None:
            yield (
                ("deadlines",) if plan.deadlines else ("to",),
                "migration-deadline-not-mapped",
                (
                    f"the deadline {deadline.id!r} is gone in version {new.version}: map it "
                    "(to) or cancel it (running: cancel)"
                ),
                {"deadline": deadline.id, "version": str(new.version)},
            )


MIGRATION_SCHEMA_ID = "urn:kwflow:migration-plan:1"
"""The ``$id`` of the JSON Schema of migration plans."""


def migration_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of a migration plan file, for editors (keys as written)."""
    schema = MigrationPlan.model_json_schema(
        by_alias=True, mode="validation", ref_template="#/definitions/{model}"
    )
    definitions: dict[str, Any] = schema.pop("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": MIGRATION_SCHEMA_ID,
        "title": "kwflow migration plan",
        "description": (
            "Moves running cases of a process from one version to another. "
            "Run 'kwflow check' for the checks against both versions."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
        "definitions": definitions,
    }


def plan_data(plan: MigrationPlan) -> dict[str, Any]:
    """The plan as JSON (by its file's keys), for reports."""
    return plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
