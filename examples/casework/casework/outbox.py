"""The one place the app meets kwflow's notification outbox.

kwflow writes each reminder and escalation into its outbox in the same
transaction as the event that causes it; a host drains it with
``engine.claim_notifications(now, limit=..., lease=...)`` (each due
notification handed out once per lease) and acknowledges each delivered one
(``engine.ack_notification(key)``). This module turns a claimed
notification into a `Claimed` record the app delivers (one `Delivery` per
person told) and acknowledges it. Every other module goes through here, so
a change in the outbox's shape is one edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import kwflow

# A claimed notification not acknowledged within this time is handed out
# again (a drainer that died); delivery itself takes milliseconds.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Claimed:
    """A notification as the app delivers it."""

    key: str  # the notification's idempotency key: one delivery per key and person
    case_id: str
    recipients: tuple[str, ...]  # person ids, resolved when the notification was written
    text: dict[str, str]  # {"cs": ..., "en": ...}
    due: datetime | None


def available(engine: kwflow.Engine) -> bool:
    """Whether this kwflow has the outbox (it came in a later release than the app's first)."""
    return callable(getattr(engine, "claim_notifications", None))


def claim(engine: kwflow.Engine, now: datetime, limit: int = 100) -> list[Claimed]:
    """Claim up to ``limit`` due notifications for one lease."""
    claimed = engine.claim_notifications(now, limit=limit, lease=LEASE)  # type: ignore[attr-defined]
    return [_claimed(item) for item in claimed]


def ack(engine: kwflow.Engine, notification: Claimed) -> None:
    """Mark a delivered notification sent: it is never handed out again."""
    engine.ack_notification(notification.key)  # type: ignore[attr-defined]


def _claimed(item: Any) -> Claimed:
    message = dict(item.message)
    return Claimed(
        key=str(item.key),
        case_id=str(item.case_id),
        recipients=tuple(str(person) for person in item.people),
        text={lang: str(message.get(lang, "")) for lang in ("cs", "en")},
        due=item.due_at,
    )
