"""Immutable JSON values: the form artifact data and case maps take in a `Case`.

A `Case` must be immutable, compare by value, serialize to JSON without a
conversion step and be cheap to build on every command. `FrozenMap` is a
``dict`` that refuses mutation: it compares, hashes and serializes as the
mapping it holds, and reading it costs what reading a ``dict`` costs.
`freeze` turns JSON data (dicts and lists) into `FrozenMap` and tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

__all__ = ["EMPTY", "FrozenMap", "freeze", "thaw"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(dict[K, V]):
    """A read-only ``dict``: equal to, and serialized like, the dict it holds.

    Every mutating method raises `TypeError`. It is hashable when its values
    are, so records holding it (a `Case`) can be hashed too.
    """

    __slots__ = ()

    def _refuse(self) -> NoReturn:
        raise TypeError("a FrozenMap cannot be changed; build a new one")

    def __setitem__(self, key: K, value: V) -> NoReturn:
        self._refuse()

    def __delitem__(self, key: K) -> NoReturn:
        self._refuse()

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def clear(self) -> NoReturn:
        self._refuse()

    def pop(self, *_: Any) -> NoReturn:
        self._refuse()

    def popitem(self) -> NoReturn:
        self._refuse()

    def setdefault(self, *_: Any) -> NoReturn:
        self._refuse()

    def update(self, *_: Any, **__: Any) -> NoReturn:
        self._refuse()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # dict's own pickling and copying would rebuild the map item by item
        # through __setitem__, which refuses; rebuild it from a plain dict.
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenMap[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenMap[K, V]:
        return self


EMPTY: FrozenMap[Any, Any] = FrozenMap()
"""The empty map, shared."""


def freeze(value: Any) -> Any:
    """JSON data with every dict made a `FrozenMap` and every list a tuple.

    Values already frozen are returned as they are, so folding events that a
    memory store hands back (already frozen) costs nothing extra.
    """
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of `freeze`: plain dicts and lists, as ``json.loads`` would give."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value
