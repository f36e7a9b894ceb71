"""Diagrams of a process: Mermaid text, Graphviz DOT, and SVG/PNG through ``dot``.

A diagram shows what a methodologist needs to see of a process file: the
phases (a compound phase, such as the family conference's conference with
its three parts, drawn as a box around its sub-phases), every action as an
arrow labelled with the action's label and the roles that may take it,
terminal phases with their outcome drawn distinctly, and every deadline as a
note on the phases it runs in. Labels come in Czech or English.

Why not ``transitions.extensions.diagrams``: we tried its
``HierarchicalGraphMachine`` with the ``mermaid`` engine, and what it would
give us is the nesting and the ``[*]`` markers, which are a few lines here.
What it lacks we would have to post-process its text to add: state labels
other than the state name, roles on edges, notes, a distinct style for
outcomes. And it gets in the way: it escapes nothing (a quote in a label, or
a colon in the title it writes as YAML front matter, breaks the diagram), it
needs a model bound to the machine and paints that model's state as
"active" (a process diagram has no current state), it builds a machine per
diagram, and its Graphviz engine needs the ``graphviz`` Python package,
which kwflow does not depend on. So both formats are generated directly from
one intermediate drawing, which also keeps Mermaid and DOT in agreement.

Where a deadline's note goes: on the phases listed in the deadline's
``phases`` when the file lists them; otherwise on the phases its satisfying
actions are taken from, which is where the deadline is watched.

A suspension phase is drawn dashed, with a note saying what its deadlines
do; a resume action (which has no ``to``) is drawn as a dashed arrow back
("↩") to the phases the case may have been suspended from, or to the box
that names them: it returns the case to the one it left.

An action possible from many phases (the family conference's "intervene"
from five) is drawn once: one arrow from a dashed box that names the phases
("from any of: Referral, Preparation, ..."), instead of one arrow per phase
crossing the whole picture. Actions from the same phases share the box.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kwflow.definition import Deadline, Label, Period, PeriodUnit, Phase, Process
from kwflow.exceptions import GraphvizFailed, KwflowError
from kwflow.i18n import LANGUAGES, Catalogue, Language, say

from ._period_words import period_words

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from kwflow.definition import Role

__all__ = [
    "DIAGRAM_FORMATS",
    "LANGUAGES",
    "GraphvizNotFound",
    "dot_diagram",
    "draw_diagram",
    "mermaid_diagram",
]

ImageFormat = Literal["svg", "png"]

DIAGRAM_FORMATS: tuple[str, ...] = ("mermaid", "svg", "png")
"""Formats ``kwflow diagram`` writes; ``svg`` and ``png`` need Graphviz ``dot``."""

GRAPHVIZ_INSTALL_HINT = (
    "install Graphviz: 'sudo apt-get install graphviz' (Debian, Ubuntu), "
    "'brew install graphviz' (macOS) or https://graphviz.org/download/"
)


class GraphvizNotFound(KwflowError, OSError):
    """SVG or PNG was asked for, but the Graphviz ``dot`` program is not installed."""

    code = "diagram.graphviz-missing"
    czech = (
        "kreslení ve formátu {image_format} potřebuje program Graphviz 'dot', který není "
        "v PATH; nainstalujte Graphviz: 'sudo apt-get install graphviz' (Debian, Ubuntu), "
        "'brew install graphviz' (macOS) nebo https://graphviz.org/download/; "
        "anebo použijte --format mermaid, který nepotřebuje nic"
    )

    def __init__(self, image_format: str) -> None:
        self.image_format = image_format
        super().__init__(
            f"drawing {image_format.upper()} needs the Graphviz 'dot' program, "
            f"which is not on PATH; {GRAPHVIZ_INSTALL_HINT}; "
            "or use --format mermaid, which needs nothing"
        )


# ----------------------------------------------------------------------- wording

_WORDS: Catalogue = {
    "deadline": {"cs": "Lhůta", "en": "Deadline"},
    "target": {"cs": "cíl", "en": "target"},
    "limit": {"cs": "limit", "en": "limit"},
    "after": {"cs": "po", "en": "after"},
    "before": {"cs": "před", "en": "before"},
    "responsible": {"cs": "odpovídá", "en": "responsible"},
    "outcome": {"cs": "výsledek", "en": "outcome"},
    "version": {"cs": "verze", "en": "version"},
    "runs_in": {"cs": "běží ve fázích", "en": "runs in"},
    "same_day": {"cs": "týž den", "en": "the same day"},
    "at_once": {"cs": "ihned", "en": "at once"},
    "from_any": {"cs": "Z kterékoli z fází", "en": "From any of"},
    "role": {"cs": "Role", "en": "Role"},
    "assignable_in": {"cs": "přiděluje se jen ve fázích", "en": "assigned only in"},
    "organisation_required": {"cs": "organizace musí být uvedena", "en": "organisation named"},
    "organisation_kinds": {"cs": "organizace jen druhu", "en": "organisation only of the kinds"},
    "organisation_not_kinds": {
        "cs": "organizace nikdy druhu",
        "en": "organisation never of the kinds",
    },
    "organisation_not_same_as": {
        "cs": "organizace nikdy táž jako u role",
        "en": "organisation never the same as the role's",
    },
    "organisations_of": {"cs": "organizace", "en": "organisations of"},
    "suspension": {"cs": "pozastavení", "en": "suspension"},
    "pause": {
        "cs": "Pozastavení: běžící lhůty stojí a po obnovení se posunou o pracovní dny přerušení",
        "en": "Suspension: running deadlines stop and move later by the working days suspended",
    },
    "run": {
        "cs": "Pozastavení: běžící lhůty dál běží",
        "en": "Suspension: running deadlines keep running",
    },
    "back": {"cs": "zpět, kde se případ zastavil", "en": "back to where the case stopped"},
}

GROUPED_FROM = 3
"""An action possible from this many phases or more is drawn once, from a box
naming them, rather than as one arrow per phase."""


def period_text(period: Period, lang: Language) -> str:
    """A period in words: ``5 pracovních dní``, ``1 month``."""
    amount = period.amount
    if amount == 0:
        # "0 days after the review date" reads as a puzzle; say what it means.
        elapsed = period.unit in (PeriodUnit.MINUTES, PeriodUnit.HOURS)
        return say(_WORDS, "at_once" if elapsed else "same_day", lang)
    return period_words(period, lang)


def _text(label: Label | None, lang: Language, fallback: str) -> str:
    return label.text(lang) if label is not None else fallback


# ----------------------------------------------------------- the drawing itself


@dataclass
class _Node:
    """A phase as drawn: its label, its sub-phases and the notes pinned to it."""

    id: str
    label: str
    outcome: str | None
    children: list[_Node] = field(default_factory=list)
    initial_child: str | None = None
    notes: list[_Note] = field(default_factory=list)
    suspension: str | None = None  # what deadlines do in a suspension phase


@dataclass(frozen=True)
class _Note:
    """A deadline's note and the phases it runs in (pinned to the first)."""

    phases: tuple[str, ...]
    text: str


@dataclass
class _Edge:
    """One arrow; actions between the same two phases share it, one line each."""

    source: str
    target: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _Group:
    """The phases shared by actions possible from many of them, drawn as one box.

    Its edges leave the box, one per target, with one line per action.
    """

    id: str
    phases: tuple[str, ...]
    label: str
    edges: list[_Edge] = field(default_factory=list)


@dataclass
class _Drawing:
    title: str
    roots: list[_Node]
    initial: str | None
    edges: list[_Edge]
    parent: dict[str, str | None]
    groups: list[_Group] = field(default_factory=list)
    # Resume arrows: from a suspension phase back to a phase or a group box.
    returns: list[_Edge] = field(default_factory=list)

    def nodes(self) -> Iterator[_Node]:
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _build(process: Process, lang: Language) -> _Drawing:
    def role_text(role_id: str) -> str:
        role = process.role(role_id)
        return role.label.text(lang) if role is not None else role_id

    def node(phase: Phase) -> _Node:
        initial = next((p.id for p in phase.phases if p.initial), None)
        if initial is None and phase.phases:
            initial = phase.phases[0].id
        return _Node(
            id=phase.id,
            label=phase.label.text(lang),
            outcome=phase.outcome,
            children=[node(child) for child in phase.phases],
            initial_child=initial,
            suspension=None if phase.suspension is None else phase.suspension.deadlines,
        )

    roots = [node(phase) for phase in process.phases]
    by_id: dict[str, _Node] = {}
    parent: dict[str, str | None] = {}
    stack: list[tuple[_Node, str | None]] = [(root, None) for root in roots]
    while stack:
        current, up = stack.pop()
        by_id[current.id] = current
        parent[current.id] = up
        stack.extend((child, current.id) for child in current.children)

    edges: dict[tuple[str, str], _Edge] = {}
    groups: dict[tuple[str, ...], _Group] = {}
    resumes: list[tuple[str, str]] = []  # (action line, suspension phase)
    for action in process.actions:
        roles = ", ".join(role_text(r) for r in action.by)
        # Square brackets, because role labels often hold parentheses.
        line = f"{action.label.text(lang)} [{roles}]"
        for needed in action.requires.organisations:
            kinds = _kinds_text(process, needed.kinds, lang)
            line += f" ({say(_WORDS, 'organisations_of', lang)} {role_text(needed.role)}: {kinds})"
        sources = tuple(p for p in action.from_ if p in by_id)
        if action.resume:
            resumes += [(line, source) for source in sources]
            continue
        if len(sources) >= GROUPED_FROM and action.to in by_id:
            group = groups.get(sources)
            if group is None:
                phase_list = ", ".join(by_id[p].label for p in sources)
                label = f"{say(_WORDS, 'from_any', lang)}: {phase_list}"
                group = groups[sources] = _Group(f"any_{len(groups) + 1}", sources, label)
            edge = next((e for e in group.edges if e.target == action.to), None)
            if edge is None:
                edge = _Edge(group.id, action.to)
                group.edges.append(edge)
            edge.lines.append(line)
            continue
        for source in action.from_:
            # A reference the static checks would reject is left out rather
            # than drawn as a phantom phase; `kwflow check` names it.
            target = action.to if action.to is not None else source
            if source not in by_id or target not in by_id:
                continue
            edge = edges.setdefault((source, target), _Edge(source, target))
            edge.lines.append(line)

    for deadline in process.deadlines:
        phases = [p for p in _deadline_phases(process, deadline) if p in by_id]
        if not phases:
            continue
        # One note per deadline: Mermaid pins it to the first phase it runs
        # in and names the others; Graphviz links it to each of them.
        names = [by_id[p].label for p in phases]
        by_id[phases[0]].notes.append(
            _Note(tuple(phases), _deadline_note(process, deadline, lang, names))
        )

    returns: dict[tuple[str, str], _Edge] = {}
    for line, suspension in resumes:
        back = f"↩ {line} ({say(_WORDS, 'back', lang)})"
        for target in _return_targets(process, suspension, groups):
            edge = returns.setdefault((suspension, target), _Edge(suspension, target))
            edge.lines.append(back)
    for current in by_id.values():
        if current.suspension is not None:
            current.notes.append(_Note((current.id,), say(_WORDS, current.suspension, lang)))

    initial = next((p.id for p in process.phases if p.initial), None)
    for role in process.roles:
        # A role's rules on who may hold it: pinned to the first phase it is
        # assigned in, or to the initial phase when it may be assigned anywhere.
        text = _role_note(process, role, lang)
        pinned = [p for p in role.assignable_in if p in by_id] or [initial or roots[0].id]
        if text:
            by_id[pinned[0]].notes.append(_Note((pinned[0],), text))
    version = f"{say(_WORDS, 'version', lang)} {process.version}"
    title = f"{process.title.text(lang)} ({process.id}, {version})"
    return _Drawing(
        title,
        roots,
        initial,
        list(edges.values()),
        parent,
        list(groups.values()),
        list(returns.values()),
    )


def _return_targets(
    process: Process, suspension: str, groups: dict[tuple[str, ...], _Group]
) -> list[str]:
    """Where a resume arrow from ``suspension`` points: the phases actions suspend from.

    Phases an action suspends from that are drawn as one box (`GROUPED_FROM`)
    are pointed at through the box.
    """
    targets: dict[str, None] = {}
    for action in process.actions:
        if action.to != suspension:
            continue
        group = groups.get(tuple(action.from_))
        if group is not None:
            targets[group.id] = None
        else:
            targets.update(dict.fromkeys(p for p in action.from_ if p != suspension))
    return list(targets)


def _kinds_text(process: Process, kinds: Iterable[str], lang: Language) -> str:
    found = (process.organisation_kind(k) for k in kinds)
    return ", ".join(
        _text(kind.label if kind else None, lang, kind_id)
        for kind, kind_id in zip(found, kinds, strict=True)
    )


def _role_note(process: Process, role: Role, lang: Language) -> str:
    """The role's ``assignable_in`` and organisation rules as note lines (empty: none)."""
    lines = []
    if role.assignable_in:
        phases = ", ".join(
            _text(info.phase.label if (info := process.phase_info(p)) else None, lang, p)
            for p in role.assignable_in
        )
        lines.append(f"{say(_WORDS, 'assignable_in', lang)}: {phases}")
    rule = role.organisation
    if rule is not None:
        if rule.required:
            lines.append(say(_WORDS, "organisation_required", lang))
        if rule.kinds:
            kinds = _kinds_text(process, rule.kinds, lang)
            lines.append(f"{say(_WORDS, 'organisation_kinds', lang)}: {kinds}")
        if rule.not_kinds:
            kinds = _kinds_text(process, rule.not_kinds, lang)
            lines.append(f"{say(_WORDS, 'organisation_not_kinds', lang)}: {kinds}")
        if rule.not_same_as:
            roles = ", ".join(
                _text(r.label if (r := process.role(o)) else None, lang, o)
                for o in rule.not_same_as
            )
            lines.append(f"{say(_WORDS, 'organisation_not_same_as', lang)}: {roles}")
    if not lines:
        return ""
    return "\n".join([f"{say(_WORDS, 'role', lang)}: {role.label.text(lang)}", *lines])


def _deadline_phases(process: Process, deadline: Deadline) -> tuple[str, ...]:
    if deadline.phases:
        return deadline.phases
    seen: dict[str, None] = {}
    for action_id in deadline.satisfied_by:
        action = process.action(action_id)
        if action is not None:
            seen.update(dict.fromkeys(action.from_))
    return tuple(seen)


def _deadline_note(
    process: Process, deadline: Deadline, lang: Language, phase_names: list[str]
) -> str:
    words = {key: say(_WORDS, key, lang) for key in _WORDS}
    times = []
    if deadline.target is not None:
        times.append(f"{words['target']} {period_text(deadline.target, lang)}")
    if deadline.limit is not None:
        times.append(f"{words['limit']} {period_text(deadline.limit, lang)}")
    anchor = deadline.anchor
    if anchor.action is not None:
        action = process.action(anchor.action)
        anchor_text = _text(action.label if action else None, lang, anchor.action)
    else:
        assert anchor.field is not None
        artifact = process.artifact(anchor.field.artifact)
        artifact_field = artifact.field(anchor.field.field) if artifact else None
        anchor_text = " / ".join(
            (
                _text(artifact.label if artifact else None, lang, anchor.field.artifact),
                _text(artifact_field.label if artifact_field else None, lang, anchor.field.field),
            )
        )
    role = process.role(deadline.responsible)
    role_text = _text(role.label if role else None, lang, deadline.responsible)
    lines = [
        f"{words['deadline']}: {deadline.label.text(lang)}",
        ", ".join(times),
        f"{words[deadline.direction]}: {anchor_text}",
        f"{words['responsible']}: {role_text}",
    ]
    if len(phase_names) > 1:
        lines.append(f"{words['runs_in']}: {', '.join(phase_names)}")
    return "\n".join(lines)


# ----------------------------------------------------------------------- Mermaid

# Mermaid's state-diagram lexer ends an edge label at ':' or ';', a state
# description at '"', and treats '%%' as a comment, '#' as the start of an
# entity code and '<' as HTML. Mermaid decodes '#NN;' entity codes after
# parsing in every renderer (GitHub, MkDocs Material, mermaid.live), so those
# characters are written as entity codes and display as themselves.
_MERMAID_ENTITIES = {c: f"#{ord(c)};" for c in '#;:"<>&%{}'}
# Two phrases the lexer reads as keywords anywhere on a line: "end note"
# closes a note, "direction LR" (etc.) sets the layout. A space written as an
# entity code keeps them text.
_MERMAID_KEYWORDS = re.compile(r"(?i)\b(end|direction)\s+(note|tb|bt|rl|lr)\b")


def _mermaid_text(text: str) -> str:
    # A label is one line in Mermaid: a line break (a YAML block scalar) or
    # a run of spaces becomes one space.
    flat = " ".join(text.split())
    escaped = "".join(_MERMAID_ENTITIES.get(c, c) for c in flat)
    return _MERMAID_KEYWORDS.sub(r"\1#32;\2", escaped)


def _mermaid_id(phase_id: str) -> str:
    # A prefix keeps phase ids clear of Mermaid's keywords ("note", "state",
    # "default", "end"...), which the lexer would otherwise read as syntax.
    return f"ph_{phase_id}"


def mermaid_diagram(process: Process, *, lang: Language = "cs", title: bool = True) -> str:
    """The process as a Mermaid ``stateDiagram-v2``.

    Phases are states (a compound phase is a composite state), actions are
    transitions labelled ``action (roles)``, terminal phases are styled as
    outcomes and lead to the end marker, deadlines are notes; an action
    possible from `GROUPED_FROM` phases or more is one transition from a
    dashed state (``any_1``, ...) that names those phases. Every label is
    escaped, so any text a process file holds gives a valid diagram.

    >>> from kwflow.definition import Process
    >>> process = Process.model_validate({
    ...     "id": "tiny", "version": 1, "title": {"cs": "Malý", "en": "Tiny"},
    ...     "opener": "worker",
    ...     "roles": [{"id": "worker", "label": {"cs": "Pracovník"}, "kind": "authority"}],
    ...     "phases": [
    ...         {"id": "open", "label": {"cs": "Otevřeno"}, "initial": True},
    ...         {"id": "done", "label": {"cs": "Hotovo"}, "outcome": "done"},
    ...     ],
    ...     "actions": [{"id": "finish", "label": {"cs": "Dokončit"},
    ...                  "from": ["open"], "to": "done", "by": ["worker"]}],
    ... })
    >>> print(mermaid_diagram(process, title=False))  # doctest: +NORMALIZE_WHITESPACE
    stateDiagram-v2
      classDef outcome fill:#eeeeee,stroke:#333333,stroke-width:3px,font-weight:bold
      state "Otevřeno" as ph_open
      state "Hotovo (výsledek#58; done)" as ph_done
      class ph_done outcome
      ph_done --> [*]
      [*] --> ph_open
      ph_open --> ph_done: Dokončit [Pracovník]
    <BLANKLINE>
    """
    drawing = _build(process, lang)
    lines: list[str] = []
    if title:
        # Front matter is YAML; a JSON string is valid YAML whatever it holds.
        lines += ["---", f"title: {json.dumps(drawing.title, ensure_ascii=False)}", "---"]
    lines += [
        "stateDiagram-v2",
        "  classDef outcome fill:#eeeeee,stroke:#333333,stroke-width:3px,font-weight:bold",
    ]
    if drawing.groups:
        lines.append("  classDef anyphase fill:#fff8dc,stroke:#999999,stroke-dasharray:4 3")
    if drawing.returns:
        lines.append("  classDef suspension fill:#f3f3ff,stroke:#555599,stroke-dasharray:6 3")

    # Edges between two phases of one compound phase are written inside it;
    # all others at the top, after every state is declared, because Mermaid
    # places a state where it first sees it.
    inner: dict[str | None, list[_Edge]] = {}
    for edge in drawing.edges:
        source_parent = drawing.parent[edge.source]
        scope = source_parent if source_parent == drawing.parent[edge.target] else None
        inner.setdefault(scope, []).append(edge)

    def edge_line(edge: _Edge, indent: str) -> str:
        label = "<br/>".join(_mermaid_text(line) for line in edge.lines)
        return f"{indent}{_mermaid_id(edge.source)} --> {_mermaid_id(edge.target)}: {label}"

    def write(nodes: list[_Node], indent: str) -> None:
        for node in nodes:
            ident = _mermaid_id(node.id)
            label = node.label
            if node.outcome is not None:
                label += f" ({say(_WORDS, 'outcome', lang)}: {node.outcome})"
            if node.suspension is not None:
                label += f" ({say(_WORDS, 'suspension', lang)})"
            lines.append(f'{indent}state "{_mermaid_text(label)}" as {ident}')
            if node.suspension is not None:
                lines.append(f"{indent}class {ident} suspension")
            if node.outcome is not None:
                lines.append(f"{indent}class {ident} outcome")
                lines.append(f"{indent}{ident} --> [*]")
            if node.children:
                lines.append(f"{indent}state {ident} {{")
                if node.initial_child is not None:
                    lines.append(f"{indent}  [*] --> {_mermaid_id(node.initial_child)}")
                write(node.children, indent + "  ")
                lines.extend(edge_line(edge, indent + "  ") for edge in inner.get(node.id, []))
                lines.append(f"{indent}}}")
            for note in node.notes:
                lines.append(f"{indent}note right of {ident}")
                # Note lines are not indented: Mermaid keeps their leading spaces.
                lines.extend(_mermaid_text(part) for part in note.text.split("\n"))
                lines.append(f"{indent}end note")

    write(drawing.roots, "  ")
    for group in drawing.groups:
        lines.append(f'  state "{_mermaid_text(group.label)}" as {group.id}')
        lines.append(f"  class {group.id} anyphase")
    if drawing.initial is not None:
        lines.append(f"  [*] --> {_mermaid_id(drawing.initial)}")
    lines.extend(edge_line(edge, "  ") for edge in inner.get(None, []))
    for group in drawing.groups:
        for edge in group.edges:
            label = "<br/>".join(_mermaid_text(line) for line in edge.lines)
            lines.append(f"  {group.id} --> {_mermaid_id(edge.target)}: {label}")
    group_ids = {group.id for group in drawing.groups}
    for edge in drawing.returns:
        # Mermaid draws every transition alike: the "↩" and the words say it goes back.
        label = "<br/>".join(_mermaid_text(line) for line in edge.lines)
        target = edge.target if edge.target in group_ids else _mermaid_id(edge.target)
        lines.append(f"  {_mermaid_id(edge.source)} --> {target}: {label}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- Graphviz


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def dot_diagram(process: Process, *, lang: Language = "cs") -> str:
    """The process as a Graphviz DOT graph, for ``dot -Tsvg`` or ``dot -Tpng``.

    A compound phase is a cluster; an arrow to or from it is drawn to the
    cluster's border (``compound=true``) from its initial sub-phase.
    """
    drawing = _build(process, lang)
    by_id = {node.id: node for node in drawing.nodes()}

    def anchor(phase_id: str) -> str:
        # Graphviz draws edges between nodes only; a cluster is reached
        # through one of its leaves, clipped at the cluster's border.
        node = by_id[phase_id]
        while node.children:
            node = by_id[node.initial_child or node.children[0].id]
        return node.id

    lines = [
        "digraph process {",
        "  compound=true;",
        "  rankdir=TB;",
        f"  label={_dot_string(drawing.title)};",
        "  labelloc=t;",
        '  fontname="Helvetica";',
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    notes: list[_Note] = []

    def write(nodes: list[_Node], indent: str) -> None:
        for node in nodes:
            if node.children:
                lines.append(f"{indent}subgraph {_dot_string('cluster_' + node.id)} {{")
                lines.append(f"{indent}  label={_dot_string(node.label)};")
                lines.append(f'{indent}  style="rounded"; color="#555555";')
                write(node.children, indent + "  ")
                lines.append(f"{indent}}}")
            elif node.outcome is not None:
                label = f"{node.label}\n({say(_WORDS, 'outcome', lang)}: {node.outcome})"
                lines.append(
                    f"{indent}{_dot_string(node.id)} [label={_dot_string(label)}, "
                    'peripheries=2, fillcolor="#eeeeee", penwidth=2];'
                )
            elif node.suspension is not None:
                label = f"{node.label}\n({say(_WORDS, 'suspension', lang)})"
                lines.append(
                    f"{indent}{_dot_string(node.id)} [label={_dot_string(label)}, "
                    'style="rounded,dashed,filled", fillcolor="#f3f3ff"];'
                )
            else:
                lines.append(f"{indent}{_dot_string(node.id)} [label={_dot_string(node.label)}];")
            notes.extend(node.notes)

    write(drawing.roots, "  ")
    if drawing.initial is not None:
        lines.append('  "__start" [shape=point, width=0.2, label=""];')
        lines.append(f'  "__start" -> {_dot_string(anchor(drawing.initial))};')
    for edge in drawing.edges:
        attributes = [f"label={_dot_string(chr(10).join(edge.lines))}"]
        if by_id[edge.source].children and edge.source != edge.target:
            attributes.append(f"ltail={_dot_string('cluster_' + edge.source)}")
        if by_id[edge.target].children and edge.source != edge.target:
            attributes.append(f"lhead={_dot_string('cluster_' + edge.target)}")
        lines.append(
            f"  {_dot_string(anchor(edge.source))} -> {_dot_string(anchor(edge.target))} "
            f"[{', '.join(attributes)}];"
        )
    for group in drawing.groups:
        group_id = _dot_string(f"__{group.id}")
        lines.append(
            f'  {group_id} [label={_dot_string(group.label)}, style="rounded,dashed,filled", '
            'fillcolor="#fff8dc", color="#999999"];'
        )
        for edge in group.edges:
            extra = ""
            if by_id[edge.target].children:
                extra = f", lhead={_dot_string('cluster_' + edge.target)}"
            lines.append(
                f"  {group_id} -> {_dot_string(anchor(edge.target))} "
                f"[label={_dot_string(chr(10).join(edge.lines))}{extra}];"
            )
    group_ids = {group.id for group in drawing.groups}
    for edge in drawing.returns:
        if edge.target in group_ids:
            target, extra = _dot_string(f"__{edge.target}"), ""
        else:
            target = _dot_string(anchor(edge.target))
            cluster = by_id[edge.target].children
            extra = f", lhead={_dot_string('cluster_' + edge.target)}" if cluster else ""
        lines.append(
            f"  {_dot_string(anchor(edge.source))} -> {target} "
            f'[label={_dot_string(chr(10).join(edge.lines))}, style=dashed, color="#555599", '
            f"constraint=false{extra}];"
        )
    for number, note in enumerate(notes, start=1):
        note_id = _dot_string(f"__note_{number}")
        lines.append(
            f'  {note_id} [shape=note, style=filled, fillcolor="#fff8dc", '
            f"fontsize=10, label={_dot_string(note.text)}];"
        )
        for position, phase_id in enumerate(note.phases):
            cluster = by_id[phase_id].children
            extra = f", lhead={_dot_string('cluster_' + phase_id)}" if cluster else ""
            # The note sits by its first phase; links to the others must not
            # pull phases out of their order.
            extra += ", constraint=false" if position else ""
            lines.append(
                f"  {note_id} -> {_dot_string(anchor(phase_id))} "
                f'[style=dashed, arrowhead=none, color="#999999"{extra}];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw_diagram(
    process: Process, *, image_format: ImageFormat, lang: Language = "cs", timeout: float = 60
) -> bytes:
    """Render the process to SVG or PNG with Graphviz ``dot``.

    Raises `GraphvizNotFound` when ``dot`` is not installed, naming what to
    install; `GraphvizFailed` (a ``RuntimeError``) when ``dot`` fails.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizNotFound(image_format)
    result = subprocess.run(  # noqa: S603 - a fixed program found on PATH, no shell
        [dot, f"-T{image_format}"],
        input=dot_diagram(process, lang=lang).encode(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise GraphvizFailed(result.returncode, message)
    return result.stdout
