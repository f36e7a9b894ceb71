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
    from pathlib import Path

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


# -- a warm view: one statement checks the cached version and logs ---------------------


def test_a_warm_view_of_a_case_moved_on_elsewhere_shows_and_logs_the_new_version(
    backend: Backend, clock: SimulatedClock
) -> None:
    engine = make_engine("rules", store=backend.open(), clock=clock, guards=READY)
    rules_in_review(engine)
    assert engine.view("r1", MEMBER).artifacts["plan"][-1].number == 1  # cached now
    unlogged = make_engine("rules", store=backend.open(), clock=clock, read_log=False)
    unlogged.view("r1", MEMBER)  # cached too
    other = make_engine("rules", store=backend.open(), clock=clock, guards=READY)
    other.act("r1", "rework", by=LEAD)
    other.submit("r1", "plan", {"items": [{"task": "visit", "owner": MEMBER}]}, by=MEMBER)
    other.act("r1", "back", by=MEMBER)
    other.assign("r1", "gia", "guest", by=LEAD)
    # Someone the cached case does not know yet is no stranger to the store's.
    assert engine.view("r1", "gia").person_roles == ("guest",)
    engine.view("r1", MEMBER)  # the reloaded case, cached
    other.act("r1", "rework", by=LEAD)
    seen = engine.view("r1", MEMBER)
    assert seen.version == other.get_unfiltered("r1").version
    assert [v.number for v in seen.artifacts["plan"]] == [1, 2]
    logged = [(e.person, e.artifact, e.versions) for e in engine.read_log()]
    assert logged == [(MEMBER, "plan", (1,)), (MEMBER, "plan", (1, 2)), (MEMBER, "plan", (1, 2))]
    # The log off, the cached version is checked all the same.
    assert [v.number for v in unlogged.view("r1", MEMBER).artifacts["plan"]] == [1, 2]
    assert len(engine.read_log()) == 3


def test_log_reads_at_writes_only_at_the_given_version(backend: Backend) -> None:
    store = backend.open()
    engine = make_engine("rules", store=store, guards=READY)
    version = rules_in_review(engine).version
    entry = _entry("r1", "eva", "plan", 0)
    assert not store.log_reads_at("r1", version - 1, [entry])
    assert not store.log_reads_at("nope", 1, [entry])
    assert store.read_log(ReadLogQuery()) == []
    assert store.log_reads_at("r1", version, [entry, _entry("r1", "jan", "plan", 1)])
    assert [e.person for e in store.read_log(ReadLogQuery())] == ["eva", "jan"]
    # With nothing to write, only the version is checked.
    assert store.log_reads_at("r1", version, [])
    assert not store.log_reads_at("r1", version + 1, [])
    assert len(store.read_log(ReadLogQuery())) == 2


def test_an_unknown_read_log_mode_is_refused() -> None:
    from kwflow.exceptions import InvalidValue

    with pytest.raises(InvalidValue) as refused:
        make_engine("rules", read_log="sometimes")
    assert refused.value.what == "read_log"
    assert "durable" in str(refused.value)


# -- durability: written before the call returns; flushed only when asked ----------------


def test_read_log_rows_skip_the_flush_unless_durable_and_events_never_do(
    sql_backend: Backend, clock: SimulatedClock
) -> None:
    from tests.support.read_log import seen_settings, watch_durability

    store = sql_backend.open()
    rules_in_review(make_engine("rules", store=store, clock=clock, guards=READY))
    watch_durability(sql_backend)
    relaxed, flushed = ("NORMAL", "FULL") if sql_backend.kind == "sqlite" else ("off", "on")
    for mode, expected in (("on", relaxed), ("durable", flushed), (True, relaxed)):
        engine = make_engine("rules", store=store, clock=clock, guards=READY, read_log=mode)
        engine.view("r1", MEMBER)  # cold: the case is loaded, then the rows written
        engine.view("r1", MEMBER)  # warm: one statement checks the version and logs
        engine.history_for("r1", LEAD)
        assert seen_settings(sql_backend) == [("read_log", expected)] * 4, mode
        # The store's own setting is back for everything else: a command's events.
        engine.act("r1", "stay_here", by=LEAD)
        assert {setting for _, setting in seen_settings(sql_backend)} == {flushed}


def test_a_read_log_row_is_there_after_the_viewer_is_killed_right_after_view(
    sql_backend: Backend, clock: SimulatedClock, tmp_path: Path
) -> None:
    import multiprocessing
    import os
    import signal
    import time

    from tests.support.read_log import view_and_hang

    store = sql_backend.open()
    rules_in_review(make_engine("rules", store=store, clock=clock, guards=READY))
    for mode in ("on", "durable"):
        done = tmp_path / f"viewed-{mode}"
        process = multiprocessing.get_context("spawn").Process(
            target=view_and_hang, args=(sql_backend.spec, mode, done)
        )
        process.start()
        give_up = time.monotonic() + 60
        while not done.exists():
            assert time.monotonic() < give_up, "the viewer never viewed"
            assert process.is_alive(), "the viewer died on its own"
            time.sleep(0.01)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
        assert process.exitcode == -signal.SIGKILL
    # Read by a store opened afterwards: both views of both killed viewers.
    logged = sql_backend.open().read_log(ReadLogQuery(case_id="r1"))
    assert [(e.person, e.artifact, e.call) for e in logged] == [(MEMBER, "plan", "view")] * 4
