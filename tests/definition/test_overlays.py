"""Overlay files: a provider's variant of a process, merged by id into its base."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwflow import Engine
from kwflow.authoring import load_scenario, run_scenario
from kwflow.cli import main
from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from kwflow.definition import (
    ProcessDocument,
    Registry,
    apply_overlay,
    dump_yaml,
    is_overlay_file,
    load_process_text,
    parse_overlay,
    parse_yaml,
    problem_text,
    variant_base_id,
)
from kwflow.engine import shipped_guards
from kwflow.exceptions import DefinitionError
from kwflow.store import SqliteStore
from tests.support.czech import assert_czech
from tests.support.overlays import (
    BASE_FILE,
    BROKEN,
    EXAMPLE,
    EXAMPLE_SCENARIO,
    HEAD,
    OVERLAYS,
    UNKNOWN_BASE,
    applied,
    base_document,
    overlay_problems,
)
from tests.support.paths import PREVIOUS_PROCESS_FILES, PROCESS_FILES, PROCESSES

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.definition import Process

BASE = base_document()
BASES = {path.name: base_document(path) for path in [*PROCESS_FILES, *PREVIOUS_PROCESS_FILES]}


def dumped(process: Process) -> dict[str, Any]:
    """The process as data, without the two keys a variant always changes."""
    data = process.model_dump(mode="json", by_alias=True)
    del data["id"], data["version"]
    return data


def head_of(document: ProcessDocument) -> str:
    process_id, version = document.data["id"], document.data["version"]
    return f"base: {{process: {process_id}, version: {version}}}\nid: {process_id}__t\nversion: 1\n"


# ------------------------------------------------------------------ the example


def example_registry() -> Registry:
    registry = Registry.shipped()
    registry.load_path(OVERLAYS)
    return registry


def test_the_example_overlay_makes_the_providers_variant_of_the_case_conference() -> None:
    registry = example_registry()
    variant = registry.get("case_conference__vzorovy_poskytovatel")
    base = registry.get("case_conference", 2)
    assert variant.key == ("case_conference__vzorovy_poskytovatel", 1)
    assert registry.base_of(*variant.key) == ("case_conference", 2)
    assert registry.base_of("case_conference", 2) is None
    assert registry.source(*variant.key) == str(EXAMPLE)
    # What it changes...
    assert str(variant.deadline("conference_in_time").target) == "2 weeks"  # type: ignore[union-attr]
    assert str(base.deadline("conference_in_time").target) == "3 weeks"  # type: ignore[union-attr]
    assert variant.deadline("recorder_early") is None
    assert [r.id for r in variant.roles] == [*(r.id for r in base.roles), "co_facilitator"]
    assert variant.role("provider").label.cs == "Vzorový poskytovatel, z. s."  # type: ignore[union-attr]
    assert "co_facilitator" in variant.role("facilitator").exclusive_with  # type: ignore[union-attr]
    costs, base_costs = variant.artifact("facilitation_costs"), base.artifact("facilitation_costs")
    assert costs is not None
    assert base_costs is not None
    assert costs.field("hourly_rate").required is True  # type: ignore[union-attr]
    assert [f.id for f in costs.fields] == [*(f.id for f in base_costs.fields), "travel_km"]
    # ...and what it leaves as it was.
    assert variant.actions == base.actions
    assert variant.invariants == base.invariants
    assert variant.role("recorder") == base.role("recorder")
    assert costs.field("total") == base_costs.field("total")


def test_the_shipped_registry_does_not_load_the_example() -> None:
    assert "case_conference__vzorovy_poskytovatel" not in Registry.shipped()


def test_registry_from_paths_loads_an_overlay_with_its_base() -> None:
    registry = Registry.from_paths(PROCESSES, EXAMPLE)
    assert registry.versions("case_conference__vzorovy_poskytovatel") == (1,)


def test_a_case_of_the_variant_runs_to_its_outcome_with_the_shipped_guards(
    tmp_path: Path,
) -> None:
    # Kept in a real SQLite file, then read back by an engine on the variant's registry.
    store = SqliteStore(tmp_path / "cases.sqlite3")
    try:
        result = run_scenario(load_scenario(EXAMPLE_SCENARIO), store=store, case_id="c1")
        assert result.failure is None
        engine = Engine(example_registry(), store=store)
        case = engine.replay_unfiltered("c1")
        engine.verify("c1")
    finally:
        store.close()
    assert case.outcome == "held"
    assert (case.process.id, case.process.version) == ("case_conference__vzorovy_poskytovatel", 1)
    assert shipped_guards("case_conference__vzorovy_poskytovatel") == shipped_guards(
        "case_conference"
    )
    assert shipped_guards("case_conference__") == {}


def test_variant_ids_name_their_base() -> None:
    assert variant_base_id("case_conference__kruh") == "case_conference"
    assert variant_base_id("case_conference__kruh__praha") == "case_conference"
    assert variant_base_id("case_conference") is None
    assert variant_base_id("__x") is None
    assert is_overlay_file(EXAMPLE)
    assert not is_overlay_file(BASE_FILE)


def test_shipped_process_ids_never_hold_the_variant_separator() -> None:
    # The promise that a variant's id never collides with a shipped process.
    for process in Registry.shipped():
        assert "__" not in process.id


# ------------------------------------------------------------------ merging


def test_an_empty_overlay_gives_the_base_under_the_variants_key() -> None:
    result = applied(HEAD)
    assert result.ok, result.problems
    assert result.loaded is not None
    assert result.loaded.process.key == ("case_conference__test", 1)
    assert dumped(result.loaded.process) == dumped(load_process_text(BASE_FILE.read_bytes()))


def test_mappings_change_key_by_key_and_null_removes_a_key() -> None:
    result = applied(
        HEAD + "roles:\n  change:\n    - id: recorder\n      label: {cs: Zapisovatelka}\n"
        "      description: null\n"
    )
    assert result.loaded is not None
    recorder = result.loaded.process.role("recorder")
    assert recorder is not None
    assert recorder.label.cs == "Zapisovatelka"
    assert recorder.label.en == "Recorder"  # the key the overlay left out stays
    assert recorder.description is None
    # A label with its English from the base and its Czech from the overlay is fine.
    assert not [p for p in result.problems if p.severity == "error"]


def test_lists_without_ids_and_scalars_are_replaced_whole() -> None:
    result = applied(
        HEAD + "timezone: Europe/Bratislava\n"
        "deadlines:\n  change:\n    - {id: meeting_length, satisfied_by: [end_meeting, call_off]}\n"
    )
    assert result.loaded is not None, result.problems
    process = result.loaded.process
    assert process.timezone == "Europe/Bratislava"
    assert process.deadline("meeting_length").satisfied_by == ("end_meeting", "call_off")  # type: ignore[union-attr]


def test_nested_lists_merge_by_id_at_any_depth() -> None:
    result = applied(
        HEAD + "artifacts:\n  change:\n    - id: facilitation_costs\n      fields:\n"
        "        change:\n          - id: basis\n            values:\n              add:\n"
        "                - {id: called_off, label: {cs: Zrušeno, en: Called off}}\n"
    )
    assert result.loaded is not None, result.problems
    basis = result.loaded.process.artifact("facilitation_costs").field("basis")  # type: ignore[union-attr]
    assert [v.id for v in basis.values] == ["held", "family_no_show", "called_off"]  # type: ignore[union-attr]


def test_an_added_item_goes_last_and_a_removed_one_is_gone() -> None:
    result = applied(
        HEAD + "invariants:\n  remove: [one_session]\n  add:\n"
        "    - {id: one_meeting, label: {cs: Jedno setkání, en: One meeting}, "
        "kind: phase_entered_at_most_once, phase: meeting}\n"
    )
    assert result.loaded is not None, result.problems
    ids = [i.id for i in result.loaded.process.invariants]
    assert "one_session" not in ids
    assert ids[-1] == "one_meeting"


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_broken_overlay_reports_its_problem_in_the_overlay(code: str) -> None:
    problems = overlay_problems(BROKEN[code])
    ours = [p for p in problems if p.code == code]
    assert ours, problems
    for problem in ours:
        assert problem.file == "test.overlay.yaml"
        assert problem.line is not None
        assert problem.column is not None
        assert problem.severity == "error"
        assert_czech(problem)


def test_a_removal_that_leaves_references_names_every_place_left() -> None:
    (problem,) = overlay_problems(BROKEN["overlay.dangling"])
    assert (problem.line, problem.column) == (5, 12)
    lines = BASE_FILE.read_text(encoding="utf-8").splitlines()
    place = problem.params["places"]
    file, rest = place.split(":", 1)
    line = int(rest.split(" ", 1)[0])
    assert file == str(BASE_FILE)
    assert "facilitator_arrived" in lines[line - 1]
    assert problem.params["count"] == "1"


def test_a_value_the_overlay_gives_is_reported_in_the_overlay() -> None:
    text = (
        HEAD + "deadlines:\n  change:\n    - id: meeting_length\n      limit: {hours: 2, days: 1}\n"
    )
    (problem,) = [p for p in overlay_problems(text) if p.severity == "error"]
    assert (problem.file, problem.line) == ("test.overlay.yaml", 7)
    assert problem.path.endswith("limit")


def test_a_check_problem_in_a_value_the_base_gave_points_into_the_base() -> None:
    # The facilitator no longer names the recorder as exclusive; the recorder
    # (unchanged, in the base file) still names the facilitator.
    text = HEAD + (
        "roles:\n  change:\n    - id: facilitator\n"
        "      exclusive_with: [convener, organizer, provider, ospod_worker, parent, relative, "
        "child, support_person, professional]\n"
    )
    (problem,) = overlay_problems(text)
    assert problem.code == "exclusive-asymmetric"
    assert problem.file == str(BASE_FILE)
    assert problem.line is not None
    line = BASE_FILE.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line.strip() == "exclusive_with: [facilitator]"
    assert line.index("[facilitator]") + 2 == problem.column


def test_an_unknown_key_of_the_overlay_is_a_schema_problem_in_the_overlay() -> None:
    problems = overlay_problems(HEAD + "roles:\n  change:\n    - {id: recorder, mni: 1}\n")
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.code == "schema.unknown-key"
    assert (problem.file, problem.line) == ("test.overlay.yaml", 6)


def test_a_broken_overlay_leaves_the_registry_unchanged(tmp_path: Path) -> None:
    registry = Registry.shipped()
    before = list(registry)
    broken = tmp_path / "broken.overlay.yaml"
    broken.write_text(BROKEN["overlay.dangling"], encoding="utf-8")
    good = tmp_path / "good.overlay.yaml"
    good.write_text(HEAD, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        registry.load_paths([good, broken])
    assert [p.code for p in caught.value.problems] == ["overlay.dangling"]
    assert list(registry) == before


def test_an_overlay_of_a_missing_base_is_reported_at_its_base(tmp_path: Path) -> None:
    path = tmp_path / "x.overlay.yaml"
    path.write_text(UNKNOWN_BASE, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        Registry.shipped().load_path(path)
    (problem,) = caught.value.problems
    assert problem.code == "overlay.unknown-base"
    assert (problem.file, problem.line) == (str(path), 1)
    assert problem.params["known"] == "1, 2"
    assert_czech(problem)
    assert "9" in problem_text(problem, "cs")


def test_an_overlay_of_an_overlay_and_a_duplicate_variant(tmp_path: Path) -> None:
    first = tmp_path / "a.overlay.yaml"
    first.write_text(HEAD + "title: {cs: Varianta, en: Variant}\n", encoding="utf-8")
    second = tmp_path / "b.overlay.yaml"
    second.write_text(
        "base: {process: case_conference__test, version: 1}\n"
        "id: case_conference__test__praha\nversion: 1\ntimezone: Europe/Vienna\n",
        encoding="utf-8",
    )
    registry = Registry.shipped()
    registry.load_paths([second, first])  # the order of the files does not matter
    deeper = registry.get("case_conference__test__praha")
    assert deeper.title.cs == "Varianta"
    assert deeper.timezone == "Europe/Vienna"
    copy = tmp_path / "c.overlay.yaml"
    copy.write_text(HEAD, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        registry.load_path(copy)
    assert [p.code for p in caught.value.problems] == ["duplicate-process"]


def test_an_overlay_of_a_process_added_in_code() -> None:
    registry = Registry()
    registry.add(load_process_text(BASE_FILE.read_bytes()))
    overlay = parse_overlay(HEAD, "x.overlay.yaml")
    document = ProcessDocument.of_process(registry.get("case_conference"))
    result = apply_overlay(overlay, document)
    assert result.loaded is not None, result.problems
    assert dumped(result.loaded.process) == dumped(registry.get("case_conference"))


# ------------------------------------------------------------------ properties


def item_changes(document: ProcessDocument) -> st.SearchStrategy[dict[str, Any]]:
    """Changes of labels and descriptions of id items of the base's top-level lists."""
    lists = {
        key: [item["id"] for item in value]
        for key, value in document.data.items()
        if isinstance(value, list)
        and value
        and all(isinstance(i, dict) for i in value)
        and all("id" in i for i in value)
    }
    text = st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=20,
    ).filter(str.strip)

    @st.composite
    def changes(draw: st.DrawFn) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in draw(st.lists(st.sampled_from(sorted(lists)), unique=True, max_size=4)):
            ids = draw(st.lists(st.sampled_from(lists[key]), unique=True, min_size=1, max_size=3))
            result[key] = {
                "change": [
                    {"id": item_id, "label": {"cs": draw(text), "en": draw(text)}}
                    if draw(st.booleans())
                    else {"id": item_id, "description": None}
                    for item_id in ids
                ]
            }
        return result

    return changes()


def overlay_text(document: ProcessDocument, changes: dict[str, Any]) -> str:
    return head_of(document) + (dump_yaml(changes) if changes else "")


@pytest.mark.parametrize("name", sorted(BASES))
def test_an_empty_overlay_of_any_shipped_version_equals_its_base(name: str) -> None:
    document = BASES[name]
    result = apply_overlay(parse_overlay(head_of(document), "e.overlay.yaml"), document)
    assert result.ok, result.problems
    assert result.loaded is not None
    base = load_process_text(document.source.text)
    assert dumped(result.loaded.process) == dumped(base)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_change_only_overlay_applied_twice_is_applied_once(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(BASES)))
    document = BASES[name]
    changes = data.draw(item_changes(document))
    overlay = parse_overlay(overlay_text(document, changes), "c.overlay.yaml")
    once = apply_overlay(overlay, document, check=False)
    assert once.loaded is not None, once.problems
    assert once.document is not None
    twice = apply_overlay(overlay, once.document, check=False)
    assert twice.loaded is not None, twice.problems
    assert twice.loaded.process.content_hash == once.loaded.process.content_hash
    # Every value of the merge has a position, in the file it came from.
    source = once.loaded.source
    for path in _paths(once.document.data):
        assert path in source.values
        file, _ = source.where(path)
        assert file in (document.source.file, "c.overlay.yaml")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_removing_any_item_is_applied_or_refused_in_the_overlay(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(BASES)))
    document = BASES[name]
    key = data.draw(st.sampled_from(["roles", "phases", "actions", "artifacts", "deadlines"]))
    item_id = data.draw(st.sampled_from([item["id"] for item in document.data[key]]))
    text = head_of(document) + f"{key}:\n  remove: [{item_id}]\n"
    result = apply_overlay(parse_overlay(text, "r.overlay.yaml"), document)
    for problem in result.problems:
        assert problem.line is not None
        assert problem.file in ("r.overlay.yaml", document.source.file)
        assert problem.code != "unknown-" + key[:-1]  # told as the removal's, never alone
    if result.loaded is not None:
        assert item_id not in [getattr(i, "id", None) for i in getattr(result.loaded.process, key)]
    dangling = [p for p in result.problems if p.code == "overlay.dangling"]
    if dangling:
        assert dangling[0].line == 5
        assert not result.ok


@settings(max_examples=50, deadline=None)
@given(
    data=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.dates()
        | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), children, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_dump_yaml_reads_back_as_the_same_data(data: Any) -> None:
    document = {"root": data}
    assert parse_yaml(dump_yaml(document))[0] == document


def _paths(value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


# ------------------------------------------------------------------ kwflow check


def test_kwflow_check_checks_an_overlay_against_the_shipped_base(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(EXAMPLE)]) == EXIT_OK
    assert f"{EXAMPLE}: ok" in capsys.readouterr().out


def test_kwflow_check_reports_overlay_problems_with_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.overlay.yaml"
    path.write_text(BROKEN["overlay.unknown-id"], encoding="utf-8")
    assert main(["check", "--format", "json", str(path), str(BASE_FILE)]) == EXIT_PROBLEMS
    document = json.loads(capsys.readouterr().out)
    (problem,) = document["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == (str(path), 6, 12)
    assert problem["rule"] == "overlay"
    assert "facilitatr" in problem["message_cs"]
    assert main(["check", "--lang", "cs", str(path)]) == EXIT_PROBLEMS
    assert f"{path}:6:12" in capsys.readouterr().out


def test_kwflow_check_reports_the_variant_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(EXAMPLE)]) == EXIT_OK
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["process"]["id"] == "case_conference__vzorovy_poskytovatel"


def test_kwflow_check_effective_prints_a_process_file_of_the_variant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--effective", str(EXAMPLE)]) == EXIT_OK
    text = capsys.readouterr().out
    assert text.startswith("# The process")
    printed = load_process_text(text)
    assert printed.content_hash == example_registry().get(printed.id).content_hash


def test_kwflow_check_effective_refuses_what_is_not_a_good_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--effective", str(BASE_FILE)]) == EXIT_USAGE
    path = tmp_path / "missing.overlay.yaml"
    path.write_text(UNKNOWN_BASE, encoding="utf-8")
    assert main(["check", "--effective", str(path)]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}:1:7" in captured.err


KEYS = ["roles", "phases", "actions", "deadlines", "artifacts", "fields", "values", "id", "label"]
KEYS += ["cs", "en", "add", "change", "remove", "target", "weeks", "present", "min", "title"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.dictionaries(
        st.sampled_from(KEYS),
        st.recursive(
            st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(["recorder", "x", ""]),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.sampled_from(KEYS), children, max_size=3)
            ),
            max_leaves=10,
        ),
        max_size=4,
    )
)
def test_any_overlay_body_is_merged_or_refused_with_positioned_problems(
    body: dict[str, Any],
) -> None:
    body.pop("id", None)
    text = HEAD + (dump_yaml(body) if body else "")
    result = apply_overlay(parse_overlay(text, "g.overlay.yaml"), BASE)
    for problem in result.problems:
        assert problem.file in ("g.overlay.yaml", str(BASE_FILE))
        assert problem.line is not None
    if result.loaded is None:
        assert any(p.severity == "error" for p in result.problems)


def test_a_misspelt_id_is_answered_with_the_close_one_and_the_list() -> None:
    (problem,) = overlay_problems(BROKEN["overlay.unknown-id"])
    assert problem.params["suggestion"] == "facilitator"
    assert problem.hint is not None
    assert problem.hint.startswith("did you mean 'facilitator'? the list has: convener, ")
    assert "měli jste na mysli 'facilitator'" in problem_text(problem, "cs")
