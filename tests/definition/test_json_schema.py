"""The JSON Schema editors use: keys as written in files, refs that resolve, draft 7 only."""

from __future__ import annotations

from typing import Any

from kwflow.definition import process_json_schema
from kwflow.definition._schema import DIALECT, REFERENCE_SECTIONS, SCHEMA_ID

# Every keyword a draft-7 validator understands, plus pydantic's OpenAPI
# `discriminator`, which validators ignore.
DRAFT_7 = {
    "$schema", "$id", "$ref", "title", "description", "default", "type", "properties",
    "required", "additionalProperties", "items", "minItems", "maxItems", "minLength",
    "maxLength", "pattern", "minimum", "maximum", "enum", "const", "anyOf", "oneOf",
    "allOf", "format", "minProperties", "maxProperties", "definitions", "discriminator",
}  # fmt: skip


def keywords(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "definitions"):
                for child in value.values():
                    keywords(child, found)
            elif key not in ("discriminator", "default"):
                keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            keywords(item, found)
    return found


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


def test_the_schema_names_its_dialect_and_language() -> None:
    schema = process_json_schema()
    assert schema["$schema"] == DIALECT == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == SCHEMA_ID == "urn:kwflow:process-file:1"
    assert schema["title"] == "kwflow process file"
    assert "$defs" not in schema


def test_only_draft_7_keywords_are_used() -> None:
    assert keywords(process_json_schema(), set()) <= DRAFT_7


def test_every_ref_resolves() -> None:
    schema = process_json_schema()
    for ref in refs(schema):
        assert ref.startswith("#/definitions/")
        assert ref.removeprefix("#/definitions/") in schema["definitions"]


def test_every_model_forbids_unknown_keys_and_names_keys_as_written() -> None:
    schema = process_json_schema()
    definitions = schema["definitions"]
    for _, model in REFERENCE_SECTIONS:
        node = schema if model.__name__ == "Process" else definitions[model.__name__]
        assert node["additionalProperties"] is False, model.__name__
        written = {info.alias or name for name, info in model.model_fields.items()}
        assert set(node["properties"]) == written, model.__name__
    assert "from" in definitions["Action"]["properties"]


def test_rules_checked_in_code_are_stated_where_json_schema_can() -> None:
    definitions = process_json_schema()["definitions"]
    assert definitions["Label"]["minProperties"] == 1
    assert len(definitions["Period"]["oneOf"]) == 6
    assert definitions["Anchor"]["oneOf"] == [{"required": ["action"]}, {"required": ["field"]}]
    assert definitions["Deadline"]["anyOf"] == [{"required": ["target"]}, {"required": ["limit"]}]
    assert len(definitions["FieldCondition"]["oneOf"]) == 5


def test_descriptions_reach_the_editor() -> None:
    role = process_json_schema()["definitions"]["Role"]
    assert role["properties"]["exclusive_with"]["description"].startswith("roles one person")
