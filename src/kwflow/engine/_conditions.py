"""Field conditions compiled into plain checks on an artifact's latest data.

A process file states conditions declaratively (``equals``, ``one_of``,
``present``, ``non_empty``, ``min_count``); each becomes a small function
over the JSON form of the artifact's latest version, built once per process.
Comparisons are type-exact: ``equals: true`` does not hold for the number 1,
which Python's ``==`` would allow. ``non_empty`` text must have something
other than white space. An erased personal value (``kwflow.ERASED``) reads as
absent: what was erased can no longer meet a condition.

A condition may be quantified (``for: every | any | none``). On a
per-person artifact it is checked on the latest copy about each current
holder of the artifact's roles: ``every`` holder has a copy meeting it
(a missing copy fails), ``any`` copy meets it, ``none`` does. On a dotted
field (``invitees.confirmed``) it is checked on the items of the list in
the latest version: a missing version or list has no items, so ``every``
and ``none`` hold and ``any`` does not. A failure names the person or the
item (`ConditionFailure`), so that a refusal can say whose copy fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from kwflow.history import is_erased

from ._artifacts import json_scalar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kwflow.definition import Artifact, FieldCondition

    from ._records import Case

__all__ = [
    "CompiledCondition",
    "ConditionFailure",
    "Written",
    "compile_condition",
    "holders_of",
]

Written = tuple[str, "str | None", "Mapping[str, Any]"]
"""A version being written in the step decided now: ``(artifact, about, data)``."""

_MISSING = object()


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def holders_of(case: Case, roles: tuple[str, ...]) -> tuple[str, ...]:
    """The people holding one of ``roles`` now, role by role, each once."""
    found: dict[str, None] = {}
    for role in roles:
        for person in case.roles.get(role, ()):
            found.setdefault(person, None)
    return tuple(found)


@attrs.frozen
class ConditionFailure:
    """Where a condition fails: whose copy (``person``), which item (1-based), or neither.

    ``no_version``: the version looked at does not exist (the artifact has
    none; a per-person artifact has no copy about ``person``).
    """

    person: str | None = None
    item: int | None = None
    no_version: bool = False


@attrs.frozen
class CompiledCondition:
    """One condition: which field it reads, a test of the value, and what it needs."""

    artifact: str
    field: str
    test: Callable[[Any], bool]
    needs: str
    check: str = ""
    """Which check it is (``equals``, ``one_of``, ``present``, ``absent``, ``non_empty``,
    ``empty``, ``min_count``): a refusal's reason is worded from it in Czech."""
    value: str = ""
    """The value the check compares with, as shown in the message (``'given'``, ``2``)."""
    quantifier: str | None = None
    """``every``, ``any`` or ``none`` for a per-person artifact or a dotted field; else None."""
    per_person: tuple[str, ...] = ()
    """The roles of a per-person artifact, whose holders' copies are checked."""
    list_field: str | None = None
    """The list of a dotted field (``invitees``), whose items are checked."""
    item_field: str | None = None
    """The field of the items of a dotted field (``confirmed``)."""

    def holds(self, data: Mapping[str, Any] | None) -> bool:
        """Whether the condition holds for one version's data (``None``: no version).

        Of a per-person artifact, one person's copy; `holds_on` asks the case.
        """
        return self._data_failure(data) is None

    def _value_holds(self, data: Mapping[str, Any] | None, name: str) -> bool:
        value = _MISSING if data is None else data.get(name, _MISSING)
        return self.test(None if value is _MISSING or is_erased(value) else value)

    def _data_failure(self, data: Mapping[str, Any] | None) -> ConditionFailure | None:
        """Where the condition fails in one version (a person's copy, or the artifact's)."""
        if self.list_field is None or self.item_field is None:
            return None if self._value_holds(data, self.field) else ConditionFailure()
        items = None if data is None else data.get(self.list_field)
        records: tuple[Any, ...] = tuple(items) if isinstance(items, tuple | list) else ()
        sub = self.item_field
        if self.quantifier == "any":
            if any(self._value_holds(item, sub) for item in records):
                return None
            return ConditionFailure()
        wanted = self.quantifier != "none"  # every: each item meets it; none: no item does
        for number, item in enumerate(records, start=1):
            if self._value_holds(item, sub) is not wanted:
                return ConditionFailure(item=number)
        return None

    def failure(self, case: Case, written: Written | None = None) -> ConditionFailure | None:
        """Where the condition fails on ``case`` (``None``: it holds).

        ``written`` is a version the step being decided writes, which counts
        as the latest (a deadline variant is chosen with it).
        """
        if not self.per_person:
            if written is not None and written[0] == self.artifact:
                data: Mapping[str, Any] | None = written[2]
            else:
                latest = case.latest(self.artifact)
                data = None if latest is None else latest.data
            found = self._data_failure(data)
            if found is not None and data is None:
                return attrs.evolve(found, no_version=True)
            return found
        quantifier = self.quantifier or "every"
        any_copy = False
        for person in holders_of(case, self.per_person):
            if written is not None and written[0] == self.artifact and written[1] == person:
                copy: Mapping[str, Any] | None = written[2]
            else:
                version = case.latest(self.artifact, about=person)
                copy = None if version is None else version.data
            if copy is None:
                if quantifier == "every":
                    return ConditionFailure(person=person, no_version=True)
                continue
            any_copy = True
            meets = self._data_failure(copy) is None
            if quantifier == "any" and meets:
                return None
            if (quantifier == "every" and not meets) or (quantifier == "none" and meets):
                return ConditionFailure(person=person)
        if quantifier == "any":
            return ConditionFailure(no_version=not any_copy)
        return None

    def holds_on(self, case: Case, written: Written | None = None) -> bool:
        """Whether the condition holds on ``case`` (see `failure`)."""
        return self.failure(case, written) is None

    @property
    def message(self) -> str:
        """What must hold, for a refusal: ``consent.decision must equal 'given'``."""
        return f"{self.artifact}.{self.field} {self.needs}"

    def failure_message(self, failure: ConditionFailure) -> str:
        """The English reason for ``failure``: whose copy or which item fails, and what it needs."""
        unit = "copy" if self.per_person else "item"
        if self.quantifier == "any":
            text = f"{self.message} in at least one {unit}; it does in none"
            if failure.no_version:
                text += f" (the artifact {self.artifact!r} has no version yet)"
            return text
        if failure.person is not None:
            where = f"the copy of {self.artifact!r} about {failure.person!r}"
            field = self.field
        elif failure.item is not None:
            where = f"item {failure.item} of {self.artifact}.{self.list_field}"
            field = self.item_field or self.field
        else:
            text = self.message
            if failure.no_version:
                text += f" (the artifact {self.artifact!r} has no version)"
            return text
        if self.quantifier == "none":
            return f"{where}: {field} meets what no {unit} may ({field} {self.needs})"
        if failure.no_version:
            return f"{where} is missing: {field} {self.needs}"
        return f"{where}: {field} {self.needs}"

    def failure_params(self, failure: ConditionFailure) -> dict[str, str]:
        """The facts of a refusal for ``failure``, from which the Czech is written."""
        params = {
            "check": self.check,
            "value": self.value,
            "no_version": "true" if failure.no_version else "false",
        }
        if self.quantifier is not None:
            params["for"] = self.quantifier
            params["unit"] = "copy" if self.per_person else "item"
        if failure.person is not None:
            params["person"] = failure.person
        if failure.item is not None:
            params["item"] = str(failure.item)
            params["list"] = self.list_field or ""
            params["item_field"] = self.item_field or ""
        return params


def compile_condition(
    condition: FieldCondition, artifact: Artifact | None = None
) -> CompiledCondition:
    """Turn one declarative condition into a `CompiledCondition`.

    ``artifact`` is the artifact it names (for its ``per_person`` roles).
    """
    test: Callable[[Any], bool]
    if condition.equals is not None:
        wanted = json_scalar(condition.equals)

        def test(value: Any) -> bool:
            return _same(value, wanted)

        needs = f"must equal {_shown(wanted)}"
        check, shown = "equals", _shown(wanted)
    elif condition.one_of is not None:
        choices = tuple(json_scalar(choice) for choice in condition.one_of)

        def test(value: Any) -> bool:
            return any(_same(value, choice) for choice in choices)

        shown = ", ".join(_shown(c) for c in choices)
        needs = "must be one of " + shown
        check = "one_of"
    elif condition.present is not None:
        expected = condition.present

        def test(value: Any) -> bool:
            return (value is not None) is expected

        needs = "must have a value" if expected else "must have no value"
        check, shown = ("present" if expected else "absent"), ""
    elif condition.non_empty is not None:
        expected = condition.non_empty

        def test(value: Any) -> bool:
            if isinstance(value, str):
                # White space is not content: a rejection "with reasons" of
                # three spaces has none (domain.md 5.6).
                filled = bool(value.strip())
            else:
                filled = value is not None and (not hasattr(value, "__len__") or len(value) > 0)
            return filled is expected

        needs = "must not be empty" if expected else "must be empty"
        check, shown = ("non_empty" if expected else "empty"), ""
    else:
        count = condition.min_count or 0

        def test(value: Any) -> bool:
            return len(value) >= count if isinstance(value, tuple | list) else count == 0

        needs = f"must have at least {count} record{'s' if count != 1 else ''}"
        check, shown = "min_count", str(count)
    per_person = () if artifact is None else artifact.per_person
    quantifier = condition.for_.value if condition.for_ is not None else None
    if per_person and quantifier is None:
        quantifier = "every"
    return CompiledCondition(
        condition.artifact,
        condition.field,
        test,
        needs,
        check,
        shown,
        quantifier=quantifier,
        per_person=per_person,
        list_field=condition.list_field,
        item_field=condition.item_field,
    )
