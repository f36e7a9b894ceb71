"""The loading benchmark runs in its quick mode; no timing is asserted."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_loading.py"


def test_quick_loading_benchmark_reports_both_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_loading", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    before = module.PERFORMANCE_MD.read_text(encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert module.main(["--quick", "--no-write"]) == 0
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ~")]
    assert len(rows) == 4
    assert sum("one line" in row for row in rows) == 2
    assert module.PERFORMANCE_MD.read_text(encoding="utf-8") == before
    assert module.START in before
