"""The outbox: notifications waiting to be sent, written with the events that cause them.

A deadline that declares reminders or an escalation records their times in
the event that starts it; the engine turns them into `Notification` rows
and hands them to the same ``append`` as that event (`OutboxChange`), so a
notification exists exactly when its cause is stored. A host's sender
claims due ones for a lease (`claim_notifications`), sends them and acks
each (`ack_notification`); one not acked before its lease ends is handed
out again, so a sender that dies loses nothing. A sender deduplicates by
``key``, the notification's idempotency key, which never changes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

__all__ = ["Notification", "OutboxChange", "message_from_text", "message_text"]


@attrs.frozen(kw_only=True)
class Notification:
    """One reminder or escalation in the outbox.

    ``key`` is unique forever (case, deadline, the anchor occurrence and
    which notice): a host's mailer uses it to send each notification once.
    ``roles`` are the roles told and ``people`` the persons who held them
    when the notification was written. ``message`` holds a message ``code``
    and its ``params`` and the text in Czech (``cs``) and English (``en``).
    ``attempts`` counts the claims so far; ``lease_until`` is when the
    current claim runs out and ``sent_at`` when it was acked.
    """

    key: str
    case_id: str
    deadline_id: str
    kind: str
    due_at: datetime
    roles: tuple[str, ...]
    people: tuple[str, ...]
    message: Mapping[str, Any]
    attempts: int = 0
    lease_until: datetime | None = None
    sent_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form a sender gets (`kwflow notify` prints it)."""
        return {
            "key": self.key,
            "case_id": self.case_id,
            "deadline": self.deadline_id,
            "kind": self.kind,
            "due_at": self.due_at.isoformat(),
            "roles": list(self.roles),
            "people": list(self.people),
            "message": dict(self.message),
            "attempts": self.attempts,
        }


@attrs.frozen(kw_only=True)
class OutboxChange:
    """What an append does to the outbox for one deadline of the case.

    Every notification of the deadline not yet sent is dropped and
    ``notifications`` written instead, each unless its key was sent
    already (a deadline moved by a suspension keeps what went out). An
    empty ``notifications`` voids the deadline's pending notifications.
    """

    deadline_id: str
    notifications: tuple[Notification, ...] = ()


def message_text(message: Mapping[str, Any]) -> str:
    """A message as stored: canonical JSON."""
    return json.dumps(message, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def message_from_text(text: str) -> dict[str, Any]:
    """Read back `message_text`."""
    value = json.loads(text)
    return value if isinstance(value, dict) else {}
