"""The authentication benchmark runs in its quick mode and reports every row (no timing checked)."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING

from tests.support.benchmarks import load_benchmark

if TYPE_CHECKING:
    import pytest

ROWS = [
    "command, keys=None",
    "command, with keys",
    "command, with keys / keys=None",
    "load, 26 events, no snapshot",
    "load, 100 events, snapshot at 90",
    "checkpoint of 5,000 cases",
    "verify_checkpoint of 5,000 cases",
]
# The cost of personal fields is bench_privacy's (tests/test_bench_privacy_smoke.py).


def test_bench_trust_quick_reports_every_measurement(monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_benchmark("bench_trust", monkeypatch)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert module.main(["--quick", "--no-postgres", "--no-write"]) == 0
    table = out.getvalue()
    for row in ROWS:
        line = next((x for x in table.splitlines() if f"| {row} |" in x), None)
        assert line is not None, f"missing row: {row}"
        assert any(ch.isdigit() for ch in line.split("|")[3])
