"""The fast-path benchmark runs in its quick mode and weighs every fast path.

No timing is asserted (timings belong in docs/performance.md, not in tests):
only that the script still runs against the engine's current internals (it
calls each fast path and the generic path it replaces directly), that every
fast path has its row with a figure for every command it serves, that the
profiler hook found the uses it must find, and that the docs are left alone.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.paths import ROOT

COMMANDS = [
    "act, memory",
    "act, memory, no re-check",
    "act, SQLite",
    "act, PostgreSQL",
    "submit, memory",
    "submit, SQLite",
    "submit, PostgreSQL",
    "load, memory",
    "load, SQLite",
    "load-fc, memory",
    "load-fc, SQLite",
]


@pytest.mark.slow
def test_quick_fast_path_benchmark_weighs_every_fast_path() -> None:
    before = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_fast_paths.py", "--quick", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = done.stdout
    header = next(line for line in report.splitlines() if line.startswith("| fast path"))
    assert [c.strip() for c in header.strip("|").split("|")][2:-1] == COMMANDS
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in report.splitlines()
        if line.startswith("| ") and not line.startswith(("| fast path", "|---"))
    ]
    by_name = {row[0]: row for row in rows}
    assert len(rows) >= 5, report
    for row in rows:
        assert len(row) == len(COMMANDS) + 3, row
        # The verdict: the largest share, and whether it is under 5%.
        assert re.fullmatch(r"-?[\d.]+%(: \*\*< 5%\*\*|: < 5% of time, kept for .+)?", row[-1]), row
    cell = {name: dict(zip(COMMANDS, row[2:-1], strict=True)) for name, row in by_name.items()}
    # Uses the hook must have counted: one machine move per accepted act and
    # none in a cold load, one shared payload per plain move.
    flat = next(cells for name, cells in cell.items() if "plain `Machine`" in name)
    assert flat["act, memory"].startswith("1 x: "), flat
    assert flat["act, SQLite"].startswith("1 x: "), flat
    assert flat["load, memory"] == "0 x", flat
    # The index rows are weighed on whole commands on every store that writes them.
    index = next(cells for name, cells in cell.items() if "_index_unchanged" in name)
    for command in ("act, memory", "act, SQLite", "submit, memory", "submit, SQLite"):
        assert re.search(r"\d", index[command]), index
    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == before
