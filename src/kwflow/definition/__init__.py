"""The process-file language: models, loading, static checks, registry.

Load one file with `load_process`, many with `Registry`; run the
static checks yourself with `parse_process` and `check_process`.
Every problem with a file is reported at once in a
`DefinitionError`, each with its line and column; `problem_text`
renders a problem in English or Czech (`czech` gives its parts, from the
`ProblemTemplate` of its code in `PROBLEM_TEMPLATES`).
"""

from ._checks import FIELD_CHECKS, RULES, CheckContext, Rule, check_process
from ._field_types import FieldTypeTable
from ._loader import (
    LoadedProcess,
    load_process,
    load_process_text,
    parse_process,
    parse_process_file,
    unreadable_file,
)
from ._messages import (
    PROBLEM_TEMPLATES,
    CzechProblem,
    ProblemTemplate,
    czech,
    problem_text,
    quoted_line,
)
from ._models import (
    FIELD_MODELS,
    FIELD_TYPES,
    LANGUAGE_VERSION,
    Action,
    ActionOnlyAfter,
    Anchor,
    Artifact,
    ArtifactField,
    ArtifactPresentOnEntry,
    BoolField,
    DateField,
    DateTimeField,
    Deadline,
    DeadlineVariant,
    EnumField,
    EnumValue,
    FieldCondition,
    FieldRef,
    Guard,
    IntField,
    Invariant,
    Label,
    ListField,
    MoneyField,
    Period,
    PeriodUnit,
    PersonField,
    Phase,
    PhaseEnteredAtMostOnce,
    PhaseInfo,
    Process,
    Quantifier,
    Requirements,
    Role,
    RoleKind,
    RoleNeverActsIn,
    TextField,
    field_type_name,
)
from ._places import describe_place
from ._registry import ENTRY_POINT_GROUP, Registry, process_files, shipped_processes_dir
from ._schema import process_json_schema, reference_markdown
from ._yaml import MAX_FILE_BYTES, DocPath, SourceMap, describe, describe_params, parse_yaml

FIELD_TYPE_TABLES: tuple[FieldTypeTable[object], ...] = (FIELD_CHECKS,)
"""This package's per-field-type tables (see `FieldTypeTable`): a new field type needs a
handler in each."""

__all__ = [
    "ENTRY_POINT_GROUP",
    "FIELD_MODELS",
    "FIELD_TYPES",
    "FIELD_TYPE_TABLES",
    "LANGUAGE_VERSION",
    "MAX_FILE_BYTES",
    "PROBLEM_TEMPLATES",
    "RULES",
    "Action",
    "ActionOnlyAfter",
    "Anchor",
    "Artifact",
    "ArtifactField",
    "ArtifactPresentOnEntry",
    "BoolField",
    "CheckContext",
    "CzechProblem",
    "DateField",
    "DateTimeField",
    "Deadline",
    "DeadlineVariant",
    "DocPath",
    "EnumField",
    "EnumValue",
    "FieldCondition",
    "FieldRef",
    "FieldTypeTable",
    "Guard",
    "IntField",
    "Invariant",
    "Label",
    "ListField",
    "LoadedProcess",
    "MoneyField",
    "Period",
    "PeriodUnit",
    "PersonField",
    "Phase",
    "PhaseEnteredAtMostOnce",
    "PhaseInfo",
    "ProblemTemplate",
    "Process",
    "Quantifier",
    "Registry",
    "Requirements",
    "Role",
    "RoleKind",
    "RoleNeverActsIn",
    "Rule",
    "SourceMap",
    "TextField",
    "check_process",
    "czech",
    "describe",
    "describe_params",
    "describe_place",
    "field_type_name",
    "load_process",
    "load_process_text",
    "parse_process",
    "parse_process_file",
    "parse_yaml",
    "problem_text",
    "process_files",
    "process_json_schema",
    "quoted_line",
    "reference_markdown",
    "shipped_processes_dir",
    "unreadable_file",
]
