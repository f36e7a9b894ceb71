"""The errors of the layers under the engine: records, keys, store options.

Each was a plain ``ValueError`` or ``TypeError`` once; each is a
`KwflowError` now, still that builtin, with a code and Czech and English
text, and a store that refuses an option or a command keeps nothing of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from kwflow.definition import process_files
from kwflow.engine import Case, fold
from kwflow.exceptions import (
    InvalidKey,
    InvalidValue,
    KeysMissing,
    KwflowError,
    MalformedRecord,
    NaiveDatetime,
    ProcessFilesMissing,
    ReadOnly,
    ReasonCode,
    TamperedHistory,
    WrongType,
)
from kwflow.exceptions import Reason as ReasonRecord
from kwflow.history import (
    GENESIS_HASH,
    KeyRing,
    event_from_dict,
    new_event,
    public_key_from_pem,
    signing_key_from_pem,
)
from kwflow.store import PostgresStore, SqliteStore
from tests.support.store import chain

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.store import Backend


def _texts(error: KwflowError) -> tuple[str, str, str]:
    return error.code, str(error), error.render("cs")


# ------------------------------------------------------------------ store options


def test_a_bad_synchronous_option_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue) as caught:
        SqliteStore(tmp_path / "s.sqlite3", synchronous="OFF")  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert _texts(caught.value) == (
        "input.invalid-value",
        "synchronous must be 'FULL', 'NORMAL' or 'EXTRA', not 'OFF'",
        "'synchronous' musí být 'FULL', 'NORMAL', nebo 'EXTRA', ne 'OFF'",
    )
    assert list(tmp_path.iterdir()) == []  # no database, no key file


@pytest.mark.parametrize("name", ["x; DROP TABLE y", "a" * 64])
def test_a_bad_schema_name_is_refused_and_creates_no_schema(
    pg_schema: tuple[str, str], name: str
) -> None:
    import psycopg

    dsn, _ = pg_schema
    with pytest.raises(InvalidValue) as caught:
        PostgresStore(dsn, schema=name)
    assert isinstance(caught.value, ValueError)
    assert caught.value.params == {"what": "schema", "rule": "sql-identifier", "value": repr(name)}
    assert str(caught.value) == (
        "schema must be a plain identifier (letters, digits, underscore; at most 63 "
        f"characters), not {name!r}"
    )
    assert caught.value.render("cs") == (
        "'schema' musí být prostý identifikátor (písmena, číslice, podtržítko; nejvýš 63 "
        f"znaků), ne {name!r}"
    )
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (name,))
        assert found.fetchone() == (0,)


def test_sealing_heads_without_keys_is_refused_and_seals_nothing(sql_backend: Backend) -> None:
    plain = sql_backend.open(keys=None)
    plain.append("c-1", 0, chain("c-1", 2))
    with pytest.raises(KeysMissing) as caught:
        plain.seal_heads()  # type: ignore[attr-defined]
    assert isinstance(caught.value, ValueError)
    assert _texts(caught.value) == (
        "store.no-keys",
        "the store has no keys to seal heads with",
        "úložiště nemá žádné klíče, a tak nemůže zapečetit hlavy případů",
    )
    keyed = sql_backend.open(keys=KeyRing.generate())
    with pytest.raises(TamperedHistory) as unsealed:
        keyed.load("c-1")
    assert unsealed.value.reason_code == "head-unsealed"
    assert plain.load("c-1").version == 2


# ------------------------------------------------------------------ keys

KEY_ERRORS = [
    (
        lambda: KeyRing(keys={}, current="k1"),
        "empty-ring",
        "a key ring needs at least one key",
        "klíče nelze použít: svazek klíčů potřebuje alespoň jeden klíč",
    ),
    (
        lambda: KeyRing(keys={"k 1": b"s" * 16}, current="k 1"),
        "bad-key-id",
        "key id 'k 1' is not letters, digits, '.', '_' or '-'",
        (
            "klíče nelze použít: identifikátor klíče 'k 1' smí mít jen písmena, číslice, '.', "
            "'_' a '-'"
        ),
    ),
    (
        lambda: KeyRing(keys={"k1": b"short"}, current="k1"),
        "short-secret",
        "key 'k1' must be at least 16 bytes",
        "klíče nelze použít: klíč 'k1' musí mít alespoň 16 bajtů",
    ),
    (
        lambda: KeyRing(keys={"k1": b"s" * 16}, current="k2"),
        "current-missing",
        "the current key 'k2' is not in the ring",
        "klíče nelze použít: aktuální klíč 'k2' ve svazku klíčů není",
    ),
    (
        lambda: KeyRing.generate("k1").rotated("k1"),
        "id-taken",
        "key id 'k1' is in the ring already",
        "klíče nelze použít: klíč 'k1' už ve svazku klíčů je",
    ),
    (
        lambda: KeyRing.from_text("# keys\nk1 00112233445566778899aabbccddeeff\nk2 zz\n"),
        "not-hex",
        "key file line 3: the secret is not hex",
        "klíče nelze použít: soubor klíčů, řádek 3: tajný klíč není zapsán šestnáctkově",
    ),
]


@pytest.mark.parametrize(
    ("make", "reason_code", "english", "czech"), KEY_ERRORS, ids=[k[1] for k in KEY_ERRORS]
)
def test_a_key_ring_that_cannot_be_used_is_refused(
    make: object, reason_code: str, english: str, czech: str
) -> None:
    with pytest.raises(InvalidKey) as caught:
        make()  # type: ignore[operator]
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.reason_code, error.params["reason_code"]) == (
        "keys.invalid",
        reason_code,
        reason_code,
    )
    assert (str(error), error.reason, error.render("cs")) == (english, english, czech)


def test_a_pem_key_that_is_not_ed25519_is_the_wrong_type() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(WrongType) as signing:
        signing_key_from_pem(private)
    assert isinstance(signing.value, TypeError)
    assert signing.value.params["expected"] == "ed25519-private-key"
    assert str(signing.value).startswith("signing key is an Ed25519 private key, not ")
    assert signing.value.render("cs").startswith("'signing key' je soukromý klíč Ed25519, ne ")
    with pytest.raises(WrongType) as checking:
        public_key_from_pem(public)
    assert str(checking.value).startswith("public key is an Ed25519 public key, not ")
    assert checking.value.render("cs").startswith("'public key' je veřejný klíč Ed25519, ne ")


# ------------------------------------------------------------------ events and cases


def _opened() -> object:
    return new_event(
        case_id="c-1",
        sequence=1,
        type="case_opened",
        at=datetime(2026, 10, 5, 8, tzinfo=UTC),
        actor="eva",
        payload={"items": [1, 2], "process": {"id": "p", "version": 1, "hash": "h"}},
        prev_hash=GENESIS_HASH,
    )


def test_a_naive_event_time_is_refused() -> None:
    with pytest.raises(NaiveDatetime) as caught:
        new_event(
            case_id="c-1",
            sequence=1,
            type="case_opened",
            at=datetime(2026, 10, 5, 8),  # noqa: DTZ001 - the bad input under test
            actor="eva",
            payload={},
            prev_hash=GENESIS_HASH,
        )
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.naive-datetime"
    assert caught.value.params == {"value": "2026-10-05T08:00:00"}


def test_an_events_payload_cannot_be_changed() -> None:
    event = _opened()
    payload = event.payload  # type: ignore[attr-defined]
    with pytest.raises(ReadOnly) as caught:
        payload["items"] = []
    assert isinstance(caught.value, TypeError)
    assert _texts(caught.value) == (
        "object.read-only",
        "an event's data cannot be changed: events are immutable",
        "data události nelze měnit: události jsou neměnné",
    )
    assert payload["items"] == [1, 2]


def test_a_frozen_map_of_a_case_cannot_be_changed() -> None:
    from kwflow.history import FrozenMap

    roles = FrozenMap({"lead": ("eva",)})
    with pytest.raises(ReadOnly) as caught:
        roles["member"] = ("max",)
    assert isinstance(caught.value, TypeError)
    assert _texts(caught.value) == (
        "object.read-only",
        "a FrozenMap cannot be changed; build a new one",
        "FrozenMap nelze měnit; vytvořte novou",
    )
    assert roles == {"lead": ("eva",)}


def test_a_reason_cannot_be_changed() -> None:
    reason = ReasonRecord(ReasonCode.OTHER, "no")
    with pytest.raises(ReadOnly) as caught:
        reason.role = "lead"
    assert isinstance(caught.value, AttributeError)
    assert _texts(caught.value) == (
        "object.read-only",
        "a Reason is read-only (setting 'role')",
        "důvod (Reason) nelze měnit (atribut 'role')",
    )


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"schema_version": "1"}, "schema_version is not an integer"),
        ({}, "missing key 'schema_version'"),
    ],
)
def test_a_malformed_event_is_a_malformed_record(data: dict[str, object], detail: str) -> None:
    with pytest.raises(MalformedRecord) as caught:
        event_from_dict(data)
    assert isinstance(caught.value, ValueError)
    assert caught.value.params == {"what": "event", "detail": detail}
    assert _texts(caught.value) == (
        "record.malformed",
        f"malformed event: {detail}",
        "uloženou událost nelze přečíst: data nemají tvar, který kwflow zapisuje",
    )


@pytest.mark.parametrize(
    "data",
    [{"format": 99}, {"format": 1}, {"format": 1, "opened_at": "2026-10-05T08:00:00"}, []],
    ids=["format", "keys", "naive", "list"],
)
def test_a_malformed_case_is_a_malformed_record(data: object) -> None:
    with pytest.raises(MalformedRecord) as caught:
        Case.from_dict(data)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "record.malformed"
    assert caught.value.params["what"] == "case"
    assert caught.value.render("cs") == (
        "uložený případ nelze přečíst: data nemají tvar, který kwflow zapisuje"
    )


def test_a_history_that_does_not_open_the_case_does_not_fold() -> None:
    from kwflow.definition import load_process, shipped_processes_dir

    process = load_process(shipped_processes_dir() / "case_conference.yaml")
    with pytest.raises(TamperedHistory) as caught:
        fold(process, [])
    assert isinstance(caught.value, ValueError)
    assert caught.value.reason_code == "not-opened"
    assert caught.value.reason == "a case's history starts with its case_opened event"
    assert caught.value.render("cs").endswith(
        ": historie případu musí začínat jeho událostí case_opened"
    )


# ------------------------------------------------------------------ process files


def test_a_missing_process_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ProcessFilesMissing) as caught:
        process_files(missing)
    assert isinstance(caught.value, FileNotFoundError)
    assert _texts(caught.value) == (
        "definition.files-missing",
        f"no such file or directory: {missing}",
        f"soubor ani adresář {missing} neexistuje",
    )
