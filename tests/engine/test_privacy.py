"""Reads scoped to a person: strangers, capabilities, field rights, history_for, the read log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from kwflow import Capability, Engine, HistoryEntry, ReasonCode, Registry, SimulatedClock
from kwflow.definition import load_process_text
from kwflow.engine import CaseViewJSON, HistoryEntryJSON, ReadEntryJSON
from kwflow.exceptions import InvalidQuery, InvalidValue, NotPermitted, WrongType
from kwflow.history import new_event, thaw, verify_history
from kwflow.store import MemoryStore
from tests.support.paths import ROOT
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    Unchanged,
    fixture_process,
    rules_in_private,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow.definition import Process
    from kwflow.i18n import Language

STRANGER = "zoe"
PLAN_WITH_SUMMARY: dict[str, Any] = {**PLAN, "summary": "the family's own words"}
RULES_TEXT = (ROOT / "tests" / "engine" / "fixtures" / "rules.yaml").read_text(encoding="utf-8")


def rules_with_rights() -> Process:
    """The rules process where a guest reads the plan's items only and only helpers write notes."""
    text = RULES_TEXT.replace(
        "    write: [member]\n    read: [lead]\n",
        "    write: [member]\n    read: [lead]\n"
        "    read_fields:\n      - {role: guest, fields: [items]}\n",
    ).replace("    write: [helper, lead]\n", "    write: [helper]\n")
    assert text != RULES_TEXT
    return load_process_text(text)


def engine_with_rights(clock: SimulatedClock, **options: Any) -> Engine:
    found = Registry()
    found.add(rules_with_rights())
    return Engine(
        found,
        store=options.pop("store", None) or MemoryStore(),
        clock=clock,
        guards={"ready": lambda context: True},
        **options,
    )


def with_plan_and_note(engine: Engine, case_id: str = "r1") -> None:
    """A rules case in review with the plan (items and summary) and a helper's note."""
    rules_in_private(engine, case_id)
    engine.call_in(case_id, "helper", by=MEMBER)
    engine.submit(case_id, "plan", PLAN_WITH_SUMMARY, by=MEMBER)
    engine.act(case_id, "back", by=MEMBER)
    engine.submit(case_id, "note", {"body": "helper's private note"}, by=HELPER)


@pytest.fixture
def rights(clock: SimulatedClock) -> Engine:
    engine = engine_with_rights(clock)
    with_plan_and_note(engine)
    return engine


# ----------------------------------------------------------------- strangers


def _texts(error: NotPermitted) -> str:
    return " ".join([str(error), error.render("cs"), json.dumps(error.to_dict())])


def test_a_stranger_gets_not_permitted_from_every_person_scoped_call_and_learns_nothing(
    rights: Engine,
) -> None:
    case = rights.get_unfiltered("r1")
    calls: list[Callable[[], object]] = [
        lambda: rights.view("r1", STRANGER),
        lambda: rights.history_for("r1", STRANGER),
        lambda: rights.available_actions("r1", STRANGER),
    ]
    for call in calls:
        with Unchanged(rights, "r1"), pytest.raises(NotPermitted) as refused:
            call()
        error = refused.value
        assert error.code == "actor.not-permitted"
        assert [r.code for r in error.reasons] == [ReasonCode.NOT_A_PARTICIPANT]
        assert error.params == {"actor": STRANGER, "command": "read", "case_id": "r1"}
        assert "takes no part in the case" in str(error)
        assert "se případu neúčastní" in error.render("cs")
        text = _texts(error)
        secrets = [*case.participants, *case.artifacts, *case.deadlines, case.phase.id]
        secrets += ["family's own words", "helper's private note", INTAKE["title"]]
        assert [secret for secret in secrets if secret in text] == []
    assert rights.inbox(STRANGER) == []
    assert rights.find_cases(person=STRANGER) == []
    assert rights.read_log(person=STRANGER) == []


def test_a_newcomer_with_a_case_of_their_own_cannot_read_another_case(
    clock: SimulatedClock,
) -> None:
    engine = engine_with_rights(clock)
    with_plan_and_note(engine, "r1")
    newcomer = "nina"
    engine.open_case("rules", by=newcomer, case_id="mine")
    for read in (engine.view, engine.history_for, engine.available_actions):
        with Unchanged(engine, "r1"), pytest.raises(NotPermitted):
            read("r1", newcomer)
    # Their own lists hold their own case only.
    assert [s.id for s in engine.find_cases(person=newcomer)] == ["mine"]
    assert [item.case.id for item in engine.inbox(newcomer)] in ([], ["mine"])
    # Acting on the other case tells them nothing of it either.
    attempts: list[Callable[[], object]] = [
        lambda: engine.act("r1", "finish", by=newcomer),
        lambda: engine.act("r1", "begin", by=newcomer),
        lambda: engine.submit("r1", "note", {"body": "x"}, by=newcomer),
    ]
    for attempt in attempts:
        with Unchanged(engine, "r1"), pytest.raises(NotPermitted) as refused:
            attempt()
        text = _texts(refused.value)
        leaks = [s for s in (LEAD, MEMBER, HELPER, GUEST, "review", "plan") if s in text]
        assert leaks == []
    # Only what they read of their own case is logged.
    engine.view("mine", newcomer)
    assert {entry.case_id for entry in engine.read_log(person=newcomer)} <= {"mine"}


# ------------------------------------------------------------- capabilities


def test_supervision_reads_as_the_opener_role_and_audit_reads_everything(
    clock: SimulatedClock,
) -> None:
    engine = engine_with_rights(clock, grants={"sara": [Capability.SUPERVISION], "dana": ["audit"]})
    with_plan_and_note(engine)
    supervisor = engine.view("r1", "sara")
    assert supervisor.access == "supervision"
    assert supervisor.person_roles == ()
    # The lead reads intake, plan and decision, never the helper's note.
    assert set(supervisor.artifacts) == {"intake", "plan"}
    assert supervisor.hidden == ("note",)
    auditor = engine.view("r1", "dana")
    assert auditor.access == "audit"
    assert set(auditor.artifacts) == {"intake", "plan", "note"}
    assert auditor.hidden == ()
    assert [e.access for e in engine.read_log(case_id="r1")] == ["supervision"] * 2 + ["audit"] * 3
    # A supervisor may ask what could be done; each option says they hold no role.
    options = engine.available_actions("r1", "sara")
    assert options
    assert all(not option.allowed for option in options)


def test_grants_may_be_a_function_of_person_and_case(clock: SimulatedClock) -> None:
    asked: list[tuple[str, str]] = []

    def grants(person: str, case_id: str) -> list[str]:
        asked.append((person, case_id))
        return ["audit"] if (person, case_id) == ("dana", "r1") else []

    engine = engine_with_rights(clock, grants=grants)
    with_plan_and_note(engine, "r1")
    with_plan_and_note(engine, "r2")
    assert engine.view("r1", "dana").access == "audit"
    with pytest.raises(NotPermitted):
        engine.view("r2", "dana")
    assert ("dana", "r2") in asked


def test_an_unknown_capability_is_refused_not_ignored(clock: SimulatedClock) -> None:
    engine = engine_with_rights(clock, grants={"sara": ["superuser"]})
    with_plan_and_note(engine)
    with Unchanged(engine, "r1"), pytest.raises(InvalidValue) as refused:
        engine.view("r1", "sara")
    assert "superuser" in str(refused.value)
    assert refused.value.render("cs") != str(refused.value)
    with pytest.raises(WrongType):
        engine_with_rights(clock, grants=["sara"])


# ---------------------------------------------------------- per-field rights


def test_a_role_in_read_fields_sees_only_those_fields_in_the_view(rights: Engine) -> None:
    guest = rights.view("r1", GUEST)
    plan = guest.latest("plan")
    assert plan is not None
    assert thaw(plan.data) == {"items": PLAN["items"]}
    assert guest.hidden_fields == {"plan": ("summary",)}
    assert set(guest.hidden) == {"intake", "note"}
    data = guest.to_dict()
    CaseViewJSON.model_validate(data)
    (shown,) = [a for a in data["artifacts"] if a["id"] == "plan"]
    assert shown["hidden_fields"] == ["summary"]
    assert "family's own words" not in json.dumps(data)
    # Who reads the plan whole still reads all of it.
    lead_plan = rights.view("r1", LEAD).latest("plan")
    assert lead_plan is not None
    assert lead_plan.data["summary"] == PLAN_WITH_SUMMARY["summary"]


# --------------------------------------------------------------- history_for


def _timeline(entries: tuple[HistoryEntry, ...]) -> list[tuple[int, str, str, object]]:
    return [(e.sequence, e.type, e.actor, e.at) for e in entries]


@pytest.mark.parametrize("person", [LEAD, MEMBER, HELPER, GUEST])
def test_history_for_keeps_the_timeline_and_redacts_by_read_rights(
    rights: Engine, person: str
) -> None:
    events = rights.history_unfiltered("r1")
    entries = rights.history_for("r1", person)
    assert _timeline(entries) == [(e.sequence, e.type, e.actor, e.at) for e in events]
    process = rights.process_of("r1")
    roles = set(rights.get_unfiltered("r1").roles_of(person))
    for event, entry in zip(events, entries, strict=True):
        HistoryEntryJSON.model_validate(entry.to_dict())
        document = event.payload.get("records") or (
            event.payload if event.type == "artifact_submitted" else None
        )
        if document is None:
            assert entry.payload == event.payload
            assert entry.redacted is None
            continue
        artifact = process.artifact(document["artifact"])
        assert artifact is not None
        whole = roles & {*artifact.read, *artifact.write}
        some = {f for r in artifact.read_fields if r.role in roles for f in r.fields}
        shown = entry.payload.get("records") or entry.payload
        assert shown["artifact"] == artifact.id
        assert shown["version"] == document["version"]
        if whole:
            assert entry.payload == event.payload
        elif some:
            assert set(shown["data"]) == set(document["data"]) & some
            assert entry.hidden_fields == tuple(f.id for f in artifact.fields if f.id not in some)
        else:
            assert "data" not in shown
            assert entry.redacted == artifact.id
    text = json.dumps([entry.to_dict() for entry in entries])
    if person not in (LEAD, MEMBER):
        assert "family's own words" not in text
    if person != HELPER:
        assert "helper's private note" not in text


# -------------------------------------------------------------- the read log


def test_view_and_history_for_are_logged_with_who_what_when_and_how(
    rights: Engine, clock: SimulatedClock
) -> None:
    now = clock.now()
    rights.view("r1", GUEST)
    rights.history_for("r1", MEMBER)
    log = rights.read_log(case_id="r1")
    assert [(e.person, e.artifact, e.versions, e.fields, e.call) for e in log] == [
        (GUEST, "plan", (1,), ("items",), "view"),
        (MEMBER, "plan", (1,), (), "history_for"),
    ]
    assert all(e.at == now and e.access == "participant" for e in log)
    assert [e.number for e in log] == [1, 2]
    for entry in log:
        ReadEntryJSON.model_validate(entry.to_dict())
    assert rights.read_log(person=MEMBER) == log[1:]
    assert rights.read_log(case_id="r1", limit=1) == log[:1]
    assert rights.read_log(case_id="r1", after=log[0].number) == log[1:]
    assert rights.read_log(case_id="other") == []


def test_reading_the_log_takes_only_sound_parameters(rights: Engine) -> None:
    for bad in (
        {"limit": 0},
        {"limit": 1001},
        {"after": -1},
        {"after": "1"},
        {"person": ""},
    ):
        with pytest.raises(InvalidQuery) as refused:
            rights.read_log(**bad)
        assert refused.value.code == "query.invalid"
        assert refused.value.render("cs") != str(refused.value)


def test_the_read_log_can_be_turned_off(clock: SimulatedClock) -> None:
    engine = engine_with_rights(clock, read_log=False)
    with_plan_and_note(engine)
    engine.view("r1", LEAD)
    engine.history_for("r1", LEAD)
    assert engine.read_log() == []


def test_a_refused_read_logs_nothing(rights: Engine) -> None:
    with pytest.raises(NotPermitted):
        rights.view("r1", STRANGER)
    assert rights.read_log() == []


# --------------------------------------------------------- private family time


def test_calling_in_and_dismissing_record_the_role_not_the_family_member(rules: Engine) -> None:
    rules_in_private(rules)
    rules.call_in("r1", "helper", by=MEMBER)
    rules.dismiss("r1", "helper", by=MEMBER)
    events = rules.history_unfiltered("r1")[-2:]
    assert [(e.type, e.actor) for e in events] == [
        ("called_in", "role:member"),
        ("dismissed", "role:member"),
    ]
    assert MEMBER not in json.dumps([e.to_dict() for e in events])
    rules.verify("r1")
    assert rules.replay_unfiltered("r1") == rules.get_unfiltered("r1")
    # Who it was is still checked when it is decided.
    with Unchanged(rules, "r1"), pytest.raises(NotPermitted):
        rules.call_in("r1", "helper", by=GUEST)


def test_a_history_written_before_with_the_person_as_actor_still_replays(
    rules: Engine,
) -> None:
    rules_in_private(rules)
    case = rules.call_in("r1", "helper", by=MEMBER)
    old = []
    prev = None
    for event in rules.history_unfiltered("r1"):
        actor = MEMBER if event.actor == "role:member" else event.actor
        rebuilt = new_event(
            case_id=event.case_id,
            sequence=event.sequence,
            type=event.type,
            at=event.at,
            actor=actor,
            payload=event.payload,
            prev_hash=prev if prev is not None else event.prev_hash,
        )
        prev = rebuilt.hash
        old.append(rebuilt)
    assert old[-1].actor == MEMBER
    verify_history(old, case_id="r1")
    store = MemoryStore()
    store.append("r1", 0, old)
    engine = Engine(rules.registry, store=store, clock=rules.clock)
    replayed = engine.replay_unfiltered("r1")
    assert replayed.called_in == case.called_in == ("helper",)
    assert replayed.phase == case.phase
    assert engine.history_for("r1", MEMBER)[-1].actor == MEMBER


# ------------------------------------------------------------ process files


def test_read_fields_are_left_out_of_the_content_hash_while_empty() -> None:
    plain = fixture_process("rules")
    explicit = load_process_text(
        RULES_TEXT.replace("    write: [member]\n", "    write: [member]\n    read_fields: []\n")
    )
    assert explicit.content_hash == plain.content_hash
    assert rules_with_rights().content_hash != plain.content_hash


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("{role: guest, fields: [nothing]}", "unknown-field"),
        ("{role: nobody, fields: [items]}", "unknown-role"),
        ("{role: lead, fields: [items]}", "read-fields-overlap"),
        ("{role: member, fields: [items]}", "read-fields-overlap"),
    ],
)
def test_read_fields_name_known_roles_and_fields_outside_read_and_write(
    entry: str, rule: str
) -> None:
    from kwflow.definition import check_process, parse_process

    text = RULES_TEXT.replace(
        "    write: [member]\n    read: [lead]\n",
        f"    write: [member]\n    read: [lead]\n    read_fields:\n      - {entry}\n",
    )
    problems = check_process(parse_process(text))
    found = [p for p in problems if p.rule == rule]
    assert found, problems
    assert all(p.line is not None for p in found)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Only some fields"), ("cs", "Jen některá pole")]
)
def test_the_process_page_says_who_reads_only_some_fields(lang: Language, words: str) -> None:
    from kwflow.authoring import render_process_page

    page = render_process_page(rules_with_rights(), lang=lang)
    line = next(line for line in page.splitlines() if line.startswith(words))
    assert "`items`" in line
    assert "`summary`" not in line


ONE_PERSON_TWO_ROLES = """
id: two_roles
version: 1
title: {cs: Dvě role, en: Two roles}
opener: worker
roles:
  - id: worker
    label: {cs: Pracovník, en: Worker}
    kind: authority
    min: 1
    exclusive_with: [coordinator, parent]
  - id: coordinator
    label: {cs: Koordinátor, en: Coordinator}
    kind: independent
    exclusive_with: [worker]
    assigned_by: [worker]
  - id: parent
    label: {cs: Rodič, en: Parent}
    kind: family
    exclusive_with: [worker]
    assigned_by: [worker]
phases:
  - id: private
    label: {cs: Soukromě, en: Private}
    initial: true
    present: [parent, worker]
    on_call: [coordinator]
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: closed}
actions:
  - {id: close, label: {cs: Uzavřít, en: Close}, from: [private], to: closed, by: [worker]}
invariants:
  - id: coordinator_stays_out
    label: {cs: Koordinátor nejedná, en: The coordinator does not act}
    kind: role_never_acts_in
    role: coordinator
    phase: private
"""


@pytest.mark.parametrize("first", ["coordinator", "parent"])
def test_one_person_in_two_roles_is_recorded_under_the_first_present_in_file_order(
    clock: SimulatedClock, first: str
) -> None:
    from kwflow.testing import invariant_violations

    registry = Registry()
    registry.add(load_process_text(ONE_PERSON_TWO_ROLES))
    engine = Engine(registry, store=MemoryStore(), clock=clock)
    engine.open_case("two_roles", by="wanda", case_id="t1")
    second = "parent" if first == "coordinator" else "coordinator"
    engine.assign("t1", "pat", first, by="wanda")
    engine.assign("t1", "pat", second, by="wanda")
    # Only present as a parent: the call-in is the parent's, whichever came first.
    engine.call_in("t1", "coordinator", by="pat")
    # Present as both now: the coordinator comes first in the file.
    engine.dismiss("t1", "coordinator", by="pat")
    events = engine.history_unfiltered("t1")[-2:]
    assert [(e.type, e.actor) for e in events] == [
        ("called_in", "role:parent"),
        ("dismissed", "role:coordinator"),
    ]
    broken = invariant_violations(engine.process_of("t1"), engine.history_unfiltered("t1"))
    assert [(v.invariant, v.sequence) for v in broken] == [
        ("coordinator_stays_out", events[1].sequence)
    ]
