"""What the explorer reports: traces of steps, problems found, the report itself.

Everything here is a frozen record with ``to_dict()`` for ``--format json``;
``ExplorationReport.to_text()`` is what ``kwflow explore`` prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEADLINE_STATUSES", "ExplorationReport", "Finding", "Step", "Violation"]

DEADLINE_STATUSES = ("not_started", "pending", "met", "breached", "cancelled")
"""The statuses the explorer follows a deadline through, in this order."""

# ------------------------------------------------------------------ the report


@attrs.frozen
class Step:
    """One step of an explored trace, taken in ``phase`` by a holder of ``role``.

    ``kind`` is one of ``open``, ``assign``, ``unassign``, ``submit``,
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
        actor = self.role + (f" (also {self.also})" if self.also else "")
        version = f" [{self.version}]" if self.version else ""
        if self.kind == "open":
            text = f"{actor} opens the case"
        elif self.kind == "assign":
            whom = f" to a {self.holder}" if self.holder else ""
            text = f"{actor} assigns {self.target}{whom}"
        elif self.kind == "unassign":
            text = f"{actor} unassigns a {self.target}"
        elif self.kind == "submit":
            text = f"{actor} submits {self.target}{version}"
        elif self.kind == "act":
            text = f"{actor} takes {self.target}"
            if self.version:
                text += f" recording{version}"
            if self.to:
                text += f" -> {self.to}"
        elif self.kind == "call_in":
            text = f"{actor} calls in {self.target}"
        else:
            text = f"{actor} dismisses {self.target}"
        return f"[{self.phase}] {text}"

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

    def to_text(self, *, traces: bool = True) -> str:
        """The report for people, as ``kwflow explore`` prints it."""
        lines = [f"process {self.process_id} version {self.version}"]
        if self.exhaustive:
            lines.append(
                f"  explored exhaustively: {self.states} states, {self.transitions} "
                f"transitions, deepest state {self.depth} steps away, {self.seconds:.2f} s"
            )
        else:
            lines.append(
                f"  NOT exhaustive: a bound was reached ({self.bound}) after {self.states} "
                f"states, {self.transitions} transitions, depth {self.depth}, "
                f"{self.seconds:.2f} s; what follows holds only up to there"
            )
        lines.append("outcomes reached (shortest trace):")
        for code, trace in self.outcomes.items():
            lines.append(f"  {code}: {len(trace)} steps")
            if traces:
                lines += [f"    {i}. {step}" for i, step in enumerate(trace, 1)]
        for code in self.unreachable_outcomes:
            lines.append(f"  {code}: NEVER REACHED")
        lines.append("deadlines (statuses reachable):" if self.deadlines else "deadlines: none")
        for deadline, statuses in self.deadlines.items():
            lines.append(f"  {deadline}: {', '.join(statuses)}")
        problems = self.problems
        lines.append(f"problems: {len(problems) or 'none'}")
        for finding in (*self.dead_ends, *self.stuck):
            title = "dead end" if finding.kind == "dead_end" else "stuck"
            lines.append(
                f"  {title} in {finding.phase} ({finding.states} states): {finding.message}"
            )
            if traces:
                lines += [f"    {i}. {step}" for i, step in enumerate(finding.trace, 1)]
        for action in self.never_enabled:
            lines.append(f"  action {action} is never enabled")
        for phase in self.unreached_phases:
            lines.append(f"  phase {phase} is never reached")
        for violation in self.violations:
            lines.append(
                f"  invariant {violation.invariant} broken after {len(violation.trace)} "
                f"steps: {violation.message}"
            )
            if traces:
                lines += [f"    {i}. {step}" for i, step in enumerate(violation.trace, 1)]
        for line in problems:
            if line.startswith("deadline"):
                lines.append(f"  {line}")
        return "\n".join(lines)
