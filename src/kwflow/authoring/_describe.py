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
    from kwflow.engine import Command
    from kwflow.i18n import Language

__all__ = ["COMMAND_WORDS", "describe_command"]

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
}
"""The verb of each kind of command, by its class name; a test fails when one has none."""


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
            return f"{word}: {_label(process.artifact(command.artifact), command.artifact, lang)}"
        case CallIn() | Dismiss():
            return f"{word}: {_label(process.role(command.role), command.role, lang)}"
        case Assign() | Unassign():
            role = _label(process.role(command.role), command.role, lang)
            person = person_name(command.person) if person_name else command.person
            return f"{word} {role}: {person}"
        case Replace():
            role = _label(process.role(command.role), command.role, lang)
            name = person_name or str
            return f"{word} {role}: {name(command.person)} → {name(command.successor)}"
        case Erase():
            return f"{word}: {person_name(command.subject) if person_name else command.subject}"
        case Hold() | ReleaseHold():
            return f"{word}: {command.reason}"
        case OpenCase() | CheckDeadlines() | Dispose():
            return word


class _Labelled(Protocol):
    @property
    def label(self) -> Label: ...


def _label(found: _Labelled | None, name: str, lang: Language) -> str:
    return found.label.text(lang) if found is not None else name
