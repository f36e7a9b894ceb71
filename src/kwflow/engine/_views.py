"""The JSON form of what a host shows: a case view, action options, reasons.

Plain JSON types only (dicts, lists, strings, numbers, booleans, null), so a
host can return ``view.to_dict()`` from a web handler as it is. Everything
the process names (a role, a phase, an artifact, an action, a deadline)
comes as ``{"id": ..., "label": {"cs": ..., "en": ...}}``; a label missing
one language gives the other in its place, so both keys always hold text.
Moments are ISO 8601 with their offset, in the process's timezone (where
its deadlines end: ``"2026-11-04T23:59:59.999999+01:00"``). Artifact data
is the JSON form it was recorded in.

The shapes are described, for a host's OpenAPI, by the models of
``_view_schemas`` (``kwflow schema --views``); a test checks every
``to_dict()`` against them.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kwflow.history import thaw

if TYPE_CHECKING:
    from datetime import datetime

    from kwflow.definition import Label, Process

    from ._records import (
        ActionOption,
        ArtifactVersion,
        CaseSuspension,
        CaseView,
        DeadlineState,
        Reason,
    )

__all__ = [
    "action_option_to_dict",
    "case_view_to_dict",
    "label_to_dict",
    "reason_to_dict",
]


def label_to_dict(label: Label) -> dict[str, str]:
    """``{"cs": ..., "en": ...}``; a missing language falls back to the other."""
    return {"cs": label.text("cs"), "en": label.text("en")}


def reason_to_dict(reason: Reason) -> dict[str, Any]:
    """One reason an action is not allowed, as `Reason.to_dict` gives it (the one place).

    Code, facts (``params``), the message in Czech and English, and what it is
    about; every key is always present, ``null`` when the reason is not about
    that kind of thing. Refusal errors give their reasons the same way.
    """
    return reason.to_dict()


def action_option_to_dict(option: ActionOption) -> dict[str, Any]:
    """An action of the current phase, whether the person may take it, and every reason not."""
    return {
        "action": option.action,
        "label": label_to_dict(option.label),
        "allowed": option.allowed,
        "reasons": [reason_to_dict(reason) for reason in option.reasons],
        "to": option.to,
        "records": option.records,
    }


def case_view_to_dict(view: CaseView) -> dict[str, Any]:
    """A case as one person may see it, with the labels of everything it names."""
    return _ViewWriter(view.definition).view(view)


@lru_cache(maxsize=16)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class _ViewWriter:
    """Looks up labels in one process and writes moments in its timezone."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.zone = _zone(process.timezone)

    def moment(self, moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(self.zone).isoformat()

    def role(self, role_id: str) -> dict[str, Any]:
        role = self.process.role(role_id)
        return _named(role_id, role.label if role is not None else None)

    def phase(self, phase_id: str) -> dict[str, Any]:
        info = self.process.phase_info(phase_id)
        return _named(phase_id, info.phase.label if info is not None else None)

    def artifact(self, artifact_id: str) -> dict[str, Any]:
        artifact = self.process.artifact(artifact_id)
        return _named(artifact_id, artifact.label if artifact is not None else None)

    def organisation_kind(self, kind_id: str) -> dict[str, Any]:
        kind = self.process.organisation_kind(kind_id)
        return _named(kind_id, kind.label if kind is not None else None)

    def view(self, view: CaseView) -> dict[str, Any]:
        process = self.process
        leaf = self.phase(view.phase.id)
        return {
            "id": view.id,
            "process": {
                "id": view.process.id,
                "version": view.process.version,
                "hash": view.process.content_hash,
                "title": label_to_dict(process.title),
            },
            "person": view.person,
            "access": view.access,
            "person_roles": [self.role(role) for role in view.person_roles],
            "phase": {**leaf, "path": [self.phase(phase) for phase in view.phase.path]},
            "participants": [
                {"person": person, "roles": [self.role(role) for role in roles]}
                for person, roles in view.participants.items()
            ],
            "roles": [
                {**self.role(role), "people": list(people)} for role, people in view.roles.items()
            ],
            "called_in": [self.role(role) for role in view.called_in],
            "artifacts": [
                {
                    **self.artifact(artifact),
                    "versions": [self.version(version) for version in versions],
                    "hidden_fields": list(view.hidden_fields.get(artifact, ())),
                }
                for artifact, versions in view.artifacts.items()
            ],
            "hidden": [self.artifact(artifact) for artifact in view.hidden],
            "deadlines": [self.deadline(state) for state in view.deadlines.values()],
            "actions": [
                {
                    **_named(taken.action, _action_label(process, taken.action)),
                    "by": taken.by,
                    "at": self.moment(taken.at),
                    "sequence": taken.sequence,
                    "phase": self.phase(taken.phase),
                }
                for taken in view.actions
            ],
            "outcome": view.outcome,
            "closed": view.closed,
            "opened_at": self.moment(view.opened_at),
            "opened_by": view.opened_by,
            "version": view.version,
            "follows": view.follows,
            "organisations": [
                {
                    "person": person,
                    "id": organisation.id,
                    "kind": self.organisation_kind(organisation.kind),
                }
                for person, organisation in view.organisations.items()
            ],
            "suspension": self.suspension(view.suspension),
        }

    def suspension(self, suspension: CaseSuspension | None) -> dict[str, Any] | None:
        if suspension is None:
            return None
        where = suspension.from_phase
        return {
            "from_phase": {
                **self.phase(where.id),
                "path": [self.phase(phase) for phase in where.path],
            },
            "since": self.moment(suspension.since),
            "deadlines": suspension.deadlines,
            "held": [_named(d, _deadline_label(self.process, d)) for d in suspension.held],
        }

    def version(self, version: ArtifactVersion) -> dict[str, Any]:
        return {
            "number": version.number,
            "data": thaw(version.data),
            "by": version.by,
            "at": self.moment(version.at),
            "sequence": version.sequence,
            "about": version.about,
        }

    def deadline(self, state: DeadlineState) -> dict[str, Any]:
        deadline = self.process.deadline(state.id)
        return {
            **_named(state.id, deadline.label if deadline is not None else None),
            "status": state.status.value,
            "responsible": self.role(state.responsible),
            "anchor_at": self.moment(state.anchor_at),
            "target": self.moment(state.target),
            "limit": self.moment(state.limit),
            "due": self.moment(state.due),
            "met_at": self.moment(state.met_at),
            "breached_at": self.moment(state.breached_at),
            "cancelled_at": self.moment(state.cancelled_at),
            "planned_at": self.moment(state.planned_at),
            "planned_late": state.planned_late,
        }


def _deadline_label(process: Process, deadline_id: str) -> Label | None:
    deadline = process.deadline(deadline_id)
    return deadline.label if deadline is not None else None


def _action_label(process: Process, action_id: str) -> Label | None:
    action = process.action(action_id)
    return action.label if action is not None else None


def _named(thing_id: str, label: Label | None) -> dict[str, Any]:
    # A case of a process always names things its process has; the id stands
    # in for a label all the same, so a view never fails to render.
    text = label_to_dict(label) if label is not None else {"cs": thing_id, "en": thing_id}
    return {"id": thing_id, "label": text}
