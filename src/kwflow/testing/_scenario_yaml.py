"""Writing scenario files: commands as steps, and YAML a person reads easily.

The explorer's counterexamples and a failing stateful run both end up as
scenario files (the format of ``kwflow simulate``); this is how either
writes one: each command as a step's keys, short mappings on one line, no
YAML anchors, times as ISO text with their offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml

from kwflow.engine import (
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Command,
    Dismiss,
    OpenCase,
    Organisation,
    Replace,
    Submit,
    Unassign,
)
from kwflow.exceptions import InvalidValue

__all__ = ["Inline", "dump_scenario", "scenario_step"]


class Inline(dict[str, Any]):
    """A mapping written on one line (``{phase: review}``)."""


class _Dumper(yaml.SafeDumper):
    """YAML for people: no anchors for repeated values, `Inline` mappings on one line."""

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002
        return True


def _inline(dumper: yaml.SafeDumper, data: Inline) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _moment(dumper: yaml.SafeDumper, data: datetime) -> yaml.Node:
    # ISO text with its offset: YAML reads it back as the same aware datetime.
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", data.isoformat())


_Dumper.add_representer(Inline, _inline)
_Dumper.add_representer(datetime, _moment)


def dump_scenario(document: dict[str, Any], header: str) -> str:
    """The scenario ``document`` as YAML text, after the comment lines of ``header``."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def scenario_step(command: Command) -> dict[str, Any]:
    """A command as a scenario step's keys (``who`` first, then the command and its data)."""
    if isinstance(command, Act):
        step: dict[str, Any] = {"who": command.by, "act": command.action}
        if command.data is not None:
            step["data"] = _plain(command.data)
        return step
    if isinstance(command, Submit):
        found = {"who": command.by, "submit": command.artifact, "data": _plain(command.data)}
        if command.about is not None:
            found["about"] = command.about
        return found
    if isinstance(command, Unassign):
        return {"who": command.by, "unassign": command.person, "role": command.role}
    if isinstance(command, Assign):
        step = {"who": command.by, "assign": command.person, "role": command.role}
        return _with_organisation(step, command.organisation)
    if isinstance(command, Replace):
        step = {
            "who": command.by,
            "replace": command.person,
            "role": command.role,
            "successor": command.successor,
            "reason": command.reason,
        }
        return _with_organisation(step, command.organisation)
    if isinstance(command, CallIn):
        return {"who": command.by, "call_in": command.role}
    if isinstance(command, Dismiss):
        return {"who": command.by, "dismiss": command.role}
    if isinstance(command, CheckDeadlines):
        return {"check_deadlines": True}
    if isinstance(command, OpenCase) and command.follows is not None:
        # A follow-up of the case played so far, by its process id (the
        # scenario runs with a registry that holds it).
        return {"who": command.by, "follow_up": command.process}
    raise InvalidValue("command", "scenario-step", type(command).__name__)


def _with_organisation(step: dict[str, Any], organisation: Organisation | None) -> dict[str, Any]:
    """The step, naming the organisation its command gives, if any."""
    if organisation is not None:
        step["organisation"] = Inline({"id": organisation.id, "kind": organisation.kind})
    return step


def _plain(value: Any) -> Any:
    """Data as YAML writes it: mappings and lists as plain ``dict`` and ``list``."""
    if hasattr(value, "items"):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
