"""The privacy benchmark runs in its quick mode and reports every row.

No timing is asserted (timings belong in docs/performance.md, not in tests):
only that the script still runs against the current API and that its table
has, for each store, every operation with both figures, a ratio and a verdict,
and the same against baseline sources timed in a process of their own (here
the project's own ``src``, which exercises that path and the script's
compatibility with sources that predate the read log).
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.support.benchmarks import PERFORMANCE_MD, load_benchmark
from tests.support.paths import ROOT

OPERATIONS = [
    "submit, 3 personal fields",
    "act recording 1 personal field",
    "load, 40 events, no cache",
    "view, warm cache",
    'view, warm cache, read_log="durable"',
]


@pytest.mark.slow
def test_quick_privacy_benchmark_reports_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_benchmark("bench_privacy", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--quick", "--no-postgres", "--baseline-src", str(ROOT / "src")]) == 0
    report = out.getvalue()
    for store in ("memory", "SQLite"):
        for operation in OPERATIONS:
            (line,) = [
                row for row in report.splitlines() if row.startswith(f"| {store} | {operation} |")
            ]
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            assert len(cells) == 10, line
            for figure in (cells[2], cells[3], cells[7]):
                assert re.match(r"[\d,]+ \(", figure), line
            for ratio, verdict in ((cells[4], cells[5]), (cells[8], cells[9])):
                assert re.fullmatch(r"\d+\.\d\dx", ratio), line
                assert verdict in {"**met**", "**MISSED**"}, line
    # --quick never writes the measured table.
    assert PERFORMANCE_MD.read_text(encoding="utf-8") == before
