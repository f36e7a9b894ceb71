"""Migration plans: read with positions, checked against both versions, proved by the explorer.

Each broken plan reaches one kind of problem, reported at its line and
column and worded in Czech; the shipped plans have no error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from kwflow import Engine, MemoryStore
from kwflow.cli import main
from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
from kwflow.definition import (
    MIGRATION_CODES,
    LoadedPlan,
    MigrationPlan,
    Registry,
    is_plan_file,
    load_process_text,
    migration_json_schema,
    parse_plan,
    plan_data,
    plan_problems,
    problem_text,
)
from kwflow.exceptions import DefinitionError, Problem
from kwflow.testing import migration_problems
from tests.support.czech import assert_czech
from tests.support.migration_plans import BROKEN, MIGRATION_FACTS, plan
from tests.support.paths import PROCESSES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

SHIPPED = Registry.shipped()
VERSIONS = {process.key: process for process in SHIPPED}


def problems(text: str) -> list[Problem]:
    """Every problem of a plan's text: its names and types, then its reachable states."""
    loaded = parse_plan(text, "plan.migration.yaml")
    found = plan_problems(loaded, VERSIONS)
    if any(p.severity == "error" for p in found):
        return found
    key = loaded.plan.process
    return found + migration_problems(
        loaded, SHIPPED.get(key, loaded.plan.from_), SHIPPED.get(key, loaded.plan.to)
    )


def test_the_shipped_plans_are_registered_and_have_no_error() -> None:
    assert {p.id for p in SHIPPED.plans()} == {
        "case_conference.1-to-2",
        "family_conference.1-to-2",
    }
    for shipped in SHIPPED.plans():
        loaded = SHIPPED.loaded_plan(shipped.process, shipped.from_, shipped.to)
        assert loaded is not None
        found = plan_problems(loaded, VERSIONS) + migration_problems(
            loaded, SHIPPED.get(shipped.process, 1), SHIPPED.get(shipped.process, 2)
        )
        assert [p for p in found if p.severity == "error"] == []
        # What it does refuse, it says: cases in a state version 2 cannot hold.
        assert {p.code for p in found} <= {
            "migration-state-invariant",
            "migration-state-assignable",
        }


def test_the_text_of_the_shipped_plan_passes() -> None:
    assert [p for p in problems(plan()) if p.severity == "error"] == []


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_broken_plan_reports_its_problem_at_its_place_in_czech(code: str) -> None:
    found = [p for p in problems(BROKEN[code]) if p.code == code]
    assert found, [p.code for p in problems(BROKEN[code])]
    for problem in found:
        assert problem.file == "plan.migration.yaml"
        assert problem.line is not None
        assert problem.line > 1
        assert problem.column is not None
        assert_czech(problem)
        assert f"plan.migration.yaml:{problem.line}:{problem.column}" in problem_text(problem, "cs")


def test_every_code_of_a_plan_has_a_broken_plan_or_facts() -> None:
    assert set(MIGRATION_CODES) <= set(BROKEN) | set(MIGRATION_FACTS)
    assert set(MIGRATION_FACTS) >= set(MIGRATION_CODES) | {"duplicate-plan"}


def test_an_unmapped_phase_is_pointed_at_the_phases() -> None:
    text = BROKEN["migration-unmapped-phase"]
    (problem,) = [p for p in problems(text) if p.code == "migration-unmapped-phase"]
    assert problem.severity == "error"
    assert problem.params["phase"] == "minutes"
    assert text.splitlines()[problem.line - 1].startswith("phases:")  # type: ignore[operator]


def test_the_shape_of_a_plan_is_checked_with_positions() -> None:
    text = plan(roles="roles:\n  - {from: parent, to: relative, drop: true}\n")
    with pytest.raises(DefinitionError) as raised:
        parse_plan(text, "p.migration.yaml")
    (problem,) = raised.value.problems
    assert problem.line == text.splitlines().index("roles:") + 2
    with pytest.raises(DefinitionError) as raised:
        parse_plan(plan(deadlines="deadlines:\n  - {deadline: date_agreed, running: later}\n"))
    assert raised.value.problems[0].path.startswith("deadlines")


def test_a_plans_hash_is_its_content_not_its_layout() -> None:
    one = parse_plan(plan()).plan
    two = parse_plan("# a comment\n" + plan().replace("from: 1\n", "from:   1\n")).plan
    assert one.content_hash == two.content_hash
    other = parse_plan(plan(deadlines="")).plan
    assert other.content_hash != one.content_hash
    assert isinstance(one, MigrationPlan)


def test_plan_files_sit_beside_processes_and_are_told_apart_by_name(tmp_path: Path) -> None:
    assert is_plan_file("processes/family_conference.1-to-2.migration.yaml")
    assert not is_plan_file("processes/family_conference.yaml")
    for name in ("case_conference.yaml", "case_conference.1-to-2.migration.yaml"):
        (tmp_path / name).write_text((PROCESSES / name).read_text(encoding="utf-8"))
    (tmp_path / "case_conference.v1.yaml").write_text(
        (PROCESSES / "previous" / "case_conference.v1.yaml").read_text(encoding="utf-8")
    )
    registry = Registry.from_paths(tmp_path)
    assert registry.plan("case_conference", 1, 2) is not None
    assert registry.plan("case_conference", 2, 1) is None
    # A broken plan stops the whole load, with its problems.
    (tmp_path / "case_conference.1-to-2.migration.yaml").write_text(
        BROKEN["migration-unknown-phase"]
    )
    with pytest.raises(DefinitionError) as raised:
        Registry.from_paths(tmp_path)
    assert {p.code for p in raised.value.problems} == {"migration-unknown-phase"}


def test_a_plan_added_in_code_is_checked() -> None:
    registry = Registry.shipped()
    loaded = parse_plan(BROKEN["migration-unknown-deadline"])
    fresh = Registry.from_paths(PROCESSES, PROCESSES / "previous")
    with pytest.raises(DefinitionError):
        fresh.add_plan(loaded)
    with pytest.raises(DefinitionError):  # the shipped one is registered already
        registry.add_plan(registry.plans()[0])
    assert isinstance(loaded, LoadedPlan)


def test_kwflow_check_reports_a_plan_with_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case_conference.1-to-2.migration.yaml"
    path.write_text(BROKEN["migration-unmapped-phase"], encoding="utf-8")
    assert main(["check", str(path)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert f"{path}:4:1: error: a case can be in the phase 'minutes' of version 1" in out, out
    assert main(["check", "--lang", "cs", "--format", "json", str(path)]) == EXIT_PROBLEMS
    document = json.loads(capsys.readouterr().out)
    (unmapped,) = [p for p in document["problems"] if p["rule"] == "migration-unmapped-phase"]
    assert "plán ji nikam nepřevádí" in unmapped["message_cs"]
    assert document["files"][0]["process"]["plan"] == "case_conference.1-to-2"
    shipped = PROCESSES / "case_conference.1-to-2.migration.yaml"
    assert main(["check", str(shipped)]) == EXIT_OK
    assert "warning" in capsys.readouterr().out


def test_the_committed_json_schema_of_plans_is_up_to_date() -> None:
    committed = json.loads((ROOT / "schema" / "kwflow-migration.schema.json").read_text("utf-8"))
    assert committed == migration_json_schema(), (
        "schema/kwflow-migration.schema.json is stale: run "
        "`kwflow schema --migration --output schema/kwflow-migration.schema.json`"
    )
    # The shipped plans are valid by it (keys as written, no unknown key).
    properties = committed["properties"]
    for shipped in SHIPPED.plans():
        data = plan_data(shipped)
        assert set(data) <= set(properties)
        assert set(committed["required"]) <= set(data)


# Two versions of a small process: version 2 renames the helper role and
# drops the note, so a plan must say what becomes of both.
SMALL_V1 = """id: small
version: 1
title: {cs: Malý, en: Small}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: professional, max: 1}
  - {id: helper, label: {cs: Pomocník, en: Helper}, kind: professional, max: 1,
     assigned_by: [worker]}
artifacts:
  - id: note
    label: {cs: Poznámka, en: Note}
    write: [worker, helper]
    fields: [{id: text, label: {cs: Text, en: Text}, type: text}]
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true, artifacts: [note]}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: closed}
actions:
  - {id: close, label: {cs: Uzavřít, en: Close}, from: [open], to: closed, by: [worker, helper]}
"""
SMALL_V2 = (
    SMALL_V1.replace("version: 1", "version: 2")
    .replace("helper", "assistant")
    .replace("Helper", "Assistant")
    .split("artifacts:\n  - id: note")[0]
    + "phases:"
    + SMALL_V1.split("phases:", 1)[1]
    .replace(", artifacts: [note]", "")
    .replace("helper", "assistant")
)


def test_a_role_or_document_gone_from_the_new_version_must_be_mapped() -> None:
    registry = Registry()
    registry.add(load_process_text(SMALL_V1))
    registry.add(load_process_text(SMALL_V2))
    versions = {process.key: process for process in registry}
    bare = parse_plan("process: small\nfrom: 1\nto: 2\nphases: {open: open}\n", "p.yaml")
    assert {p.code for p in plan_problems(bare, versions)} == {
        "migration-role-not-mapped",
        "migration-artifact-not-mapped",
    }
    for problem in plan_problems(bare, versions):
        assert problem.line == 3  # at `to`: the version they are gone from
        assert_czech(problem)
    mapped = parse_plan(
        "process: small\nfrom: 1\nto: 2\nphases: {open: open}\n"
        "roles: [{from: helper, to: assistant}]\n"
        "documents: [{artifact: note, drop: true}]\n"
    )
    assert plan_problems(mapped, versions) == []
    registry.add_plan(mapped)
    engine = Engine(registry, store=MemoryStore())
    engine.open_case("small", by="ana", case_id="s1", version=1)
    engine.assign("s1", "bob", "helper", by="ana")
    engine.submit("s1", "note", {"text": "Poznámka."}, by="bob")
    case = engine.migrate("s1", 2, by="admin")
    assert case.roles == {"worker": ("ana",), "assistant": ("bob",)}
    assert "note" not in case.artifacts
    engine.verify("s1")
    assert engine.act("s1", "close", by="bob").outcome == "closed"


def test_a_plan_waits_until_both_of_its_versions_are_registered() -> None:
    # processes/ holds version 2 and the plans; version 1 is in processes/previous/.
    registry = Registry.from_paths(PROCESSES)
    assert registry.versions("family_conference") == (2,)
    assert registry.plan("family_conference", 1, 2) is None
    registry.load_path(PROCESSES / "previous")
    plan = registry.plan("family_conference", 1, 2)
    assert plan is not None
    assert plan.id == "family_conference.1-to-2"
