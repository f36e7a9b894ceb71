"""Replaying an explorer trace on the real engine, step by step, with every check.

The explorer works on abstract states; `kwflow.testing.trace_commands` turns
its steps into the commands a host would send (invented people, a version
of a document that meets exactly the conditions the step says). This runs
them one by one and the stateful test's checks after each. It is how the
suite shows that the explorer's traces are real.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.engine import OpenCase
from kwflow.testing import ProcessMachine, trace_commands

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kwflow.definition import Process
    from kwflow.engine import Case
    from kwflow.testing import Step


class Replay:
    """One case of ``process`` on a real engine, driven by explorer steps."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.machine = ProcessMachine()

    @property
    def case(self) -> Case:
        return self.machine.case

    def run(self, trace: Sequence[Step]) -> list[list[str]]:
        """Carry out a whole trace (its first step opens the case): what each step broke."""
        opening = trace_commands(self.process, trace[:1])[0]
        assert isinstance(opening, OpenCase)
        self.machine.start(self.process, opening.by, ending=0, organisation=opening.organisation)
        broken = [self.machine.check()]
        for command in trace_commands(self.process, trace, case_id=self.machine.case_id)[1:]:
            self.machine._send(command, must_succeed=True)
            broken.append(self.machine.check())
        return broken


def broken_ids(messages: Sequence[str]) -> set[str]:
    """The invariant ids in ``check()`` messages."""
    return {message.split()[1] for message in messages}
