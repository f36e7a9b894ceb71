"""Loading process files: schema problems in an author's words, all at once, with positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.definition import (
    LoadedProcess,
    Process,
    load_process,
    load_process_text,
    parse_process,
    parse_process_file,
)
from kwflow.definition._loader import language_keys, model_keys
from kwflow.definition._models import Action, Role
from kwflow.exceptions import DefinitionError, Problem
from tests.support.definition import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

MINIMAL = (FIXTURES / "valid_minimal.yaml").read_text(encoding="utf-8")
FULL_PATH = FIXTURES / "valid_full.yaml"


def problems(text: str) -> list[Problem]:
    with pytest.raises(DefinitionError) as caught:
        parse_process(text, "p.yaml")
    assert all(p.line is not None for p in caught.value.problems)
    return list(caught.value.problems)


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# ----------------------------------------------------------- equality, hash


def test_loading_twice_gives_equal_processes_with_one_hash() -> None:
    first, second = load_process(FULL_PATH), load_process(FULL_PATH)
    assert first == second
    assert first is not second
    assert first.content_hash == second.content_hash
    assert len(first.content_hash) == 64


def test_the_hash_ignores_formatting_but_not_content() -> None:
    text = FULL_PATH.read_text(encoding="utf-8")
    reformatted = "# reformatted\n" + text.replace(
        "label: {cs: Zadavatel, en: Referrer}", "label:\n      en: Referrer\n      cs: Zadavatel"
    )
    assert reformatted != text
    assert load_process_text(reformatted).content_hash == load_process_text(text).content_hash
    changed = text.replace("limit: {months: 2}", "limit: {months: 3}")
    assert load_process_text(changed).content_hash != load_process_text(text).content_hash
    assert load_process_text(changed) != load_process_text(text)


def test_text_bytes_and_path_load_the_same() -> None:
    text = FULL_PATH.read_text(encoding="utf-8")
    assert load_process_text(text) == load_process_text(text.encode()) == load_process(FULL_PATH)
    assert load_process(str(FULL_PATH)) == load_process(FULL_PATH)


def test_parse_returns_the_process_with_its_source_map() -> None:
    loaded = parse_process_file(FULL_PATH)
    assert isinstance(loaded, LoadedProcess)
    assert loaded.file == str(FULL_PATH)
    assert loaded.source.file == str(FULL_PATH)
    assert loaded.source.values[("actions", 0, "from", 0)] == (115, 12)
    assert loaded.process.action("agree") is not None


def test_the_from_key_is_read_by_its_alias() -> None:
    process = load_process_text(MINIMAL)
    assert process.actions[0].from_ == ("open",)
    assert process.model_dump(by_alias=True)["actions"][0]["from"] == ("open",)


# ------------------------------------------------------------ schema problems


def test_an_unknown_key_gets_a_did_you_mean_at_the_key() -> None:
    [problem] = problems(edit("    max: 1\n", "    max: 1\n    exclusiv_with: []\n"))
    assert (problem.line, problem.column) == (11, 5)
    assert problem.message == "unknown key 'exclusiv_with'"
    assert problem.hint == "did you mean 'exclusive_with'?"
    assert problem.path == "roles[0].exclusiv_with"
    assert problem.expected == "one of " + ", ".join(model_keys(Role))


def test_a_key_from_elsewhere_in_the_language_is_suggested() -> None:
    [problem] = problems(edit("    max: 1\n", "    max: 1\n    outcom: done\n"))
    assert problem.hint == "did you mean 'outcome'? (that key belongs in another kind of mapping)"


def test_a_misspelt_top_level_key() -> None:
    [missing, unknown] = problems(edit("opener: worker", "openr: worker"))
    assert (unknown.line, unknown.column, unknown.hint) == (5, 1, "did you mean 'opener'?")
    assert missing.message == "the key 'opener' is missing"
    assert missing.hint == "opener: the role of the person who opens a case"
    assert (missing.line, missing.column) == (2, 1)


def test_the_key_from_is_named_as_written() -> None:
    missing, unknown = problems(edit("    from: [open]\n", "    frm: [open]\n"))
    assert missing.message == "the key 'from' is missing"
    assert unknown.hint == "did you mean 'from'?"
    assert "from_" not in str(missing) + str(unknown)


def test_a_missing_key_points_at_its_mapping() -> None:
    [problem] = problems(edit("    kind: professional\n", ""))
    assert problem.message == "the key 'kind' is missing"
    assert problem.path == "roles[0].kind"
    assert (problem.line, problem.column) == (7, 5)


def test_an_unknown_field_type_lists_the_types_and_suggests_one() -> None:
    text = edit(
        "roles:\n",
        "artifacts:\n  - id: note\n    label: {cs: Poznámka, en: Note}\n    write: [worker]\n"
        "    fields: [{id: body, label: {cs: Text, en: Text}, type: txt}]\nroles:\n",
    )
    [problem] = problems(text)
    assert problem.message == "unknown type 'txt'"
    assert problem.path == "artifacts[0].fields[0].type"
    assert (problem.line, problem.column) == (10, 60)
    assert problem.expected == "one of text, bool, int, date, datetime, money, enum, person, list"
    assert problem.hint == "did you mean 'text'?"


def test_an_invariant_without_kind() -> None:
    text = MINIMAL + "invariants:\n  - {id: x, label: {cs: X, en: X}, phase: open}\n"
    [problem] = problems(text)
    assert problem.message == "the key 'kind' is missing"
    assert problem.expected is not None
    assert "phase_entered_at_most_once" in problem.expected


def test_an_enum_choice_lists_what_is_allowed() -> None:
    [problem] = problems(edit("kind: professional", "kind: profesional"))
    assert problem.expected == "one of family, child, support, professional, authority, independent"
    assert problem.found == "'profesional'"
    assert problem.hint == "did you mean 'professional'?"


def test_an_identifier_pattern_is_explained_with_an_example() -> None:
    [problem] = problems(edit("id: minimal", "id: Minimal Process"))
    assert problem.message == "'Minimal Process' is not a valid identifier"
    assert problem.expected == "lower-case letters, digits and underscores, starting with a letter"
    assert problem.hint == "for example 'minimal_process'"


def test_a_single_name_where_a_list_is_needed() -> None:
    [problem] = problems(edit("    from: [open]", "    from: open"))
    assert problem.message == "this value has the wrong type"
    assert (problem.expected, problem.found, problem.hint) == (
        "a list",
        "'open'",
        "write [open] for a list of one",
    )


def test_a_wrong_scalar_type_is_one_problem_not_one_per_union_member() -> None:
    text = edit(
        "    by: [worker]\n",
        "    by: [worker]\n"
        "    requires:\n"
        "      fields: [{artifact: a, field: b, equals: [1, 2]}]\n",
    )
    [problem] = problems(text)
    assert problem.path == "actions[0].requires.fields[0].equals"
    assert problem.found == "a list"


def test_a_boolean_where_text_belongs_suggests_quoting() -> None:
    [problem] = problems(
        edit("title: {cs: Nejmenší proces, en: Smallest process}", "title: {cs: true, en: x}")
    )
    assert problem.expected == "text"
    assert problem.hint == "quote it ('yes', 'no', 'true') to keep it as text"


def test_validators_speak_through_their_messages() -> None:
    [problem] = problems(edit("    max: 1\n", "    min: 3\n    max: 1\n"))
    assert problem.message == "min (3) is greater than max (1)"
    assert problem.found is None


def test_an_unknown_timezone() -> None:
    [problem] = problems(edit("version: 1\n", "version: 1\ntimezone: Europe/Brno\n"))
    assert problem.message == "'Europe/Brno' is not an IANA timezone name"
    assert (problem.line, problem.column) == (4, 11)


def test_a_failed_item_does_not_also_make_its_list_too_short() -> None:
    found = problems(edit("    kind: professional\n", "    kind: 5\n"))
    assert [p.path for p in found] == ["roles[0].kind"]


def test_a_merge_key_is_an_unknown_key() -> None:
    text = edit("    max: 1\n", "    max: 1\n    <<: {min: 1}\n")
    [problem] = problems(text)
    assert problem.message == "unknown key '<<'"


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    text = FULL_PATH.read_text(encoding="utf-8")
    for old, new in [
        ("    kind: authority\n", "    kind: authorty\n"),
        ("        max_length: 2000\n", "        max_length: lots\n"),
        ("    limit: {months: 2}\n", "    limit: {moths: 2}\n"),
        ("    direction: before\n", "    direction: earlier\n"),
        ("    once: false\n", "    once: false\n    onse: true\n"),
    ]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    found = problems(text)
    assert [p.path for p in found] == [
        "roles[0].kind",
        "artifacts[0].fields[0].max_length",
        "actions[3].onse",
        "deadlines[0].limit.moths",
        "deadlines[1].direction",
    ]
    lines = [p.line or 0 for p in found]
    assert lines == sorted(lines)


def test_check_problems_are_reported_all_at_once_too() -> None:
    text = FULL_PATH.read_text(encoding="utf-8")
    for old, new in [
        (
            "    by: [referrer]\n    requires:\n      artifacts: [referral]",
            "    by: [refferer]\n    requires:\n      artifacts: [referral]",
        ),
        ("    to: approval\n", "    to: aproval\n"),
        ("      guards: [plan_is_safe]\n", "      guards: [plan_is_sound]\n"),
    ]:
        text = text.replace(old, new, 1)
    with pytest.raises(DefinitionError) as caught:
        load_process_text(text, "broken.yaml")
    rules = [p.rule for p in caught.value.problems if p.severity == "error"]
    assert {"unknown-role", "unknown-phase", "unknown-guard"} <= set(rules)
    assert "broken.yaml:" in str(caught.value)


# ---------------------------------------------------------------- checking


def test_loading_runs_the_checks_unless_told_not_to() -> None:
    text = edit("    to: closed\n", "    to: clsoed\n")
    with pytest.raises(DefinitionError) as caught:
        load_process_text(text)
    assert "unknown-phase" in [p.rule for p in caught.value.problems]
    process = load_process_text(text, check=False)
    assert isinstance(process, Process)


def test_warnings_alone_do_not_stop_loading() -> None:
    process = load_process_text(
        edit("title: {cs: Nejmenší proces, en: Smallest process}", "title: {cs: Nejmenší proces}")
    )
    assert process.title.en is None


def test_an_unreadable_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_process(tmp_path / "missing.yaml")
    [problem] = caught.value.problems
    assert problem.rule == "file"
    assert isinstance(caught.value, ValueError)


def test_language_keys_cover_every_model() -> None:
    keys = language_keys()
    assert "from" in keys
    assert "from_" not in keys
    assert {"working_days", "min_count", "on_call", "exclusive_with", "kind", "type"} <= set(keys)
    assert model_keys(Action)[:4] == ("id", "label", "description", "from")
