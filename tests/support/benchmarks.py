"""The benchmark scripts, loaded as modules so a smoke test can run their quick mode."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

from tests.support.paths import ROOT

if TYPE_CHECKING:
    from types import ModuleType

    import pytest


BENCHMARKS = ROOT / "benchmarks"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
"""The page the benchmarks write their sections into (``--no-write`` leaves it alone)."""


def load_benchmark(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``benchmarks/<name>.py`` as a module (they are scripts, not a package).

    Their folder goes on ``sys.path``, as when a script runs: the benchmarks
    import their shared helpers (``benchmarks/_support.py``) and each other
    by file name.
    """
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # attrs and dataclasses look their module up in sys.modules while a class is made.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module
