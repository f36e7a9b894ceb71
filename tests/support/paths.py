"""Where things are in the repository (plain constants: parametrize needs them at import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DOCS = ROOT / "docs"
PROCESSES = ROOT / "processes"
PROCESS_FILES = sorted(
    path for path in PROCESSES.glob("*.yaml") if not path.name.endswith(".migration.yaml")
)
"""The shipped process files, the newest version of each."""
PLAN_FILES = sorted(PROCESSES.glob("*.migration.yaml"))
"""The shipped migration plans, beside the processes (from version 1 to version 2)."""
PREVIOUS_PROCESS_FILES = sorted((PROCESSES / "previous").glob("*.yaml"))
"""The earlier versions of the shipped processes, kept for the cases opened on them."""
SCENARIO_FILES = sorted((PROCESSES / "scenarios").glob("*.yaml"))
"""The shipped scenario files (`kwflow simulate`)."""
