"""Field types come from one union, and every concern handles every one of them.

Each package that treats field types differently exports its per-type tables
as ``FIELD_TYPE_TABLES``; adding a model to ``ArtifactField`` without a
handler in one of them fails here, naming the concern and the type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

import pytest

import kwflow.authoring
import kwflow.definition
import kwflow.engine
import kwflow.testing
from kwflow.definition import (
    FIELD_MODELS,
    FIELD_TYPES,
    FieldTypeTable,
    TextField,
    field_type_name,
    process_json_schema,
)
from kwflow.definition._models import FieldModel

DOCS = Path(__file__).parents[2] / "docs" / "process-format.md"

TABLES: list[FieldTypeTable[object]] = [
    *kwflow.definition.FIELD_TYPE_TABLES,
    *kwflow.engine.FIELD_TYPE_TABLES,
    *kwflow.authoring.FIELD_TYPE_TABLES,
    *kwflow.testing.FIELD_TYPE_TABLES,
]


class PhoneField(FieldModel):
    """A field type that no table knows: what a half-added type looks like."""

    type: Literal["phone"]


def test_the_field_types_are_the_members_of_the_union() -> None:
    # A field model left out of the union would be a type no file can use.
    models = {m for m in FieldModel.__subclasses__() if m.__module__ == FieldModel.__module__}
    assert models == set(FIELD_MODELS)
    assert [get_args(m.model_fields["type"].annotation) for m in FIELD_MODELS] == [
        (name,) for name in FIELD_TYPES
    ]
    assert len(set(FIELD_TYPES)) == len(FIELD_TYPES)


def test_the_json_schema_offers_exactly_the_field_types() -> None:
    definitions = process_json_schema()["definitions"]
    offered = {
        definitions[name]["properties"]["type"]["const"]
        for name in definitions
        if name.endswith("Field")
    }
    assert offered == set(FIELD_TYPES)


@pytest.mark.parametrize(
    ("table", "model"),
    [(t, m) for t in TABLES for m in FIELD_MODELS],
    ids=[f"{t.concern}-{field_type_name(m)}" for t in TABLES for m in FIELD_MODELS],
)
def test_every_concern_handles_every_field_type(
    table: FieldTypeTable[object], model: type[FieldModel]
) -> None:
    assert table.handles(model), (
        f"{table.concern}: no handler for the field type {field_type_name(model)!r}"
    )


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.concern)
def test_no_concern_handles_a_type_outside_the_union(table: FieldTypeTable[object]) -> None:
    assert not table.unknown(), f"{table.concern}: handlers for {table.unknown()}"


def test_the_concerns_have_different_names() -> None:
    concerns = [t.concern for t in TABLES]
    assert len(set(concerns)) == len(concerns)


def test_a_missing_handler_is_reported_with_its_concern_and_type() -> None:
    table = FieldTypeTable("page wording", {TextField: "text"})
    assert table.missing() == tuple(t for t in FIELD_TYPES if t != "text")
    with pytest.raises(LookupError, match=r"^page wording: .*'phone'$"):
        table[PhoneField(id="phone", label={"en": "Phone"}, type="phone")]
    assert table.named("text") == "text"


def test_the_contributor_note_names_every_concern() -> None:
    """ "Adding a field type" in the docs lists each table, so the list of files stays true."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(r"### Adding a field type\n(.*?)\n## ", text, re.DOTALL)
    assert section is not None
    for table in TABLES:
        assert f"“{table.concern}”" in section.group(1), table.concern


def test_the_table_of_types_in_the_docs_has_a_row_per_field_type() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Artifacts and fields\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ", section, re.MULTILINE)
    assert rows[0] == "type"  # the header
    assert tuple(rows[1:]) == FIELD_TYPES
