"""A methodologist's typical mistakes get plain messages in English and Czech.

Each file in ``fixtures/mistakes/`` holds one mistake people make when they
write a process file by hand. `kwflow check` must name the line (counted
from 1), give the right form where there is one, and use no parser jargon
("block mapping", "scalar", pydantic's "Input should be", Python type names)
in either language; the Czech text must pass the English-leak detector.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kwflow.cli import main
from kwflow.cli._main import EXIT_PROBLEMS
from kwflow.definition import MAX_FILE_BYTES, parse_yaml, problem_text
from kwflow.exceptions import DefinitionError
from tests.support.czech import assert_czech
from tests.support.definition import problems_of

MISTAKES = Path(__file__).parent / "fixtures" / "mistakes"
JARGON = re.compile(
    r"block mapping|block collection|block end|scalar|mapping start|Input should be|"
    r"\b(?:dict|str|tuple|NoneType|bool_parsing|int_parsing)\b|<block|token",
    re.IGNORECASE,
)

# file: (line named in the message or quoted, a part of the right form or None)
EXPECTED: dict[str, tuple[int, str | None]] = {
    "indent-too-deep": (16, "    initial: true"),
    "indent-too-shallow": (15, "    present: [worker]"),
    "indent-key-after-list": (18, "    present: [worker]"),
    "indent-under-value": (14, None),
    "tab": (10, None),
    "missing-colon": (5, None),
    "colon-in-text": (5, 'cs: "Proces: nejmenší"'),
    "limit-in-words": (6, "limit: {working_days: 5}"),
    "missing-version": (2, "version: 1"),
    "label-without-cs": (16, "'cs'"),
    "list-for-mapping": (8, "label: {cs: Pracovník, en: Worker}"),
    "unknown-field-type": (16, "text"),
    "misspelt-key": (17, "'outcome'"),
    "duplicate-key": (23, None),
    "text-for-number": (10, None),
    "version-in-words": (3, "version: 2"),
    "unclosed-bracket": (21, None),
    "unclosed-quote": (5, None),
}


def test_every_mistake_file_is_in_the_table() -> None:
    assert {p.stem for p in MISTAKES.glob("*.yaml")} == set(EXPECTED)
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_mistake_is_named_plainly_in_both_languages(name: str) -> None:
    path = MISTAKES / f"{name}.yaml"
    problems = problems_of(path.read_bytes(), path.name)
    assert problems, name
    problem = problems[0]
    line, right = EXPECTED[name]
    for lang in ("en", "cs"):
        text = problem_text(problem, lang, for_people=True)
        assert JARGON.search(text) is None, text
        # The line of the mistake, counted from 1: where it is reported,
        # named in the message, or quoted under it.
        assert (
            problem.line == line
            or f"line {line}" in text
            or f"řádku {line}" in text
            or f"\n{line:>6} | " in text
        ), text
        if right is not None:
            assert right in text, text
        # Places are counted from 1 and named, never "phases[1]".
        assert not re.search(r"\w\[\d+\]", text.split("\n")[0]), text
    assert_czech(problem)


def test_indentation_is_named_as_such() -> None:
    for name in ("indent-too-deep", "indent-too-shallow", "indent-key-after-list"):
        path = MISTAKES / f"{name}.yaml"
        [problem] = problems_of(path.read_bytes(), path.name)
        assert "indentation" in problem_text(problem, "en", for_people=True)
        czech = problem_text(problem, "cs", for_people=True)
        assert "odsazení" in czech
        assert "myslel(a) jste 'present'" not in czech


def test_a_key_one_level_too_deep_or_too_shallow_says_where_it_belongs() -> None:
    path = MISTAKES / "indent-too-deep.yaml"
    [problem] = problems_of(path.read_bytes())
    assert problem.code == "schema.misplaced-key"
    assert "o úroveň výš, k položce fáze 1 ('open')" in problem_text(problem, "cs")
    path = MISTAKES / "indent-key-after-list.yaml"
    [problem] = problems_of(path.read_bytes())
    assert "belongs one level deeper, to phase 2 ('closed')" in problem.message
    assert problem.params["reference"] == "process-format.md#phase"


def test_strict_makes_a_missing_czech_label_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(MISTAKES / "label-without-cs.yaml")
    assert main(["check", "--lang", "cs", path]) == 0
    assert "varování: tento popisek nemá český text" in capsys.readouterr().out
    assert main(["check", "--lang", "cs", "--strict", path]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "chyba: tento popisek nemá český text" in out
    assert out.splitlines()[-1] == "1 soubor zkontrolován, 1 s problémy: 1 chyba, 0 varování"


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"id: x\n" + b"#" * MAX_FILE_BYTES)
    for text in (big.read_bytes(), big.read_text(encoding="utf-8")):
        with pytest.raises(DefinitionError) as caught:
            parse_yaml(text, "big.yaml")
        [problem] = caught.value.problems
        assert problem.code == "yaml.too-large"
        assert_czech(problem)
    [problem] = problems_of(big.read_bytes(), "big.yaml")
    assert problem.code == "yaml.too-large"
    # Exactly at the limit is still read.
    data, _ = parse_yaml(b"id: x\n" + b"#" * (MAX_FILE_BYTES - 6))
    assert data == {"id": "x"}


def test_one_line_and_pretty_forms_of_a_large_file_give_the_same_process() -> None:
    import json

    import yaml

    from kwflow.definition import load_process_text

    pretty = (MISTAKES.parent / "valid_full.yaml").read_text(encoding="utf-8")
    data, _ = parse_yaml(pretty)
    # Many long descriptions make a file with long lines and many brackets:
    # the cheap nesting bound fails and the exact measure decides.
    roles = list(data["roles"])
    for i, role in enumerate(roles * 40):
        copy = dict(role, id=f"{role['id']}_{i}", description={"cs": "Popis " * 500})
        data["roles"].append(copy)
    one_line = json.dumps(data, ensure_ascii=False, default=str)
    block = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    assert "\n" not in one_line
    first = load_process_text(one_line, check=False)
    assert load_process_text(block, check=False) == first
    assert len(first.roles) == len(roles) * 41


def test_the_mistakes_in_the_docs_say_what_the_docs_show() -> None:
    from tests.support.definition import marked_blocks, merge_sections
    from tests.support.paths import DOCS

    page = DOCS / "checks.md"
    base = marked_blocks(page, "base")[0].text
    said = {block.rule: block.text for block in marked_blocks(page, "said")}
    mistakes = marked_blocks(page, "mistake")
    assert {m.rule for m in mistakes} == set(said)
    assert len(mistakes) >= 4
    for mistake in mistakes:
        problems = problems_of(merge_sections(base, mistake.text))
        shown = [
            problem_text(p, lang, for_people=True).split(": ", 1)[1]
            for lang in ("en", "cs")
            for p in problems
        ]
        assert "\n".join(shown) + "\n" == said[mistake.rule], mistake.rule


def test_the_process_to_copy_in_the_czech_guide_is_clean_and_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.definition import marked_blocks
    from tests.support.paths import DOCS

    [block] = [
        b
        for b in marked_blocks(DOCS / "pro-metodiky.md", "process")
        if b.rule == "setkani_s_rodinou"
    ]
    path = tmp_path / "muj_proces.yaml"
    path.write_text(block.text, encoding="utf-8")
    assert problems_of(block.text) == []
    assert main(["check", "--lang", "cs", "--strict", str(path)]) == 0
    assert main(["explore", str(path)]) == 0
    assert "no problem was found" in capsys.readouterr().out


def test_the_indentation_example_in_the_czech_guide_is_real() -> None:
    from tests.support.paths import DOCS

    page = (DOCS / "pro-metodiky.md").read_text(encoding="utf-8")
    path = MISTAKES / "indent-too-shallow.yaml"
    [problem] = problems_of(path.read_bytes(), "processes/muj_proces.yaml")
    shown = problem_text(problem, "cs", for_people=True)
    assert "\n".join("    " + line for line in shown.splitlines()) in page


def test_a_key_of_the_language_in_a_far_place_is_never_suggested_as_itself() -> None:
    # 'present' two levels away from any phase: not a neighbour's key.
    text = (MISTAKES.parent / "valid_minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    max: 1\n", "    max: 1\n    present: [worker]\n")
    [problem] = problems_of(text)
    assert problem.code == "schema.unknown-key"
    assert problem.params["hint_code"] == "key-elsewhere"
    assert "did you mean" not in problem_text(problem, "en", for_people=True)
    czech = problem_text(problem, "cs", for_people=True)
    assert "myslel(a) jste 'present'" not in czech
    assert "zkontrolujte, kam je odsazený" in czech
    assert_czech(problem)
