"""The contract every ``CaseStore`` backend passes: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs
import pytest

from kwflow.exceptions import (
    CaseNotFound,
    ConcurrencyConflict,
    InvalidEvents,
    StorageError,
    TamperedHistory,
)
from kwflow.history import GENESIS_HASH, verify_history
from kwflow.store import CaseStore, DeadlineEntry, MemoryStore, Snapshot
from tests.support.store import T0, chain, deadline, snapshot_of

if TYPE_CHECKING:
    from kwflow.history import Event
    from tests.support.store import Backend


def stored_state(store: CaseStore, case_id: str) -> tuple[object, ...]:
    """Everything a store holds about a case, to show an append left nothing."""
    return (
        store.version(case_id),
        store.events(case_id),
        store.load(case_id).snapshot if store.version(case_id) else None,
        [e for e in store.due(T0 + timedelta(days=365)) if e.case_id == case_id],
    )


# -- append, load, events, version, case_ids ------------------------------------


def test_is_a_case_store(backend: Backend) -> None:
    assert isinstance(backend.open(), CaseStore)


def test_append_then_load_returns_the_same_events(backend: Backend) -> None:
    store = backend.open()
    first = chain("c-1", 3)
    store.append("c-1", 0, first)
    more = chain("c-1", 2, start=4, prev_hash=first[-1].hash)
    store.append("c-1", 3, more)

    loaded = store.load("c-1")
    assert loaded.snapshot is None
    assert loaded.events == (*first, *more)
    assert loaded.version == 5
    assert store.version("c-1") == 5
    assert store.events("c-1") == (*first, *more)
    assert store.events("c-1", after=3) == tuple(more)
    assert store.events("c-1", after=5) == ()
    assert store.events("c-1", after=99) == ()


def test_a_store_reopened_sees_everything(backend: Backend) -> None:
    events = chain("c-1", 4)
    backend.open().append("c-1", 0, events, deadlines=[deadline("c-1", "d", 5)])
    reopened = backend.open()
    assert reopened.load("c-1").events == tuple(events)
    assert reopened.due(T0 + timedelta(hours=1)) == [deadline("c-1", "d", 5)]


def test_payload_round_trips_exactly(backend: Backend) -> None:
    """Unicode, floats, nesting and key order come back as hashed."""
    store = backend.open()
    from kwflow.history import new_event

    event = new_event(
        case_id="c-ü",
        sequence=1,
        type="case_opened",
        at=T0 + timedelta(microseconds=123_457),
        actor="sociální pracovnice",
        payload={"z": 1, "a": [0.1, 1e-7, 10**20, None, True], "ž": {"b": "\n\"'"}},
        prev_hash=GENESIS_HASH,
    )
    store.append("c-ü", 0, [event])
    (loaded,) = store.load("c-ü").events
    assert loaded == event
    assert loaded.at == event.at


def test_unknown_case(backend: Backend) -> None:
    store = backend.open()
    with pytest.raises(CaseNotFound) as info:
        store.load("nope")
    assert info.value.case_id == "nope"
    assert store.version("nope") == 0
    assert store.events("nope") == ()


def test_case_ids_lists_every_case_sorted(backend: Backend) -> None:
    store = backend.open()
    for name in ["b", "a", "c"]:
        store.append(name, 0, chain(name, 1))
    assert list(store.case_ids()) == ["a", "b", "c"]


def test_case_ids_pages_through_many_cases(sql_backend: Backend) -> None:
    """More cases than one page (1000) of case_ids()."""
    store = sql_backend.open()
    names = [f"case-{i:05d}" for i in range(1005)]
    for name in names:
        store.append(name, 0, chain(name, 1))
    assert list(store.case_ids()) == names


# -- optimistic concurrency -------------------------------------------------------


def test_stale_writer_gets_conflict_with_actual_version_and_writes_nothing(
    backend: Backend,
) -> None:
    store = backend.open()
    events = chain("c-1", 2)
    store.append("c-1", 0, events, deadlines=[deadline("c-1", "d", 1)])
    before = stored_state(store, "c-1")

    # Another writer read version 1 and decided on event 2 as well.
    rival = chain("c-1", 2, start=2, prev_hash=events[0].hash, actor="rival")
    with pytest.raises(ConcurrencyConflict) as info:
        store.append(
            "c-1",
            1,
            rival,
            deadlines=[deadline("c-1", "other", 9)],
            snapshot=snapshot_of(events[:1]),
        )
    assert (info.value.case_id, info.value.expected, info.value.actual) == ("c-1", 1, 2)
    assert stored_state(store, "c-1") == before


def test_creating_an_existing_case_conflicts(backend: Backend) -> None:
    store = backend.open()
    store.append("c-1", 0, chain("c-1", 1))
    with pytest.raises(ConcurrencyConflict) as info:
        store.append("c-1", 0, chain("c-1", 1, actor="second opener"))
    assert info.value.actual == 1
    assert store.events("c-1") == tuple(chain("c-1", 1))


def test_expected_version_ahead_of_the_case_conflicts(backend: Backend) -> None:
    store = backend.open()
    store.append("c-1", 0, chain("c-1", 1))
    events = chain("c-1", 1, start=5)
    with pytest.raises(ConcurrencyConflict) as info:
        store.append("c-1", 4, events)
    assert info.value.actual == 1


# -- refused input ------------------------------------------------------------------


def _bad_requests(events: list[Event]) -> dict[str, tuple[int, list[Event], dict[str, object]]]:
    """Appends that must be refused as InvalidEvents; each is (expected, events, options)."""
    good = chain("c-1", 3, start=3, prev_hash=events[-1].hash)
    other_case = chain("c-2", 3, start=3, prev_hash=events[-1].hash)
    return {
        "no events for a new case": (0, [], {}),
        "negative version": (-1, good, {}),
        "gap in sequences": (2, [good[0], good[2]], {}),
        "does not continue expected version": (2, good[1:], {}),
        "event of another case": (2, [good[0], other_case[1]], {}),
        "broken link to the stored head": (
            2,
            chain("c-1", 1, start=3, prev_hash="f" * 64),
            {},
        ),
        "event content not matching its hash": (
            2,
            [good[0], attrs.evolve(good[1], actor="forger"), good[2]],
            {},
        ),
        "deadline of another case": (2, good, {"deadlines": [deadline("c-2", "d", 1)]}),
        "deadline listed twice": (
            2,
            good,
            {"deadlines": [deadline("c-1", "d", 1), deadline("c-1", "d", 2)]},
        ),
        "naive due time": (
            2,
            good,
            {
                "deadlines": [
                    DeadlineEntry(case_id="c-1", deadline_id="d", due_at=T0.replace(tzinfo=None))
                ]
            },
        ),
        "snapshot of another case": (
            2,
            good,
            {"snapshot": attrs.evolve(snapshot_of(good), case_id="c-2")},
        ),
        "snapshot beyond the new version": (
            2,
            good,
            {"snapshot": attrs.evolve(snapshot_of(good), version=9)},
        ),
        "snapshot hash not the event's": (
            2,
            good,
            {"snapshot": attrs.evolve(snapshot_of(good), last_hash="0" * 64)},
        ),
        "snapshot state not JSON": (
            2,
            good,
            {"snapshot": attrs.evolve(snapshot_of(good), state={"when": object()})},
        ),
        "snapshot of an older event with a wrong hash": (
            2,
            good,
            {"snapshot": attrs.evolve(snapshot_of(events[:1]), last_hash=good[0].hash)},
        ),
    }


@pytest.mark.parametrize("name", list(_bad_requests(chain("c-1", 2))))
def test_invalid_appends_are_refused_and_write_nothing(backend: Backend, name: str) -> None:
    store = backend.open()
    events = chain("c-1", 2)
    store.append("c-1", 0, events, deadlines=[deadline("c-1", "keep", 1)])
    store.append("c-2", 0, chain("c-2", 2))
    before = stored_state(store, "c-1")

    expected, batch, options = _bad_requests(events)[name]
    case_id = "c-new" if name == "no events for a new case" else "c-1"
    with pytest.raises(InvalidEvents) as info:
        store.append(case_id, expected, batch, **options)  # type: ignore[arg-type]
    assert info.value.case_id == case_id
    assert stored_state(store, "c-1") == before
    assert store.version("c-new") == 0


def test_an_older_stored_snapshot_may_be_given(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 4)
    store.append("c-1", 0, events[:2])
    store.append("c-1", 2, events[2:], snapshot=snapshot_of(events[:1]))
    loaded = store.load("c-1")
    assert loaded.snapshot == snapshot_of(events[:1])
    assert loaded.events == tuple(events[1:])


def test_append_without_events_updates_index_and_snapshot_only(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 2)
    store.append("c-1", 0, events)
    store.append("c-1", 2, [], deadlines=[deadline("c-1", "d", 3)], snapshot=snapshot_of(events))
    assert store.version("c-1") == 2
    assert store.due(T0 + timedelta(hours=1)) == [deadline("c-1", "d", 3)]
    assert store.load("c-1").snapshot == snapshot_of(events)
    with pytest.raises(ConcurrencyConflict):
        store.append("c-1", 1, [], deadlines=[])
    assert store.due(T0 + timedelta(hours=1)) == [deadline("c-1", "d", 3)]


# -- snapshots -------------------------------------------------------------------------


def test_load_starts_from_the_newest_snapshot(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 10)
    store.append("c-1", 0, events[:4], snapshot=snapshot_of(events[:4]))
    store.append("c-1", 4, events[4:8], snapshot=snapshot_of(events[:8]))
    store.append("c-1", 8, events[8:])

    loaded = store.load("c-1")
    assert loaded.snapshot == snapshot_of(events[:8])
    assert loaded.events == tuple(events[8:])
    assert loaded.version == 10

    full = store.load("c-1", use_snapshot=False)
    assert full.snapshot is None
    assert full.events == tuple(events)


def test_an_older_snapshot_never_replaces_a_newer_one(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 6)
    store.append("c-1", 0, events, snapshot=snapshot_of(events))
    store.append("c-1", 6, [], snapshot=snapshot_of(events[:2]))
    assert store.load("c-1").snapshot == snapshot_of(events)


def test_deleting_snapshots_changes_nothing_but_speed(backend: Backend) -> None:
    store = backend.open()
    for case_id in ("c-1", "c-2"):
        events = chain(case_id, 5)
        store.append(case_id, 0, events, snapshot=snapshot_of(events[:3]))
    with_snapshots = {c: store.load(c) for c in ("c-1", "c-2")}

    store.delete_snapshots("c-1")
    assert store.load("c-1").snapshot is None
    assert store.load("c-2").snapshot is not None
    store.delete_snapshots()
    for case_id, before in with_snapshots.items():
        after = store.load(case_id)
        assert after.snapshot is None
        assert after.events == store.load(case_id, use_snapshot=False).events
        assert after.events[-len(before.events) :] == before.events
        assert after.version == before.version


def test_snapshot_state_is_not_shared_with_the_caller(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 2)
    state: dict[str, object] = {"items": [1, 2]}
    snap = Snapshot(case_id="c-1", version=2, last_hash=events[-1].hash, state=state)
    store.append("c-1", 0, events, snapshot=snap)
    state["items"] = "changed"
    loaded = store.load("c-1").snapshot
    assert loaded is not None
    assert loaded.state == {"items": [1, 2]}


# -- tamper detection ---------------------------------------------------------------


def _tamper(backend: Backend, case_id: str, how: str, events: list[Event]) -> None:
    """Change the stored events of ``case_id`` behind the store's back."""
    if backend.kind == "memory":
        assert backend.memory is not None
        changed = list(events)
        if how == "modify":
            changed[1] = attrs.evolve(changed[1], payload={"n": 2, "tag": "forged"})
        elif how == "delete":
            del changed[1]
        elif how == "delete-last":
            del changed[-1]
        elif how == "insert":
            changed.extend(chain(case_id, 1, start=len(events) + 1, prev_hash=events[-1].hash))
        elif how == "relink":
            # A forger rewriting event 2 and recomputing its hash: event 3
            # then no longer links to it.
            changed[1:2] = chain(case_id, 1, start=2, prev_hash=events[0].hash, actor="forger")
        backend.memory._replace_events(case_id, changed)
        return
    if how == "modify":
        backend.sql(
            "UPDATE events SET payload = ? WHERE case_id = ? AND sequence = 2",
            ('{"n":2,"tag":"forged"}', case_id),
        )
    elif how == "delete":
        backend.sql("DELETE FROM events WHERE case_id = ? AND sequence = 2", (case_id,))
    elif how == "delete-last":
        backend.sql("DELETE FROM events WHERE case_id = ? AND sequence = ?", (case_id, len(events)))
    elif how == "insert":
        (extra,) = chain(case_id, 1, start=len(events) + 1, prev_hash=events[-1].hash)
        backend.sql(
            "INSERT INTO events (case_id, sequence, type, at, actor, payload, prev_hash, "
            "hash, schema_version) SELECT case_id, ?, type, at, actor, payload, ?, ?, "
            "schema_version FROM events WHERE case_id = ? AND sequence = 1",
            (extra.sequence, extra.prev_hash, extra.hash, case_id),
        )
    elif how == "relink":
        (forged,) = chain(case_id, 1, start=2, prev_hash=events[0].hash, actor="forger")
        backend.sql(
            "UPDATE events SET actor = ?, hash = ? WHERE case_id = ? AND sequence = 2",
            (forged.actor, forged.hash, case_id),
        )


TAMPERING = {
    # how: the first bad event the store must name
    "modify": 2,
    "delete": 2,
    "delete-last": 4,
    "insert": 5,
    "relink": 3,
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampered_history_names_the_first_bad_event(backend: Backend, how: str) -> None:
    store = backend.open()
    events = chain("c-1", 4)
    store.append("c-1", 0, events)
    store.append("c-2", 0, chain("c-2", 4))

    _tamper(backend, "c-1", how, events)

    with pytest.raises(TamperedHistory) as info:
        store.load("c-1")
    assert info.value.case_id == "c-1"
    assert info.value.sequence == TAMPERING[how]
    assert "c-1" in str(info.value)
    with pytest.raises(TamperedHistory):
        store.events("c-1")
    # Other cases stay readable.
    assert store.load("c-2").events == tuple(chain("c-2", 4))


def test_tampering_before_a_snapshot_is_found_by_a_full_load(backend: Backend) -> None:
    """A load from a snapshot checks the chain after it; a full load checks it all."""
    store = backend.open()
    events = chain("c-1", 4)
    store.append("c-1", 0, events, snapshot=snapshot_of(events[:3]))
    _tamper(backend, "c-1", "modify", events)

    assert store.load("c-1").version == 4
    with pytest.raises(TamperedHistory) as info:
        store.load("c-1", use_snapshot=False)
    assert info.value.sequence == 2


def test_tampering_with_the_snapshot_event_falls_back_to_full_verification(
    backend: Backend,
) -> None:
    store = backend.open()
    events = chain("c-1", 4)
    store.append("c-1", 0, events, snapshot=snapshot_of(events[:2]))
    _tamper(backend, "c-1", "modify", events)
    with pytest.raises(TamperedHistory) as info:
        store.load("c-1")
    assert info.value.sequence == 2


def test_verify_off_returns_the_rows_as_stored(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 4)
    store.append("c-1", 0, events)
    _tamper(backend, "c-1", "modify", events)
    unverified = backend.open(verify=False)
    loaded = unverified.load("c-1")
    assert len(loaded.events) == 4
    with pytest.raises(TamperedHistory):
        verify_history(loaded.events, case_id="c-1")


# -- the deadline index and claims ---------------------------------------------------


def test_due_lists_open_deadlines_earliest_first(backend: Backend) -> None:
    store = backend.open()
    store.append("c-1", 0, chain("c-1", 1), deadlines=[deadline("c-1", "late", 30)])
    store.append(
        "c-2",
        0,
        chain("c-2", 1),
        deadlines=[deadline("c-2", "soon", 10), deadline("c-2", "tie", 30)],
    )
    store.append("c-3", 0, chain("c-3", 1), deadlines=[deadline("c-3", "never", 9000)])

    everything_due = store.due(T0 + timedelta(hours=1))
    assert everything_due == [
        deadline("c-2", "soon", 10),
        deadline("c-1", "late", 30),
        deadline("c-2", "tie", 30),
    ]
    assert store.due(T0 + timedelta(hours=1), limit=2) == everything_due[:2]
    assert store.due(T0 + timedelta(minutes=30)) == everything_due  # at or before
    assert store.due(T0 + timedelta(minutes=29)) == everything_due[:1]
    assert store.due(T0) == []
    assert store.due(T0 + timedelta(hours=1), limit=0) == []
    # Any timezone in, UTC out.
    from zoneinfo import ZoneInfo

    prague = (T0 + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Prague"))
    assert store.due(prague) == everything_due
    assert all(e.due_at.utcoffset() == timedelta(0) for e in everything_due)


def test_an_append_replaces_the_case_deadlines(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 3)
    store.append("c-1", 0, events[:1], deadlines=[deadline("c-1", "a", 1)])
    store.append("c-1", 1, events[1:2])  # None: index unchanged
    assert [e.deadline_id for e in store.due(T0 + timedelta(days=1))] == ["a"]
    store.append("c-1", 2, events[2:], deadlines=[deadline("c-1", "b", 2)])
    assert [e.deadline_id for e in store.due(T0 + timedelta(days=1))] == ["b"]
    store.append("c-1", 3, [], deadlines=[])
    assert store.due(T0 + timedelta(days=1)) == []


def test_each_due_entry_is_claimed_by_one_worker_until_its_lease_ends(backend: Backend) -> None:
    store = backend.open()
    for i in range(5):
        case_id = f"c-{i}"
        store.append(case_id, 0, chain(case_id, 1), deadlines=[deadline(case_id, "d", i)])
    before = T0 + timedelta(hours=1)
    lease = timedelta(minutes=10)

    first = store.claim_due(before, worker="w1", lease=lease, now=T0, limit=3)
    second = store.claim_due(before, worker="w2", lease=lease, now=T0)
    assert [e.case_id for e in first] == ["c-0", "c-1", "c-2"]
    assert [e.case_id for e in second] == ["c-3", "c-4"]
    assert store.claim_due(before, worker="w3", lease=lease, now=T0 + timedelta(minutes=9)) == []
    # due() is the index as it stands, claims or not.
    assert len(store.due(before)) == 5
    # A lease that ran out frees the entry for the next worker.
    again = store.claim_due(before, worker="w3", lease=lease, now=T0 + timedelta(minutes=10))
    assert [e.case_id for e in again] == ["c-0", "c-1", "c-2", "c-3", "c-4"]
    assert store.claim_due(before, worker="w1", lease=lease, now=T0, limit=0) == []


def test_a_claim_survives_appends_that_keep_the_deadline(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 3)
    store.append("c-1", 0, events[:1], deadlines=[deadline("c-1", "d", 1)])
    before, lease = T0 + timedelta(hours=1), timedelta(minutes=10)
    assert len(store.claim_due(before, worker="w1", lease=lease, now=T0)) == 1

    # Another command on the case, keeping the deadline as it was.
    store.append("c-1", 1, events[1:2], deadlines=[deadline("c-1", "d", 1)])
    assert store.claim_due(before, worker="w2", lease=lease, now=T0) == []

    # The deadline moved: a new fact, claimable at once.
    store.append("c-1", 2, events[2:], deadlines=[deadline("c-1", "d", 2)])
    assert store.claim_due(before, worker="w2", lease=lease, now=T0) == [deadline("c-1", "d", 2)]


# -- lifecycle ---------------------------------------------------------------------------


def test_a_closed_store_refuses_work(backend: Backend) -> None:
    store = backend.open()
    events = chain("c-1", 2)
    store.append("c-1", 0, events[:1])
    store.close()
    with pytest.raises(StorageError):
        store.load("c-1")
    with pytest.raises(StorageError):
        store.append("c-1", 1, events[1:])


def test_memory_store_is_a_context_manager() -> None:
    with MemoryStore() as store:
        store.append("c-1", 0, chain("c-1", 1))
    with pytest.raises(StorageError):
        store.version("c-1")
