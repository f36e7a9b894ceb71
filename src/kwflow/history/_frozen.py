"""Read-only JSON containers for event payloads.

An event's hash covers its payload, so the payload must never change after
the hash is computed. `FrozenDict` and `FrozenList` are a ``dict`` and a
``list`` that refuse every change: they compare equal to, print like and
encode to JSON exactly as the plain containers they hold, so an event made
in this process equals the same event read back from storage. Being
immutable, one payload may stand for many events (the engine shares the
payload of a plain move between every case that makes it).
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

__all__ = ["FrozenDict", "FrozenList"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


def _refuse(what: str) -> NoReturn:
    raise TypeError(f"an event's {what} cannot be changed: events are immutable")


class FrozenDict(dict[K, V]):
    """A ``dict`` that refuses every change; equal to, and encoded like, the dict it holds."""

    __slots__ = ()

    def __setitem__(self, key: K, value: V) -> NoReturn:
        _refuse("payload")

    def __delitem__(self, key: K) -> NoReturn:
        _refuse("payload")

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("payload")

    def clear(self) -> NoReturn:
        _refuse("payload")

    def pop(self, *_: Any) -> NoReturn:
        _refuse("payload")

    def popitem(self) -> NoReturn:
        _refuse("payload")

    def setdefault(self, *_: Any) -> NoReturn:
        _refuse("payload")

    def update(self, *_: Any, **__: Any) -> NoReturn:
        _refuse("payload")

    __repr__ = dict.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        # dict's own pickling and copying would refill the map through
        # __setitem__, which refuses; rebuild it from a plain dict instead.
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self


class FrozenList(list[T]):
    """A ``list`` that refuses every change; equal to, and encoded like, the list it holds."""

    __slots__ = ()

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        _refuse("list")

    def __delitem__(self, index: Any) -> NoReturn:
        _refuse("list")

    def __iadd__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("list")

    def __imul__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("list")

    def append(self, *_: Any) -> NoReturn:
        _refuse("list")

    def extend(self, *_: Any) -> NoReturn:
        _refuse("list")

    def insert(self, *_: Any) -> NoReturn:
        _refuse("list")

    def pop(self, *_: Any) -> NoReturn:
        _refuse("list")

    def remove(self, *_: Any) -> NoReturn:
        _refuse("list")

    def clear(self) -> NoReturn:
        _refuse("list")

    def sort(self, *_: Any, **__: Any) -> NoReturn:
        _refuse("list")

    def reverse(self) -> NoReturn:
        _refuse("list")

    __repr__ = list.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self),))

    def __copy__(self) -> FrozenList[T]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList[T]:
        return self
