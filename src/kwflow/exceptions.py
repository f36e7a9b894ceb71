"""Every error kwflow raises, and the facts it carries.

Each class also subclasses the builtin with the same meaning, so a host that
catches ``LookupError`` or ``PermissionError`` keeps working. Errors carry the
facts as attributes and build their message from them, so a host can show its
own message and a log still reads well.

Every error has a stable ``code`` (``case.not-found``), its facts as text
(``params``), `KwflowError.render` in Czech or English and `KwflowError.to_dict`,
the JSON a host sends to a browser (its shape is `ErrorJSON`). ``str(error)``
is the English text. The Czech is written from the code and the facts
(the catalogue in ``kwflow._error_messages``), never translated from the English.

A refused command carries its reasons as `Reason` records, the same records
``Engine.available_actions`` gives; invalid artifact data carries one
`FieldError` per field, in kwflow's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

from kwflow import _error_messages as _catalogue
from kwflow.i18n import render

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from kwflow.i18n import Language, Template

__all__ = [
    "FIELD_ERROR_CODES",
    "ActionNotAllowed",
    "ArtifactInvalid",
    "CaseNotFound",
    "ConcurrencyConflict",
    "DefinitionError",
    "ErrorJSON",
    "FieldError",
    "FieldErrorJSON",
    "KwflowError",
    "MessageJSON",
    "NotPermitted",
    "Problem",
    "ProcessNotFound",
    "Reason",
    "ReasonCode",
    "ReasonJSON",
    "StorageError",
    "TamperedHistory",
    "UnknownName",
]

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _text(value: object) -> str:
    """A fact as text: ``None`` is empty, a collection of names is ``a, b`` (sorted)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def _both(render: Any) -> dict[str, str]:
    return {"cs": render("cs"), "en": render("en")}


def _rebuild(
    cls: type[KwflowError],
    args: tuple[Any, ...],
    state: dict[str, Any],
    views: tuple[str, ...] = (),
) -> KwflowError:
    """A pickled error again (see `KwflowError.__reduce__`)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    for name in views:
        error.__dict__[name] = MappingProxyType(state[name])
    return error


class KwflowError(Exception):
    """Base of every error raised by kwflow.

    A subclass names its ``code`` (a stable dotted string, listed in
    docs/embedding.md) and gets ``params``, `render` and `to_dict` for free:
    its facts are its public attributes (text, numbers, names), and its
    Czech is the catalogue's entry for the code (or its own ``czech``
    template). A subclass whose structured facts (reasons, field errors)
    belong in the JSON adds them in `_extras`.
    """

    code: ClassVar[str] = "error"
    """What went wrong, as a stable dotted string (``case.not-found``)."""

    czech: ClassVar[Template | None] = None
    """The Czech of an error class that keeps its own words (one of a layer
    above, such as ``GraphvizNotFound``); the classes here are in the catalogue."""

    # Attributes that are not facts of the params (structured extras, or text
    # already in them); a subclass extends it.
    _not_params: ClassVar[frozenset[str]] = frozenset({"args"})

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its state, not from its constructor's arguments (which
        # differ per class): an error crosses a process boundary intact (a
        # worker pool, a job queue that pickles) instead of failing there.
        state = dict(vars(self))
        # Read-only views of mappings are kept as such, rebuilt from a copy.
        views = tuple(name for name, value in state.items() if isinstance(value, MappingProxyType))
        for name in views:
            state[name] = dict(state[name])
        return (_rebuild, (type(self), self.args, state, views))

    @property
    def params(self) -> Mapping[str, str]:
        """The facts of this error, each as text: what the Czech (and a host) is written from."""
        facts = {
            name: _text(value)
            for name, value in vars(self).items()
            if not name.startswith("_")
            and name not in self._not_params
            and (value is None or isinstance(value, str | int | tuple | frozenset))
        }
        return MappingProxyType(facts)

    def render(self, lang: Language) -> str:
        """The message for a person, in Czech (``"cs"``) or English (``"en"``).

        English is ``str(error)``; Czech is written from ``code`` and ``params``.
        """
        if lang == "en":
            return str(self)
        if self.czech is not None:
            return render(self.czech, self._facts(lang))
        return _catalogue.error_text(self.code, self._facts(lang), lang)

    def _facts(self, lang: Language) -> Mapping[str, str]:
        """The facts the message in ``lang`` is written from (``params``, and rendered extras)."""
        del lang
        return self.params

    def _extras(self) -> dict[str, Any]:
        """Structured facts for `to_dict` besides the params (reasons, field errors)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The error as plain JSON types, in the shape of `ErrorJSON`.

        ``{"code", "params", "message": {"cs", "en"}}``, and for some errors
        more: ``reasons`` of a refusal, ``errors`` of invalid artifact data,
        ``problems`` of a broken process file.
        """
        return {
            "code": self.code,
            "params": dict(self.params),
            "message": _both(self.render),
            **self._extras(),
        }


# ------------------------------------------------------------------ reasons


class ReasonCode(StrEnum):
    """Why an action (or another command) is not allowed."""

    CLOSED = "closed"
    WRONG_PHASE = "wrong_phase"
    LACKS_ROLE = "lacks_role"
    NOT_PRESENT = "not_present"
    ALREADY_TAKEN = "already_taken"
    MISSING_ARTIFACT = "missing_artifact"
    FIELD_CONDITION = "field_condition"
    ROLE_NOT_ASSIGNED = "role_not_assigned"
    GUARD_REFUSED = "guard_refused"
    GUARD_NOT_REGISTERED = "guard_not_registered"
    # Reasons of the commands besides actions (assign, submit, call in...).
    ALREADY_HOLDS = "already_holds"
    ROLE_FULL = "role_full"
    EXCLUSIVE_ROLES = "exclusive_roles"
    NOT_HOLDING = "not_holding"
    ROLE_MINIMUM = "role_minimum"
    NOT_REPLACEABLE = "not_replaceable"
    NOT_WRITABLE = "not_writable"
    NOT_ON_CALL = "not_on_call"
    ALREADY_CALLED_IN = "already_called_in"
    NOBODY_HOLDS = "nobody_holds"
    NOT_CALLED_IN = "not_called_in"
    TAKES_NO_DATA = "takes_no_data"
    ABOUT_REQUIRED = "about_required"
    ABOUT_NOT_ALLOWED = "about_not_allowed"
    ABOUT_NOT_HOLDER = "about_not_holder"
    NO_MOVE = "no_move"
    # Reads (view, history_for, available_actions).
    NOT_A_PARTICIPANT = "not_a_participant"
    # Organisations: rules on who the holders of a role work for, and when
    # a role may be assigned.
    ORGANISATION_MISSING = "organisation_missing"
    ORGANISATION_KIND_NOT_ALLOWED = "organisation_kind_not_allowed"
    ORGANISATION_KIND_FORBIDDEN = "organisation_kind_forbidden"
    SAME_ORGANISATION = "same_organisation"
    UNKNOWN_ORGANISATION_KIND = "unknown_organisation_kind"
    ORGANISATION_CHANGED = "organisation_changed"
    NOT_ASSIGNABLE_IN_PHASE = "not_assignable_in_phase"
    ORGANISATION_REQUIREMENT = "organisation_requirement"
    ORGANISATION_REQUIREMENT_UNHELD = "organisation_requirement_unheld"
    OTHER = "other"
    """A reason given only as text (a host's own `ActionNotAllowed`)."""

    @property
    def permission(self) -> bool:
        """Whether the reason is about who the person is (``NotPermitted``)."""
        return self in (
            ReasonCode.LACKS_ROLE,
            ReasonCode.NOT_PRESENT,
            ReasonCode.NOT_A_PARTICIPANT,
        )


# A str subclass cannot have slots of its own; its facts live in __dict__.
class Reason(str):  # noqa: SLOT000
    """One reason a command is not allowed: a code, what it is about, and its facts.

    A reason *is* its English message (a `str`), so code that compares or
    searches refusal texts keeps working; it also carries its ``code``, the
    ``artifact``, ``field``, ``role`` or ``guard`` it is about, and every
    fact as text in ``params``, from which `render` writes it in Czech.
    Two reasons are equal when all of that is; a reason equals a plain
    string with its message.

    Examples:
        >>> reason = Reason(ReasonCode.MISSING_ARTIFACT, "the artifact 'consent' is missing",
        ...                 artifact="consent")
        >>> reason.render("cs"), reason == "the artifact 'consent' is missing"
        ("chybí dokument 'consent'", True)
    """

    code: ReasonCode
    artifact: str | None
    field: str | None
    role: str | None
    guard: str | None
    params: Mapping[str, str]

    def __new__(
        cls,
        code: ReasonCode | str,
        message: str,
        *,
        artifact: str | None = None,
        field: str | None = None,
        role: str | None = None,
        guard: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Self:
        """A reason with its English ``message``; ``params`` adds facts to those named."""
        self = super().__new__(cls, message)
        facts = {
            name: value
            for name, value in (
                ("artifact", artifact),
                ("field", field),
                ("role", role),
                ("guard", guard),
            )
            if value is not None
        }
        facts.update(params or {})
        for name, value in (
            ("code", ReasonCode(code)),
            ("artifact", artifact),
            ("field", field),
            ("role", role),
            ("guard", guard),
            ("params", MappingProxyType(facts)),
        ):
            object.__setattr__(self, name, value)
        return self

    @property
    def message(self) -> str:
        """The English message."""
        return str.__str__(self)

    def render(self, lang: Language) -> str:
        """The reason for a person, in Czech or English (its message)."""
        if lang == "en":
            return self.message
        return _catalogue.reason_text(self.code.value, self.params, lang, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The reason as plain JSON types, in the shape of `ReasonJSON`."""
        return {
            "code": self.code.value,
            "params": dict(self.params),
            "message": _both(self.render),
            "artifact": self.artifact,
            "field": self.field,
            "role": self.role,
            "guard": self.guard,
        }

    def _key(self) -> tuple[object, ...]:
        return (self.code, self.message, self.artifact, self.field, self.role, self.guard)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Reason):
            return self._key() == other._key() and dict(self.params) == dict(other.params)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __setattr__(self, name: str, value: object) -> None:
        raise ReadOnly("reason", name)

    def __repr__(self) -> str:
        about = "".join(
            f", {name}={value!r}"
            for name, value in (
                ("artifact", self.artifact),
                ("field", self.field),
                ("role", self.role),
                ("guard", self.guard),
            )
            if value is not None
        )
        return f"Reason(code={self.code.value!r}, message={self.message!r}{about})"

    def __reduce__(self) -> tuple[Any, ...]:
        facts = {
            "artifact": self.artifact,
            "field": self.field,
            "role": self.role,
            "guard": self.guard,
            "params": dict(self.params),
        }
        return (_reason, (self.code.value, self.message, facts))


def _reason(code: str, message: str, facts: dict[str, Any]) -> Reason:
    """Unpickle a `Reason` (its keyword-only facts need a function of their own)."""
    return Reason(code, message, **facts)


def _reasons(reasons: Sequence[Reason | str]) -> tuple[Reason, ...]:
    """Reasons as `Reason` records; a plain string (a host's own reason) is ``other``."""
    return tuple(
        reason if isinstance(reason, Reason) else Reason(ReasonCode.OTHER, reason)
        for reason in reasons
    )


# ------------------------------------------------------------------ process files


def _reduce_frozen(record: Any) -> tuple[Any, ...]:
    """Pickle a frozen record whose ``params`` is a read-only view (views do not pickle)."""
    values = [getattr(record, f.name) for f in fields(record) if f.init]
    return (type(record), tuple(dict(v) if isinstance(v, MappingProxyType) else v for v in values))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a process file.

    ``line`` and ``column`` are 1-based and point into ``file``; ``path`` is
    the location inside the document (``actions[3].requires.artifacts[0]``).
    ``severity`` is ``"error"`` or ``"warning"``; ``rule`` names the check.

    ``message``, ``expected``, ``found`` and ``hint`` are English and stay
    the source of truth. ``code`` names the kind of problem (``unknown-role``,
    ``schema.missing``...) and ``params`` holds its facts as text, so the
    problem can be rendered in another language from data
    (`kwflow.definition.problem_text`); both are empty for problems created
    without them.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: str = "error"
    rule: str = "schema"
    expected: str | None = None
    found: str | None = None
    hint: str | None = None
    code: str | None = None
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.params, MappingProxyType):
            object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.path:
            text += f" (at {self.path})"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        if self.hint:
            text += f"; {self.hint}"
        return f"{text} [{self.rule}]"

    def __reduce__(self) -> tuple[Any, ...]:
        return _reduce_frozen(self)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "rule": self.rule,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
        }


class DefinitionError(KwflowError, ValueError):
    """A process file is broken; ``problems`` lists every problem found at once.

    Its Czech names the count only: each problem is worded in Czech by
    `kwflow.definition.problem_text` (it needs the definition layer's templates).
    """

    code = "definition.invalid"
    _not_params = KwflowError._not_params | {"problems"}

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        self.count = len(errors)
        head = f"{len(errors)} problem(s) in process definition"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def _extras(self) -> dict[str, Any]:
        return {
            "problems": [
                {**problem.as_dict(), "code": problem.code, "params": dict(problem.params)}
                for problem in self.problems
            ]
        }


# ------------------------------------------------------------------ lookups


class ProcessNotFound(KwflowError, LookupError):
    """No process with this id (and version) is registered."""

    code = "process.not-found"

    def __init__(self, process_id: str, version: int | None = None) -> None:
        self.process_id = process_id
        self.version = version
        which = process_id if version is None else f"{process_id} version {version}"
        super().__init__(f"no process {which} is registered")


class CaseNotFound(KwflowError, LookupError):
    """No case with this id exists in the store."""

    code = "case.not-found"

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"no case with id {case_id!r}")


class UnknownName(KwflowError, LookupError):
    """A command names an action, artifact, role or deadline the process lacks.

    ``kind`` is ``action``, ``artifact``, ``role`` or ``deadline``.
    """

    code = "name.unknown"

    def __init__(self, kind: str, name: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        listed = ", ".join(sorted(self.known)) or "none"
        super().__init__(f"unknown {kind} {name!r}; known: {listed}")


# ------------------------------------------------------------------ refusals


def _command_facts(command: str, facts: Mapping[str, str] | None) -> dict[str, str]:
    return {"command": command, **(facts or {})}


class ActionNotAllowed(KwflowError, ValueError):
    """A command cannot be carried out now; ``reasons`` lists every reason.

    ``action`` names the command in English (an action id, or ``assign 'eva'
    as lead``); ``command`` says which kind of command it is (``act``,
    ``assign``, ``unassign``, ``replace``, ``submit``, ``call_in``, ``dismiss``) and the
    params hold what it was about (``action``, ``person``, ``role``,
    ``artifact``). Each reason is a `Reason`, as in ``available_actions``.
    """

    code = "action.not-allowed"
    _not_params = KwflowError._not_params | {"reasons", "facts"}

    def __init__(
        self,
        action: str,
        reasons: Sequence[Reason | str],
        *,
        command: str = "act",
        facts: Mapping[str, str] | None = None,
    ) -> None:
        self.action = action
        self.reasons: tuple[Reason, ...] = _reasons(reasons)
        self.facts = _command_facts(command, facts)
        super().__init__(f"{action!r} is not allowed now: " + "; ".join(self.reasons))

    @property
    def params(self) -> Mapping[str, str]:
        """What the refused command was about (see the class), as text."""
        facts = dict(self.facts)
        if facts["command"] == "act":
            facts.setdefault("action", self.action)
        return MappingProxyType(facts)

    def _facts(self, lang: Language) -> Mapping[str, str]:
        return {**self.params, "reasons": "; ".join(r.render(lang) for r in self.reasons)}

    def _extras(self) -> dict[str, Any]:
        return {"reasons": [reason.to_dict() for reason in self.reasons]}


class NotPermitted(KwflowError, PermissionError):
    """The actor lacks a role, presence or right the command needs.

    ``command`` says in English what was refused ("take the action
    'approve_plan'"); the params name the kind of command and what it was
    about, as for `ActionNotAllowed`. ``reasons`` are `Reason` records: a
    missing role names the roles it needs (``params["roles"]``, and
    ``role``, the first of them).
    """

    code = "actor.not-permitted"
    _not_params = KwflowError._not_params | {"reasons", "facts"}

    def __init__(
        self,
        actor: str,
        command: str,
        reasons: Sequence[Reason | str],
        *,
        kind: str = "act",
        facts: Mapping[str, str] | None = None,
    ) -> None:
        self.actor = actor
        self.command = command
        self.reasons: tuple[Reason, ...] = _reasons(reasons)
        self.facts = _command_facts(kind, facts)
        super().__init__(f"{actor!r} may not {command}: " + "; ".join(self.reasons))

    @property
    def params(self) -> Mapping[str, str]:
        """Who was refused, and what the command was about, as text."""
        return MappingProxyType({"actor": self.actor, **self.facts})

    def _facts(self, lang: Language) -> Mapping[str, str]:
        return {**self.params, "reasons": "; ".join(r.render(lang) for r in self.reasons)}

    def _extras(self) -> dict[str, Any]:
        return {"reasons": [reason.to_dict() for reason in self.reasons]}


# ------------------------------------------------------------------ artifact data


@dataclass(frozen=True)
class FieldError:
    """One field of artifact data that failed its schema, in kwflow's words.

    ``path`` is where (``items[2].owner``, empty for the data as a whole);
    ``code`` says what is wrong (``field.too-long``, listed in
    docs/embedding.md) and ``params`` its facts (``{"max": "500"}``);
    ``message`` is the English text, `render` gives Czech too.
    """

    path: str
    message: str
    code: str = "field.invalid"
    params: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.params, MappingProxyType):
            object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __reduce__(self) -> tuple[Any, ...]:
        return _reduce_frozen(self)

    @classmethod
    def of(cls, path: str, code: str, **params: str) -> FieldError:
        """The error of ``code`` at ``path``, its English message from the catalogue."""
        return cls(path, _catalogue.field_text(code, params, "en"), code, params)

    def render(self, lang: Language) -> str:
        """What is wrong with the field, without the path, in Czech or English."""
        if lang == "en":
            return self.message
        return _catalogue.field_text(self.code, self.params, lang)

    def to_dict(self) -> dict[str, Any]:
        """The field error as plain JSON types, in the shape of `FieldErrorJSON`."""
        return {
            "path": self.path,
            "code": self.code,
            "params": dict(self.params),
            "message": _both(self.render),
        }

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


FIELD_ERROR_CODES: tuple[str, ...] = tuple(_catalogue.FIELDS)
"""Every `FieldError.code`, in the order docs/embedding.md lists them."""


class ArtifactInvalid(KwflowError, ValueError):
    """Artifact data does not match the artifact's fields; ``errors`` lists every field."""

    code = "artifact.invalid"
    _not_params = KwflowError._not_params | {"errors"}

    def __init__(self, artifact: str, errors: Sequence[FieldError]) -> None:
        self.artifact = artifact
        self.errors = tuple(errors)
        self.count = len(self.errors)
        super().__init__(
            f"artifact {artifact!r} is invalid: " + "; ".join(str(e) for e in self.errors)
        )

    def _facts(self, lang: Language) -> Mapping[str, str]:
        listed = "; ".join(
            f"{e.path}: {e.render(lang)}" if e.path else e.render(lang) for e in self.errors
        )
        return {**self.params, "errors": listed}

    def _extras(self) -> dict[str, Any]:
        return {"errors": [error.to_dict() for error in self.errors]}


# ------------------------------------------------------------------ concurrency, storage


class ConcurrencyConflict(KwflowError, RuntimeError):
    """The case changed since it was read; nothing was written."""

    code = "case.version-conflict"

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"case {case_id!r} is at version {actual}, not {expected}: "
            "reload the case and decide again"
        )


class _WithReason(KwflowError):
    """An error that says why with a reason code of the catalogue and the reason's facts.

    ``reason`` is the English reason, ``reason_code`` its code, and the params
    carry the code and the facts, so the Czech is written from them and never
    repeats the English. A reason given as text (a host's own, or an older
    caller's) has the code ``other``: its text is the param ``detail``, and
    the Czech leaves it out rather than show English.
    """

    _not_params = KwflowError._not_params | {"reason", "details"}
    reason: str
    reason_code: str
    details: Mapping[str, str]

    def _say_why(self, reason: str, facts: Mapping[str, object]) -> str:
        """Keep the reason's code and facts; return the English reason."""
        details = {name: _text(value) for name, value in facts.items()}
        english = _catalogue.detail_text(self.code, reason, details, "en")
        if english is None:
            self.reason_code = "other"
            self.details = MappingProxyType({"detail": reason})
            self.reason = reason
        else:
            self.reason_code = reason
            self.details = MappingProxyType(details)
            self.reason = english
        return self.reason

    @property
    def params(self) -> Mapping[str, str]:
        """The error's facts, the reason's code (``reason_code``) and the reason's facts."""
        return MappingProxyType({**super().params, **self.details})

    def _facts(self, lang: Language) -> Mapping[str, str]:
        said = _catalogue.detail_text(self.code, self.reason_code, self.details, lang)
        return {**self.params, "reason": said or ""}


class TamperedHistory(_WithReason, ValueError):
    """A stored history does not verify; ``sequence`` is the first bad event.

    ``reason`` says what is wrong in English, ``reason_code`` names it
    (``hash-mismatch``, ``vanished``... listed in docs/embedding.md).
    """

    code = "history.tampered"

    def __init__(self, case_id: str, sequence: int, reason: str, **facts: object) -> None:
        self.case_id = case_id
        self.sequence = sequence
        why = self._say_why(reason, facts)
        super().__init__(f"history of case {case_id!r} fails at event {sequence}: {why}")


class StorageError(KwflowError, OSError):
    """The store could not read or write; nothing was half-written.

    ``detail`` is the store's (English, technical) account; the Czech says
    only that storage failed.
    """

    code = "storage.failed"

    def __init__(self, message: str, *, case_id: str | None = None) -> None:
        self.case_id = case_id
        self.detail = message
        super().__init__(message if case_id is None else f"case {case_id!r}: {message}")


# --- Persistence errors (appended by the store; see docs/storage.md) ---------


class MalformedEvent(TamperedHistory):
    """A stored event row cannot even be read: corrupt JSON or nonsense columns.

    A ``TamperedHistory`` because a host must treat it the same way: the
    stored history of this case can no longer be trusted, other cases can.
    """

    code = "history.malformed-event"

    def __init__(self, case_id: str, sequence: int, reason: str) -> None:
        super().__init__(case_id, sequence, f"malformed stored event: {reason}")


class SchemaTooNew(KwflowError, RuntimeError):
    """Stored data was written by a newer kwflow than this one: upgrade kwflow.

    ``what`` names the data (the database, or one event of one case);
    ``found`` is its schema version and ``supported`` the newest this kwflow
    reads. Nothing is changed: an older kwflow never rewrites newer data.
    """

    code = "storage.schema-too-new"

    def __init__(
        self,
        what: str,
        found: int,
        supported: int,
        *,
        case_id: str | None = None,
        sequence: int | None = None,
    ) -> None:
        self.what = what
        self.found = found
        self.supported = supported
        self.case_id = case_id
        self.sequence = sequence
        super().__init__(
            f"{what} has schema version {found}, newer than this kwflow reads "
            f"({supported}): upgrade kwflow"
        )


class InvalidEvents(KwflowError, ValueError):
    """Events handed to a store do not continue the case; nothing was written.

    A programming error in the caller (the engine), never a race: a stale
    version is ``ConcurrencyConflict`` instead.
    """

    code = "history.invalid-events"

    def __init__(self, case_id: str, reason: str) -> None:
        self.case_id = case_id
        self.reason = reason
        super().__init__(f"cannot append to case {case_id!r}: {reason}")


__all__ += ["InvalidEvents", "MalformedEvent", "SchemaTooNew"]


# --- Runtime errors (appended by the engine; see docs/concepts.md) ------------


class CaseExists(KwflowError, ValueError):
    """A case with this id already exists; nothing was written."""

    code = "case.exists"

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"a case with id {case_id!r} already exists: choose another id")


class ProcessChanged(KwflowError, LookupError):
    """The registered process differs from the one a case was opened with.

    A case pins its process's content hash so that its rules never change
    under its participants: register the original file again (or the case's
    version of it) to work on the case.
    """

    code = "process.changed"

    def __init__(
        self, case_id: str, process_id: str, version: int, pinned: str, found: str
    ) -> None:
        self.case_id = case_id
        self.process_id = process_id
        self.version = version
        self.pinned = pinned
        self.found = found
        super().__init__(
            f"case {case_id!r} runs {process_id} version {version} with content hash "
            f"{pinned[:12]}..., but the registered file has {found[:12]}...: register the "
            "file the case was opened with (a changed process needs a new version)"
        )


__all__ += ["CaseExists", "ProcessChanged"]


class IdempotencyConflict(KwflowError, ValueError):
    """An idempotency key was used again for a different command; nothing was written.

    A key stands for one command forever: the first command recorded with it
    (its content: the kind of command and every field but the key and
    ``expected_version``). Repeating that command with the key returns its
    original result; anything else with the key raises this error. The host
    made a new command (another click, other data) and should give it a new
    key.

    ``key`` is the key; ``case_id`` is the case the key belongs to: the case
    the command named or, for a key of a command opening a case (whose keys
    are not tied to one case), the case that key opened.
    """

    code = "command.idempotency-conflict"

    def __init__(self, key: str, case_id: str) -> None:
        self.key = key
        self.case_id = case_id
        super().__init__(
            f"the idempotency key {key!r} was already used for another command on case "
            f"{case_id!r}: give a new command a new key"
        )


__all__ += ["IdempotencyConflict"]


# --- Bad arguments (see docs/embedding.md, "Errors, and what to tell the user") -----


class InvalidId(KwflowError, ValueError):
    """An id or name given to kwflow breaks its limits; nothing was done.

    ``what`` names the argument (``by``, ``case_id``, ``role``...) and
    ``kind`` what it is (``person-id`` or ``id``); ``problem`` is ``empty``,
    ``too-long`` (more than ``limit`` characters) or ``control-character``
    (a control character such as NUL or a line break). The value itself is
    not kept: it may be 100,000 characters long.
    """

    code = "input.invalid-id"

    def __init__(self, what: str, problem: str, *, limit: int, kind: str = "id") -> None:
        self.what = what
        self.kind = kind
        self.problem = problem
        self.limit = limit
        says = {
            "empty": "may not be empty",
            "too-long": f"may have at most {limit} characters",
            "control-character": "may not contain control characters (such as NUL or a line break)",
        }[problem]
        noun = "a person id" if kind == "person-id" else "an id"
        super().__init__(f"{what} is {noun} and {says}")


class WrongType(KwflowError, TypeError):
    """An argument has the wrong type: ``what`` is ``expected``, not ``found``.

    ``expected`` names what it must be (``person-id``, ``id``, ``int``,
    ``datetime``, ``timedelta``, ``callable``, ``command``), ``found`` the
    name of the type given.
    ``expected_version="1"`` (as a web form sends it) is one: the version
    is a whole number, and a string is refused rather than compared.
    """

    code = "input.wrong-type"

    def __init__(self, what: str, expected: str, found: str) -> None:
        self.what = what
        self.expected = expected
        self.found = found
        super().__init__(f"{what} is {_catalogue.type_text(expected, 'en')}, not {found}")


class InvalidValue(KwflowError, ValueError):
    """An argument has the right type but a value kwflow cannot use.

    ``rule`` names what it must be (``non-negative``: a whole number, 0 or more).
    """

    code = "input.invalid-value"

    def __init__(self, what: str, rule: str, value: str) -> None:
        self.what = what
        self.rule = rule
        self.value = value
        super().__init__(f"{what} must be {_catalogue.value_text(rule, 'en')}, not {value}")


class NaiveDatetime(KwflowError, ValueError):
    """A datetime without a timezone was given where kwflow needs a moment in time.

    kwflow works only with timezone-aware datetimes (``datetime.now(UTC)``,
    or with a ``ZoneInfo``); ``value`` is the ISO text of what was given.
    """

    code = "input.naive-datetime"

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"{value} has no timezone: kwflow only works with aware datetimes")


class GuardFailed(KwflowError, TypeError):
    """A host's guard returned something other than ``True``, ``False`` or a reason string."""

    code = "guard.bad-result"

    def __init__(self, guard: str, result: str) -> None:
        self.guard = guard
        self.result = result
        super().__init__(
            f"the guard {guard!r} returned {result}; a guard returns True or a reason string"
        )


__all__ += ["GuardFailed", "InvalidId", "InvalidValue", "NaiveDatetime", "WrongType"]


# --- The JSON of an error, for a host's OpenAPI ---------------------------------


class MessageJSON(BaseModel):
    """A message in both languages."""

    model_config = ConfigDict(extra="forbid")

    cs: str
    en: str


class ReasonJSON(BaseModel):
    """`Reason.to_dict`: one reason a command is refused (or an action is not available)."""

    model_config = ConfigDict(extra="forbid")

    code: str
    params: dict[str, str]
    message: MessageJSON
    artifact: str | None
    field: str | None
    role: str | None
    guard: str | None


class FieldErrorJSON(BaseModel):
    """`FieldError.to_dict`: one field of artifact data that is invalid."""

    model_config = ConfigDict(extra="forbid")

    path: str
    code: str
    params: dict[str, str]
    message: MessageJSON


class ErrorJSON(BaseModel):
    """`KwflowError.to_dict`: any kwflow error, as a host sends it to a browser.

    ``reasons`` come with refusals (``action.not-allowed``,
    ``actor.not-permitted``), ``errors`` with ``artifact.invalid`` and
    ``problems`` (as `Problem.as_dict`, with ``code`` and ``params``) with
    ``definition.invalid``.
    """

    model_config = ConfigDict(extra="forbid", title="Error")

    code: str
    params: dict[str, str]
    message: MessageJSON
    reasons: list[ReasonJSON] | None = None
    errors: list[FieldErrorJSON] | None = None
    problems: list[dict[str, Any]] | None = None


# --- Trust errors (appended by checkpoints; see docs/storage.md) ---------------


class CheckpointInvalid(_WithReason, ValueError):
    """A checkpoint cannot be trusted: malformed, or its signature or root do not match.

    Nothing about the cases follows from it; ``reason`` says what is wrong
    and ``reason_code`` names it (``bad-signature``, ``root-mismatch``...).
    """

    code = "checkpoint.invalid"

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__(f"invalid checkpoint: {self._say_why(reason, facts)}")


__all__ += ["CheckpointInvalid"]


class InvalidQuery(_WithReason, ValueError):
    """A list or inbox query has a parameter it cannot take.

    ``parameter`` names it (``limit``, ``after``, ``now``...), ``value`` is
    what was given (as text), ``reason`` says what it must be and
    ``reason_code`` names that (``limit``, ``naive``, ``not-a-cursor``...).
    """

    code = "query.invalid"

    def __init__(self, parameter: str, value: object, reason: str, **facts: object) -> None:
        self.parameter = parameter
        self.value = repr(value) if not isinstance(value, str) else value
        why = self._say_why(reason, facts)
        super().__init__(f"{parameter} {self.value!r} cannot be used: {why}")


class IndexOutOfDate(KwflowError, RuntimeError):
    """A case's row in the case index differs from what replaying the case gives.

    ``fields`` names the parts that differ (``missing`` when the case has no
    row). ``kwflow reindex`` (or `Engine.reindex`) writes the row again.
    """

    code = "index.out-of-date"

    def __init__(self, case_id: str, fields: Sequence[str]) -> None:
        self.case_id = case_id
        self.fields = tuple(fields)
        super().__init__(
            f"the case index row of case {case_id!r} does not match its history "
            f"({', '.join(self.fields)}): run kwflow reindex"
        )


__all__ += ["IndexOutOfDate", "InvalidQuery"]


# --- Erasure and retention (docs/erasure.md) -------------------------------------


class SubjectNotFound(KwflowError, LookupError):
    """The person named for erasure is no data subject of the case; nothing was changed."""

    code = "subject.not-found"

    def __init__(self, case_id: str, subject: str) -> None:
        self.case_id = case_id
        self.subject = subject
        super().__init__(
            f"{subject!r} is no data subject of case {case_id!r}: the case holds no personal "
            "data of theirs and they take no part in it; check the person id"
        )


class SubjectErased(KwflowError, ValueError):
    """The subject's data in the case has been erased already; nothing was changed."""

    code = "subject.erased"

    def __init__(self, case_id: str, subject: str) -> None:
        self.case_id = case_id
        self.subject = subject
        super().__init__(
            f"the personal data of {subject!r} in case {case_id!r} has been erased already"
        )


class HoldConflict(KwflowError, ValueError):
    """A legal hold placed on a held case, or released where none is; nothing was changed.

    ``problem`` is ``held`` (a hold is in force already) or ``not-held``.
    """

    code = "hold.conflict"

    def __init__(self, case_id: str, problem: str) -> None:
        self.case_id = case_id
        self.problem = problem
        what = (
            "is under a legal hold already"
            if problem == "held"
            else "is under no legal hold to release"
        )
        super().__init__(f"case {case_id!r} {what}")


class CaseOnHold(KwflowError, ValueError):
    """A case under a legal hold cannot be disposed of; nothing was changed.

    ``hold_reason`` is the reason the host gave for the hold, in its own words.
    """

    code = "case.on-hold"

    def __init__(self, case_id: str, hold_reason: str) -> None:
        self.case_id = case_id
        self.hold_reason = hold_reason
        super().__init__(
            f"case {case_id!r} is under a legal hold ({hold_reason}): release the hold "
            "before disposing of it"
        )


class NotDueForDisposal(KwflowError, ValueError):
    """A case that is not (yet) due for disposal; nothing was changed.

    ``problem`` says why: ``open`` (the case runs), ``no-retention`` (no
    period applies to its outcome: it is kept), ``not-yet`` (its period ends
    at ``due``) or ``disposed`` (already disposed of).
    """

    code = "disposal.not-due"

    def __init__(self, case_id: str, problem: str, due: str = "") -> None:
        self.case_id = case_id
        self.problem = problem
        self.due = due
        why = {
            "open": "it is still open",
            "no-retention": "no retention period applies to its outcome, so it is kept",
            "not-yet": f"its retention period ends at {due}",
            "disposed": "it has been disposed of already",
        }.get(problem, problem)
        super().__init__(f"case {case_id!r} is not due for disposal: {why}")


class DataKeyUnavailable(KwflowError, RuntimeError):
    """Personal data cannot be sealed or read: the host's key ring is missing or wrong.

    ``problem`` is ``no-ring`` (the engine has no key ring to wrap data keys
    with: pass ``Engine(data_keys=...)`` or a store with keys) or ``wrong-ring``
    (a stored data key does not unwrap with the ring given).
    """

    code = "data-key.unavailable"

    def __init__(self, case_id: str, subject: str, problem: str) -> None:
        self.case_id = case_id
        self.subject = subject
        self.problem = problem
        why = (
            "the engine has no key ring to protect data keys with: pass Engine(data_keys=...) "
            "or a store built with keys"
            if problem == "no-ring"
            else "its stored data key does not open with the key ring given: use the ring "
            "the key was made with"
        )
        super().__init__(f"the personal data of {subject!r} in case {case_id!r}: {why}")


class CaseDisposed(KwflowError, LookupError):
    """The case was disposed of: only its disposal record is left, nothing can be read or done.

    ``disposed_at`` is when (ISO 8601); ``Engine.disposal_record`` gives the record.
    """

    code = "case.disposed"

    def __init__(self, case_id: str, disposed_at: str = "") -> None:
        self.case_id = case_id
        self.disposed_at = disposed_at
        when = f" on {disposed_at}" if disposed_at else ""
        super().__init__(
            f"case {case_id!r} was disposed of{when}: its history and documents are gone, "
            "only its disposal record is left (Engine.disposal_record)"
        )


__all__ += [
    "CaseDisposed",
    "CaseOnHold",
    "DataKeyUnavailable",
    "HoldConflict",
    "NotDueForDisposal",
    "SubjectErased",
    "SubjectNotFound",
]


# --- Follow-up cases (docs/process-format.md, "Follow-up cases") ----------------------


class EarlierCaseNotFound(KwflowError, LookupError):
    """A follow-up names an earlier case (``follows``) the store does not hold."""

    code = "follow-up.earlier-not-found"

    def __init__(self, earlier_case: str) -> None:
        self.earlier_case = earlier_case
        super().__init__(
            f"no case with id {earlier_case!r} exists to be followed up: "
            "name the earlier case by its id"
        )


class FollowUpNotDeclared(KwflowError, ValueError):
    """The process does not declare (under ``follows``) it follows up the earlier case's process."""

    code = "follow-up.not-declared"

    def __init__(self, process_id: str, earlier_case: str, earlier_process: str) -> None:
        self.process_id = process_id
        self.earlier_case = earlier_case
        self.earlier_process = earlier_process
        super().__init__(
            f"a case of {process_id} cannot follow up case {earlier_case!r}: the process "
            f"does not declare under 'follows' that it follows up {earlier_process} cases"
        )


class EarlierCaseOpen(KwflowError, ValueError):
    """The earlier case has not ended yet; a follow-up opens once it has."""

    code = "follow-up.earlier-open"

    def __init__(self, earlier_case: str, outcomes: Sequence[str]) -> None:
        self.earlier_case = earlier_case
        self.outcomes = tuple(outcomes)
        super().__init__(
            f"case {earlier_case!r} is still open: a follow-up opens once it has ended "
            f"with one of {', '.join(self.outcomes)}"
        )


class EarlierOutcomeNotListed(KwflowError, ValueError):
    """The earlier case ended with an outcome the process's ``follows`` does not list."""

    code = "follow-up.earlier-outcome"

    def __init__(self, earlier_case: str, outcome: str, outcomes: Sequence[str]) -> None:
        self.earlier_case = earlier_case
        self.outcome = outcome
        self.outcomes = tuple(outcomes)
        super().__init__(
            f"case {earlier_case!r} ended with {outcome!r}; a follow-up needs it to have "
            f"ended with one of {', '.join(self.outcomes)}"
        )


class NotInEarlierCase(KwflowError, PermissionError):
    """The opener of a follow-up held no role in the earlier case, whose documents it copies."""

    code = "follow-up.not-in-earlier-case"

    def __init__(self, person: str, earlier_case: str) -> None:
        self.person = person
        self.earlier_case = earlier_case
        super().__init__(
            f"{person!r} took no part in case {earlier_case!r}: only someone who holds a "
            "role in the earlier case may open its follow-up, which copies its documents"
        )


class CarryOverInvalid(KwflowError, ValueError):
    """A document carried over from the earlier case does not fit this process's artifact.

    ``errors`` lists every field, as `ArtifactInvalid` does; the process
    files disagree (a field renamed or made required in the newer one).
    """

    code = "follow-up.carry-over-invalid"
    _not_params = KwflowError._not_params | {"errors"}

    def __init__(
        self, artifact: str, earlier_case: str, from_artifact: str, errors: Sequence[FieldError]
    ) -> None:
        self.artifact = artifact
        self.earlier_case = earlier_case
        self.from_artifact = from_artifact
        self.errors = tuple(errors)
        super().__init__(
            f"{from_artifact!r} of case {earlier_case!r} cannot be carried over as "
            f"{artifact!r}: " + "; ".join(str(e) for e in self.errors)
        )

    def _facts(self, lang: Language) -> Mapping[str, str]:
        listed = "; ".join(
            f"{e.path}: {e.render(lang)}" if e.path else e.render(lang) for e in self.errors
        )
        return {**self.params, "errors": listed}

    def _extras(self) -> dict[str, Any]:
        return {"errors": [error.to_dict() for error in self.errors]}


__all__ += [
    "CarryOverInvalid",
    "EarlierCaseNotFound",
    "EarlierCaseOpen",
    "EarlierOutcomeNotListed",
    "FollowUpNotDeclared",
    "NotInEarlierCase",
]


# --- Migration of running cases to a new process version (docs/migration.md) ----


class MigrationPlanNotFound(KwflowError, LookupError):
    """No migration plan is registered from the case's version of its process to the one asked."""

    code = "migration.no-plan"

    def __init__(self, case_id: str, process_id: str, from_version: int, to_version: int) -> None:
        self.case_id = case_id
        self.process_id = process_id
        self.from_version = from_version
        self.to_version = to_version
        super().__init__(
            f"case {case_id!r} cannot migrate: no plan moves {process_id} cases from "
            f"version {from_version} to version {to_version} (register "
            f"{process_id}.{from_version}-to-{to_version}.migration.yaml)"
        )


class MigrationRefused(_WithReason, ValueError):
    """The plan cannot move this case as it stands; the case is left unchanged.

    ``reason_code`` says why (``closed``, ``suspended``, ``phase-unmapped``,
    ``role-too-many``... listed in docs/embedding.md), ``reason`` in English.
    """

    code = "migration.refused"

    def __init__(self, case_id: str, to_version: int, reason: str, **facts: object) -> None:
        self.case_id = case_id
        self.to_version = to_version
        why = self._say_why(reason, facts)
        super().__init__(f"case {case_id!r} cannot migrate to version {to_version}: {why}")


__all__ += ["MigrationPlanNotFound", "MigrationRefused"]


# --- Bad arguments and records of the lower layers (calendars, keys, files) ----


_READ_ONLY = {
    "event-data": "an event's data cannot be changed: events are immutable",
    "frozen-map": "a FrozenMap cannot be changed; build a new one",
    "calendar": "a WorkingDayCalendar cannot be changed",
    "reason": "a Reason is read-only",
}


class ReadOnly(KwflowError, TypeError, AttributeError):
    """Something kwflow hands out may not be changed: build a new one instead.

    ``what`` is ``event-data`` (an event's payload, or a list or mapping in
    it), ``frozen-map`` (a `FrozenMap` of a case), ``calendar`` (a
    ``WorkingDayCalendar``) or ``reason`` (a `Reason`); ``attribute`` the
    attribute set, if one was. A ``TypeError`` as for a read-only mapping,
    and an ``AttributeError`` as for a frozen object, so either ``except``
    keeps working.
    """

    code = "object.read-only"

    def __init__(self, what: str, attribute: str | None = None) -> None:
        self.what = what
        self.attribute = attribute
        text = _READ_ONLY.get(what, "this cannot be changed")
        if attribute is not None:
            text += f" (setting {attribute!r})"
        super().__init__(text)


class MalformedRecord(KwflowError, ValueError):
    """The JSON form of an event or a case cannot be read back.

    ``what`` is ``event`` (`kwflow.history.event_from_dict`) or ``case``
    (``Case.from_dict``); ``detail`` is the technical account, in English
    only (the Czech says what cannot be read).
    """

    code = "record.malformed"

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"malformed {what}: {detail}")


class InvalidKey(_WithReason, ValueError):
    """A key ring or key file cannot be used; ``reason`` says why, ``reason_code`` names it.

    The codes: ``empty-ring``, ``bad-key-id``, ``short-secret``,
    ``current-missing``, ``id-taken``, ``not-hex``; ``key_id`` or ``line``
    say which key. Secrets are never repeated.
    """

    code = "keys.invalid"

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__(self._say_why(reason, facts))


class KeysMissing(KwflowError, ValueError):
    """The store was asked to seal case heads but has no keys to seal them with."""

    code = "store.no-keys"

    def __init__(self) -> None:
        super().__init__("the store has no keys to seal heads with")


class CalendarExists(KwflowError, ValueError):
    """A calendar of this id is registered already (pass ``replace=True`` to replace it)."""

    code = "calendar.exists"

    def __init__(self, calendar_id: str) -> None:
        self.calendar_id = calendar_id
        super().__init__(
            f"a calendar {calendar_id!r} is already registered: pass replace=True to replace it"
        )


class OutOfCalendarRange(KwflowError, OverflowError):
    """Counting ``days`` working days from ``day`` leaves the years calendars know."""

    code = "calendar.out-of-range"

    def __init__(self, day: str, days: int, first: int, last: int) -> None:
        self.day = day
        self.days = days
        self.first = first
        self.last = last
        super().__init__(f"{days} working days from {day} is outside years {first}-{last}")


class ProcessFilesMissing(KwflowError, FileNotFoundError):
    """A path given for process files does not exist (or kwflow's own are missing).

    ``shipped`` is true when the process files installed with kwflow are
    missing: kwflow must be reinstalled.
    """

    code = "definition.files-missing"

    def __init__(self, path: str, *, shipped: bool = False) -> None:
        self.path = path
        self.shipped = shipped
        if shipped:
            text = f"kwflow's process files are missing ({path}): reinstall kwflow"
        else:
            text = f"no such file or directory: {path}"
        super().__init__(text)


class GraphvizFailed(KwflowError, RuntimeError):
    """Graphviz's ``dot`` failed to draw a diagram; ``detail`` is what it said (English)."""

    code = "diagram.graphviz-failed"

    def __init__(self, exit_code: int, detail: str) -> None:
        self.exit_code = exit_code
        self.detail = detail
        super().__init__(f"Graphviz 'dot' failed (exit {exit_code}): {detail}")


class InvalidTrace(_WithReason, ValueError):
    """An explorer trace is not one of the process's (`kwflow.testing.trace_commands`).

    ``reason`` says why in English and ``reason_code`` names it
    (``no-holder``, ``unknown-action``, ``not-opened``...).
    """

    code = "testing.invalid-trace"

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__(self._say_why(reason, facts))


__all__ += [
    "CalendarExists",
    "GraphvizFailed",
    "InvalidKey",
    "InvalidTrace",
    "KeysMissing",
    "MalformedRecord",
    "OutOfCalendarRange",
    "ProcessFilesMissing",
    "ReadOnly",
]
