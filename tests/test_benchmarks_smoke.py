"""The engine benchmark runs in its quick mode and reports every row.

No timing is asserted (timings belong in docs/performance.md, not in tests):
only that the script still runs against the current API and that its table
has every measurement, each with a figure.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.support.benchmarks import PERFORMANCE_MD, load_benchmark

ROWS = [
    "(a) dict transition table",
    "(b) `transitions` `Machine`",
    "(b) `transitions` `HierarchicalMachine`",
    "(c) python-statemachine",
    "(d) kwflow `act`, accepted",
    "... the same on a memory store that does not hash its stored chain again",
    "(for comparison) the `HierarchicalMachine` trigger",
    "... within it: the plain `Machine` trigger",
    "... within it: `new_event`",
    "... within it: the memory store's chain check",
    "(d) kwflow `act`, refused: the actor lacks the role",
    "(d) kwflow `act`, refused: a requirement is unmet",
    "(d) kwflow `open_case`",
    "(d) kwflow `fold` of 50 recorded events",
    "(e) plain fold of the same 50 events",
    "(d) `add_working_days(day, 5)`",
    "(d) 100,000 open cases x 20 events: the memory store alone",
    "(d) the same, and every case folded in the engine's cache",
    "(d) the same, as resident set size (RSS)",
    "(d) the folded cases alone",
]


@pytest.mark.slow
def test_quick_benchmark_reports_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_benchmark("bench_engine", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8") if PERFORMANCE_MD.exists() else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--quick", "--no-write"]) == 0
    report = out.getvalue()
    table = [line for line in report.splitlines() if line.startswith(("| (", "| ..."))]
    for name in ROWS:
        matching = [line for line in table if line.startswith(f"| {name}")]
        assert matching, f"no row {name!r} in:\n{report}"
        for line in matching:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            assert len(cells) == 5, line
            assert re.search(r"\d", cells[1]) or cells[1] == "not run", line
    # Every target is judged, met or missed.
    assert len(re.findall(r"\*\*(met|MISSED)\*\*", report)) >= 7
    # --no-write leaves the docs alone.
    after = PERFORMANCE_MD.read_text(encoding="utf-8") if PERFORMANCE_MD.exists() else None
    assert after == before
