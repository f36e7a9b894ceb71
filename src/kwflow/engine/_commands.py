"""Commands: every change a host asks of a case, as a frozen record.

A command is data: who asks for what, on which case. `Engine.execute` is
the one way in; the engine's named methods (``assign``, ``act``...) build a
record and execute it. Scenario files, the demo, ``kwflow.testing`` and the
authoring tools build the same records, so a new command is declared once
here and every tool that speaks commands learns it: ``decide`` (in
``_decide``) says what it leads to, ``kwflow.authoring.describe_command``
words it for people.

Records check only what makes them a command at all (people are non-empty
strings); whether the process allows it is decided against the case.

Every record may carry an ``idempotency_key``: the engine carries out a
command with a given key once and answers a repeat of it with the original
result (see ``_idempotency``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, get_args

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "COMMAND_TYPES",
    "IDEMPOTENCY_KEY_MAX_LENGTH",
    "Act",
    "Assign",
    "CallIn",
    "CaseCommand",
    "CheckDeadlines",
    "Command",
    "Dismiss",
    "OpenCase",
    "Submit",
    "Unassign",
]


def _person(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A person id is a non-empty string (the host's own id of the person)."""
    del instance
    what = attribute.name
    if not isinstance(value, str):
        raise TypeError(f"{what} is a person id (a string), not {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} is a person id and may not be empty")


def _new_case_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance, attribute
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError("a case id is a non-empty string")


IDEMPOTENCY_KEY_MAX_LENGTH = 255
"""The longest idempotency key (in characters) a command may carry."""


def _idempotency_key(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A key is ``None`` or 1 to 255 characters without control characters.

    It is stored beside the case's events (and PostgreSQL text holds no NUL),
    so it is kept to what any host's request ids look like.
    """
    del instance, attribute
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"idempotency_key is a string, not {type(value).__name__}")
    if not 0 < len(value) <= IDEMPOTENCY_KEY_MAX_LENGTH or not value.isprintable():
        raise ValueError(
            f"idempotency_key must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable "
            "characters (no control characters)"
        )


@attrs.frozen(kw_only=True)
class OpenCase:
    """Open a case of ``process``; ``by`` takes the process's opener role.

    Without ``version`` the newest registered version is used; without
    ``case_id`` a random id is made.
    """

    process: str
    by: str = attrs.field(validator=_person)
    version: int | None = None
    case_id: str | None = attrs.field(default=None, validator=_new_case_id)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Assign:
    """``by`` gives ``person`` the ``role``; ``by`` holds a role in its ``assigned_by``."""

    case_id: str
    person: str = attrs.field(validator=_person)
    role: str
    by: str = attrs.field(validator=_person)
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Unassign:
    """``by`` takes the ``role`` from ``person``; the role keeps its ``min`` holders."""

    case_id: str
    person: str = attrs.field(validator=_person)
    role: str
    by: str = attrs.field(validator=_person)
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Submit:
    """``by`` submits a new version of ``artifact`` with the fields ``data``."""

    case_id: str
    artifact: str
    data: Mapping[str, Any]
    by: str = attrs.field(validator=_person)
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Act:
    """``by`` takes ``action``; ``data`` is the artifact it ``records``, if it records one."""

    case_id: str
    action: str
    by: str = attrs.field(validator=_person)
    data: Mapping[str, Any] | None = None
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class CallIn:
    """``by``, who is present, calls the holders of an on-call ``role`` into the phase."""

    case_id: str
    role: str
    by: str = attrs.field(validator=_person)
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Dismiss:
    """``by``, who is present, sends a called-in ``role`` out again."""

    case_id: str
    role: str
    by: str = attrs.field(validator=_person)
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class CheckDeadlines:
    """Tell the case the time: every running deadline past due is recorded as breached.

    Nobody asks for it in person: a host's scheduler (or a scenario's
    ``check_deadlines`` step) does; the events are the system's.
    """

    case_id: str
    expected_version: int | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


CaseCommand = Assign | Unassign | Submit | Act | CallIn | Dismiss | CheckDeadlines
"""A command on a case that exists."""

Command = OpenCase | CaseCommand
"""Any command a host can execute."""

COMMAND_TYPES: tuple[type[Command], ...] = get_args(Command)
"""Every kind of command, read off the union (one list, never typed twice)."""
