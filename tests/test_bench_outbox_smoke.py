"""The outbox benchmark runs in its quick mode and reports every row.

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
    "setup: 50,000 pending notifications written",
    "claim_notifications(limit=100) among 50,000 pending",
    "ack_notification(key)",
]


@pytest.mark.slow
def test_quick_outbox_benchmark_reports_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_benchmark("bench_outbox", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench.main(["--quick", "--no-write"]) == 0
    report = out.getvalue()
    backends = ["SQLite", *(["PostgreSQL"] if "| PostgreSQL | setup" in report else [])]
    for backend in backends:
        for name in ROWS:
            matching = [
                line for line in report.splitlines() if line.startswith(f"| {backend} | {name}")
            ]
            assert len(matching) == 1, f"no row {name!r} for {backend} in:\n{report}"
            cells = [cell.strip() for cell in matching[0].strip("|").split("|")]
            assert len(cells) == 4, matching[0]
            assert re.search(r"\d", cells[2]), matching[0]
    assert len(re.findall(r"\*\*(met|MISSED)\*\*", report)) == 2 * len(backends)
    assert PERFORMANCE_MD.read_text(encoding="utf-8") == before
