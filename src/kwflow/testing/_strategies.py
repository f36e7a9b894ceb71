"""Hypothesis strategies for the data of a case: people, assignments, artifact data.

Everything is drawn from the process definition, so the strategies work for
any process file. Valid data is valid by construction (never filtered), and
every invalid example says why it is invalid, so a test can check the
engine's error names the right field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from kwflow.definition import (
    Artifact,
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
from kwflow.exceptions import InvalidValue

from ._conditions import normalize_constant, process_conditions

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kwflow.definition import ArtifactField, Process

__all__ = [
    "FIELD_STRATEGIES",
    "FieldStrategies",
    "InvalidArtifactData",
    "artifact_data",
    "assignments",
    "fillable",
    "invalid_artifact_data",
    "people",
]

PEOPLE = ("jana", "petr", "eva", "tomas", "marie", "jan", "lucie", "pavel", "olga", "karel")
"""A small pool of person ids: small on purpose, so one person often gets two roles."""

Participants = Mapping[str, Collection[str]]
"""Person id -> the roles they hold in the case."""

_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_TIMEZONES = st.sampled_from((UTC, ZoneInfo("Europe/Prague"), ZoneInfo("America/New_York")))


def people() -> st.SearchStrategy[str]:
    """Person ids as a host might use them: mostly from a small pool of names, sometimes odd.

    The pool is small so that the same person turns up in several roles,
    which is where exclusivity and presence rules bite.
    """
    return st.sampled_from(PEOPLE) | st.from_regex(
        r"[a-z][a-z0-9._-]{0,15}(@[a-z]{2,8}\.cz)?", fullmatch=True
    )


def _people(participants: Participants) -> str:
    """The people given, as text for an error (their ids, sorted)."""
    return ", ".join(sorted(participants)) or "-"


def _artifact(process: Process, artifact: Artifact | str) -> Artifact:
    if isinstance(artifact, Artifact):
        return artifact
    found = process.artifact(artifact)
    if found is None:
        raise InvalidValue("artifact", "process-artifact", repr(artifact))
    return found


@st.composite
def _assignments(
    draw: st.DrawFn, process: Process, who: st.SearchStrategy[str], complete: bool
) -> dict[str, tuple[str, ...]]:
    chosen: dict[str, list[str]] = {}
    exclusive: dict[str, set[str]] = {r.id: set(r.exclusive_with) for r in process.roles}
    for role in process.roles:
        for other in role.exclusive_with:
            exclusive.setdefault(other, set()).add(role.id)
    held: dict[str, set[str]] = {}
    for role in process.roles:
        least = max(role.min, 1) if complete else 0
        most = role.max if role.max is not None else max(least, 3)
        if role.id == process.opener:
            least = max(least, 1)
        count = draw(st.integers(min(least, most), max(least, min(most, least + 2))))
        picked = draw(st.lists(who, min_size=count, max_size=count, unique=True))
        final: list[str] = []
        for candidate in picked:
            person = candidate
            # Someone who holds an exclusive role gets a fresh id instead.
            while held.get(person, set()) & exclusive.get(role.id, set()) or person in final:
                person = f"{person}-{role.id}"
            final.append(person)
            held.setdefault(person, set()).add(role.id)
        chosen[role.id] = final
    return {role: tuple(persons) for role, persons in chosen.items()}


def assignments(
    process: Process, *, who: st.SearchStrategy[str] | None = None, complete: bool = True
) -> st.SearchStrategy[dict[str, tuple[str, ...]]]:
    """Who holds which role in a case: role id -> person ids, within every rule of the process.

    Each role gets between its ``min`` and ``max`` holders (with
    ``complete=True``, at least one, so that every ``requires.roles``
    holds); the opener role is never empty; nobody holds two roles that are
    exclusive with each other. People are drawn from ``who`` (default:
    :func:`people`), so one person may hold several compatible roles.
    """
    return _assignments(process, who if who is not None else people(), complete)


# ---------------------------------------------------------------- valid data


def _holders(participants: Participants | None, roles: Collection[str]) -> list[str]:
    if participants is None:
        return []
    return sorted(p for p, held in participants.items() if not roles or set(held) & set(roles))


def fillable(process: Process, artifact: Artifact | str, participants: Participants) -> bool:
    """Whether valid data for ``artifact`` can name people from ``participants``.

    False when a required person field (or a person field of a required list
    with ``min_items``) needs a role nobody in the case holds.
    """
    return _fillable_fields(_artifact(process, artifact).fields, participants)


def _fillable_fields(fields: Sequence[ArtifactField], participants: Participants | None) -> bool:
    """Whether a record of ``fields`` can be filled in naming only ``participants``."""
    for field in fields:
        if not field.required:
            continue
        if isinstance(field, PersonField) and not _holders(participants, field.roles):
            return False
        if (
            isinstance(field, ListField)
            and field.min_items
            and not _fillable_fields(field.fields, participants)
        ):
            return False
    return True


def _constants(process: Process, artifact: Artifact) -> dict[str, list[Any]]:
    """Per field, the values the process's conditions compare it with."""
    found: dict[str, list[Any]] = {}
    for condition in process_conditions(process).get(artifact.id, []):
        field = artifact.field_at(condition.field)
        values = (condition.equals,) if condition.equals is not None else condition.one_of or ()
        for value in values:
            constant = normalize_constant(field, value)
            if condition.list_field is not None:
                # A list's constants are its items' (item field, value) pairs.
                pair = _ItemConstant(condition.item_field or "", constant)
                found.setdefault(condition.list_field, []).append(pair)
            else:
                found.setdefault(condition.field, []).append(constant)
    return found


@attrs.frozen
class _ItemConstant:
    """A value a condition compares a field of a list's items with."""

    field: str
    value: Any


def _int_bounds(low: int | None, high: int | None) -> tuple[int, int]:
    low = low if low is not None else (-1000 if high is None else high - 1000)
    high = high if high is not None else low + 2000
    return low, high


def _value(
    field: ArtifactField, participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    """A strategy for one valid value of ``field`` (never None)."""
    return FIELD_STRATEGIES[field].valid(field, participants, constants)


def _with_constants(strategy: st.SearchStrategy[Any], fitting: list[Any]) -> st.SearchStrategy[Any]:
    if fitting:
        # Values the conditions name are drawn often, so requirements get met.
        return st.sampled_from(fitting) | strategy
    return strategy


def _valid_text(
    field: TextField, _participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    size = min(field.max_length or 40, 40)
    # Never only white space: the engine refuses blank required text.
    strategy = st.text(_CHARACTERS, min_size=1, max_size=size).filter(str.strip)
    fitting = [c for c in constants if isinstance(c, str) and len(c) <= size and c.strip()]
    return _with_constants(strategy, fitting)


def _valid_bool(
    _field: BoolField, _participants: Participants | None, _constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    return st.booleans()


def _valid_int(
    field: IntField, _participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    low, high = _int_bounds(field.min, field.max)
    fitting = [
        c for c in constants if isinstance(c, int) and not isinstance(c, bool) and low <= c <= high
    ]
    return _with_constants(st.integers(low, high), fitting)


def _valid_money(
    _field: MoneyField, _participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    fitting = [c for c in constants if isinstance(c, int) and not isinstance(c, bool)]
    return _with_constants(st.integers(0, 1_000_000), fitting)


def _valid_date(
    _field: DateField, _participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    fitting = [c for c in constants if isinstance(c, date) and not isinstance(c, datetime)]
    return _with_constants(st.dates(date(2020, 1, 1), date(2030, 12, 31)), fitting)


def _valid_datetime(
    _field: DateTimeField, _participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    # hypothesis takes naive bounds and attaches the drawn timezone.
    strategy = st.datetimes(
        datetime(2020, 1, 1),  # noqa: DTZ001
        datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=_TIMEZONES,
    )
    return _with_constants(strategy, [c for c in constants if isinstance(c, datetime)])


def _valid_enum(
    field: EnumField, _participants: Participants | None, _constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    return st.sampled_from([v.id for v in field.values])


def _valid_person(
    field: PersonField, participants: Participants | None, _constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    if participants is None:
        return people()
    holders = _holders(participants, field.roles)
    if not holders:
        return st.nothing()
    return st.sampled_from(holders)


def _valid_list(
    field: ListField, participants: Participants | None, constants: Sequence[Any]
) -> st.SearchStrategy[Any]:
    if participants is not None and not _fillable_fields(field.fields, participants):
        # No record can name someone a required person field needs: only the
        # empty list is valid (or nothing is, when the list needs items).
        return st.just([]) if not field.min_items else st.nothing()
    per_item: dict[str, list[Any]] = {}
    for constant in constants:
        if isinstance(constant, _ItemConstant):
            per_item.setdefault(constant.field, []).append(constant.value)
    return st.lists(
        _record(field.fields, participants, per_item),
        min_size=field.min_items,
        max_size=field.min_items + 3,
    )


def _record(
    fields: Sequence[ArtifactField],
    participants: Participants | None,
    constants: Mapping[str, Sequence[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    required = {
        f.id: _value(f, participants, constants.get(f.id, ())) for f in fields if f.required
    }
    optional = {
        f.id: _value(f, participants, constants.get(f.id, ())) for f in fields if not f.required
    }
    return st.fixed_dictionaries(required, optional=optional)


def artifact_data(
    process: Process,
    artifact: Artifact | str,
    *,
    participants: Participants | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Data that is valid for ``artifact``: every required field, some optional ones.

    Person fields name someone from ``participants`` (person id -> the roles
    they hold; a field's ``roles`` are respected); without participants they
    name arbitrary :func:`people`, which fits the schema but may not fit a
    case. Values the process's field conditions compare with are drawn
    often, so actions that require them become possible. Raises
    `InvalidValue` (a ``ValueError``) when no participant can fill a
    required person field.
    """
    found = _artifact(process, artifact)
    if participants is not None and not fillable(process, found, participants):
        raise InvalidValue("participants", "fills-person-fields", _people(participants))
    return _record(found.fields, participants, _constants(process, found))


# -------------------------------------------------------------- invalid data


@attrs.frozen
class InvalidArtifactData:
    """Artifact data that is invalid, and why: ``field`` is the path of what is wrong."""

    data: dict[str, Any]
    reason: str
    field: str


def _wrong_values(field: ArtifactField) -> list[tuple[Any, str]]:
    """Values of the wrong kind for ``field``, whatever a lenient validator coerces."""
    # Numbers and booleans are avoided for text and dates: validators turn
    # some of them into text or timestamps. Lists and odd strings never fit.
    return FIELD_STRATEGIES[field].wrong(field)


def _wrong_text(field: TextField) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = [(["a", "list"], "not text"), ({"a": 1}, "not text")]
    if field.max_length is not None:
        found.append(("x" * (field.max_length + 1), "longer than max_length"))
    if field.required:
        found.append((" \t", "blank"))
    return found


def _wrong_bool(_field: BoolField) -> list[tuple[Any, str]]:
    return [("perhaps", "not true or false"), ([True], "not true or false")]


def _wrong_number(_field: ArtifactField) -> list[tuple[Any, str]]:
    return [("twelve", "not a whole number"), (1.5, "not a whole number")]


def _wrong_int(field: IntField) -> list[tuple[Any, str]]:
    found = _wrong_number(field)
    if field.min is not None:
        found.append((field.min - 1, "below min"))
    if field.max is not None:
        found.append((field.max + 1, "above max"))
    return found


def _wrong_date(_field: DateField) -> list[tuple[Any, str]]:
    return [("not a date", "not a date"), ("2026-02-30", "not a date"), ([2026], "not a date")]


def _wrong_datetime(_field: DateTimeField) -> list[tuple[Any, str]]:
    return [("yesterday", "not a date and time"), ([2026], "not a date and time")]


def _wrong_enum(field: EnumField) -> list[tuple[Any, str]]:
    taken = {v.id for v in field.values}
    other = "not_a_value"
    while other in taken:
        other += "_"
    return [(other, "not one of the values"), (["list"], "not one of the values")]


def _wrong_person(_field: PersonField) -> list[tuple[Any, str]]:
    return [(["jana"], "not a person id"), ({"id": "jana"}, "not a person id")]


def _wrong_list(_field: ListField) -> list[tuple[Any, str]]:
    return [("not a list", "not a list of records"), ([["nested"]], "a record is not a mapping")]


@attrs.frozen
class FieldStrategies:
    """How the strategies draw values of one field type.

    ``valid(field, participants, constants)`` is a strategy for valid values
    (never None; ``constants`` are values the process's conditions compare the
    field with); ``wrong(field)`` lists values of the wrong kind, each with
    the reason it is wrong.
    """

    valid: Callable[[Any, Participants | None, Sequence[Any]], st.SearchStrategy[Any]]
    wrong: Callable[[Any], list[tuple[Any, str]]]


FIELD_STRATEGIES: FieldTypeTable[FieldStrategies] = FieldTypeTable(
    "artifact data strategies",
    {
        TextField: FieldStrategies(_valid_text, _wrong_text),
        BoolField: FieldStrategies(_valid_bool, _wrong_bool),
        IntField: FieldStrategies(_valid_int, _wrong_int),
        DateField: FieldStrategies(_valid_date, _wrong_date),
        DateTimeField: FieldStrategies(_valid_datetime, _wrong_datetime),
        MoneyField: FieldStrategies(_valid_money, _wrong_number),
        EnumField: FieldStrategies(_valid_enum, _wrong_enum),
        PersonField: FieldStrategies(_valid_person, _wrong_person),
        ListField: FieldStrategies(_valid_list, _wrong_list),
    },
)
"""Per field type, valid and wrong values for the artifact data strategies."""


@st.composite
def _invalid(
    draw: st.DrawFn, artifact: Artifact, participants: Participants | None
) -> InvalidArtifactData:
    base: dict[str, Any] = draw(_record(artifact.fields, participants, {}))
    ways: list[tuple[str, Any]] = []  # (kind, detail)
    required = [f for f in artifact.fields if f.required]
    ways += [("missing", f) for f in required]
    ways.append(("unknown", None))
    ways += [("wrong", f) for f in artifact.fields]
    lists = [f for f in artifact.fields if isinstance(f, ListField) and f.min_items > 0]
    ways += [("too_few", f) for f in lists]
    nested = [
        (f, inner)
        for f in artifact.fields
        if isinstance(f, ListField)
        for inner in f.fields
        if inner.required
    ]
    ways += [("nested_missing", pair) for pair in nested]
    if participants is not None:
        ways += [("outsider", f) for f in artifact.fields if isinstance(f, PersonField)]
    kind, detail = draw(st.sampled_from(ways))
    data = dict(base)
    if kind == "missing":
        data.pop(detail.id, None)
        return InvalidArtifactData(data, f"the required field {detail.id!r} is missing", detail.id)
    if kind == "unknown":
        name = draw(st.sampled_from(("note", "extra", "zzz_unknown")))
        while artifact.field(name) is not None:
            name += "_x"
        data[name] = "?"
        return InvalidArtifactData(data, f"the artifact has no field {name!r}", name)
    if kind == "wrong":
        value, why = draw(st.sampled_from(_wrong_values(detail)))
        data[detail.id] = value
        return InvalidArtifactData(data, f"{detail.id!r}: {why}", detail.id)
    if kind == "too_few":
        data[detail.id] = list(data.get(detail.id, []))[: detail.min_items - 1]
        return InvalidArtifactData(
            data, f"{detail.id!r} has fewer than {detail.min_items} records", detail.id
        )
    if kind == "nested_missing":
        outer, inner = detail
        records = list(data.get(outer.id) or [])
        if not records:
            records = [draw(_record(outer.fields, participants, {}))]
        first = dict(records[0])
        first.pop(inner.id, None)
        data[outer.id] = [first, *records[1:]]
        return InvalidArtifactData(
            data,
            f"a record of {outer.id!r} lacks its required field {inner.id!r}",
            f"{outer.id}[0].{inner.id}",
        )
    # an outsider: someone who takes no part in the case
    assert participants is not None
    outsider = "outsider"
    while outsider in participants:
        outsider += "_"
    data[detail.id] = outsider
    return InvalidArtifactData(data, f"{outsider!r} takes no part in the case", detail.id)


def invalid_artifact_data(
    process: Process,
    artifact: Artifact | str,
    *,
    participants: Participants | None = None,
) -> st.SearchStrategy[InvalidArtifactData]:
    """Data that is invalid for ``artifact`` for exactly one known reason.

    Each example starts from valid data and breaks one thing: a required
    field left out (also inside a list's record), a field the artifact does
    not have, a value of the wrong kind, out of bounds or too long, a list
    with too few records, or (given ``participants``) a person who takes no
    part in the case. ``reason`` says which, ``field`` where.
    """
    found = _artifact(process, artifact)
    if participants is not None and not fillable(process, found, participants):
        raise InvalidValue("participants", "fills-person-fields", _people(participants))
    return _invalid(found, participants)
