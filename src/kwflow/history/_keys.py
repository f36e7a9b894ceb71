"""Keys the database does not hold: HMAC keys for heads and snapshots, Ed25519 for checkpoints.

Whoever can write the database can recompute any hash in it, so a hash
alone proves nothing against them. A MAC made with a key kept outside the
database (in the application's configuration or a file beside SQLite) does:
they cannot make a valid one for content of their own.

A `KeyRing` holds every key id still trusted and names the current one.
New MACs use the current key and carry its id (``"<key id>:<hex>"``), so a
ring with a newer current key still verifies everything made under the old
ones: rotating is adding a key, never rewriting stored rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.exceptions import InvalidKey, WrongType

from ._event import canonical_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_SECRET_BYTES = 32
UNAUTHENTICATED = ""
"""The MAC column of a row written without a key."""


def _to_dict(keys: Mapping[str, bytes]) -> dict[str, bytes]:
    return dict(keys)


def _check_keys(instance: KeyRing, attribute: object, value: Mapping[str, bytes]) -> None:
    del instance, attribute
    if not value:
        raise InvalidKey("empty-ring")
    for key_id, secret in value.items():
        if not _KEY_ID.fullmatch(key_id):
            raise InvalidKey("bad-key-id", key_id=key_id)
        if not isinstance(secret, bytes) or len(secret) < 16:
            raise InvalidKey("short-secret", key_id=key_id)


@attrs.frozen(kw_only=True)
class KeyRing:
    """HMAC-SHA256 keys by id, and the id of the one new MACs are made with.

    ``keys`` maps key ids (letters, digits, ``.``, ``_``, ``-``) to secrets of
    at least 16 bytes; ``current`` must be one of them.
    """

    keys: Mapping[str, bytes] = attrs.field(converter=_to_dict, validator=_check_keys)
    current: str

    def __attrs_post_init__(self) -> None:
        if self.current not in self.keys:
            raise InvalidKey("current-missing", key_id=self.current)

    @classmethod
    def generate(cls, key_id: str | None = None) -> KeyRing:
        """A ring of one new random key (``key_id`` defaults to a random one)."""
        key_id = key_id if key_id is not None else new_key_id()
        return cls(keys={key_id: secrets.token_bytes(_SECRET_BYTES)}, current=key_id)

    def rotated(self, key_id: str | None = None) -> KeyRing:
        """This ring plus a new random key that becomes current; old keys still verify."""
        key_id = key_id if key_id is not None else new_key_id()
        if key_id in self.keys:
            raise InvalidKey("id-taken", key_id=key_id)
        return KeyRing(
            keys={**self.keys, key_id: secrets.token_bytes(_SECRET_BYTES)}, current=key_id
        )

    def mac(self, *parts: Any) -> str:
        """``"<current key id>:<hex HMAC-SHA256>"`` over the JSON of ``parts``."""
        return f"{self.current}:{_digest(self.keys[self.current], parts)}"

    def verify(self, tag: object, *parts: Any) -> bool:
        """Whether ``tag`` is a MAC of ``parts`` under any key of the ring."""
        if not isinstance(tag, str) or ":" not in tag:
            return False
        key_id, _, digest = tag.partition(":")
        secret = self.keys.get(key_id)
        if secret is None:
            return False
        return hmac.compare_digest(digest, _digest(secret, parts))

    def to_text(self) -> str:
        """The key file's text: one ``<key id> <hex secret>`` line per key, current last."""
        ordered = [k for k in self.keys if k != self.current] + [self.current]
        return "".join(f"{key_id} {self.keys[key_id].hex()}\n" for key_id in ordered)

    @classmethod
    def from_text(cls, text: str) -> KeyRing:
        """Read a key file's text (see `to_text`); the last key is the current one."""
        keys: dict[str, bytes] = {}
        current = ""
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key_id, _, secret = line.partition(" ")
            try:
                keys[key_id] = bytes.fromhex(secret.strip())
            except ValueError as exc:
                raise InvalidKey("not-hex", line=number) from exc
            current = key_id
        return cls(keys=keys, current=current)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> KeyRing:
        """Read a key file."""
        return cls.from_text(Path(path).read_text(encoding="ascii"))

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the key file, readable by its owner only (0600), replacing it atomically."""
        target = Path(path)
        temporary = target.with_name(target.name + ".new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, self.to_text().encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.chmod(0o600)  # O_CREAT's mode does not apply to an existing file
        temporary.replace(target)

    @classmethod
    def read_or_create(cls, path: str | os.PathLike[str]) -> tuple[KeyRing, bool]:
        """The ring in ``path``, made (0600, one random key) if there is no file yet.

        Returns the ring and whether it was created now. Two processes
        creating it at once agree: the file is created exclusively, the loser
        reads the winner's.
        """
        target = Path(path)
        try:
            return cls.read(target), False
        except FileNotFoundError:
            pass
        ring = cls.generate()
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls.read(target), False
        try:
            os.write(fd, ring.to_text().encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return ring, True


def new_key_id() -> str:
    """A fresh random key id."""
    return "k" + secrets.token_hex(6)


# One C encoder with canonical_json's settings, built once: MAC messages and
# Merkle leaves are small lists of text and numbers (no cycles to detect, so
# no ``markers``), and building an encoder per call was most of their cost.
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
# After ``markers``: default, encoder, indent, key and item separators,
# sort_keys, skipkeys, allow_nan (canonical_json's settings).
_FLAT_SETTINGS = (None, json.encoder.encode_basestring, None, ":", ",", True, False, True)
_FLAT = None if _C_MAKE_ENCODER is None else _C_MAKE_ENCODER(None, *_FLAT_SETTINGS)


def flat_json(value: list[Any]) -> str:
    """``canonical_json(value)`` for a list of plain text, numbers and flat values."""
    if _FLAT is None:  # pragma: no cover - CPython has the C encoder
        return canonical_json(value)
    return "".join(_FLAT(value, 0))


def _digest(secret: bytes, parts: tuple[Any, ...]) -> str:
    return hmac.digest(secret, flat_json(list(parts)).encode(), "sha256").hex()


# -- Ed25519, for checkpoints -------------------------------------------------------


def new_signing_key() -> Ed25519PrivateKey:
    """A new random Ed25519 key for signing checkpoints."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def signing_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (``openssl genpkey -algorithm ed25519``)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise WrongType("signing key", "ed25519-private-key", type(key).__name__)
    return key


def public_key_from_pem(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (``openssl pkey -in KEY -pubout``)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise WrongType("public key", "ed25519-public-key", type(key).__name__)
    return key


def signing_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """The private key as unencrypted PKCS#8 PEM (store it owner-only)."""
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_to_pem(key: Ed25519PublicKey) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM."""
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]
