"""Errors a host can render: codes, params, Czech and English, JSON; bad input refused.

Every error kwflow raises has a stable code, its facts as text, a Czech
message written from them (never the English sentence translated) and a
JSON form that validates against `ErrorJSON`. Every bad input is refused
with its error class and code, in both languages, and changes nothing.
"""

from __future__ import annotations

import copy
import inspect
import json
import pickle
import string
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kwflow
from kwflow import (
    Act,
    Assign,
    CallIn,
    Dismiss,
    OpenCase,
    Reason,
    ReasonCode,
    SimulatedClock,
    Submit,
    Unassign,
)
from kwflow import exceptions as errors
from kwflow._error_messages import DETAILS
from kwflow.authoring import GraphvizNotFound
from kwflow.engine import ID_MAX_LENGTH
from kwflow.exceptions import (
    ActionNotAllowed,
    ArtifactInvalid,
    ErrorJSON,
    FieldError,
    FieldErrorJSON,
    GuardFailed,
    InvalidId,
    InvalidValue,
    KwflowError,
    NaiveDatetime,
    NotPermitted,
    Problem,
    ReasonJSON,
    WrongType,
)
from kwflow.i18n import render
from tests.support.czech import english_words
from tests.support.runtime import (
    GUEST,
    HELPER,
    INTAKE,
    LEAD,
    MEMBER,
    PLAN,
    Unchanged,
    make_engine,
    open_rules,
    rules_in_private,
)

ALL_ERRORS = sorted(
    (
        cls
        for cls in vars(errors).values()
        if inspect.isclass(cls)
        and issubclass(cls, KwflowError)
        and cls is not KwflowError
        and not cls.__name__.startswith("_")  # a base of errors, never raised itself
    ),
    key=lambda cls: cls.__name__,
)

_PROBLEM = Problem("p.yaml", 3, 5, "roles[0]", "unknown role 'x'", code="unknown-role")

EXAMPLES: dict[type[KwflowError], KwflowError] = {
    errors.DefinitionError: errors.DefinitionError([_PROBLEM]),
    errors.ProcessNotFound: errors.ProcessNotFound("rules", 2),
    errors.CaseNotFound: errors.CaseNotFound("c-1"),
    errors.IdempotencyConflict: errors.IdempotencyConflict("form-7f3a", "c-1"),
    errors.CheckpointInvalid: errors.CheckpointInvalid("bad-signature"),
    errors.InvalidQuery: errors.InvalidQuery("limit", 5000, "limit", max=1000),
    errors.IndexOutOfDate: errors.IndexOutOfDate("c-1", ["phase", "outcome"]),
    errors.UnknownName: errors.UnknownName("action", "fly", ["begin", "drop"]),
    ActionNotAllowed: ActionNotAllowed(
        "begin",
        [
            Reason(
                ReasonCode.MISSING_ARTIFACT, "the artifact 'intake' is missing", artifact="intake"
            )
        ],
        facts={"action": "begin"},
    ),
    NotPermitted: NotPermitted(
        "max",
        "take the action 'begin'",
        [
            Reason(
                ReasonCode.LACKS_ROLE,
                "it needs one of the roles lead; 'max' holds member",
                role="lead",
                params={"roles": "lead", "person": "max", "held": "member"},
            )
        ],
        facts={"action": "begin"},
    ),
    ArtifactInvalid: ArtifactInvalid(
        "intake", [FieldError.of("title", "field.too-long", max="50")]
    ),
    errors.ConcurrencyConflict: errors.ConcurrencyConflict("c-1", 3, 4),
    errors.TamperedHistory: errors.TamperedHistory("c-1", 2, "hash-mismatch"),
    errors.StorageError: errors.StorageError("disk full", case_id="c-1"),
    errors.MalformedEvent: errors.MalformedEvent("c-1", 2, "bad JSON"),
    errors.SchemaTooNew: errors.SchemaTooNew("the database", 9, 3),
    errors.InvalidEvents: errors.InvalidEvents("c-1", "sequence 5 does not follow 3"),
    errors.CaseExists: errors.CaseExists("c-1"),
    errors.ProcessChanged: errors.ProcessChanged("c-1", "rules", 1, "a" * 64, "b" * 64),
    InvalidId: InvalidId("by", "too-long", limit=ID_MAX_LENGTH, kind="person-id"),
    WrongType: WrongType("expected_version", "int", "str"),
    InvalidValue: InvalidValue("expected_version", "non-negative", "-1"),
    NaiveDatetime: NaiveDatetime("2026-10-05T10:00:00"),
    GuardFailed: GuardFailed("ready", "5"),
    errors.SubjectNotFound: errors.SubjectNotFound("c-1", "nobody"),
    errors.SubjectErased: errors.SubjectErased("c-1", "child-1"),
    errors.HoldConflict: errors.HoldConflict("c-1", "held"),
    errors.CaseOnHold: errors.CaseOnHold("c-1", "court proceedings"),
    errors.NotDueForDisposal: errors.NotDueForDisposal(
        "c-1", "not-yet", "2036-01-01T00:00:00+00:00"
    ),
    errors.DataKeyUnavailable: errors.DataKeyUnavailable("c-1", "child-1", "no-ring"),
    errors.CaseDisposed: errors.CaseDisposed("c-1", "2036-01-01T00:00:00+00:00"),
    errors.EarlierCaseNotFound: errors.EarlierCaseNotFound("c-0"),
    errors.FollowUpNotDeclared: errors.FollowUpNotDeclared("control_conference", "c-0", "rules"),
    errors.EarlierCaseOpen: errors.EarlierCaseOpen("c-0", ["held"]),
    errors.EarlierOutcomeNotListed: errors.EarlierOutcomeNotListed("c-0", "called_off", ["held"]),
    errors.NotInEarlierCase: errors.NotInEarlierCase("max", "c-0"),
    errors.CarryOverInvalid: errors.CarryOverInvalid(
        "previous_minutes", "c-0", "minutes", [FieldError.of("follow_up_on", "field.missing")]
    ),
    errors.MigrationPlanNotFound: errors.MigrationPlanNotFound("c-1", "rules", 1, 2),
    errors.MigrationRefused: errors.MigrationRefused(
        "c-1", 2, "role-too-many", role="lead", count=2, max=1
    ),
    errors.ReadOnly: errors.ReadOnly("calendar", "_id"),
    errors.MalformedRecord: errors.MalformedRecord("case", "not a case in the JSON form: 'id'"),
    errors.InvalidKey: errors.InvalidKey("short-secret", key_id="k1"),
    errors.KeysMissing: errors.KeysMissing(),
    errors.CalendarExists: errors.CalendarExists("cz"),
    errors.OutOfCalendarRange: errors.OutOfCalendarRange("9999-12-30", 5, 1, 9999),
    errors.ProcessFilesMissing: errors.ProcessFilesMissing("processes/missing.yaml"),
    errors.GraphvizFailed: errors.GraphvizFailed(1, "syntax error in line 3 near '->'"),
    errors.InvalidTrace: errors.InvalidTrace("no-holder", role="lead"),
}


def assert_renders(error: KwflowError) -> dict[str, Any]:
    """The error has a code and text params, Czech with no English, and valid JSON."""
    assert error.code != "error"
    assert "." in error.code
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in error.params.items())
    assert error.render("en") == str(error)
    czech = error.render("cs")
    assert czech
    assert czech != str(error)
    assert "požadavek nelze provést (chyba" not in czech, "no Czech entry for the code"
    names = [*error.params.values(), *_reason_names(error)]
    assert english_words(czech, names) == [], (error.code, czech)
    data = error.to_dict()
    again = json.loads(json.dumps(data))
    assert again == data
    ErrorJSON.model_validate(again)
    assert again["code"] == error.code
    assert again["message"] == {"cs": czech, "en": str(error)}
    return data


def _reason_names(error: KwflowError) -> list[str]:
    reasons = getattr(error, "reasons", ())
    return [value for reason in reasons for value in reason.params.values()]


# ------------------------------------------------------------------ every error class


def test_every_error_class_has_an_example_and_its_own_code() -> None:
    assert set(EXAMPLES) == set(ALL_ERRORS)
    codes = [cls.code for cls in ALL_ERRORS]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_every_error_renders_in_czech_and_english_and_as_json(cls: type[KwflowError]) -> None:
    error = EXAMPLES[cls]
    assert type(error) is cls
    assert_renders(error)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_every_error_crosses_a_process_boundary_intact(cls: type[KwflowError]) -> None:
    # Worker pools and job queues pickle what a worker raises.
    error = EXAMPLES[cls]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert str(again) == str(error)
    assert again.to_dict() == error.to_dict()


def test_a_new_error_class_gets_params_and_czech_for_free() -> None:
    class Late(KwflowError, RuntimeError):
        code = "test.late"

        def __init__(self, case_id: str, days: int) -> None:
            self.case_id = case_id
            self.days = days
            super().__init__(f"case {case_id!r} is {days} days late")

    error = Late("c-1", 3)
    assert error.params == {"case_id": "c-1", "days": "3"}
    # No Czech entry yet: Czech still, naming the code, never the English sentence.
    assert error.render("cs") == "požadavek nelze provést (chyba test.late)"
    ErrorJSON.model_validate(error.to_dict())


def test_an_error_of_a_layer_above_keeps_its_own_czech() -> None:
    error = GraphvizNotFound("svg")
    assert error.code == "diagram.graphviz-missing"
    assert error.params == {"image_format": "svg"}
    assert error.render("cs").startswith("kreslení ve formátu svg potřebuje program Graphviz")
    assert_renders(error)


def test_the_json_of_an_error_has_a_schema() -> None:
    schema = ErrorJSON.model_json_schema()
    assert set(schema["required"]) == {"code", "params", "message"}
    assert {"reasons", "errors", "problems"} <= set(schema["properties"])


def test_a_broken_process_file_lists_its_problems_in_the_json() -> None:
    data = EXAMPLES[errors.DefinitionError].to_dict()
    assert data["params"] == {"count": "1"}
    (problem,) = data["problems"]
    assert problem["code"] == "unknown-role"
    assert problem["line"] == 3


# ------------------------------------------------------------------ no English in Czech


def _english_sentences(error: KwflowError) -> list[str]:
    """The English free text an error carries: its reason, detail, and params of 3+ words."""
    texts = [getattr(error, "reason", None), getattr(error, "detail", None)]
    texts += [value for value in error.params.values() if len(value.split()) >= 3]
    return [text for text in texts if isinstance(text, str) and text]


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda cls: cls.__name__)
def test_the_czech_of_an_error_repeats_no_english_reason(cls: type[KwflowError]) -> None:
    error = EXAMPLES[cls]
    czech = error.render("cs")
    for english in _english_sentences(error):
        assert english not in czech, (error.code, english, czech)
    reason = getattr(error, "reason", None)
    if isinstance(reason, str):
        # The English rendering ends with the reason; the Czech never does.
        assert str(error).endswith(reason)
        assert not czech.endswith(reason)


_REASON_ERRORS: dict[str, Any] = {
    "history.tampered": lambda reason, facts: errors.TamperedHistory("c-1", 4, reason, **facts),
    "checkpoint.invalid": lambda reason, facts: errors.CheckpointInvalid(reason, **facts),
    "query.invalid": lambda reason, facts: errors.InvalidQuery("after", "x", reason, **facts),
    "keys.invalid": lambda reason, facts: errors.InvalidKey(reason, **facts),
    "testing.invalid-trace": lambda reason, facts: errors.InvalidTrace(reason, **facts),
    "migration.refused": lambda reason, facts: errors.MigrationRefused("c-1", 2, reason, **facts),
}
_REASONS = [(code, reason) for code, reasons in DETAILS.items() for reason in reasons]


def _fields(template: object) -> set[str]:
    assert isinstance(template, str)
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(("code", "reason"), _REASONS, ids=["/".join(r) for r in _REASONS])
def test_every_reason_of_an_error_has_its_code_and_both_languages(code: str, reason: str) -> None:
    entry = DETAILS[code][reason]
    assert set(entry) == {"cs", "en"}
    facts = dict.fromkeys(_fields(entry["en"]) | _fields(entry["cs"]), "7")
    error = _REASON_ERRORS[code](reason, facts)
    assert error.code == code
    assert error.reason_code == reason
    assert error.params["reason_code"] == reason
    assert {name: error.params[name] for name in facts} == facts
    assert error.reason == render(entry["en"], facts)
    assert str(error).endswith(error.reason)
    czech = error.render("cs")
    assert czech.endswith(render(entry["cs"], facts))
    assert error.reason not in czech
    assert english_words(czech, error.params.values()) == [], czech
    assert_renders(error)


def test_every_error_with_reason_codes_is_tested() -> None:
    assert set(_REASON_ERRORS) == set(DETAILS)


def test_a_reason_given_as_text_stays_english_and_out_of_the_czech() -> None:
    error = errors.TamperedHistory("c-1", 2, "the disk ate it")
    assert error.reason == "the disk ate it"
    assert error.reason_code == "other"
    assert error.params == {
        "case_id": "c-1",
        "sequence": "2",
        "reason_code": "other",
        "detail": "the disk ate it",
    }
    assert str(error) == "history of case 'c-1' fails at event 2: the disk ate it"
    assert error.render("cs") == "historie případu 'c-1' neprošla kontrolou u události č. 2"


def test_a_tampered_history_says_why_in_czech() -> None:
    error = errors.TamperedHistory(
        "c-1", 3, "vanished", when="2026-10-05T08:00:00+00:00", version=3
    )
    assert error.reason == (
        "the case has vanished: the checkpoint of 2026-10-05T08:00:00+00:00 saw it at version 3"
    )
    assert error.render("cs") == (
        "historie případu 'c-1' neprošla kontrolou u události č. 3: případ zmizel: kontrolní "
        "bod z 2026-10-05T08:00:00+00:00 ho viděl ve verzi 3"
    )
    assert error.to_dict()["params"] == {
        "case_id": "c-1",
        "sequence": "3",
        "reason_code": "vanished",
        "when": "2026-10-05T08:00:00+00:00",
        "version": "3",
    }


# ------------------------------------------------------------------ reasons


def test_a_reason_is_its_english_message_and_carries_its_facts() -> None:
    reason = Reason(
        ReasonCode.ROLE_NOT_ASSIGNED,
        "the role 'member' needs at least 1 person assigned",
        role="member",
        params={"needed": "1"},
    )
    assert reason == "the role 'member' needs at least 1 person assigned"
    assert "needs at least" in reason
    assert reason.message == str(reason)
    assert reason.params == {"role": "member", "needed": "1"}
    assert reason.render("cs") == "role 'member' potřebuje alespoň 1 osobu"
    ReasonJSON.model_validate(reason.to_dict())
    assert pickle.loads(pickle.dumps(reason)) == reason
    assert copy.deepcopy(reason) == reason
    with pytest.raises(AttributeError):
        reason.role = "lead"
    other = Reason(ReasonCode.OTHER, reason.message)
    assert other != reason  # same text, another code
    assert hash(other) == hash(reason)


def test_a_host_reason_given_as_text_is_kept_as_it_is() -> None:
    error = ActionNotAllowed("begin", ["rodina ještě nesouhlasí"])
    (reason,) = error.reasons
    assert reason.code is ReasonCode.OTHER
    assert error.render("cs") == "úkon 'begin' teď nelze provést: rodina ještě nesouhlasí"


@given(
    roles=st.lists(st.sampled_from(["lead", "member", "helper"]), min_size=1, unique=True),
    held=st.lists(st.sampled_from(["guest", "observer"]), unique=True),
    count=st.integers(min_value=0, max_value=30),
)
def test_every_reason_code_renders_in_czech(roles: list[str], held: list[str], count: int) -> None:
    facts = {
        "outcome": "done",
        "phases": ", ".join(roles),
        "phase": "work/private",
        "roles": ", ".join(roles),
        "person": "eva",
        "held": ", ".join(held),
        "waiting": ", ".join(held),
        "present": ", ".join(held),
        "check": "min_count",
        "value": str(count),
        "no_version": "true",
        "needed": str(count),
        "text": "",
        "max": str(count),
        "min": str(count),
        "holders": "eva",
        "writable": ", ".join(roles),
        "on_call": "",
        "action": "begin",
        "organisation": "ngo_1",
        "kind": "ospod",
        "kinds": ", ".join(roles),
        "known": "ngo_2",
        "other_role": "referrer",
        "people": ", ".join(held),
    }
    for code in ReasonCode:
        if code is ReasonCode.OTHER:
            continue
        reason = Reason(
            code,
            "english",
            artifact="plan",
            field="items",
            role="lead",
            guard="ready",
            params=facts,
        )
        czech = reason.render("cs")
        assert czech != "english"
        assert english_words(czech, reason.params.values()) == [], (code, czech)


# ------------------------------------------------------------------ refusals


@pytest.fixture
def engine() -> kwflow.Engine:
    return make_engine("rules", guards={"ready": lambda context: True})


def test_a_missing_role_is_refused_with_the_role_it_needs(engine: kwflow.Engine) -> None:
    open_rules(engine)
    with Unchanged(engine, "r1"), pytest.raises(NotPermitted) as caught:
        engine.act("r1", "begin", by=MEMBER)
    error = caught.value
    (reason,) = error.reasons
    assert reason.code is ReasonCode.LACKS_ROLE
    assert reason.role == "lead"
    assert reason.params["roles"] == "lead"
    assert reason.params["held"] == "member"
    data = assert_renders(error)
    assert error.code == "actor.not-permitted"
    assert error.params == {"actor": MEMBER, "command": "act", "action": "begin"}
    assert data["reasons"][0]["role"] == "lead"
    assert data["message"]["cs"] == (
        "'max' nesmí provést úkon 'begin': potřebuje jednu z rolí lead; 'max' má member"
    )
    # The same reason as available_actions gives (which lists the others too:
    # the error names only who may act, so a stranger learns nothing more).
    options = {option.action: option for option in engine.available_actions("r1", MEMBER)}
    assert error.reasons == tuple(r for r in options["begin"].reasons if r.code.permission)


def test_a_refusal_carries_the_reasons_available_actions_gives(engine: kwflow.Engine) -> None:
    rules_in_private(engine)
    engine.submit("r1", "plan", {**PLAN, "summary": "done"}, by=MEMBER)
    engine.act("r1", "back", by=MEMBER)
    options = {option.action: option for option in engine.available_actions("r1", LEAD)}
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed) as caught:
        engine.act("r1", "finish", by=LEAD, data={"result": "yes"})
    assert caught.value.reasons == options["finish"].reasons
    (reason,) = caught.value.reasons
    assert (reason.code, reason.artifact, reason.field) == (
        ReasonCode.FIELD_CONDITION,
        "plan",
        "summary",
    )
    assert reason.params["check"] == "absent"
    data = assert_renders(caught.value)
    assert data["reasons"] == [reason.to_dict()]
    assert data["message"]["cs"] == (
        "úkon 'finish' teď nelze provést: pole 'summary' dokumentu 'plan' nesmí mít hodnotu"
    )


def test_every_reason_of_an_action_is_in_czech(engine: kwflow.Engine) -> None:
    engine.open_case("rules", by=LEAD, case_id="r1")
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed) as caught:
        engine.act("r1", "begin", by=LEAD)
    codes = {reason.code for reason in caught.value.reasons}
    assert {ReasonCode.MISSING_ARTIFACT, ReasonCode.FIELD_CONDITION} <= codes
    assert ReasonCode.ROLE_NOT_ASSIGNED in codes
    assert_renders(caught.value)


def _refuse_guard(context: object) -> bool | str:
    return "rodina ještě nesouhlasí"


REFUSALS: list[tuple[str, Any, type[KwflowError], ReasonCode, str]] = [
    (
        "already holds",
        lambda e: e.assign("r1", MEMBER, "member", by=LEAD),
        ActionNotAllowed,
        ReasonCode.ALREADY_HOLDS,
        "osobě 'max' teď nelze přidělit roli 'member': 'max' už má roli 'member'",
    ),
    (
        "role full",
        lambda e: e.assign("r1", "zoe", "helper", by=LEAD),
        ActionNotAllowed,
        ReasonCode.ROLE_FULL,
        (
            "osobě 'zoe' teď nelze přidělit roli 'helper': roli 'helper' smí mít nejvýš "
            "1 osoba a mají ji hana"
        ),
    ),
    (
        "exclusive",
        lambda e: (
            e.assign("r1", MEMBER, "guest", by=LEAD)
            and e.assign("r1", GUEST, "member", by=LEAD)
            and e.unassign("r1", HELPER, "helper", by=LEAD)
            and e.assign("r1", MEMBER, "helper", by=LEAD)
        ),
        ActionNotAllowed,
        ReasonCode.EXCLUSIVE_ROLES,
        (
            "osobě 'max' teď nelze přidělit roli 'helper': 'max' má roli member, kterou nelze "
            "mít zároveň s rolí 'helper'"
        ),
    ),
    (
        "not holding",
        lambda e: e.unassign("r1", "zoe", "guest", by=LEAD),
        ActionNotAllowed,
        ReasonCode.NOT_HOLDING,
        "osobě 'zoe' teď nelze odebrat roli 'guest': 'zoe' nemá roli 'guest'",
    ),
    (
        "minimum",
        lambda e: e.unassign("r1", MEMBER, "member", by=LEAD),
        ActionNotAllowed,
        ReasonCode.ROLE_MINIMUM,
        (
            "osobě 'max' teď nelze odebrat roli 'member': roli 'member' musí mít alespoň 1 osoba; "
            "nejdřív ji přidělte někomu dalšímu"
        ),
    ),
    (
        "not replaceable",
        lambda e: e.replace("r1", "member", MEMBER, "nova", by=LEAD, reason="odchod"),
        ActionNotAllowed,
        ReasonCode.NOT_REPLACEABLE,
        (
            "roli 'member' teď nelze předat od 'max' osobě 'nova': roli 'member' proces "
            "nedovoluje nikomu předat (nemá 'replaced_by')"
        ),
    ),
    (
        "assigner lacks role",
        lambda e: e.assign("r1", "zoe", "guest", by=MEMBER),
        NotPermitted,
        ReasonCode.LACKS_ROLE,
        "'max' nesmí přidělovat roli 'guest': potřebuje jednu z rolí lead; 'max' má member",
    ),
    (
        "not writable",
        lambda e: e.submit("r1", "plan", PLAN, by=MEMBER),
        ActionNotAllowed,
        ReasonCode.NOT_WRITABLE,
        (
            "dokument 'plan' teď nelze uložit: fáze 'intake' nedovoluje zapisovat 'plan'; "
            "dovoluje intake, note"
        ),
    ),
    (
        "writer lacks role",
        lambda e: e.submit("r1", "intake", INTAKE, by=GUEST),
        NotPermitted,
        ReasonCode.LACKS_ROLE,
        "'gus' nesmí zapisovat dokument 'intake': potřebuje jednu z rolí lead; 'gus' má guest",
    ),
    (
        "not on call",
        lambda e: e.call_in("r1", "helper", by=LEAD),
        ActionNotAllowed,
        ReasonCode.NOT_ON_CALL,
        (
            "roli 'helper' teď nelze přizvat: role 'helper' není ve fázi 'intake' na zavolání; "
            "na zavolání jsou: žádné role"
        ),
    ),
    (
        "not called in",
        lambda e: e.dismiss("r1", "helper", by=LEAD),
        ActionNotAllowed,
        ReasonCode.NOT_CALLED_IN,
        "roli 'helper' teď nelze propustit: role 'helper' není přizvána",
    ),
    (
        "takes no data",
        lambda e: (
            e.submit("r1", "intake", INTAKE, by=LEAD)
            and e.act("r1", "drop", by=LEAD, data={"x": 1})
        ),
        ActionNotAllowed,
        ReasonCode.TAKES_NO_DATA,
        (
            "úkon 'drop' teď nelze provést: nezaznamenává žádný dokument, a tak nepřijímá žádná "
            "data (zadejte 'data=None')"
        ),
    ),
    (
        "wrong phase",
        lambda e: e.act("r1", "go_private", by=HELPER),
        ActionNotAllowed,
        ReasonCode.WRONG_PHASE,
        (
            "úkon 'go_private' teď nelze provést: provádí se ve fázi together; případ je ve fázi "
            "'intake'; 'hana' není ve fázi 'intake' přítomen jako helper"
        ),
    ),
    (
        "closed",
        lambda e: e.act("r1", "drop", by=LEAD) and e.act("r1", "drop", by=LEAD),
        ActionNotAllowed,
        ReasonCode.CLOSED,
        (
            "úkon 'drop' teď nelze provést: případ je uzavřen s výsledkem 'dropped'; nic dalšího "
            "se už nestane"
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "command", "kind", "code", "czech"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_each_refusal_has_its_code_and_czech(
    *,
    engine: kwflow.Engine,
    name: str,
    command: Any,
    kind: type[KwflowError],
    code: ReasonCode,
    czech: str,
) -> None:
    open_rules(engine)
    with pytest.raises(kind) as caught:
        # Setup steps, if any, come first; the refused command is the last.
        command(engine)
    error = caught.value
    assert code in {reason.code for reason in error.reasons}  # type: ignore[attr-defined]
    assert error.render("cs") == czech
    assert_renders(error)


def test_a_guard_refusal_keeps_the_hosts_words_and_is_rendered(engine: kwflow.Engine) -> None:
    engine.register_guard("ready", _refuse_guard)
    open_rules(engine)
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    with Unchanged(engine, "r1"), pytest.raises(ActionNotAllowed) as caught:
        engine.act("r1", "begin", by=LEAD)
    (reason,) = caught.value.reasons
    assert reason.code is ReasonCode.GUARD_REFUSED
    assert reason.render("cs") == "kontrola 'ready' to nedovolila: rodina ještě nesouhlasí"
    assert reason.params == {"guard": "ready", "text": "rodina ještě nesouhlasí"}


def test_a_call_in_by_someone_absent_names_who_is_present(engine: kwflow.Engine) -> None:
    rules_in_private(engine)
    with Unchanged(engine, "r1"), pytest.raises(NotPermitted) as caught:
        engine.call_in("r1", "helper", by=GUEST)
    (reason,) = caught.value.reasons
    assert reason.code is ReasonCode.NOT_PRESENT
    assert reason.params["present"] == "member"
    assert caught.value.render("cs") == (
        "'gus' nesmí přizvat roli 'helper': 'gus' není ve fázi 'private' přítomen jako guest; "
        "přítomni jsou: member"
    )
    assert_renders(caught.value)


# ------------------------------------------------------------------ artifact data

NAIVE = datetime(2026, 10, 5, 10, 0)  # noqa: DTZ001 - the bad input under test

FIELD_CASES: list[tuple[dict[str, Any], str, str, str, dict[str, str]]] = [
    ({"title": "x" * 51}, "title", "field.too-long", "smí mít nejvýš 50 znaků", {"max": "50"}),
    (
        {"kind": "z"},
        "kind",
        "field.not-allowed-value",
        "musí být jedna z hodnot 'a', 'b', 'c'",
        {"allowed": "'a', 'b', 'c'"},
    ),
    (
        {"kind": 1},
        "kind",
        "field.not-allowed-value",
        "musí být jedna z hodnot 'a', 'b', 'c'",
        {"allowed": "'a', 'b', 'c'"},
    ),
    ({"score": 11}, "score", "field.too-large", "smí být nejvýš 10", {"max": "10"}),
    ({"score": 0}, "score", "field.too-small", "musí být alespoň 1", {"min": "1"}),
    ({"score": "5"}, "score", "field.not-integer", "očekává se celé číslo", {}),
    ({"urgent": "yes"}, "urgent", "field.not-bool", "očekává se ano, nebo ne (true/false)", {}),
    (
        {"received": "tomorrow"},
        "received",
        "field.not-date",
        "očekává se datum, například 2026-10-27",
        {},
    ),
    (
        {"meeting_at": NAIVE},
        "meeting_at",
        "field.naive-datetime",
        "datum a čas potřebuje časové pásmo (posun, například +01:00)",
        {},
    ),
    ({"fee": 10.5}, "fee", "field.not-money", "", {}),
    ({"fee": "10.505"}, "fee", "field.money-precision", "částka má nejvýš dvě desetinná místa", {}),
    ({"title": "   "}, "title", "field.blank", "nesmí být prázdné", {}),
    ({"colour": "red"}, "colour", "field.unknown", "takové pole neexistuje", {}),
    ({"notes": "none"}, "notes", "field.not-list", "očekává se seznam záznamů", {}),
    (
        {"notes": [{"text": "a", "by": "zoe"}]},
        "notes[0].by",
        "field.not-participant",
        "'zoe' se případu neúčastní",
        {"person": "zoe"},
    ),
    (
        {"contact": GUEST},
        "contact",
        "field.lacks-role",
        "'gus' nemá žádnou z rolí member",
        {"person": GUEST, "roles": "member"},
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "code", "czech", "params"),
    FIELD_CASES,
    ids=[case[2] + ":" + case[1] for case in FIELD_CASES],
)
def test_each_field_error_has_a_code_and_kwflows_own_words(
    *,
    engine: kwflow.Engine,
    change: dict[str, Any],
    path: str,
    code: str,
    czech: str,
    params: dict[str, str],
) -> None:
    open_rules(engine)
    with Unchanged(engine, "r1"), pytest.raises(ArtifactInvalid) as caught:
        engine.submit("r1", "intake", {**INTAKE, **change}, by=LEAD)
    error = caught.value
    (field,) = error.errors
    assert (field.path, field.code, dict(field.params)) == (path, code, params)
    if czech:
        assert field.render("cs") == czech
    # Never pydantic's wording ("Input should be ...", "String should have ...").
    assert "should" not in field.message
    assert "Input" not in field.message
    FieldErrorJSON.model_validate(field.to_dict())
    data = assert_renders(error)
    assert data["errors"] == [field.to_dict()]
    assert english_words(field.render("cs"), field.params.values()) == []


def test_a_missing_field_and_a_field_error_of_the_data_as_a_whole(engine: kwflow.Engine) -> None:
    open_rules(engine)
    data = {key: value for key, value in INTAKE.items() if key != "title"}
    with Unchanged(engine, "r1"), pytest.raises(ArtifactInvalid) as caught:
        engine.submit("r1", "intake", data, by=LEAD)
    assert [(e.path, e.code) for e in caught.value.errors] == [("title", "field.missing")]
    with Unchanged(engine, "r1"), pytest.raises(ArtifactInvalid) as caught:
        engine.submit("r1", "intake", 5, by=LEAD)  # type: ignore[arg-type]
    assert [(e.path, e.code) for e in caught.value.errors] == [("", "field.not-object")]
    assert caught.value.render("cs") == (
        "dokument 'intake' není vyplněn správně: očekává se objekt s hodnotami polí"
    )


# ------------------------------------------------------------------ bad input


BAD_IDS: list[tuple[object, type[KwflowError], type[Exception], str]] = [
    ("", InvalidId, ValueError, "empty"),
    ("x" * (ID_MAX_LENGTH + 1), InvalidId, ValueError, "too-long"),
    ("ev\x00a", InvalidId, ValueError, "control-character"),
    ("eva\n", InvalidId, ValueError, "control-character"),
    (None, WrongType, TypeError, ""),
    (7, WrongType, TypeError, ""),
]


ID_COMMANDS: dict[str, Any] = {
    "open.by": lambda v: OpenCase(process="rules", by=v),
    "open.case_id": lambda v: OpenCase(process="rules", by=LEAD, case_id=v),
    "open.process": lambda v: OpenCase(process=v, by=LEAD),
    "assign.person": lambda v: Assign(case_id="r1", person=v, role="guest", by=LEAD),
    "assign.role": lambda v: Assign(case_id="r1", person="zoe", role=v, by=LEAD),
    "unassign.case_id": lambda v: Unassign(case_id=v, person=GUEST, role="guest", by=LEAD),
    "submit.artifact": lambda v: Submit(case_id="r1", artifact=v, data={}, by=LEAD),
    "act.action": lambda v: Act(case_id="r1", action=v, by=LEAD),
    "act.case_id": lambda v: Act(case_id=v, action="drop", by=LEAD),
    "call_in.role": lambda v: CallIn(case_id="r1", role=v, by=LEAD),
    "dismiss.by": lambda v: Dismiss(case_id="r1", role="helper", by=v),
}


@pytest.mark.parametrize(("value", "cls", "builtin", "problem"), BAD_IDS)
@pytest.mark.parametrize("command", sorted(ID_COMMANDS))
def test_a_bad_id_is_refused_before_anything_happens(
    *,
    engine: kwflow.Engine,
    command: str,
    value: object,
    cls: type[KwflowError],
    builtin: type[Exception],
    problem: str,
) -> None:
    open_rules(engine)
    if command == "open.case_id" and value is None:
        # Not a bad id: a new case without an id gets one made.
        assert len(engine.execute(ID_COMMANDS[command](value)).id) == 32
        return
    with Unchanged(engine, "r1"), pytest.raises(cls) as caught:
        engine.execute(ID_COMMANDS[command](value))
    error = caught.value
    assert isinstance(error, builtin)
    assert_renders(error)
    if problem:
        assert error.params["problem"] == problem
        assert error.code == "input.invalid-id"
    else:
        assert error.code == "input.wrong-type"
    # The value itself is never repeated back: it may be huge or hold a NUL.
    assert "\x00" not in str(error)
    assert len(str(error)) < 200


def test_the_named_methods_refuse_bad_ids_too(engine: kwflow.Engine) -> None:
    open_rules(engine)
    with Unchanged(engine, "r1"), pytest.raises(InvalidId) as caught:
        engine.act("", "drop", by=LEAD)
    assert caught.value.render("cs") == "'case_id' je identifikátor a nesmí být prázdný"
    assert str(caught.value) == "case_id is an id and may not be empty"
    with Unchanged(engine, "r1"), pytest.raises(WrongType) as wrong:
        engine.act("r1", "drop", by=None)  # type: ignore[arg-type]
    assert str(wrong.value) == "by is a person id (a string), not NoneType"
    assert wrong.value.render("cs") == "'by' je identifikátor osoby (text), ne NoneType"
    with Unchanged(engine, "r1"), pytest.raises(InvalidId) as long:
        engine.assign("r1", "p" * 100_000, "guest", by=LEAD)
    assert long.value.render("cs") == ("'person' je identifikátor osoby a smí mít nejvýš 200 znaků")


READS: dict[str, Any] = {
    "view": lambda e, v: e.view("r1", v),
    "available_actions": lambda e, v: e.available_actions("r1", v),
    "inbox": lambda e, v: e.inbox(v),
    "find_cases": lambda e, v: e.find_cases(person=v),
}


@pytest.mark.parametrize(("value", "cls", "builtin", "problem"), BAD_IDS)
@pytest.mark.parametrize("read", sorted(READS))
def test_a_bad_person_id_is_refused_by_reads_as_by_a_command(
    *,
    engine: kwflow.Engine,
    read: str,
    value: object,
    cls: type[KwflowError],
    builtin: type[Exception],
    problem: str,
) -> None:
    open_rules(engine)
    if read == "find_cases" and value is None:
        # Not a bad id: find_cases without a person lists everyone's cases.
        assert [summary.id for summary in engine.find_cases(person=value)] == ["r1"]
        return
    with pytest.raises(cls) as command:
        Assign(case_id="r1", person=value, role="guest", by=LEAD)  # type: ignore[arg-type]
    with Unchanged(engine, "r1"), pytest.raises(cls) as caught:
        READS[read](engine, value)
    error = caught.value
    assert isinstance(error, builtin)
    # The same error, word for word, as the command with that person id gives.
    assert error.to_dict() == command.value.to_dict()
    assert error.params["what"] == "person"
    if problem:
        assert error.params == {
            "what": "person",
            "kind": "person-id",
            "problem": problem,
            "limit": str(ID_MAX_LENGTH),
        }
    assert_renders(error)


@pytest.mark.parametrize("read", ["view", "available_actions"])
def test_a_bad_case_id_is_refused_by_reads_as_by_a_command(
    engine: kwflow.Engine, read: str
) -> None:
    open_rules(engine)
    with pytest.raises(InvalidId) as command:
        Act(case_id="ev\x00a", action="drop", by=LEAD)
    with Unchanged(engine, "r1"), pytest.raises(InvalidId) as caught:
        getattr(engine, read)("ev\x00a", LEAD)
    assert caught.value.to_dict() == command.value.to_dict()
    assert caught.value.render("cs") == (
        "'case_id' je identifikátor a nesmí obsahovat řídicí znaky (třeba NUL nebo konec řádku)"
    )
    assert str(caught.value) == (
        "case_id is an id and may not contain control characters (such as NUL or a line break)"
    )
    # A bad person is refused before the case is looked for, as a command's is.
    with pytest.raises(InvalidId):
        getattr(engine, read)("no-such-case", "")


def test_a_good_person_id_that_takes_no_part_is_checked_and_then_refused_as_a_stranger() -> None:
    engine = make_engine("rules", guards={"ready": lambda context: True})
    open_rules(engine)
    # The id passes the id check; the read is refused for privacy, not as bad input.
    with pytest.raises(NotPermitted) as refused:
        engine.view("r1", "stranger")
    assert [r.code for r in refused.value.reasons] == ["not_a_participant"]
    assert engine.inbox("stranger") == []
    assert engine.find_cases(person="stranger") == []


@given(
    text=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=ID_MAX_LENGTH + 5
    )
)
def test_an_id_is_accepted_exactly_when_it_keeps_the_limits(text: str) -> None:
    fine = 0 < len(text) <= ID_MAX_LENGTH and not any(
        ord(c) < 32 or 127 <= ord(c) < 160 for c in text
    )
    try:
        Act(case_id=text, action="drop", by=LEAD)
    except InvalidId:
        assert not fine
    else:
        assert fine


@pytest.mark.parametrize(
    ("version", "cls", "builtin"),
    [
        ("1", WrongType, TypeError),
        (True, WrongType, TypeError),
        (1.0, WrongType, TypeError),
        (-1, InvalidValue, ValueError),
    ],
)
def test_expected_version_must_be_a_whole_number_never_a_false_conflict(
    *, engine: kwflow.Engine, version: object, cls: type[KwflowError], builtin: type[Exception]
) -> None:
    case = open_rules(engine)
    assert case.version == 4
    with Unchanged(engine, "r1"), pytest.raises(cls) as caught:
        engine.act("r1", "drop", by=LEAD, expected_version=version)  # type: ignore[arg-type]
    assert isinstance(caught.value, builtin)
    assert not isinstance(caught.value, errors.ConcurrencyConflict)
    assert caught.value.params["what"] == "expected_version"
    assert_renders(caught.value)


def test_a_wrong_expected_version_is_still_a_conflict(engine: kwflow.Engine) -> None:
    open_rules(engine)
    with Unchanged(engine, "r1"), pytest.raises(errors.ConcurrencyConflict) as caught:
        engine.act("r1", "drop", by=LEAD, expected_version=1)
    assert caught.value.code == "case.version-conflict"
    assert caught.value.render("cs") == (
        "případ 'r1' je už ve verzi 4, ne 1: načtěte ho znovu a rozhodněte se znovu"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.due(before=NAIVE),
        lambda e: e.record_breaches(NAIVE),
        lambda e: e.record_case_breaches("r1", now=NAIVE),
        lambda e: SimulatedClock(NAIVE),
        lambda e: e.clock.set(NAIVE),
    ],
    ids=["due", "record_breaches", "record_case_breaches", "SimulatedClock", "clock.set"],
)
def test_a_naive_datetime_is_refused(engine: kwflow.Engine, call: Any) -> None:
    open_rules(engine)
    with Unchanged(engine, "r1"), pytest.raises(NaiveDatetime) as caught:
        call(engine)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "input.naive-datetime"
    assert str(caught.value) == (
        "2026-10-05T10:00:00 has no timezone: kwflow only works with aware datetimes"
    )
    assert caught.value.render("cs") == (
        "2026-10-05T10:00:00 nemá časové pásmo: kwflow pracuje jen s datem a časem včetně "
        "časového pásma"
    )
    assert_renders(caught.value)


def test_a_moment_that_is_not_a_datetime_is_refused(engine: kwflow.Engine) -> None:
    with pytest.raises(WrongType) as caught:
        engine.due(before="2026-10-05")  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert_renders(caught.value)


def test_bad_engine_arguments_are_kwflow_errors() -> None:
    with pytest.raises(InvalidValue) as caught:
        make_engine("rules", snapshot_every=-1)
    assert isinstance(caught.value, ValueError)
    assert_renders(caught.value)
    engine = make_engine("rules")
    with pytest.raises(WrongType) as wrong:
        engine.register_guard("ready", 5)  # type: ignore[arg-type]
    assert isinstance(wrong.value, TypeError)
    assert wrong.value.render("cs") == "'ready' je funkce (callable), ne int"


def _nonsense_guard(context: object) -> Any:
    return 5


def test_execute_refuses_what_is_not_a_command(engine: kwflow.Engine) -> None:
    open_rules(engine)
    for nonsense in ("act", None, {"case_id": "r1"}):
        with Unchanged(engine, "r1"), pytest.raises(WrongType) as caught:
            engine.execute(nonsense)  # type: ignore[arg-type]
        assert caught.value.params["expected"] == "command"
        assert_renders(caught.value)


def test_a_clock_advanced_by_nonsense_is_a_kwflow_error() -> None:
    clock = SimulatedClock(datetime(2026, 10, 5, 8, tzinfo=UTC))
    with pytest.raises(WrongType) as caught:
        clock.advance("1 day")  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert caught.value.render("cs") == "'delta' je doba (timedelta), ne str"
    assert clock.now() == datetime(2026, 10, 5, 8, tzinfo=UTC)


def test_a_guard_that_returns_nonsense_is_a_kwflow_error() -> None:
    engine = make_engine("rules", guards={"ready": _nonsense_guard})
    open_rules(engine)
    engine.submit("r1", "intake", INTAKE, by=LEAD)
    with Unchanged(engine, "r1"), pytest.raises(GuardFailed) as caught:
        engine.act("r1", "begin", by=LEAD)
    assert isinstance(caught.value, TypeError)
    assert (
        str(caught.value) == "the guard 'ready' returned 5; a guard returns True or a reason string"
    )
    assert_renders(caught.value)


def test_a_case_that_is_not_there_renders_in_czech(engine: kwflow.Engine) -> None:
    with Unchanged(engine), pytest.raises(errors.CaseNotFound) as caught:
        engine.act("nope", "drop", by=LEAD)
    assert caught.value.render("cs") == "případ 'nope' neexistuje"
    assert caught.value.to_dict() == {
        "code": "case.not-found",
        "params": {"case_id": "nope"},
        "message": {"cs": "případ 'nope' neexistuje", "en": "no case with id 'nope'"},
    }
