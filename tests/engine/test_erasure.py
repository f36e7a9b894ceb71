"""Erasure (crypto-shredding) and retention on the erasure fixture, in memory.

The same behaviour on SQLite and PostgreSQL, with the bytes of the files,
is in ``tests/store/test_erasure_stores.py``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwflow import ERASED, Engine, MemoryStore, SimulatedClock
from kwflow.definition import Retention, RetentionPeriod
from kwflow.exceptions import (
    ActionNotAllowed,
    CaseDisposed,
    CaseNotFound,
    CaseOnHold,
    DataKeyUnavailable,
    HoldConflict,
    IdempotencyConflict,
    KwflowError,
    NotDueForDisposal,
    ReasonCode,
    SubjectErased,
    SubjectNotFound,
)
from kwflow.history import KeyRing, is_sealed, verify_history
from tests.support.runtime import START, Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow import Case

WORKER, CHILD, MUM, DAD, STRANGER, DPO = "wanda", "kim", "mia", "dan", "sam", "dora"
RECORD: dict[str, Any] = {
    "child_name": "Kim Nováková",
    "about": MUM,
    "note": "works nights",
    "family_address": "Dlouhá 1, Praha",
    "summary": "first visit went well",
}


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def engine(clock: SimulatedClock) -> Engine:
    return make_engine("erasure", clock=clock)


def open_family(engine: Engine, case_id: str = "e1", record: dict[str, Any] | None = None) -> Case:
    """A case with the child, both parents and one record."""
    engine.open_case("erasure", by=WORKER, case_id=case_id)
    engine.assign(case_id, CHILD, "child", by=WORKER)
    engine.assign(case_id, MUM, "parent", by=WORKER)
    engine.assign(case_id, DAD, "parent", by=WORKER)
    return engine.submit(case_id, "record", record or RECORD, by=WORKER)


def stored_record(engine: Engine, case_id: str = "e1") -> dict[str, Any]:
    """The record's data as the store holds it (the last submission)."""
    (event,) = [e for e in engine.store.events(case_id) if e.type == "artifact_submitted"][-1:]
    return dict(event.payload["data"])


def test_personal_values_are_stored_sealed_and_read_in_clear(engine: Engine) -> None:
    case = open_family(engine)
    stored = stored_record(engine)
    assert all(is_sealed(stored[name]) for name in ("child_name", "note", "family_address"))
    assert stored["summary"] == RECORD["summary"]
    assert stored["about"] == MUM
    text = json.dumps([e.to_dict() for e in engine.store.events("e1")], ensure_ascii=False)
    for name in ("child_name", "note", "family_address"):
        assert RECORD[name] not in text
    assert dict(case.latest("record").data) == RECORD  # type: ignore[union-attr]
    assert case.subjects == (CHILD, MUM, DAD)
    verify_history(engine.store.events("e1"), case_id="e1")
    check_case(engine, case)


def test_erasing_the_child_leaves_everything_else_and_the_chain_intact(engine: Engine) -> None:
    open_family(engine)
    case = engine.erase("e1", CHILD, by=DPO, reason="the child's request (GDPR Art. 17)")
    data = case.latest("record").data  # type: ignore[union-attr]
    assert data["child_name"] == ERASED
    assert data["child_name"] == {"erased": True}
    assert {k: v for k, v in data.items() if k != "child_name"} == {
        k: v for k, v in RECORD.items() if k != "child_name"
    }
    assert case.erased == (CHILD,)
    last = engine.history_unfiltered("e1")[-1]
    assert (last.type, last.actor, dict(last.payload)) == (
        "subject_erased",
        DPO,
        {"subject": CHILD, "reason": "the child's request (GDPR Art. 17)"},
    )
    submitted = next(e for e in engine.history_unfiltered("e1") if e.type == "artifact_submitted")
    assert submitted.payload["data"]["child_name"] == ERASED
    view = engine.view("e1", MUM).to_dict()
    (version,) = view["artifacts"][0]["versions"]
    assert version["data"]["child_name"] == {"erased": True}
    assert engine.store.subject_keys("e1").keys() == {MUM, DAD}
    check_case(engine, case)
    # A new engine on the same store reads the same case from the stored events.
    fresh = Engine(engine.registry, store=engine.store, clock=engine.clock)
    assert fresh.get_unfiltered("e1") == case


def test_a_condition_on_an_erased_value_sees_it_absent(engine: Engine) -> None:
    open_family(engine)
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    with Unchanged(engine, "e1"), pytest.raises(ActionNotAllowed) as refused:
        engine.act("e1", "close", by=WORKER, data={"words_of_child": "bye"})
    assert [r.code for r in refused.value.reasons] == [ReasonCode.FIELD_CONDITION]


def test_a_value_about_an_erased_subject_is_never_stored_again(engine: Engine) -> None:
    open_family(engine)
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    case = engine.submit("e1", "record", {**RECORD, "child_name": "Kim again"}, by=WORKER)
    assert stored_record(engine)["child_name"] == ERASED
    assert case.latest("record").data["child_name"] == ERASED  # type: ignore[union-attr]
    assert CHILD not in engine.store.subject_keys("e1")
    check_case(engine, case)


def test_a_subject_named_in_a_person_field_owns_that_value(engine: Engine) -> None:
    open_family(engine)
    case = engine.erase("e1", MUM, by=DPO, reason="asked")
    data = case.latest("record").data  # type: ignore[union-attr]
    assert data["note"] == ERASED
    # The address is about both parents: erasing either one erases it.
    assert data["family_address"] == ERASED
    assert data["child_name"] == RECORD["child_name"]
    check_case(engine, case)


def test_an_action_that_records_personal_data_seals_it(engine: Engine) -> None:
    open_family(engine)
    case = engine.act("e1", "close", by=WORKER, data={"words_of_child": "thank you"})
    acted = engine.store.events("e1")[-1]
    assert is_sealed(acted.payload["records"]["data"]["words_of_child"])
    assert case.latest("closing").data["words_of_child"] == "thank you"  # type: ignore[union-attr]
    case = engine.erase("e1", CHILD, by=DPO, reason="asked")
    assert case.latest("closing").data["words_of_child"] == ERASED  # type: ignore[union-attr]
    check_case(engine, case)


def test_each_command_s_case_is_the_case_loaded_afresh(engine: Engine) -> None:
    # A command's case is folded from the plaintext twins of its events, not
    # decrypted: it must be exactly what a cold engine reads back.
    open_family(engine)
    cold = Engine(engine.registry, store=engine.store, clock=engine.clock, cache_size=0)
    steps: list[Callable[[], Case]] = [
        lambda: engine.submit("e1", "record", {**RECORD, "about": DAD, "note": "n2"}, by=WORKER),
        lambda: engine.erase("e1", MUM, by=DPO, reason="asked"),
        lambda: engine.submit("e1", "record", {**RECORD, "note": "n3"}, by=WORKER),
        lambda: engine.act("e1", "close", by=WORKER, data={"words_of_child": "bye"}),
    ]
    for step in steps:
        case = step()
        assert cold.get_unfiltered("e1") == case
    data = case.latest("record").data  # type: ignore[union-attr]
    assert (data["note"], data["family_address"]) == (ERASED, ERASED)  # about mia
    assert data["child_name"] == RECORD["child_name"]
    assert case.latest("closing").data["words_of_child"] == "bye"  # type: ignore[union-attr]
    assert case.artifacts["record"][1].data["note"] == "n2"  # about dan, kept


def test_erasing_someone_unknown_or_twice_is_refused_and_changes_nothing(engine: Engine) -> None:
    open_family(engine)
    keys = engine.store.subject_keys("e1")
    with Unchanged(engine, "e1"), pytest.raises(SubjectNotFound) as unknown:
        engine.erase("e1", STRANGER, by=DPO, reason="asked")
    assert engine.store.subject_keys("e1") == keys
    assert isinstance(unknown.value, LookupError)
    assert unknown.value.code == "subject.not-found"
    assert STRANGER in str(unknown.value)
    assert "není subjektem údajů" in unknown.value.render("cs")
    engine.erase("e1", CHILD, by=DPO, reason="asked")
    keys = engine.store.subject_keys("e1")
    with Unchanged(engine, "e1"), pytest.raises(SubjectErased) as twice:
        engine.erase("e1", CHILD, by=DPO, reason="asked again")
    assert engine.store.subject_keys("e1") == keys
    assert twice.value.code == "subject.erased"
    assert "erased already" in str(twice.value)
    assert "už byly vymazány" in twice.value.render("cs")


def test_without_a_key_ring_personal_data_is_refused_and_nothing_stored(
    clock: SimulatedClock,
) -> None:
    engine = make_engine("erasure", clock=clock, store=MemoryStore(keys=None))
    engine.open_case("erasure", by=WORKER, case_id="e1")
    engine.assign("e1", CHILD, "child", by=WORKER)
    engine.assign("e1", MUM, "parent", by=WORKER)
    with Unchanged(engine, "e1"), pytest.raises(DataKeyUnavailable) as missing:
        engine.submit("e1", "record", RECORD, by=WORKER)
    assert missing.value.problem == "no-ring"
    assert "Engine(data_keys=...)" in str(missing.value)
    assert "sadu klíčů" in missing.value.render("cs")
    # With a ring of its own the same store works.
    ring = KeyRing.generate()
    keyed = Engine(engine.registry, store=engine.store, clock=clock, data_keys=ring)
    assert keyed.submit("e1", "record", RECORD, by=WORKER).latest("record") is not None


def test_another_ring_cannot_read_the_personal_data(engine: Engine) -> None:
    open_family(engine)
    other = Engine(
        engine.registry, store=engine.store, clock=engine.clock, data_keys=KeyRing.generate()
    )
    with pytest.raises(DataKeyUnavailable) as wrong:
        other.get_unfiltered("e1")
    assert wrong.value.problem == "wrong-ring"


# ------------------------------------------------------------------ retention


def closed_family(engine: Engine, case_id: str = "e1", action: str = "decline") -> Case:
    open_family(engine, case_id)
    data = {"words_of_child": "bye"} if action == "close" else None
    return engine.act(case_id, action, by=WORKER, data=data)


def test_a_closed_case_falls_due_after_its_outcome_s_period(
    engine: Engine, clock: SimulatedClock
) -> None:
    closed_family(engine, "e1", "decline")  # six months
    closed_family(engine, "e2", "close")  # ten years (the default)
    open_family(engine, "e3")
    assert engine.due_for_disposal() == []
    later = START + timedelta(days=200)
    (due,) = engine.due_for_disposal(later)
    assert (due.case_id, due.outcome, due.retention) == ("e1", "declined", "6 months")
    assert due.due_at == START.replace(month=4, year=2027)
    assert [d.case_id for d in engine.due_for_disposal(START + timedelta(days=3700))] == [
        "e1",
        "e2",
    ]


def test_the_host_s_file_plan_overrides_the_process_file(clock: SimulatedClock) -> None:
    plan = {"erasure": Retention(outcomes={"declined": RetentionPeriod(days=10)})}
    engine = make_engine("erasure", clock=clock, retention=plan)
    closed_family(engine, "e1", "decline")
    closed_family(engine, "e2", "close")
    assert [d.case_id for d in engine.due_for_disposal(START + timedelta(days=11))] == ["e1"]
    # No default in the host's plan: a finished case is kept however long it waits.
    assert [d.case_id for d in engine.due_for_disposal(START + timedelta(days=9000))] == ["e1"]
    with Unchanged(engine, "e2"), pytest.raises(NotDueForDisposal) as kept:
        engine.dispose("e2", by=DPO, reason="file plan")
    assert kept.value.problem == "no-retention"


def test_a_legal_hold_stops_disposal_until_released(engine: Engine, clock: SimulatedClock) -> None:
    closed_family(engine)
    engine.hold("e1", by=DPO, reason="court proceedings")
    clock.advance(timedelta(days=200))
    assert engine.due_for_disposal() == []
    with Unchanged(engine, "e1"), pytest.raises(CaseOnHold) as held:
        engine.dispose("e1", by=DPO, reason="file plan")
    assert held.value.code == "case.on-hold"
    assert "court proceedings" in str(held.value)
    assert "zákonnou blokací" in held.value.render("cs")
    with Unchanged(engine, "e1"), pytest.raises(HoldConflict):
        engine.hold("e1", by=DPO, reason="twice")
    engine.release_hold("e1", by=DPO, reason="proceedings ended")
    with Unchanged(engine, "e1"), pytest.raises(HoldConflict) as none:
        engine.release_hold("e1", by=DPO, reason="again")
    assert none.value.problem == "not-held"
    assert [d.case_id for d in engine.due_for_disposal()] == ["e1"]
    types = [e.type for e in engine.history_unfiltered("e1")[-2:]]
    assert types == ["hold_placed", "hold_released"]


def test_disposal_leaves_only_a_verifiable_record_of_the_case(
    engine: Engine, clock: SimulatedClock
) -> None:
    closed_family(engine)
    clock.advance(timedelta(days=200))
    final = engine.get_unfiltered("e1")
    hashes = tuple(e.hash for e in engine.store.events("e1"))
    record = engine.dispose("e1", by=DPO, reason="file plan: 6 months after a declined case")
    assert (record.case_id, record.process_id, record.process_version) == ("e1", "erasure", 1)
    assert (record.opened_at, record.closed_at) == (final.opened_at, final.closed_at)
    assert record.disposed_at == clock.now()
    assert (record.outcome, record.retention) == ("declined", "6 months")
    assert (record.disposed_by, record.reason) == (DPO, "file plan: 6 months after a declined case")
    assert (record.events, record.head_hash, record.hashes) == (
        final.version,
        final.last_hash,
        hashes,
    )
    # Nothing of the case is left but the record and its head.
    assert engine.store.subject_keys("e1") == {}
    assert engine.store.due(START + timedelta(days=9999)) == []
    assert engine.verify("e1") == record
    assert engine.disposal_record("e1") == record
    assert engine.store.disposal_record("e1") == record
    assert list(engine.store.heads()) == [("e1", final.version, final.last_hash)]
    row = engine.store.index_entry("e1")
    assert row is not None
    assert (row.participants, row.outcome, row.disposed) == ((), "declined", True)
    assert engine.find_cases(person=MUM) == []
    assert engine.due_for_disposal(START + timedelta(days=9999)) == []
    for read in (
        lambda: engine.get_unfiltered("e1"),
        lambda: engine.history_unfiltered("e1"),
        lambda: engine.replay_unfiltered("e1"),
        lambda: engine.view("e1", WORKER),
        lambda: engine.history_for("e1", WORKER),
        lambda: engine.available_actions("e1", WORKER),
        lambda: engine.hold("e1", by=DPO, reason="too late"),
        lambda: engine.erase("e1", MUM, by=DPO, reason="asked"),
        lambda: engine.dispose("e1", by=DPO, reason="again"),
        lambda: engine.store.events("e1"),
        lambda: engine.store.load("e1"),
    ):
        with Unchanged(engine), pytest.raises(CaseDisposed) as gone:
            read()
        assert gone.value.code == "case.disposed"
        assert gone.value.case_id == "e1"
        assert "skartován" in gone.value.render("cs")
    # Another engine over the same store (no cache) sees the same.
    other = Engine(engine.registry, store=engine.store, clock=clock)
    with pytest.raises(CaseDisposed):
        other.get_unfiltered("e1")
    assert other.verify("e1") == record
    open_family(engine, "e2")
    assert engine.disposal_record("e2") is None
    assert engine.verify("e2") is None
    with pytest.raises(CaseNotFound):
        engine.disposal_record("never")


def test_a_keyed_disposal_sent_again_returns_the_same_record(
    engine: Engine, clock: SimulatedClock
) -> None:
    closed_family(engine)
    clock.advance(timedelta(days=200))
    first = engine.dispose("e1", by=DPO, reason="plan", idempotency_key="d-1")
    with Unchanged(engine):
        assert engine.dispose("e1", by=DPO, reason="plan", idempotency_key="d-1") == first
    with Unchanged(engine), pytest.raises(IdempotencyConflict):
        engine.dispose("e1", by=DPO, reason="other", idempotency_key="d-1")


def test_execute_dispose_returns_the_case_as_it_stood_with_nothing_personal(
    engine: Engine, clock: SimulatedClock
) -> None:
    from kwflow import Dispose

    closed_family(engine)
    clock.advance(timedelta(days=200))
    case = engine.execute(Dispose(case_id="e1", by=DPO, reason="plan"))
    assert case.disposed_at == clock.now()
    assert set(case.erased) >= {CHILD, MUM, DAD}
    data = case.latest("record").data  # type: ignore[union-attr]
    assert data["child_name"] == data["note"] == data["family_address"] == ERASED
    assert engine.verify("e1") is not None


def test_an_open_case_or_one_not_yet_due_is_not_disposed_of(engine: Engine) -> None:
    open_family(engine, "e1")
    with Unchanged(engine, "e1"), pytest.raises(NotDueForDisposal) as running:
        engine.dispose("e1", by=DPO, reason="file plan")
    assert running.value.problem == "open"
    closed_family(engine, "e2")
    with Unchanged(engine, "e2"), pytest.raises(NotDueForDisposal) as early:
        engine.dispose("e2", by=DPO, reason="file plan")
    assert early.value.problem == "not-yet"
    assert early.value.due.startswith("2027-04-05")
    assert "ještě nelze skartovat" in early.value.render("cs")
    assert isinstance(early.value, KwflowError)


# ------------------------------------------------------------------ property

_text = st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(
        st.tuples(_text, st.sampled_from([MUM, DAD, None]), _text, _text),
        min_size=1,
        max_size=4,
    ),
    erased=st.lists(st.sampled_from([CHILD, MUM, DAD]), min_size=1, max_size=3, unique=True),
)
def test_erasing_any_subjects_keeps_the_chain_and_everything_else(
    records: list[tuple[str, str | None, str, str]], erased: list[str]
) -> None:
    engine = make_engine("erasure")
    engine.open_case("erasure", by=WORKER, case_id="p")
    engine.assign("p", CHILD, "child", by=WORKER)
    engine.assign("p", MUM, "parent", by=WORKER)
    engine.assign("p", DAD, "parent", by=WORKER)
    submitted = []
    for name, about, note, summary in records:
        data: dict[str, Any] = {"child_name": name, "summary": summary, "note": note}
        if about is not None:
            data["about"] = about
        engine.submit("p", "record", data, by=WORKER)
        submitted.append(data)
    for subject in erased:
        engine.erase("p", subject, by=DPO, reason="asked")
    case = engine.get_unfiltered("p")
    check_case(engine, case)
    for data, version in zip(submitted, case.artifacts["record"], strict=True):
        seen = version.data
        assert seen["summary"] == data["summary"]
        assert seen.get("about") == data.get("about")
        assert (seen["child_name"] == ERASED) == (CHILD in erased)
        if seen["child_name"] != ERASED:
            assert seen["child_name"] == data["child_name"]
        note_owner = data.get("about")
        note_gone = note_owner is None or note_owner in erased
        # A note about nobody belongs to the case: only disposal erases it.
        assert (seen["note"] == ERASED) == (note_owner is not None and note_gone)


def test_the_invariant_audit_reads_a_history_with_holds(
    engine: Engine, clock: SimulatedClock
) -> None:
    from kwflow.testing import invariant_violations

    closed_family(engine)
    engine.hold("e1", by=DPO, reason="court")
    engine.release_hold("e1", by=DPO, reason="over")
    assert invariant_violations(engine.process_of("e1"), engine.history_unfiltered("e1")) == []


PER_PERSON_PERSONAL = """
id: per_person_personal
version: 1
title: {cs: Pozvánky, en: Invitations}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: authority, min: 1, max: 1}
  - {id: parent, label: {cs: Rodič, en: Parent}, kind: family, max: 2, assigned_by: [worker]}
artifacts:
  - id: invitation
    label: {cs: Pozvánka, en: Invitation}
    write: [worker]
    per_person: [parent]
    fields:
      - {id: said, label: {cs: Řečeno, en: Said}, type: text, personal: {subject: parent}}
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true, present: [worker]}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: done}
actions:
  - {id: close, label: {cs: Uzavřít, en: Close}, from: [open], to: closed, by: [worker]}
"""


def test_a_revealed_per_person_copy_keeps_the_person_it_is_about() -> None:
    from kwflow import Registry
    from kwflow.definition import parse_process

    registry = Registry()
    registry.add(parse_process(PER_PERSON_PERSONAL, "per_person_personal.yaml").process)
    store = MemoryStore()
    engine = Engine(registry, store=store, clock=SimulatedClock(START))
    engine.open_case("per_person_personal", by=WORKER, case_id="p1")
    engine.assign("p1", MUM, "parent", by=WORKER)
    engine.assign("p1", DAD, "parent", by=WORKER)
    case = engine.submit("p1", "invitation", {"said": "by phone"}, by=WORKER, about=MUM)
    stored = [e for e in store.events("p1") if e.type == "artifact_submitted"][-1]
    assert is_sealed(stored.payload["data"]["said"])
    # Just submitted (revealed from what was sealed) and loaded afresh (decrypted).
    cold = Engine(registry, store=store, clock=SimulatedClock(START), cache_size=0)
    for seen in (case, cold.get_unfiltered("p1")):
        (copy,) = seen.artifacts["invitation"]
        assert copy.about == MUM
        assert dict(copy.data) == {"said": "by phone"}
    check_case(engine, case)


# ------------------------------------------------------------ lazy opening


def test_a_loaded_case_opens_each_version_only_when_it_is_read(engine: Engine) -> None:
    from kwflow.engine._records import UnopenedData

    open_family(engine)
    warm = engine.submit("e1", "record", {**RECORD, "note": "second"}, by=WORKER)
    cold = Engine(engine.registry, store=engine.store, clock=engine.clock, cache_size=0)
    loaded = cold.get_unfiltered("e1")
    first, second = loaded.artifacts["record"]
    # Loading opened nothing: each version's sealed values wait for a read.
    assert type(first._data) is UnopenedData
    assert type(second._data) is UnopenedData
    assert second.data["note"] == "second"
    assert type(first._data) is UnopenedData  # reading one version opens only it
    assert first.data["note"] == RECORD["note"]
    # Unopened or opened, a version reads, compares, hashes and encodes as the warm case's.
    assert loaded == warm
    assert hash(loaded) == hash(warm)
    assert loaded.to_dict() == warm.to_dict()
    assert "works nights" in repr(cold.get_unfiltered("e1").artifacts["record"][0])


def test_a_loaded_case_pickles_with_its_values_opened_and_copies_whole(engine: Engine) -> None:
    import copy
    import pickle

    from kwflow.history import FrozenMap

    open_family(engine)
    cold = Engine(engine.registry, store=engine.store, clock=engine.clock, cache_size=0)
    # Pickled, a version holds its opened data: no cipher travels with it.
    (version,) = pickle.loads(pickle.dumps(cold.get_unfiltered("e1"))).artifacts["record"]
    assert type(version._data) is FrozenMap
    assert version.data["child_name"] == RECORD["child_name"]
    # Copied, it is the same read-only record, reading the same values.
    copied = copy.deepcopy(cold.get_unfiltered("e1"))
    assert copied == engine.get_unfiltered("e1")
    assert copied.artifacts["record"][0].data["note"] == RECORD["note"]


def test_threads_reading_an_unopened_version_at_once_all_read_it_whole(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    open_family(engine)
    expected = dict(engine.get_unfiltered("e1").artifacts["record"][0].data)
    cold = Engine(engine.registry, store=engine.store, clock=engine.clock, cache_size=0)
    for _ in range(20):
        (version,) = cold.get_unfiltered("e1").artifacts["record"]
        with ThreadPoolExecutor(8) as pool:
            seen = list(pool.map(lambda _, v=version: dict(v.data), range(8)))
        assert seen == [expected] * 8


def test_a_case_loaded_after_an_erasure_reads_its_values_erased(engine: Engine) -> None:
    open_family(engine)
    engine.submit("e1", "record", {**RECORD, "note": "second"}, by=WORKER)
    engine.erase("e1", MUM, by=DPO, reason="asked")
    cold = Engine(engine.registry, store=engine.store, clock=engine.clock, cache_size=0)
    first, second = cold.get_unfiltered("e1").artifacts["record"]
    for version in (second, first):  # the later read first: each opens on its own
        assert version.data["note"] == version.data["family_address"] == ERASED  # about mia
        assert version.data["child_name"] == RECORD["child_name"]
    assert engine.get_unfiltered("e1") == cold.get_unfiltered("e1")
