"""Diagrams: every phase and action appears, nesting is right, labels are escaped.

The Mermaid output is read back by a small parser of exactly the statements
``mermaid_diagram`` writes, applying the rules of Mermaid's state-diagram
lexer that labels could break (an edge label ends at ':' or ';', a state
description at '"', a note at "end note"). Any other line fails the test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.authoring import (
    GraphvizNotFound,
    dot_diagram,
    draw_diagram,
    mermaid_diagram,
)
from kwflow.authoring._diagram import GROUPED_FROM, _mermaid_text, period_text
from kwflow.cli import main
from kwflow.definition import Period, Process, load_process
from tests.support.authoring import TRICKY
from tests.support.paths import PROCESS_FILES

if TYPE_CHECKING:
    from pathlib import Path

ALL_FILES = [*PROCESS_FILES, TRICKY]
HAS_DOT = shutil.which("dot") is not None


def _encode(line: str) -> str:
    # What Mermaid does to the whole text before its lexer runs: entity codes
    # become placeholders, so their '#' and ';' are not syntax.
    return re.sub(r"#(\d+);", "\ufb02\xb0\xb0\\1\xb6\xdf", line)


def _decode(text: str) -> str:
    return re.sub("\ufb02\xb0\xb0(\\d+)\xb6\xdf", lambda m: chr(int(m.group(1))), text)


@dataclass
class Drawn:
    """What a Mermaid state diagram says, as Mermaid would read it."""

    title: str | None = None
    states: dict[str, str] = field(default_factory=dict)  # id -> description
    parent: dict[str, str | None] = field(default_factory=dict)
    composite: set[str] = field(default_factory=set)
    starts: dict[str | None, str] = field(default_factory=dict)  # block -> initial state
    ends: set[str] = field(default_factory=set)
    outcome_class: set[str] = field(default_factory=set)
    suspension_class: set[str] = field(default_factory=set)
    edges: list[tuple[str, str, list[str]]] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)  # id -> description


STATE = re.compile(r'^state "([^"]*)" as (ph_[a-z0-9_]+)$')
# The box of an action possible from many phases: "any_1", "any_2"...
GROUP = re.compile(r'^state "([^"]*)" as (any_[0-9]+)$')
BLOCK = re.compile(r"^state (ph_[a-z0-9_]+) \{$")
# A resume arrow points back at the box naming where a case may have stopped.
EDGE = re.compile(r"^((?:ph|any)_[a-z0-9_]+) --> ((?:ph|any)_[a-z0-9_]+): ([^:;\n]+)$")
START = re.compile(r"^\[\*\] --> (ph_[a-z0-9_]+)$")
END = re.compile(r"^(ph_[a-z0-9_]+) --> \[\*\]$")
CLASS = re.compile(r"^class (ph_[a-z0-9_]+) outcome$")
GROUP_CLASS = re.compile(r"^class (any_[0-9]+) anyphase$")
SUSPENSION_CLASS = re.compile(r"^class (ph_[a-z0-9_]+) suspension$")
NOTE = re.compile(r"^note right of (ph_[a-z0-9_]+)$")


def parse_mermaid(text: str) -> Drawn:
    drawn = Drawn()
    lines = text.splitlines()
    if lines[0] == "---":
        close = lines.index("---", 1)
        (title_line,) = lines[1:close]
        assert title_line.startswith('title: "')
        drawn.title = title_line.removeprefix("title: ")
        lines = lines[close + 1 :]
    assert lines[0] == "stateDiagram-v2"
    blocks: list[str] = []
    note_of: str | None = None
    for raw in lines[1:]:
        line = _encode(raw.strip())
        if note_of is not None:
            if line == "end note":
                note_of = None
            else:
                assert not re.search(r"(?i)end\s+note", line), raw
                drawn.notes[note_of][-1] += _decode(line) + "\n"
            continue
        # The lexer reads these anywhere on a line, whatever the statement.
        assert not re.search(r"(?i)direction\s+(tb|bt|rl|lr)", line), raw
        assert "%%" not in line, raw
        here = blocks[-1] if blocks else None
        if line.startswith("classDef "):
            assert ";" not in line
        elif m := STATE.match(line):
            assert m.group(2) not in drawn.states, f"{m.group(2)} declared twice"
            drawn.states[m.group(2)] = _decode(m.group(1))
            drawn.parent[m.group(2)] = here
        elif m := GROUP.match(line):
            assert here is None, "a box of many phases is drawn at the top"
            drawn.groups[m.group(2)] = _decode(m.group(1))
        elif m := GROUP_CLASS.match(line):
            assert m.group(1) in drawn.groups
        elif m := BLOCK.match(line):
            assert drawn.parent[m.group(1)] == here
            drawn.composite.add(m.group(1))
            blocks.append(m.group(1))
        elif line == "}":
            blocks.pop()
        elif m := START.match(line):
            drawn.starts[here] = m.group(1)
        elif m := END.match(line):
            drawn.ends.add(m.group(1))
        elif m := CLASS.match(line):
            drawn.outcome_class.add(m.group(1))
        elif m := SUSPENSION_CLASS.match(line):
            assert m.group(1) in drawn.states
            drawn.suspension_class.add(m.group(1))
        elif m := EDGE.match(line):
            assert "#" not in m.group(3), raw  # would start a comment or an entity
            lines_of_label = [_decode(part) for part in m.group(3).split("<br/>")]
            drawn.edges.append((m.group(1), m.group(2), lines_of_label))
        elif m := NOTE.match(line):
            note_of = m.group(1)
            drawn.notes.setdefault(note_of, []).append("")
        else:
            pytest.fail(f"a line the diagram should not have: {raw!r}")
    assert not blocks, "a composite state is not closed"
    assert note_of is None, "a note is not closed"
    # Mermaid places a state where it is first named; every edge must come
    # after both its states are declared in their blocks.
    for source, target, label in drawn.edges:
        assert source in drawn.states or source in drawn.groups
        # Only a resume arrow points at a box: back to where the case stopped.
        assert target in drawn.states or (target in drawn.groups and label[0].startswith("↩"))
    return drawn


def mid(phase_id: str) -> str:
    return f"ph_{phase_id}"


@pytest.fixture(params=ALL_FILES, ids=lambda p: p.stem)
def process(request: pytest.FixtureRequest) -> Process:
    path: Path = request.param
    return load_process(path)


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_every_phase_appears_once_in_its_parent(process: Process, lang: str) -> None:
    drawn = parse_mermaid(mermaid_diagram(process, lang=lang))  # type: ignore[arg-type]
    assert set(drawn.states) == {mid(info.phase.id) for info in process.all_phases()}
    for box in drawn.groups.values():  # phases named in a box of many are not states
        assert box.startswith(("Z kterékoli z fází: ", "From any of: "))
    for info in process.all_phases():
        ident = mid(info.phase.id)
        assert drawn.states[ident].startswith(info.phase.label.text(lang))
        expected_parent = mid(info.parents[-1]) if info.parents else None
        assert drawn.parent[ident] == expected_parent
        assert (ident in drawn.composite) == bool(info.phase.phases)


def test_initial_phases_are_marked(process: Process) -> None:
    drawn = parse_mermaid(mermaid_diagram(process))
    initial = next(p for p in process.phases if p.initial)
    assert drawn.starts[None] == mid(initial.id)
    for info in process.all_phases():
        if info.phase.phases:
            first = next((p for p in info.phase.phases if p.initial), info.phase.phases[0])
            assert drawn.starts[mid(info.phase.id)] == mid(first.id)


def test_outcomes_are_distinct(process: Process) -> None:
    drawn = parse_mermaid(mermaid_diagram(process, lang="en"))
    terminal = {mid(i.phase.id) for i in process.all_phases() if i.phase.terminal}
    assert terminal
    assert drawn.outcome_class == terminal
    assert drawn.ends == terminal
    for info in process.all_phases():
        if info.phase.outcome is not None:
            assert f"outcome: {info.phase.outcome}" in drawn.states[mid(info.phase.id)]


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_every_action_is_an_edge_with_its_roles(process: Process, lang: str) -> None:
    drawn = parse_mermaid(mermaid_diagram(process, lang=lang))  # type: ignore[arg-type]
    edges = {(s, t): label for s, t, label in drawn.edges}
    drawn_lines = sum(len(label) for label in edges.values())
    expected_lines = 0
    for action in process.actions:
        roles = ", ".join(process.role(r).label.text(lang) for r in action.by)  # type: ignore[union-attr]
        line = f"{action.label.text(lang)} [{roles}]"
        if len(action.from_) >= GROUPED_FROM:
            # One arrow, from the box that names every phase it is possible from.
            (box,) = [
                g for (g, t), label in edges.items() if t == mid(action.to or "") and line in label
            ]
            names = [process.phase_info(p).phase.label.text(lang) for p in action.from_]  # type: ignore[union-attr]
            assert drawn.groups[box].endswith(": " + ", ".join(names)), action.id
            expected_lines += 1
            continue
        for source in action.from_:
            if action.resume:
                # A dashed arrow back to the box of the phases the case may have stopped in.
                (back,) = [
                    t
                    for (f, t), label in edges.items()
                    if f == mid(source) and t.startswith("any_") and any(line in x for x in label)
                ]
                assert back in drawn.groups, action.id
                expected_lines += 1
                continue
            target = action.to or source
            # An action requiring organisations says which, after its roles.
            drawn_edge = edges[(mid(source), mid(target))]
            assert any(x == line or x.startswith(line + " (") for x in drawn_edge), (
                action.id,
                source,
            )
            expected_lines += 1
    assert drawn_lines == expected_lines, "an edge carries an action the file does not have"


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_an_action_from_many_phases_is_one_arrow(lang: str) -> None:
    family = next(p for p in PROCESS_FILES if p.stem == "family_conference")
    process = load_process(family)
    intervene = process.action("intervene")
    assert intervene is not None
    assert len(intervene.from_) == 5
    label = intervene.label.text(lang)
    drawn = parse_mermaid(mermaid_diagram(process, lang=lang))  # type: ignore[arg-type]
    arrows = [(s, t) for s, t, lines in drawn.edges if any(x.startswith(label) for x in lines)]
    assert len(arrows) == 1
    ((box, target),) = arrows
    assert target == mid(intervene.to or "")
    names = ", ".join(process.phase_info(p).phase.label.text(lang) for p in intervene.from_)  # type: ignore[union-attr]
    words = {"cs": "Z kterékoli z fází", "en": "From any of"}[lang]
    assert drawn.groups[box] == f"{words}: {names}"
    # Withdrawing consent, possible from two phases, keeps its two arrows.
    withdraw = process.action("withdraw_consent").label.text(lang)  # type: ignore[union-attr]
    assert sum(any(x.startswith(withdraw) for x in lines) for *_, lines in drawn.edges) == 2
    # Graphviz draws the same: one box, one arrow for the five phases.
    dot = dot_diagram(process, lang=lang)  # type: ignore[arg-type]
    assert dot.count(f'label="{words}: {names}"') == 1
    assert sum(label.replace('"', '\\"') in line for line in dot.splitlines()) == 1


def test_deadlines_are_notes_on_their_phases(process: Process) -> None:
    drawn = parse_mermaid(mermaid_diagram(process, lang="cs"))
    # Only deadline notes: a suspension phase has a note on what its deadlines
    # do, and a role's organisation rules are a note on a phase too.
    notes = [
        (phase, note)
        for phase, texts in drawn.notes.items()
        for note in texts
        if note.startswith("Lhůta:")
    ]
    assert len(notes) == len(process.deadlines)
    for deadline in process.deadlines:
        phases = deadline.phases or tuple(
            dict.fromkeys(
                phase
                for action_id in deadline.satisfied_by
                for phase in process.action(action_id).from_  # type: ignore[union-attr]
            )
        )
        (note,) = [text for _, text in notes if deadline.label.text("cs") in text]
        assert (mid(phases[0]), note) in notes, "pinned to the first phase it runs in"
        if len(phases) > 1:
            names = [process.phase_info(p).phase.label.text("cs") for p in phases]  # type: ignore[union-attr]
            assert f"běží ve fázích: {', '.join(names)}" in note
        for period in (deadline.target, deadline.limit):
            if period is not None:
                assert period_text(period, "cs") in note


def test_labels_holding_mermaid_syntax_are_escaped() -> None:
    process = load_process(TRICKY)
    drawn = parse_mermaid(mermaid_diagram(process, lang="cs"))
    assert drawn.states[mid("note")] == "Poznámka {závorky}"
    assert drawn.states[mid("state")] == "Stav: end note"
    (label,) = drawn.edges[[e[:2] for e in drawn.edges].index((mid("note"), mid("state")))][2]
    assert label == "Začít: „hned“; teď [Pracovník #1 <OSPOD>]"
    assert drawn.title == '"Zkouška: \\"uvozovky\\"; %% komentář (tricky_labels, verze 3)"'
    english = parse_mermaid(mermaid_diagram(process, lang="en"))
    assert english.states[mid("state")] == "State: direction LR"


def test_actions_between_the_same_phases_share_an_edge() -> None:
    drawn = parse_mermaid(mermaid_diagram(load_process(TRICKY), lang="en"))
    pairs = [(s, t) for s, t, _ in drawn.edges]
    assert len(pairs) == len(set(pairs))
    assert (mid("end"), mid("end")) in pairs  # an action without `to` loops


def test_czech_periods_agree_in_number() -> None:
    words = [period_text(Period(working_days=n), "cs") for n in (1, 3, 5)]
    assert words == ["1 pracovní den", "3 pracovní dny", "5 pracovních dní"]
    assert period_text(Period(months=1), "en") == "1 month"
    assert period_text(Period(minutes=30), "en") == "30 minutes"
    assert period_text(Period(days=0), "cs") == "týž den"
    assert period_text(Period(hours=0), "en") == "at once"


def test_without_title() -> None:
    text = mermaid_diagram(load_process(TRICKY), title=False)
    assert text.startswith("stateDiagram-v2\n")


# ------------------------------------------------------------------- Graphviz


def test_dot_names_every_phase_and_action(process: Process) -> None:
    text = dot_diagram(process, lang="en")
    for info in process.all_phases():
        assert info.phase.label.text("en") in text
    for action in process.actions:
        assert action.label.text("en").replace('"', '\\"') in text


@pytest.mark.parametrize("image_format", ["svg", "png"])
def test_images_are_drawn_by_graphviz_or_refused_clearly(
    process: Process, image_format: str
) -> None:
    if not HAS_DOT:
        with pytest.raises(GraphvizNotFound) as caught:
            draw_diagram(process, image_format=image_format)  # type: ignore[arg-type]
        assert "Graphviz 'dot'" in str(caught.value)
        return
    image = draw_diagram(process, image_format=image_format)  # type: ignore[arg-type]
    if image_format == "png":
        assert image.startswith(b"\x89PNG")
        return
    assert b"<svg" in image
    initial = next(p for p in process.phases if p.initial)
    assert initial.label.text("cs").encode() in image
    # dot reads everything we write without a warning (an unknown attribute,
    # an edge clipped at the wrong cluster...).
    checked = subprocess.run(
        ["dot", "-Tsvg"],
        input=dot_diagram(process).encode(),
        capture_output=True,
        check=False,
    )
    assert checked.stderr == b""


def test_missing_graphviz_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFound) as caught:
        draw_diagram(load_process(TRICKY), image_format="png")
    message = str(caught.value)
    assert "Graphviz 'dot'" in message
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert isinstance(caught.value, OSError)


# ------------------------------------------------------------------------ CLI


def test_cli_writes_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", str(TRICKY), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert parse_mermaid(out).states[mid("closed")] == "Closed (outcome: closed_ok)"


def test_cli_writes_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "d.mmd"
    assert main(["diagram", str(TRICKY), "--output", str(target)]) == 0
    assert target.read_text().startswith("---\ntitle:")


def test_cli_without_graphviz_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["diagram", str(TRICKY), "--format", "svg"]) == 2
    assert "Graphviz 'dot'" in capsys.readouterr().err


def test_cli_draws_svg_when_graphviz_is_installed(tmp_path: Path) -> None:
    target = tmp_path / "d.svg"
    status = main(["diagram", str(TRICKY), "--format", "svg", "-o", str(target)])
    if HAS_DOT:
        assert status == 0
        assert b"<svg" in target.read_bytes()
    else:
        assert status == 2
        assert not target.exists()


def test_cli_broken_process_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: {cs: x}\n")
    assert main(["diagram", str(broken)]) == 1
    assert f"{broken}:" in capsys.readouterr().err


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_label_survives_mermaid(text: str) -> None:
    flat = " ".join(text.split())
    escaped = _mermaid_text(text)
    state = _encode(f'state "{escaped}" as ph_x')
    match = STATE.match(state)
    assert match, state
    assert _decode(match.group(1)) == flat
    edge = _encode(f"ph_x --> ph_y: {escaped}")
    match = EDGE.match(edge)
    if flat:
        assert match, edge
        assert _decode(match.group(3)) == flat
        assert "#" not in match.group(3)
    assert not re.search(r"(?i)end\s+note|direction\s+(tb|bt|rl|lr)\b|%%", _encode(escaped))
