"""Czech wording of problems: every part rendered, and no English left in it.

Process files (`kwflow check --lang cs`) and scenario files (`kwflow
simulate --lang cs`) share the templates, so their tests share this check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kwflow.authoring import SCENARIO_TEMPLATES as TEMPLATES
from kwflow.definition import czech

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kwflow.exceptions import Problem

# English words that never belong in a Czech sentence ("a", "to" and "je" are Czech).
_ENGLISH = re.compile(
    r"\b(the|is|are|not|no|of|an|in|be|can|cannot|must|expected|found|unknown|did|you|mean|"
    r"any|none|has|have|with|or|and|it|this|that|from|one|used|twice|here|there|at|"
    r"phase|action|artifact|deadline|guard|field|label|key|value|text|file|line|column|"
    r"should|never|every|which|wrong|allowed|missing|mapping|list|number|whole|"
    r"give|step|steps|person|people|needs|belongs|say|time|input|valid|string|integer|"
    r"boolean|dictionary|tuple|pattern|match|process|scenario|run|such|directory)\b",
    re.IGNORECASE,
)
# What stays as written in Czech text: quoted names, keys and values, and type names.
_VERBATIM = re.compile(r"'[^']*'|\"[^\"]*\"|„[^“]*“|\[[^\]]*\]|\{[^}]*\}|\([^)]*:[^)]*\)")
_TYPE_NAMES = {"text", "list", "date", "datetime", "true", "false", "null", "int", "money"}


def english_left_in(text: str, problem: Problem) -> list[str]:
    """English words in ``text`` that are not names, keys or values the problem quotes."""
    return english_words(text, problem.params.values())


def english_words(text: str, names: Iterable[str] = ()) -> list[str]:
    """English words in ``text`` outside quotes, type names and the words of ``names``
    (ids and values the text names, which may be English words)."""
    allowed = {word for value in names for word in re.findall(r"\w+", value)}
    stripped = _VERBATIM.sub(" ", text)
    return [
        word
        for word in _ENGLISH.findall(stripped)
        if word not in allowed and word.lower() not in _TYPE_NAMES
    ]


def assert_czech(problem: Problem) -> None:
    """The problem has a template, every part renders in Czech, and nothing English leaks."""
    assert problem.code in TEMPLATES, f"no Czech template for {problem.code!r}: {problem}"
    parts = czech(problem, TEMPLATES)
    assert parts.missing == (), f"{problem}: no Czech for {parts.missing}"
    assert parts.message != problem.message, problem
    for name in ("message", "expected", "found", "hint"):
        english = getattr(problem, name)
        cs = getattr(parts, name)
        assert (cs is None) == (not english), (name, problem)
        if cs is not None:
            assert english_left_in(cs, problem) == [], (name, cs, problem)
