"""A `Case` as JSON data and back: the form snapshots keep.

``case_from_dict(case_to_dict(case)) == case`` for every case. The data
carries a format number so that a snapshot written by another kwflow is
recognised and ignored (the store then replays events instead: a snapshot
is a cache, never the truth).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kwflow.history import FrozenMap, freeze, thaw

from ._records import (
    ArtifactVersion,
    Case,
    CasePhase,
    DeadlineState,
    DeadlineStatus,
    ProcessRef,
    TakenAction,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CASE_FORMAT", "case_from_dict", "case_to_dict"]

CASE_FORMAT = 1
"""Version of the JSON form of a case; raise it when the form changes."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"naive moment {value!r}")
    return moment


def _deadline_to_dict(state: DeadlineState) -> dict[str, Any]:
    return {
        "status": state.status.value,
        "responsible": state.responsible,
        "anchor_at": _iso(state.anchor_at),
        "anchor_key": state.anchor_key,
        "target": _iso(state.target),
        "limit": _iso(state.limit),
        "met_at": _iso(state.met_at),
        "breached_at": _iso(state.breached_at),
        "cancelled_at": _iso(state.cancelled_at),
    }


def case_to_dict(case: Case) -> dict[str, Any]:
    """The JSON form of ``case`` (plain dicts, lists, strings and numbers)."""
    return {
        "format": CASE_FORMAT,
        "id": case.id,
        "process": {
            "id": case.process.id,
            "version": case.process.version,
            "hash": case.process.content_hash,
        },
        "phase": list(case.phase.path),
        "participants": {person: list(roles) for person, roles in case.participants.items()},
        "roles": {role: list(people) for role, people in case.roles.items()},
        "called_in": list(case.called_in),
        "artifacts": {
            artifact: [
                {
                    "number": v.number,
                    "data": thaw(v.data),
                    "by": v.by,
                    "at": v.at.isoformat(),
                    "sequence": v.sequence,
                }
                for v in versions
            ]
            for artifact, versions in case.artifacts.items()
        },
        "deadlines": {key: _deadline_to_dict(state) for key, state in case.deadlines.items()},
        "actions": [
            [taken.action, taken.by, taken.at.isoformat(), taken.sequence, taken.phase]
            for taken in case.actions
        ],
        "taken_in_phase": list(case.taken_in_phase),
        "outcome": case.outcome,
        "opened_at": case.opened_at.isoformat(),
        "opened_by": case.opened_by,
        "version": case.version,
        "last_hash": case.last_hash,
    }


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """Read the JSON form back; ``ValueError`` when it is not a case of this format."""
    try:
        if data.get("format") != CASE_FORMAT:
            raise ValueError(f"case format {data.get('format')!r}, expected {CASE_FORMAT}")
        process = data["process"]
        path = tuple(data["phase"])
        opened_at = _moment(data["opened_at"])
        assert opened_at is not None
        return Case(
            id=data["id"],
            process=ProcessRef(process["id"], process["version"], process["hash"]),
            phase=CasePhase(path[-1], path),
            participants=FrozenMap(
                {person: tuple(roles) for person, roles in data["participants"].items()}
            ),
            roles=FrozenMap({role: tuple(people) for role, people in data["roles"].items()}),
            called_in=tuple(data["called_in"]),
            artifacts=FrozenMap(
                {
                    artifact: tuple(
                        ArtifactVersion(
                            v["number"],
                            freeze(v["data"]),
                            v["by"],
                            _moment(v["at"]),  # type: ignore[arg-type]
                            v["sequence"],
                        )
                        for v in versions
                    )
                    for artifact, versions in data["artifacts"].items()
                }
            ),
            deadlines=FrozenMap(
                {
                    key: DeadlineState(
                        key,
                        DeadlineStatus(state["status"]),
                        state["responsible"],
                        anchor_at=_moment(state["anchor_at"]),
                        anchor_key=state["anchor_key"],
                        target=_moment(state["target"]),
                        limit=_moment(state["limit"]),
                        met_at=_moment(state["met_at"]),
                        breached_at=_moment(state["breached_at"]),
                        cancelled_at=_moment(state["cancelled_at"]),
                    )
                    for key, state in data["deadlines"].items()
                }
            ),
            actions=tuple(
                TakenAction(action, by, _moment(at), sequence, phase)  # type: ignore[arg-type]
                for action, by, at, sequence, phase in data["actions"]
            ),
            taken_in_phase=tuple(data["taken_in_phase"]),
            outcome=data["outcome"],
            opened_at=opened_at,
            opened_by=data["opened_by"],
            version=data["version"],
            last_hash=data["last_hash"],
        )
    except (KeyError, TypeError, IndexError, AttributeError, AssertionError) as exc:
        raise ValueError(f"not a case in the JSON form: {exc!r}") from exc
