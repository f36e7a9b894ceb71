"""Events and their hash chain: the layer both the store and the engine stand on."""

from ._event import (
    EVENT_SCHEMA_VERSION,
    GENESIS_HASH,
    Event,
    EventType,
    canonical_json,
    compute_hash,
    event_from_dict,
    hash_is_sealed,
    new_event,
)
from ._frozen import FrozenDict, FrozenList
from ._verify import verify_history

__all__ = [
    "EVENT_SCHEMA_VERSION",
    "GENESIS_HASH",
    "Event",
    "EventType",
    "FrozenDict",
    "FrozenList",
    "canonical_json",
    "compute_hash",
    "event_from_dict",
    "hash_is_sealed",
    "new_event",
    "verify_history",
]
