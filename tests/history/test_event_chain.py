"""Events and their hash chain: round trips, and every kind of tampering is named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.exceptions import NaiveDatetime, TamperedHistory
from kwflow.history import (
    EVENT_SCHEMA_VERSION,
    GENESIS_HASH,
    Event,
    EventType,
    canonical_json,
    compute_hash,
    event_from_dict,
    new_event,
    verify_history,
)

START = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
payloads = st.dictionaries(st.text(max_size=8), json_values, max_size=4)


def chain(payloads: list[dict[str, object]], case_id: str = "c1") -> list[Event]:
    events: list[Event] = []
    prev = GENESIS_HASH
    for number, payload in enumerate(payloads, start=1):
        event = new_event(
            case_id=case_id,
            sequence=number,
            type=EventType.ACTION_TAKEN,
            at=START + timedelta(minutes=number),
            actor="worker-1",
            payload=payload,
            prev_hash=prev,
        )
        events.append(event)
        prev = event.hash
    return events


def test_the_canonical_form_is_compact_sorted_and_keeps_czech_letters() -> None:
    assert canonical_json({"b": 1, "a": "Nováková"}) == '{"a":"Nováková","b":1}'


def test_times_are_stored_in_utc_and_naive_times_are_refused() -> None:
    prague = timezone(timedelta(hours=1))
    event = chain([{}])[0]
    moved = new_event(
        case_id="c1",
        sequence=1,
        type="case_opened",
        at=START.astimezone(prague),
        actor="a",
        payload={},
        prev_hash=GENESIS_HASH,
    )
    assert moved.at == START
    assert moved.at.tzinfo is UTC
    assert event.to_dict()["at"] == "2026-10-27T09:01:00+00:00"
    with pytest.raises(NaiveDatetime, match="2026-10-27T09:00:00 has no timezone"):
        new_event(
            case_id="c1",
            sequence=1,
            type="case_opened",
            at=datetime(2026, 10, 27, 9, 0),  # noqa: DTZ001 - the point of the test
            actor="a",
            payload={},
            prev_hash=GENESIS_HASH,
        )


@given(st.lists(payloads, min_size=1, max_size=6))
def test_json_round_trip_gives_equal_events_that_verify(bodies: list[dict[str, object]]) -> None:
    events = chain(bodies)
    again = [event_from_dict(json.loads(json.dumps(e.to_dict()))) for e in events]
    assert again == events
    verify_history(again)


@given(st.lists(payloads, min_size=2, max_size=6), st.data())
def test_changing_any_event_is_named(bodies: list[dict[str, object]], data: st.DataObject) -> None:
    events = chain(bodies)
    index = data.draw(st.integers(0, len(events) - 1))
    forged = attrs.evolve(events[index], actor="someone-else")
    tampered = [*events[:index], forged, *events[index + 1 :]]
    with pytest.raises(TamperedHistory) as caught:
        verify_history(tampered)
    assert caught.value.sequence == index + 1
    assert caught.value.case_id == "c1"


def test_a_removed_event_is_named() -> None:
    events = chain([{"n": n} for n in range(4)])
    with pytest.raises(TamperedHistory, match="removed or inserted") as caught:
        verify_history([events[0], events[2], events[3]])
    assert caught.value.sequence == 2


def test_an_event_rehashed_after_editing_still_breaks_the_link_after_it() -> None:
    events = chain([{"n": n} for n in range(3)])
    forged = attrs.evolve(events[1], payload={"n": 99})
    forged = attrs.evolve(forged, hash=compute_hash(forged))
    with pytest.raises(TamperedHistory, match="does not link") as caught:
        verify_history([events[0], forged, events[2]])
    assert caught.value.sequence == 3


def test_an_event_of_another_case_is_named() -> None:
    events = chain([{}, {}])
    other = chain([{}, {}], case_id="c2")
    with pytest.raises(TamperedHistory, match="belongs to case 'c2'"):
        verify_history([events[0], other[1]], case_id="c1")


def test_verifying_from_a_snapshot_starts_at_its_hash() -> None:
    events = chain([{"n": n} for n in range(5)])
    verify_history(events[3:], start_sequence=4, prev_hash=events[2].hash)
    with pytest.raises(TamperedHistory):
        verify_history(events[3:], start_sequence=4, prev_hash=events[1].hash)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("actor"), "missing key 'actor'"),
        (lambda d: d.update(sequence="1"), "sequence is not an integer"),
        (lambda d: d.update(payload=[1]), "payload is not an object"),
        (lambda d: d.update(at="yesterday"), "malformed event"),
        (lambda d: d.update(schema_version=EVENT_SCHEMA_VERSION + 1), "upgrade kwflow"),
    ],
)
def test_malformed_event_data_is_refused_clearly(change: object, message: str) -> None:
    data = chain([{}])[0].to_dict()
    change(data)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        event_from_dict(data)


@given(payloads)
def test_to_dict_is_plain_json_data_a_host_can_serialize_anywhere(
    payload: dict[str, object],
) -> None:
    (event,) = chain([payload])
    data = event.to_dict()

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return type(value) is dict and all(plain(v) for v in value.values())
        if isinstance(value, list):
            return type(value) is list and all(plain(v) for v in value)
        return value is None or isinstance(value, bool | int | str)

    assert plain(data)
    assert data["payload"] == payload
    # Changing the host's copy leaves the event, and its hash, as they were.
    data["payload"]["added"] = 1
    assert "added" not in event.payload
    assert event_from_dict(event.to_dict()) == event


@given(payloads, payloads)
def test_events_are_equal_exactly_when_their_json_is(
    first: dict[str, object], second: dict[str, object]
) -> None:
    (one,) = chain([first])
    (other,) = chain([second])
    assert (one == other) == (canonical_json(first) == canonical_json(second))
    # Containers of another kind holding the same JSON make an equal event.
    as_tuples = attrs.evolve(one, payload={k: _tuples(v) for k, v in first.items()})
    assert as_tuples == one


def _tuples(value: object) -> object:
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value
