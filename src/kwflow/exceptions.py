"""Every error kwflow raises.

Each class also subclasses the builtin with the same meaning, so a host that
catches ``LookupError`` or ``PermissionError`` keeps working. Errors carry the
facts as attributes and build their message from them, so a host can show its
own message and a log still reads well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "ActionNotAllowed",
    "ArtifactInvalid",
    "CaseNotFound",
    "ConcurrencyConflict",
    "DefinitionError",
    "KwflowError",
    "NotPermitted",
    "Problem",
    "ProcessNotFound",
    "StorageError",
    "TamperedHistory",
    "UnknownName",
]


class KwflowError(Exception):
    """Base of every error raised by kwflow."""


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
    """A process file is broken; ``problems`` lists every problem found at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in process definition"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class ProcessNotFound(KwflowError, LookupError):
    """No process with this id (and version) is registered."""

    def __init__(self, process_id: str, version: int | None = None) -> None:
        self.process_id = process_id
        self.version = version
        which = process_id if version is None else f"{process_id} version {version}"
        super().__init__(f"no process {which} is registered")


class CaseNotFound(KwflowError, LookupError):
    """No case with this id exists in the store."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"no case with id {case_id!r}")


class UnknownName(KwflowError, LookupError):
    """A command names an action, artifact, role or deadline the process lacks."""

    def __init__(self, kind: str, name: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        listed = ", ".join(sorted(self.known)) or "none"
        super().__init__(f"unknown {kind} {name!r}; known: {listed}")


class ActionNotAllowed(KwflowError, ValueError):
    """A command cannot be carried out now; ``reasons`` lists every reason."""

    def __init__(self, action: str, reasons: Sequence[str]) -> None:
        self.action = action
        self.reasons = tuple(reasons)
        super().__init__(f"{action!r} is not allowed now: " + "; ".join(self.reasons))


class NotPermitted(KwflowError, PermissionError):
    """The actor lacks a role, presence or right the command needs."""

    def __init__(self, actor: str, command: str, reasons: Sequence[str]) -> None:
        self.actor = actor
        self.command = command
        self.reasons = tuple(reasons)
        super().__init__(f"{actor!r} may not {command}: " + "; ".join(self.reasons))


@dataclass(frozen=True)
class FieldError:
    """One field of artifact data that failed its schema."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ArtifactInvalid(KwflowError, ValueError):
    """Artifact data does not match the artifact's fields."""

    def __init__(self, artifact: str, errors: Sequence[FieldError]) -> None:
        self.artifact = artifact
        self.errors = tuple(errors)
        super().__init__(
            f"artifact {artifact!r} is invalid: " + "; ".join(str(e) for e in self.errors)
        )


class ConcurrencyConflict(KwflowError, RuntimeError):
    """The case changed since it was read; nothing was written."""

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"case {case_id!r} is at version {actual}, not {expected}: "
            "reload the case and decide again"
        )


class TamperedHistory(KwflowError, ValueError):
    """A stored history does not verify; ``sequence`` is the first bad event."""

    def __init__(self, case_id: str, sequence: int, reason: str) -> None:
        self.case_id = case_id
        self.sequence = sequence
        self.reason = reason
        super().__init__(f"history of case {case_id!r} fails at event {sequence}: {reason}")


class StorageError(KwflowError, OSError):
    """The store could not read or write; nothing was half-written."""

    def __init__(self, message: str, *, case_id: str | None = None) -> None:
        self.case_id = case_id
        super().__init__(message if case_id is None else f"case {case_id!r}: {message}")


# --- Persistence errors (appended by the store; see docs/storage.md) ---------


class MalformedEvent(TamperedHistory):
    """A stored event row cannot even be read: corrupt JSON or nonsense columns.

    A ``TamperedHistory`` because a host must treat it the same way: the
    stored history of this case can no longer be trusted, other cases can.
    """

    def __init__(self, case_id: str, sequence: int, reason: str) -> None:
        super().__init__(case_id, sequence, f"malformed stored event: {reason}")


class SchemaTooNew(KwflowError, RuntimeError):
    """Stored data was written by a newer kwflow than this one: upgrade kwflow.

    ``what`` names the data (the database, or one event of one case);
    ``found`` is its schema version and ``supported`` the newest this kwflow
    reads. Nothing is changed: an older kwflow never rewrites newer data.
    """

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

    def __init__(self, case_id: str, reason: str) -> None:
        self.case_id = case_id
        self.reason = reason
        super().__init__(f"cannot append to case {case_id!r}: {reason}")


__all__ += ["InvalidEvents", "MalformedEvent", "SchemaTooNew"]


# --- Runtime errors (appended by the engine; see docs/concepts.md) ------------


class CaseExists(KwflowError, ValueError):
    """A case with this id already exists; nothing was written."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"a case with id {case_id!r} already exists: choose another id")


class ProcessChanged(KwflowError, LookupError):
    """The registered process differs from the one a case was opened with.

    A case pins its process's content hash so that its rules never change
    under its participants: register the original file again (or the case's
    version of it) to work on the case.
    """

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


class InvalidQuery(KwflowError, ValueError):
    """A list or inbox query has a parameter it cannot take.

    ``parameter`` names it (``limit``, ``after``, ``now``...), ``value`` is
    what was given (as text) and ``reason`` says what it must be.
    """

    def __init__(self, parameter: str, value: object, reason: str) -> None:
        self.parameter = parameter
        self.value = repr(value) if not isinstance(value, str) else value
        self.reason = reason
        super().__init__(f"{parameter} {self.value!r} cannot be used: {reason}")


class IndexOutOfDate(KwflowError, RuntimeError):
    """A case's row in the case index differs from what replaying the case gives.

    ``fields`` names the parts that differ (``missing`` when the case has no
    row). ``kwflow reindex`` (or `Engine.reindex`) writes the row again.
    """

    def __init__(self, case_id: str, fields: Sequence[str]) -> None:
        self.case_id = case_id
        self.fields = tuple(fields)
        super().__init__(
            f"the case index row of case {case_id!r} does not match its history "
            f"({', '.join(self.fields)}): run kwflow reindex"
        )


__all__ += ["IndexOutOfDate", "InvalidQuery"]
