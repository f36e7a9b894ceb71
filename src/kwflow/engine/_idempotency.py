"""Idempotency keys: a command carried out once however often it is sent.

A host gives a command an ``idempotency_key`` (a request id, the id of a
form it rendered) so that a double click or a proxy's retry cannot do the
work twice. The rules, which ``Engine`` follows:

- **Scope.** A key of a command on a case is unique within that case; a key
  of `OpenCase` is unique among all openings (its case id may be random, so
  the key is what finds the case again). Scope ``OPENING_SCOPE`` is theirs.
- **Content.** A key stands for the command it was first used with: its kind
  and every field but the key itself and ``expected_version`` (a retry may
  well carry the version it read before the first attempt), as canonical
  JSON (``kwflow.history.canonical_json``), hashed with SHA-256. Artifact
  data is compared as JSON: a `datetime.date` and its ISO text are the same
  content, as they are the same data once validated.
- **Same key, same content:** the original result (the case as it stood
  right after the original command), and nothing is stored.
- **Same key, other content:** `IdempotencyConflict`, and nothing is stored.
- **Forever.** A key is stored in the same transaction as the command's
  events and never expires: it is bound to its first command as long as the
  case is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.exceptions import IdempotencyConflict
from kwflow.history import canonical_json
from kwflow.store import IdempotencyRecord

from ._commands import OpenCase, Organisation

if TYPE_CHECKING:
    from ._commands import Command

__all__ = ["OPENING_SCOPE", "KeyedCommand", "content_hash"]

OPENING_SCOPE = ""
"""The scope of the keys of `OpenCase` commands (a case id is never empty)."""

_CONTENT_FORMAT = 1
"""Hashed with the content, so a future change of its form is a new hash, never a clash."""

_NOT_CONTENT = frozenset({"idempotency_key", "expected_version"})
# Fields commands gained later, left out of the content while unset, so a
# key recorded before them still matches a repeat of its command.
_ADDED_LATER = frozenset({"organisation"})

# Fields commands gained after keys were stored: left out while unset, so a
# key recorded before the field existed still matches its retry.
_ADDED_LATER = frozenset({"follows"})

_ADDED_LATER = frozenset({"about"})
"""Fields commands gained after keys were stored: left out while ``None``, so that
a key stored before keeps standing for the same content."""


def content_hash(command: Command) -> str:
    """The SHA-256 (hex) of what ``command`` asks for: the content its key stands for."""
    fields = {
        field.name: _json_value(getattr(command, field.name))
        for field in attrs.fields(type(command))
        if field.name not in _NOT_CONTENT
        and not (field.name in _ADDED_LATER and getattr(command, field.name) is None)
    }
    document = {"command": type(command).__name__, "fields": fields, "format": _CONTENT_FORMAT}
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def _json_value(value: Any) -> Any:
    """``value`` as plain JSON data, for hashing (never stored, never read back)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, datetime):
        # As artifact validation stores it: an aware time in UTC.
        return value.astimezone(UTC).isoformat() if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Organisation):
        return {"id": value.id, "kind": value.kind}
    # Not JSON data (artifact validation will refuse it): still content, by its
    # type and representation, so two different such values never look alike.
    return {"python": f"{type(value).__module__}.{type(value).__qualname__}", "repr": repr(value)}


@attrs.frozen(kw_only=True)
class KeyedCommand:
    """A command's key, where it is unique and the hash of its content."""

    scope: str
    key: str
    content_hash: str

    @classmethod
    def of(cls, command: Command) -> KeyedCommand | None:
        """The keyed form of ``command``, or ``None`` when it carries no key."""
        key = command.idempotency_key
        if key is None:
            return None
        scope = OPENING_SCOPE if isinstance(command, OpenCase) else command.case_id
        return cls(scope=scope, key=key, content_hash=content_hash(command))

    def record(self, case_id: str, version: int) -> IdempotencyRecord:
        """What the store keeps: this key led case ``case_id`` to ``version``."""
        return IdempotencyRecord(
            scope=self.scope,
            key=self.key,
            content_hash=self.content_hash,
            case_id=case_id,
            version=version,
        )

    def check(self, found: IdempotencyRecord) -> None:
        """Raise `IdempotencyConflict` unless ``found`` was recorded for this very command."""
        if found.content_hash != self.content_hash:
            raise IdempotencyConflict(self.key, found.case_id)
