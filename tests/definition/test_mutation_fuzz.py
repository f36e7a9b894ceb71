"""Mutated process files: every result is a Process or a DefinitionError with positions.

Hypothesis starts from valid files (the fixtures and, once they exist, the
shipped processes) and breaks them the way people and tools do: a key
dropped, a reference renamed, a value of the wrong type, the text cut short,
lines swapped, duplicated or re-indented, bytes garbled. Whatever comes out,
loading either succeeds or raises DefinitionError whose every problem has a
line and a column inside the file; never another exception.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwflow.definition import check_process, load_process_text, parse_process, parse_yaml
from kwflow.exceptions import DefinitionError
from tests.support.definition import FIXTURES
from tests.support.paths import PROCESS_FILES

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from kwflow.exceptions import Problem

SEEDS: list[Path] = [
    FIXTURES / "valid_minimal.yaml",
    FIXTURES / "valid_full.yaml",
    *PROCESS_FILES,
]

# Profile-independent settings only: the number of examples is left to the
# active hypothesis profile.
fuzz = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_well_behaved(text: str | bytes) -> None:
    """Loading ``text`` gives a Process or a DefinitionError with positions, nothing else."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    lines = raw.count(b"\n") + raw.count(b"\r") + 2
    try:
        loaded = parse_process(text, "fuzz.yaml")
    except DefinitionError as exc:
        error: DefinitionError | None = exc
    else:
        error = None
    if error is not None:
        assert error.problems
        assert str(error)
        positioned(error.problems, lines)
        return
    positioned(check_process(loaded), lines)
    try:
        load_process_text(text, "fuzz.yaml")
    except DefinitionError as exc:
        error = exc
    if error is not None:
        positioned(error.problems, lines)


def positioned(problems: Iterable[Problem], lines: int) -> None:
    for problem in problems:
        assert problem.line is not None, problem
        assert problem.column is not None, problem
        assert 1 <= problem.line <= lines, problem
        assert problem.file == "fuzz.yaml"


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def paths_of(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*path, index))
    return found


def parent_and_key(data: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    node = data
    for segment in path[:-1]:
        node = node[segment]
    return node, path[-1]


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


seeds = st.sampled_from(SEEDS)
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["id", "cs", "x", "type"]), st.text(max_size=5), max_size=2),
)


def test_the_seeds_are_valid() -> None:
    for path in SEEDS:
        load_process_text(seed_text(path), str(path))


@fuzz
@given(seed=seeds, data=st.data())
def test_dropping_a_key(seed: Path, data: st.DataObject) -> None:
    document, _ = parse_yaml(seed_text(seed))
    keyed = [p for p in paths_of(document) if p and isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(keyed))
    mutated = copy.deepcopy(document)
    parent, key = parent_and_key(mutated, path)
    del parent[key]
    assert_well_behaved(dump(mutated))


@fuzz
@given(seed=seeds, data=st.data())
def test_renaming_a_reference(seed: Path, data: st.DataObject) -> None:
    document, _ = parse_yaml(seed_text(seed))
    texts = [p for p in paths_of(document) if p and isinstance(_at(document, p), str)]
    path = data.draw(st.sampled_from(texts))
    others = sorted({str(_at(document, p)) for p in texts})
    new = data.draw(
        st.one_of(
            st.sampled_from(others),
            st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
            st.text(max_size=10),
        )
    )
    mutated = copy.deepcopy(document)
    parent, key = parent_and_key(mutated, path)
    parent[key] = new
    assert_well_behaved(dump(mutated))


@fuzz
@given(seed=seeds, data=st.data())
def test_changing_a_value_type(seed: Path, data: st.DataObject) -> None:
    document, _ = parse_yaml(seed_text(seed))
    path = data.draw(st.sampled_from([p for p in paths_of(document) if p]))
    mutated = copy.deepcopy(document)
    parent, key = parent_and_key(mutated, path)
    parent[key] = data.draw(odd_values)
    assert_well_behaved(dump(mutated))


@fuzz
@given(seed=seeds, data=st.data())
def test_truncating_the_text(seed: Path, data: st.DataObject) -> None:
    text = seed_text(seed)
    assert_well_behaved(text[: data.draw(st.integers(0, len(text)))])


@fuzz
@given(seed=seeds, data=st.data())
def test_editing_lines(seed: Path, data: st.DataObject) -> None:
    lines = seed_text(seed).splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    other = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(st.sampled_from(["swap", "duplicate", "delete", "indent", "dedent", "insert"]))
    if edit == "swap":
        lines[index], lines[other] = lines[other], lines[index]
    elif edit == "duplicate":
        lines.insert(other, lines[index])
    elif edit == "delete":
        del lines[index]
    elif edit == "indent":
        lines[index] = "  " + lines[index]
    elif edit == "dedent":
        lines[index] = lines[index].removeprefix("  ")
    else:
        lines.insert(index, data.draw(st.text(max_size=30)) + "\n")
    assert_well_behaved("".join(lines))


@fuzz
@given(seed=seeds, data=st.data())
def test_garbling_bytes(seed: Path, data: st.DataObject) -> None:
    raw = seed_text(seed).encode()
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, min(len(raw), start + 16)))
    assert_well_behaved(raw[:start] + data.draw(st.binary(max_size=16)) + raw[end:])


@fuzz
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_arbitrary_input(text: str | bytes) -> None:
    assert_well_behaved(text)


@fuzz
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(
                st.sampled_from(
                    ["id", "version", "roles", "phases", "actions", "label", "from", "x"]
                ),
                children,
                max_size=4,
            ),
        ),
        max_leaves=20,
    )
)
def test_arbitrary_yaml_documents(document: Any) -> None:
    assert_well_behaved(dump(document))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_prefixes_of_a_seed_are_handled(seed: Path) -> None:
    # Cut after every line of the small fixtures; after every 13th line of
    # the long shipped files (about 40 ms a load), to keep the suite quick.
    lines = seed_text(seed).splitlines(keepends=True)
    step = 1 if len(lines) < 300 else 13
    for end in range(0, len(lines) + 1, step):
        assert_well_behaved("".join(lines[:end]))


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for segment in path:
        node = node[segment]
    return node
