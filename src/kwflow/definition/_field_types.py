"""One concern's handling of every field type, kept in one table.

The field types are the models of the `ArtifactField` union (`FIELD_MODELS`).
Every concern that treats field types differently (the static checks of
field conditions, validating submitted data, a process page's wording, the
test strategies) keeps its per-type code in one `FieldTypeTable`: a handler
per field model, looked up by the type of the field at hand. Each package
exports its tables as ``FIELD_TYPE_TABLES``, and a test fails, naming the
concern and the type, when a table lacks a field type: adding a field type
is its model in ``_models.py`` plus one handler in each table.

Code about one type's own feature (a person field's roles, a list field's
records, an enum field's values) stays with that type's model: a new type
never has to change it, so it needs no table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from ._models import FIELD_MODELS, FieldModel, field_type_name

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["FieldTypeTable"]

# Covariant so that tables of different handlers can be listed together.
_MODELS_BY_NAME = {field_type_name(model): model for model in FIELD_MODELS}

H_co = TypeVar("H_co", covariant=True)


class FieldTypeTable(Generic[H_co]):
    """The handler of each field type for one concern (``"validation"``, ``"page wording"``).

    ``table[field]`` is the handler of ``field``'s type. A handler is whatever
    the concern needs: a function taking the field, or a record of them.
    """

    def __init__(self, concern: str, handlers: Mapping[type[FieldModel], H_co]) -> None:
        self.concern = concern
        self._handlers = dict(handlers)

    def __repr__(self) -> str:
        return f"FieldTypeTable({self.concern!r})"

    def __getitem__(self, field: FieldModel) -> H_co:
        return self.of(type(field))

    def of(self, model: type[FieldModel]) -> H_co:
        """The handler of the field type of ``model``."""
        try:
            return self._handlers[model]
        except KeyError:
            raise LookupError(
                f"{self.concern}: no handler for the field type {field_type_name(model)!r}"
            ) from None

    def named(self, type_name: str) -> H_co:
        """The handler of the field type called ``type_name`` in process files."""
        return self.of(_MODELS_BY_NAME[type_name])

    def items(self) -> Iterator[tuple[type[FieldModel], H_co]]:
        """(model, handler) of each field type the table handles, in the order of `FIELD_MODELS`."""
        return ((m, self._handlers[m]) for m in FIELD_MODELS if m in self._handlers)

    def handles(self, model: type[FieldModel]) -> bool:
        """Whether the table has a handler for the field type of ``model``."""
        return model in self._handlers

    def missing(self) -> tuple[str, ...]:
        """The field types (names) of `FIELD_MODELS` this table has no handler for."""
        return tuple(field_type_name(m) for m in FIELD_MODELS if m not in self._handlers)

    def unknown(self) -> tuple[type[FieldModel], ...]:
        """Models handled here that are not field types of `ArtifactField`: stale handlers."""
        return tuple(m for m in self._handlers if m not in FIELD_MODELS)
