"""Commands in words: the one place a command record becomes the text people read.

Scenario timelines (``kwflow simulate``), the demo and the stateful test's
notes all describe commands through `describe_command`, in the process's own
labels: ``krok: Dohodnout termín`` / ``action: Agree the date``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kwflow.engine import (
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Dismiss,
    Dispose,
    Erase,
    Hold,
    Migrate,
    OpenCase,
    ReleaseHold,
    Replace,
    Submit,
    Unassign,
)
from kwflow.i18n import Catalogue, say

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow.definition import Label, Process
    from kwflow.engine import Command, Organisation
    from kwflow.i18n import Language

__all__ = ["COMMAND_WORDS", "FOLLOW_UP_WORDS", "describe_command"]

COMMAND_WORDS: Catalogue = {
    OpenCase.__name__: {"cs": "založil(a) případ", "en": "opened the case"},
    Act.__name__: {"cs": "krok", "en": "action"},
    Submit.__name__: {"cs": "dokument", "en": "document"},
    Assign.__name__: {"cs": "přidělil(a) roli", "en": "assigned the role"},
    Unassign.__name__: {"cs": "odebral(a) roli", "en": "took away the role"},
    Replace.__name__: {"cs": "předal(a) roli", "en": "handed over the role"},
    CallIn.__name__: {"cs": "přivolal(a)", "en": "called in"},
    Dismiss.__name__: {"cs": "propustil(a)", "en": "dismissed"},
    CheckDeadlines.__name__: {"cs": "kontrola lhůt", "en": "deadlines checked"},
    Erase.__name__: {"cs": "vymazal(a) osobní údaje", "en": "erased the personal data of"},
    Hold.__name__: {"cs": "zablokoval(a) skartaci", "en": "placed a legal hold"},
    ReleaseHold.__name__: {"cs": "zrušil(a) blokaci skartace", "en": "released the legal hold"},
    Dispose.__name__: {"cs": "skartoval(a) případ", "en": "disposed of the case"},
    Migrate.__name__: {"cs": "převedl(a) případ na verzi", "en": "migrated the case to version"},
}
"""The verb of each kind of command, by its class name; a test fails when one has none."""

FOLLOW_UP_WORDS: Catalogue = {
    "follows": {"cs": "navazující na případ", "en": "as a follow-up of case"},
}
"""What an opening as a follow-up adds to ``opened the case``: the earlier case follows."""


def describe_command(
    process: Process,
    command: Command,
    *,
    lang: Language = "cs",
    person_name: Callable[[str], str] | None = None,
) -> str:
    """``command`` as a timeline shows it, with the process's labels in ``lang``.

    ``person_name`` turns a person id into the name to show (a scenario's
    cast); without it ids are shown. Names the process lacks are shown as
    given, so a refused command with a wrong name still reads.
    """
    word = say(COMMAND_WORDS, type(command).__name__, lang)
    match command:
        case Act():
            return f"{word}: {_label(process.action(command.action), command.action, lang)}"
        case Submit():
            text = f"{word}: {_label(process.artifact(command.artifact), command.artifact, lang)}"
            if command.about is not None:
                # Whose copy of a per-person document it is.
                about = person_name(command.about) if person_name else command.about
                text += f" ({about})"
            return text
        case CallIn() | Dismiss():
            return f"{word}: {_label(process.role(command.role), command.role, lang)}"
        case Assign():
            role = _label(process.role(command.role), command.role, lang)
            person = person_name(command.person) if person_name else command.person
            return f"{word} {role}: {person}{_of(process, command.organisation, lang)}"
        case Unassign():
            role = _label(process.role(command.role), command.role, lang)
            person = person_name(command.person) if person_name else command.person
            return f"{word} {role}: {person}"
        case Replace():
            role = _label(process.role(command.role), command.role, lang)
            name = person_name or str
            successor = f"{name(command.successor)}{_of(process, command.organisation, lang)}"
            return f"{word} {role}: {name(command.person)} → {successor}"
        case OpenCase() if command.follows is not None:
            of = _of(process, command.organisation, lang)
            return f"{word}{of} {say(FOLLOW_UP_WORDS, 'follows', lang)} {command.follows}"
        case OpenCase():
            return f"{word}{_of(process, command.organisation, lang)}"
        case Erase():
            return f"{word}: {person_name(command.subject) if person_name else command.subject}"
        case Hold() | ReleaseHold():
            return f"{word}: {command.reason}"
        case CheckDeadlines() | Dispose():
            return word
        case Migrate():
            return f"{word} {command.to_version}"


_FROM: Catalogue = {"from": {"cs": "z organizace", "en": "from"}}


def _of(process: Process, organisation: Organisation | None, lang: Language) -> str:
    """`` (from X, a social service)``: the organisation a command names, or nothing."""
    if organisation is None:
        return ""
    kind = _label(process.organisation_kind(organisation.kind), organisation.kind, lang)
    return f" ({say(_FROM, 'from', lang)} {organisation.id}, {kind})"


class _Labelled(Protocol):
    @property
    def label(self) -> Label: ...


def _label(found: _Labelled | None, name: str, lang: Language) -> str:
    return found.label.text(lang) if found is not None else name
