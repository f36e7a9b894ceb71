"""Read-only JSON containers: event payloads, and the maps a `Case` holds.

An event's hash covers its payload, and a case must compare by value, hash
and be cheap to build on every command; so neither may change once made.
Each container here is a plain ``dict``, ``list`` or tuple underneath that
refuses every change, so reading it costs what reading the plain container
costs and it encodes to JSON exactly as the plain one would:

- `FrozenDict` and `FrozenList` hold event payloads. They compare equal to,
  and print like, the ``dict`` and ``list`` they hold, so an event made in
  this process equals the same event read back from storage; one payload may
  stand for many events (the engine shares the payload of a plain move).
- `FrozenMap` holds a case's maps (participants, roles, artifact data,
  deadlines): hashable, so a `Case` is too, and shown by name. `freeze` turns
  JSON data into `FrozenMap` and tuples; `thaw` turns it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NoReturn, Self, TypeVar

from kwflow.exceptions import ReadOnly

__all__ = ["EMPTY_MAP", "FrozenDict", "FrozenList", "FrozenMap", "freeze", "read_only", "thaw"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class _ReadOnlyDict(dict[K, V]):
    """A ``dict`` whose every mutating method raises `ReadOnly` (a ``TypeError``)."""

    __slots__ = ()
    _WHAT: ClassVar[str]

    def _refuse(self) -> NoReturn:
        raise ReadOnly(self._WHAT)

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

    def __reduce__(self) -> tuple[Any, ...]:
        # dict's own pickling and copying would refill the map through
        # __setitem__, which refuses; rebuild it from a plain dict instead.
        return (type(self), (dict(self),))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


class FrozenDict(_ReadOnlyDict[K, V]):
    """A ``dict`` that refuses every change; equal to, and encoded like, the dict it holds."""

    __slots__ = ()
    _WHAT = "event-data"

    __repr__ = dict.__repr__


class FrozenList(list[T]):
    """A ``list`` that refuses every change; equal to, and encoded like, the list it holds."""

    __slots__ = ()

    def _refuse(self) -> NoReturn:
        raise ReadOnly("event-data")

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        self._refuse()

    def __delitem__(self, index: Any) -> NoReturn:
        self._refuse()

    def __iadd__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def __imul__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def append(self, *_: Any) -> NoReturn:
        self._refuse()

    def extend(self, *_: Any) -> NoReturn:
        self._refuse()

    def insert(self, *_: Any) -> NoReturn:
        self._refuse()

    def pop(self, *_: Any) -> NoReturn:
        self._refuse()

    def remove(self, *_: Any) -> NoReturn:
        self._refuse()

    def clear(self) -> NoReturn:
        self._refuse()

    def sort(self, *_: Any, **__: Any) -> NoReturn:
        self._refuse()

    def reverse(self) -> NoReturn:
        self._refuse()

    __repr__ = list.__repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self),))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


class FrozenMap(_ReadOnlyDict[K, V]):
    """A read-only ``dict``: equal to, and serialized like, the dict it holds.

    Every mutating method raises `ReadOnly` (a ``TypeError``). It is hashable when its values
    are, so records holding it (a `Case`) can be hashed too.
    """

    __slots__ = ()
    _WHAT = "frozen-map"

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"


EMPTY_MAP: FrozenMap[Any, Any] = FrozenMap()
"""The empty `FrozenMap`, shared."""


_SCALARS = frozenset({str, int, float, bool, type(None)})
_DICTS = frozenset({dict, FrozenDict})
_LISTS = frozenset({list, tuple, FrozenList})


def freeze(value: Any) -> Any:
    """JSON data with every dict made a `FrozenMap` and every list a tuple.

    Values already frozen are returned as they are, so folding events that a
    memory store hands back (already frozen) costs nothing extra.
    """
    kind = type(value)
    # Every fold freezes each document's data: the exact types JSON and
    # event payloads hold are told apart by identity, before the slower
    # ABC checks, and scalars inside are kept without a call.
    if kind in _SCALARS or kind is FrozenMap:
        return value
    if kind in _DICTS:
        return FrozenMap(
            {key: item if type(item) in _SCALARS else freeze(item) for key, item in value.items()}
        )
    if kind in _LISTS:
        return tuple([item if type(item) in _SCALARS else freeze(item) for item in value])
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


_KEPT = _SCALARS | {FrozenMap}
"""Kept as they are by `read_only`: scalars, and maps `freeze` made read-only all the way down."""


def read_only(value: Any) -> Any:
    """JSON data with every dict inside a `FrozenDict` and every list a `FrozenList`.

    An event's payload: equal to, and encoded like, what it was given, so
    its hash is unchanged, but nothing inside can be changed after it was
    hashed. What is read-only already (scalars, a `FrozenMap` as `freeze`
    makes it, and read-only maps, lists and tuples holding only such) is
    returned as it is, so events keep sharing read-only parts (a plain
    move's payload); it is walked, not copied.
    """
    kind = type(value)
    if kind in _KEPT:
        return value
    if kind is FrozenDict or kind is FrozenList or kind is tuple:
        items = value.values() if kind is FrozenDict else value
        for item in items:
            if type(item) not in _KEPT and read_only(item) is not item:
                break
        else:
            return value
    if isinstance(value, Mapping):
        return FrozenDict(
            {key: item if type(item) in _KEPT else read_only(item) for key, item in value.items()}
        )
    if isinstance(value, list | tuple):
        listed = [item if type(item) in _KEPT else read_only(item) for item in value]
        return tuple(listed) if kind is tuple else FrozenList(listed)
    return value


def thaw(value: Any) -> Any:
    """The inverse of `freeze`: plain dicts and lists, as ``json.loads`` would give."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value
