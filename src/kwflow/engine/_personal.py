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
    EventType,
    FrozenMap,
    freeze,
    is_sealed,
    new_data_key,
    open_value,
    seal_value,
    subjects_of,
    unwrap_key,
    wrap_key,
)

from ._records import ArtifactVersion

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kwflow.definition import Process
    from kwflow.history import Event, KeyRing
    from kwflow.store import CaseStore

    from ._decide import Draft
    from ._records import Case

__all__ = ["DataKeys", "PersonalField", "personal_fields", "reveal_case", "reveal_events", "seal"]

_SUBMITTED = EventType.ARTIFACT_SUBMITTED.value
_ACTED = EventType.ACTION_TAKEN.value
_ERASED_EVENT = EventType.SUBJECT_ERASED.value


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

    Unwrapped keys are cached per case in memory (the engine's process only);
    `forget` drops a case's keys, as erasing does.
    """

    def __init__(self, store: CaseStore, ring: KeyRing | None) -> None:
        self._store = store
        self._ring = ring
        self._cache: dict[str, dict[str, bytes]] = {}
        self._lock = threading.Lock()

    def _loaded(self, case_id: str) -> dict[str, bytes]:
        keys = self._cache.get(case_id)
        if keys is not None:
            return keys
        stored = self._store.subject_keys(case_id)
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

    def destroy(self, case_id: str, subjects: Sequence[str] | None) -> None:
        """Destroy the keys of ``subjects`` (every key of the case: ``None``) for good."""
        self.forget(case_id)
        self._store.destroy_subject_keys(case_id, subjects)

    def forget(self, case_id: str) -> None:
        """Drop the case's keys from memory (they are read again when needed)."""
        with self._lock:
            self._cache.pop(case_id, None)


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
) -> tuple[dict[str, Any], list[str]] | None:
    sealed: dict[str, Any] | None = None
    everyone: list[str] = []
    for field in fields:
        value = data.get(field.field)
        if value is None:
            continue
        subjects = _subjects(field, case, data)
        if sealed is None:
            sealed = dict(data)
        everyone.extend(subjects)
        if any(subject in case.erased for subject in subjects):
            sealed[field.field] = ERASED
            continue
        sealed[field.field] = seal_value(
            value,
            subjects=subjects,
            keys=[keys.make(case.id, subject) for subject in subjects],
            context=(case.id, artifact, field.field),
        )
    if sealed is None:
        return None
    return sealed, list(dict.fromkeys(everyone))


def seal(
    drafts: Iterable[Draft],
    case: Case,
    spec: Mapping[str, tuple[PersonalField, ...]],
    keys: DataKeys,
) -> list[Draft]:
    """``drafts`` with every personal value sealed, each naming its subjects."""
    out: list[Draft] = []
    for type_, actor, payload in drafts:
        sealed = payload
        if type_ == _SUBMITTED:
            fields = spec.get(payload["artifact"])
            done = fields and _seal_data(case, payload["artifact"], fields, payload["data"], keys)
            if done:
                sealed = {**payload, "data": done[0], "subjects": done[1]}
        elif type_ == _ACTED and payload.get("records") is not None:
            records = payload["records"]
            fields = spec.get(records["artifact"])
            done = fields and _seal_data(case, records["artifact"], fields, records["data"], keys)
            if done:
                sealed = {**payload, "records": {**records, "data": done[0]}, "subjects": done[1]}
        out.append((type_, actor, sealed))
    return out


def _open(
    envelope: Mapping[str, Any],
    where: tuple[str, str, str],
    erased: Iterable[str],
    keys: DataKeys,
) -> Any:
    """The value of ``envelope`` found at ``where`` (case, artifact, field), or `ERASED`."""
    case_id = where[0]
    subjects = subjects_of(envelope)
    gone = set(erased)
    if any(subject in gone for subject in subjects):
        return ERASED
    found = [keys.find(case_id, subject) for subject in subjects]
    if any(key is None for key in found):
        # The key was destroyed, but the erasure was not recorded (the host
        # stopped between the two): the value is gone all the same.
        return ERASED
    return freeze(open_value(envelope, keys=found, context=where))  # type: ignore[arg-type]


def reveal_case(
    case: Case,
    spec: Mapping[str, tuple[PersonalField, ...]],
    keys: DataKeys,
    *,
    since: int = 0,
) -> Case:
    """``case`` with the personal values of versions after event ``since`` read back."""
    if not spec:
        return case
    artifacts: dict[str, tuple[ArtifactVersion, ...]] | None = None
    for artifact_id, fields in spec.items():
        versions = case.artifacts.get(artifact_id)
        if not versions or versions[-1].sequence <= since:
            continue
        revealed = list(versions)
        for index, version in enumerate(versions):
            if version.sequence <= since:
                continue
            data = version.data
            opened: dict[str, Any] | None = None
            for field in fields:
                value: Any = data.get(field.field)
                if is_sealed(value):
                    if opened is None:
                        opened = dict(data)
                    opened[field.field] = _open(
                        value, (case.id, artifact_id, field.field), case.erased, keys
                    )
            if opened is not None:
                revealed[index] = ArtifactVersion(
                    version.number, freeze(opened), version.by, version.at, version.sequence
                )
        if artifacts is None:
            artifacts = dict(case.artifacts)
        artifacts[artifact_id] = tuple(revealed)
    if artifacts is None:
        return case
    return attrs.evolve(case, artifacts=FrozenMap(artifacts))


def reveal_events(events: Sequence[Event], keys: DataKeys) -> tuple[Event, ...]:
    """``events`` with their personal values read back (or `ERASED`); hashes unchanged.

    The hashes are those of the stored (sealed) events: verify those
    (``store.events``), not these.
    """
    erased = [str(e.payload["subject"]) for e in events if e.type == _ERASED_EVENT]
    out = []
    for event in events:
        payload = event.payload
        if not payload.get("subjects") or event.type not in (_SUBMITTED, _ACTED):
            out.append(event)
            continue
        holder = payload if event.type == _SUBMITTED else payload["records"]
        artifact = holder["artifact"]
        data = {
            name: (
                _open(value, (event.case_id, artifact, name), erased, keys)
                if is_sealed(value)
                else value
            )
            for name, value in holder["data"].items()
        }
        if event.type == _SUBMITTED:
            new_payload = {**payload, "data": data}
        else:
            new_payload = {**payload, "records": {**holder, "data": data}}
        out.append(attrs.evolve(event, payload=freeze(new_payload)))
    return tuple(out)
