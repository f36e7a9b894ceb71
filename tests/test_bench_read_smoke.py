"""The read-side benchmark runs in its quick mode and reports every row.

No timing is asserted (timings belong in docs/performance.md, not in tests):
only that the script still runs against the current API and that its table
has every measurement on every backend it ran, each with a figure and a
judged target.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.support.benchmarks import PERFORMANCE_MD, load_benchmark

ROWS = [
    "setup: 2,000 cases x",
    "find_cases(person=referrer), first page of 50 (50 returned)",
    "find_cases(person=coordinator, open=True) (50 returned)",
    "inbox(coordinator), cold cache",
    "inbox(coordinator), warm cache",
    "view(referrer), read log off",
    "view(referrer), read log on",
]


@pytest.mark.slow
def test_quick_read_benchmark_reports_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_benchmark("bench_read", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--quick", "--no-write"]) == 0
    report = out.getvalue()
    table = [line for line in report.splitlines() if line.startswith("| SQLite")]
    for name in ROWS:
        matching = [line for line in table if name in line]
        assert len(matching) == 1, f"no row {name!r} in:\n{report}"
        cells = [cell.strip() for cell in matching[0].strip("|").split("|")]
        assert len(cells) == 4, matching[0]
        assert re.search(r"\d", cells[2]), matching[0]
    # Six timed rows per backend, each target judged, met or missed.
    backends = 2 if "| PostgreSQL | setup" in report else 1
    assert len(re.findall(r"\*\*(met|MISSED)\*\*", report)) == 6 * backends
    assert PERFORMANCE_MD.read_text(encoding="utf-8") == before
