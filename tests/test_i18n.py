"""`kwflow.i18n`: one language type, one Czech plural rule, one way to write a text.

Every layer words its texts with `kwflow.i18n`; the scans at the end fail
when a module grows its own language type or its own plural rule again.
"""

from __future__ import annotations

import ast
import doctest
from pathlib import Path
from typing import TypeGuard

import pytest

import kwflow.i18n
from kwflow.i18n import (
    LANGUAGES,
    Catalogue,
    Noun,
    czech_plural,
    english_plural,
    render,
    say,
)

SRC = Path(kwflow.i18n.__file__).parent
FORMS = ("den", "dny", "dní")


# ------------------------------------------------------------------ plurals


@pytest.mark.parametrize(
    ("count", "form"),
    [
        (0, "dní"),
        (1, "den"),
        (2, "dny"),
        (3, "dny"),
        (4, "dny"),
        (5, "dní"),
        (11, "dní"),
        (12, "dní"),
        (21, "dní"),
        (22, "dní"),
        (100, "dní"),
        (101, "dní"),
    ],
)
def test_czech_counts_take_three_forms(count: int, form: str) -> None:
    # One for 1, one for 2 to 4, one for 0 and 5 and more: "21 dní", not "21 den".
    assert czech_plural(count, *FORMS) == form


def test_english_counts_take_two_forms() -> None:
    assert [english_plural(n, "day", "days") for n in (0, 1, 2, 5)] == [
        "days",
        "day",
        "days",
        "days",
    ]


def test_a_noun_is_counted_in_either_language() -> None:
    days = Noun(cs=FORMS, en=("day", "days"))
    assert [days.counted(n, "cs") for n in (1, 2, 5)] == ["1 den", "2 dny", "5 dní"]
    assert [days.counted(n, "en") for n in (1, 2, 5)] == ["1 day", "2 days", "5 days"]
    assert days.form(3, "cs") == "dny"


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("count", "text"),
    [("1", "1 položku"), ("3", "3 položky"), ("0", "0 položek"), ("7", "7 položek")],
)
def test_the_plural_spec_counts_in_czech(count: str, text: str) -> None:
    assert render("{n:plural:položku|položky|položek}", {"n": count}) == text


def test_the_plural_spec_with_two_forms_counts_in_english() -> None:
    assert render("{n:plural:file|files}", {"n": "1"}) == "1 file"
    assert render("{n:plural:file|files}", {"n": "2"}) == "2 files"


def test_the_or_spec_stands_in_for_an_empty_fact() -> None:
    assert render("přítomni: {who:or:nikdo}", {"who": ""}) == "přítomni: nikdo"
    assert render("přítomni: {who:or:nikdo}", {"who": "worker"}) == "přítomni: worker"


def test_a_template_quotes_and_fills_as_str_format_does() -> None:
    assert render("role {role!r} v {{cs: ...}}", {"role": "worker"}) == "role 'worker' v {cs: ...}"


def test_a_template_may_be_a_function_of_the_facts() -> None:
    assert render(lambda facts: facts["a"].upper(), {"a": "x"}) == "X"


def test_a_missing_fact_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        render("{missing}", {})


def test_say_looks_up_a_catalogue() -> None:
    catalogue: Catalogue = {"ok": {"cs": "{file}: v pořádku", "en": "{file}: ok"}}
    assert say(catalogue, "ok", "cs", file="a.yaml") == "a.yaml: v pořádku"
    assert say(catalogue, "ok", "en", file="a.yaml") == "a.yaml: ok"


def test_the_examples_in_the_docstrings_hold() -> None:
    results = doctest.testmod(kwflow.i18n)
    assert results.attempted > 0
    assert results.failed == 0


def test_czech_comes_first() -> None:
    assert LANGUAGES == ("cs", "en")


# ------------------------------------------------------- one of each, scanned


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(SRC.rglob("*.py"))
    ]


def _is_language_literal(node: ast.AST) -> TypeGuard[ast.Subscript]:
    """``Literal["cs", "en"]`` in any order, as a subscript of ``Literal``."""
    if not isinstance(node, ast.Subscript):
        return False
    name = node.value
    if not (
        (isinstance(name, ast.Name) and name.id == "Literal")
        or (isinstance(name, ast.Attribute) and name.attr == "Literal")
    ):
        return False
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    values = {item.value for item in items if isinstance(item, ast.Constant)}
    return values == {"cs", "en"}


def _is_czech_plural_rule(node: ast.AST) -> TypeGuard[ast.Compare]:
    """A comparison ``2 <= count <= 4``: the heart of the Czech plural rule."""
    return (
        isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Constant)
        and node.left.value == 2
        and len(node.comparators) == 2
        and isinstance(node.comparators[1], ast.Constant)
        and node.comparators[1].value == 4
    )


def test_the_scans_see_what_they_look_for() -> None:
    tree = ast.parse(
        'Language = Literal["en", "cs"]\nx = one if n == 1 else few if 2 <= n <= 4 else m'
    )
    nodes = list(ast.walk(tree))
    assert any(_is_language_literal(node) for node in nodes)
    assert any(_is_czech_plural_rule(node) for node in nodes)


def test_there_is_one_language_type() -> None:
    own = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, tree in _modules()
        if path.name != "i18n.py"
        for node in ast.walk(tree)
        if _is_language_literal(node)
    ]
    assert own == [], f"use kwflow.i18n.Language instead of a Literal of its own: {own}"


def test_there_is_one_czech_plural_rule() -> None:
    own = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, tree in _modules()
        if path.name != "i18n.py"
        for node in ast.walk(tree)
        if _is_czech_plural_rule(node)
    ]
    assert own == [], f"use kwflow.i18n.czech_plural or Noun instead: {own}"
