"""Events and their hash chain, the keys that authenticate it, and signed checkpoints.

Also the read-only containers events and cases hold.

The layer both the store and the engine stand on.
"""

from ._checkpoint import CaseHead, Checkpoint, merkle_root, read_checkpoints, sign_checkpoint
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
    stored_hash,
)
from ._frozen import EMPTY_MAP, FrozenDict, FrozenList, FrozenMap, freeze, thaw
from ._keys import (
    UNAUTHENTICATED,
    KeyRing,
    key_fingerprint,
    new_signing_key,
    public_key_from_pem,
    public_key_to_pem,
    signing_key_from_pem,
    signing_key_to_pem,
)
from ._verify import verify_history

__all__ = [
    "EMPTY_MAP",
    "EVENT_SCHEMA_VERSION",
    "GENESIS_HASH",
    "UNAUTHENTICATED",
    "CaseHead",
    "Checkpoint",
    "Event",
    "EventType",
    "FrozenDict",
    "FrozenList",
    "FrozenMap",
    "KeyRing",
    "canonical_json",
    "compute_hash",
    "event_from_dict",
    "freeze",
    "hash_is_sealed",
    "key_fingerprint",
    "merkle_root",
    "new_event",
    "new_signing_key",
    "public_key_from_pem",
    "public_key_to_pem",
    "read_checkpoints",
    "sign_checkpoint",
    "signing_key_from_pem",
    "signing_key_to_pem",
    "stored_hash",
    "thaw",
    "verify_history",
]
