"""Fixture processes of the tests of kwflow.testing, and what the shipped ones break."""

from __future__ import annotations

from kwflow.definition import Process, load_process

from .paths import TESTS

FIXTURES = TESTS / "testing" / "fixtures"


# Invariants the shipped files declare that do not hold: the explorer shows
# how (reported to the process authors). The stateful tests check every other
# invariant; test_explorer.py fails as soon as one of these holds, so the
# list cannot go stale.
KNOWN_BROKEN: dict[str, set[str]] = {}


def fixture(name: str) -> Process:
    """A process of ``tests/testing/fixtures``, loaded and checked."""
    return load_process(FIXTURES / f"{name}.yaml")
