"""`kwflow explore --lang cs` prints no English sentence; English stays the default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kwflow.cli import main
from kwflow.definition import load_process
from kwflow.testing import Step, explore
from tests.support.czech import english_words
from tests.support.paths import PREVIOUS_PROCESS_FILES, PROCESS_FILES


def _ids(path: Path) -> list[str]:
    return re.findall(r"\bid:\s*([\w-]+)", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "file", [*PROCESS_FILES, *PREVIOUS_PROCESS_FILES], ids=lambda path: path.stem
)
def test_a_shipped_process_explored_in_czech_has_no_english(
    file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", str(file), "--lang", "cs"]) == 0
    output = capsys.readouterr().out
    assert "prozkoumáno úplně" in output
    assert "v pořádku" in output
    leftovers = {
        line: found for line in output.splitlines() if (found := english_words(line, _ids(file)))
    }
    assert leftovers == {}


@pytest.mark.parametrize("file", PROCESS_FILES, ids=lambda path: path.stem)
def test_a_bounded_exploration_in_czech_has_no_english(
    file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["explore", str(file), "--lang", "cs", "--depth", "3"])
    output = capsys.readouterr().out
    assert "NEÚPLNÉ" in output
    assert "hloubka 3" in output
    leftovers = {
        line: found for line in output.splitlines() if (found := english_words(line, _ids(file)))
    }
    assert leftovers == {}


def test_the_report_words_every_kind_of_step_and_condition_in_czech() -> None:
    steps = [
        Step("open", "lead", "", "intake"),
        Step("assign", "lead", "member", "intake", holder="guest"),
        Step("unassign", "lead", "member", "intake"),
        Step("submit", "lead", "intake", "intake", version="title non-empty, score absent"),
        Step("act", "lead", "finish", "review", to="done", version="result in [yes,no]"),
        Step("call_in", "member", "helper", "private", also="guest"),
        Step("dismiss", "member", "helper", "private"),
    ]
    for step in steps:
        assert english_words(step.text("cs"), [step.role, step.target, step.phase]) == []
        assert step.text("en") == str(step)
    notation = "a present, b absent, c non-empty, d empty, e not in [x], f in [y]"
    assert Step("submit", "lead", "intake", "intake", version=notation).text("cs") == (
        "[intake] lead uloží intake "
        "[a vyplněno, b nevyplněno, c neprázdné, d prázdné, e mimo [x], f z [y]]"
    )


def test_english_stays_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    file = PROCESS_FILES[0]
    main(["explore", str(file)])
    english = capsys.readouterr().out
    report = explore(load_process(file))
    first = report.to_text().splitlines()[0]
    assert english.splitlines()[1] == first == f"process {report.process_id} version 2"
    assert "explored exhaustively" in english
    assert "sound: every reachable state was explored" in english


def test_a_broken_invariant_is_named_by_its_czech_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = Path(__file__).parent / "fixtures" / "broken_invariant.yaml"
    assert main(["explore", str(file), "--lang", "cs"]) == 1
    output = capsys.readouterr().out
    assert "  invariant plan_before_review (Plán před posouzením) je porušen po 4 krocích" in output
    leftovers = {
        line: found for line in output.splitlines() if (found := english_words(line, _ids(file)))
    }
    assert leftovers == {}
