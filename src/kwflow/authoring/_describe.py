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
    OpenCase,
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
            text = f"{word}: {_label(process.artifact(command.artifact), command.artifact, lang)}"
            if command.about is not None:
                # Whose copy of a per-person document it is.
                about = person_name(command.about) if person_name else command.about
                text += f" ({about})"
            return text
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
        case OpenCase() | CheckDeadlines():
            return word


class _Labelled(Protocol):
    @property
    def label(self) -> Label: ...


def _label(found: _Labelled | None, name: str, lang: Language) -> str:
    return found.label.text(lang) if found is not None else name
