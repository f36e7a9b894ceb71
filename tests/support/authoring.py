"""Fixtures of the authoring tests (other tests read some of them too)."""

from __future__ import annotations

from .paths import TESTS

FIXTURES = TESTS / "authoring" / "fixtures"
TRICKY = FIXTURES / "tricky_labels.yaml"
"""A process whose labels hold every character Mermaid and Graphviz treat as syntax."""
BROKEN_SCENARIOS = FIXTURES / "broken_scenarios"
"""Scenario files, each named after the kind of problem (``code``) it shows."""
