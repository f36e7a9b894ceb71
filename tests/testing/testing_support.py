"""Paths and helpers shared by the tests of kwflow.testing."""

from __future__ import annotations

from pathlib import Path

from kwflow.definition import Process, load_process

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROCESSES = REPO / "processes"


# Invariants the shipped files declare that do not hold: the explorer shows
# how (reported to the process authors). The stateful tests check every other
# invariant; test_explorer.py fails as soon as one of these holds, so the
# list cannot go stale.
KNOWN_BROKEN: dict[str, set[str]] = {}


def shipped_files() -> list[Path]:
    """The shipped process files (none until they exist)."""
    return sorted(PROCESSES.glob("*.yaml")) if PROCESSES.is_dir() else []


def fixture(name: str) -> Process:
    """A process of ``tests/testing/fixtures``, loaded and checked."""
    return load_process(FIXTURES / f"{name}.yaml")
