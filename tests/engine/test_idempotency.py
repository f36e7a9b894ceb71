"""Idempotency keys: a keyed command is carried out once, however often it is sent.

Same key and content: the original result, nothing stored. Same key, other
content: `IdempotencyConflict`, nothing stored. Keys of commands on a case
belong to the case, keys of openings to every opening.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Self

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kwflow import (
    COMMAND_TYPES,
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Command,
    Dismiss,
    Dispose,
    Erase,
    Hold,
    Migrate,
    OpenCase,
    ReleaseHold,
    Replace,
    SimulatedClock,
    Submit,
    Unassign,
)
from kwflow.exceptions import (
    ActionNotAllowed,
    ArtifactInvalid,
    CaseExists,
    ConcurrencyConflict,
    IdempotencyConflict,
    KwflowError,
)
from kwflow.testing import AdvanceClock, Input, commands
from tests.support.idempotency import stored_keys
from tests.support.migration import rules_version_2
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    START,
    Unchanged,
    check_case,
    fixture_process,
    make_engine,
    open_rules,
    rules_in_private,
    rules_in_review,
    store_state,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow import Case, Engine


def _ready(_: object) -> bool:
    return True


class NothingStored(Unchanged):
    """`Unchanged`, and no idempotency key was recorded either."""

    def __enter__(self) -> Self:
        super().__enter__()
        self.keys = stored_keys(self.engine.store)
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        assert stored_keys(self.engine.store) == self.keys


def _plan_written(engine: Engine) -> None:
    rules_in_private(engine)
    engine.submit("r1", "plan", PLAN, by=MEMBER)


# One keyed command of every kind, each carried out on a case set up for it.
KEYED: dict[type[Command], tuple[Callable[[Engine], object], Command]] = {
    OpenCase: (open_rules, OpenCase(process="rules", by=LEAD, idempotency_key="k")),
    Assign: (
        open_rules,
        Assign(case_id="r1", person="zoe", role="member", by=LEAD, idempotency_key="k"),
    ),
    Unassign: (
        open_rules,
        Unassign(case_id="r1", person=GUEST, role="guest", by=LEAD, idempotency_key="k"),
    ),
    Replace: (
        open_rules,
        Replace(
            case_id="r1",
            role="guest",
            person=GUEST,
            successor="gina",
            by=LEAD,
            reason="odchod",
            idempotency_key="k",
        ),
    ),
    Submit: (
        open_rules,
        Submit(case_id="r1", artifact="intake", data=INTAKE, by=LEAD, idempotency_key="k"),
    ),
    Act: (_plan_written, Act(case_id="r1", action="back", by=MEMBER, idempotency_key="k")),
    CallIn: (rules_in_private, CallIn(case_id="r1", role="helper", by=MEMBER, idempotency_key="k")),
    Dismiss: (
        lambda engine: (rules_in_private(engine), engine.call_in("r1", "helper", by=MEMBER)),
        Dismiss(case_id="r1", role="helper", by=MEMBER, idempotency_key="k"),
    ),
    CheckDeadlines: (open_rules, CheckDeadlines(case_id="r1", idempotency_key="k")),
    Erase: (
        open_rules,
        Erase(case_id="r1", subject=MEMBER, by=LEAD, reason="asked", idempotency_key="k"),
    ),
    Hold: (open_rules, Hold(case_id="r1", by=LEAD, reason="court", idempotency_key="k")),
    ReleaseHold: (
        lambda engine: (open_rules(engine), engine.hold("r1", by=LEAD, reason="court")),
        ReleaseHold(case_id="r1", by=LEAD, reason="over", idempotency_key="k"),
    ),
    Dispose: (
        lambda engine: (open_rules(engine), engine.act("r1", "drop", by=LEAD)),
        Dispose(case_id="r1", by=LEAD, reason="file plan", idempotency_key="k"),
    ),
    Migrate: (
        lambda engine: (open_rules(engine), rules_version_2(engine)),
        Migrate(case_id="r1", to_version=2, by=LEAD, idempotency_key="k"),
    ),
}


def _moved_on(engine: Engine, case_id: str) -> None:
    """Something else happens to the case after the keyed command."""
    case = engine.get_unfiltered(case_id)
    if case.closed:
        if case.hold is None:
            engine.hold(case_id, by=LEAD, reason=f"v{case.version}")
        else:
            engine.release_hold(case_id, by=LEAD, reason=f"v{case.version}")
    elif case.phase.id == "intake":
        engine.assign(case_id, f"later-{case.version}", "member", by=LEAD)
    elif case.phase.id == "private":
        engine.submit(case_id, "plan", {**PLAN, "summary": f"v{case.version}"}, by=MEMBER)
    else:
        engine.act(case_id, "ping", by=MEMBER)


def test_every_command_kind_has_a_keyed_example() -> None:
    assert set(KEYED) == set(COMMAND_TYPES)
    for kind in COMMAND_TYPES:
        assert attrs.fields_dict(kind)["idempotency_key"].default is None


# A disposed case is gone, so a keyed disposal sent again cannot return it:
# tests/engine/test_erasure.py checks that `Engine.dispose` returns the same
# record and that other content under its key is a conflict.
CASE_KEPT = tuple(kind for kind in COMMAND_TYPES if kind is not Dispose)


@pytest.mark.parametrize("kind", CASE_KEPT, ids=lambda kind: kind.__name__)
def test_the_same_key_and_content_return_the_original_and_store_nothing(
    rules: Engine, kind: type[Command]
) -> None:
    setup, command = KEYED[kind]
    setup(rules)
    first = rules.execute(command)
    check_case(rules, first)
    with NothingStored(rules, first.id):
        assert rules.execute(command) == first
    # After the case moved on, the answer is still the case as the command left it.
    _moved_on(rules, first.id)
    now = rules.get_unfiltered(first.id)
    assert now != first
    with NothingStored(rules, first.id):
        assert rules.execute(command) == first
    assert rules.get_unfiltered(first.id) == now


@pytest.mark.parametrize("kind", CASE_KEPT, ids=lambda kind: kind.__name__)
def test_the_same_key_with_other_content_is_a_conflict(rules: Engine, kind: type[Command]) -> None:
    setup, command = KEYED[kind]
    setup(rules)
    first = rules.execute(command)
    other: Command = (
        CheckDeadlines(case_id="r1", idempotency_key="k")
        if kind is not CheckDeadlines
        else Act(case_id="r1", action="ping", by=MEMBER, idempotency_key="k")
    )
    if isinstance(command, OpenCase):
        other = attrs.evolve(command, by=MEMBER)
    with NothingStored(rules, first.id), pytest.raises(IdempotencyConflict) as caught:
        rules.execute(other)
    assert caught.value.key == "k"
    assert caught.value.case_id == first.id
    assert isinstance(caught.value, KwflowError)
    assert isinstance(caught.value, ValueError)
    assert "'k'" in str(caught.value)
    assert first.id in str(caught.value)


def test_a_retried_act_returns_the_original_instead_of_a_refusal(rules: Engine) -> None:
    _plan_written(rules)
    done = rules.act("r1", "back", by=MEMBER, idempotency_key="click-1")
    assert done.phase.id == "review"
    with NothingStored(rules, "r1"):
        assert rules.act("r1", "back", by=MEMBER, idempotency_key="click-1") == done
    # Without a key it is a new request to take the action, refused where it is.
    with NothingStored(rules, "r1"), pytest.raises(ActionNotAllowed):
        rules.act("r1", "back", by=MEMBER)


def test_a_retry_carrying_the_version_it_first_read_returns_the_original(rules: Engine) -> None:
    case = open_rules(rules)
    version = case.version
    first = rules.submit(
        "r1", "intake", INTAKE, by=LEAD, expected_version=version, idempotency_key="f"
    )
    with NothingStored(rules, "r1"):
        again = rules.submit(
            "r1", "intake", INTAKE, by=LEAD, expected_version=version, idempotency_key="f"
        )
    assert again == first
    # The version is not content: a retry without it is the same command.
    assert rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="f") == first
    # A stale version with a new key is a conflict, as ever.
    with NothingStored(rules, "r1"), pytest.raises(ConcurrencyConflict):
        rules.submit("r1", "intake", INTAKE, by=LEAD, expected_version=version, idempotency_key="g")


def test_every_named_method_takes_a_key(rules: Engine) -> None:
    calls: list[Callable[[], Case]] = [
        lambda: rules.open_case("rules", by=LEAD, case_id="r1", idempotency_key="open"),
        lambda: rules.assign("r1", MEMBER, "member", by=LEAD, idempotency_key="a1"),
        lambda: rules.assign("r1", HELPER, "helper", by=LEAD, idempotency_key="a2"),
        lambda: rules.assign("r1", GUEST, "guest", by=LEAD, idempotency_key="a3"),
        lambda: rules.assign("r1", "zoe", "guest", by=LEAD, idempotency_key="a4"),
        lambda: rules.unassign("r1", "zoe", "guest", by=LEAD, idempotency_key="u"),
        lambda: rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="s"),
        lambda: rules.act("r1", "begin", by=LEAD, idempotency_key="b"),
        lambda: rules.act("r1", "go_private", by=HELPER, idempotency_key="p"),
        lambda: rules.call_in("r1", "helper", by=MEMBER, idempotency_key="c"),
        lambda: rules.dismiss("r1", "helper", by=MEMBER, idempotency_key="d"),
        lambda: rules.submit("r1", "plan", PLAN, by=MEMBER, idempotency_key="pl"),
        lambda: rules.act("r1", "back", by=MEMBER, idempotency_key="back"),
    ]
    results = [call() for call in calls]
    for call, result in zip(calls, results, strict=True):
        with NothingStored(rules, "r1"):
            assert call() == result
    assert len(stored_keys(rules.store)) == len(calls)


def test_execute_and_the_named_method_share_keys(rules: Engine) -> None:
    open_rules(rules)
    by_method = rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="s")
    record = Submit(case_id="r1", artifact="intake", data=INTAKE, by=LEAD, idempotency_key="s")
    with NothingStored(rules, "r1"):
        assert rules.execute(record) == by_method


def test_keys_belong_to_their_case(rules: Engine) -> None:
    open_rules(rules, "r1")
    open_rules(rules, "r2")
    first = rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="same")
    second = rules.submit("r2", "intake", INTAKE, by=LEAD, idempotency_key="same")
    assert (first.id, second.id) == ("r1", "r2")
    assert second.artifacts["intake"]


def test_a_key_of_an_opening_finds_its_random_case_again(rules: Engine) -> None:
    first = rules.open_case("rules", by=LEAD, idempotency_key="new-case")
    with NothingStored(rules, first.id):
        assert rules.open_case("rules", by=LEAD, idempotency_key="new-case") == first
    assert list(rules.store.case_ids()) == [first.id]
    # Keys of openings are shared by every opening, whatever case they name.
    with NothingStored(rules), pytest.raises(IdempotencyConflict) as caught:
        rules.open_case("rules", by=LEAD, case_id="named", idempotency_key="new-case")
    assert caught.value.case_id == first.id


def test_an_opening_with_its_own_id_retried_returns_the_case_not_case_exists(
    rules: Engine,
) -> None:
    first = rules.open_case("rules", by=LEAD, case_id="r9", idempotency_key="o")
    rules.assign("r9", MEMBER, "member", by=LEAD)
    assert rules.open_case("rules", by=LEAD, case_id="r9", idempotency_key="o") == first
    with pytest.raises(CaseExists):
        rules.open_case("rules", by=LEAD, case_id="r9", idempotency_key="another")
    with pytest.raises(CaseExists):
        rules.open_case("rules", by=LEAD, case_id="r9")


def test_a_refused_command_records_no_key(rules: Engine) -> None:
    open_rules(rules)
    with NothingStored(rules, "r1"), pytest.raises(ArtifactInvalid):
        rules.submit("r1", "intake", {**INTAKE, "title": 1}, by=LEAD, idempotency_key="s")
    # The key is still free: the corrected command is carried out.
    done = rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="s")
    assert done.artifacts["intake"]


def test_a_keyed_command_that_changes_nothing_binds_its_key(clocked: Engine) -> None:
    case = clocked.open_case("clock", by=LEAD, case_id="c1")
    assert clocked.execute(CheckDeadlines(case_id="c1", idempotency_key="tick")) == case
    assert len(clocked.history_unfiltered("c1")) == case.version  # nothing was recorded
    assert [r[1] for r in stored_keys(clocked.store)] == ["tick"]  # but the key was
    with pytest.raises(IdempotencyConflict):
        clocked.execute(Act(case_id="c1", action="tick", by=LEAD, idempotency_key="tick"))


def test_a_date_and_its_iso_text_are_the_same_content(rules: Engine) -> None:
    open_rules(rules)
    assert isinstance(INTAKE["received"], date)
    first = rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key="s")
    as_text = {**INTAKE, "received": INTAKE["received"].isoformat()}
    reordered = dict(reversed(list(as_text.items())))
    with NothingStored(rules, "r1"):
        assert rules.submit("r1", "intake", reordered, by=LEAD, idempotency_key="s") == first
    with NothingStored(rules, "r1"), pytest.raises(IdempotencyConflict):
        rules.submit("r1", "intake", {**INTAKE, "score": 6}, by=LEAD, idempotency_key="s")


def test_another_engine_that_records_the_key_first_wins(clock: SimulatedClock) -> None:
    """The loser of a race finds the key at append, and answers with the winner's case."""
    from kwflow.store import MemoryStore

    store = MemoryStore()
    second = make_engine("rules", clock=clock, store=store, guards={"ready": _ready})
    command = Act(case_id="r1", action="begin", by=LEAD, idempotency_key="begin")
    won: list[Case] = []

    def ready(_: object) -> bool:
        # While the first engine decides, the same request reaches the second.
        if not won:
            won.append(second.execute(command))
        return True

    first = make_engine("rules", clock=clock, store=store, guards={"ready": ready})
    open_rules(first)
    first.submit("r1", "intake", INTAKE, by=LEAD)
    assert first.execute(command) == won[0]
    assert won[0].phase.id == "together"
    history = first.history_unfiltered("r1")
    assert sum(1 for e in history if e.payload.get("action") == "begin") == 1
    check_case(first, first.get_unfiltered("r1"))


@pytest.mark.parametrize("key", ["", 7, "a\x00b", "line\nbreak", "x" * 256])
def test_a_bad_key_is_refused_when_the_command_is_made(key: object) -> None:
    with pytest.raises((TypeError, ValueError), match="idempotency_key"):
        Act(case_id="r1", action="begin", by=LEAD, idempotency_key=key)  # type: ignore[arg-type]


def test_the_longest_key_is_accepted(rules: Engine) -> None:
    open_rules(rules)
    key = "ř" * 255
    first = rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key=key)
    assert rules.submit("r1", "intake", INTAKE, by=LEAD, idempotency_key=key) == first


# -- the property: a keyed command sent twice leaves the store as once ---------------------

_RULES = fixture_process("rules")
_PEOPLE = st.sampled_from([LEAD, MEMBER, HELPER, GUEST, "zoe"])
# Random commands are mostly refused; these are often carried out somewhere.
_LIKELY: list[Input] = [
    Assign(case_id="r1", person="zoe", role="member", by=LEAD),
    Assign(case_id="r1", person="zoe", role="member", by=MEMBER),
    Unassign(case_id="r1", person=GUEST, role="guest", by=LEAD),
    Submit(case_id="r1", artifact="intake", data=INTAKE, by=LEAD),
    Submit(case_id="r1", artifact="plan", data=PLAN, by=MEMBER),
    Submit(case_id="r1", artifact="note", data={"body": "seen"}, by=LEAD),
    Act(case_id="r1", action="begin", by=LEAD),
    Act(case_id="r1", action="go_private", by=HELPER),
    Act(case_id="r1", action="ping", by=MEMBER),
    Act(case_id="r1", action="back", by=MEMBER),
    Act(case_id="r1", action="note_seen", by=MEMBER),
    CallIn(case_id="r1", role="helper", by=MEMBER),
    Dismiss(case_id="r1", role="helper", by=MEMBER),
    CheckDeadlines(case_id="r1"),
    AdvanceClock(timedelta(days=3)),
]
_INPUTS = st.one_of(
    st.sampled_from(_LIKELY),
    st.sampled_from(_LIKELY),
    commands(_RULES, case_id="r1", who=_PEOPLE),
)
_SETUPS: dict[str, Callable[[Engine], object]] = {
    "opened": open_rules,
    "private": rules_in_private,
    "review": rules_in_review,
}


def _feed(engine: Engine, clock: SimulatedClock, drawn: Input) -> None:
    if isinstance(drawn, AdvanceClock):
        clock.advance(drawn.delta)
        return
    with contextlib.suppress(KwflowError):
        engine.execute(drawn)


def _everything(engine: Engine) -> tuple[Any, ...]:
    return store_state(engine.store), tuple(stored_keys(engine.store))


@settings(max_examples=100, deadline=None)
@given(
    setup=st.sampled_from(sorted(_SETUPS)),
    before=st.lists(_INPUTS, max_size=4),
    drawn=_INPUTS.filter(lambda drawn: not isinstance(drawn, AdvanceClock)),
    after=st.lists(_INPUTS, max_size=3),
    cached=st.booleans(),
)
def test_a_keyed_command_sent_twice_leaves_the_store_as_once(
    setup: str, before: list[Input], drawn: Command, after: list[Input], cached: bool
) -> None:
    clock = SimulatedClock(START)
    engine = make_engine(
        "rules", clock=clock, guards={"ready": _ready}, cache_size=10_000 if cached else 0
    )
    _SETUPS[setup](engine)
    for step in before:
        _feed(engine, clock, step)
    command = attrs.evolve(drawn, idempotency_key="the-key")
    try:
        first: Case | type[KwflowError] = engine.execute(command)
    except KwflowError as exc:
        first = type(exc)
    event(f"{type(drawn).__name__}: {'refused' if isinstance(first, type) else 'carried out'}")
    once = _everything(engine)
    # An hour later (a retry never decides again, so no breach is recorded by it).
    clock.advance(timedelta(hours=1))
    if isinstance(first, type):
        with pytest.raises(first):
            engine.execute(command)
        assert _everything(engine) == once
        return
    assert engine.execute(command) == first
    assert _everything(engine) == once
    # Whatever happens to the case meanwhile, the answer stays the original.
    for step in after:
        _feed(engine, clock, step)
    later = _everything(engine)
    assert engine.execute(command) == first
    assert _everything(engine) == later
