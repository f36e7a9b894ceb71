"""Reading process files and docs examples, for the tests of kwflow.definition."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kwflow.definition import check_process, parse_process
from kwflow.exceptions import DefinitionError, Problem

from .paths import TESTS

if TYPE_CHECKING:
    from pathlib import Path

FIXTURES = TESTS / "definition" / "fixtures"
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.yaml"))
"""One process file per check rule, named after it, that breaks it where its ``# expect:`` says."""

_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):")


def sections(text: str) -> dict[str, str]:
    """Split YAML text into its top-level sections, keyed by top-level key, in order."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        match = _TOP_KEY.match(line)
        if match:
            current = found.setdefault(match.group(1), [])
        if current is not None:
            current.append(line)
    return {key: "".join(lines) for key, lines in found.items()}


def merge_sections(base: str, fragment: str) -> str:
    """``base`` with the top-level sections of ``fragment`` put in place of its own."""
    merged = sections(base)
    merged.update(sections(fragment))
    return "".join(text if text.endswith("\n") else text + "\n" for text in merged.values())


def problems_of(text: str | bytes, filename: str = "example.yaml") -> list[Problem]:
    """Every problem loading and checking ``text`` reports (warnings included)."""
    try:
        loaded = parse_process(text, filename)
    except DefinitionError as exc:
        return list(exc.problems)
    return check_process(loaded)


def without_position(problem: Problem) -> str:
    """A problem as `kwflow check` prints it, minus ``file:line:column:``."""
    return str(problem).split(": ", 1)[1]


@dataclass(frozen=True)
class DocExample:
    """A YAML block in a docs page, marked ``<!-- example: RULE -->``."""

    rule: str
    text: str
    line: int  # where the block starts in the page


_BLOCK = re.compile(
    r"<!-- (?P<kind>example|output|base|process|model|mistake|said): ?(?P<name>[\w-]*) ?-->\n"
    r"```(?P<lang>\w*)\n(?P<body>.*?)```",
    re.DOTALL,
)


def marked_blocks(page: Path, kind: str) -> list[DocExample]:
    """The fenced blocks of ``page`` preceded by ``<!-- kind: name -->``."""
    text = page.read_text(encoding="utf-8")
    return [
        DocExample(m.group("name"), m.group("body"), text.count("\n", 0, m.start()) + 2)
        for m in _BLOCK.finditer(text.replace("<!-- base -->", "<!-- base: base -->"))
        if m.group("kind") == kind
    ]
