"""Artifact schemas: one pydantic model per artifact, built once per process.

A schema validates submitted data strictly (text is text, a number is not a
flag, a naive moment is refused) and returns the data's JSON form, the form
that is recorded in the event, hashed and kept in the case:

- ``date``: ``"2026-10-27"`` (a `datetime.date` or that text);
- ``datetime``: UTC ISO-8601 text (an aware `datetime.datetime` or ISO text
  with an offset);
- ``money``: a decimal string with two places, ``"1000.00"`` (a
  `decimal.Decimal`, an int, or decimal text; never a float, which cannot
  hold 0.10 exactly);
- ``list``: a list of records, each validated like an artifact.

Optional fields left out (or given as ``None``) are absent from the JSON
form. A required text field must not be blank (empty or only white space).
Every field error is reported at once, each with its path
(``items[2].owner``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import attrs
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

from kwflow.definition import (
    BoolField,
    DateField,
    DateTimeField,
    EnumField,
    FieldTypeTable,
    IntField,
    ListField,
    MoneyField,
    PersonField,
    TextField,
)
from kwflow.exceptions import ArtifactInvalid
from kwflow.exceptions import FieldError as FieldProblem
from kwflow.history import FrozenMap, freeze

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from kwflow.definition import Artifact, ArtifactField

    from ._records import Case

__all__ = ["FIELD_VALIDATION", "ArtifactSchema", "compile_artifact", "json_scalar"]

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")

# kwflow's code for each error type of pydantic (and of the validators
# below), so a person reads kwflow's words, never pydantic's: a type missing
# here is "field.invalid" ("the value is not valid"). The facts a code's
# words need are read from the error's context by `_field_params`.
_CODES = {
    "missing": "field.missing",
    "extra_forbidden": "field.unknown",
    "string_type": "field.not-text",
    "bool_type": "field.not-bool",
    "int_type": "field.not-integer",
    "int_from_float": "field.not-integer",
    "int_parsing": "field.not-integer",
    "model_type": "field.not-object",
    "model_attributes_type": "field.not-object",
    "dict_type": "field.not-object",
    "list_type": "field.not-list",
    "string_too_long": "field.too-long",
    "string_too_short": "field.empty",
    "too_short": "field.too-few",
    "greater_than_equal": "field.too-small",
    "less_than_equal": "field.too-large",
    "enum_value": "field.not-allowed-value",
    "date_type": "field.not-date",
    "date_with_time": "field.date-with-time",
    "datetime_type": "field.not-datetime",
    "datetime_naive": "field.naive-datetime",
    "money_type": "field.not-money",
    "money_too_large": "field.money-too-large",
    "money_precision": "field.money-precision",
    "blank_text": "field.blank",
}

# The context entry of a pydantic error that holds each fact of kwflow's words.
_CONTEXT = {"max": ("max_length", "le"), "min": ("min_length", "ge"), "allowed": ("allowed",)}


def _field_params(code: str, context: Mapping[str, Any]) -> dict[str, str]:
    """The facts ``code`` is worded from, read from a pydantic error's context."""
    wanted = {
        "field.too-long": ("max",),
        "field.too-large": ("max",),
        "field.too-few": ("min",),
        "field.too-small": ("min",),
        "field.not-allowed-value": ("allowed",),
    }.get(code, ())
    params: dict[str, str] = {}
    for fact in wanted:
        for key in _CONTEXT[fact]:
            if key in context:
                params[fact] = str(context[key])
                break
    return params


def _date_value(value: Any) -> str:
    if isinstance(value, datetime):
        raise PydanticCustomError("date_with_time", "expected a date without a time of day")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise PydanticCustomError("date_type", "expected a date such as 2026-10-27")


def _datetime_value(value: Any) -> str:
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if not isinstance(moment, datetime):
        raise PydanticCustomError(
            "datetime_type", "expected a date and time such as 2026-10-27T09:00:00+01:00"
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError(
            "datetime_naive", "the date and time needs a timezone (an offset such as +01:00)"
        )
    return json_datetime(moment)


def _amount(value: Any) -> Decimal | None:
    """The amount ``value`` stands for, or ``None`` if it is not one."""
    if isinstance(value, bool | float):
        return None
    if isinstance(value, int | str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return None
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def _money_value(value: Any) -> str:
    amount = _amount(value)
    if amount is None:
        raise PydanticCustomError(
            "money_type",
            "expected an amount as a Decimal, a whole number or text such as '1000.50' "
            "(not a float, which cannot hold every amount exactly)",
        )
    try:
        rounded = amount.quantize(_CENT)
    except InvalidOperation:
        raise PydanticCustomError("money_too_large", "the amount is too large") from None
    if rounded != amount:
        raise PydanticCustomError("money_precision", "an amount has at most two decimal places")
    # Zero is written one way only, whatever its sign or exponent.
    return str(rounded or _ZERO)


def _listify(value: Any) -> Any:
    # Records may come as a tuple (a frozen case's data resubmitted); a
    # string or a mapping is never a list of records.
    return list(value) if isinstance(value, tuple) else value


def json_datetime(moment: datetime) -> str:
    """An aware moment as the UTC ISO-8601 text kept in artifact data."""
    return moment.astimezone(UTC).isoformat()


def json_scalar(value: Any) -> Any:
    """A condition's value in the JSON form artifact data is kept in."""
    if isinstance(value, datetime):
        return json_datetime(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _not_blank(text: str) -> str:
    # A required text of only white space names nobody and says nothing: a
    # plan item "owned" by " " has no owner, so it is as missing as no text.
    if not text.strip():
        raise PydanticCustomError("blank_text", "must not be blank")
    return text


def _annotation(field: ArtifactField, name: str) -> Any:
    """The pydantic annotation that validates a value of ``field`` (``name``: the model's)."""
    return FIELD_VALIDATION[field](field, name)


def _text(field: TextField, _name: str) -> Any:
    text = Annotated[str, Strict(), Field(max_length=field.max_length)]
    return Annotated[text, AfterValidator(_not_blank)] if field.required else text


def _bool(_field: BoolField, _name: str) -> Any:
    return Annotated[bool, Strict()]


def _int(field: IntField, _name: str) -> Any:
    return Annotated[int, Strict(), Field(ge=field.min, le=field.max)]


def _date(_field: DateField, _name: str) -> Any:
    return Annotated[str, PlainValidator(_date_value)]


def _datetime(_field: DateTimeField, _name: str) -> Any:
    return Annotated[str, PlainValidator(_datetime_value)]


def _money(_field: MoneyField, _name: str) -> Any:
    return Annotated[str, PlainValidator(_money_value)]


def _enum(field: EnumField, _name: str) -> Any:
    allowed = tuple(v.id for v in field.values)
    listed = ", ".join(repr(v) for v in allowed)

    def one_of(value: Any) -> str:
        # Exact text only, as a Literal would: the number 1 is not the value "1".
        if isinstance(value, str) and value in allowed:
            return value
        raise PydanticCustomError("enum_value", "must be one of {allowed}", {"allowed": listed})

    return Annotated[str, PlainValidator(one_of)]


def _person(_field: PersonField, _name: str) -> Any:
    return Annotated[str, Strict(), Field(min_length=1)]


def _list(field: ListField, name: str) -> Any:
    record = _model(f"{name}_{field.id}", field.fields)
    return Annotated[
        list[record],  # type: ignore[valid-type]
        BeforeValidator(_listify),
        Field(min_length=field.min_items or None),
    ]


FIELD_VALIDATION: FieldTypeTable[Callable[[Any, str], Any]] = FieldTypeTable(
    "validation of submitted data",
    {
        TextField: _text,
        BoolField: _bool,
        IntField: _int,
        DateField: _date,
        DateTimeField: _datetime,
        MoneyField: _money,
        EnumField: _enum,
        PersonField: _person,
        ListField: _list,
    },
)
"""Per field type, the pydantic annotation that validates its values (the field, the model's
name for nested records)."""


def _model(name: str, fields: tuple[ArtifactField, ...]) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for field in fields:
        annotation = _annotation(field, name)
        # Field ids may be words pydantic reserves ("json", "copy", "schema"),
        # so the model's attribute names are prefixed and the id is the alias.
        if field.required:
            definitions[f"f_{field.id}"] = (annotation, Field(alias=field.id))
        else:
            definitions[f"f_{field.id}"] = (annotation | None, Field(default=None, alias=field.id))
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False),
        **definitions,
    )


@attrs.frozen
class _PersonPath:
    """Where a person field sits in the data (``"*"`` steps into a list) and its roles."""

    path: tuple[str, ...]
    roles: frozenset[str]


def _person_paths(
    fields: tuple[ArtifactField, ...], prefix: tuple[str, ...]
) -> Iterator[_PersonPath]:
    for field in fields:
        if isinstance(field, PersonField):
            yield _PersonPath((*prefix, field.id), frozenset(field.roles))
        elif isinstance(field, ListField):
            yield from _person_paths(field.fields, (*prefix, field.id, "*"))


def _format_path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@attrs.frozen
class ArtifactSchema:
    """An artifact compiled for the engine: its validator, writers and readers."""

    artifact: Artifact
    model: type[BaseModel]
    writers: frozenset[str]
    readers: frozenset[str]
    person_paths: tuple[_PersonPath, ...]
    field_readers: FrozenMap[str, frozenset[str]]
    """Role -> the fields it may read, for roles that read only some (``read_fields``)."""

    @property
    def id(self) -> str:
        """The artifact's id."""
        return self.artifact.id

    def validate(self, data: object) -> FrozenMap[str, Any]:
        """The JSON form of ``data``, frozen; raises `ArtifactInvalid` listing every error."""
        if not isinstance(data, dict | FrozenMap):
            try:
                data = dict(data)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                raise ArtifactInvalid(
                    self.artifact.id, [FieldProblem.of("", "field.not-object")]
                ) from None
        try:
            instance = self.model.model_validate(data)
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False, include_context=True):
                code = _CODES.get(error["type"], "field.invalid")
                params = _field_params(code, error.get("ctx") or {})
                problems.append(FieldProblem.of(_format_path(tuple(error["loc"])), code, **params))
            raise ArtifactInvalid(self.artifact.id, problems) from None
        dumped = instance.model_dump(by_alias=True, exclude_none=True)
        return freeze(dumped)  # type: ignore[no-any-return]

    def people_problems(self, data: Mapping[str, Any], case: Case) -> list[FieldProblem]:
        """Person fields naming someone who is not taking part (in the roles asked for)."""
        problems: list[FieldProblem] = []
        for person_path in self.person_paths:
            for where, person in _values_at(data, person_path.path, ""):
                roles = case.participants.get(person)
                if roles is None:
                    problems.append(FieldProblem.of(where, "field.not-participant", person=person))
                elif person_path.roles and person_path.roles.isdisjoint(roles):
                    wanted = ", ".join(sorted(person_path.roles))
                    problems.append(
                        FieldProblem.of(where, "field.lacks-role", person=person, roles=wanted)
                    )
        return problems


def _values_at(data: Any, path: tuple[str, ...], where: str) -> Iterator[tuple[str, Any]]:
    if not path:
        if data is not None:
            yield where, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for index, item in enumerate(data or ()):
            yield from _values_at(item, rest, f"{where}[{index}]")
        return
    if isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest, f"{where}.{head}" if where else head)


def compile_artifact(artifact: Artifact, process_id: str) -> ArtifactSchema:
    """Build the schema of one artifact of a process."""
    model = _model(f"{process_id}__{artifact.id}", artifact.fields)
    return ArtifactSchema(
        artifact=artifact,
        model=model,
        writers=frozenset(artifact.write),
        readers=frozenset(artifact.read) | frozenset(artifact.write),
        person_paths=tuple(_person_paths(artifact.fields, ())),
        field_readers=FrozenMap(
            {readers.role: frozenset(readers.fields) for readers in artifact.read_fields}
        ),
    )
