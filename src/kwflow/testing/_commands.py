"""Commands a host can send, as small records, and ``commands(process)`` to draw them.

A command is data: who asks for what. :func:`commands` draws any of them,
allowed or not (unknown names, wrong people, invalid data, time passing), so
a test can throw them at an engine and check that each is either carried
out or refused with nothing changed. :func:`send` carries one out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from ._strategies import artifact_data, invalid_artifact_data, people

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.definition import Process

__all__ = [
    "Act",
    "AdvanceClock",
    "Assign",
    "CallIn",
    "Command",
    "Dismiss",
    "OpenCase",
    "Submit",
    "Unassign",
    "commands",
]

UNKNOWN = "no_such_name"
"""The name commands use for a role, artifact or action the process does not have."""


@attrs.frozen
class OpenCase:
    """Open a new case; ``by`` becomes its opener."""

    by: str


@attrs.frozen
class Assign:
    """``by`` gives ``person`` the role ``role``."""

    person: str
    role: str
    by: str


@attrs.frozen
class Unassign:
    """``by`` takes the role ``role`` away from ``person``."""

    person: str
    role: str
    by: str


@attrs.frozen
class Submit:
    """``by`` submits a version of ``artifact``."""

    artifact: str
    data: Mapping[str, Any]
    by: str


@attrs.frozen
class Act:
    """``by`` takes ``action``, with ``data`` for the artifact it records (if any)."""

    action: str
    by: str
    data: Mapping[str, Any] | None = None


@attrs.frozen
class CallIn:
    """``by`` calls in the holders of ``role`` (a role on call in the current phase)."""

    role: str
    by: str


@attrs.frozen
class Dismiss:
    """``by`` sends the holders of ``role``, who were called in, out again."""

    role: str
    by: str


@attrs.frozen
class AdvanceClock:
    """Time passes: the simulated clock moves on by ``delta``."""

    delta: timedelta


Command = OpenCase | Assign | Unassign | Submit | Act | CallIn | Dismiss | AdvanceClock
"""Any command a host could send."""

# Jumps that cross the shipped processes' periods: 30 minutes before a
# meeting, its 2 hours, 5 working days, 3 weeks, a month, 6 and 12 months.
_JUMPS = (
    timedelta(minutes=29),
    timedelta(minutes=31),
    timedelta(hours=2, minutes=1),
    timedelta(days=1),
    timedelta(days=8),
    timedelta(days=22),
    timedelta(days=32),
    timedelta(days=190),
)


def _names(known: list[str]) -> st.SearchStrategy[str]:
    if not known:
        return st.just(UNKNOWN)
    # Mostly names the process knows; now and then one it does not.
    return st.sampled_from(known) | st.just(UNKNOWN)


def _data(process: Process, artifact: str | None) -> st.SearchStrategy[Mapping[str, Any]]:
    if artifact is None or process.artifact(artifact) is None:
        return st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3)
    return st.one_of(
        artifact_data(process, artifact),
        invalid_artifact_data(process, artifact).map(lambda invalid: invalid.data),
    )


@st.composite
def _command(draw: st.DrawFn, process: Process, who: st.SearchStrategy[str]) -> Command:
    roles = _names([r.id for r in process.roles])
    kind = draw(
        st.sampled_from(
            ("open", "assign", "unassign", "submit", "act", "call_in", "dismiss", "advance")
        )
    )
    if kind == "open":
        return OpenCase(draw(who))
    if kind == "assign":
        return Assign(draw(who), draw(roles), draw(who))
    if kind == "unassign":
        return Unassign(draw(who), draw(roles), draw(who))
    if kind == "submit":
        artifact = draw(_names([a.id for a in process.artifacts]))
        return Submit(artifact, draw(_data(process, artifact)), draw(who))
    if kind == "act":
        action_id = draw(_names([a.id for a in process.actions]))
        action = process.action(action_id)
        records = action.records if action is not None else None
        data = draw(st.none() | _data(process, records)) if records else None
        return Act(action_id, draw(who), data)
    if kind == "call_in":
        return CallIn(draw(roles), draw(who))
    if kind == "dismiss":
        return Dismiss(draw(roles), draw(who))
    delta = draw(st.sampled_from(_JUMPS) | st.timedeltas(timedelta(minutes=1), timedelta(days=60)))
    return AdvanceClock(delta)


def commands(
    process: Process, *, who: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Command]:
    """Any command a host could send for a case of ``process``, allowed or not.

    Names come from the process (now and then one it lacks), people from
    ``who`` (default :func:`people`), artifact data is valid or invalid
    (:func:`artifact_data`, :func:`invalid_artifact_data`), and the clock
    jumps across the periods deadlines are counted in.
    """
    return _command(process, who if who is not None else people())
