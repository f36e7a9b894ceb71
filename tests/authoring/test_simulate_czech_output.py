"""`kwflow simulate --lang cs` prints no English sentence, refused steps included."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from kwflow.cli import main
from tests.support.czech import english_words
from tests.support.paths import PROCESS_FILES, SCENARIO_FILES

if TYPE_CHECKING:
    from pathlib import Path

# Ids of the shipped processes (roles, actions, outcomes...) appear in Czech
# text as names; some are English words ("declined").
_NAMES = {
    name
    for path in PROCESS_FILES
    for name in re.findall(r"\bid:\s*([\w-]+)", path.read_text(encoding="utf-8"))
}


def _simulate(file: Path, capsys: pytest.CaptureFixture[str]) -> str:
    status = main(["simulate", str(file), "--lang", "cs"])
    out, err = capsys.readouterr()
    assert status == 0, out + err
    return out + err


@pytest.mark.parametrize("file", SCENARIO_FILES, ids=lambda path: path.stem)
def test_a_shipped_scenario_in_czech_has_no_english(
    file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _simulate(file, capsys)
    # People and their notes are the scenario's: its person ids count as names.
    people = re.findall(r"\b(?:who|by|person|opened_by):\s*([\w-]+)", file.read_text("utf-8"))
    # A case id a scenario makes up ("scenario-<title>") is an identifier, not text.
    leftovers = {
        line: found
        for line in output.splitlines()
        if (found := english_words(re.sub(r"\bscenario-[\w-]+", "", line), [*_NAMES, *people]))
    }
    assert leftovers == {}


def test_the_shipped_scenarios_refuse_steps_and_say_why_in_czech(
    capsys: pytest.CaptureFixture[str],
) -> None:
    refused = [
        line
        for file in SCENARIO_FILES
        for line in _simulate(file, capsys).splitlines()
        if "odmítnuto" in line
    ]
    assert refused, "the shipped scenarios refuse some steps"
    for line in refused:
        assert "not allowed" not in line, line
        assert "may not" not in line, line
        assert "nelze" in line or "nesmí" in line, line
