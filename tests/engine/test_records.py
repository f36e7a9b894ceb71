"""Records, frozen maps, clocks and the public surface."""

from __future__ import annotations

import copy
import inspect
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kwflow
import kwflow.engine as engine_api
from kwflow import Case, SimulatedClock, SystemClock
from kwflow.engine import CASE_FORMAT, FrozenMap
from kwflow.history import freeze, thaw
from tests.support.runtime import START, check_case, rules_in_review

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def test_frozen_map_refuses_every_change() -> None:
    frozen: FrozenMap[str, int] = FrozenMap({"a": 1})
    changes: list[Callable[[], object]] = [
        lambda: frozen.__setitem__("b", 2),
        lambda: frozen.__delitem__("a"),
        frozen.clear,
        lambda: frozen.pop("a"),
        frozen.popitem,
        lambda: frozen.setdefault("b", 2),
        lambda: frozen.update(b=2),
    ]
    for change in changes:
        with pytest.raises(TypeError):
            change()
    with pytest.raises(TypeError):
        frozen |= {"b": 2}
    assert frozen == {"a": 1}


def test_frozen_map_compares_hashes_copies_and_pickles() -> None:
    frozen = freeze({"a": [1, {"b": 2}], "c": None})
    assert frozen == {"a": (1, {"b": 2}), "c": None}
    assert hash(frozen) == hash(freeze({"c": None, "a": [1, {"b": 2}]}))
    assert copy.copy(frozen) is frozen
    assert copy.deepcopy(frozen) is frozen
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    assert json.loads(json.dumps(frozen)) == thaw(frozen) == {"a": [1, {"b": 2}], "c": None}
    assert freeze(frozen) is frozen
    assert repr(FrozenMap({"a": 1})) == "FrozenMap({'a': 1})"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


def _all_frozen(value: object) -> bool:
    if isinstance(value, dict):
        return type(value) is FrozenMap and all(_all_frozen(v) for v in value.values())
    if isinstance(value, list | tuple):
        return type(value) is tuple and all(_all_frozen(v) for v in value)
    return True


@given(_JSON)
def test_freeze_makes_every_map_and_list_read_only_whatever_it_is_given(value: object) -> None:
    from kwflow.history import FrozenDict, FrozenList

    # JSON as parsed, and as an event payload holds it (FrozenDict, FrozenList).
    def as_payload(item: object) -> object:
        if isinstance(item, dict):
            return FrozenDict({k: as_payload(v) for k, v in item.items()})
        if isinstance(item, list):
            return FrozenList([as_payload(v) for v in item])
        return item

    for given_value in (value, as_payload(value)):
        frozen = freeze(given_value)
        assert _all_frozen(frozen)
        assert thaw(frozen) == value
        assert freeze(frozen) is frozen or not isinstance(frozen, dict)


def _all_read_only(value: object) -> bool:
    from kwflow.history import FrozenDict, FrozenList

    if isinstance(value, dict):
        return type(value) in (FrozenDict, FrozenMap) and all(
            _all_read_only(v) for v in value.values()
        )
    if isinstance(value, list):
        return type(value) is FrozenList and all(_all_read_only(v) for v in value)
    if isinstance(value, tuple):
        return all(_all_read_only(v) for v in value)
    return True


@given(_JSON)
def test_read_only_payloads_hash_the_same_and_cannot_change(value: object) -> None:
    """What `new_event` makes of a payload: equal, encoded alike, nothing inside changeable."""
    from kwflow.history import canonical_json, read_only

    made = read_only(value)
    assert _all_read_only(made)
    assert made == value
    assert canonical_json(made) == canonical_json(value)
    assert read_only(made) is made
    # A tuple or frozen map inside is kept when it holds only what is read-only.
    frozen = freeze(value)
    assert read_only(frozen) is frozen
    assert read_only((made,))[0] is made


def test_case_is_frozen_hashable_and_round_trips(rules: kwflow.Engine) -> None:
    case = rules_in_review(rules)
    with pytest.raises(AttributeError):
        case.version = 3  # type: ignore[misc]
    data = case.to_dict()
    assert data["format"] == CASE_FORMAT
    text = json.dumps(data)
    assert Case.from_dict(json.loads(text)) == case
    assert {case: 1}[Case.from_dict(json.loads(text))] == 1
    assert pickle.loads(pickle.dumps(case)) == case
    check_case(rules, case)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("phase"),
        lambda d: d.update(format=99),
        lambda d: d.update(opened_at="yesterday"),
        lambda d: d.update(opened_at="2026-10-05T08:00:00"),
        lambda d: d.update(actions=[["x"]]),
    ],
)
def test_a_broken_case_dict_is_a_value_error(rules: kwflow.Engine, damage: object) -> None:
    data = rules_in_review(rules).to_dict()
    damage(data)  # type: ignore[operator]
    with pytest.raises(ValueError):
        Case.from_dict(data)


def test_simulated_clock() -> None:
    clock = SimulatedClock(START)
    assert clock.now() == START
    assert clock.advance(hours=2) == START + timedelta(hours=2)
    assert clock.advance(timedelta(days=1), minutes=30) == START + timedelta(
        days=1, hours=2, minutes=30
    )
    assert clock.set(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=1)))) == datetime(
        2026, 1, 1, 11, tzinfo=UTC
    )
    # pendulum moments become plain stdlib datetimes in UTC
    moment = clock.set(pendulum.datetime(2026, 3, 29, 3, 0, tz="Europe/Prague"))
    assert type(moment) is datetime
    assert moment == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="no timezone"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="no timezone"):
        SimulatedClock(datetime(2026, 1, 1))  # noqa: DTZ001
    assert "2026" in repr(clock)
    assert SimulatedClock().now().tzinfo is not None


def test_system_clock() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)
    assert isinstance(SystemClock(), kwflow.Clock)


def test_a_naive_clock_is_refused(rules: kwflow.Engine) -> None:
    class Naive:
        def now(self) -> datetime:
            return datetime(2026, 1, 1)  # noqa: DTZ001

    engine = kwflow.Engine(rules.registry, clock=Naive())
    with pytest.raises(ValueError, match="no timezone"):
        engine.open_case("rules", by="x")


def test_public_api() -> None:
    assert kwflow.__version__
    for name in kwflow.__all__:
        assert getattr(kwflow, name) is not None
    assert {"Engine", "Case", "Clock", "SimulatedClock", "SystemClock", "Registry"} <= set(
        kwflow.__all__
    )
    for name in engine_api.__all__:
        obj = getattr(engine_api, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name


def test_default_store_is_sqlite_at_kwflow_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kwflow.store import SqliteStore

    monkeypatch.setenv("KWFLOW_DB", str(tmp_path / "here.sqlite3"))
    engine = kwflow.Engine(kwflow.Registry())
    assert isinstance(engine.store, SqliteStore)
    assert (tmp_path / "here.sqlite3").exists()
    assert isinstance(engine.clock, SystemClock)
    with pytest.raises(ValueError, match="snapshot_every"):
        kwflow.Engine(kwflow.Registry(), snapshot_every=-1)
    with pytest.raises(TypeError, match="callable"):
        engine.register_guard("x", 3)  # type: ignore[arg-type]
