"""Each static check, with a failing fixture asserting its rule id, line and column."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from kwflow.definition import RULES, check_process, load_process, parse_process
from tests.support.definition import FIXTURES, RULE_FIXTURES, problems_of

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.exceptions import Problem

FULL = (FIXTURES / "valid_full.yaml").read_text(encoding="utf-8")


def expectations(path: Path) -> list[tuple[str, int, int]]:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^# expect: ([\w-]+) (\d+):(\d+)$", text, re.MULTILINE)
    return [(rule, int(line), int(column)) for rule, line, column in found]


def variant(*replacements: tuple[str, str]) -> str:
    """valid_full.yaml with each ``old`` (which must occur once) replaced by ``new``."""
    text = FULL
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def of_rule(rule: str, text: str) -> list[Problem]:
    return [p for p in problems_of(text, "variant.yaml") if p.rule == rule]


def test_every_rule_has_a_failing_fixture() -> None:
    assert {p.stem for p in RULE_FIXTURES} >= set(RULES)


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.stem)
def test_the_fixture_reports_its_rule_at_the_expected_positions(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' lines"
    problems = problems_of(path.read_bytes(), path.name)
    rule = path.stem
    got = [(p.rule, p.line, p.column) for p in problems if p.rule == rule]
    assert got == expected
    assert all(p.file == path.name and p.line is not None for p in problems)


def test_the_valid_fixtures_are_clean() -> None:
    for name in ("valid_minimal.yaml", "valid_full.yaml"):
        assert problems_of((FIXTURES / name).read_text(encoding="utf-8")) == []


def test_rule_ids_are_stable_kebab_case_and_functions_distinct() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id) for rule_id in RULES)
    assert len({rule.check for rule in RULES.values()}) == len(RULES)
    assert all(rule.id == key for key, rule in RULES.items())


# ------------------------------------------------------------- references


def test_every_kind_of_role_reference_is_checked_at_once() -> None:
    text = variant(
        ("opener: referrer", "opener: referer"),
        (
            "    exclusive_with: [coordinator]\n  - id: coordinator",
            "    exclusive_with: [coordinator, judge]\n  - id: coordinator",
        ),
        ("    assigned_by: [coordinator]", "    assigned_by: [coordinater]"),
        ("    read: [coordinator]", "    read: [coordinator, nobody]"),
        ("        roles: [coordinator]", "        roles: [coordinatr]"),
        ("        on_call: [coordinator]", "        on_call: [coordinater]"),
        ("      roles: [coordinator]", "      roles: [cordinator]"),
        ("    responsible: family_member\n", "    responsible: familymember\n"),
        ("    role: referrer", "    role: refferer"),
    )
    names = sorted(p.found for p in of_rule("unknown-role", text) if p.found)
    assert names == sorted(
        repr(n)
        for n in (
            "referer",
            "judge",
            "coordinater",
            "nobody",
            "coordinatr",
            "coordinater",
            "cordinator",
            "familymember",
            "refferer",
        )
    )


def test_unknown_role_suggests_the_closest_declared_role() -> None:
    [problem] = of_rule("unknown-role", variant(("    role: referrer", "    role: refferer")))
    assert problem.hint == "did you mean 'referrer'?"
    assert problem.path == "invariants[1].role"


def test_unknown_phases_in_from_deadline_phases_and_invariants() -> None:
    text = variant(
        ("    from: [approval]", "    from: [aproval]"),
        ("    phases: [meeting]", "    phases: [meting]"),
        ("    phase: meeting\n", "    phase: meetings\n"),
    )
    paths = [p.path for p in of_rule("unknown-phase", text)]
    assert paths == ["actions[5].from[0]", "deadlines[1].phases[0]", "invariants[3].phase"]


def test_unknown_artifacts_in_phases_records_conditions_anchors_invariants() -> None:
    text = variant(
        ("        artifacts: [plan]", "        artifacts: [plans]"),
        (
            "    by: [family_member]\n    once: false",
            "    by: [family_member]\n    once: false\n    records: notes",
        ),
        (
            "{artifact: referral, field: consent, one_of: [refused]}",
            "{artifact: referal, field: consent, one_of: [refused]}",
        ),
        (
            "{field: {artifact: referral, field: meeting_at}}",
            "{field: {artifact: referrals, field: meeting_at}}",
        ),
        ("    artifact: plan\n", "    artifact: plann\n"),
    )
    found = [p.found for p in of_rule("unknown-artifact", text)]
    assert found == ["'plans'", "'referal'", "'notes'", "'referrals'", "'plann'"]


def test_unknown_actions_in_anchors_and_invariants() -> None:
    text = variant(
        ("anchor: {action: present_plan}", "anchor: {action: present_plans}"),
        ("    after: start_family_time", "    after: start_family"),
    )
    assert [p.path for p in of_rule("unknown-action", text)] == [
        "deadlines[3].anchor.action",
        "invariants[0].after",
    ]


def test_the_exceptions_of_an_invariant_are_actions_of_the_process() -> None:
    text = variant(
        (
            "    phase: family_time\n",
            "    phase: family_time\n    except_actions: [approve, aprove]\n",
        ),
    )
    problems = of_rule("unknown-action", text)
    assert [p.path for p in problems] == ["invariants[1].except_actions[1]"]
    assert problems[0].hint == "did you mean 'approve'?"


def test_a_guard_must_be_declared() -> None:
    text = variant(("      guards: [plan_is_safe]", "      guards: [plan_is_safe, family_agrees]"))
    [problem] = of_rule("unknown-guard", text)
    assert problem.found == "'family_agrees'"
    assert problem.hint == "known guards: plan_is_safe"


def test_unknown_field_in_an_anchor() -> None:
    text = variant(
        (
            "field: {artifact: referral, field: meeting_at}",
            "field: {artifact: referral, field: meeting}",
        )
    )
    [problem] = of_rule("unknown-field", text)
    assert problem.path == "deadlines[1].anchor.field.field"


# ------------------------------------------------------------------ fields


@pytest.mark.parametrize(
    ("condition", "fits"),
    [
        ("{artifact: referral, field: consent, equals: maybe}", False),
        ("{artifact: referral, field: consent, one_of: [given, maybe]}", False),
        ("{artifact: referral, field: urgent, equals: 'yes'}", False),
        ("{artifact: referral, field: urgent, equals: true}", True),
        ("{artifact: referral, field: children, equals: two}", False),
        ("{artifact: referral, field: children, equals: true}", False),
        ("{artifact: referral, field: children, one_of: [1, 2]}", True),
        ("{artifact: referral, field: due, equals: 2026-10-27}", True),
        ("{artifact: referral, field: due, equals: '2026-10-27'}", True),
        ("{artifact: referral, field: due, equals: tomorrow}", False),
        ("{artifact: referral, field: meeting_at, equals: 2026-10-27T09:00:00+01:00}", True),
        ("{artifact: referral, field: meeting_at, equals: 5}", False),
        ("{artifact: referral, field: cost, equals: 1000}", True),
        ("{artifact: referral, field: concern, equals: 5}", False),
        ("{artifact: referral, field: concern, non_empty: true}", True),
        ("{artifact: referral, field: consent, non_empty: true}", False),
        ("{artifact: referral, field: consent, present: true}", True),
        ("{artifact: plan, field: items, min_count: 2}", True),
        ("{artifact: plan, field: items, equals: x}", False),
        ("{artifact: referral, field: concern, min_count: 1}", False),
    ],
)
def test_a_condition_must_fit_its_field(condition: str, fits: bool) -> None:
    text = variant(
        ("{artifact: referral, field: concern, non_empty: true}", condition),
    )
    problems = of_rule("condition-type", text)
    assert (problems == []) is fits, problems
    assert all(p.line == 122 for p in problems)


@pytest.mark.parametrize(("kind", "fits"), [("date", True), ("datetime", True), ("int", False)])
def test_an_anchor_field_must_be_a_point_in_time(kind: str, fits: bool) -> None:
    label = "        label: {cs: Termín setkání, en: Meeting time}\n"
    text = variant(
        (
            f"      - id: meeting_at\n{label}        type: datetime",
            f"      - id: meeting_at\n{label}        type: {kind}",
        )
    )
    assert (of_rule("anchor-field-type", text) == []) is fits


# ---------------------------------------------------------------- ids, phases


def test_duplicate_ids_of_fields_enum_values_list_fields_and_actions() -> None:
    text = variant(
        ("          - {id: refused, label:", "          - {id: given, label:"),
        ("      - id: urgent\n", "      - id: children\n"),
        ("          - {id: due, label: {cs: Do kdy", "          - {id: task, label: {cs: Do kdy"),
        ("  - id: withdraw\n", "  - id: approve\n"),
    )
    problems = of_rule("duplicate-id", text)
    assert [(p.message, p.line) for p in problems] == [
        ("the enum value id 'given' is used twice", 46),
        ("the field id 'children' is used twice", 55),
        ("the field id 'task' is used twice", 84),
        ("the action id 'approve' is used twice", 158),
    ]
    assert problems[0].hint == "the first is at line 45; give each a different id"


_APPROVAL = "      - id: approval\n        label: {cs: Schválení, en: Approval}\n"


def test_two_initial_phases_and_two_initial_subphases() -> None:
    text = variant(
        (
            "  - id: declined\n    label: {cs: Odmítnuto, en: Declined}\n",
            "  - id: declined\n    label: {cs: Odmítnuto, en: Declined}\n    initial: true\n",
        ),
        (_APPROVAL, _APPROVAL + "        initial: true\n"),
    )
    [top] = of_rule("one-initial-phase", text)
    [sub] = of_rule("one-initial-subphase", text)
    assert top.path == "phases[3].initial"
    assert sub.path == "phases[1].phases[2].initial"


def test_an_action_from_a_compound_phase_holding_a_terminal_phase() -> None:
    abandoned = (
        "      - id: abandoned\n"
        "        label: {cs: Opuštěno, en: Abandoned}\n"
        "        outcome: abandoned\n"
    )
    text = variant((_APPROVAL, _APPROVAL + abandoned))
    [problem] = of_rule("terminal-has-action", text)
    assert problem.path == "actions[6].from[0]"
    assert "which holds the terminal phase(s) abandoned" in problem.message


def test_an_unreachable_compound_phase_is_reported_once() -> None:
    text = variant(("    to: meeting\n", "    to: done\n"))
    assert [p.path for p in of_rule("unreachable-phase", text)] == ["phases[1].id"]


def test_no_outcome_at_all_is_one_problem() -> None:
    text = variant(
        ("    outcome: plan_approved\n", ""),
        ("    outcome: declined\n", ""),
    )
    [problem] = of_rule("dead-end-phase", text)
    assert problem.message == "no phase has an outcome, so no case can ever end"


# ---------------------------------------------------------------- presence


def test_an_on_call_role_may_take_an_action() -> None:
    text = variant(
        (
            "    from: [family_time]\n    to: approval\n    by: [family_member]",
            "    from: [family_time]\n    to: approval\n    by: [coordinator]",
        )
    )
    assert of_rule("action-nobody-present", text) == []


def test_an_action_nobody_present_may_take() -> None:
    text = variant(
        (
            "    from: [family_time]\n    to: approval\n    by: [family_member]",
            "    from: [family_time]\n    to: approval\n    by: [referrer]",
        )
    )
    [problem] = of_rule("action-nobody-present", text)
    assert problem.found == "present: coordinator, family_member"


def test_on_call_and_explicitly_present() -> None:
    text = variant(
        ("        present: [family_member]\n", "        present: [family_member, coordinator]\n")
    )
    [problem] = of_rule("on-call-and-present", text)
    assert problem.hint == "remove 'coordinator' from 'present' or from 'on_call'"


def test_an_opener_on_call_only_is_not_present() -> None:
    text = variant(
        ("    present: [referrer]\n", "    present: [coordinator]\n    on_call: [referrer]\n")
    )
    assert len(of_rule("opener-not-present", text)) == 1


# --------------------------------------------------------------- artifacts


_ONLY_REFERRALS = (
    (
        "    initial: true\n    present: [referrer]\n",
        "    initial: true\n    present: [referrer]\n    artifacts: [referral]\n",
    ),
    (
        "    present: [referrer, coordinator, family_member]\n",
        "    present: [referrer, coordinator, family_member]\n    artifacts: [referral]\n",
    ),
)


def test_an_artifact_recorded_by_an_earlier_action_is_available() -> None:
    # Only the referrer may write the plan, and only where it may not be
    # written; but starting family time records it.
    no_writer = ("    write: [family_member]", "    write: [referrer]")
    records = (
        "    to: family_time\n    by: [coordinator]\n",
        "    to: family_time\n    by: [coordinator]\n    records: plan\n",
    )
    assert of_rule("artifact-unavailable", variant(no_writer, records, *_ONLY_REFERRALS)) == []
    text = variant(no_writer, *_ONLY_REFERRALS)
    assert [p.path for p in of_rule("artifact-unavailable", text)] == [
        "actions[4].requires.fields[0].artifact",
        "actions[5].requires.artifacts[0]",
    ]


def test_phase_artifacts_can_forbid_writing() -> None:
    text = variant(("        artifacts: [plan]\n", "        artifacts: []\n"), _ONLY_REFERRALS[1])
    assert [p.path for p in of_rule("artifact-unavailable", text)] == [
        "actions[4].requires.fields[0].artifact",
        "actions[5].requires.artifacts[0]",
    ]
    assert of_rule("artifact-unavailable", variant(_ONLY_REFERRALS[1])) == []


# --------------------------------------------------------------- deadlines


def test_a_deadline_met_only_outside_its_phases() -> None:
    text = variant(("    phases: [meeting]\n", "    phases: [referral]\n"))
    [problem] = of_rule("deadline-unsatisfiable", text)
    assert "inside the deadline's phases" in problem.message


def test_a_deadline_whose_anchor_action_is_unreachable_never_runs() -> None:
    text = variant(("    to: meeting\n", "    to: done\n"))
    paths = [p.path for p in of_rule("deadline-never-runs", text)]
    assert paths == ["deadlines[2].anchor", "deadlines[3].anchor"]


# ------------------------------------------------------------------- roles


def test_asymmetric_exclusivity_points_at_the_other_role() -> None:
    text = variant(("    exclusive_with: [referrer]\n", ""))
    [problem] = of_rule("exclusive-asymmetric", text)
    assert problem.hint == "add 'referrer' to the exclusive_with of 'coordinator' (line 18)"
    assert (problem.line, problem.column) == (17, 22)


def test_assignment_chains_start_at_the_opener() -> None:
    text = variant(("    assigned_by: [referrer]\n", "    assigned_by: [family_member]\n"))
    ids = sorted(p.path for p in of_rule("role-unassignable", text))
    assert ids == ["roles[1].id", "roles[2].id"]


def test_an_unknown_opener_is_reported_once() -> None:
    problems = problems_of(variant(("opener: referrer", "opener: referer")))
    assert [p.rule for p in problems] == ["unknown-role"]


def test_a_role_named_only_as_exclusive_is_unused() -> None:
    text = variant(
        (
            "  - id: coordinator\n",
            (
                "  - id: judge\n"
                "    label: {cs: Soudce, en: Judge}\n"
                "    kind: authority\n"
                "    exclusive_with: [referrer]\n"
                "  - id: coordinator\n"
            ),
        ),
        (
            "    exclusive_with: [coordinator]\n  - id: judge",
            "    exclusive_with: [coordinator, judge]\n  - id: judge",
        ),
    )
    assert [p.found or p.message for p in of_rule("unused-role", text)] == [
        "the role 'judge' is not used anywhere"
    ]


def test_missing_translations_are_found_deep_in_the_tree() -> None:
    text = variant(
        (
            "{id: refused, label: {cs: Odmítnut, en: Refused}}",
            "{id: refused, label: {cs: Odmítnut}}",
        )
    )
    [problem] = of_rule("missing-translation", text)
    assert problem.path == "artifacts[0].fields[1].values[1].label"
    assert problem.severity == "warning"


def test_an_unused_guard_is_a_warning() -> None:
    text = variant(("      guards: [plan_is_safe]\n", ""))
    [problem] = of_rule("unused-guard", text)
    assert problem.severity == "warning"


# ------------------------------------------------------------- the runner


def test_a_bare_process_is_checked_without_positions() -> None:
    process = load_process(FIXTURES / "valid_full.yaml")
    assert check_process(process) == []
    broken = parse_process(
        variant(("    role: referrer", "    role: nobody")), check_all := "x.yaml"
    )
    assert check_all == "x.yaml"
    problems = check_process(broken.process)
    assert [(p.rule, p.line, p.column, p.file) for p in problems] == [
        ("unknown-role", None, None, "<process family_meeting>")
    ]


def test_a_subset_of_rules_can_be_run() -> None:
    loaded = parse_process(variant(("    role: referrer", "    role: nobody")))
    assert check_process(loaded, rules=["unused-guard"]) == []
    assert [p.rule for p in check_process(loaded, rules=["unknown-role"])] == ["unknown-role"]


def test_problems_come_sorted_by_position() -> None:
    text = variant(
        ("    role: referrer", "    role: nobody"),
        ("opener: referrer", "opener: nobody"),
    )
    problems = problems_of(text)
    positions = [(p.line, p.column) for p in problems]
    assert positions == sorted(positions)


# ---------------------------------------------------------------- deadline variants


def test_the_conditions_of_deadline_variants_are_checked_like_actions_conditions() -> None:
    text = variant(
        (
            "    breach: {cs: Informovat vedoucí, en: Inform the manager}\n",
            (
                "    breach: {cs: Informovat vedoucí, en: Inform the manager}\n"
                "    variants:\n"
                "      - when: [{artifact: referral, field: urgent, equals: true}]\n"
                "        target: {weeks: 1}\n"
                "      - when: [{artifact: referal, field: urgent, equals: true}]\n"
                "        limit: {weeks: 6}\n"
                "      - when: [{artifact: referral, field: urgnet, equals: true}]\n"
                "        limit: {weeks: 6}\n"
                "      - when: [{artifact: referral, field: concern, equals: 5}]\n"
                "        limit: {weeks: 6}\n"
            ),
        )
    )
    problems = [p for p in problems_of(text, "variant.yaml") if p.severity == "error"]
    found = sorted((p.rule, p.path) for p in problems)
    assert found == [
        ("condition-type", "deadlines[0].variants[3].when[0].equals"),
        ("unknown-artifact", "deadlines[0].variants[1].when[0].artifact"),
        ("unknown-field", "deadlines[0].variants[2].when[0].field"),
    ], problems


def test_a_deadline_variant_needs_a_target_or_a_limit() -> None:
    text = variant(
        (
            "    breach: {cs: Informovat vedoucí, en: Inform the manager}\n",
            (
                "    breach: {cs: Informovat vedoucí, en: Inform the manager}\n"
                "    variants:\n"
                "      - when: [{artifact: referral, field: urgent, equals: true}]\n"
            ),
        )
    )
    (problem,) = problems_of(text, "variant.yaml")
    assert problem.code == "schema.variant-target-or-limit"
    assert problem.path == "deadlines[0].variants[0]"
    assert "a deadline variant needs a 'target', a 'limit' or both" in problem.message
