"""Paths the authoring tests share (a plain module: parametrize needs them at import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROCESS_FILES = sorted((ROOT / "processes").glob("*.yaml"))
SCENARIO_FILES = sorted((ROOT / "processes" / "scenarios").glob("*.yaml"))
TRICKY = FIXTURES / "tricky_labels.yaml"
