"""Every ``python`` code block in README.md and docs/ runs, so examples cannot rot.

Blocks of one page run in order in one namespace (later blocks may use what
earlier ones defined), in a fresh temporary working directory so examples
that create files (an SQLite store) leave nothing behind. ``>>>`` examples are
run separately by pytest's doctest collection (``--doctest-glob=*.md``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def _pages() -> list[Path]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [page for page in pages if FENCE.search(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = page.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # Examples that open an Engine without a store must not touch the
    # developer's real default database.
    monkeypatch.setenv("KWFLOW_DB", os.fspath(tmp_path / "default.sqlite3"))
    namespace: dict[str, object] = {"__name__": f"docs_example_{page.stem}"}
    for match in FENCE.finditer(text):
        if match.group(1).lstrip().startswith(">>>"):
            continue  # an interactive example: the doctest collection runs it
        line = text.count("\n", 0, match.start(1)) + 1
        code = compile(match.group(1), f"{page}:{line}", "exec")
        exec(code, namespace)
