"""The documentation site builds with warnings as errors, as CI builds it.

mkdocs is in the ``dev`` extra that the test command installs, so this test
always runs. A broken link, a page missing from the navigation, a docstring
mkdocstrings cannot read or a process file that does not load fails it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.support.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.slow
def test_documentation_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    for process in sorted((ROOT / "processes").glob("*.yaml")):
        page = site / "processes" / process.stem / "index.html"
        html = page.read_text(encoding="utf-8")
        # Both diagrams (Czech and English) reach the page as Mermaid blocks.
        assert html.count('<pre class="mermaid">') == 2, page
