"""Events and their hash chain, and the read-only containers events and cases hold.

The layer both the store and the engine stand on.
"""

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
from ._frozen import EMPTY_MAP, FrozenDict, FrozenList, FrozenMap, freeze, thaw
from ._verify import verify_history

__all__ = [
    "EMPTY_MAP",
    "EVENT_SCHEMA_VERSION",
    "GENESIS_HASH",
    "Event",
    "EventType",
    "FrozenDict",
    "FrozenList",
    "FrozenMap",
    "canonical_json",
    "compute_hash",
    "event_from_dict",
    "freeze",
    "hash_is_sealed",
    "new_event",
    "thaw",
    "verify_history",
]
