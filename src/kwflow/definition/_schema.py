"""The process-file language described for tools: JSON Schema and a Markdown reference.

Both are generated from the models, so editors, the documentation and the
loader cannot disagree. The JSON Schema is what YAML editors (VS Code with
the YAML extension, IntelliJ, Neovim with yaml-language-server) use to
validate and complete process files; it states the shape only, never the
cross-references, which ``kwflow check`` reports.
"""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

from ._models import (
    FIELD_MODELS,
    LANGUAGE_VERSION,
    Action,
    ActionOnlyAfter,
    Anchor,
    Artifact,
    ArtifactPresentOnEntry,
    CarryOver,
    Deadline,
    DeadlineVariant,
    EnumField,
    EnumValue,
    Escalation,
    FieldCondition,
    FieldReaders,
    FieldRef,
    Follows,
    FollowsOutcome,
    Guard,
    Invariant,
    Label,
    Notice,
    NoticeRepeat,
    OnlyActionsIn,
    OrganisationKind,
    OrganisationRequirement,
    OrganisationRule,
    Period,
    Personal,
    Phase,
    PhaseEnteredAtMostOnce,
    Process,
    Requirements,
    Retention,
    RetentionPeriod,
    Role,
    RoleNeverActsIn,
    RoleNeverEmpty,
    Suspension,
    field_type_name,
)

__all__ = [
    "DIALECT",
    "SCHEMA_ID",
    "process_json_schema",
    "reference_anchor",
    "reference_markdown",
]

SCHEMA_ID = f"urn:kwflow:process-file:{LANGUAGE_VERSION}"
"""The ``$id`` of the schema: names the language version, fetches nothing."""

# Draft 7, not 2020-12: the YAML language server behind most editors warns
# that it does not fully support 2020-12, and the schema needs nothing newer.
DIALECT = "http://json-schema.org/draft-07/schema#"


def process_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of a process file.

    Keys are the ones written in files (``from``, not ``from_``). Rules the
    models enforce in code are added where JSON Schema can say them (a label
    needs a language, a period exactly one unit), so an editor flags them too.
    """
    schema = Process.model_json_schema(
        by_alias=True, mode="validation", ref_template="#/definitions/{model}"
    )
    definitions: dict[str, Any] = schema.pop("$defs", {})
    _tighten(definitions)
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "kwflow process file",
        "description": (
            f"A case process for kwflow (process-file language version {LANGUAGE_VERSION}). "
            "Run 'kwflow check' for the checks a schema cannot express."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
        "definitions": definitions,
    }


def _tighten(defs: dict[str, Any]) -> None:
    def one_of_keys(name: str, keys: tuple[str, ...], *, exactly: bool) -> None:
        if name in defs:
            choices = [{"required": [key]} for key in keys]
            defs[name]["oneOf" if exactly else "anyOf"] = choices

    if "Label" in defs:
        defs["Label"]["minProperties"] = 1
    one_of_keys("Period", tuple(Period.model_fields), exactly=True)
    one_of_keys("Anchor", ("action", "field"), exactly=True)
    one_of_keys("Deadline", ("target", "limit"), exactly=False)
    one_of_keys("DeadlineVariant", ("target", "limit"), exactly=False)
    one_of_keys("Notice", ("before", "after", "at"), exactly=True)
    one_of_keys("Escalation", ("before", "after", "at"), exactly=True)
    one_of_keys(
        "FieldCondition", ("equals", "one_of", "present", "non_empty", "min_count"), exactly=True
    )


# ------------------------------------------------------------- reference

_FIELD_COMPANIONS: dict[type[BaseModel], tuple[tuple[str, type[BaseModel]], ...]] = {
    EnumField: (("Enum value", EnumValue),),
}
"""Models presented right after the field type that uses them."""

REFERENCE_SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Process (the top level)", Process),
    ("Organisation kind", OrganisationKind),
    ("Role", Role),
    ("Organisation rule (`organisation`)", OrganisationRule),
    ("Artifact", Artifact),
    ("Field readers (`read_fields`)", FieldReaders),
    *(
        section
        for model in FIELD_MODELS
        for section in (
            (f"Field: {field_type_name(model)}", model),
            *_FIELD_COMPANIONS.get(model, ()),
        )
    ),
    ("Personal data (`personal` of a field)", Personal),
    ("Phase", Phase),
    ("Suspension", Suspension),
    ("Action", Action),
    ("Requirements (`requires`)", Requirements),
    ("Organisation requirement", OrganisationRequirement),
    ("Field condition", FieldCondition),
    ("Guard", Guard),
    ("Deadline", Deadline),
    ("Deadline variant", DeadlineVariant),
    ("Reminder (`reminders`)", Notice),
    ("Escalation (`escalation`)", Escalation),
    ("Repeat (`repeat` of a reminder)", NoticeRepeat),
    ("Anchor", Anchor),
    ("Field reference", FieldRef),
    ("Period", Period),
    ("Retention (`retention`)", Retention),
    ("Retention period", RetentionPeriod),
    ("Invariant: action_only_after", ActionOnlyAfter),
    ("Invariant: role_never_acts_in", RoleNeverActsIn),
    ("Invariant: artifact_present_on_entry", ArtifactPresentOnEntry),
    ("Invariant: phase_entered_at_most_once", PhaseEnteredAtMostOnce),
    ("Invariant: follows_outcome", FollowsOutcome),
    ("Follow-up (`follows`)", Follows),
    ("Carry-over", CarryOver),
    ("Invariant: role_never_empty", RoleNeverEmpty),
    ("Invariant: only_actions_in", OnlyActionsIn),
    ("Label", Label),
)
"""Every model of the language, in the order the reference presents them."""


def reference_markdown() -> str:
    """The key-by-key reference of the language as Markdown tables.

    ``docs/process-format.md`` embeds this text; a test fails when the two
    differ, and ``kwflow schema --format markdown`` prints it afresh.
    """
    lines: list[str] = []
    for title, model in REFERENCE_SECTIONS:
        lines += [f"### {title}", ""]
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        if doc:
            lines += [doc, ""]
        lines += ["| key | type | required / default | meaning |", "|---|---|---|---|"]
        for name, info in model.model_fields.items():
            key = info.alias or name
            need = "required" if info.is_required() else f"default `{_default_text(info.default)}`"
            meaning = (info.description or "").replace("|", "\\|")
            kind = (
                "identifier"
                if any(getattr(m, "pattern", None) == _IDENTIFIER for m in info.metadata)
                else _type_text(info.annotation)
            )
            lines.append(f"| `{key}` | {kind} | {need} | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def _default_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple) and not value:
        return "[]"
    if isinstance(value, BaseModel):
        return "{}"
    return str(value)


_IDENTIFIER = r"^[a-z][a-z0-9_]*$"


def _type_text(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        metadata = [m for a in args[1:] for m in (a, *getattr(a, "metadata", ()))]
        if any(getattr(m, "pattern", None) == _IDENTIFIER for m in metadata):
            return "identifier"
        return _type_text(args[0])
    if origin is tuple:
        return f"list of {_type_text(args[0])}"
    if origin is dict:
        return f"mapping of identifier to {_type_text(args[1])}"
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return _type_text(members[0])
        if all(isinstance(m, type) and m.__name__.endswith("Field") for m in members):
            return "field"
        if set(members) == set(typing.get_args(typing.get_args(Invariant)[0])):
            return "invariant"
        if str in members:
            return "value (text, whole number, true/false, date or datetime)"
        texts = list(dict.fromkeys(_type_text(m) for m in members))
        return " or ".join(texts)
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return " \\| ".join(f"`{m.value}`" for m in annotation)
        if issubclass(annotation, BaseModel):
            names = {
                "Label": "label",
                "Requirements": "requirements",
                "Anchor": "anchor",
                "FieldRef": "field reference",
                "Period": "period",
                "EnumValue": "enum value",
                "FieldCondition": "field condition",
                "OrganisationKind": "organisation kind",
                "OrganisationRule": "organisation rule",
                "OrganisationRequirement": "organisation requirement",
            }
            if annotation.__name__.endswith("Field"):
                return "field"
            return names.get(annotation.__name__, annotation.__name__.lower())
        return {
            "str": "text",
            "int": "whole number",
            "bool": "true/false",
            "date": "date",
            "datetime": "datetime",
        }.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def reference_anchor(model: type[BaseModel]) -> str | None:
    """Where ``model`` is described: ``process-format.md#period``, or ``None``.

    The anchor is the one MkDocs gives the model's heading in the generated
    reference (lower case, punctuation dropped, spaces as hyphens).
    """
    for title, section_model in REFERENCE_SECTIONS:
        if section_model is model:
            slug = re.sub(r"[^\w\s-]", "", title.lower()).strip()
            return "process-format.md#" + re.sub(r"[\s]+", "-", slug)
    return None
