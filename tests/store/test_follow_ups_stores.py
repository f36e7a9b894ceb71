"""Follow-up cases kept by every backend: the link both ways, the index column, reindex."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import IndexOutOfDate
from tests.support.follow_ups import CONVENER, GUEST, held_conference, pair_engine
from tests.support.runtime import check_case

if TYPE_CHECKING:
    from tests.support.store import Backend


def test_a_follow_up_is_linked_both_ways_in_every_backend(backend: Backend) -> None:
    engine = pair_engine(store=backend.open())
    held_conference(engine, "c1")
    held_conference(engine, "c2")
    first = engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    second = engine.open_case("control_conference", by=GUEST, case_id="k2", follows="c1")
    engine.open_case("control_conference", by=CONVENER, case_id="k3", follows="c2")
    engine.open_case("control_conference", by=CONVENER, case_id="alone")
    for case in (first, second):
        check_case(engine, case)
    # A fresh engine over the same data: nothing comes from a cache.
    fresh = pair_engine(store=backend.open())
    assert fresh.get_unfiltered("k1").follows == "c1"
    assert fresh.get_unfiltered("alone").follows is None
    assert fresh.get_unfiltered("c1").follows is None
    assert sorted(s.id for s in fresh.follow_ups("c1")) == ["k1", "k2"]
    assert [s.id for s in fresh.follow_ups("c2")] == ["k3"]
    assert fresh.follow_ups("k1") == []
    assert {s.id for s in fresh.find_cases(follows="c1")} == {"k1", "k2"}
    assert [s.id for s in fresh.find_cases(follows="c1", person=GUEST)] == ["k2"]
    assert fresh.find_cases(follows="nobody") == []
    by_id = {s.id: s for s in fresh.find_cases()}
    assert by_id["k1"].follows == "c1"
    assert by_id["alone"].follows is None
    assert by_id["k1"].to_dict()["follows"] == "c1"
    # The other way: from the follow-up to its earlier case.
    assert fresh.get_unfiltered(by_id["k3"].follows or "").id == "c2"


def test_reindex_and_verify_cover_the_follows_column(sql_backend: Backend) -> None:
    engine = pair_engine(store=sql_backend.open())
    held_conference(engine, "c1")
    engine.open_case("control_conference", by=CONVENER, case_id="k1", follows="c1")
    engine.verify("k1")
    sql_backend.sql("UPDATE case_index SET follows = NULL WHERE case_id = 'k1'")
    fresh = pair_engine(store=sql_backend.open())
    assert fresh.follow_ups("c1") == []
    with pytest.raises(IndexOutOfDate) as raised:
        fresh.verify("k1")
    assert raised.value.fields == ("follows",)
    assert fresh.reindex() == 1
    fresh.verify("k1")
    assert [s.id for s in fresh.follow_ups("c1")] == ["k1"]


def test_the_follows_column_is_the_newest_migration_of_every_sql_backend(
    sql_backend: Backend,
) -> None:
    pair_engine(store=sql_backend.open())
    rows = sql_backend.sql("SELECT version, description FROM schema_version WHERE version = 7")
    assert rows == [(7, "case index: the earlier case a follow-up case follows")]
    assert sql_backend.sql("SELECT follows FROM case_index") == []
