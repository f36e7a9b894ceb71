"""Sealed values: any JSON value opens to itself, under a kept cipher or a fresh one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.exceptions import DataKeyUnavailable
from kwflow.history import new_data_key, open_value, seal_value, value_cipher

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
WHERE = ("c1", "record", "note")


@given(value=JSON, joint=st.booleans())
def test_a_sealed_value_opens_to_itself(value: Any, joint: bool) -> None:
    keys = [new_data_key(), new_data_key()] if joint else [new_data_key()]
    subjects = ["mia", "dan"][: len(keys)]
    envelope = seal_value(value, subjects=subjects, keys=keys, context=WHERE)
    kept = value_cipher(keys)
    assert open_value(envelope, keys=keys, context=WHERE) == value
    assert open_value(envelope, keys=keys, context=WHERE, cipher=kept) == value
    again = seal_value(value, subjects=subjects, keys=keys, context=WHERE, cipher=kept)
    assert again["nonce"] != envelope["nonce"]
    assert open_value(again, keys=keys, context=WHERE) == value


@pytest.mark.parametrize("text", ['say "hi"', "a\\b", "tab\there", "Žluťoučký kůň", ""])
def test_text_with_escapes_opens_exactly(text: str) -> None:
    keys = [new_data_key()]
    envelope = seal_value(text, subjects=["mia"], keys=keys, context=WHERE)
    assert open_value(envelope, keys=keys, context=WHERE, cipher=value_cipher(keys)) == text


def test_a_kept_cipher_still_checks_the_place() -> None:
    keys = [new_data_key()]
    cipher = value_cipher(keys)
    envelope = seal_value("x", subjects=["mia"], keys=keys, context=WHERE, cipher=cipher)
    with pytest.raises(DataKeyUnavailable):
        open_value(envelope, keys=keys, context=("c1", "record", "other"), cipher=cipher)
    with pytest.raises(DataKeyUnavailable):
        open_value(envelope, keys=[new_data_key()], context=WHERE)


@given(text=st.text())
def test_text_is_sealed_as_its_canonical_json(text: str) -> None:
    # Text takes a shortcut to its JSON: what is encrypted must still be the
    # canonical form every other value is encrypted in.
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from kwflow.history import canonical_json

    key = new_data_key()
    envelope = seal_value(text, subjects=["mia"], keys=[key], context=WHERE)
    plain = AESGCM(key).decrypt(
        base64.b64decode(envelope["nonce"]),
        base64.b64decode(envelope["data"]),
        canonical_json(list(WHERE)).encode(),
    )
    assert plain.decode() == canonical_json(text)
