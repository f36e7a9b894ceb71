"""The read side on every store: the case index, ``find_cases``, ``inbox``, reindex and verify.

The index is written with every append, so after any command it equals
what a replay gives (``Engine.verify`` compares them); lists read only the
index, pages follow a stable order, and the inbox lists what a person may
do now and the deadlines they answer for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs
import pytest

from kwflow import (
    CaseSummaryJSON,
    DeadlineStatus,
    Engine,
    InboxItemJSON,
    SimulatedClock,
)
from kwflow.exceptions import (
    IndexOutOfDate,
    InvalidId,
    InvalidQuery,
    KwflowError,
    ProcessNotFound,
    UnknownName,
    WrongType,
)
from kwflow.store import CaseQuery, MemoryStore
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    START,
    Unchanged,
    open_rules,
    registry,
    rules_in_private,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow.store import CaseStore
    from tests.support.store import Backend

BOSS, CLERK = "bea", "cyril"

INDEX_VERSION = 6
"""The schema version that added the case index."""


def engine_on(store: CaseStore, clock: SimulatedClock | None = None) -> Engine:
    """An engine over the rules and clock fixtures."""
    return Engine(
        registry("rules", "clock"),
        store=store,
        clock=clock if clock is not None else SimulatedClock(START),
        guards={"ready": lambda context: True},
    )


def clock_case(engine: Engine, case_id: str, received: str) -> None:
    """A clock case with its clerk and a request: deadlines ``reply`` and ``month`` run."""
    engine.open_case("clock", by=BOSS, case_id=case_id)
    engine.assign(case_id, CLERK, "clerk", by=BOSS)
    engine.submit(case_id, "request", {"received": received}, by=BOSS)


def test_find_cases_filters_on_the_index(backend: Backend) -> None:
    clock = SimulatedClock(START)
    engine = engine_on(backend.open(), clock)
    open_rules(engine, "r1")
    clock.advance(minutes=1)
    rules_in_private(engine, "r2")
    clock.advance(minutes=1)
    clock_case(engine, "k1", "2026-10-05")
    clock.advance(minutes=1)
    engine.act("k1", "abandon", by=BOSS)

    def ids(**filters: object) -> list[str]:
        return [s.id for s in engine.find_cases(**filters)]  # type: ignore[arg-type]

    # Most recently updated first.
    assert ids() == ["k1", "r2", "r1"]
    assert ids(person=MEMBER) == ["r2", "r1"]
    assert ids(person=BOSS) == ["k1"]
    assert ids(role="clerk") == ["k1"]
    assert ids(person=MEMBER, role="member") == ["r2", "r1"]
    assert ids(person=MEMBER, role="lead") == []
    assert ids(process="rules") == ["r2", "r1"]
    # A compound phase holds its leaves: r2 is in work > private.
    assert ids(phase="work") == ["r2"]
    assert ids(phase="private") == ["r2"]
    assert ids(phase="intake") == ["r1"]
    assert ids(open=True) == ["r2", "r1"]
    assert ids(open=False) == ["k1"]
    summary = engine.find_cases(process="clock")[0]
    assert summary.outcome == "abandoned"
    assert summary.outcome_label is not None
    assert summary.outcome_label.en == "Abandoned"
    assert not summary.open
    assert summary.next_due is None


def test_due_before_uses_the_next_running_deadline(backend: Backend) -> None:
    engine = engine_on(backend.open())
    clock_case(engine, "early", "2026-10-05")
    clock_case(engine, "late", "2026-11-20")
    early = engine.find_cases(process="clock", person=BOSS)
    nexts = {s.id: s.next_due for s in early}
    assert all(nexts.values())
    running = [d.due for d in engine.get_unfiltered("early").deadlines.values() if d.open and d.due]
    assert nexts["early"] == min(running)
    cut = nexts["early"]
    assert cut is not None
    assert [s.id for s in engine.find_cases(due_before=cut)] == ["early"]
    assert [s.id for s in engine.find_cases(due_before=cut - timedelta(microseconds=1))] == []


def test_pages_are_stable_and_never_overlap(backend: Backend) -> None:
    # The clock stands still: every case has the same update time, so the
    # case id breaks every tie.
    clock = SimulatedClock(START)
    engine = engine_on(backend.open(), clock)
    for number in range(7):
        engine.open_case("rules", by=LEAD, case_id=f"c{number}")
    seen: list[str] = []
    after = None
    while True:
        page = engine.find_cases(person=LEAD, limit=3, after=after)
        if not page:
            break
        seen.extend(s.id for s in page)
        after = page[-1].cursor
    assert seen == [f"c{n}" for n in range(7)]
    # A case updated in between moves to the front; pages after a cursor are unaffected.
    first = engine.find_cases(limit=3)
    clock.advance(minutes=1)
    engine.assign("c5", MEMBER, "member", by=LEAD)
    rest = engine.find_cases(limit=10, after=first[-1].cursor)
    assert [s.id for s in rest] == ["c3", "c4", "c6"]


def test_inbox_lists_actions_and_deadlines_most_urgent_first(backend: Backend) -> None:
    clock = SimulatedClock(datetime(2026, 10, 5, 8, 0, tzinfo=UTC))
    engine = engine_on(backend.open(), clock)
    clock_case(engine, "soon", "2026-10-05")
    clock_case(engine, "later", "2026-11-02")
    open_rules(engine, "r1")

    items = engine.inbox(BOSS)
    assert [item.case.id for item in items] == ["soon", "later"]
    soon = items[0]
    assert soon.roles == ("boss",)
    assert {option.action for option in soon.actions} == {"schedule", "tick", "abandon"}
    assert all(option.allowed for option in soon.actions)
    assert [d.due for d in soon.deadlines] == sorted(d.due for d in soon.deadlines)
    assert all(d.status is DeadlineStatus.PENDING for d in soon.deadlines)
    assert {d.responsible for d in soon.deadlines} == {"boss"}
    # The clerk may do nothing in phase open and answers for no deadline.
    assert engine.inbox(CLERK) == []

    # A narrow window keeps only what falls due in it.
    first_due = soon.deadlines[0].due
    window = first_due - clock.now() + timedelta(seconds=1)
    narrow = engine.inbox(BOSS, within=window)
    assert [d.id for d in narrow[0].deadlines] == [soon.deadlines[0].id]
    assert narrow[1].deadlines == ()

    # Past due: breached (recorded or not), and first.
    past = first_due + timedelta(hours=1)
    breached = engine.inbox(BOSS, now=past, within=timedelta(0))
    assert breached[0].case.id == "soon"
    assert breached[0].deadlines[0].status is DeadlineStatus.BREACHED
    assert breached[0].breached
    clock.set(past)
    engine.record_breaches()
    after = engine.inbox(BOSS, within=timedelta(0))
    assert after[0].deadlines[0].status is DeadlineStatus.BREACHED
    # The lead of the rules case may begin it once the intake is in.
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    lead = engine.inbox(LEAD)
    assert [item.case.id for item in lead] == ["r1"]
    assert "begin" in {option.action for option in lead[0].actions}


def test_closed_cases_leave_the_inbox(backend: Backend) -> None:
    engine = engine_on(backend.open())
    clock_case(engine, "k", "2026-10-05")
    assert [i.case.id for i in engine.inbox(BOSS)] == ["k"]
    engine.act("k", "abandon", by=BOSS)
    assert engine.inbox(BOSS) == []


def test_the_index_equals_the_replay_after_every_command(backend: Backend) -> None:
    engine = engine_on(backend.open())
    steps: list[Callable[[], object]] = [
        lambda: engine.open_case("rules", by=LEAD, case_id="r"),
        lambda: engine.assign("r", MEMBER, "member", by=LEAD),
        lambda: engine.assign("r", HELPER, "helper", by=LEAD),
        lambda: engine.assign("r", GUEST, "guest", by=LEAD),
        lambda: engine.submit("r", "intake", INTAKE, by=LEAD),
        lambda: engine.act("r", "begin", by=LEAD),
        lambda: engine.unassign("r", GUEST, "guest", by=LEAD),
        lambda: engine.act("r", "go_private", by=HELPER),
    ]
    for step in steps:
        step()
        engine.verify("r")
        fresh = engine_on(engine.store)
        fresh.verify("r")
    entry = engine.store.index_entry("r")
    assert entry is not None
    assert entry.phase_path == ("work", "private")
    assert (GUEST, "guest") not in entry.participants


def test_reindex_writes_missing_and_wrong_rows(backend: Backend) -> None:
    store = backend.open()
    engine = engine_on(store)
    rules_in_private(engine, "r1")
    clock_case(engine, "k1", "2026-10-05")
    assert engine.reindex() == 0
    good = store.index_entry("r1")
    assert good is not None
    # A wrong row: verify names it, reindex rewrites it.
    assert store.put_index_entry(attrs.evolve(good, outcome="done"))
    with pytest.raises(IndexOutOfDate) as raised:
        engine.verify("r1")
    assert raised.value.case_id == "r1"
    assert raised.value.fields == ("outcome",)
    assert engine.reindex("r1") == 1
    engine.verify("r1")
    # A row for a stale version is refused: the case has moved on.
    assert not store.put_index_entry(attrs.evolve(good, version=good.version - 1))
    assert store.index_entry("r1") == good


def test_a_store_from_before_the_index_is_migrated_and_reindexed(sql_backend: Backend) -> None:
    store = sql_backend.open()
    engine = engine_on(store)
    rules_in_private(engine, "r1")
    clock_case(engine, "k1", "2026-10-05")
    expected = engine.find_cases()
    store.close()
    # Take the database back to the schema version before the index, as a kwflow
    # before the index left it: without the index and what later versions
    # added (8: the read log; 9: the subject keys, the index's retention columns;
    # 10: disposal records and the heads' disposed mark; 11: the outbox).
    sql_backend.sql("DROP TABLE outbox")
    sql_backend.sql("DROP TABLE disposed_cases")
    sql_backend.sql("ALTER TABLE cases DROP COLUMN disposed")
    sql_backend.sql("DROP TABLE read_log")
    sql_backend.sql("DROP TABLE subject_keys")
    sql_backend.sql("DROP TABLE case_phases")
    sql_backend.sql("DROP TABLE case_people")
    sql_backend.sql("DROP TABLE case_index")
    sql_backend.sql(f"DELETE FROM schema_version WHERE version >= {INDEX_VERSION}")
    if sql_backend.kind == "sqlite":
        sql_backend.sql(f"PRAGMA user_version = {INDEX_VERSION - 1}")

    reopened = engine_on(sql_backend.open())
    assert reopened.find_cases() == []
    with pytest.raises(IndexOutOfDate) as raised:
        reopened.verify("r1")
    assert raised.value.fields == ("missing",)
    assert reopened.reindex() == 2
    assert reopened.find_cases() == expected
    reopened.verify("r1")
    reopened.verify("k1")
    versions = [row[0] for row in sql_backend.sql("SELECT version FROM schema_version")]
    assert INDEX_VERSION in versions


def test_summaries_and_inbox_items_are_plain_json(backend: Backend) -> None:
    engine = engine_on(backend.open())
    clock_case(engine, "k", "2026-10-05")
    rules_in_private(engine, "r")
    for summary in engine.find_cases():
        data = summary.to_dict()
        text = json.dumps(data)
        CaseSummaryJSON.model_validate_json(text)
        assert data["process"]["title"]["cs"]
        assert data["phase"]["label"]["en"]
        assert datetime.fromisoformat(data["updated_at"]).utcoffset() is not None
    r = engine.find_cases(process="rules")[0].to_dict()
    assert r["phase"]["path"] == ["work", "private"]
    items = engine.inbox(BOSS)
    assert items
    for item in items:
        data = item.to_dict()
        InboxItemJSON.model_validate_json(json.dumps(data))
        assert {d["status"] for d in data["deadlines"]} <= {"pending", "breached"}
        assert data["actions"][0]["label"]["cs"]
        assert datetime.fromisoformat(data["due"]).utcoffset() is not None


# ---------------------------------------------------------------- bad input


BAD_QUERIES: list[tuple[dict[str, object], type[KwflowError], str]] = [
    ({"limit": 0}, InvalidQuery, "limit"),
    ({"limit": 1001}, InvalidQuery, "limit"),
    ({"limit": "10"}, InvalidQuery, "limit"),
    ({"limit": True}, InvalidQuery, "limit"),
    ({"after": "garbage"}, InvalidQuery, "after"),
    ({"after": "c1.!!!"}, InvalidQuery, "after"),
    ({"after": "c1.WzEsMl0"}, InvalidQuery, "after"),  # [1,2]: no case id
    ({"after": 12}, InvalidQuery, "after"),
    ({"due_before": datetime(2026, 10, 5)}, InvalidQuery, "due_before"),  # noqa: DTZ001
    ({"due_before": "2026-10-05"}, InvalidQuery, "due_before"),
    ({"open": "yes"}, InvalidQuery, "open"),
    ({"person": ""}, InvalidId, "person"),
    ({"person": 7}, WrongType, "person"),
    ({"process": "no_such_process"}, ProcessNotFound, "no_such_process"),
    ({"phase": "no_such_phase"}, UnknownName, "no_such_phase"),
    ({"process": "clock", "phase": "private"}, UnknownName, "private"),
    ({"role": "no_such_role"}, UnknownName, "no_such_role"),
]


@pytest.mark.parametrize(("filters", "error", "named"), BAD_QUERIES)
def test_bad_list_filters_are_refused(
    filters: dict[str, object], error: type[KwflowError], named: str
) -> None:
    engine = engine_on(MemoryStore())
    open_rules(engine, "r1")
    with Unchanged(engine, "r1"), pytest.raises(error) as raised:
        engine.find_cases(**filters)  # type: ignore[arg-type]
    assert named in str(raised.value)
    if isinstance(raised.value, InvalidQuery):
        assert raised.value.parameter == named


@pytest.mark.parametrize(
    ("person", "options", "parameter"),
    [
        (LEAD, {"now": datetime(2026, 10, 5)}, "now"),  # noqa: DTZ001
        (LEAD, {"now": "today"}, "now"),
        (LEAD, {"within": timedelta(days=-1)}, "within"),
        (LEAD, {"within": 3}, "within"),
    ],
)
def test_bad_inbox_arguments_are_refused(
    person: str, options: dict[str, object], parameter: str
) -> None:
    engine = engine_on(MemoryStore())
    open_rules(engine, "r1")
    with Unchanged(engine, "r1"), pytest.raises(InvalidQuery) as raised:
        engine.inbox(person, **options)  # type: ignore[arg-type]
    assert raised.value.parameter == parameter
    assert parameter in str(raised.value)


def test_an_index_row_for_another_case_or_version_is_refused(backend: Backend) -> None:
    from kwflow.exceptions import InvalidEvents
    from tests.support.store import chain

    store = backend.open()
    engine = engine_on(store)
    open_rules(engine, "r1")
    entry = store.index_entry("r1")
    assert entry is not None
    with Unchanged(engine, "r1"), pytest.raises(InvalidEvents):
        store.append("x", 0, chain("x", 1), summary=attrs.evolve(entry, case_id="y"))
    with Unchanged(engine, "r1"), pytest.raises(InvalidEvents):
        store.append("x", 0, chain("x", 1), summary=attrs.evolve(entry, case_id="x", version=3))
    assert store.find_cases(CaseQuery(person=LEAD)) == [entry]
