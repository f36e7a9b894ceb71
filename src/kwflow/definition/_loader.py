"""Loading process files: YAML text to a checked `Process`.

Loading happens in three stages, each reporting every problem it finds at
once: the YAML is read into plain data with a source map (``_yaml``), the data
is validated against the models (pydantic errors are translated here into
problems a methodologist can act on, each with its line and column), and the
static checks run (``_checks``). A later stage runs only when the earlier one
found no error, because a check of a half-read file would report nonsense.
"""

from __future__ import annotations

import difflib
import errno
import functools
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ValidationError

from kwflow.exceptions import DefinitionError, Problem

from ._checks import check_process
from ._loaded import LoadedProcess
from ._models import (
    Anchor,
    Deadline,
    DeadlineVariant,
    FieldCondition,
    Label,
    Period,
    PeriodUnit,
    Process,
    Role,
)
from ._places import describe_place
from ._schema import reference_anchor
from ._yaml import (
    MAX_FILE_BYTES,
    DocPath,
    SourceMap,
    describe,
    describe_params,
    format_path,
    parse_yaml,
)

if typing.TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = [
    "LoadedProcess",
    "language_keys",
    "load_process",
    "load_process_text",
    "model_keys",
    "parse_process",
    "parse_process_file",
]


def parse_process(text: str | bytes, filename: str = "<string>") -> LoadedProcess:
    """Read and validate a process file's text, without running the static checks.

    Raises `DefinitionError` with every YAML or schema problem found.
    """
    data, source = parse_yaml(text, filename)
    try:
        process = Process.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(translate_errors(exc.errors(), data, source)) from None
    return LoadedProcess(process, source, filename, data)


def parse_process_file(path: str | Path) -> LoadedProcess:
    """Read and validate one process file, without running the static checks."""
    return parse_process(read_definition_file(path), str(path))


def read_definition_file(path: str | Path) -> bytes:
    """The bytes of a process, plan or overlay file; `DefinitionError` when it cannot be read.

    One byte past the size limit is read, enough for the parser to refuse a
    file that is too large without reading all of it.
    """
    try:
        with Path(path).open("rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DefinitionError([unreadable_file(str(path), exc)]) from None


def unreadable_file(name: str, exc: OSError) -> Problem:
    """The problem of a process or scenario file that cannot be read."""
    return Problem(
        file=name,
        line=None,
        column=None,
        path="",
        message=f"the file cannot be read: {exc.strerror or exc}",
        rule="file",
        code="file.unreadable",
        params={
            "reason": str(exc.strerror or exc),
            "errno": errno.errorcode.get(exc.errno or 0, ""),
        },
    )


def load_process_text(
    text: str | bytes, filename: str = "<string>", *, check: bool = True
) -> Process:
    """Load a process from YAML text.

    With ``check=True`` (the default) the static checks run too, and any
    problem of severity ``error`` raises `DefinitionError` (carrying
    the warnings as well); warnings alone do not raise. ``filename`` is only
    used in problem positions.
    """
    loaded = parse_process(text, filename)
    if check:
        _raise_on_check_errors(loaded)
    return loaded.process


def load_process(path: str | Path, *, check: bool = True) -> Process:
    """Load a process file; see `load_process_text` for ``check``."""
    loaded = parse_process_file(path)
    if check:
        _raise_on_check_errors(loaded)
    return loaded.process


def _raise_on_check_errors(loaded: LoadedProcess) -> None:
    problems = check_process(loaded)
    if any(p.severity == "error" for p in problems):
        raise DefinitionError(problems)


# ------------------------------------------------------- error translation

_IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"
_CURRENCY_PATTERN = r"^[A-Z]{3}$"

_WRONG_TYPE = "this value has the wrong type"

_SCALAR_NAMES = {
    "bool": "true or false",
    "int": "a whole number",
    "str": "text",
    "date": "a date (2026-10-27)",
    "datetime": "a date and time (2026-10-27T09:00:00+01:00)",
    "float": "a number",
}

# Model validators raise plain English ValueErrors; which validator failed
# follows from the model at the error's place, and its facts from the input.
_VALIDATOR_CODES: dict[Any, str] = {
    Label: "schema.label-empty",
    Role: "schema.min-above-max",
    FieldCondition: "schema.condition-operators",
    Period: "schema.period-units",
    Anchor: "schema.anchor-one-of",
    Deadline: "schema.deadline-target-or-limit",
    DeadlineVariant: "schema.variant-target-or-limit",
}
_CONDITION_OPERATORS = ("equals", "one_of", "present", "non_empty", "min_count")


@dataclass
class _Located:
    """Where a pydantic error ``loc`` lands in the document."""

    doc: DocPath  # the part of loc that exists in the document
    logical: DocPath  # loc without union tags: what the author would call the place
    owner: type[BaseModel] | None  # the model whose keys apply at the last mapping
    final: Any  # the annotation expected at the end of loc
    scalar_union: bool  # loc went through a plain (undiscriminated) union


def translate_errors(errors: list[ErrorDetails], data: Any, source: SourceMap) -> list[Problem]:
    """Turn pydantic errors into positioned, author-friendly problems.

    Errors are deduplicated (a plain union reports once per member type) and
    sorted by position.
    """
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        if _is_spurious(error):
            continue
        located = _locate(error["loc"], data)
        problem = _problem(error, located, source, data)
        marker = (problem.path, problem.message)
        if marker in seen:
            continue
        seen.add(marker)
        problems.append(problem)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _is_spurious(error: ErrorDetails) -> bool:
    # A tuple with a minimum length is checked after its items: when items
    # fail, pydantic also says the tuple is too short, which is not true of
    # the file and would only confuse its author.
    if error["type"] != "too_short":
        return False
    ctx = error.get("ctx") or {}
    given = error.get("input")
    return isinstance(given, list | tuple) and ctx.get("actual_length", 0) < len(given)


def _problem(error: ErrorDetails, at: _Located, source: SourceMap, data: Any) -> Problem:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    given = error.get("input")
    path = at.logical
    found: str | None = describe(given)
    expected: str | None = None
    hint: str | None = None
    key = False
    position_path = at.doc
    # ``code`` and ``params`` say the same as the English text, as data.
    params: dict[str, str] = describe_params(given)
    code: str

    if at.scalar_union:
        message = _WRONG_TYPE
        expected = "a single value: text, a whole number, true or false, or a date"
        code, params["type"] = "schema.wrong-type", "single"
    elif kind == "missing":
        name = str(at.logical[-1]) if at.logical else "?"
        message = f"the key {name!r} is missing"
        description = _field_description(at.owner, name)
        found = None
        code, params = "schema.missing", {"name": name}
        example = _EXAMPLES.get(name)
        if example is not None:
            right = f"{name}: {example}"
            expected = f"for example {right}"
            params["right"] = right
        hint = f"{name}: {description}" if description else None
    elif kind == "extra_forbidden":
        name = str(at.doc[-1]) if at.doc else "?"
        allowed = model_keys(at.owner) if at.owner else ()
        message = f"unknown key {name!r}"
        expected = "one of " + ", ".join(allowed) if allowed else None
        params = {"name": name, "allowed": ", ".join(allowed)}
        found = None
        key = True
        code = "schema.unknown-key"
        misplaced = _misplaced(name, at.doc, data, source)
        if misplaced is not None:
            message, expected, hint, code, facts = misplaced
            params = {"name": name, **facts}
        else:
            hint = _did_you_mean(name, allowed, params=params)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = str(ctx.get("discriminator", "type")).strip("'")
        tags = _union_tags(at.final)
        expected = "one of " + ", ".join(tags)
        params = {"key": discriminator, "choices": ", ".join(tags)}
        if kind == "union_tag_invalid":
            tag = str(ctx.get("tag"))
            message = f"unknown {discriminator} {tag!r}"
            found = repr(tag)
            hint = _did_you_mean(tag, tags, fallback=False, params=params)
            position_path = (*at.doc, discriminator)
            path = (*at.logical, discriminator)
            code = "schema.unknown-tag"
            params.update(tag=tag, found_kind="quoted", found_value=repr(tag))
        else:
            message = f"the key {discriminator!r} is missing"
            found = None
            code = "schema.missing-tag"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        if ctx.get("class_name") == "Label":
            message = "a label must be a mapping of languages to texts"
            expected = "a mapping like {cs: ..., en: ...}"
            code = "schema.label-not-mapping"
            texts = given if isinstance(given, list) else [given]
            if at.logical and all(isinstance(t, str) for t in texts) and 1 <= len(texts) <= 2:
                english = texts[1] if len(texts) == 2 else "..."
                right = f"{at.logical[-1]}: {{cs: {texts[0]}, en: {english}}}"
                expected = f"a mapping of languages to texts: {right}"
                params["right"] = right
        elif at.final is Period:
            name = str(at.logical[-1]) if at.logical else "limit"
            right, exact = _period_form(name, given)
            message = "a period is written as a mapping of a unit to a number"
            expected = right if exact else f"for example {right}"
            code = "schema.period-form" if exact else "schema.period-example"
            params.update(right=right, units=", ".join(u.value for u in PeriodUnit))
        else:
            message = _WRONG_TYPE
            expected = "a mapping of keys to values"
            code, params["type"] = "schema.wrong-type", "mapping"
    elif kind in ("tuple_type", "list_type"):
        message = _WRONG_TYPE
        expected = "a list"
        code, params["type"] = "schema.wrong-type", "list"
        if isinstance(given, str):
            hint = f"write [{given}] for a list of one"
            params.update(hint_code="list-of-one", value=given)
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        params["value"] = repr(given)
        if pattern == _IDENTIFIER_PATTERN:
            message = f"{given!r} is not a valid identifier"
            expected = "lower-case letters, digits and underscores, starting with a letter"
            suggestion = _as_identifier(given)
            hint = f"for example {suggestion!r}" if suggestion else None
            code = "schema.not-identifier"
            if suggestion:
                params.update(hint_code="for-example", suggestion=suggestion)
        elif pattern == _CURRENCY_PATTERN:
            message = f"{given!r} is not a currency code"
            expected = "three capital letters (an ISO 4217 code such as CZK or EUR)"
            code = "schema.not-currency"
        else:
            message = "the text does not have the expected form"
            expected = f"text matching {pattern}"
            code, params["pattern"] = "schema.pattern", str(pattern)
    elif kind in ("literal_error", "enum"):
        choices = _choices(str(ctx.get("expected", "")))
        message = "this value is not one of the allowed choices"
        expected = "one of " + ", ".join(choices)
        hint = _did_you_mean(str(given), choices, fallback=False, params=params)
        code, params["choices"] = "schema.not-a-choice", ", ".join(choices)
    elif kind in ("value_error", "assertion_error"):
        message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if isinstance(given, dict):
            found = None  # the message already says what is wrong with the mapping
            params = {}
        code = _validator_code(at, given, params, message)
    elif kind == "string_too_short":
        message = "this text must not be empty"
        expected = "some text"
        code = "schema.empty-text"
    elif kind == "string_too_long":
        message = f"this text is longer than {ctx.get('max_length')} characters"
        code, params["max"] = "schema.text-too-long", str(ctx.get("max_length"))
    elif kind == "too_short":
        least = ctx.get("min_length", 1)
        message = f"this list needs at least {least} item{'s' if least != 1 else ''}"
        expected = f"at least {least} item{'s' if least != 1 else ''}"
        code, params["least"] = "schema.too-few-items", str(least)
        if isinstance(given, list | tuple):
            found = f"{len(given)}"
            params.update(found_kind="value", found_value=found)
    elif kind == "too_long":
        message = f"this list has more than {ctx.get('max_length')} items"
        code, params["max"] = "schema.too-many-items", str(ctx.get("max_length"))
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        bound = f"{limit[0]} {ctx.get(limit[1])}"
        message = f"this number must be {bound}"
        expected = f"a number {bound}"
        code = "schema.number-" + limit[1]
        params["bound"] = str(ctx.get(limit[1]))
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = _WRONG_TYPE
        expected = "a whole number"
        code, params["type"] = "schema.wrong-type", "int"
        number = re.search(r"\d+", given) if isinstance(given, str) else None
        last = at.logical[-1] if at.logical else None
        if isinstance(last, str) and (number or last in _EXAMPLES):
            right = f"{last}: {number.group() if number else _EXAMPLES[last]}"
            expected = f"a whole number, without words or quotes: {right}"
            params["right"] = right
    elif kind in ("bool_type", "bool_parsing"):
        message = _WRONG_TYPE
        expected = "true or false"
        code, params["type"] = "schema.wrong-type", "bool"
    elif kind in ("string_type", "string_unicode"):
        message = _WRONG_TYPE
        expected = "text"
        code, params["type"] = "schema.wrong-type", "text"
        if isinstance(given, bool):
            hint = "quote it ('yes', 'no', 'true') to keep it as text"
            params["hint_code"] = "quote-yes-no"
        elif given is not None and not isinstance(given, dict | list):
            hint = "quote it to keep it as text"
            params["hint_code"] = "quote"
    elif kind.startswith(("date_", "datetime_")):
        message = _WRONG_TYPE
        scalar = "date" if kind.startswith("date_") else "datetime"
        expected = _SCALAR_NAMES[scalar]
        code, params["type"] = "schema.wrong-type", scalar
    else:
        message = str(error["msg"])
        code = "schema.other"
        params.update(kind=kind, detail=message)

    file, (line, column) = source.where(position_path, key=key)
    if any(isinstance(segment, int) for segment in path):
        params["place_ids"] = source.place_ids(path)
    reference = params.get("reference") or _reference_of(at, kind)
    if reference is not None:
        # Shown by `problem_text` and in JSON; the English parts stay as they were.
        params["reference"] = reference
    return Problem(
        file=file,
        line=line,
        column=column,
        path=format_path(path),
        message=message,
        rule="schema",
        expected=expected,
        found=found,
        hint=hint,
        code=code,
        params=params,
    )


# Right forms of keys a methodologist most often leaves out or gets wrong.
_EXAMPLES: dict[str, str] = {
    "version": "1",
    "id": "my_process",
    "title": "{cs: Název procesu, en: Process title}",
    "label": "{cs: Název, en: Name}",
    "breach": "{cs: Co porušení znamená, en: What a breach means}",
    "opener": "worker",
    "kind": "professional",
    "type": "text",
    "by": "[worker]",
    "write": "[worker]",
    "from": "[intake]",
    "anchor": "{action: start}",
    "satisfied_by": "[close]",
    "responsible": "worker",
    "roles": "[{id: worker, label: {cs: Pracovník, en: Worker}, kind: professional}]",
}

_PERIOD_WORDS: tuple[tuple[str, str], ...] = (
    # (start of a word, unit): Czech and English, as people write periods
    ("pracovní", "working_days"),
    ("pracovních", "working_days"),
    ("working", "working_days"),
    ("kalendářní", "days"),
    ("den", "days"),
    ("dn", "days"),
    ("dní", "days"),
    ("day", "days"),
    ("týd", "weeks"),
    ("week", "weeks"),
    ("měsí", "months"),
    ("month", "months"),
    ("hod", "hours"),
    ("hour", "hours"),
    ("min", "minutes"),
)


def _period_form(name: str, given: Any) -> tuple[str, bool]:
    """The right form of a period written as text (``5 pracovních dnů``).

    Returns the form and whether it was read from what was written (else it
    is an example).
    """
    text = str(given).lower() if isinstance(given, str | int) else ""
    number = re.search(r"\d+", text)
    unit = None
    for word in re.findall(r"[^\W\d_]+", text):
        unit = next((u for start, u in _PERIOD_WORDS if word.startswith(start)), None)
        if unit is not None:
            break
    if isinstance(given, int) and not isinstance(given, bool):
        return f"{name}: {{days: {given}}}", False
    if number and unit:
        return f"{name}: {{{unit}: {number.group()}}}", True
    return f"{name}: {{working_days: 5}}", False


def _reference_of(at: _Located, kind: str) -> str | None:
    """The reference section that describes the place of the error."""
    if kind in {"extra_forbidden", "missing"}:
        model = at.owner
    else:
        final = _unwrap(at.final)
        if typing.get_origin(final) is tuple:
            final = _unwrap(typing.get_args(final)[0])
        model = final if _is_model(final) else at.owner
    return reference_anchor(model) if model is not None else None


def _model_at(path: DocPath, data: Any) -> type[BaseModel] | None:
    """The model of the mapping at ``path`` in the document, unions resolved by its tag."""
    annotation: Any = Process
    node: Any = data
    for segment in path:
        annotation = _resolve(annotation, node)
        annotation = _step(annotation, segment)
        node = node[segment] if _has(node, segment) else None
    model = _resolve(annotation, node)
    return model if _is_model(model) else None


def _resolve(annotation: Any, node: Any) -> Any:
    annotation = _unwrap(annotation)
    members = _union_members(annotation)
    if not members or not isinstance(node, dict):
        return annotation
    for member in members:
        if _is_model(member) and any(
            node.get(name) in _literal_tags(member) for name in ("type", "kind")
        ):
            return member
    models = [m for m in members if _is_model(m)]
    return models[0] if len(models) == 1 else annotation


def _accepts(model: type[BaseModel] | None, key: str) -> bool:
    return model is not None and key in model_keys(model)


def _misplaced(
    name: str, doc: DocPath, data: Any, source: SourceMap
) -> tuple[str, str | None, str | None, str, dict[str, str]] | None:
    """An unknown key that belongs one level deeper or higher: an indentation mistake.

    Deeper: the entry just before it holds a mapping (or a list of them)
    that takes the key. Higher: the mapping that holds this one takes it.
    Returns the message, expected, hint, code and facts, or ``None``.
    """
    if not doc or name not in language_keys():
        return None
    mapping = doc[:-1]
    holder = _value_at(mapping, data)
    target: DocPath | None = None
    direction = ""
    if isinstance(holder, dict):
        keys = list(holder)
        index = keys.index(name) if name in keys else -1
        if index > 0:
            before = (*mapping, keys[index - 1])
            value = holder[keys[index - 1]]
            if isinstance(value, list) and value and isinstance(value[-1], dict):
                before = (*before, len(value) - 1)
                value = value[-1]
            if isinstance(value, dict) and _accepts(_model_at(before, data), name):
                target, direction = before, "deeper"
    if target is None and mapping:
        # The mapping that holds this one; a list between them is no level.
        parent = mapping[:-1]
        while parent and not isinstance(_value_at(parent, data), dict):
            parent = parent[:-1]
        if _accepts(_model_at(parent, data), name):
            target, direction = parent, "higher"
    if target is None:
        return None
    line, _ = source.keys.get(doc, (0, 0))
    line_text = source.line_text(line, source.where(doc, key=True)[0]) if line else ""
    target_line, _ = source.locate(target)[0]
    ids = source.place_ids(target)
    place = describe_place(format_path(target), ids) if target else "the top level"
    level = "one level deeper" if direction == "deeper" else "one level higher"
    facts = {
        "direction": direction,
        "target": format_path(target),
        "target_ids": ids,
        "target_line": str(target_line),
        "line": str(line),
        "line_text": line_text,
    }
    message = f"wrong indentation: the key {name!r} belongs {level}, to {place}"
    expected = None
    target_value = _value_at(target, data)
    first = next(iter(target_value), None) if isinstance(target_value, dict) else None
    if first is not None and line_text.lstrip().startswith(f"{name}:"):
        first_line, first_column = source.keys.get((*target, first), (0, 0))
        if first_line:
            right = " " * (first_column - 1) + line_text.strip()
            expected = f"{name!r} indented like {first!r} on line {first_line}: {right}"
            facts.update(right=right, sibling=first, sibling_line=str(first_line))
    model = _model_at(target, data)
    reference = reference_anchor(model) if model is not None else None
    if reference is not None:
        facts["reference"] = reference
    hint = (
        f"indent it further, under {place} (line {target_line})"
        if direction == "deeper"
        else f"indent it less, with the keys of {place} (line {target_line})"
    )
    return message, expected, hint, "schema.misplaced-key", facts


def _value_at(path: DocPath, data: Any) -> Any:
    node = data
    for segment in path:
        if not _has(node, segment):
            return None
        node = node[segment]
    return node


def _validator_code(at: _Located, given: Any, params: dict[str, str], message: str) -> str:
    """The code of a failed model validator, its facts added to ``params``."""
    if at.logical and at.logical[-1] == "timezone":
        params["value"] = repr(given)
        return "schema.timezone"
    code = _VALIDATOR_CODES.get(at.final)
    data = given if isinstance(given, dict) else {}
    if code == "schema.min-above-max":
        params.update(min=str(data.get("min")), max=str(data.get("max")))
    elif code == "schema.condition-operators":
        named = [name for name in _CONDITION_OPERATORS if data.get(name) is not None]
        params.update(operators=", ".join(_CONDITION_OPERATORS), given=", ".join(named))
    elif code == "schema.period-units":
        units = [unit.value for unit in PeriodUnit]
        named = [unit for unit in units if data.get(unit) is not None]
        params.update(units=", ".join(units), given=", ".join(named))
    elif code is None:
        params["detail"] = message
        return "schema.invalid"
    return code


def _locate(loc: tuple[int | str, ...], data: Any) -> _Located:
    annotation: Any = Process
    node: Any = data
    doc: list[str | int] = []
    logical: list[str | int] = []
    owner: type[BaseModel] | None = Process
    in_document = True
    scalar_union = False
    for segment in loc:
        annotation = _unwrap(annotation)
        members = _union_members(annotation)
        if members:
            chosen = _union_member(members, segment)
            if chosen is not None:
                # A union tag is pydantic's bookkeeping, not a place in the file.
                if not _is_model(chosen):
                    scalar_union = True
                annotation = chosen
                continue
        if _is_model(annotation):
            owner = annotation
        if in_document and _has(node, segment):
            node = node[segment]
            doc.append(segment)
        else:
            in_document = False
        logical.append(segment)
        annotation = _step(annotation, segment)
    return _Located(tuple(doc), tuple(logical), owner, _unwrap(annotation), scalar_union)


def _has(node: Any, segment: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(segment, str) and segment in node
    if isinstance(node, list):
        return isinstance(segment, int) and 0 <= segment < len(node)
    return False


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``None`` from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return ()


def _union_member(members: tuple[Any, ...], segment: str | int) -> Any:
    if not isinstance(segment, str):
        return None
    for member in members:
        if _is_model(member) and segment in _literal_tags(member):
            return member
        if getattr(member, "__name__", None) == segment:
            return member
    return None


def _literal_tags(model: type[BaseModel]) -> tuple[str, ...]:
    tags: list[str] = []
    for name in ("type", "kind"):
        info = model.model_fields.get(name)
        if info is not None and typing.get_origin(info.annotation) is Literal:
            tags.extend(str(a) for a in typing.get_args(info.annotation))
    return tuple(tags)


def _union_tags(annotation: Any) -> tuple[str, ...]:
    tags: list[str] = []
    for member in _union_members(_unwrap(annotation)):
        if _is_model(member):
            tags.extend(_literal_tags(member))
    return tuple(tags)


def _step(annotation: Any, segment: str | int) -> Any:
    """The annotation one step down: a model's field, or a tuple's item."""
    if isinstance(segment, int):
        if typing.get_origin(annotation) is tuple:
            return typing.get_args(annotation)[0]
        return Any
    if _is_model(annotation):
        for name, info in annotation.model_fields.items():
            if segment in (name, info.alias):
                return info.annotation
    return Any


def _is_model(annotation: Any) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def model_keys(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys a process file may use in a mapping of this model."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


@functools.cache
def language_keys() -> tuple[str, ...]:
    """Every key used anywhere in the process-file language."""
    found: dict[str, None] = {}
    pending: list[Any] = [Process]
    done: set[Any] = set()
    while pending:
        annotation = _unwrap(pending.pop())
        if annotation in done:
            continue
        done.add(annotation)
        members = _union_members(annotation)
        if members:
            pending.extend(members)
        elif typing.get_origin(annotation) is tuple:
            pending.append(typing.get_args(annotation)[0])
        elif _is_model(annotation):
            for key in model_keys(annotation):
                found[key] = None
            pending.extend(info.annotation for info in annotation.model_fields.values())
    return tuple(found)


def _field_description(model: type[BaseModel] | None, key: str) -> str | None:
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.description
    return None


def _did_you_mean(
    word: str,
    allowed: tuple[str, ...],
    *,
    fallback: bool = True,
    params: dict[str, str] | None = None,
) -> str | None:
    """A suggestion for a misspelt word; ``params`` receives it as data."""
    facts = {} if params is None else params
    close = difflib.get_close_matches(word, allowed, n=1, cutoff=0.6)
    if close:
        facts.update(hint_code="did-you-mean", suggestion=close[0])
        return f"did you mean {close[0]!r}?"
    if fallback:
        elsewhere = difflib.get_close_matches(word, language_keys(), n=1, cutoff=0.75)
        if elsewhere and elsewhere[0] == word:
            # Never "did you mean" the very word: it is right, but not here.
            facts.update(hint_code="key-elsewhere", suggestion=word)
            return (
                f"{word!r} is a key of another kind of mapping: check where it is "
                "indented, and the reference of this mapping"
            )
        if elsewhere:
            facts.update(hint_code="did-you-mean-elsewhere", suggestion=elsewhere[0])
            return f"did you mean {elsewhere[0]!r}? (that key belongs in another kind of mapping)"
    return None


def _choices(expected: str) -> tuple[str, ...]:
    # pydantic lists choices as "'a', 'b' or 'c'"
    return tuple(re.findall(r"'([^']*)'", expected)) or (expected,)


def _as_identifier(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    candidate = re.sub(r"[^a-z0-9_]+", "_", value.strip().lower()).strip("_")
    candidate = candidate[:64]
    return candidate if re.fullmatch(_IDENTIFIER_PATTERN, candidate) else None
