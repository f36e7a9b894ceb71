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
from ._frozen import EMPTY_MAP, FrozenDict, FrozenList, FrozenMap, freeze, read_only, thaw
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
from ._sealing import (
    CASE_SUBJECT,
    ERASED,
    is_erased,
    is_sealed,
    new_data_key,
    open_value,
    seal_value,
    subjects_of,
    unwrap_key,
    value_cipher,
    value_context,
    wrap_key,
)
from ._verify import verify_history

__all__ = [
    "CASE_SUBJECT",
    "EMPTY_MAP",
    "ERASED",
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
    "is_erased",
    "is_sealed",
    "key_fingerprint",
    "merkle_root",
    "new_data_key",
    "new_event",
    "new_signing_key",
    "open_value",
    "public_key_from_pem",
    "public_key_to_pem",
    "read_checkpoints",
    "read_only",
    "seal_value",
    "sign_checkpoint",
    "signing_key_from_pem",
    "signing_key_to_pem",
    "stored_hash",
    "subjects_of",
    "thaw",
    "unwrap_key",
    "value_cipher",
    "value_context",
    "verify_history",
    "wrap_key",
]
