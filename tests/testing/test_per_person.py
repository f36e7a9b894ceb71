"""kwflow.testing on per-person artifacts and quantified conditions.

The explorer's traces of the ``invitations`` fixture replay on the engine;
the stateful test runs it; the ``commands()`` strategy names the person a
copy is about; and, on random processes and data, the engine and the
explorer's own reading of the rules (``testing/_conditions.py``) agree on
every quantified condition.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kwflow import Engine, Registry, SimulatedClock, Submit
from kwflow.authoring import load_scenario, run_scenario
from kwflow.definition import Process, load_process_text
from kwflow.store import MemoryStore
from kwflow.testing import commands, explore, process_state_machine, trace_to_scenario
from kwflow.testing._conditions import copies_hold, version_holds
from kwflow.testing._explorer import _explore, _Model
from tests.support.definition import marked_blocks, problems_of
from tests.support.paths import DOCS
from tests.support.runtime import FIXTURES, START, fixture_process
from tests.testing.test_explorer import summary
from tests.testing.test_replay import check_report_on_engine
from tests.testing.test_stateful import ExplorerChecked

if TYPE_CHECKING:
    from pathlib import Path

INVITATIONS = fixture_process("invitations")


def test_the_explorer_reaches_every_outcome_of_per_person_conditions() -> None:
    report = explore(INVITATIONS)
    assert report.exhaustive
    assert set(report.outcomes) == {"held", "adults_only"}
    assert report.never_enabled == ()
    assert report.dead_ends == ()


def test_the_explorers_traces_replay_on_the_engine() -> None:
    check_report_on_engine(INVITATIONS)


def test_a_trace_submits_a_per_person_copy_about_every_holder(tmp_path: Path) -> None:
    trace = explore(INVITATIONS).outcomes["held"]
    text = trace_to_scenario(INVITATIONS, trace, process_file="invitations.yaml")
    assert "about: family_member_1" in text
    shutil.copy(FIXTURES / "invitations.yaml", tmp_path / "invitations.yaml")
    scenario = tmp_path / "outcome-held.yaml"
    scenario.write_text(text, encoding="utf-8")
    result = run_scenario(load_scenario(scenario))
    assert result.ok, result.failure


InvitationsMachine = process_state_machine(INVITATIONS, base=ExplorerChecked)
TestInvitations = InvitationsMachine.TestCase
TestInvitations.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_commands_name_the_person_a_copy_is_about(data: st.DataObject) -> None:
    drawn = data.draw(commands(INVITATIONS, case_id="i1"))
    if isinstance(drawn, Submit) and drawn.artifact == "attendance":
        assert drawn.about is None or drawn.about.strip()


def test_commands_mostly_give_about_for_a_per_person_artifact() -> None:
    seen: list[Submit] = []

    @settings(max_examples=300, deadline=None, database=None)
    @given(commands(INVITATIONS, case_id="i1"))
    def collect(drawn: object) -> None:
        if isinstance(drawn, Submit) and drawn.artifact == "invitation":
            seen.append(drawn)

    collect()
    assert seen
    assert sum(s.about is not None for s in seen) > len(seen) / 2


# ---------------------------------------------------------- engine == oracle

FAMILY = ("f1", "f2", "f3")
CHILDREN = ("c1", "c2")
LEVELS = ("low", "high")


def _process(condition: dict[str, Any]) -> Process:
    """A small process whose one action ``go`` requires ``condition`` and nothing else."""
    label = {"cs": "X", "en": "X"}
    enum = [{"id": v, "label": label} for v in LEVELS]
    return Process.model_validate(
        {
            "id": "quantified",
            "version": 1,
            "title": label,
            "opener": "coordinator",
            "roles": [
                {"id": "coordinator", "label": label, "kind": "independent", "min": 1, "max": 1},
                {
                    "id": "family_member",
                    "label": label,
                    "kind": "family",
                    "assigned_by": ["coordinator"],
                },
                {"id": "child", "label": label, "kind": "child", "assigned_by": ["coordinator"]},
            ],
            "artifacts": [
                {
                    "id": "invitation",
                    "label": label,
                    "write": ["coordinator"],
                    "per_person": ["family_member", "child"],
                    "fields": [
                        {"id": "informed", "label": label, "type": "bool", "required": False},
                        {
                            "id": "level",
                            "label": label,
                            "type": "enum",
                            "values": enum,
                            "required": False,
                        },
                        {"id": "note", "label": label, "type": "text", "required": False},
                    ],
                },
                {
                    "id": "attendance",
                    "label": label,
                    "write": ["coordinator"],
                    "fields": [
                        {
                            "id": "attendees",
                            "label": label,
                            "type": "list",
                            "fields": [
                                {
                                    "id": "confirmed",
                                    "label": label,
                                    "type": "bool",
                                    "required": False,
                                },
                                {
                                    "id": "level",
                                    "label": label,
                                    "type": "enum",
                                    "values": enum,
                                    "required": False,
                                },
                                {"id": "note", "label": label, "type": "text", "required": False},
                            ],
                        }
                    ],
                },
            ],
            "phases": [
                {"id": "open", "label": label, "initial": True},
                {"id": "done", "label": label, "outcome": "done"},
            ],
            "actions": [
                {
                    "id": "go",
                    "label": label,
                    "from": ["open"],
                    "to": "done",
                    "by": ["coordinator"],
                    "requires": {"fields": [condition]},
                }
            ],
        }
    )


_OPERATORS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "informed": st.sampled_from(
        [{"equals": True}, {"equals": False}, {"present": True}, {"present": False}]
    ),
    "level": st.sampled_from(
        [{"equals": "low"}, {"one_of": ["low", "high"]}, {"one_of": ["high"]}, {"present": False}]
    ),
    "note": st.sampled_from(
        [{"non_empty": True}, {"non_empty": False}, {"equals": "x"}, {"present": True}]
    ),
}


@st.composite
def _conditions(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(sorted(_OPERATORS)))
    operator: dict[str, Any] = draw(_OPERATORS[field])
    quantifier = draw(st.sampled_from(["every", "any", "none"]))
    if draw(st.booleans()):
        sub = "confirmed" if field == "informed" else field
        return {
            "artifact": "attendance",
            "field": f"attendees.{sub}",
            "for": quantifier,
            **operator,
        }
    condition: dict[str, Any] = {"artifact": "invitation", "field": field, **operator}
    if draw(st.booleans()):
        condition["for"] = quantifier
    return condition


def _record(*, list_item: bool) -> st.SearchStrategy[dict[str, Any]]:
    flag = "confirmed" if list_item else "informed"
    return st.fixed_dictionaries(
        {},
        optional={
            flag: st.booleans(),
            "level": st.sampled_from(LEVELS),
            "note": st.sampled_from(["x", "y", " "]),
        },
    )


@settings(max_examples=150, deadline=None)
@given(
    condition=_conditions(),
    family=st.integers(0, 3),
    children=st.integers(0, 2),
    copies=st.lists(
        st.tuples(st.sampled_from(FAMILY + CHILDREN), _record(list_item=False)), max_size=6
    ),
    leaving=st.lists(st.sampled_from(FAMILY + CHILDREN), max_size=2),
    attendance=st.none() | st.lists(_record(list_item=True), max_size=4),
)
def test_the_engine_and_the_explorers_reading_agree_on_quantified_conditions(  # noqa: PLR0917
    condition: dict[str, Any],
    family: int,
    children: int,
    copies: list[tuple[str, dict[str, Any]]],
    leaving: list[str],
    attendance: list[dict[str, Any]] | None,
) -> None:
    process = _process(condition)
    registry = Registry()
    registry.add(process, source="quantified.yaml")
    engine = Engine(registry, store=MemoryStore(), clock=SimulatedClock(START))
    engine.open_case("quantified", by="kate", case_id="q")
    holders = [*FAMILY[:family], *CHILDREN[:children]]
    for person in holders:
        role = "child" if person in CHILDREN else "family_member"
        engine.assign("q", person, role, by="kate")
    for person, data in copies:
        if person in holders:
            # Blank text is refused as data; leave it out as a host would.
            kept = {k: v for k, v in data.items() if not (k == "note" and not v.strip())}
            engine.submit("q", "invitation", kept, by="kate", about=person)
    for person in leaving:
        if person in holders:
            role = "child" if person in CHILDREN else "family_member"
            engine.unassign("q", person, role, by="kate")
            holders.remove(person)
    if attendance is not None:
        items = [
            {k: v for k, v in i.items() if not (k == "note" and not v.strip())} for i in attendance
        ]
        engine.submit("q", "attendance", {"attendees": items}, by="kate")
    (option,) = engine.available_actions("q", "kate")
    case = engine.get_unfiltered("q")
    (parsed,) = process.actions[0].requires.fields
    artifact = process.artifact(parsed.artifact)
    assert artifact is not None
    if artifact.per_person:
        latest = [case.latest("invitation", about=p) for p in holders]
        expected = copies_hold(parsed, artifact, [None if v is None else v.data for v in latest])
    else:
        version = case.latest("attendance")
        expected = version_holds(parsed, artifact, None if version is None else version.data)
    assert option.allowed == expected, (condition, [str(r) for r in option.reasons])


def test_the_czech_guides_example_checks_clean_and_explores_to_its_outcome() -> None:
    [block] = [
        b for b in marked_blocks(DOCS / "pro-metodiky.md", "process") if b.rule == "pozvanky"
    ]
    assert problems_of(block.text) == []
    process = load_process_text(block.text)
    report = explore(process)
    assert report.exhaustive
    assert set(report.outcomes) == {"held"}
    check_report_on_engine(process)


def test_the_explorers_reductions_change_no_answer_on_per_person_artifacts() -> None:
    reduced = _explore(INVITATIONS, depth=None, max_states=100_000, reduce=True)
    full = _explore(INVITATIONS, depth=None, max_states=100_000, reduce=False)
    assert full.exhaustive
    assert reduced.states <= full.states
    assert summary(reduced) == summary(full)


def test_someone_new_in_a_per_person_role_blocks_until_their_copy_is_written() -> None:
    model = _Model(INVITATIONS)
    state = model.start()[0]

    def steps(state: Any) -> dict[tuple[str, str, str], Any]:
        return {
            (step.kind, step.target, step.version): successor
            for successor, step, *_ in model.successors(state)
        }

    def after(state: Any, kind: str, target: str, version: str = "") -> Any:
        found = steps(state)[(kind, target, version)]
        return model.canonical(found)

    informed = "informed=true, child_friendly=true"
    state = after(state, "assign", "family_member")
    state = after(state, "submit", "invitation", informed)
    assert ("act", "start_conference", "") in steps(state)
    state = after(state, "assign", "child")  # the child has no invitation yet
    assert ("act", "start_conference", "") not in steps(state)
    state = after(state, "submit", "invitation", informed)  # about everyone again
    assert ("act", "start_conference", "") in steps(state)
