"""Organisations: who the holders of a role work for, and when a role may be assigned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kwflow import Assign, Engine, OpenCase, Organisation, Replace, Unassign
from kwflow.authoring import (
    SCENARIO_TEMPLATES,
    describe_command,
    dot_diagram,
    format_timeline,
    load_scenario,
    load_scenario_text,
    mermaid_diagram,
    render_process_page,
    run_scenario,
)
from kwflow.definition import Process, problem_text
from kwflow.engine import CaseViewJSON
from kwflow.exceptions import (
    ActionNotAllowed,
    DefinitionError,
    IdempotencyConflict,
    InvalidId,
    ReasonCode,
    WrongType,
)
from kwflow.store import MemoryStore
from tests.support.runtime import Unchanged, check_case, fixture_process, make_engine

SCENARIOS = Path(__file__).parent / "scenarios"
WORKER, PARENT, COORDINATOR, FACILITATOR = "jana", "marie", "karel", "eva"
OSPOD = Organisation("ospod_praha_2", "ospod")
OTHER_OSPOD = Organisation("ospod_brno", "ospod")
PROVIDER = Organisation("cesta_domu", "facilitation_provider")
OTHER_PROVIDER = Organisation("rodinne_konference", "facilitation_provider")
SERVICE = Organisation("sas_praha", "social_service")


@pytest.fixture
def engine() -> Engine:
    return make_engine("organisations")


def _prepared(engine: Engine, case_id: str = "o1") -> None:
    """A case past the family's consent, its OSPOD worker from OSPOD Praha 2."""
    engine.open_case("organisations", by=WORKER, case_id=case_id, organisation=OSPOD)
    engine.assign(case_id, PARENT, "parent", by=WORKER)
    engine.act(case_id, "consent", by=PARENT)


def _refusal(engine: Engine, command: Assign | Replace | OpenCase) -> ActionNotAllowed:
    case_id = None if isinstance(command, OpenCase) else command.case_id
    with Unchanged(engine, case_id), pytest.raises(ActionNotAllowed) as caught:
        engine.execute(command)
    return caught.value


def test_the_opener_carries_her_organisation_into_the_event_and_the_case(engine: Engine) -> None:
    case = engine.open_case("organisations", by=WORKER, case_id="o1", organisation=OSPOD)
    check_case(engine, case)
    assert dict(case.organisations) == {WORKER: OSPOD}
    (event,) = engine.history_unfiltered("o1")
    assert event.payload["organisation"] == {"id": "ospod_praha_2", "kind": "ospod"}
    assert case.to_dict()["organisations"] == {WORKER: {"id": "ospod_praha_2", "kind": "ospod"}}


def test_an_assignment_and_a_handover_record_the_incoming_persons_organisation(
    engine: Engine,
) -> None:
    _prepared(engine)
    case = engine.assign("o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER)
    check_case(engine, case)
    assert engine.history_unfiltered("o1")[-1].payload == {
        "person": COORDINATOR,
        "role": "coordinator",
        "organisation": {"id": "cesta_domu", "kind": "facilitation_provider"},
    }
    case = engine.replace(
        "o1", "coordinator", COORDINATOR, "pavel", by=WORKER, reason="Nemoc",
        organisation=OTHER_PROVIDER,
    )  # fmt: skip
    check_case(engine, case)
    assert engine.history_unfiltered("o1")[-1].payload["organisation"] == {
        "id": "rodinne_konference",
        "kind": "facilitation_provider",
    }
    # Whoever leaves the case leaves their organisation behind.
    assert dict(case.organisations) == {WORKER: OSPOD, "pavel": OTHER_PROVIDER}


def test_a_person_without_a_role_any_more_may_come_back_from_another_organisation(
    engine: Engine,
) -> None:
    _prepared(engine)
    engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=PROVIDER)
    case = engine.execute(Unassign(case_id="o1", person=FACILITATOR, role="facilitator", by=WORKER))
    assert FACILITATOR not in case.organisations
    case = engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=OTHER_PROVIDER)
    check_case(engine, case)
    assert case.organisations[FACILITATOR] == OTHER_PROVIDER


def test_opening_without_the_required_organisation_is_refused_and_stores_nothing(
    engine: Engine,
) -> None:
    error = _refusal(engine, OpenCase(process="organisations", by=WORKER, case_id="o1"))
    assert error.code == "action.not-allowed"
    assert error.params["command"] == "open"
    (reason,) = error.reasons
    assert reason.code is ReasonCode.ORGANISATION_MISSING
    assert reason.role == "referrer"
    assert reason.params == {"person": WORKER, "role": "referrer"}
    assert reason == "the role 'referrer' needs the organisation 'jana' works for"
    assert (
        reason.render("cs")
        == "u role 'referrer' je třeba uvést organizaci, ve které 'jana' pracuje"
    )
    assert error.render("cs").startswith("případ procesu 'organisations' teď nelze otevřít: ")
    assert list(engine.store.case_ids()) == []


def test_opening_from_an_organisation_of_a_kind_the_role_does_not_allow_is_refused(
    engine: Engine,
) -> None:
    error = _refusal(
        engine, OpenCase(process="organisations", by=WORKER, case_id="o1", organisation=SERVICE)
    )
    (reason,) = error.reasons
    assert reason.code is ReasonCode.ORGANISATION_KIND_NOT_ALLOWED
    assert reason.params == {
        "person": WORKER,
        "role": "referrer",
        "organisation": "sas_praha",
        "kind": "social_service",
        "kinds": "ospod",
    }
    assert "smí mít jen člověk z organizace druhu ospod" in reason.render("cs")


def test_an_organisation_of_a_kind_the_process_does_not_declare_is_refused(
    engine: Engine,
) -> None:
    _prepared(engine)
    error = _refusal(
        engine,
        Assign(
            case_id="o1",
            person=FACILITATOR,
            role="facilitator",
            by=WORKER,
            organisation=Organisation("nadace", "foundation"),
        ),
    )
    (reason,) = error.reasons
    assert reason.code is ReasonCode.UNKNOWN_ORGANISATION_KIND
    assert reason.params["kind"] == "foundation"
    assert reason.params["known"] == "facilitation_provider, ospod, social_service"
    assert reason.render("cs") == (
        "proces nezná druh organizace 'foundation'; "
        "zná facilitation_provider, ospod, social_service"
    )


def test_a_coordinator_from_an_ospod_or_without_an_organisation_is_refused(engine: Engine) -> None:
    _prepared(engine)
    forbidden = _refusal(
        engine,
        Assign(
            case_id="o1", person=COORDINATOR, role="coordinator", by=WORKER,
            organisation=OTHER_OSPOD,
        ),
    )  # fmt: skip
    (reason,) = forbidden.reasons
    assert reason.code is ReasonCode.ORGANISATION_KIND_FORBIDDEN
    assert reason == (
        "the role 'coordinator' is never held by people from an organisation of the kind "
        "'ospod'; 'karel' is from 'ospod_brno'"
    )
    assert reason.render("cs") == (
        "roli 'coordinator' nesmí mít člověk z organizace druhu 'ospod'; 'karel' je z 'ospod_brno'"
    )
    missing = _refusal(
        engine, Assign(case_id="o1", person=COORDINATOR, role="coordinator", by=WORKER)
    )
    assert [r.code for r in missing.reasons] == [ReasonCode.ORGANISATION_MISSING]


def test_a_coordinator_is_assigned_only_in_the_phases_the_role_names(engine: Engine) -> None:
    engine.open_case("organisations", by=WORKER, case_id="o1", organisation=OSPOD)
    error = _refusal(
        engine,
        Assign(
            case_id="o1", person=COORDINATOR, role="coordinator", by=WORKER, organisation=PROVIDER
        ),
    )
    (reason,) = error.reasons
    assert reason.code is ReasonCode.NOT_ASSIGNABLE_IN_PHASE
    assert reason.params == {"phases": "preparation", "phase": "referral", "role": "coordinator"}
    assert reason.render("cs") == (
        "roli 'coordinator' lze přidělit jen ve fázích preparation; případ je ve fázi 'referral'"
    )
    assert error.render("en") == (
        "\"assign 'karel' as coordinator\" is not allowed now: people are assigned to the role "
        "'coordinator' only in preparation; the case is in 'referral'"
    )
    assert error.render("cs") == (
        "osobě 'karel' teď nelze přidělit roli 'coordinator': roli 'coordinator' lze přidělit "
        "jen ve fázích preparation; případ je ve fázi 'referral'"
    )


def test_a_handover_is_allowed_in_a_phase_where_the_role_is_not_assignable(engine: Engine) -> None:
    _prepared(engine)
    engine.assign("o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER)
    engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=OTHER_PROVIDER)
    engine.act("o1", "convene", by=COORDINATOR)
    # In the conference nobody new is assigned as coordinator, but one may take over.
    with Unchanged(engine, "o1"), pytest.raises(ActionNotAllowed):
        engine.assign("o1", "pavel", "coordinator", by=WORKER, organisation=PROVIDER)
    case = engine.replace(
        "o1", "coordinator", COORDINATOR, "pavel", by=WORKER, reason="Nemoc", organisation=PROVIDER
    )
    check_case(engine, case)
    assert case.roles["coordinator"] == ("pavel",)


def test_a_facilitator_from_the_referrers_organisation_is_refused(engine: Engine) -> None:
    _prepared(engine)
    error = _refusal(
        engine,
        Assign(case_id="o1", person=FACILITATOR, role="facilitator", by=WORKER, organisation=OSPOD),
    )
    (reason,) = error.reasons
    assert reason.code is ReasonCode.SAME_ORGANISATION
    assert reason.params == {
        "person": FACILITATOR,
        "organisation": "ospod_praha_2",
        "kind": "ospod",
        "other_role": "referrer",
        "holders": WORKER,
        "role": "facilitator",
    }
    assert reason.render("cs") == (
        "'eva' je ze stejné organizace 'ospod_praha_2' jako jana v roli 'referrer'; role "
        "'facilitator' a 'referrer' nesmějí mít lidé z jedné organizace"
    )
    # From another OSPOD the facilitator may come (the rule is about the organisation).
    check_case(
        engine,
        engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=OTHER_OSPOD),
    )


def test_the_rule_binds_both_ways_an_incoming_referrer_from_the_facilitators_organisation(
    engine: Engine,
) -> None:
    _prepared(engine)
    engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=OTHER_OSPOD)
    error = _refusal(
        engine,
        Replace(
            case_id="o1", role="referrer", person=WORKER, successor="petra", by=WORKER,
            reason="Odchod", organisation=OTHER_OSPOD,
        ),
    )  # fmt: skip
    (reason,) = error.reasons
    assert reason.code is ReasonCode.SAME_ORGANISATION
    assert reason.role == "referrer"
    assert reason.params["other_role"] == "facilitator"
    assert reason.params["holders"] == FACILITATOR
    # A successor from the predecessor's own organisation is fine: her seat does not count.
    case = engine.replace(
        "o1", "referrer", WORKER, "petra", by=WORKER, reason="Odchod", organisation=OSPOD
    )
    check_case(engine, case)


def test_a_person_keeps_one_organisation_in_a_case(engine: Engine) -> None:
    _prepared(engine)
    engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=PROVIDER)
    error = _refusal(
        engine,
        Assign(
            case_id="o1", person=FACILITATOR, role="coordinator", by=WORKER,
            organisation=OTHER_PROVIDER,
        ),
    )  # fmt: skip
    assert [r.code for r in error.reasons] == [ReasonCode.ORGANISATION_CHANGED]
    assert error.reasons[0].params == {
        "person": FACILITATOR,
        "known": "cesta_domu",
        "organisation": "rodinne_konference",
        "role": "coordinator",
    }
    assert "má v jednom případu jednu organizaci" in error.reasons[0].render("cs")
    # Naming none (or the same one again) keeps the one known, and its rules apply to it.
    case = engine.assign("o1", FACILITATOR, "coordinator", by=WORKER)
    check_case(engine, case)
    assert case.organisations[FACILITATOR] == PROVIDER
    assert engine.history_unfiltered("o1")[-1].payload == {
        "person": FACILITATOR,
        "role": "coordinator",
    }


def test_an_action_requires_its_role_held_by_people_of_the_kinds_it_names(engine: Engine) -> None:
    _prepared(engine)
    engine.assign("o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER)
    options = {o.action: o for o in engine.available_actions("o1", COORDINATOR)}
    (reason,) = options["convene"].reasons
    assert reason.code is ReasonCode.ORGANISATION_REQUIREMENT_UNHELD
    assert reason.params == {"role": "facilitator", "kinds": "facilitation_provider"}
    assert reason.render("cs") == (
        "roli 'facilitator' nikdo nemá, a tak nikdo nemůže být z organizace druhu "
        "facilitation_provider"
    )
    engine.assign("o1", FACILITATOR, "facilitator", by=WORKER, organisation=SERVICE)
    options = {o.action: o for o in engine.available_actions("o1", COORDINATOR)}
    (reason,) = options["convene"].reasons
    assert reason.code is ReasonCode.ORGANISATION_REQUIREMENT
    assert reason.params == {
        "role": "facilitator",
        "kinds": "facilitation_provider",
        "people": "eva",
    }
    assert reason.to_dict()["message"]["cs"] == (
        "každý v roli 'facilitator' musí být z organizace druhu facilitation_provider; nejsou: eva"
    )
    with Unchanged(engine, "o1"), pytest.raises(ActionNotAllowed):
        engine.act("o1", "convene", by=COORDINATOR)
    engine.execute(Unassign(case_id="o1", person=FACILITATOR, role="facilitator", by=WORKER))
    engine.assign("o1", "ota", "facilitator", by=WORKER, organisation=OTHER_PROVIDER)
    options = {o.action: o for o in engine.available_actions("o1", COORDINATOR)}
    assert options["convene"].allowed
    (item,) = [i for i in engine.inbox(COORDINATOR) if i.case.id == "o1"]
    assert "convene" in [a.action for a in item.actions]
    check_case(engine, engine.act("o1", "convene", by=COORDINATOR))


def test_the_view_shows_everyones_organisation_with_the_kinds_label(engine: Engine) -> None:
    _prepared(engine)
    engine.assign("o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER)
    view = engine.view("o1", PARENT)
    assert dict(view.organisations) == {WORKER: OSPOD, COORDINATOR: PROVIDER}
    data = view.to_dict()
    CaseViewJSON.model_validate(json.loads(json.dumps(data)))
    assert data["organisations"] == [
        {
            "person": WORKER,
            "id": "ospod_praha_2",
            "kind": {
                "id": "ospod",
                "label": {"cs": "OSPOD", "en": "OSPOD (child protection authority)"},
            },
        },
        {
            "person": COORDINATOR,
            "id": "cesta_domu",
            "kind": {
                "id": "facilitation_provider",
                "label": {
                    "cs": "Organizace zajišťující facilitaci",
                    "en": "Facilitation provider",
                },
            },
        },
    ]


def test_an_organisation_is_validated_like_any_id() -> None:
    with pytest.raises(InvalidId):
        Organisation("", "ospod")
    with pytest.raises(InvalidId):
        Organisation("a" * 201, "ospod")
    with pytest.raises(WrongType):
        Organisation("ospod_1", 3)  # type: ignore[arg-type]
    with pytest.raises(WrongType):
        Assign(case_id="o1", person="p", role="r", by="b", organisation="ospod")  # type: ignore[arg-type]


def test_the_words_of_a_command_name_the_organisation() -> None:
    process = fixture_process("organisations")
    command = Assign(
        case_id="o1", person="eva", role="facilitator", by="jana", organisation=PROVIDER
    )
    assert describe_command(process, command, lang="cs") == (
        "přidělil(a) roli Facilitátor: eva (z organizace cesta_domu, "
        "Organizace zajišťující facilitaci)"
    )
    assert describe_command(process, command, lang="en") == (
        "assigned the role Facilitator: eva (from cesta_domu, Facilitation provider)"
    )
    opening = OpenCase(process="organisations", by="jana", organisation=OSPOD)
    assert describe_command(process, opening, lang="en") == (
        "opened the case (from ospod_praha_2, OSPOD (child protection authority))"
    )


def test_an_idempotency_key_covers_the_organisation(engine: Engine) -> None:
    _prepared(engine)
    first = engine.assign(
        "o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER, idempotency_key="k1"
    )
    again = engine.assign(
        "o1", COORDINATOR, "coordinator", by=WORKER, organisation=PROVIDER, idempotency_key="k1"
    )
    assert again == first
    with Unchanged(engine, "o1"), pytest.raises(IdempotencyConflict):
        engine.assign(
            "o1", COORDINATOR, "coordinator", by=WORKER, organisation=OTHER_PROVIDER,
            idempotency_key="k1",
        )  # fmt: skip


def test_a_scenario_names_organisations_in_its_cast_and_its_steps() -> None:
    store = MemoryStore()
    result = run_scenario(
        load_scenario(SCENARIOS / "organisations.yaml"), store=store, case_id="s1"
    )
    assert result.ok, format_timeline(result)
    case = make_engine("organisations", store=store).get_unfiltered("s1")
    assert dict(case.organisations) == {
        "jana": Organisation("ospod_praha_2", "ospod"),
        "karel": Organisation("cesta_domu", "facilitation_provider"),
        "eva": Organisation("rodinne_konference", "facilitation_provider"),
    }


def test_an_organisation_belongs_only_to_an_assign_or_replace_step() -> None:
    text = (
        "title: x\nprocess: {id: organisations, version: 1}\nstart: 2026-10-05 09:00\n"
        "opened_by: jana\npeople: {jana: {}}\nsteps:\n"
        "  - {who: jana, act: consent, organisation: {id: a, kind: ospod}}\n"
    )
    with pytest.raises(DefinitionError) as raised:
        load_scenario_text(text)
    (problem,) = raised.value.problems
    assert problem.code == "scenario.organisation-misplaced"
    assert "'organisation' patří jen ke krokům 'assign' a 'replace'" in problem_text(
        problem, "cs", SCENARIO_TEMPLATES
    )


def test_the_process_page_words_the_organisation_rules_and_the_phases_of_assignment() -> None:
    process = fixture_process("organisations")
    cs = render_process_page(process, lang="cs")
    en = render_process_page(process, lang="en")
    coordinator_cs = next(row for row in cs.splitlines() if "(`coordinator`)" in row)
    assert (
        "přiděluje se jen ve fázích: Příprava; organizace: musí být uvedena, nikdy druhu OSPOD, "
        "Sociální služba, nikdy táž jako u role Pracovník OSPOD"
    ) in coordinator_cs
    coordinator_en = next(row for row in en.splitlines() if "(`coordinator`)" in row)
    assert "assigned only in the phases: Preparation; organisation: must be named" in (
        coordinator_en
    )
    assert "## Druhy organizací" in cs
    assert "| Organizace zajišťující facilitaci (`facilitation_provider`) |" in cs
    assert "organizace držitelů role Facilitátor: Organizace zajišťující facilitaci" in cs
    assert "Once someone holds the role OSPOD worker, someone always does" in en


def test_the_diagram_notes_each_roles_rules_and_an_actions_organisation_requirement() -> None:
    process = fixture_process("organisations")
    text = mermaid_diagram(process, lang="cs")
    assert "přiděluje se jen ve fázích#58; Příprava" in text
    assert "organizace nikdy druhu#58; OSPOD, Sociální služba" in text
    assert (
        "Svolat konferenci [Koordinátor] (organizace Facilitátor#58; "
        "Organizace zajišťující facilitaci)"
    ) in text
    assert "nikdy táž jako u role" in dot_diagram(process, lang="cs")


def test_the_new_keys_change_the_content_hash_only_of_a_file_that_uses_them() -> None:
    process = fixture_process("organisations")
    dumped = process.model_dump(mode="json", by_alias=True, exclude_none=True)
    emptied = {
        **dumped,
        "organisation_kinds": [],
        "roles": [{**role, "organisation": None, "assignable_in": []} for role in dumped["roles"]],
        "actions": [
            {**action, "requires": {**action["requires"], "organisations": []}}
            for action in dumped["actions"]
        ],
    }
    without = {
        **{k: v for k, v in dumped.items() if k != "organisation_kinds"},
        "roles": [
            {k: v for k, v in role.items() if k not in ("organisation", "assignable_in")}
            for role in dumped["roles"]
        ],
        "actions": [
            {
                **action,
                "requires": {k: v for k, v in action["requires"].items() if k != "organisations"},
            }
            for action in dumped["actions"]
        ],
    }
    # Left empty, the keys hash as if the file had never had them: older cases keep their process.
    assert Process.model_validate(emptied).content_hash == (
        Process.model_validate(without).content_hash
    )
    assert Process.model_validate(without).content_hash != process.content_hash
