"""Test tools for any process: hypothesis strategies, a stateful test, a bounded explorer.

Strategies draw the data of a case (people, assignments, artifact data,
commands) and whole process definitions; ``explore(process)`` visits every
reachable abstract state of a process and reports dead ends and broken
invariants with shortest traces. See ``docs/testing.md``.
"""

from kwflow.definition import FieldTypeTable

from ._commands import AdvanceClock, Input, commands
from ._conditions import FIELD_VALUES
from ._counterexample import (
    SCENARIO_START,
    report_scenarios,
    step_words,
    trace_commands,
    trace_to_scenario,
)
from ._coverage import ProcessCoverage, StatefulCoverage, stateful_coverage
from ._definitions import FIELD_DRAWS, process_definitions
from ._explorer import (
    DEFAULT_MAX_STATES,
    ReachedState,
    explore,
    reachable_states,
    reachable_traces,
)
from ._history import InvariantViolation, invariant_violations
from ._migration import MappedState, map_state, migration_problems, state_refusal
from ._organisations import organisations
from ._report import ExplorationReport, Finding, Step, Violation
from ._stateful import START, CaseInvariant, ProcessMachine, process_state_machine
from ._strategies import (
    FIELD_STRATEGIES,
    InvalidArtifactData,
    artifact_data,
    assignments,
    fillable,
    invalid_artifact_data,
    people,
)

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (
    FIELD_STRATEGIES,
    FIELD_VALUES,
    FIELD_DRAWS,
)
"""This package's per-field-type tables (see `kwflow.definition.FieldTypeTable`)."""

__all__ = [
    "DEFAULT_MAX_STATES",
    "FIELD_TYPE_TABLES",
    "SCENARIO_START",
    "START",
    "AdvanceClock",
    "CaseInvariant",
    "ExplorationReport",
    "Finding",
    "Input",
    "InvalidArtifactData",
    "InvariantViolation",
    "MappedState",
    "ProcessCoverage",
    "ProcessMachine",
    "ReachedState",
    "StatefulCoverage",
    "Step",
    "Violation",
    "artifact_data",
    "assignments",
    "commands",
    "explore",
    "fillable",
    "invalid_artifact_data",
    "invariant_violations",
    "map_state",
    "migration_problems",
    "organisations",
    "people",
    "process_definitions",
    "process_state_machine",
    "reachable_states",
    "reachable_traces",
    "report_scenarios",
    "state_refusal",
    "stateful_coverage",
    "step_words",
    "trace_commands",
    "trace_to_scenario",
]
