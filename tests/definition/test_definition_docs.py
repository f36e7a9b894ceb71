"""The docs of the language cannot drift from the code: their examples run here."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import TypeAdapter

from kwflow import definition
from kwflow.definition import RULES
from kwflow.definition._models import Model
from kwflow.definition._schema import REFERENCE_SECTIONS, process_json_schema, reference_markdown
from tests.support.definition import marked_blocks, merge_sections, problems_of, without_position
from tests.support.paths import DOCS, ROOT

CHECKS = DOCS / "checks.md"
FORMAT = DOCS / "process-format.md"
SCHEMA_FILE = ROOT / "schema" / "kwflow-process.schema.json"

# Rules reported while reading, not by a check function; documented all the same.
READING_RULES = ("yaml", "yaml-tag", "duplicate-key", "schema")
ACROSS_FILES_RULES = ("duplicate-process", "overlay", "file")

BASE = marked_blocks(CHECKS, "base")[0].text
EXAMPLES = {example.rule: example for example in marked_blocks(CHECKS, "example")}
OUTPUTS = {example.rule: example for example in marked_blocks(CHECKS, "output")}


def test_the_base_process_of_the_examples_is_clean() -> None:
    assert problems_of(BASE) == []


def test_every_rule_is_documented_with_an_example_and_its_output() -> None:
    headings = re.findall(r"^### ([\w-]+)$", CHECKS.read_text(encoding="utf-8"), re.MULTILINE)
    documented = set(headings)
    every = {*RULES, *READING_RULES, *ACROSS_FILES_RULES}
    assert every - documented == set(), "rules without a section in docs/checks.md"
    assert documented - every == set(), "sections for rules that do not exist"
    assert set(EXAMPLES) == {*RULES, *READING_RULES}
    assert set(OUTPUTS) == set(EXAMPLES)


def test_static_rules_are_documented_in_the_order_they_run() -> None:
    text = CHECKS.read_text(encoding="utf-8")
    static = text[text.index("<!-- rules -->") :]
    headings = [h for h in re.findall(r"^### ([\w-]+)$", static, re.MULTILINE) if h in RULES]
    assert headings == list(RULES)


def test_every_rule_function_has_a_docstring_and_summary() -> None:
    for rule in RULES.values():
        assert rule.check.__doc__, rule.id
        assert rule.summary, rule.id
        assert rule.severity in ("error", "warning")
        severity = re.search(
            rf"^### {rule.id}\n\n\*(\w+)\*", CHECKS.read_text(encoding="utf-8"), re.MULTILINE
        )
        assert severity is not None, rule.id
        assert severity.group(1) == rule.severity, rule.id


@pytest.mark.parametrize("rule", sorted(EXAMPLES))
def test_the_documented_example_reports_exactly_the_documented_problems(rule: str) -> None:
    text = merge_sections(BASE, EXAMPLES[rule].text)
    problems = problems_of(text)
    mine = [p for p in problems if p.rule == rule]
    assert mine, f"the example of {rule} does not trigger it; got {problems}"
    assert all(p.line is not None and p.column is not None for p in problems)
    expected = OUTPUTS[rule].text.splitlines()
    assert [without_position(p) for p in mine] == expected


def test_the_process_format_reference_is_generated_from_the_models() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    start, end = "<!-- reference:start -->\n", "<!-- reference:end -->"
    embedded = text[text.index(start) + len(start) : text.index(end)]
    assert embedded.strip() == reference_markdown().strip(), (
        "docs/process-format.md is stale: replace the reference section with "
        "the output of `kwflow schema --format markdown`"
    )


def test_every_model_and_key_of_the_language_is_in_the_reference() -> None:
    covered = {model for _, model in REFERENCE_SECTIONS}
    for name in definition.__all__:
        value = getattr(definition, name)
        if isinstance(value, type) and issubclass(value, Model) and value is not Model:
            assert value in covered, f"{name} is missing from the reference"
    reference = reference_markdown()
    for _, model in REFERENCE_SECTIONS:
        for name, info in model.model_fields.items():
            assert f"| `{info.alias or name}` |" in reference


@pytest.mark.parametrize(
    "page", [FORMAT, DOCS / "editor-setup.md", DOCS / "pro-metodiky.md"], ids=lambda p: p.name
)
def test_every_full_process_in_the_docs_loads_and_checks_clean(page: object) -> None:
    from pathlib import Path

    assert isinstance(page, Path)
    blocks = marked_blocks(page, "process")
    for block in blocks:
        problems = problems_of(block.text, f"{page.name}:{block.line}")
        assert [str(p) for p in problems if p.severity == "error"] == []


def test_every_fragment_in_the_format_docs_validates_against_its_model() -> None:
    blocks = marked_blocks(FORMAT, "model")
    assert blocks, "process-format.md has no model examples"
    blocks += marked_blocks(DOCS / "pro-metodiky.md", "model")
    models = {model.__name__: model for _, model in REFERENCE_SECTIONS}
    for block in blocks:
        model = models[block.rule]
        from kwflow.definition import parse_yaml

        data, _ = parse_yaml(f"items:\n{_indent(block.text)}")
        items = data["items"]
        TypeAdapter(list[model]).validate_python(items if isinstance(items, list) else [items])  # type: ignore[valid-type]


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def test_the_committed_json_schema_is_up_to_date() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == process_json_schema(), (
        "schema/kwflow-process.schema.json is stale: run "
        "`kwflow schema --output schema/kwflow-process.schema.json`"
    )
