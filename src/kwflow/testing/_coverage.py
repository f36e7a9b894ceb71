"""What the stateful test reached: actions taken, phases entered, deadline statuses.

Every run of a machine from :func:`process_state_machine` reports what its
case did to the coverage of its process (kept for the whole test session,
per process id and version); ``kwflow``'s pytest plugin prints it at the
end, with what was never reached. A process file whose action was never
taken in hundreds of runs has a rule the test did not exercise: raise the
number of examples, or look at why (the explorer says whether it can be
taken at all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from kwflow.engine import DeadlineStatus
from kwflow.i18n import english_plural

from ._phases import shape_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from kwflow.definition import Process
    from kwflow.engine import Case

__all__ = ["ProcessCoverage", "StatefulCoverage", "stateful_coverage"]

_STATUSES = tuple(status.value for status in DeadlineStatus)


@attrs.define
class ProcessCoverage:
    """What the stateful runs of one process reached, and what it could have.

    ``actions``, ``phases`` (leaf phases), ``outcomes`` and ``deadlines``
    are the process's; ``taken``, ``entered``, ``ended`` and ``statuses``
    ((deadline, status) pairs) what the runs reached.
    """

    process_id: str
    version: int
    actions: tuple[str, ...]
    phases: tuple[str, ...]
    outcomes: tuple[str, ...]
    deadlines: tuple[str, ...]
    runs: int = 0
    steps: int = 0
    taken: set[str] = attrs.Factory(set)
    entered: set[str] = attrs.Factory(set)
    ended: set[str] = attrs.Factory(set)
    statuses: set[tuple[str, str]] = attrs.Factory(set)
    content_hash: str = ""
    """The process's content hash: two files may share an id and version."""

    @classmethod
    def of(cls, process: Process) -> ProcessCoverage:
        """Nothing reached yet, for ``process``."""
        shape = shape_of(process)
        return cls(
            process.id,
            process.version,
            tuple(action.id for action in process.actions),
            tuple(shape.leaves),
            tuple(shape.outcomes),
            tuple(deadline.id for deadline in process.deadlines),
            content_hash=process.content_hash,
        )

    def saw(self, case: Case, *, action: str | None = None) -> None:
        """Count one event, after which the case is ``case`` (``action``: the one it took)."""
        self.steps += 1
        if action is not None:
            self.taken.add(action)
        self.entered.add(case.phase.id)
        if case.outcome is not None:
            self.ended.add(case.outcome)
        for state in case.deadlines.values():
            self.statuses.add((state.id, state.status.value))

    def never(self) -> dict[str, tuple[str, ...]]:
        """What no run reached: ``actions``, ``phases``, ``outcomes``, and per deadline."""
        found = {
            "actions": tuple(a for a in self.actions if a not in self.taken),
            "phases": tuple(p for p in self.phases if p not in self.entered),
            "outcomes": tuple(o for o in self.outcomes if o not in self.ended),
        }
        for deadline in self.deadlines:
            found[deadline] = tuple(s for s in _STATUSES if (deadline, s) not in self.statuses)
        return found

    def lines(self, *, show_hash: bool = False) -> Iterator[str]:
        """The coverage as the terminal summary prints it (``show_hash``: with the hash)."""
        never = self.never()

        def counted(what: str, reached: Iterable[str], of: tuple[str, ...]) -> str:
            missing = never[what]
            text = f"    {what}: {len(set(reached) & set(of))} of {len(of)}"
            return text + (f"; never: {', '.join(missing)}" if missing else "")

        which = f" ({self.content_hash[:12]})" if show_hash else ""
        yield (
            f"  {self.process_id} version {self.version}{which}: "
            f"{self.runs} {english_plural(self.runs, 'run', 'runs')}, "
            f"{self.steps} {english_plural(self.steps, 'event', 'events')}"
        )
        yield counted("actions", self.taken, self.actions)
        yield counted("phases", self.entered, self.phases)
        yield counted("outcomes", self.ended, self.outcomes)
        for deadline in self.deadlines:
            reached = [s for s in _STATUSES if (deadline, s) in self.statuses]
            missing = never[deadline]
            text = f"    deadline {deadline}: {', '.join(reached) or 'nothing'}"
            yield text + (f"; never: {', '.join(missing)}" if missing else "")


@attrs.define
class StatefulCoverage:
    """Coverage of every process the stateful test ran in this session."""

    processes: dict[tuple[str, int, str], ProcessCoverage] = attrs.Factory(dict)

    def of(self, process: Process) -> ProcessCoverage:
        """The coverage of ``process`` (by id, version and content), made when first asked."""
        key = (process.id, process.version, process.content_hash)
        found = self.processes.get(key)
        if found is None:
            found = self.processes[key] = ProcessCoverage.of(process)
        return found

    def clear(self) -> None:
        """Forget everything (a new test session)."""
        self.processes.clear()

    def to_text(self, *, limit: int = 10) -> str:
        """Every process's coverage, most runs first; at most ``limit`` processes in full."""
        ranked = sorted(self.processes.values(), key=lambda c: (-c.runs, c.process_id))
        keys = [(c.process_id, c.version) for c in self.processes.values()]
        lines = [
            line
            for coverage in ranked[:limit]
            for line in coverage.lines(
                show_hash=keys.count((coverage.process_id, coverage.version)) > 1
            )
        ]
        if len(ranked) > limit:
            rest = ranked[limit:]
            lines.append(
                f"  and {len(rest)} more processes ({sum(c.runs for c in rest)} runs), "
                "each run fewer times"
            )
        return "\n".join(lines)


_SESSION = StatefulCoverage()


def stateful_coverage() -> StatefulCoverage:
    """The coverage the stateful runs of this Python process have gathered so far."""
    return _SESSION
