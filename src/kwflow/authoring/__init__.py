"""Tools for process authors: diagrams, scenario files and process pages.

A scenario file's problems are rendered in Czech with
`kwflow.definition.problem_text` given `SCENARIO_TEMPLATES`.
"""

from kwflow.definition import FieldTypeTable

from ._describe import COMMAND_WORDS, describe_command
from ._diagram import (
    DIAGRAM_FORMATS,
    LANGUAGES,
    GraphvizNotFound,
    dot_diagram,
    draw_diagram,
    mermaid_diagram,
)
from ._messages import SCENARIO_TEMPLATES
from ._process_page import (
    FIELD_WORDING,
    PAGE_LANGUAGES,
    process_page_name,
    render_process_page,
    write_process_pages,
)
from ._scenario import (
    Expectation,
    LoadedScenario,
    Person,
    ProcessRef,
    RelativeTime,
    Scenario,
    Step,
    load_scenario,
    load_scenario_text,
)
from ._simulation import (
    DeadlineView,
    NoticeView,
    ScenarioResult,
    StepFailure,
    TimelineEntry,
    TimelineRecorder,
    follow_up_processes,
    format_timeline,
    run_scenario,
    scenario_process,
    step_command,
)

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (FIELD_WORDING,)
"""This package's per-field-type tables (see `kwflow.definition.FieldTypeTable`)."""

__all__ = [
    "COMMAND_WORDS",
    "DIAGRAM_FORMATS",
    "FIELD_TYPE_TABLES",
    "LANGUAGES",
    "PAGE_LANGUAGES",
    "SCENARIO_TEMPLATES",
    "DeadlineView",
    "Expectation",
    "GraphvizNotFound",
    "LoadedScenario",
    "NoticeView",
    "Person",
    "ProcessRef",
    "RelativeTime",
    "Scenario",
    "ScenarioResult",
    "Step",
    "StepFailure",
    "TimelineEntry",
    "TimelineRecorder",
    "describe_command",
    "dot_diagram",
    "draw_diagram",
    "follow_up_processes",
    "format_timeline",
    "load_scenario",
    "load_scenario_text",
    "mermaid_diagram",
    "process_page_name",
    "render_process_page",
    "run_scenario",
    "scenario_process",
    "step_command",
    "write_process_pages",
]
