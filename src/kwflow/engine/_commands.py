"""Commands: every change a host asks of a case, as a frozen record.

A command is data: who asks for what, on which case. `Engine.execute` is
the one way in; the engine's named methods (``assign``, ``act``...) build a
record and execute it. Scenario files, the demo, ``kwflow.testing`` and the
authoring tools build the same records, so a new command is declared once
here and every tool that speaks commands learns it: ``decide`` (in
``_decide``) says what it leads to, ``kwflow.authoring.describe_command``
words it for people.

Records check only what makes them a command at all: ids and names are
strings of 1 to `ID_MAX_LENGTH` characters without control characters
(`kwflow.exceptions.InvalidId`, `kwflow.exceptions.WrongType`), versions
are whole numbers; whether the process allows it is decided against the case.

Every record may carry an ``idempotency_key``: the engine carries out a
command with a given key once and answers a repeat of it with the original
result (see ``_idempotency``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, get_args

import attrs

from kwflow.exceptions import InvalidId, InvalidValue, WrongType

__all__ = [
    "COMMAND_TYPES",
    "IDEMPOTENCY_KEY_MAX_LENGTH",
    "ID_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "Act",
    "Assign",
    "CallIn",
    "CaseCommand",
    "CheckDeadlines",
    "Command",
    "Dismiss",
    "Dispose",
    "Erase",
    "Hold",
    "Migrate",
    "OpenCase",
    "Organisation",
    "ReleaseHold",
    "Replace",
    "Submit",
    "Unassign",
]


ID_MAX_LENGTH = 200
"""The most characters an id or a name given in a command may have (see `_text_id`)."""


def _text_id(what: str, value: object, *, kind: str = "id", limit: int = ID_MAX_LENGTH) -> None:
    """An id is a string of 1 to `ID_MAX_LENGTH` characters with no control characters.

    The limits keep ids a host can show, index and log: a 100,000-character
    person id or a NUL in a case id is a bug or an attack, never a name.
    """
    if not isinstance(value, str):
        raise WrongType(what, kind, type(value).__name__)
    problem = None
    if not value:
        problem = "empty"
    elif len(value) > limit:
        problem = "too-long"
    elif not value.isprintable() and any(unicodedata.category(c) == "Cc" for c in value):
        problem = "control-character"
    if problem is not None:
        raise InvalidId(what, problem, limit=limit, kind=kind)


def check_id(what: str, value: object) -> str:
    """``value``, an id or name within the limits of a command's; raises as a command would."""
    _text_id(what, value)
    return value  # type: ignore[return-value]  # _text_id refused anything else


def check_person(what: str, value: object) -> str:
    """``value``, a person id within the limits of a command's; raises as a command would."""
    _text_id(what, value, kind="person-id")
    return value  # type: ignore[return-value]  # _text_id refused anything else


def _id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A case id, or the name of a role, action, artifact or process."""
    del instance
    _text_id(attribute.name, value)


def _person(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A person id: the host's own id of the person, with the limits of any id."""
    del instance
    _text_id(attribute.name, value, kind="person-id")


def _optional_person(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a person id."""
    if value is not None:
        _person(instance, attribute, value)


def _new_case_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A new case's id: ``None`` (kwflow makes one) or an id."""
    if value is not None:
        _id(instance, attribute, value)


def _version(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A version is ``None`` or a whole number, 0 or more; never text or a bool.

    ``expected_version="1"`` from a web form would otherwise never equal the
    case's version 1 and be reported as a conflict forever.
    """
    del instance
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongType(attribute.name, "int", type(value).__name__)
    if value < 0:
        raise InvalidValue(attribute.name, "non-negative", str(value))


IDEMPOTENCY_KEY_MAX_LENGTH = 255
"""The longest idempotency key (in characters) a command may carry."""


def _idempotency_key(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A key is ``None`` or 1 to `IDEMPOTENCY_KEY_MAX_LENGTH` characters without control characters.

    It is stored beside the case's events (and PostgreSQL text holds no NUL),
    so it is kept to what any host's request ids look like.
    """
    del instance
    if value is not None:
        _text_id(attribute.name, value, limit=IDEMPOTENCY_KEY_MAX_LENGTH)


@attrs.frozen
class Organisation:
    """The organisation a person works for, as the host knows it: its id and its kind.

    ``id`` is the host's own id of the organisation (two people of one
    organisation carry the same id); ``kind`` is one of the process's
    ``organisation_kinds``, which the engine checks against the case.
    """

    id: str = attrs.field(validator=_id)
    kind: str = attrs.field(validator=_id)


def _organisation(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` (the host names none) or an `Organisation`."""
    del instance
    if value is not None and not isinstance(value, Organisation):
        raise WrongType(attribute.name, "Organisation", type(value).__name__)


@attrs.frozen(kw_only=True)
class OpenCase:
    """Open a case of ``process``; ``by`` takes the process's opener role.

    Without ``version`` the newest registered version is used; without
    ``case_id`` a random id is made. ``organisation`` is the opener's.
    ``follows`` names an earlier, ended case this one follows up: the
    process must declare it under ``follows``, ``by`` must hold a role in
    it, and its documents listed under ``carry_over`` are copied in.
    """

    process: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    version: int | None = attrs.field(default=None, validator=_version)
    case_id: str | None = attrs.field(default=None, validator=_new_case_id)
    follows: str | None = attrs.field(default=None, validator=_new_case_id)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)
    organisation: Organisation | None = attrs.field(default=None, validator=_organisation)


@attrs.frozen(kw_only=True)
class Assign:
    """``by`` gives ``person`` the ``role``; ``by`` holds a role in its ``assigned_by``.

    ``organisation`` is the one ``person`` works for, if the host names it.
    """

    case_id: str = attrs.field(validator=_id)
    person: str = attrs.field(validator=_person)
    role: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)
    organisation: Organisation | None = attrs.field(default=None, validator=_organisation)


@attrs.frozen(kw_only=True)
class Unassign:
    """``by`` takes the ``role`` from ``person``; the role keeps its ``min`` holders."""

    case_id: str = attrs.field(validator=_id)
    person: str = attrs.field(validator=_person)
    role: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


REASON_MAX_LENGTH = 500
"""The most characters the reason of a handover (`Replace`) may have."""


def _reason(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A reason is text a person wrote: not blank, at most `REASON_MAX_LENGTH` characters.

    It is stored in the case's history for good and read by whoever takes
    the case over, so an empty one records nothing and a huge one is no reason.
    """
    del instance
    if not isinstance(value, str):
        raise WrongType(attribute.name, "str", type(value).__name__)
    if not value.strip():
        raise InvalidValue(attribute.name, "non-blank", repr(value))
    if len(value) > REASON_MAX_LENGTH:
        raise InvalidValue(attribute.name, "reason-length", str(len(value)))


@attrs.frozen(kw_only=True)
class Replace:
    """``by`` hands ``role`` over from ``person`` to ``successor`` in one step, for ``reason``.

    ``by`` holds a role in the role's ``replaced_by``; the role is never
    empty on the way, so a required role (the referrer, the convener) can
    change hands when a worker leaves. ``organisation`` is the one the
    successor works for, if the host names it.
    """

    case_id: str = attrs.field(validator=_id)
    role: str = attrs.field(validator=_id)
    person: str = attrs.field(validator=_person)
    successor: str = attrs.field(validator=_person)
    by: str = attrs.field(validator=_person)
    reason: str = attrs.field(validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)
    organisation: Organisation | None = attrs.field(default=None, validator=_organisation)


@attrs.frozen(kw_only=True)
class Submit:
    """``by`` submits a new version of ``artifact`` with the fields ``data``.

    ``about`` names the person the copy of a per-person artifact is about
    (required for such an artifact, refused for any other).
    """

    case_id: str = attrs.field(validator=_id)
    artifact: str = attrs.field(validator=_id)
    data: Mapping[str, Any]
    by: str = attrs.field(validator=_person)
    about: str | None = attrs.field(default=None, validator=_optional_person)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Act:
    """``by`` takes ``action``; ``data`` is the artifact it ``records``, if it records one."""

    case_id: str = attrs.field(validator=_id)
    action: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    data: Mapping[str, Any] | None = None
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class CallIn:
    """``by``, who is present, calls the holders of an on-call ``role`` into the phase."""

    case_id: str = attrs.field(validator=_id)
    role: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Dismiss:
    """``by``, who is present, sends a called-in ``role`` out again."""

    case_id: str = attrs.field(validator=_id)
    role: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class CheckDeadlines:
    """Tell the case the time: every running deadline past due is recorded as breached.

    Nobody asks for it in person: a host's scheduler (or a scenario's
    ``check_deadlines`` step) does; the events are the system's.
    """

    case_id: str = attrs.field(validator=_id)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Erase:
    """``by`` erases the personal data of ``subject`` (a person id) in the case, for ``reason``.

    The subject's key is destroyed: their personal values read as erased
    from then on, in every view and in the history, and the events (which
    hold only ciphertext) still verify. ``by`` is whoever the host lets
    erase (a data-protection officer): the host decides, kwflow records.
    """

    case_id: str = attrs.field(validator=_id)
    subject: str = attrs.field(validator=_person)
    by: str = attrs.field(validator=_person)
    reason: str = attrs.field(validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Hold:
    """``by`` places a legal hold on the case, for ``reason``: no disposal until it is released."""

    case_id: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    reason: str = attrs.field(validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class ReleaseHold:
    """``by`` releases the case's legal hold, for ``reason``."""

    case_id: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    reason: str = attrs.field(validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


@attrs.frozen(kw_only=True)
class Dispose:
    """``by`` disposes of a closed case past its retention, for ``reason``.

    The case's events, documents and data keys are deleted; what remains is
    its disposal record (`kwflow.DisposalRecord`): that it existed, how it
    ended, who disposed of it, why, and the hashes its history had
    (docs/erasure.md).
    """

    case_id: str = attrs.field(validator=_id)
    by: str = attrs.field(validator=_person)
    reason: str = attrs.field(validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


def _organisations(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A mapping of person ids to the `Organisation` each works for."""
    del instance
    if not isinstance(value, Mapping):
        raise WrongType(attribute.name, "mapping", type(value).__name__)
    for person, organisation in value.items():
        _text_id(attribute.name, person, kind="person-id")
        if not isinstance(organisation, Organisation):
            raise WrongType(attribute.name, "Organisation", type(organisation).__name__)


def _to_version(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A process version: a whole number, 1 or more."""
    del instance
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongType(attribute.name, "int", type(value).__name__)
    if value < 1:
        raise InvalidValue(attribute.name, "positive", str(value))


@attrs.frozen(kw_only=True)
class Migrate:
    """``by`` moves the case to version ``to_version`` of its process, by the registered plan.

    Nobody inside the case asks for it: the host's administrator does (as
    for `Hold`), and ``by`` is recorded. ``from_version``, when given, is the
    version the host believes the case runs; a case on another one is
    refused. ``organisations`` names, by person, the organisations the new
    version requires that the case never recorded (version 1 asked none).
    """

    case_id: str = attrs.field(validator=_id)
    to_version: int = attrs.field(validator=_to_version)
    by: str = attrs.field(validator=_person)
    from_version: int | None = attrs.field(default=None, validator=_version)
    organisations: Mapping[str, Organisation] = attrs.field(factory=dict, validator=_organisations)
    expected_version: int | None = attrs.field(default=None, validator=_version)
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)


CaseCommand = (
    Assign
    | Unassign
    | Replace
    | Submit
    | Act
    | CallIn
    | Dismiss
    | CheckDeadlines
    | Erase
    | Hold
    | ReleaseHold
    | Dispose
    | Migrate
)
"""A command on a case that exists."""

Command = OpenCase | CaseCommand
"""Any command a host can execute."""

COMMAND_TYPES: tuple[type[Command], ...] = get_args(Command)
"""Every kind of command, read off the union (one list, never typed twice)."""
