"""The attack of issue 11, as helpers: a 26-event family conference and ways to tamper with it.

Every tampering writes the database directly (SQL), as a database
administrator, a restored backup or an injection elsewhere would: never
through kwflow.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.history import GENESIS_HASH, Event, canonical_json, new_event, new_signing_key
from kwflow.store._codec import event_to_row
from tests.support.store_engine import OPENER, engine_on, submit_marked

if TYPE_CHECKING:
    from collections.abc import Callable

    import kwflow
    from kwflow.store import CaseStore
    from tests.support.store import Backend

CASE = "fc-1"
OTHER = "fc-2"
LENGTH = 26


def conference(store: CaseStore, *, snapshot_every: int = 50) -> kwflow.Engine:
    """An engine whose store holds ``fc-1`` (26 events) and ``fc-2`` (5 events)."""
    engine = engine_on(store, snapshot_every=snapshot_every)
    for case_id, length in ((CASE, LENGTH), (OTHER, 5)):
        version = engine.open_case("family_conference", by=OPENER, case_id=case_id).version
        while version < length:
            submit_marked(engine, case_id, f"{case_id}-{version}")
            version = engine.get_unfiltered(case_id).version
        assert version == length
    return engine


def rechain(events: list[Event], start_hash: str = GENESIS_HASH) -> list[Event]:
    """``events`` renumbered from 1 with every hash recomputed (what a forger does)."""
    out: list[Event] = []
    prev = start_hash
    for number, event in enumerate(events, start=1):
        made = new_event(
            case_id=event.case_id,
            sequence=number,
            type=event.type,
            at=event.at,
            actor=event.actor,
            payload=event.payload,
            prev_hash=prev,
        )
        out.append(made)
        prev = made.hash
    return out


def write_history(backend: Backend, case_id: str, events: list[Event]) -> None:
    """Replace the case's events and point its head at the last one (its MAC left alone)."""
    backend.sql("DELETE FROM events WHERE case_id = ?", (case_id,))
    for event in events:
        backend.sql(
            "INSERT INTO events (case_id, sequence, type, at, actor, payload, prev_hash, hash, "
            "schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            event_to_row(event),
        )
    backend.sql(
        "UPDATE cases SET version = ?, last_hash = ? WHERE case_id = ?",
        (events[-1].sequence, events[-1].hash, case_id),
    )


def payload_edit(events: list[Event], sequence: int) -> list[Event]:
    """The history with event ``sequence``'s payload changed (nothing recomputed)."""
    changed = list(events)
    event = changed[sequence - 1]
    payload = json.loads(canonical_json(dict(event.payload)))
    payload["forged"] = True
    changed[sequence - 1] = attrs.evolve(event, payload=payload)
    return changed


# -- consistent rewrites: every hash recomputed, the head updated ---------------------

REWRITES: dict[str, tuple[Callable[[list[Event]], list[Event]], int]] = {
    # name: (the rewrite, the version a checkpoint taken before it names)
    "truncate the last event, head rolled back": (lambda ev: ev[:-1], LENGTH),
    "truncate the last five events, head rolled back": (lambda ev: ev[:-5], LENGTH - 4),
    "forge the last event": (
        lambda ev: rechain([*ev[:-1], attrs.evolve(ev[-1], actor="mallory")]),
        LENGTH,
    ),
    "forge event 12 and recompute the rest": (lambda ev: rechain(payload_edit(ev, 12)), LENGTH),
    "rewrite from event 5": (
        lambda ev: rechain(ev[:4] + [attrs.evolve(e, actor="mallory") for e in ev[4:]]),
        LENGTH,
    ),
    "delete event 12 and renumber": (lambda ev: rechain(ev[:11] + ev[12:]), LENGTH),
    "move the opening a day back": (
        lambda ev: rechain([attrs.evolve(ev[0], at=ev[0].at - timedelta(days=1)), *ev[1:]]),
        LENGTH,
    ),
    "swap two events and recompute": (
        lambda ev: rechain([*ev[:11], ev[12], ev[11], *ev[13:]]),
        LENGTH,
    ),
}


def signing_pair() -> tuple[Any, Any]:
    """A new Ed25519 (private, public) key pair."""
    key = new_signing_key()
    return key, key.public_key()
