"""Views and action options as JSON: plain types, every label, and true to their schemas.

Cases of both shipped processes are walked to their outcomes; after every
accepted step, the view of every participant (and of a stranger) and every
action option is turned into JSON and validated against its model
(``CaseViewJSON``, ``ActionOptionJSON``), and its facts are compared with
the records they came from.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwflow import Engine, OpenCase, Registry
from kwflow.authoring import load_scenario, run_scenario
from kwflow.cli import main as cli_main
from kwflow.definition import Label
from kwflow.engine import (
    VIEW_SCHEMAS,
    ActionOptionJSON,
    CaseViewJSON,
    view_json_schema,
)
from kwflow.engine._views import label_to_dict
from kwflow.exceptions import KwflowError, NotPermitted, ReasonJSON
from kwflow.store import MemoryStore
from kwflow.testing import AdvanceClock, commands
from tests.support.outcomes import (
    COORDINATOR,
    MOTHER,
    PARENT,
    REFERRER,
    CaseConference,
    FamilyConference,
    local,
)
from tests.support.paths import PROCESSES, SCENARIO_FILES

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow import Case

STRANGER = "nobody-here"


def _plain(data: Any) -> Any:
    """``data`` after a trip through JSON text (it must be equal: plain JSON types only)."""
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again == data
    return again


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def check_json(engine: Engine, case: Case) -> None:
    """Every participant's view and options as valid and true JSON; a stranger gets none."""
    process = engine.process_of(case.id)
    if STRANGER not in case.participants:
        with pytest.raises(NotPermitted):
            engine.view(case.id, STRANGER)
        with pytest.raises(NotPermitted):
            engine.available_actions(case.id, STRANGER)
    for person in case.participants:
        view = engine.view(case.id, person)
        data = _plain(view.to_dict())
        CaseViewJSON.model_validate_json(json.dumps(data))
        CaseViewJSON.model_validate(data)
        assert data["id"] == case.id
        assert data["version"] == case.version
        assert data["closed"] is case.closed
        assert data["outcome"] == case.outcome
        assert data["process"]["title"] == label_to_dict(process.title)
        assert [p["id"] for p in data["phase"]["path"]] == list(case.phase.path)
        assert data["phase"]["id"] == case.phase.id
        assert [r["id"] for r in data["person_roles"]] == list(case.roles_of(person))
        assert {a["id"] for a in data["artifacts"]} | {h["id"] for h in data["hidden"]} == set(
            case.artifacts
        )
        for artifact in data["artifacts"]:
            versions = case.artifacts[artifact["id"]]
            if process.artifact(artifact["id"]).per_person:  # type: ignore[union-attr]
                # A person named in a per-person document reads their own copies only.
                versions = view.artifacts[artifact["id"]]
                assert set(versions) <= set(case.artifacts[artifact["id"]])
            hidden = set(artifact["hidden_fields"])
            assert [v["data"] for v in artifact["versions"]] == [
                json.loads(json.dumps({k: x for k, x in v.data.items() if k not in hidden}))
                for v in versions
            ]
            assert [_moment(v["at"]) for v in artifact["versions"]] == [v.at for v in versions]
        assert [d["id"] for d in data["deadlines"]] == list(case.deadlines)
        for deadline in data["deadlines"]:
            state = case.deadlines[deadline["id"]]
            assert deadline["status"] == state.status.value
            assert deadline["responsible"]["id"] == state.responsible
            for key in ("target", "limit", "due", "met_at", "breached_at", "cancelled_at"):
                assert _moment(deadline[key]) == getattr(state, key), key
            assert deadline["label"] == label_to_dict(process.deadline(state.id).label)  # type: ignore[union-attr]
        assert [(a["id"], a["by"], _moment(a["at"])) for a in data["actions"]] == [
            (taken.action, taken.by, taken.at) for taken in case.actions
        ]
        options = engine.available_actions(case.id, person)
        for option in options:
            option_data = _plain(option.to_dict())
            ActionOptionJSON.model_validate_json(json.dumps(option_data))
            ActionOptionJSON.model_validate(option_data)
            assert option_data["allowed"] is option.allowed
            assert [r["code"] for r in option_data["reasons"]] == [
                r.code.value for r in option.reasons
            ]
            assert option_data["label"] == label_to_dict(option.label)


class JsonFamilyConference(FamilyConference):
    """A family conference whose every accepted step is also checked as JSON."""

    def accepted(self, case: Case) -> Case:
        super().accepted(case)
        check_json(self.engine, case)
        return case


class JsonCaseConference(CaseConference):
    """A case conference whose every accepted step is also checked as JSON."""

    def accepted(self, case: Case) -> Case:
        super().accepted(case)
        check_json(self.engine, case)
        return case


def test_a_family_conference_approved_reviewed_and_closed_is_valid_json_throughout() -> None:
    fc = JsonFamilyConference().to("private_family_time")
    fc.call_in("coordinator", by=MOTHER)
    fc.dismiss("coordinator", by=MOTHER)
    fc.family_writes_plan()
    fc.present_plan()
    fc.approve(review_on=date(2027, 6, 30))
    fc.at(local(2027, 7, 10, 9))  # past the six months: the first review is breached
    fc.sweep()
    check_json(fc.engine, fc.case)
    fc.review("continue", next_review_on=date(2027, 12, 1))
    fc.act("continue_plan", by=COORDINATOR)
    fc.at(local(2027, 12, 1, 16))
    fc.review("close")
    fc.act("close_case", by=REFERRER)
    assert fc.case.outcome == "completed"


@pytest.mark.parametrize("phase", ["referral", "preparation", "information_sharing"])
def test_an_intervention_is_valid_json(phase: str) -> None:
    fc = JsonFamilyConference().to(phase)
    fc.intervene()
    assert fc.phase == "suspended"  # version 2: a suspended case, in JSON too
    fc.later(days=3)
    fc.act("resume", by=REFERRER)
    fc.intervene()
    fc.act("end_after_intervention", by=REFERRER)
    assert fc.case.closed


def test_a_declined_family_conference_is_valid_json() -> None:
    fc = JsonFamilyConference()
    fc.refer(attendance="not_safe", child_age_band="seven_or_older")
    fc.family_decides("refused")
    fc.act("decline", by=MOTHER)
    assert fc.case.outcome == "declined"


def test_a_case_conference_held_with_minutes_late_is_valid_json() -> None:
    cc = JsonCaseConference().to("meeting")
    cc.end_meeting(after=timedelta(hours=2, minutes=30))  # too long: a breach
    cc.deliver_minutes(local(2026, 11, 10, 10))  # late
    assert cc.case.outcome == "held"


def test_a_called_off_case_conference_is_valid_json() -> None:
    cc = JsonCaseConference().to("scheduling")
    cc.act("call_off", by="kralova")
    assert cc.case.closed


def test_moments_are_in_the_process_timezone_with_their_offset() -> None:
    cc = CaseConference().to("meeting")
    cc.end_meeting()
    data = cc.engine.view(cc.case_id, PARENT).to_dict()
    minutes = next(d for d in data["deadlines"] if d["id"] == "minutes_delivered")
    # 28 October is a holiday: the minutes are due at the end of Wednesday 4 November (CET).
    assert minutes["due"] == "2026-11-04T23:59:59.999999+01:00"
    assert minutes["limit"] == minutes["due"]
    assert minutes["status"] == "pending"
    assert minutes["responsible"]["label"] == {"cs": "Zapisovatel", "en": "Recorder"}
    assert data["opened_at"] == "2026-10-05T09:00:00+02:00"  # summer time then


def test_a_view_names_what_it_hides_with_labels() -> None:
    fc = FamilyConference().to("information_sharing")
    data = fc.engine.view(fc.case_id, MOTHER).to_dict()
    hidden = {h["id"]: h["label"] for h in data["hidden"]}
    assert "coordinator_notes" in hidden
    assert hidden["coordinator_notes"]["en"]
    assert "coordinator_notes" not in {a["id"] for a in data["artifacts"]}


def test_a_reason_is_one_flat_record_with_every_key() -> None:
    fc = FamilyConference()
    fc.refer()
    options = {o.action: o.to_dict() for o in fc.engine.available_actions(fc.case_id, MOTHER)}
    reasons = options["start_preparation"]["reasons"]
    assert reasons
    for reason in reasons:
        assert set(reason) == {"code", "params", "artifact", "field", "role", "guard", "message"}
        assert set(reason["message"]) == {"cs", "en"}
        ReasonJSON.model_validate(reason)
    assert options["start_preparation"]["to"] == "preparation"


def test_views_of_the_same_facts_are_equal_whatever_process_object_they_carry() -> None:
    fc = FamilyConference()
    view = fc.engine.view(fc.case_id, REFERRER)
    other = attrs.evolve(view, definition=Registry.shipped().get("case_conference"))
    assert other == view
    assert hash(other) == hash(view)
    assert "definition" not in repr(view)
    assert fc.engine.view(fc.case_id, REFERRER) == view


def test_a_label_missing_a_language_gives_the_other() -> None:
    assert label_to_dict(Label(cs="Jen česky")) == {"cs": "Jen česky", "en": "Jen česky"}
    assert label_to_dict(Label(en="English only")) == {"cs": "English only", "en": "English only"}


def test_the_case_json_gives_each_deadline_its_due_moment() -> None:
    cc = CaseConference().to("scheduling")
    stored = cc.case.to_dict()
    for deadline_id, state in cc.case.deadlines.items():
        due = stored["deadlines"][deadline_id]["due"]
        assert (datetime.fromisoformat(due) if due is not None else None) == state.due


# ------------------------------------------------------------- the schema


def test_the_schema_document_names_every_view_and_resolves_every_reference() -> None:
    document = view_json_schema()
    assert set(document["views"]) == set(VIEW_SCHEMAS)
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs
    for ref in refs:
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in document["$defs"]
    case_view = document["$defs"]["CaseViewJSON"]
    assert case_view["additionalProperties"] is False
    assert "deadlines" in case_view["required"]


def test_the_schema_can_point_into_an_openapi_document() -> None:
    document = view_json_schema(ref_template="#/components/schemas/{model}")
    assert document["views"]["CaseView"] == {"$ref": "#/components/schemas/CaseViewJSON"}


def test_kwflow_schema_views_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["schema", "--views"]) == 0
    assert json.loads(capsys.readouterr().out) == view_json_schema()


def test_kwflow_schema_views_is_json_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["schema", "--views", "--format", "markdown"]) == 2
    assert "--views prints JSON Schema only" in capsys.readouterr().err


def test_strict_models_refuse_a_shape_that_drifted() -> None:
    fc = FamilyConference()
    data = fc.engine.view(fc.case_id, REFERRER).to_dict()
    with pytest.raises(ValueError, match="version"):
        CaseViewJSON.model_validate_json(json.dumps({**data, "version": str(data["version"])}))
    with pytest.raises(ValueError, match="extra"):
        CaseViewJSON.model_validate_json(json.dumps({**data, "surprise": 1}))
    naive = {**data, "opened_at": data["opened_at"][:19]}
    with pytest.raises(ValueError, match="timezone"):
        CaseViewJSON.model_validate_json(json.dumps(naive))


# ------------------------------------------- any case a host could reach

_FAMILY = (REFERRER, COORDINATOR, MOTHER, "josef", "eliska", "vera", "dvorak", STRANGER)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["referral", "preparation", "private_family_time", "implementation"]),
    st.data(),
)
def test_any_reachable_family_conference_gives_valid_json(phase: str, data: st.DataObject) -> None:
    fc = FamilyConference().to(phase)
    process = fc.process
    inputs = data.draw(
        st.lists(commands(process, case_id=fc.case_id, who=st.sampled_from(_FAMILY)), max_size=12)
    )
    for item in inputs:
        if isinstance(item, AdvanceClock):
            fc.later(seconds=item.delta.total_seconds())
            continue
        if isinstance(item, OpenCase):
            continue
        with contextlib.suppress(KwflowError):
            fc.engine.execute(item)
    check_json(fc.engine, fc.case)


# ------------------------------------------------------ the scenario files


@pytest.mark.parametrize(
    "path",
    [*SCENARIO_FILES, *sorted((PROCESSES / "scenarios" / "demo").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_every_scenario_file_ends_in_valid_json_with_no_guard_answers(path: Path) -> None:
    assert "\nguards:" not in path.read_text(encoding="utf-8")  # kwflow's own guards run
    store = MemoryStore()
    result = run_scenario(load_scenario(path), lang="en", store=store, case_id="scenario")
    assert result.failure is None, result.failure
    engine = Engine(Registry.shipped(), store=store)
    check_json(engine, engine.get_unfiltered("scenario"))
