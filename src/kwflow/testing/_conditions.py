"""Field conditions, and the few kinds of artifact version they tell apart.

An action's ``requires.fields`` look at the latest version of an artifact.
For the explorer what matters about a version is only which of the
conditions of the whole process on that artifact hold: a *class* of
versions. This module finds every class a writer can produce, each with a
representative version (real values; people as :class:`PersonSlot`
placeholders), by trying a few well-chosen values per field: the constants
the conditions mention, one value that is none of them, no value for an
optional field, and list lengths around every ``min_count``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.definition import (
    BoolField,
    DateField,
    DateTimeField,
    EnumField,
    FieldCondition,
    FieldTypeTable,
    IntField,
    ListField,
    MoneyField,
    PersonField,
    TextField,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kwflow.definition import Artifact, ArtifactField, Process

__all__ = [
    "FIELD_VALUES",
    "ArtifactClass",
    "ArtifactClasses",
    "FieldValues",
    "PersonSlot",
    "artifact_classes",
    "concrete",
    "condition_holds",
    "condition_text",
    "copies_hold",
    "minimal_value",
    "normalize_constant",
    "process_conditions",
    "version_holds",
]

SAMPLE_DATE = date(2026, 10, 27)
SAMPLE_DATETIME = datetime(2026, 10, 27, 8, 0, tzinfo=UTC)


@attrs.frozen
class PersonSlot:
    """A place in artifact data for a participant holding one of ``roles`` (any when empty)."""

    roles: frozenset[str]


def normalize_constant(field: ArtifactField | None, value: Any) -> Any:
    """A condition's constant as a value of the field's type (ISO text -> date)."""
    return value if field is None else FIELD_VALUES[field].normalize(value)


def _same(field: ArtifactField | None, value: Any, constant: Any) -> bool:
    constant = normalize_constant(field, constant)
    if isinstance(value, bool) != isinstance(constant, bool):
        return False  # True == 1 in Python, never in a process file
    if isinstance(value, PersonSlot):
        return False
    return bool(value == constant)


def condition_holds(condition: FieldCondition, field: ArtifactField | None, value: Any) -> bool:
    """Whether ``condition`` holds for a version whose field has ``value`` (``None``: none).

    The meaning follows ``docs/concepts.md``: ``present`` asks for a value,
    ``non_empty`` for a non-empty text or list, ``min_count`` counts a list's
    records (no value counts as none).
    """
    compared = field is None or FIELD_VALUES[field].compared
    if not compared and (condition.equals is not None or condition.one_of):
        return False
    if condition.equals is not None:
        return value is not None and _same(field, value, condition.equals)
    if condition.one_of is not None:
        return value is not None and any(_same(field, value, c) for c in condition.one_of)
    if condition.present is not None:
        return (value is not None) == condition.present
    if condition.non_empty is not None:
        # As in the engine, white space is not content.
        text = value.strip() if isinstance(value, str) else value
        size = len(text) if isinstance(text, str | list | tuple) else 0
        return (size > 0) == condition.non_empty
    assert condition.min_count is not None
    count = len(value) if isinstance(value, list | tuple) else 0
    return count >= condition.min_count


def version_holds(condition: FieldCondition, artifact: Artifact, data: Any) -> bool:
    """Whether ``condition`` holds for one version's ``data`` (``None``: no version).

    A dotted field (``attendees.confirmed``) is looked for in every item of
    the list (no version or no list: no items), and ``for`` says how many
    must meet it: ``every`` (also with no items), ``any``, ``none``. A
    per-person artifact's copy is one version; `copies_hold` asks about all.
    """
    field = artifact.field_at(condition.field)
    if condition.list_field is None:
        value = None if data is None else data.get(condition.field)
        return condition_holds(condition, field, value)
    items = None if data is None else data.get(condition.list_field)
    records = items if isinstance(items, list | tuple) else []
    sub = condition.item_field or ""
    meeting = [condition_holds(condition, field, item.get(sub)) for item in records]
    quantifier = condition.for_.value if condition.for_ is not None else "every"
    if quantifier == "any":
        return any(meeting)
    if quantifier == "none":
        return not any(meeting)
    return all(meeting)


def copies_hold(condition: FieldCondition, artifact: Artifact, copies: Sequence[Any]) -> bool:
    """Whether ``condition`` holds on a per-person artifact, given each current holder's copy.

    ``copies`` has one entry per person holding one of the artifact's
    roles: their latest copy's data, or ``None`` when there is none. With
    ``for: every`` (the default) every holder needs a copy meeting it;
    ``any``: some copy meets it; ``none``: no copy does (people without a
    copy count for nothing).
    """
    meeting = [data is not None and version_holds(condition, artifact, data) for data in copies]
    quantifier = condition.for_.value if condition.for_ is not None else "every"
    if quantifier == "any":
        return any(meeting)
    if quantifier == "none":
        return not any(meeting)
    return all(meeting)


def condition_text(condition: FieldCondition, *, holds: bool = True) -> str:
    """A short reading of ``condition`` (or of its negation)."""
    name = condition.field
    if condition.list_field is not None and condition.for_ is not None:
        name = f"{condition.for_.value} {name}"
    if condition.equals is not None:
        return f"{name}{'=' if holds else '!='}{_show(condition.equals)}"
    if condition.one_of is not None:
        listed = ",".join(_show(v) for v in condition.one_of)
        return f"{name} {'in' if holds else 'not in'} [{listed}]"
    if condition.present is not None:
        return f"{name} {'present' if holds == condition.present else 'absent'}"
    if condition.non_empty is not None:
        return f"{name} {'non-empty' if holds == condition.non_empty else 'empty'}"
    return f"{name}{'>=' if holds else '<'}{condition.min_count}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------- values


def minimal_value(field: ArtifactField) -> Any:
    """The simplest valid value of a field (people as :class:`PersonSlot`)."""
    return FIELD_VALUES[field].minimal(field)


def minimal_record(fields: Sequence[ArtifactField]) -> dict[str, Any]:
    """A record with every required field at its simplest value, optional ones left out."""
    return {f.id: minimal_value(f) for f in fields if f.required}


def _int_in_bounds(low: int | None, high: int | None, avoid: Iterable[Any]) -> int:
    taken = {v for v in avoid if isinstance(v, int) and not isinstance(v, bool)}
    start = low if low is not None else (0 if high is None or high >= 0 else high)
    value = start
    while value in taken:
        value += 1
    if high is not None and value > high:
        value = start
        while value in taken and (low is None or value > low):
            value -= 1
    return value


def _candidates(field: ArtifactField, conditions: Sequence[FieldCondition]) -> list[Any]:
    """Values of ``field`` that between them meet or miss every condition every way they can."""
    constants = [
        normalize_constant(field, value)
        for c in conditions
        for value in ((c.equals,) if c.equals is not None else (c.one_of or ()))
    ]
    values = FIELD_VALUES[field].candidates(field, constants, conditions)
    if not field.required:
        values.append(None)
    return values


# ------------------------------------------------------------ field types
# Per type: its simplest value, its candidates (the constants its conditions
# name, and one value that is none of them), how a condition's constant
# reads as a value of the type.


def _as_is(value: Any) -> Any:
    return value


def _date_constant(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _datetime_constant(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _minimal_int(field: IntField) -> Any:
    return _int_in_bounds(field.min, field.max, avoid=())


def _minimal_list(field: ListField) -> Any:
    return [minimal_record(field.fields) for _ in range(field.min_items)]


def _text_candidates(
    field: TextField, constants: Sequence[Any], conditions: Sequence[FieldCondition]
) -> list[Any]:
    texts = [c for c in constants if isinstance(c, str)]
    if field.max_length is not None:
        texts = [t for t in texts if len(t) <= field.max_length]
    other = "x"
    while other in texts:
        other += "x"
    values: list[Any] = [*texts, other[: field.max_length or None] or "x"]
    # Only optional text can be empty: the engine refuses blank required text.
    if not field.required and any(c.non_empty is not None for c in conditions):
        values.append("")
    return values


def _bool_candidates(
    _field: BoolField, _constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    return [True, False]


def _int_candidates(
    field: IntField, constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    values: list[Any] = [
        c
        for c in constants
        if isinstance(c, int)
        and not isinstance(c, bool)
        and (field.min is None or c >= field.min)
        and (field.max is None or c <= field.max)
    ]
    values.append(_int_in_bounds(field.min, field.max, values))
    return values


def _money_candidates(
    _field: MoneyField, constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    values: list[Any] = [c for c in constants if isinstance(c, int) and not isinstance(c, bool)]
    values.append(_int_in_bounds(0, None, values))
    return values


def _date_candidates(
    _field: DateField, constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    dates = [c for c in constants if isinstance(c, date) and not isinstance(c, datetime)]
    day = SAMPLE_DATE
    while day in dates:
        day = day.replace(day=day.day % 28 + 1)
    return [*dates, day]


def _datetime_candidates(
    _field: DateTimeField, constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    moments = [c for c in constants if isinstance(c, datetime)]
    moment = SAMPLE_DATETIME
    while moment in moments:
        moment = moment.replace(minute=(moment.minute + 1) % 60)
    return [*moments, moment]


def _enum_candidates(
    field: EnumField, _constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    return [v.id for v in field.values]


def _person_candidates(
    field: PersonField, _constants: Sequence[Any], _conditions: Sequence[FieldCondition]
) -> list[Any]:
    return [PersonSlot(frozenset(field.roles))]


def _list_candidates(
    field: ListField, _constants: Sequence[Any], conditions: Sequence[FieldCondition]
) -> list[Any]:
    counts = {field.min_items}
    for c in conditions:
        if c.min_count is not None:
            counts |= {c.min_count - 1, c.min_count}
        if c.non_empty is not None:
            counts |= {0, 1}
    return [
        [minimal_record(field.fields) for _ in range(n)]
        for n in sorted(counts)
        if n >= field.min_items
    ]


ITEM_LIMIT = 8
"""How many kinds of list item the explorer builds lists from at most."""


def _item_list_candidates(field: ListField, conditions: Sequence[FieldCondition]) -> list[Any]:
    """Lists whose items meet or miss the item conditions every way one or two items can.

    Items take every combination of the candidates of the item fields the
    conditions name; the lists are the empty list, each item alone and
    each pair, padded to ``min_items``, besides the lengths the conditions
    on the list itself count.
    """
    per_item: dict[str, list[FieldCondition]] = {}
    for c in conditions:
        if c.item_field is not None:
            per_item.setdefault(c.item_field, []).append(c)
    base = minimal_record(field.fields)
    options: list[list[tuple[str, Any]]] = []
    for sub_id, on_sub in per_item.items():
        sub = next((f for f in field.fields if f.id == sub_id), None)
        if sub is not None:
            options.append([(sub_id, v) for v in _candidates(sub, on_sub)])
    items: list[dict[str, Any]] = []
    for combination in itertools.product(*options):
        item = dict(base)
        for sub_id, value in combination:
            if value is None:
                item.pop(sub_id, None)
            else:
                item[sub_id] = value
        items.append(item)
        if len(items) >= ITEM_LIMIT:
            break
    shapes: list[list[dict[str, Any]]] = [[]]
    shapes += [[item] for item in items]
    shapes += [[a, b] for a, b in itertools.combinations(items, 2)]
    lists: list[Any] = []
    for shape in shapes:
        padded = list(shape)
        while len(padded) < field.min_items:
            padded.append(dict(padded[0]) if padded else minimal_record(field.fields))
        lists.append(padded)
    plain = [c for c in conditions if c.item_field is None]
    return lists + _list_candidates(field, [], plain)


@attrs.frozen
class FieldValues:
    """The values the explorer tries for one field type.

    ``minimal(field)`` is its simplest valid value; ``candidates(field,
    constants, conditions)`` are values that between them meet or miss every
    condition (``constants``: the values the conditions name, normalized);
    ``normalize(value)`` reads a condition's constant as a value of the type;
    ``compared`` is False when the engine never finds a condition's constant
    equal to a stored value.
    """

    minimal: Callable[[Any], Any]
    candidates: Callable[[Any, Sequence[Any], Sequence[FieldCondition]], list[Any]]
    normalize: Callable[[Any], Any] = _as_is
    compared: bool = True


FIELD_VALUES: FieldTypeTable[FieldValues] = FieldTypeTable(
    "explorer values",
    {
        TextField: FieldValues(lambda _field: "x", _text_candidates),
        BoolField: FieldValues(lambda _field: False, _bool_candidates),
        IntField: FieldValues(_minimal_int, _int_candidates),
        DateField: FieldValues(lambda _field: SAMPLE_DATE, _date_candidates, _date_constant),
        DateTimeField: FieldValues(
            lambda _field: SAMPLE_DATETIME, _datetime_candidates, _datetime_constant
        ),
        # The engine keeps money as text ("1000.00") and compares exactly, so
        # an amount in a condition never matches; the explorer agrees.
        MoneyField: FieldValues(lambda _field: 0, _money_candidates, compared=False),
        EnumField: FieldValues(lambda field: field.values[0].id, _enum_candidates),
        PersonField: FieldValues(
            lambda field: PersonSlot(frozenset(field.roles)), _person_candidates
        ),
        ListField: FieldValues(_minimal_list, _list_candidates),
    },
)
"""Per field type, the values the explorer tries."""


# ---------------------------------------------------------------- classes


@attrs.frozen
class ArtifactClass:
    """One kind of version of an artifact: which tracked conditions hold.

    ``data`` is a representative version with every required field (people
    as :class:`PersonSlot`); ``needs`` lists, per person slot in it, the
    roles one of which someone in the case must hold to fill it.
    """

    truths: tuple[bool, ...]
    data: Mapping[str, Any]
    needs: tuple[frozenset[str], ...]
    description: str


@attrs.frozen
class ArtifactClasses:
    """Every class of versions of one artifact, and the conditions that define them."""

    artifact: Artifact
    conditions: tuple[FieldCondition, ...]
    classes: tuple[ArtifactClass, ...]
    complete: bool = True  # False when the limit cut the enumeration short

    def holding(self, condition: FieldCondition) -> frozenset[int]:
        """Indices of the classes in which ``condition`` holds."""
        index = self.conditions.index(condition)
        return frozenset(i for i, c in enumerate(self.classes) if c.truths[index])


def _person_needs(value: Any) -> list[frozenset[str]]:
    if isinstance(value, PersonSlot):
        return [value.roles]
    if isinstance(value, dict):
        return [need for v in value.values() for need in _person_needs(v)]
    if isinstance(value, list):
        return [need for v in value for need in _person_needs(v)]
    return []


def process_conditions(process: Process) -> dict[str, list[FieldCondition]]:
    """Per artifact, every distinct condition the process puts on it.

    A deadline anchored on a field adds ``present: true`` on that field, so
    the explorer knows when the anchor has a value.
    """
    found: dict[str, list[FieldCondition]] = {}
    for action in process.actions:
        for condition in action.requires.fields:
            listed = found.setdefault(condition.artifact, [])
            if condition not in listed:
                listed.append(condition)
    for deadline in process.deadlines:
        ref = deadline.anchor.field
        if ref is not None:
            condition = FieldCondition(artifact=ref.artifact, field=ref.field, present=True)
            listed = found.setdefault(ref.artifact, [])
            if condition not in listed:
                listed.append(condition)
    return found


def _describe(conditions: Sequence[FieldCondition], truths: Sequence[bool]) -> str:
    """Which conditions a class meets; ``decision=given`` alone, not also ``decision!=refused``."""
    settled = {
        c.field
        for c, holds in zip(conditions, truths, strict=True)
        if holds and (c.equals is not None or (c.one_of is not None and len(c.one_of) == 1))
    }
    parts = [
        condition_text(c, holds=holds)
        for c, holds in zip(conditions, truths, strict=True)
        if holds or c.field not in settled or (c.equals is None and c.one_of is None)
    ]
    return ", ".join(parts)


CLASS_LIMIT = 1024
"""How many kinds of version of one artifact are told apart at most."""


def artifact_classes(
    artifact: Artifact, conditions: Sequence[FieldCondition], *, limit: int = CLASS_LIMIT
) -> ArtifactClasses:
    """The classes of versions of ``artifact`` told apart by ``conditions``.

    Fields no condition names take their simplest value. ``limit`` caps the
    number of classes (a process needs ten independent conditions on one
    artifact to reach the default); ``complete`` says whether it was reached.
    """
    by_field: dict[str, list[int]] = {}
    for index, condition in enumerate(conditions):
        # Conditions on a list's items are told apart by values of the list.
        by_field.setdefault(condition.list_field or condition.field, []).append(index)
    choices: list[list[tuple[str, Any, dict[int, bool]]]] = []
    for field_id, indices in by_field.items():
        field = artifact.field(field_id)
        if field is None:
            continue
        on_field = [conditions[i] for i in indices]
        if isinstance(field, ListField) and any(c.list_field for c in on_field):
            values = _item_list_candidates(field, on_field)
        else:
            values = _candidates(field, on_field)
        seen: dict[tuple[bool, ...], tuple[str, Any, dict[int, bool]]] = {}
        for value in values:
            holds = tuple(
                version_holds(conditions[i], artifact, {} if value is None else {field_id: value})
                for i in indices
            )
            seen.setdefault(holds, (field_id, value, dict(zip(indices, holds, strict=True))))
        choices.append(list(seen.values()))
    base = minimal_record(artifact.fields)
    classes: list[ArtifactClass] = []
    for combination in itertools.product(*choices):
        data = dict(base)
        truth_of: dict[int, bool] = {}
        for field_id, value, truths in combination:
            if value is None:
                data.pop(field_id, None)
            else:
                data[field_id] = value
            truth_of.update(truths)
        truths_all = tuple(truth_of.get(i, False) for i in range(len(conditions)))
        description = _describe(conditions, truths_all)
        if len(classes) >= limit:
            return ArtifactClasses(artifact, tuple(conditions), tuple(classes), complete=False)
        classes.append(ArtifactClass(truths_all, data, tuple(_person_needs(data)), description))
    return ArtifactClasses(artifact, tuple(conditions), tuple(classes))


def concrete(data: Any, participants: Mapping[str, Sequence[str]]) -> Any:
    """``data`` with every :class:`PersonSlot` filled by a participant; ``None`` if one cannot be.

    ``participants`` maps person ids to the roles they hold; the first person
    (in id order) holding one of the slot's roles is named.
    """
    if isinstance(data, PersonSlot):
        for person in sorted(participants):
            if not data.roles or set(participants[person]) & data.roles:
                return person
        return None
    if isinstance(data, Mapping):
        filled = {key: concrete(value, participants) for key, value in data.items()}
        if any(value is None for key, value in filled.items() if data[key] is not None):
            return None
        return filled
    if isinstance(data, list):
        items = [concrete(item, participants) for item in data]
        return None if any(item is None for item in items) else items
    return data
