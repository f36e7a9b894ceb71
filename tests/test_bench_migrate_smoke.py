"""The migration benchmark runs in its quick mode and reports every row.

No timing is asserted (timings belong in docs/performance.md, not in tests):
only that the script still runs against the current API, migrates every
case it stored, and reports each measurement with a figure.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.support.benchmarks import PERFORMANCE_MD, load_benchmark

ROWS = ["plan_migration (dry run) of 60 running cases", "migrate of 60 running cases"]


@pytest.mark.slow
def test_quick_migration_benchmark_reports_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_benchmark("bench_migrate", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--cases", "60", "--no-write"]) == 0
    report = out.getvalue()
    table = [line for line in report.splitlines() if line.startswith("| SQLite")]
    for name in ROWS:
        (line,) = [line for line in table if name in line]
        assert re.search(r"\d+ cases/s", line), line
    assert PERFORMANCE_MD.read_text(encoding="utf-8") == before
