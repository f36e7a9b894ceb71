"""Where things are in the repository (plain constants: parametrize needs them at import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DOCS = ROOT / "docs"
PROCESSES = ROOT / "processes"
PROCESS_FILES = sorted(PROCESSES.glob("*.yaml"))
"""The shipped process files, the newest version of each."""
PREVIOUS_PROCESS_FILES = sorted((PROCESSES / "previous").glob("*.yaml"))
"""The earlier versions of the shipped processes, kept for the cases opened on them."""
SCENARIO_FILES = sorted((PROCESSES / "scenarios").glob("*.yaml"))
"""The shipped scenario files (`kwflow simulate`)."""
