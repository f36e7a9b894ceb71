"""Personal values sealed under per-subject keys, so that erasing a subject is destroying a key.

A personal field's value is encrypted (AES-256-GCM) before its event is
hashed; the event holds the ciphertext in a small *envelope*
(``{"sealed": [subjects], "nonce": ..., "data": ...}``, base64 text), so the
hash chain covers the ciphertext and still verifies once the key is gone.

Each data subject of a case has one random 32-byte *data key*. A value about
several subjects at once (a role with several holders) is sealed under a key
derived from all of theirs, so erasing any one of them makes it unreadable.
Data keys are stored apart from the events, each *wrapped* (AES-GCM again)
under a key of a `KeyRing` the host holds outside the database: the
database alone can decrypt nothing.

`ERASED` is what a value reads as once a key it needs is destroyed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kwflow.exceptions import DataKeyUnavailable

from ._event import canonical_json
from ._frozen import FrozenDict

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._keys import KeyRing

ERASED: FrozenDict[str, Any] = FrozenDict({"erased": True})
"""What an erased personal value reads as, everywhere (``{"erased": true}`` in JSON)."""

CASE_SUBJECT = ""
"""The subject of a personal value nobody was named for (its role had no holder):
the case itself; only disposing of the case erases it."""

# What canonical_json encodes text with (no ASCII escaping).
_encode_text = json.encoder.encode_basestring

DATA_KEY_BYTES = 32
_NONCE_BYTES = 12
_WRAP_INFO = b"kwflow-subject-key-wrap"
_JOIN_INFO = b"kwflow-subjects-key"


def is_erased(value: object) -> bool:
    """Whether ``value`` is the erased marker (`ERASED`, or JSON read back equal to it)."""
    return value is ERASED or (
        isinstance(value, Mapping) and len(value) == 1 and value.get("erased") is True
    )


def is_sealed(value: object) -> bool:
    """Whether ``value`` is a sealed envelope (a personal value as stored)."""
    return isinstance(value, Mapping) and "sealed" in value and "nonce" in value


def new_data_key() -> bytes:
    """A fresh random data key for one subject of one case."""
    return secrets.token_bytes(DATA_KEY_BYTES)


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def value_cipher(keys: Sequence[bytes]) -> Any:
    """The AES-GCM cipher for values about the subjects whose keys are ``keys`` (in order).

    Building it (and deriving a joint key) costs more than sealing a short
    value, so a caller that seals or opens many values under the same keys
    keeps it and passes it as ``cipher=``; it holds the key, so it is
    dropped with the key.
    """
    return _aesgcm(_joint_key(keys))


@functools.lru_cache(maxsize=4096)
def _context_bytes(context: tuple[str, ...]) -> bytes:
    # The authenticated context of a value: the same few (case, artifact,
    # field) triples come back for every version of a document.
    return canonical_json(list(context)).encode()


def value_context(context: Sequence[str]) -> bytes:
    """The bytes ``context`` (case, artifact, field) is authenticated as.

    A caller opening many values of one field passes them to `open_value`
    as ``context`` instead of the triple, which it then need not encode again.
    """
    return _context_bytes(tuple(context))


def _derive(secret: bytes, info: bytes) -> bytes:
    # HKDF with one output block is HMAC(HMAC(salt, secret), info || 1).
    pseudo_random = hmac.digest(b"\0" * 32, secret, "sha256")
    return hmac.digest(pseudo_random, info + b"\x01", "sha256")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        text = ""  # decrypting nothing fails below, with the ValueError callers expect
    # Strict: only the base64 alphabet, padded as b64encode pads (as
    # ``b64decode(validate=True)`` checks, without its per-call regex).
    return binascii.a2b_base64(text, strict_mode=True)


def wrap_key(ring: KeyRing, case_id: str, subject: str, key: bytes) -> str:
    """``key`` encrypted under the ring's current key: ``"<ring key id>:<base64>"``.

    The case and subject are authenticated with it, so a wrapped key moved to
    another row does not unwrap.
    """
    wrapping = _derive(ring.keys[ring.current], _WRAP_INFO)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _aesgcm(wrapping).encrypt(nonce, key, _wrap_context(case_id, subject))
    return f"{ring.current}:{_b64(nonce + sealed)}"


def unwrap_key(ring: KeyRing, case_id: str, subject: str, wrapped: str) -> bytes:
    """The data key ``wrapped`` holds; `DataKeyUnavailable` if the ring cannot open it."""
    key_id, _, body = wrapped.partition(":")
    secret = ring.keys.get(key_id)
    if secret is None:
        # Wrapped with a key the ring does not have: the wrong ring.
        raise DataKeyUnavailable(case_id, subject, "wrong-ring")
    raw = _unb64(body)
    try:
        return bytes(
            _aesgcm(_derive(secret, _WRAP_INFO)).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _wrap_context(case_id, subject)
            )
        )
    except Exception as exc:  # cryptography's InvalidTag: the key or the row is wrong
        raise DataKeyUnavailable(case_id, subject, "wrong-ring") from exc


def _wrap_context(case_id: str, subject: str) -> bytes:
    return canonical_json(["kwflow-data-key", case_id, subject]).encode()


def _joint_key(keys: Sequence[bytes]) -> bytes:
    if len(keys) == 1:
        return keys[0]
    return _derive(b"".join(keys), _JOIN_INFO)


def seal_value(
    value: Any,
    *,
    subjects: Sequence[str],
    keys: Sequence[bytes],
    context: Sequence[str],
    cipher: Any = None,
) -> dict[str, Any]:
    """The envelope of ``value`` (any JSON) under the keys of ``subjects`` (in that order).

    ``context`` (case, artifact, field) is authenticated with the value, so
    an envelope copied into another field does not open. ``cipher`` is
    `value_cipher` of ``keys``, when the caller keeps one. Every envelope
    gets a fresh random 96-bit nonce, whichever cipher object seals it.
    """
    nonce = secrets.token_bytes(_NONCE_BYTES)
    # Most personal values are text: its canonical JSON is the quoted string
    # (canonical_json's own encoder), without building an encoder for it.
    text = _encode_text(value) if type(value) is str else canonical_json(value)
    plain = text.encode()
    if cipher is None:
        cipher = value_cipher(keys)
    sealed = cipher.encrypt(nonce, plain, _context_bytes(tuple(context)))
    return {"sealed": list(subjects), "nonce": _b64(nonce), "data": _b64(sealed)}


def open_value(
    envelope: Mapping[str, Any],
    *,
    keys: Sequence[bytes],
    context: Sequence[str] | bytes,
    cipher: Any = None,
) -> Any:
    """The value ``envelope`` holds, given the keys of its subjects in its order.

    ``context`` is (case id, artifact, field), or `value_context` of it;
    ``cipher`` is `value_cipher` of ``keys``, when the caller keeps one.
    Raises `DataKeyUnavailable` (``wrong-ring``) when it does not open
    (another key, another place, changed bytes).
    """
    if cipher is None:
        cipher = value_cipher(keys)
    aad = context if isinstance(context, bytes) else _context_bytes(tuple(context))
    try:
        plain = cipher.decrypt(_unb64(envelope.get("nonce")), _unb64(envelope.get("data")), aad)
    except Exception as exc:
        # cryptography's InvalidTag (imported only with the cipher, which
        # costs an import statement per value otherwise): it does not open.
        if type(exc).__name__ != "InvalidTag":
            raise
        subjects = ",".join(subjects_of(envelope))
        where = json.loads(aad) if isinstance(context, bytes) else list(context)
        raise DataKeyUnavailable(where[0] if where else "", subjects, "wrong-ring") from exc
    text = plain.decode()
    if text[:1] == '"' and "\\" not in text:
        # A JSON string without escapes is its own text between the quotes.
        return text[1:-1]
    return json.loads(text)


def subjects_of(envelope: Mapping[str, Any]) -> tuple[str, ...]:
    """The subjects an envelope is sealed for (``CASE_SUBJECT`` when none was named)."""
    named = tuple(str(subject) for subject in envelope.get("sealed", ()))
    return named or (CASE_SUBJECT,)
