"""What one run of the stateful test did to its case: readable lines and a scenario file.

A failing run should be something a person can read and keep. The machine
writes down every command it sends (when, what, and whether the engine
carried it out); when hypothesis reports the failing run, the transcript
adds two notes: the steps as numbered lines in words, and a scenario file
that ``kwflow simulate`` replays. The scenario keeps only the commands the
engine carried out (a refused one changed nothing: the machine checks
that), each expecting the phase it led to, and the failing command last,
expecting what the test expected of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from kwflow.authoring import describe_command
from kwflow.engine import SYSTEM_ACTOR, Assign, OpenCase

from ._scenario_yaml import Inline, dump_scenario, scenario_step

if TYPE_CHECKING:
    from datetime import datetime

    from kwflow.definition import Process
    from kwflow.engine import Command

__all__ = ["Sent", "Transcript"]

DONE = "done"
REFUSED = "refused"
SHOULD_BE_DONE = "should have been done"
SHOULD_BE_REFUSED = "should have been refused"


@attrs.frozen
class Sent:
    """One command sent to the engine at ``at``, and what came of it.

    ``result`` is ``done``, ``refused``, ``should have been done`` (refused,
    though the test expected it to be carried out) or ``should have been
    refused`` (carried out, though the test expected ``refusal``, an error
    class name). ``phase`` is the case's leaf phase afterwards; ``reason``
    the engine's message for a refusal.
    """

    at: datetime
    command: Command
    result: str
    phase: str
    outcome: str | None = None
    reason: str = ""
    refusal: str = ""


@attrs.define
class Transcript:
    """The commands one run sent to its case, in order."""

    process: Process
    case_id: str
    opener: str
    opened_at: datetime
    sent: list[Sent] = attrs.Factory(list)
    failure: str = ""

    def add(self, sent: Sent) -> None:
        """Write down one command and what came of it."""
        self.sent.append(sent)

    def _words(self, command: Command) -> str:
        by = getattr(command, "by", SYSTEM_ACTOR)
        return f"{by!r}: {describe_command(self.process, command, lang='en')}"

    def lines(self) -> list[str]:
        """Every command of the run in words, numbered, with what came of it."""
        zone = ZoneInfo(self.process.timezone)
        found = [f"0. {_clock(self.opened_at, zone)} {self.opener!r} opens the case"]
        for number, sent in enumerate(self.sent, start=1):
            line = f"{number}. {_clock(sent.at, zone)} {self._words(sent.command)}: {sent.result}"
            if sent.reason:
                line += f" ({sent.reason})"
            if sent.result in (DONE, SHOULD_BE_REFUSED):
                line += f" -> {sent.outcome or sent.phase}"
            found.append(line)
        return found

    def scenario(self, *, process_file: str | None = None) -> str:
        """The run as a scenario file: the commands carried out, then the failing one."""
        zone = ZoneInfo(self.process.timezone)
        kept = [
            s
            for s in self.sent
            if s.result != REFUSED
            and not isinstance(s.command, OpenCase)
            and getattr(s.command, "case_id", None) == self.case_id
        ]
        people: dict[str, list[str]] = {self.opener: [self.process.opener]}
        steps: list[dict[str, Any]] = []
        for sent in kept:
            command = sent.command
            for person in (
                getattr(command, "by", None),
                getattr(command, "person", None),
                getattr(command, "successor", None),
            ):
                if person is not None:
                    people.setdefault(person, [])
            if isinstance(command, Assign) and command.role not in people[command.person]:
                people[command.person].append(command.role)
            step: dict[str, Any] = {
                "when": sent.at.astimezone(zone),
                **scenario_step(command),
            }
            if sent.result == DONE:
                expect = Inline({"phase": sent.phase})
                if sent.outcome is not None:
                    expect["outcome"] = sent.outcome
                step["expect"] = expect
            elif sent.result == SHOULD_BE_REFUSED:
                step["note"] = "the test expected this step to be refused"
                step["expect"] = Inline({"refused": sent.refusal})
            else:
                step["note"] = f"the test expected this step to be carried out; {sent.reason}"
            steps.append(step)
        document: dict[str, Any] = {
            "title": f"A failing run of the stateful test of {self.process.id}",
            "process": process_file
            if process_file is not None
            else {"id": self.process.id, "version": self.process.version},
            "start": self.opened_at.astimezone(zone),
            "opened_by": self.opener,
            "people": {person: Inline({"roles": roles}) for person, roles in people.items()},
        }
        if self.process.guards:
            document["guards"] = Inline({guard.id: True for guard in self.process.guards})
        document["steps"] = steps or [{"check_deadlines": True}]
        header = [
            (
                f"The case of a failing run of the stateful test of {self.process.id} "
                f"version {self.process.version}."
            ),
            "Only the commands the engine carried out are here (a refused command changes",
            "nothing), each expecting the phase it led to; every guard passes, as it did for",
            "each of them.",
        ]
        if kept and kept[-1].result != DONE:
            header.append("The last step is the one that failed.")
        elif self.failure:
            header.append("After the last step, this check failed:")
        if self.failure:
            header += [f"  {line}" for line in self.failure.splitlines()]
        if process_file is None:
            header += [
                "Replace `process:` with the path of the process file (relative to this file),",
                "then run it with: kwflow simulate THIS_FILE",
            ]
        else:
            header.append("Run it with: kwflow simulate THIS_FILE")
        return dump_scenario(document, "".join(f"# {line}\n" for line in header))


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")
