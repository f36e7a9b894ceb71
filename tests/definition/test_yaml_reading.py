"""Reading YAML: plain data, positions, and refusing what YAML readers silently accept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from kwflow.definition import SourceMap, _yaml, parse_yaml
from kwflow.definition._yaml import MAX_NODES, format_path
from kwflow.exceptions import DefinitionError, Problem
from tests.support.definition import FIXTURES
from tests.support.paths import PROCESS_FILES

if TYPE_CHECKING:
    from pathlib import Path


def problems(text: str | bytes) -> list[Problem]:
    with pytest.raises(DefinitionError) as caught:
        parse_yaml(text, "f.yaml")
    assert all(p.line is not None and p.column is not None for p in caught.value.problems)
    return list(caught.value.problems)


def test_positions_of_keys_values_and_items_are_one_based() -> None:
    data, source = parse_yaml("id: x\nroles:\n  - id: a\n    kind: family\n  - {id: b}\n")
    assert data == {"id": "x", "roles": [{"id": "a", "kind": "family"}, {"id": "b"}]}
    assert source.values[()] == (1, 1)
    assert source.keys[("id",)] == (1, 1)
    assert source.values[("id",)] == (1, 5)
    assert source.values[("roles", 0)] == (3, 5)
    assert source.keys[("roles", 0, "kind")] == (4, 5)
    assert source.values[("roles", 0, "kind")] == (4, 11)
    assert source.values[("roles", 1, "id")] == (5, 10)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    _, source = parse_yaml("a:\n  b: 1\n")
    assert source.locate(("a", "b", "c", 3)) == ((2, 6), ("a", "b"))
    assert source.locate(("a", "b"), key=True) == ((2, 3), ("a", "b"))
    assert source.locate(("zzz",)) == ((1, 1), ())
    assert SourceMap("x").locate(("a",)) == ((1, 1), ())


def test_format_path() -> None:
    assert format_path(("actions", 3, "requires", "artifacts", 0)) == (
        "actions[3].requires.artifacts[0]"
    )
    assert format_path(()) == ""


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    data, _ = parse_yaml(
        "a: no\nb: yes\nc: On\nd: true\ne: FALSE\nf: 010\ng: 0x1F\nh: 0o17\ni: 1.5\n"
        "j: ~\nk:\nl: 2026-10-27\nm: 2026-10-27T09:30:00Z\nn: .inf\no: 1:20\np: '5'\n"
    )
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "On",
        "d": True,
        "e": False,
        "f": 10,
        "g": 31,
        "h": 15,
        "i": 1.5,
        "j": None,
        "k": None,
        "l": date(2026, 10, 27),
        "m": datetime(2026, 10, 27, 9, 30, tzinfo=UTC),
        "n": float("inf"),
        "o": "1:20",
        "p": "5",
    }


def test_explicit_core_tags_are_allowed_and_checked() -> None:
    data, _ = parse_yaml("a: !!str 5\nb: !!int '7'\n")
    assert data == {"a": "5", "b": 7}
    [problem] = problems("a: !!int seven\n")
    assert (problem.line, problem.column, problem.rule) == (1, 4, "yaml")
    [problem] = problems("a: !!timestamp yesterday\n")
    assert problem.message == "'yesterday' is not a valid !!timestamp value"
    [problem] = problems("a: 2026-02-30\n")
    assert problem.path == "a"


def test_a_duplicate_key_is_an_error_at_the_second_key() -> None:
    [problem] = problems("id: a\nroles:\n  - id: x\n    kind: family\n    kind: child\n")
    assert (problem.line, problem.column) == (5, 5)
    assert problem.rule == "duplicate-key"
    assert problem.path == "roles[0].kind"
    assert problem.hint is not None
    assert "line 4, column 5" in problem.hint


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hi']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 5\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x, y}\n",
        "!!python/str a: 1\n",
    ],
)
def test_tags_that_build_objects_are_refused(text: str) -> None:
    [problem] = problems(text)
    assert problem.rule == "yaml-tag"
    assert problem.line == 1


def test_every_duplicate_and_tag_is_reported_at_once() -> None:
    found = problems("a: 1\na: 2\nb: !x 1\nc: {d: 1, d: 2}\ne: !!python/none ''\n")
    assert [(p.rule, p.line) for p in found] == [
        ("duplicate-key", 2),
        ("yaml-tag", 3),
        ("duplicate-key", 4),
        ("yaml-tag", 5),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a: {b: 1\nc: 2\n", 2, 2),
        ("a:\n\t- 1\n", 2, 1),
        ("a: b: c\n", 1, 5),
        ("a: 'unterminated\n", 2, 1),
        ("- a\nb: 1\n", 2, 1),
        ("a: 1\n---\nb: 2\n", 2, 1),
        ("a: *missing\n", 1, 4),
        ("a:\n  b: 1\n c: 2\n", 3, 2),
    ],
)
def test_a_syntax_error_is_one_problem_at_the_parser_position(
    text: str, line: int, column: int
) -> None:
    [problem] = problems(text)
    assert problem.rule == "yaml"
    assert (problem.line, problem.column) == (line, column)
    # Named in plain words (issue 15), or in PyYAML's where no plain words fit.
    assert problem.code is not None
    assert problem.code.startswith("yaml")
    assert problem.params["line_text"] == text.split("\n")[int(problem.params["line"]) - 1]


def test_a_syntax_error_points_back_where_the_construct_began() -> None:
    [problem] = problems("title: {cs: a, en: b\nopener: x\n")
    assert problem.message.startswith("the bracket '{' opened on line 1 is not closed")
    assert problem.hint == "the reader noticed it on line 2"
    [problem] = problems("a:\n\t- 1\n")
    assert problem.message == "line 2 is indented with a tab; YAML indents with spaces only"
    [problem] = problems("a: 1\n---\nb: 2\n")
    assert problem.hint is not None
    assert problem.hint.endswith("remove the '---' separator")


def test_bytes_must_be_utf8_and_a_bom_is_fine() -> None:
    [problem] = problems(b"id: a\nname: caf\xe9\n")
    assert (problem.line, problem.column) == (2, 10)
    assert problem.expected == "UTF-8 text"
    data, _ = parse_yaml("\ufeffid: a\n".encode())
    assert data == {"id": "a"}
    data, _ = parse_yaml("\ufeffid: a\n")
    assert data == {"id": "a"}


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n", b""])
def test_an_empty_file(text: str | bytes) -> None:
    [problem] = problems(text)
    assert problem.message == "the file is empty"


@pytest.mark.parametrize(
    ("text", "found"), [("- a\n", "a list"), ("just text\n", "'just text'"), ("5\n", "5")]
)
def test_the_top_level_must_be_a_mapping(text: str, found: str) -> None:
    [problem] = problems(text)
    assert problem.found == found


def test_control_characters_are_refused_with_their_position() -> None:
    [problem] = problems("a: 1\nb: x\x00y\n")
    assert (problem.line, problem.column) == (2, 5)


def test_a_recursive_alias_is_refused() -> None:
    [problem] = problems("a: &x [1, *x]\n")
    assert problem.message == "an alias refers to a value that contains it"


def test_an_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    [problem] = problems("\n".join(lines) + "\n")
    assert str(MAX_NODES) in problem.message


def test_honest_aliases_expand() -> None:
    data, _ = parse_yaml("base: &l {cs: a, en: b}\ncopy: *l\n")
    assert data["copy"] == {"cs": "a", "en": "b"}


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    [problem] = problems("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problem.rule == "yaml"
    [problem] = problems("a: " + "[" * 150 + "]" * 150 + "\n")
    assert problem.message == "the document is nested too deeply"


def test_a_complex_key_is_refused() -> None:
    [problem] = problems("? [a, b]\n: 1\n")
    assert problem.message == "a key must be plain text, not a list or mapping"


def test_non_text_keys_are_read_as_the_text_they_show() -> None:
    data, source = parse_yaml("1: a\ntrue: b\nnull: c\n")
    assert data == {"1": "a", "true": "b", "null": "c"}
    assert source.keys[("true",)] == (2, 1)


def test_a_merge_key_is_just_a_key() -> None:
    # '<<' would copy entries whose positions mislead; the loader then
    # reports it as an unknown key.
    data, _ = parse_yaml("a: &x {b: 1}\nc:\n  <<: *x\n")
    assert data == {"a": {"b": 1}, "c": {"<<": {"b": 1}}}


def _marks(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = [
        (path, node.tag, node.start_mark.line, node.start_mark.column, type(node).__name__)
    ]
    if isinstance(node, yaml.ScalarNode):
        found.append((path, node.value))  # style differs ('' or None) and is unused
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += _marks(key, (*path, "key", key.value))
            found += _marks(value, (*path, key.value))
    else:
        for index, item in enumerate(node.value):
            found += _marks(item, (*path, index))
    return found


@pytest.mark.skipif(_yaml._FAST is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    "path",
    [*sorted(FIXTURES.rglob("*.yaml")), *PROCESS_FILES],
    ids=lambda p: p.name,
)
def test_libyaml_and_the_pure_reader_compose_the_same_nodes(path: Path) -> None:
    # The fast path is only an optimisation: positions must not depend on it.
    text = path.read_text(encoding="utf-8")
    try:
        pure = yaml.compose(text, Loader=_yaml._Loader)
    except yaml.YAMLError:
        return  # a fixture of a syntax error: reported by the pure reader anyway
    assert _yaml._FAST is not None
    assert _marks(yaml.compose(text, Loader=_yaml._FAST)) == _marks(pure)


def test_the_nesting_bound_is_an_upper_bound() -> None:
    text = "a:\n- b:\n  - c: [d, {e: [f]}]\n"
    assert _yaml._nesting_bound(text) >= 8
    assert _yaml._nesting_bound("a: " + "[" * 3000 + "]" * 3000) > _yaml._FAST_DEPTH_LIMIT
