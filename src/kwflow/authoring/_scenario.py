"""Scenario files: a realistic case played through a process, step by step.

A scenario names the process, the people taking part and their roles, a
start time, and the steps: when, who, which command, with what data, and
what the author expects to see after it (the phase, the outcome, deadline
statuses, or that the step is refused with a given kind of error). Running
it drives the real engine, with an in-memory store and a simulated clock,
and gives a timeline a methodologist can read.

This module holds the file's models and loading; ``_simulation`` runs it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kwflow.definition import (
    DocPath,
    Label,
    SourceMap,
    describe,
    describe_params,
    parse_yaml,
    unreadable_file,
)
from kwflow.exceptions import DefinitionError, Problem

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = [
    "COMMANDS",
    "DEADLINE_STATUSES",
    "REFUSAL_KINDS",
    "Expectation",
    "LoadedScenario",
    "Person",
    "ProcessRef",
    "RelativeTime",
    "Scenario",
    "Step",
    "Text",
    "load_scenario",
    "load_scenario_text",
    "text_in",
]

COMMANDS: tuple[str, ...] = (
    "act",
    "submit",
    "assign",
    "unassign",
    "replace",
    "call_in",
    "dismiss",
    "check_deadlines",
    "follow_up",
)
"""The commands a step may give, one per step."""

REFUSAL_KINDS: tuple[str, ...] = (
    "ActionNotAllowed",
    "NotPermitted",
    "ArtifactInvalid",
    "UnknownName",
    "FollowUpNotDeclared",
    "EarlierCaseOpen",
    "EarlierOutcomeNotListed",
    "NotInEarlierCase",
    "CarryOverInvalid",
)
"""Kinds of refusal a step may expect: the names of the errors in `kwflow.exceptions`."""

DEADLINE_STATUSES: tuple[str, ...] = (
    "not_started",
    "pending",
    "met_on_time",
    "met_late",
    "breached",
    "cancelled",
)
"""Statuses a deadline can have (see Concepts, Deadline)."""

RefusalKind = Literal[
    "ActionNotAllowed",
    "NotPermitted",
    "ArtifactInvalid",
    "UnknownName",
    "FollowUpNotDeclared",
    "EarlierCaseOpen",
    "EarlierOutcomeNotListed",
    "NotInEarlierCase",
    "CarryOverInvalid",
]
DeadlineStatus = Literal[
    "not_started", "pending", "met_on_time", "met_late", "breached", "cancelled"
]

_IDENTIFIER = r"^[a-z][a-z0-9_]*$"
# Person ids are the host's; in a scenario they are short names a reader
# follows through the timeline.
_PERSON = r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$"
_RELATIVE = re.compile(r"^\+(?:\d+[wdhm])+$")
_CLOCK = r"^(?:[01]\d|2[0-3]):[0-5]\d$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Text = Annotated[str, Field(min_length=1)] | Label
"""A text a reader sees: one text for every language, or ``{cs: ..., en: ...}``.

The second form is a process file's label; the timeline shows the language
it is printed in (the other when that one is missing).
"""


def text_in(text: Text | None, lang: str) -> str | None:
    """``text`` as the timeline in ``lang`` shows it."""
    if text is None or isinstance(text, str):
        return text
    return text.text(lang)


class _Invalid(ValueError):
    """A validator's complaint: the English text, and its ``code`` and facts as text.

    The code and facts let the problem be rendered in another language
    (`kwflow.definition.problem_text` with `SCENARIO_TEMPLATES`, from
    ``_messages.py``); the text is what pydantic reports.
    """

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class ProcessRef(_Model):
    """A registered process named by id and, optionally, version (the newest otherwise)."""

    id: str = Field(pattern=_IDENTIFIER)
    version: int | None = Field(default=None, ge=1)


class OrganisationRef(_Model):
    """An organisation as a scenario names it: the host's ``id`` and a ``kind`` of the process."""

    id: str = Field(pattern=_PERSON, description="the host's id of the organisation")
    kind: str = Field(pattern=_IDENTIFIER, description="one of the process's organisation_kinds")


class Person(_Model):
    """Someone taking part in the scenario's case, with the roles they will hold.

    ``roles`` lets an ``assign`` step leave out the role when the person has
    one; it does not assign anything by itself (assigning is a step, with an
    actor, as in a real case).
    """

    name: Text | None = Field(default=None, description="how the timeline shows the person")
    roles: tuple[str, ...] = Field(default=(), description="roles this person will hold")
    organisation: OrganisationRef | None = Field(
        default=None,
        description=(
            "the organisation the person works for: given when the case is opened by them, "
            "they are assigned or a role is handed over to them (a step may name another)"
        ),
    )


class RelativeTime(_Model):
    """Time after the previous step: one of ``minutes``, ``hours``, ``days``,
    ``weeks``, ``working_days``, optionally at a local ``time`` of day.

    Minutes and hours are elapsed time; days and weeks keep the local time
    of day (across a daylight-saving change too); working days skip
    weekends and the public holidays of the process's calendar.
    """

    minutes: int | None = Field(default=None, ge=0)
    hours: int | None = Field(default=None, ge=0)
    days: int | None = Field(default=None, ge=0)
    weeks: int | None = Field(default=None, ge=0)
    working_days: int | None = Field(default=None, ge=0)
    time: str | None = Field(default=None, pattern=_CLOCK, description="local time, HH:MM")

    @model_validator(mode="after")
    def _one_unit(self) -> RelativeTime:
        given = [
            u for u in ("minutes", "hours", "days", "weeks", "working_days") if getattr(self, u)
        ]
        if len(given) > 1:
            raise _Invalid(
                "scenario.one-unit",
                f"give one of minutes, hours, days, weeks, working_days; found {', '.join(given)}",
                units="minutes, hours, days, weeks, working_days",
                given=", ".join(given),
            )
        if not given and self.time is None:
            raise _Invalid(
                "scenario.period-or-time",
                "give a period (days: 2) or a time of day (time: '09:00'), or both",
            )
        return self


When = datetime | str | RelativeTime


def _local_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _Invalid(
            "scenario.not-a-time",
            f"{text!r} is not a time: write '+2d', '+1d2h' or '+30m' (after the previous "
            "step), a date and time '2026-10-05 09:00' (local time of the process), "
            "or {working_days: 3, time: '09:00'}",
            value=repr(text),
        ) from None


class Expectation(_Model):
    """What a step (or the whole scenario) expects to see.

    ``phase`` matches the case's leaf phase or any phase it is inside.
    ``refused`` expects the step to be refused with that kind of error, and
    ``reason`` a text the refusal's message must contain.
    """

    phase: str | None = Field(default=None, pattern=_IDENTIFIER)
    outcome: str | None = Field(default=None, pattern=_IDENTIFIER)
    deadlines: dict[str, DeadlineStatus] = Field(default_factory=dict)
    refused: RefusalKind | None = None
    reason: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _reason_needs_refused(self) -> Expectation:
        if self.reason is not None and self.refused is None:
            raise _Invalid(
                "scenario.reason-needs-refused",
                "'reason' needs 'refused': the kind of error the step is refused with",
            )
        return self


class Step(_Model):
    """One command given at one time by one person.

    Exactly one command: ``act`` (an action id), ``submit`` (an artifact
    id, with ``data``, and ``about`` for a per-person artifact),
    ``assign`` / ``unassign`` (a person, with ``role`` unless the person
    has one role), ``replace`` (a person handing a
    ``role`` over to a ``successor``, with the ``reason`` recorded),
    ``call_in`` / ``dismiss`` (a role
    waiting on call, such as the coordinator during private family time),
    ``check_deadlines: true`` (tell the engine the time, so it records
    breaches), or ``follow_up`` (open a follow-up of the case played so far:
    a process file relative to the scenario file, ``*.yaml``, or the id of a
    registered process; the steps after it play the follow-up).
    """

    when: When | None = Field(
        default=None,
        description="absolute ('2026-10-05 09:00', local time), relative ('+2d', '+1d2h', "
        "'+30m') or {working_days: 3, time: '09:00'}; left out = the previous step's time",
    )
    who: str | None = Field(default=None, pattern=_PERSON)
    note: Text | None = Field(default=None, description="what this step is, in words")
    act: str | None = Field(default=None, pattern=_IDENTIFIER)
    submit: str | None = Field(default=None, pattern=_IDENTIFIER)
    assign: str | None = Field(default=None, pattern=_PERSON)
    unassign: str | None = Field(default=None, pattern=_PERSON)
    replace: str | None = Field(default=None, pattern=_PERSON)
    call_in: str | None = Field(default=None, pattern=_IDENTIFIER)
    dismiss: str | None = Field(default=None, pattern=_IDENTIFIER)
    check_deadlines: bool | None = None
    follow_up: str | None = Field(
        default=None,
        min_length=1,
        description="open a follow-up of the case so far: a process file (*.yaml) or a process id",
    )
    role: str | None = Field(default=None, pattern=_IDENTIFIER)
    successor: str | None = Field(
        default=None, pattern=_PERSON, description="who takes the role over in a 'replace' step"
    )
    reason: str | None = Field(
        default=None, description="why the role is handed over, in a 'replace' step"
    )
    organisation: OrganisationRef | None = Field(
        default=None,
        description=(
            "in an 'assign' or 'replace' step: the organisation of the person assigned "
            "(the successor); left out = the one 'people' gives them, if any"
        ),
    )
    data: dict[str, Any] | None = None
    about: str | None = Field(
        default=None,
        pattern=_PERSON,
        description="in a 'submit' step of a per-person artifact: the person the copy is about",
    )
    expect: Expectation | None = None

    @field_validator("when")
    @classmethod
    def _time_text(cls, value: When | None) -> When | None:
        if isinstance(value, str) and not _RELATIVE.match(value):
            _local_time(value)
        return value

    @model_validator(mode="after")
    def _one_command(self) -> Step:
        given = [c for c in COMMANDS if getattr(self, c) not in (None, False)]
        if len(given) != 1:
            raise _Invalid(
                "scenario.one-command",
                "a step needs exactly one command of "
                + ", ".join(COMMANDS)
                + f"; found {', '.join(given) or 'none'}",
                commands=", ".join(COMMANDS),
                given=", ".join(given),
            )
        if self.command != "check_deadlines" and self.who is None:
            raise _Invalid(
                "scenario.needs-who",
                f"a step with '{self.command}' needs 'who': the person giving it",
                command=self.command,
            )
        if self.role is not None and self.command not in ("assign", "unassign", "replace"):
            raise _Invalid(
                "scenario.role-misplaced",
                "'role' belongs to an 'assign', 'unassign' or 'replace' step",
            )
        handover = {"role": self.role, "successor": self.successor, "reason": self.reason}
        if self.command == "replace":
            missing = [key for key, value in handover.items() if value is None]
            if missing:
                raise _Invalid(
                    "scenario.replace-needs",
                    "a 'replace' step needs 'role', 'successor' and 'reason'; "
                    f"missing {', '.join(missing)}",
                    missing=", ".join(missing),
                )
        elif self.successor is not None or self.reason is not None:
            raise _Invalid(
                "scenario.handover-misplaced",
                "'successor' and 'reason' belong to a 'replace' step",
            )
        if self.organisation is not None and self.command not in ("assign", "replace"):
            raise _Invalid(
                "scenario.organisation-misplaced",
                "'organisation' belongs to an 'assign' or 'replace' step",
            )
        if self.data is not None and self.command not in ("act", "submit"):
            raise _Invalid("scenario.data-misplaced", "'data' belongs to an 'act' or 'submit' step")
        if self.about is not None and self.command != "submit":
            raise _Invalid("scenario.about-misplaced", "'about' belongs to a 'submit' step")
        refused = self.expect is not None and self.expect.refused is not None
        if self.command == "submit" and self.data is None and not refused:
            raise _Invalid(
                "scenario.submit-needs-data", "a 'submit' step needs 'data': the artifact's fields"
            )
        return self

    @property
    def command(self) -> str:
        """Which command the step gives."""
        return next(c for c in COMMANDS if getattr(self, c) not in (None, False))

    @property
    def target(self) -> str | None:
        """What the command is about: an action, an artifact, a person or a role."""
        value = getattr(self, self.command)
        return value if isinstance(value, str) else None


class Scenario(_Model):
    """A scenario file: a case played through a process with expectations.

    ``process`` is a path relative to the scenario file, or ``{id, version}``
    of a registered process. ``start`` is when the case is opened (local
    time of the process unless it carries an offset), by ``opened_by``.
    ``guards`` says how each named guard of the process answers: in a real
    host they are Python functions, in a scenario fixed answers. The texts
    a reader sees (``title``, ``description``, a person's ``name``, a step's
    ``note``) are one text or ``{cs: ..., en: ...}``.
    """

    title: Text
    description: Text | None = None
    process: str | ProcessRef
    start: datetime | str
    opened_by: str = Field(pattern=_PERSON)
    people: dict[str, Person] = Field(min_length=1)
    guards: dict[str, bool] = Field(
        default_factory=dict,
        description="how the host's named guards answer in this scenario: {guard_id: true}",
    )
    steps: tuple[Step, ...] = Field(min_length=1)
    expect: Expectation | None = Field(default=None, description="what holds after the last step")

    @field_validator("start")
    @classmethod
    def _start_text(cls, value: datetime | str) -> datetime | str:
        if isinstance(value, str):
            _local_time(value)
        return value

    @model_validator(mode="after")
    def _people_known(self) -> Scenario:
        bad = [name for name in self.people if not re.match(_PERSON, name)]
        if bad:
            raise _Invalid(
                "scenario.person-ids",
                f"person ids are letters, digits and _ . @ -; found {', '.join(map(repr, bad))}",
                names=", ".join(map(repr, bad)),
            )
        if self.opened_by not in self.people:
            raise _Invalid(
                "scenario.opener-not-among-people",
                f"'opened_by' names {self.opened_by!r}, who is not among 'people'",
                name=self.opened_by,
            )
        return self


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario with where it came from, so problems can name a line and column."""

    scenario: Scenario
    source: SourceMap
    file: Path | None


# ------------------------------------------------------------------ loading


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read a scenario file; raises `DefinitionError` listing every problem at once."""
    file = Path(path)
    try:
        text = file.read_bytes()
    except OSError as exc:
        raise DefinitionError([unreadable_file(str(file), exc)]) from None
    loaded = load_scenario_text(text, str(file))
    return LoadedScenario(loaded.scenario, loaded.source, file)


def load_scenario_text(text: str | bytes, filename: str = "<string>") -> LoadedScenario:
    """Read a scenario from YAML text; ``filename`` is used in problem positions only."""
    data, source = parse_yaml(text, filename)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(_problems(exc.errors(), data, source)) from None
    return LoadedScenario(scenario, source, None)


def _problems(errors: list[ErrorDetails], data: Any, source: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    located = [(error, _document_path(error["loc"], data)) for error in errors]
    for error, path in located:
        if _union_noise(error, path, located) or _too_short_because_items_failed(error):
            continue
        kind = error["type"]
        key = False
        hint: str | None = None
        given = error.get("input")
        found: str | None = describe(given)
        # ``code`` and ``params`` say the same as the English text, as data.
        params: dict[str, str] = describe_params(given)
        if kind == "extra_forbidden":
            name = str(path[-1]) if path else "?"
            allowed = _keys_at(path[:-1])
            message = f"unknown key {name!r}"
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else None
            found = None
            key = True
            code = "schema.unknown-key"
            params = {"name": name, "allowed": ", ".join(allowed)}
            if close:
                params.update(hint_code="did-you-mean", suggestion=close[0])
        elif kind == "missing":
            name = str(error["loc"][-1])
            message = f"the key {name!r} is missing"
            found = None
            code, params = "schema.missing", {"name": name}
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind == "value_error":
                found = None
            code = _code(error, params)
        problem = source.problem(
            path,
            message,
            key=key,
            found=found,
            hint=hint,
            rule="scenario",
            code=code,
            params=params,
        )
        marker = (problem.path, problem.message)
        if marker not in seen:
            seen.add(marker)
            problems.append(problem)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


_PATTERNS = {_IDENTIFIER: "identifier", _PERSON: "person", _CLOCK: "clock"}

_TYPE_ERRORS = {
    "string_type": "text",
    "string_unicode": "text",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "tuple_type": "list",
    "list_type": "list",
}

_BOUNDS = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
}


def _code(error: ErrorDetails, params: dict[str, str]) -> str:
    """The code of a pydantic error the English text words as pydantic does.

    Its facts are added to ``params``, which hold the input as `describe`
    shows it.
    """
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "value_error":
        cause = ctx.get("error")
        params.clear()
        if isinstance(cause, _Invalid):
            params.update(cause.params)
            return cause.code
        if "Label" in map(_member_name, error["loc"]):
            # A `Text` given as a mapping with neither language.
            return "schema.label-empty"
        params["kind"] = kind
        return "scenario.other"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        params.update(form=_PATTERNS.get(pattern, "other"), pattern=pattern)
        return "scenario.pattern"
    if kind == "literal_error":
        params["choices"] = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return "scenario.not-a-choice"
    if kind in _BOUNDS:
        params["bound"] = str(ctx.get(_BOUNDS[kind]))
        return "schema.number-" + _BOUNDS[kind]
    if kind == "string_too_short":
        return "schema.empty-text"
    if kind == "too_short":
        params["least"] = str(ctx.get("min_length", 1))
        if ctx.get("field_type") == "Dictionary":
            return "scenario.too-few-entries"
        return "schema.too-few-items"
    scalar = "date" if kind.startswith("date_") else "datetime"
    if kind in _TYPE_ERRORS or kind.startswith(("date_", "datetime_")):
        params["type"] = _TYPE_ERRORS.get(kind, scalar)
        return "scenario.wrong-type"
    params["kind"] = kind
    return "scenario.other"


def _too_short_because_items_failed(error: ErrorDetails) -> bool:
    # pydantic checks a tuple's minimum length after its items, and counts
    # only the items that passed: a list of one broken step is "too short".
    if error["type"] != "too_short":
        return False
    given = error.get("input")
    actual = (error.get("ctx") or {}).get("actual_length", 0)
    return isinstance(given, list | tuple) and actual < len(given)


# How pydantic names union members in an error's location; "constrained-str"
# is the non-empty text of `Text`.
_UNION_MEMBERS = frozenset(
    {"str", "constrained-str", "datetime", "RelativeTime", "ProcessRef", "Label"}
)
_SCALAR_MEMBERS = frozenset({"str", "constrained-str", "int", "bool", "datetime"})


def _member_name(segment: int | str) -> int | str:
    """A union member's name in an error's location, without its validators.

    pydantic names a model with an after-validator, such as `Label`,
    ``function-after[_one_language_at_least(), Label]``.
    """
    if isinstance(segment, str) and segment.startswith("function-after["):
        return segment.removesuffix("]").rsplit(", ", 1)[-1]
    return segment


def _union_noise(
    error: ErrorDetails, path: DocPath, located: list[tuple[ErrorDetails, DocPath]]
) -> bool:
    """A union member's type error, when another member explains the value better.

    For ``when: {wokring_days: 2}`` pydantic reports that the mapping is not
    text, not a datetime, and has an unknown key; only the last helps.
    """
    if not any(_member_name(segment) in _UNION_MEMBERS for segment in error["loc"]):
        return False
    if not error["type"].endswith(("_type", "_parsing")):
        return False
    others = [
        p
        for e, p in located
        if e is not error
        and p[: len(path)] == path
        and not e["type"].endswith(("_type", "_parsing"))
    ]
    if others:
        return True
    # Every member refused the value's type: keep the first report only.
    first = next(e for e, p in located if p == path)
    return first is not error


def _document_path(loc: tuple[int | str, ...], data: Any) -> DocPath:
    # pydantic's loc mixes places in the document with names of union
    # members ('str', 'RelativeTime'); keep only the steps that exist.
    path: list[str | int] = []
    node = data
    for segment in loc:
        in_mapping = isinstance(node, Mapping) and segment in node
        in_list = isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node)
        if in_mapping or in_list:
            node = node[segment]
            path.append(segment)
        elif isinstance(segment, str) and (
            segment[:1].isupper() or "[" in segment or segment in _SCALAR_MEMBERS
        ):
            continue
        else:
            path.append(segment)
            break
    return tuple(path)


def _keys_at(path: DocPath) -> tuple[str, ...]:
    """The keys allowed in the mapping at ``path``, for "did you mean"."""
    names = [p for p in path if isinstance(p, str)]
    model: type[BaseModel] = Scenario
    if names[-1:] == ["expect"]:
        model = Expectation
    elif names[-1:] == ["when"]:
        model = RelativeTime
    elif names[:1] == ["steps"] and len(path) == 2:
        model = Step
    elif names[:1] == ["people"] and len(path) == 2:
        model = Person
    elif names[-1:] == ["process"]:
        model = ProcessRef
    elif names[-1:] in (["title"], ["description"], ["name"], ["note"]):
        model = Label
    return tuple(model.model_fields)
