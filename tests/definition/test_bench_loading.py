"""The loading benchmark runs in its quick mode; no timing is asserted."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING

from tests.support.benchmarks import PERFORMANCE_MD, load_benchmark

if TYPE_CHECKING:
    import pytest


def test_quick_loading_benchmark_reports_both_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_benchmark("bench_loading", monkeypatch)
    before = PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert module.main(["--quick", "--no-write"]) == 0
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ~")]
    assert len(rows) == 4
    assert sum("one line" in row for row in rows) == 2
    assert PERFORMANCE_MD.read_text(encoding="utf-8") == before
    assert "<!-- bench_loading:start -->" in before
