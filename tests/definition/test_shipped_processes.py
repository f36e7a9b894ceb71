"""The shipped process files check clean, and a broken copy reports every problem in place."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from kwflow.definition import check_process, parse_process, parse_process_file
from tests.support.definition import problems_of
from tests.support.paths import PROCESS_FILES

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.definition import SourceMap
    from kwflow.definition._yaml import DocPath

SHIPPED = PROCESS_FILES
pytestmark = pytest.mark.skipif(not SHIPPED, reason="processes/ has no process files yet")


def replace_token(
    text: str, source: SourceMap, path: DocPath, new: str, *, key: bool = False
) -> str:
    """``text`` with the identifier-like token at ``path`` (its value, or its key) replaced."""
    line, column = (source.keys if key else source.values)[path]
    lines = text.splitlines(keepends=True)
    before, after = lines[line - 1][: column - 1], lines[line - 1][column - 1 :]
    lines[line - 1] = before + re.sub(r"^[\w-]+", new, after, count=1)
    return "".join(lines)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_file_checks_clean(path: Path) -> None:
    problems = check_process(parse_process_file(path))
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_copy_with_shape_problems_reports_each_in_place(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    source = parse_process(text, path.name).source
    action_with_to = next(i for i, a in enumerate(parse_process(text).process.actions) if a.to)
    broken = text
    edits: list[tuple[DocPath, str, bool]] = [
        (("roles", 0, "kind"), "famly", False),
        (("deadlines", 0, "responsible"), "Not-An-Id", False),
        (("actions", action_with_to, "by"), "bye", True),
    ]
    # Each edit keeps the line and column of every other place.
    for doc_path, new, key in edits:
        broken = replace_token(broken, source, doc_path, new, key=key)
    problems = problems_of(broken, path.name)
    got = {(p.path, p.line, p.column) for p in problems}
    assert ("roles[0].kind", *source.values[("roles", 0, "kind")]) in got
    assert ("deadlines[0].responsible", *source.values[("deadlines", 0, "responsible")]) in got
    assert (
        f"actions[{action_with_to}].bye",
        *source.keys[("actions", action_with_to, "by")],
    ) in got
    assert any(p.message == "the key 'by' is missing" for p in problems)
    assert len(problems) == 4


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_copy_with_broken_references_reports_each_in_place(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    loaded = parse_process(text, path.name)
    source = loaded.source
    action_with_to = next(i for i, a in enumerate(loaded.process.actions) if a.to)
    edits: list[tuple[DocPath, str, str]] = [
        (("actions", 0, "by", 0), "nobody_at_all", "unknown-role"),
        (("actions", action_with_to, "to"), "nowhere_at_all", "unknown-phase"),
        (("deadlines", 0, "satisfied_by", 0), "never_taken", "unknown-action"),
    ]
    broken = text
    for doc_path, new, _ in edits:
        broken = replace_token(broken, source, doc_path, new)
    problems = problems_of(broken, path.name)
    for doc_path, _, rule in edits:
        line, column = source.values[doc_path]
        assert any((p.rule, p.line, p.column) == (rule, line, column) for p in problems), (
            rule,
            [str(p) for p in problems],
        )
    assert all(p.line is not None for p in problems)
