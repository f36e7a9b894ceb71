"""What a case page shows, built from one person's view of the case.

Everything here reads kwflow's answers (`view`, `history_for`,
`available_actions`) and the process file's labels; nothing decides what
a person may do: the buttons and forms it offers are the ones the process
file names, and kwflow refuses anything else with its reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from kwflow.engine import ROLE_ACTOR_PREFIX

from . import people

if TYPE_CHECKING:
    import kwflow
    from kwflow.definition import Artifact, Process


def text(label: Any, lang: str) -> str:
    """A process label (a `Label` or its JSON ``{cs, en}``) in ``lang``."""
    if label is None:
        return ""
    if isinstance(label, dict):
        return str(label.get(lang) or label.get("cs") or label.get("en") or "")
    return str(label.text(lang))


def local(moment: datetime | str | None, timezone: str) -> str:
    """A moment as people read it, in the process's time zone."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def deadline_status(status: str) -> str:
    """A deadline's status in the user's language."""
    words = {
        "not_started": _("not started"),
        "pending": _("running"),
        "met": _("met"),
        "breached": _("breached"),
        "cancelled": _("cancelled"),
        "paused": _("paused"),
    }
    return words.get(status, status)


def my_roles(view: dict[str, Any]) -> set[str]:
    """The ids of the roles the viewing person holds."""
    return {role["id"] for role in view["person_roles"]}


def effective(process: Process, phase_id: str, attribute: str) -> tuple[str, ...] | None:
    """A phase attribute as the file means it: left out = the enclosing phase's."""
    info = process.phase_info(phase_id)
    if info is None:
        return None
    for step in reversed(info.path):
        found = process.phase_info(step)
        value = getattr(found.phase, attribute) if found is not None else None
        if value is not None:
            return tuple(value)
    return None


def is_present(process: Process, view: dict[str, Any]) -> bool:
    """Whether the person is present in the phase: a role of theirs the file lists, or called in.

    A phase that lists no one present (nor any phase around it) has everyone present.
    """
    present = effective(process, view["phase"]["id"], "present")
    if present is None:
        return True
    return bool(my_roles(view) & (set(present) | {role["id"] for role in view["called_in"]}))


def writable_documents(process: Process, view: dict[str, Any]) -> list[Artifact]:
    """The documents the file lets this person's roles write in the current phase."""
    if view["closed"]:
        return []
    allowed = effective(process, view["phase"]["id"], "artifacts")
    mine = my_roles(view)
    recorded_by_actions = {action.records for action in process.actions if action.records}
    return [
        artifact
        for artifact in process.artifacts
        if set(artifact.write) & mine
        and (allowed is None or artifact.id in allowed)
        and artifact.id not in recorded_by_actions
    ]


def documents(process: Process, view: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The documents the person may read: the newest version (per person where kept so)."""
    names = people.display_names()
    shown = []
    for artifact_json in view["artifacts"]:
        artifact = process.artifact(artifact_json["id"])
        latest: dict[str | None, dict[str, Any]] = {}
        for version in artifact_json["versions"]:
            latest[version["about"]] = version
        for about, version in latest.items():
            shown.append(
                {
                    "id": artifact_json["id"],
                    "label": text(artifact_json["label"], lang),
                    "about": names.get(about, about) if about else "",
                    "number": version["number"],
                    "by": names.get(version["by"], version["by"]),
                    "at": local(version["at"], process.timezone),
                    "fields": _field_lines(artifact, version["data"], lang, process.timezone),
                    "hidden_fields": [
                        text(spec.label, lang)
                        for spec in (artifact.fields if artifact else ())
                        if spec.id in artifact_json["hidden_fields"]
                    ],
                }
            )
    return shown


def _field_lines(
    artifact: Artifact | None, data: dict[str, Any], lang: str, timezone: str
) -> list[tuple[str, str]]:
    if artifact is None:
        return [(key, str(value)) for key, value in data.items()]
    return [
        (text(spec.label, lang), _value(spec, data[spec.id], lang, timezone))
        for spec in artifact.fields
        if spec.id in data
    ]


def _value(spec: Any, value: Any, lang: str, timezone: str) -> str:
    kind = spec.type
    if kind == "enum":
        return next((text(v.label, lang) for v in spec.values if v.id == value), str(value))
    if kind == "bool":
        return _("yes") if value is True else _("no") if value is False else str(value)
    if kind == "datetime" and isinstance(value, str):
        return local(value, timezone)
    if kind == "person":
        return people.display_names().get(value, str(value))
    if kind == "list":
        return "; ".join(
            ", ".join(
                _value(sub, record[sub.id], lang, timezone)
                for sub in spec.fields
                if sub.id in record
            )
            for record in value
        )
    return str(value)


def deadlines(process: Process, view: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Each deadline with its due time and status."""
    return [
        {
            "label": text(deadline["label"], lang),
            "status": deadline["status"],
            "status_text": deadline_status(deadline["status"]),
            "responsible": text(deadline["responsible"]["label"], lang),
            "due": local(deadline["due"], process.timezone),
        }
        for deadline in view["deadlines"]
    ]


def timeline(
    process: Process, entries: tuple[kwflow.HistoryEntry, ...], lang: str
) -> list[dict[str, str]]:
    """The person-scoped history as lines: when, who, what."""
    names = people.display_names()
    lines = []
    for entry in entries:
        payload = entry.payload
        what = _event_words(process, entry.type, payload, lang, names)
        if entry.redacted:
            what += " " + _("(content not shown to you)")
        lines.append(
            {
                "at": local(entry.at, process.timezone),
                "who": _actor(process, entry.actor, lang, names),
                "what": what,
            }
        )
    return lines


def _actor(process: Process, actor: str, lang: str, names: dict[str, str]) -> str:
    """Who did it: a person's name, or the role a call-in or dismissal was made through.

    kwflow records calling in and dismissing in private family time as done
    by ``role:<role id>``, never by the person, so the timeline names the role.
    """
    if actor.startswith(ROLE_ACTOR_PREFIX):
        found = process.role(actor.removeprefix(ROLE_ACTOR_PREFIX))
        label = text(found.label, lang) if found else actor.removeprefix(ROLE_ACTOR_PREFIX)
        return _("someone present as %(role)s") % {"role": label}
    return names.get(actor, actor)


def _event_words(
    process: Process, kind: str, payload: Any, lang: str, names: dict[str, str]
) -> str:
    def role(role_id: Any) -> str:
        found = process.role(str(role_id)) if role_id else None
        return text(found.label, lang) if found else str(role_id or "")

    def person(person_id: Any) -> str:
        return names.get(str(person_id), str(person_id))

    if kind == "case_opened":
        return _("opened the case as %(role)s") % {"role": role(payload.get("role"))}
    if kind == "role_assigned":
        return _("assigned %(person)s as %(role)s") % {
            "person": person(payload.get("person")),
            "role": role(payload.get("role")),
        }
    if kind == "role_unassigned":
        return _("took %(role)s away from %(person)s") % {
            "person": person(payload.get("person")),
            "role": role(payload.get("role")),
        }
    if kind == "role_replaced":
        return _("handed %(role)s over from %(person)s to %(successor)s: %(reason)s") % {
            "role": role(payload.get("role")),
            "person": person(payload.get("person")),
            "successor": person(payload.get("successor")),
            "reason": payload.get("reason", ""),
        }
    if kind == "artifact_submitted":
        artifact = process.artifact(str(payload.get("artifact")))
        return _("wrote %(document)s (version %(number)s)") % {
            "document": text(artifact.label, lang) if artifact else payload.get("artifact"),
            "number": payload.get("version"),
        }
    if kind == "action_taken":
        action = process.action(str(payload.get("action")))
        return _("took the step: %(action)s") % {
            "action": text(action.label, lang) if action else payload.get("action")
        }
    if kind == "called_in":
        return _("called in %(role)s") % {"role": role(payload.get("role"))}
    if kind == "dismissed":
        return _("dismissed %(role)s") % {"role": role(payload.get("role"))}
    if kind == "deadline_breached":
        deadline = process.deadline(str(payload.get("deadline")))
        return _("deadline breached: %(deadline)s") % {
            "deadline": text(deadline.label, lang) if deadline else payload.get("deadline")
        }
    return kind


def follow_up_processes(registry: Any, process: Process, outcome: str | None) -> list[Process]:
    """The processes the file lets follow a case of ``process`` that ended with ``outcome``."""
    found = []
    for process_id in registry.ids():
        candidate = registry.get(process_id)
        rule = candidate.follows_rule(process.id)
        if rule is not None and outcome is not None and outcome in rule.outcomes:
            found.append(candidate)
    return found
