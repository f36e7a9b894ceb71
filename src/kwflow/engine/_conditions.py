"""Field conditions compiled into plain checks on an artifact's latest data.

A process file states conditions declaratively (``equals``, ``one_of``,
``present``, ``non_empty``, ``min_count``); each becomes a small function
over the JSON form of the artifact's latest version, built once per process.
Comparisons are type-exact: ``equals: true`` does not hold for the number 1,
which Python's ``==`` would allow. ``non_empty`` text must have something
other than white space. An erased personal value (``kwflow.ERASED``) reads as
absent: what was erased can no longer meet a condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from kwflow.history import is_erased

from ._artifacts import json_scalar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kwflow.definition import FieldCondition

__all__ = ["CompiledCondition", "compile_condition"]

_MISSING = object()


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


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

    def holds(self, latest: Mapping[str, Any] | None) -> bool:
        """Whether the condition holds for the artifact's latest data (``None``: no version)."""
        value = _MISSING if latest is None else latest.get(self.field, _MISSING)
        return self.test(None if value is _MISSING or is_erased(value) else value)

    @property
    def message(self) -> str:
        """What must hold, for a refusal: ``consent.decision must equal 'given'``."""
        return f"{self.artifact}.{self.field} {self.needs}"


def compile_condition(condition: FieldCondition) -> CompiledCondition:
    """Turn one declarative condition into a `CompiledCondition`."""
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
    return CompiledCondition(condition.artifact, condition.field, test, needs, check, shown)
