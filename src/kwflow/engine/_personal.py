"""Personal fields: sealing their values before events are hashed, and reading them back.

The process file marks a field ``personal`` and names its data subject
(``docs/erasure.md``). When a command's events are made, each personal
value is replaced by an envelope encrypted under its subjects' data keys
(``kwflow.history.seal_value``), and the event lists the subjects, so the
fold knows whose data the case holds. The stored events, and so the hashes
and the snapshots built from them, never hold a personal value in clear.

The engine folds the stored events as they are (a *sealed* case) and
*reveals* it for everything people and guards see: each envelope becomes
its value again, or `ERASED` once one of its subjects has been erased (their
key is gone). A value about a subject erased already is not sealed at all:
it is recorded as `ERASED`, so nothing of theirs enters the case again.

A subject is a person id: the holders of the field's ``subject`` role when
the value is written (several holders: the value is about all of them, and
erasing any one erases it), or the person named in its ``subject_field``.
With nobody there, the value belongs to the case itself (`CASE_SUBJECT`):
only disposing of the case erases it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.exceptions import DataKeyUnavailable
from kwflow.history import (
    CASE_SUBJECT,
    ERASED,
    Event,
    EventType,
    FrozenDict,
    FrozenList,
    FrozenMap,
    freeze,
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

from ._records import ArtifactVersion, UnopenedData

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from kwflow.definition import Process
    from kwflow.history import KeyRing
    from kwflow.store import CaseStore

    from ._decide import Draft
    from ._records import Case

__all__ = [
    "DataKeys",
    "PersonalField",
    "personal_fields",
    "plaintext_twins",
    "reveal_case",
    "reveal_events",
    "seal",
]

_SUBMITTED = EventType.ARTIFACT_SUBMITTED.value
_ACTED = EventType.ACTION_TAKEN.value
_ERASED_EVENT = EventType.SUBJECT_ERASED.value
# `ERASED` as the fold holds data (a FrozenMap, hashable like the rest).
_ERASED_DATA = freeze(ERASED)
# Values that are never an envelope, told apart without a Mapping check.
_PLAIN = frozenset({str, int, float, bool, type(None)})


@attrs.frozen
class PersonalField:
    """A personal field of an artifact and how its subject is found."""

    field: str
    subject_role: str | None
    subject_field: str | None


_SPECS: dict[tuple[str, int, str], Mapping[str, tuple[PersonalField, ...]]] = {}
_SPECS_LOCK = threading.Lock()


def personal_fields(process: Process) -> Mapping[str, tuple[PersonalField, ...]]:
    """Artifact id -> its personal (top-level) fields; empty for most processes. Cached."""
    key = (process.id, process.version, process.content_hash)
    found = _SPECS.get(key)
    if found is not None:
        return found
    spec: dict[str, tuple[PersonalField, ...]] = {}
    for artifact in process.artifacts:
        fields = tuple(
            PersonalField(f.id, f.personal.subject, f.personal.subject_field)
            for f in artifact.fields
            if f.personal is not None
        )
        if fields:
            spec[artifact.id] = fields
    with _SPECS_LOCK:
        return _SPECS.setdefault(key, FrozenMap(spec))


class DataKeys:
    """The data keys of the subjects of cases: made, wrapped, stored and unwrapped.

    Unwrapped keys are cached per case in memory (the engine's process only),
    and so are the ciphers built from them (a cipher costs more to build than
    a short value costs to seal); `forget` drops a case's keys and ciphers,
    as erasing does.
    """

    def __init__(self, store: CaseStore, ring: KeyRing | None) -> None:
        self._store = store
        self._ring = ring
        self._cache: dict[str, dict[str, bytes]] = {}
        # Wrapped keys read with a case's events (`offer`), not unwrapped yet.
        self._offered: dict[str, dict[str, str]] = {}
        self._ciphers: dict[str, dict[tuple[str, ...], tuple[tuple[bytes, ...], Any]]] = {}
        self._lock = threading.Lock()

    def offer(self, case_id: str, stored: Mapping[str, str]) -> None:
        """Take the case's stored (wrapped) keys, read with its events, unless its keys are held.

        They are unwrapped when first needed, as keys read by `find` are.
        """
        with self._lock:
            if case_id not in self._cache:
                self._offered[case_id] = dict(stored)

    def _loaded(self, case_id: str) -> dict[str, bytes]:
        keys = self._cache.get(case_id)
        if keys is not None:
            return keys
        with self._lock:
            offered = self._offered.pop(case_id, None)
        stored = offered if offered is not None else self._store.subject_keys(case_id)
        keys = {
            subject: self._unwrap(case_id, subject, wrapped) for subject, wrapped in stored.items()
        }
        with self._lock:
            self._cache[case_id] = keys
        return keys

    def _unwrap(self, case_id: str, subject: str, wrapped: str) -> bytes:
        if self._ring is None:
            raise DataKeyUnavailable(case_id, subject, "no-ring")
        return unwrap_key(self._ring, case_id, subject, wrapped)

    def unwrap_all(self, case_id: str) -> None:
        """Unwrap the case's stored keys now (unless held): a missing or wrong ring raises here."""
        self._loaded(case_id)

    def find(self, case_id: str, subject: str) -> bytes | None:
        """The subject's key, or ``None`` when it has none (never made, or destroyed)."""
        return self._loaded(case_id).get(subject)

    def make(self, case_id: str, subject: str) -> bytes:
        """The subject's key, made and stored now if it has none yet."""
        key = self.find(case_id, subject)
        if key is not None:
            return key
        if self._ring is None:
            raise DataKeyUnavailable(case_id, subject, "no-ring")
        stored = self._store.add_subject_key(
            case_id, subject, wrap_key(self._ring, case_id, subject, new_data_key())
        )
        # Another engine may have stored its key first: the stored one is the key.
        key = self._unwrap(case_id, subject, stored)
        with self._lock:
            self._cache.setdefault(case_id, {})[subject] = key
        return key

    def cipher(self, case_id: str, subjects: tuple[str, ...], keys: Sequence[bytes]) -> Any:
        """The cipher for values about ``subjects`` of the case, whose keys are ``keys``."""
        held = self._ciphers.get(case_id, {}).get(subjects)
        key_tuple = tuple(keys)
        # Compared with the keys given: a key made again after an erasure
        # never reuses a cipher built from the one before.
        if held is not None and held[0] == key_tuple:
            return held[1]
        made = value_cipher(key_tuple)
        with self._lock:
            self._ciphers.setdefault(case_id, {})[subjects] = (key_tuple, made)
        return made

    def destroy(self, case_id: str, subjects: Sequence[str] | None) -> None:
        """Destroy the keys of ``subjects`` (every key of the case: ``None``) for good."""
        self.forget(case_id)
        self._store.destroy_subject_keys(case_id, subjects)

    def forget(self, case_id: str) -> None:
        """Drop the case's keys from memory (they are read again when needed)."""
        with self._lock:
            self._cache.pop(case_id, None)
            self._offered.pop(case_id, None)
            self._ciphers.pop(case_id, None)


def _subjects(field: PersonalField, case: Case, data: Mapping[str, Any]) -> tuple[str, ...]:
    if field.subject_role is not None:
        named: tuple[str, ...] = case.roles.get(field.subject_role, ())
    else:
        person = data.get(field.subject_field or "")
        named = (person,) if isinstance(person, str) and person else ()
    return named or (CASE_SUBJECT,)


def _seal_data(
    case: Case,
    artifact: str,
    fields: tuple[PersonalField, ...],
    data: Mapping[str, Any],
    keys: DataKeys,
) -> tuple[FrozenMap[str, Any], FrozenMap[str, Any], FrozenList[str]] | None:
    """The data sealed and as revealed (both frozen), and its subjects; ``None``: nothing personal.

    The revealed data is what `reveal_case` would make of the sealed data
    (each value as given, `ERASED` where a subject is erased), so the
    command's new case is revealed without opening what was just sealed.
    """
    frozen: FrozenMap[str, Any] | None = None
    sealed: dict[str, Any] = {}
    erased: dict[str, Any] = {}
    everyone: list[str] = []
    found_for: dict[tuple[str, ...], tuple[list[bytes], Any]] = {}
    for field in fields:
        value = data.get(field.field)
        if value is None:
            continue
        if frozen is None:
            # Frozen once: the sealed and the revealed data share every
            # value but the personal ones, and the command's two folds take
            # them as they are instead of each freezing them again.
            frozen = freeze(data)
        subjects = _subjects(field, case, data)
        everyone.extend(subjects)
        if any(subject in case.erased for subject in subjects):
            sealed[field.field] = erased[field.field] = _ERASED_DATA
            continue
        held = found_for.get(subjects)
        if held is None:
            found = [keys.make(case.id, subject) for subject in subjects]
            held = found_for[subjects] = (found, keys.cipher(case.id, subjects, found))
        envelope = seal_value(
            frozen[field.field],
            subjects=subjects,
            keys=held[0],
            context=(case.id, artifact, field.field),
            cipher=held[1],
        )
        # As `freeze` would make it (subjects a tuple), built directly.
        sealed[field.field] = FrozenMap(
            {"sealed": subjects, "nonce": envelope["nonce"], "data": envelope["data"]}
        )
    if frozen is None:
        return None
    revealed = FrozenMap({**frozen, **erased}) if erased else frozen
    return FrozenMap({**frozen, **sealed}), revealed, FrozenList(dict.fromkeys(everyone))


def seal(
    drafts: Iterable[Draft],
    case: Case,
    spec: Mapping[str, tuple[PersonalField, ...]],
    keys: DataKeys,
    revealed: list[Draft | None] | None = None,
) -> list[Draft]:
    """``drafts`` with every personal value sealed, each naming its subjects.

    ``revealed``, when given, is filled with the *plaintext twin* of each
    draft returned: the same payload (``subjects`` included) with each
    personal value as given, or `ERASED` for a subject erased already
    (``None`` for a draft with nothing sealed: it is its own twin).
    Folding the twins (as events with the sealed events' sequence, time
    and hash) gives the revealed case a `reveal_case` pass would give,
    without opening what was just sealed; they are never stored or hashed.
    """
    out: list[Draft] = []
    for type_, actor, payload in drafts:
        sealed, plain = payload, None
        if type_ == _SUBMITTED:
            fields = spec.get(payload["artifact"])
            done = fields and _seal_data(case, payload["artifact"], fields, payload["data"], keys)
            if done:
                sealed = {**payload, "data": done[0], "subjects": done[2]}
                plain = {**payload, "data": done[1], "subjects": done[2]}
        elif type_ == _ACTED and payload.get("records") is not None:
            records = payload["records"]
            fields = spec.get(records["artifact"])
            done = fields and _seal_data(case, records["artifact"], fields, records["data"], keys)
            if done:
                sealed = {
                    **payload,
                    "records": FrozenDict({**records, "data": done[0]}),
                    "subjects": done[2],
                }
                plain = {
                    **payload,
                    "records": FrozenDict({**records, "data": done[1]}),
                    "subjects": done[2],
                }
        out.append((type_, actor, sealed))
        if revealed is not None:
            revealed.append(None if plain is None else (type_, actor, plain))
    return out


def plaintext_twins(events: Sequence[Event], revealed: Sequence[Draft | None]) -> list[Event]:
    """``events`` (just made from sealed drafts) with the payloads of their plaintext twins.

    Only for folding the revealed case: each twin keeps its event's
    sequence, time, links and hash, which no longer match its payload, so a
    store refuses it (``hash_is_sealed`` is false for it: it is hashed again).
    """
    twins: list[Event] = []
    for event, twin in zip(events, revealed, strict=True):
        if twin is None:
            twins.append(event)
        else:
            twins.append(
                Event(
                    case_id=event.case_id,
                    sequence=event.sequence,
                    type=event.type,
                    at=event.at,
                    actor=event.actor,
                    payload=twin[2],
                    prev_hash=event.prev_hash,
                    hash=event.hash,
                    schema_version=event.schema_version,
                )
            )
    return twins


def _keys_for(
    case_id: str, subjects: tuple[str, ...], erased: Collection[str], keys: DataKeys
) -> tuple[list[bytes], Any] | None:
    """The keys and cipher of values about ``subjects``; ``None`` when such values are erased."""
    if any(subject in erased for subject in subjects):
        return None
    found = [keys.find(case_id, subject) for subject in subjects]
    if any(key is None for key in found):
        # The key was destroyed, but the erasure was not recorded (the host
        # stopped between the two): the value is gone all the same.
        return None
    present = [key for key in found if key is not None]
    return present, keys.cipher(case_id, subjects, present)


def reveal_case(
    case: Case,
    spec: Mapping[str, tuple[PersonalField, ...]],
    keys: DataKeys,
) -> Case:
    """``case`` with its personal values read back (or `ERASED`), each version's when first read.

    A command's new case needs no such pass: it is folded from the
    plaintext twins of its events (`seal`'s ``revealed``). Loading a case
    runs it over every version of every personal document, and most are
    never read, so a version holding sealed values gets `UnopenedData`:
    they are opened when its data is first read. What can fail is found
    here all the same: the case's stored keys are unwrapped now, so a
    missing or wrong key ring raises `DataKeyUnavailable` from the load,
    not from a later read.
    """
    if not spec:
        return case
    keys.unwrap_all(case.id)
    opening = _Opening(case.id, frozenset(case.erased), keys)
    artifacts: dict[str, tuple[ArtifactVersion, ...]] | None = None
    for artifact_id, fields in spec.items():
        versions = case.artifacts.get(artifact_id)
        if not versions:
            continue
        names = tuple(field.field for field in fields)
        revealed = list(versions)
        changed = False
        for index, version in enumerate(versions):
            data = version.data
            # An envelope is a frozen map; a version written before its
            # fields were personal (an earlier process version) has none.
            for name in names:
                if type(data.get(name)) is FrozenMap:
                    break
            else:
                continue
            # Built directly, by position: attrs.evolve costs more than the rest.
            revealed[index] = ArtifactVersion(
                version.number,
                UnopenedData(opening.open, artifact_id, names, data),
                version.by,
                version.at,
                version.sequence,
                version.about,
            )
            changed = True
        if not changed:
            continue
        if artifacts is None:
            artifacts = dict(case.artifacts)
        artifacts[artifact_id] = tuple(revealed)
    if artifacts is None:
        return case
    return attrs.evolve(case, artifacts=FrozenMap(artifacts))


class _Opening:
    """What opening one case's sealed values needs: shared by a loaded case's versions
    (`reveal_case`, when each is first read) and by a history's events (`reveal_events`).

    Keys and cipher are looked up once per set of subjects, the
    authenticated context once per field. The caches are filled by whichever
    thread reads first; two threads filling one at once store equal values.
    """

    def __init__(self, case_id: str, erased: frozenset[str], keys: DataKeys) -> None:
        self._case_id = case_id
        self._erased = erased
        self._keys = keys
        self._ciphers: dict[tuple[str, ...], tuple[list[bytes], Any] | None] = {}
        self._contexts: dict[tuple[str, str], bytes] = {}

    def open(
        self, artifact_id: str, names: tuple[str, ...], data: Mapping[str, Any]
    ) -> FrozenMap[str, Any]:
        """``data`` of ``artifact_id`` with its sealed ``names`` opened (or `ERASED`)."""
        opened = dict(data)
        for name in names:
            value: Any = data.get(name)
            if type(value) in _PLAIN or not is_sealed(value):
                continue
            subjects = subjects_of(value)
            if subjects in self._ciphers:
                held = self._ciphers[subjects]
            else:
                held = self._ciphers[subjects] = _keys_for(
                    self._case_id, subjects, self._erased, self._keys
                )
            if held is None:
                opened[name] = _ERASED_DATA
                continue
            context = self._contexts.get((artifact_id, name))
            if context is None:
                context = self._contexts[artifact_id, name] = value_context(
                    (self._case_id, artifact_id, name)
                )
            found, cipher = held
            # The other values are frozen already, and every opened one is.
            opened[name] = freeze(open_value(value, keys=found, context=context, cipher=cipher))
        return FrozenMap(opened)


def reveal_events(events: Sequence[Event], keys: DataKeys) -> tuple[Event, ...]:
    """``events`` (one case's) with their personal values read back (or `ERASED`).

    Hashes unchanged: they are those of the stored (sealed) events: verify
    those (``store.events``), not these.
    """
    erased = frozenset(str(e.payload["subject"]) for e in events if e.type == _ERASED_EVENT)
    # One opening for the history: keys looked up once per set of subjects.
    opening = _Opening(events[0].case_id if events else "", erased, keys)
    out = []
    for event in events:
        payload = event.payload
        if not payload.get("subjects") or event.type not in (_SUBMITTED, _ACTED):
            out.append(event)
            continue
        holder = payload if event.type == _SUBMITTED else payload["records"]
        data = opening.open(holder["artifact"], tuple(holder["data"]), holder["data"])
        if event.type == _SUBMITTED:
            new_payload = {**payload, "data": data}
        else:
            new_payload = {**payload, "records": {**holder, "data": data}}
        out.append(attrs.evolve(event, payload=freeze(new_payload)))
    return tuple(out)
