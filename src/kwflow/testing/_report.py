"""What the explorer reports: traces of steps, problems found, the report itself.

Everything here is a frozen record with ``to_dict()`` for ``--format json``;
``ExplorationReport.to_text()`` is what ``kwflow explore`` prints.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.i18n import say

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.i18n import Catalogue, Language

__all__ = ["DEADLINE_STATUSES", "ExplorationReport", "Finding", "Step", "Violation"]

DEADLINE_STATUSES = ("not_started", "pending", "met", "breached", "cancelled")
"""The statuses the explorer follows a deadline through, in this order."""

# The words of a version's conditions (`condition_text`), in Czech: the
# notation is kwflow's own (``field present``, ``field in [a,b]``), so its
# few words are replaced, never a sentence translated.
_NOTATION_CS = (
    (re.compile(r" not in \["), " mimo ["),
    (re.compile(r" in \["), " z ["),
    (re.compile(r" present(?=,|$)"), " vyplněno"),
    (re.compile(r" absent(?=,|$)"), " nevyplněno"),
    (re.compile(r" non-empty(?=,|$)"), " neprázdné"),
    (re.compile(r" empty(?=,|$)"), " prázdné"),
)


def czech_notation(version: str) -> str:
    """A version's conditions (``suitable=true, minutes present``) with Czech words."""
    for pattern, words in _NOTATION_CS:
        version = pattern.sub(words, version)
    return version


# An explorer step in words, by kind (`Step.text`).
_STEP: Catalogue = {
    "open": {"en": "{actor} opens the case", "cs": "{actor} otevře případ"},
    "assign": {"en": "{actor} assigns {target}{whom}", "cs": "{actor} přidělí roli {target}{whom}"},
    "unassign": {"en": "{actor} unassigns a {target}", "cs": "{actor} odebere roli {target}"},
    "replace": {
        "en": "{actor} hands a {target} over{whom}",
        "cs": "{actor} předá roli {target}{whom}",
    },
    "submit": {"en": "{actor} submits {target}{version}", "cs": "{actor} uloží {target}{version}"},
    "act": {
        "en": "{actor} takes {target}{recording}{to}",
        "cs": "{actor} provede {target}{recording}{to}",
    },
    "call_in": {"en": "{actor} calls in {target}", "cs": "{actor} přizve {target}"},
    "dismiss": {"en": "{actor} dismisses {target}", "cs": "{actor} propustí {target}"},
    "also": {"en": " (also {also})", "cs": " (také {also})"},
    "whom": {"en": " to a {holder}", "cs": " osobě s rolí {holder}"},
    "recording": {"en": " recording{version}", "cs": " se záznamem{version}"},
}

# What the report says, by language (`ExplorationReport.to_text`).
_SAY: Catalogue = {
    "process": {"cs": "proces {id}, verze {version}", "en": "process {id} version {version}"},
    "exhaustive": {
        "cs": (
            "  prozkoumáno úplně: {states:plural:stav|stavy|stavů}, "
            "{transitions:plural:přechod|přechody|přechodů}, nejvzdálenější stav je "
            "{depth:plural:krok|kroky|kroků} od začátku, {seconds} s"
        ),
        "en": (
            "  explored exhaustively: {states} states, {transitions} "
            "transitions, deepest state {depth} steps away, {seconds} s"
        ),
    },
    "bounded": {
        "cs": (
            "  NEÚPLNÉ: po {states:plural:stavu|stavech|stavech} a "
            "{transitions:plural:přechodu|přechodech|přechodech} byla dosažena mez ({bound}), "
            "hloubka {depth}, {seconds} s; co následuje, platí jen do tohoto místa"
        ),
        "en": (
            "  NOT exhaustive: a bound was reached ({bound}) after {states} "
            "states, {transitions} transitions, depth {depth}, "
            "{seconds} s; what follows holds only up to there"
        ),
    },
    "outcomes": {
        "cs": "dosažené výsledky (nejkratší cesta):",
        "en": "outcomes reached (shortest trace):",
    },
    "outcome": {"cs": "  {code}: {steps:plural:krok|kroky|kroků}", "en": "  {code}: {steps} steps"},
    "never-reached": {"cs": "  {code}: NIKDY NEDOSAŽEN", "en": "  {code}: NEVER REACHED"},
    "deadlines": {"cs": "lhůty (dosažitelné stavy):", "en": "deadlines (statuses reachable):"},
    "no-deadlines": {"cs": "lhůty: žádné", "en": "deadlines: none"},
    "problems": {"cs": "problémy: {count}", "en": "problems: {count}"},
    "none": {"cs": "žádné", "en": "none"},
    "dead_end": {
        "cs": (
            "  slepá ulička ve fázi {phase} ({states:plural:stav|stavy|stavů}): nikdo přítomný "
            "nemůže udělat žádný krok (žádný úkon, dokument, přidělení ani přizvání)"
        ),
        "en": "  dead end in {phase} ({states} states): {message}",
    },
    "stuck": {
        "cs": (
            "  uvíznutí ve fázi {phase} ({states:plural:stav|stavy|stavů}): kroky zbývají, "
            "ale žádný z nich už nevede k výsledku"
        ),
        "en": "  stuck in {phase} ({states} states): {message}",
    },
    "never-enabled": {
        "cs": "  úkon {action} není nikdy povolen",
        "en": "  action {action} is never enabled",
    },
    "unreached-phase": {
        "cs": "  fáze {phase} není nikdy dosažena",
        "en": "  phase {phase} is never reached",
    },
    "violation": {
        "cs": (
            "  invariant {invariant} ({label}) je porušen po {steps:plural:kroku|krocích|krocích}"
        ),
        "en": "  invariant {invariant} broken after {steps} steps: {message}",
    },
    "deadline-never-met": {
        "cs": "  lhůta {deadline} není nikdy splněna",
        "en": "  deadline {deadline!r} is never met",
    },
    "depth": {"cs": "hloubka {n}", "en": "depth {n}"},
    "kinds": {"cs": "druhy verzí dokumentů {names}", "en": "kinds of version of {names}"},
}


def _bound_text(bound: str, lang: Language) -> str:
    """The bound that stopped a search (``depth 5``...), in ``lang``."""
    if lang == "en":
        return bound
    if bound.startswith("depth "):
        return say(_SAY, "depth", lang, n=bound.removeprefix("depth "))
    if bound.startswith("kinds of version of "):
        return say(_SAY, "kinds", lang, names=bound.removeprefix("kinds of version of "))
    return bound  # "max_states N": the option's own name


# ------------------------------------------------------------------ the report


@attrs.frozen
class Step:
    """One step of an explored trace, taken in ``phase`` by a holder of ``role``.

    ``kind`` is one of ``open``, ``assign``, ``unassign``, ``replace``, ``submit``,
    ``act``, ``call_in``, ``dismiss``. ``target`` is the role, artifact or
    action the step is about; ``to`` the leaf an action leads to; ``version``
    which conditions the submitted (or recorded) version meets; ``holder``
    the role the person already held when given a second one; ``also`` the
    second role of the person who takes the step, when that matters.
    ``str(step)`` reads like ``[referral] referrer takes agree -> sharing``.
    """

    kind: str
    role: str
    target: str
    phase: str
    to: str = ""
    version: str = ""
    holder: str = ""
    also: str = ""

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Language = "en") -> str:
        """The step as a line of the report, in English or Czech."""
        words = {"role": self.role, "target": self.target, "holder": self.holder}
        also = say(_STEP, "also", lang, also=self.also) if self.also else ""
        shown = czech_notation(self.version) if lang == "cs" else self.version
        version = f" [{shown}]" if self.version else ""
        parts = {
            **words,
            "actor": self.role + also,
            "version": version,
            "whom": say(_STEP, "whom", lang, **words) if self.holder else "",
            "recording": say(_STEP, "recording", lang, version=version) if self.version else "",
            "to": f" -> {self.to}" if self.to else "",
        }
        return f"[{self.phase}] {say(_STEP, self.kind, lang, **parts)}"

    def to_dict(self) -> dict[str, str]:
        """The step as JSON data, with its reading under ``text``."""
        data = attrs.asdict(self)
        data["text"] = str(self)
        return data


@attrs.frozen
class Violation:
    """A declared invariant broken on ``trace`` (a shortest one), at its last step."""

    invariant: str
    label: str
    message: str
    trace: tuple[Step, ...]
    label_cs: str = ""
    """The invariant's Czech label: the Czech report names the invariant by it
    (``message`` is the English account of how it broke)."""

    def to_dict(self) -> dict[str, Any]:
        """The violation as JSON data."""
        return {
            "invariant": self.invariant,
            "label": self.label,
            "message": self.message,
            "trace": [s.to_dict() for s in self.trace],
        }


@attrs.frozen
class Finding:
    """A kind of problem state, in ``phase``: how many states, and a shortest trace to one."""

    kind: str
    phase: str
    states: int
    message: str
    trace: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON data."""
        return {
            "kind": self.kind,
            "phase": self.phase,
            "states": self.states,
            "message": self.message,
            "trace": [s.to_dict() for s in self.trace],
        }


@attrs.frozen
class ExplorationReport:
    """What :func:`explore` found; ``ok`` is true when nothing is wrong and the search was complete.

    - ``exhaustive``: every reachable abstract state was visited (no bound was reached);
      ``bound`` says which bound stopped the search otherwise.
    - ``outcomes``: each reachable outcome with a shortest trace to it;
      ``unreachable_outcomes`` the declared ones never reached.
    - ``dead_ends``: non-terminal states in which nobody can take any step at all.
    - ``stuck``: non-terminal states from which no outcome can be reached any
      more, though steps remain (only known when the search was exhaustive).
    - ``never_enabled``: actions no reachable state allows; ``unreached_phases``
      leaf phases no reachable state is in.
    - ``violations``: declared invariants broken, each with a shortest trace.
    - ``deadlines``: per deadline, the statuses it can reach.
    """

    process_id: str
    version: int
    exhaustive: bool
    bound: str | None
    states: int
    transitions: int
    depth: int
    seconds: float
    outcomes: Mapping[str, tuple[Step, ...]]
    unreachable_outcomes: tuple[str, ...]
    dead_ends: tuple[Finding, ...]
    stuck: tuple[Finding, ...]
    never_enabled: tuple[str, ...]
    unreached_phases: tuple[str, ...]
    violations: tuple[Violation, ...]
    deadlines: Mapping[str, tuple[str, ...]]

    @property
    def problems(self) -> list[str]:
        """One line per problem found (empty when the process is sound)."""
        lines = [f"outcome {o!r} is never reached" for o in self.unreachable_outcomes]
        lines += [f"dead end in {f.phase!r}: {f.message}" for f in self.dead_ends]
        lines += [f"stuck in {f.phase!r}: {f.message}" for f in self.stuck]
        lines += [f"action {a!r} is never enabled" for a in self.never_enabled]
        lines += [f"phase {p!r} is never reached" for p in self.unreached_phases]
        lines += [f"invariant {v.invariant!r} is broken: {v.message}" for v in self.violations]
        lines += [
            f"deadline {d!r} is never met"
            for d, statuses in self.deadlines.items()
            if "pending" in statuses and "met" not in statuses
        ]
        return lines

    @property
    def ok(self) -> bool:
        """Whether the search was exhaustive and found no problem."""
        return self.exhaustive and not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The whole report as JSON data."""
        return {
            "process": {"id": self.process_id, "version": self.version},
            "ok": self.ok,
            "exhaustive": self.exhaustive,
            "bound": self.bound,
            "states": self.states,
            "transitions": self.transitions,
            "depth": self.depth,
            "seconds": round(self.seconds, 3),
            "outcomes": {
                code: [s.to_dict() for s in trace] for code, trace in self.outcomes.items()
            },
            "unreachable_outcomes": list(self.unreachable_outcomes),
            "dead_ends": [f.to_dict() for f in self.dead_ends],
            "stuck": [f.to_dict() for f in self.stuck],
            "never_enabled": list(self.never_enabled),
            "unreached_phases": list(self.unreached_phases),
            "violations": [v.to_dict() for v in self.violations],
            "deadlines": {d: list(s) for d, s in self.deadlines.items()},
            "problems": self.problems,
        }

    def to_text(self, *, traces: bool = True, lang: Language = "en") -> str:
        """The report for people, as ``kwflow explore`` prints it, in English or Czech."""

        def line(key: str, **facts: object) -> str:
            return say(_SAY, key, lang, **{k: str(v) for k, v in facts.items()})

        def trace_lines(trace: tuple[Step, ...]) -> list[str]:
            return [f"    {i}. {step.text(lang)}" for i, step in enumerate(trace, 1)]

        seconds = f"{self.seconds:.2f}"
        lines = [line("process", id=self.process_id, version=self.version)]
        counts = {"states": self.states, "transitions": self.transitions, "depth": self.depth}
        if self.exhaustive:
            lines.append(line("exhaustive", seconds=seconds, **counts))
        else:
            bound = _bound_text(self.bound or "", lang)
            lines.append(line("bounded", seconds=seconds, bound=bound, **counts))
        lines.append(line("outcomes"))
        for code, trace in self.outcomes.items():
            lines.append(line("outcome", code=code, steps=len(trace)))
            if traces:
                lines += trace_lines(trace)
        for code in self.unreachable_outcomes:
            lines.append(line("never-reached", code=code))
        lines.append(line("deadlines") if self.deadlines else line("no-deadlines"))
        for deadline, statuses in self.deadlines.items():
            lines.append(f"  {deadline}: {', '.join(statuses)}")
        problems = self.problems
        lines.append(line("problems", count=len(problems) or line("none")))
        for finding in (*self.dead_ends, *self.stuck):
            kind = "dead_end" if finding.kind == "dead_end" else "stuck"
            lines.append(
                line(kind, phase=finding.phase, states=finding.states, message=finding.message)
            )
            if traces:
                lines += trace_lines(finding.trace)
        for action in self.never_enabled:
            lines.append(line("never-enabled", action=action))
        for phase in self.unreached_phases:
            lines.append(line("unreached-phase", phase=phase))
        for violation in self.violations:
            lines.append(
                line(
                    "violation",
                    invariant=violation.invariant,
                    label=violation.label_cs or violation.invariant,
                    steps=len(violation.trace),
                    message=violation.message,
                )
            )
            if traces:
                lines += trace_lines(violation.trace)
        for deadline, statuses in self.deadlines.items():
            if "pending" in statuses and "met" not in statuses:
                lines.append(line("deadline-never-met", deadline=deadline))
        return "\n".join(lines)
