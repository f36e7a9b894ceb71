"""HTML forms made from a process file's artifact fields, and their data back.

Every field a process declares becomes an input by its type (text, bool,
int, date, datetime, money, enum, person, list of records); each input is
named by the field's path as kwflow names it in a `FieldError`
(``bottom_lines[0].condition``), so kwflow's own field errors land next to
their inputs. The form converts only what HTML cannot say (a checkbox-less
yes/no, a local date and time, a whole number); anything it cannot convert
goes to kwflow as typed, and kwflow's refusal names the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kwflow.definition import (
    BoolField,
    DateField,
    DateTimeField,
    EnumField,
    IntField,
    ListField,
    PersonField,
    TextField,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.http import QueryDict

    from kwflow.definition import Artifact, ArtifactField

# Text longer than this is a textarea rather than one line.
_ONE_LINE = 300
# Blank record rows shown under a list's filled ones, for adding records.
_BLANK_ROWS = 1


@dataclass
class Input:
    """One input of a generated form, ready for the template."""

    name: str  # the field's path, as kwflow's FieldError.path says it
    label: str
    widget: str  # text, textarea, select, number, date, datetime, money
    value: str = ""
    required: bool = True
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: list[list[Input]] = field(default_factory=list)  # a list field's records


def _text(label: Any, lang: str) -> str:
    return "" if label is None else str(label.text(lang))


def form_inputs(
    artifact: Artifact,
    *,
    lang: str,
    timezone: str,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    people: Sequence[tuple[str, str, tuple[str, ...]]],
) -> list[Input]:
    """The inputs of ``artifact``'s form.

    ``values`` are the current values by path (a stored version's data, or
    what the user posted), ``errors`` kwflow's field errors by path in the
    user's language, ``people`` the case's (person id, name, roles).
    """
    return [
        _input(
            spec,
            spec.id,
            lang=lang,
            timezone=timezone,
            value=values.get(spec.id),
            errors=errors,
            people=people,
        )
        for spec in artifact.fields
    ]


def _input(
    spec: ArtifactField,
    path: str,
    *,
    lang: str,
    timezone: str,
    value: Any,
    errors: Mapping[str, list[str]],
    people: Sequence[tuple[str, str, tuple[str, ...]]],
) -> Input:
    made = Input(
        name=path,
        label=_text(spec.label, lang),
        widget="text",
        required=spec.required,
        help=_text(spec.description, lang),
        errors=list(errors.get(path, [])),
    )
    if isinstance(spec, ListField):
        records = value if isinstance(value, list | tuple) else []
        for index in range(len(records) + _BLANK_ROWS):
            record = records[index] if index < len(records) else {}
            record = record if isinstance(record, Mapping) else {}
            made.rows.append(
                [
                    _input(
                        sub,
                        f"{path}[{index}].{sub.id}",
                        lang=lang,
                        timezone=timezone,
                        value=record.get(sub.id),
                        errors=errors,
                        people=people,
                    )
                    for sub in spec.fields
                ]
            )
        made.widget = "list"
        # Errors about a record as a whole (a missing field of row 2) show at the list.
        made.errors += [
            message
            for error_path, messages in errors.items()
            if error_path.startswith(f"{path}[") and error_path.count(".") == path.count(".")
            for message in messages
        ]
        return made
    made.value = _shown(spec, value, timezone)
    if isinstance(spec, BoolField):
        made.widget = "select"
        made.choices = [("true", _YES[lang]), ("false", _NO[lang])]
    elif isinstance(spec, EnumField):
        made.widget = "select"
        made.choices = [(choice.id, _text(choice.label, lang)) for choice in spec.values]
    elif isinstance(spec, PersonField):
        made.widget = "select"
        made.choices = [
            (person, name)
            for person, name, roles in people
            if not spec.roles or set(spec.roles) & set(roles)
        ]
    elif isinstance(spec, IntField):
        made.widget = "number"
    elif isinstance(spec, DateField):
        made.widget = "date"
    elif isinstance(spec, DateTimeField):
        made.widget = "datetime"
    elif isinstance(spec, TextField):
        made.widget = "text" if spec.max_length and spec.max_length <= _ONE_LINE else "textarea"
    else:  # money, and any type added later: text kwflow parses
        made.widget = "text"
    return made


_YES = {"cs": "ano", "en": "yes"}
_NO = {"cs": "ne", "en": "no"}


def _shown(spec: ArtifactField, value: Any, timezone: str) -> str:
    """A stored (JSON) value as the input shows it."""
    if value is None:
        return ""
    if isinstance(spec, BoolField):
        return "true" if value is True else "false" if value is False else str(value)
    if isinstance(spec, DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:  # what the user typed, posted back unchanged
            return value
        return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")
    return str(value)


def posted_values(artifact: Artifact, post: QueryDict) -> dict[str, Any]:
    """What the user typed, by field, as lists of records where the field is a list."""
    values: dict[str, Any] = {}
    for spec in artifact.fields:
        values[spec.id] = _posted(spec, spec.id, post)
    return values


def _posted(spec: ArtifactField, path: str, post: QueryDict) -> Any:
    if not isinstance(spec, ListField):
        return post.get(path, "")
    records = []
    index = 0
    while any(f"{path}[{index}].{sub.id}" in post for sub in spec.fields):
        records.append(
            {sub.id: _posted(sub, f"{path}[{index}].{sub.id}", post) for sub in spec.fields}
        )
        index += 1
    return records


def document_data(artifact: Artifact, values: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """The data to submit from ``posted_values``: empty inputs left out, blank records dropped."""
    data: dict[str, Any] = {}
    for spec in artifact.fields:
        converted = _converted(spec, values.get(spec.id), timezone)
        if converted is not None:
            data[spec.id] = converted
    return data


def _converted(spec: ArtifactField, value: Any, timezone: str) -> Any:
    if isinstance(spec, ListField):
        records = []
        for record in value or []:
            kept = {
                sub.id: converted
                for sub in spec.fields
                if (converted := _converted(sub, record.get(sub.id), timezone)) is not None
            }
            if kept:
                records.append(kept)
        # No record typed: an empty list where the field is required (kwflow
        # checks min_items), else the field is left out.
        return records if records or spec.required else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(spec, BoolField):
        return {"true": True, "false": False}.get(value, value)
    if isinstance(spec, IntField):
        try:
            return int(value)
        except ValueError:
            return value
    if isinstance(spec, DateTimeField):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:  # a datetime-local input: the process's time zone
            moment = moment.replace(tzinfo=ZoneInfo(timezone))
        return moment
    return value


def errors_by_path(errors: Sequence[Any], lang: str) -> dict[str, list[str]]:
    """kwflow's `FieldError`s by path, each rendered in ``lang``."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(error.path, []).append(error.render(lang))
    return found
