"""Events and their hash chain: the layer both the store and the engine stand on."""

from ._event import (
    EVENT_SCHEMA_VERSION,
    GENESIS_HASH,
    Event,
    EventType,
    canonical_json,
    compute_hash,
    event_from_dict,
    new_event,
)
from ._verify import verify_history

__all__ = [
    "EVENT_SCHEMA_VERSION",
    "GENESIS_HASH",
    "Event",
    "EventType",
    "canonical_json",
    "compute_hash",
    "event_from_dict",
    "new_event",
    "verify_history",
]
