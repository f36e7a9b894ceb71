"""``commands(process)``: any command a host could send, allowed or not, to draw in tests.

Commands are kwflow's own records (`kwflow.Assign`, `kwflow.Act`...), the
ones `Engine.execute` takes; this module adds only `AdvanceClock`, time
passing, which a host does not send but a test must. :func:`commands` draws
any of them (unknown names, wrong people, invalid data, time passing), so
a test can throw them at an engine and check that each is either carried
out or refused with nothing changed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from kwflow.engine import (
    REASON_MAX_LENGTH,
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Command,
    Dismiss,
    OpenCase,
    Replace,
    Submit,
    Unassign,
)

from ._organisations import organisations
from ._strategies import artifact_data, invalid_artifact_data, people

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.definition import Process

__all__ = [
    "AdvanceClock",
    "Input",
    "commands",
]

UNKNOWN = "no_such_name"
"""The name commands use for a role, artifact or action the process does not have."""


@attrs.frozen
class AdvanceClock:
    """Time passes: the simulated clock moves on by ``delta``."""

    delta: timedelta


Input = Command | AdvanceClock
"""What a test feeds an engine: any command, or time passing."""

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


_REASONS = st.sampled_from(("Odchod na mateřskou", "změna úvazku", "x" * REASON_MAX_LENGTH))
"""Reasons of a handover: valid ones only, as a record with a bad one cannot be built."""


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
def _command(draw: st.DrawFn, process: Process, case_id: str, who: st.SearchStrategy[str]) -> Input:
    roles = _names([r.id for r in process.roles])
    kind = draw(
        st.sampled_from(
            (
                "open",
                "assign",
                "unassign",
                "replace",
                "submit",
                "act",
                "call_in",
                "dismiss",
                "check_deadlines",
                "advance",
            )
        )
    )
    if kind == "open":
        # Another case of the same process: it must not disturb this one.
        return OpenCase(
            process=process.id,
            version=process.version,
            by=draw(who),
            organisation=draw(organisations(process)),
        )
    if kind == "assign":
        return Assign(
            case_id=case_id,
            person=draw(who),
            role=draw(roles),
            by=draw(who),
            organisation=draw(organisations(process)),
        )
    if kind == "unassign":
        return Unassign(case_id=case_id, person=draw(who), role=draw(roles), by=draw(who))
    if kind == "replace":
        return Replace(
            case_id=case_id,
            role=draw(roles),
            person=draw(who),
            successor=draw(who),
            by=draw(who),
            reason=draw(_REASONS),
            organisation=draw(organisations(process)),
        )
    if kind == "submit":
        artifact = draw(_names([a.id for a in process.artifacts]))
        values = draw(_data(process, artifact))
        definition = process.artifact(artifact)
        # A per-person artifact's copy names someone (mostly); others mostly nobody.
        about = None
        if definition is not None and definition.per_person:
            about = draw(who | st.none()) if draw(st.integers(0, 9)) == 0 else draw(who)
        elif draw(st.integers(0, 19)) == 0:
            about = draw(who)
        return Submit(case_id=case_id, artifact=artifact, data=values, by=draw(who), about=about)
    if kind == "act":
        action_id = draw(_names([a.id for a in process.actions]))
        action = process.action(action_id)
        records = action.records if action is not None else None
        data = draw(st.none() | _data(process, records)) if records else None
        return Act(case_id=case_id, action=action_id, by=draw(who), data=data)
    if kind in ("call_in", "dismiss"):
        kind_on_call = CallIn if kind == "call_in" else Dismiss
        return kind_on_call(case_id=case_id, role=draw(roles), by=draw(who))
    if kind == "check_deadlines":
        return CheckDeadlines(case_id=case_id)
    delta = draw(st.sampled_from(_JUMPS) | st.timedeltas(timedelta(minutes=1), timedelta(days=60)))
    return AdvanceClock(delta)


def commands(
    process: Process, *, case_id: str = "case", who: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Input]:
    """Any command a host could send for the case ``case_id`` of ``process``, allowed or not.

    Names come from the process (now and then one it lacks), people from
    ``who`` (default :func:`people`), artifact data is valid or invalid
    (:func:`artifact_data`, :func:`invalid_artifact_data`), and the clock
    jumps across the periods deadlines are counted in. ``OpenCase`` opens
    another case of the same process. Opening, assigning and handing over
    name an organisation from :func:`organisations` (or none).
    """
    return _command(process, case_id, who if who is not None else people())
