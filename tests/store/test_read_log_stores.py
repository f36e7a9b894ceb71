"""The read log and private family time in every backend: rows, queries, raw stored bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from kwflow import SimulatedClock
from kwflow.store import ReadEntry, ReadLogQuery
from tests.support.runtime import (
    GUEST,
    LEAD,
    MEMBER,
    START,
    make_engine,
    rules_in_private,
    rules_in_review,
)

if TYPE_CHECKING:
    from tests.support.store import Backend

AT = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
READY = {"ready": lambda context: True}


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


def _entry(case_id: str, person: str, artifact: str, minutes: int) -> ReadEntry:
    return ReadEntry(
        case_id=case_id,
        person=person,
        artifact=artifact,
        versions=(1, 2),
        fields=("items",) if artifact == "plan" else (),
        at=AT + timedelta(minutes=minutes),
        call="view",
        access="participant",
    )


def test_every_store_numbers_the_read_log_and_pages_it_by_case_and_person(
    backend: Backend,
) -> None:
    store = backend.open()
    store.log_reads([_entry("c1", "eva", "plan", 0), _entry("c1", "jan", "minutes", 1)])
    store.log_reads([_entry("c2", "eva", "minutes", 2)])
    store.log_reads([])
    every = store.read_log(ReadLogQuery())
    assert [(e.number, e.case_id, e.person, e.artifact) for e in every] == [
        (1, "c1", "eva", "plan"),
        (2, "c1", "jan", "minutes"),
        (3, "c2", "eva", "minutes"),
    ]
    first = every[0]
    assert first.versions == (1, 2)
    assert first.fields == ("items",)
    assert every[1].fields == ()
    assert first.at == AT
    assert (first.call, first.access) == ("view", "participant")
    assert store.read_log(ReadLogQuery(case_id="c1")) == every[:2]
    assert store.read_log(ReadLogQuery(person="eva")) == [every[0], every[2]]
    assert store.read_log(ReadLogQuery(case_id="c1", person="jan")) == [every[1]]
    assert store.read_log(ReadLogQuery(person="eva", after=1)) == [every[2]]
    assert store.read_log(ReadLogQuery(limit=2)) == every[:2]
    assert store.read_log(ReadLogQuery(case_id="nope")) == []
    # Another store over the same data reads the same log.
    assert backend.open(verify=False).read_log(ReadLogQuery()) == every


def test_views_and_redacted_histories_are_logged_in_every_store(
    backend: Backend, clock: SimulatedClock
) -> None:
    engine = make_engine("rules", store=backend.open(), clock=clock, guards=READY)
    rules_in_review(engine)
    engine.view("r1", MEMBER)
    engine.history_for("r1", LEAD)
    engine.view("r1", GUEST)  # reads nothing: nothing logged
    logged = [(e.person, e.artifact, e.versions, e.call) for e in engine.read_log()]
    assert logged == [
        (MEMBER, "plan", (1,), "view"),
        (LEAD, "intake", (1,), "history_for"),
        (LEAD, "plan", (1,), "history_for"),
    ]
    assert all(e.at == clock.now() for e in engine.read_log())
    again = make_engine("rules", store=backend.open(), clock=clock, guards=READY)
    assert again.read_log(person=LEAD, case_id="r1") == engine.read_log(person=LEAD)
    off = make_engine("rules", store=backend.open(), clock=clock, guards=READY, read_log=False)
    off.view("r1", LEAD)
    assert len(engine.read_log()) == 3


def test_the_read_log_is_one_table_of_plain_rows(sql_backend: Backend) -> None:
    store = sql_backend.open()
    store.log_reads([_entry("c1", "eva", "plan", 0)])
    rows = sql_backend.sql(
        "SELECT case_id, person, artifact, versions, fields, call, access FROM read_log"
    )
    assert rows == [("c1", "eva", "plan", "1,2", "items", "view", "participant")]


def test_private_family_time_stores_no_family_member_in_any_row(
    sql_backend: Backend, clock: SimulatedClock
) -> None:
    engine = make_engine("rules", store=sql_backend.open(), clock=clock, guards=READY)
    rules_in_private(engine)
    engine.call_in("r1", "helper", by=MEMBER)
    engine.dismiss("r1", "helper", by=MEMBER)
    rows = sql_backend.sql(
        "SELECT * FROM events WHERE type IN ('called_in', 'dismissed') ORDER BY sequence"
    )
    assert len(rows) == 2
    text = json.dumps(rows, default=str)
    assert MEMBER not in text
    assert "role:member" in text
    engine.verify("r1")
    fresh = make_engine("rules", store=sql_backend.open(), clock=clock, guards=READY)
    assert fresh.replay_unfiltered("r1") == engine.get_unfiltered("r1")
