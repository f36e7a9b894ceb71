"""`kwflow` as a command: every subcommand behaves when its reader stops early."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["explore", "processes/family_conference.yaml"],
        ["diagram", "processes/family_conference.yaml"],
        ["demo", "--store", "memory"],
        ["simulate", "processes/scenarios/"],
    ],
    ids=lambda c: c[0],
)
def test_a_reader_that_stops_early_is_not_an_error(command: list[str]) -> None:
    # As in `kwflow explore FILE | head -1`: the pipe closes after one line.
    with subprocess.Popen(
        [sys.executable, "-m", "kwflow", *command],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.read(20)
        process.stdout.close()
        errors = process.stderr.read().decode()
        status = process.wait(timeout=120)
    assert first
    assert "Traceback" not in errors, errors
    assert status == 0, errors
