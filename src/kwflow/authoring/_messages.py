"""Problems with scenario files, in Czech.

A scenario file (`kwflow simulate`) is checked as a process file is: its
problems keep their English text and carry a ``code`` and ``params``, and
this module holds one Czech `ProblemTemplate` per code of its own
(``scenario.*``). A scenario is read with the process files' YAML reader and
names a process file that may itself be broken, so `SCENARIO_TEMPLATES`
holds those templates too; render with `kwflow.definition.problem_text`
or `kwflow.definition.czech`, passing it.

Terms follow `kwflow.definition`'s templates, and add scénář (scenario),
osoba (person) and příkaz (the command a step gives).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.definition import PROBLEM_TEMPLATES, ProblemTemplate
from kwflow.i18n import render

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SCENARIO_TEMPLATES"]

# What a value must be, where pydantic's own English says it.
_TYPES: dict[str, str] = {
    "text": "text",
    "int": "celé číslo",
    "bool": "true nebo false",
    "mapping": "mapování klíčů na hodnoty",
    "list": "seznam",
    "date": "datum (2026-10-05)",
    "datetime": "datum a čas (2026-10-05 09:00)",
}

_PATTERNS: dict[str, str] = {
    "identifier": "text musí být identifikátor: malá písmena bez diakritiky, číslice "
    "a podtržítka, na začátku písmeno",
    "person": "text musí být id osoby: písmena bez diakritiky, číslice a znaky _ . @ -, "
    "na začátku písmeno nebo číslice",
    "clock": "text musí být denní čas ve tvaru HH:MM (00:00 až 23:59)",
    "other": "text musí odpovídat vzoru {pattern}",
}

# The kinds of names a scenario can miss in its process:
# (accusative singular, "one of the ..." with known names, none declared).
_NAMES: dict[str, tuple[str, str, str]] = {
    "role": ("roli", "jedna z rolí: {known}", "proces neuvádí žádné role"),
    "phase": ("fázi", "jedna z fází: {known}", "proces neuvádí žádné fáze"),
    "outcome": ("výsledek", "jeden z výsledků: {known}", "proces neuvádí žádné výsledky"),
    "deadline": ("lhůtu", "jedna ze lhůt: {known}", "proces neuvádí žádné lhůty"),
    "guard": (
        "kontrolu hostitele",
        "jedna z kontrol hostitele: {known}",
        "proces neuvádí žádné kontroly hostitele",
    ),
    "action": ("krok", "jeden z kroků: {known}", "proces neuvádí žádné kroky"),
    "artifact": ("dokument", "jeden z dokumentů: {known}", "proces neuvádí žádné dokumenty"),
}


def _known_names(params: Mapping[str, str]) -> str:
    _, known, none = _NAMES[params["kind"]]
    return render(known, params) if params["known"] else none


_OWN: dict[str, ProblemTemplate] = {
    # -- scenario files (kwflow simulate): their shape, as pydantic words it
    "scenario.wrong-type": ProblemTemplate(lambda p: "hodnota musí být " + _TYPES[p["type"]]),
    "scenario.pattern": ProblemTemplate(lambda p: render(_PATTERNS[p["form"]], p)),
    "scenario.not-a-choice": ProblemTemplate("hodnota musí být jedna z možností: {choices}"),
    "scenario.too-few-entries": ProblemTemplate(
        "toto mapování potřebuje alespoň {least:plural:položku|položky|položek}"
    ),
    "scenario.other": ProblemTemplate("tato hodnota neodpovídá formátu scénáře (kontrola {kind})"),
    # -- scenario files: the checks of their models
    "scenario.one-unit": ProblemTemplate(
        "doba potřebuje jen jednu z jednotek {units}; uvedeno: {given}"
    ),
    "scenario.period-or-time": ProblemTemplate(
        "uveďte dobu (days: 2), denní čas (time: '09:00'), nebo obojí"
    ),
    "scenario.not-a-time": ProblemTemplate(
        "{value} není čas: pište '+2d', '+1d2h' nebo '+30m' (doba od předchozího kroku), "
        "datum a čas '2026-10-05 09:00' (místní čas procesu), "
        "nebo {{working_days: 3, time: '09:00'}}"
    ),
    "scenario.reason-needs-refused": ProblemTemplate(
        "'reason' potřebuje také 'refused': druh chyby, se kterou má být krok odmítnut"
    ),
    "scenario.one-command": ProblemTemplate(
        "krok potřebuje právě jeden příkaz z {commands}; uvedeno: {given:or:žádný}"
    ),
    "scenario.needs-who": ProblemTemplate(
        "krok s příkazem {command!r} potřebuje 'who': osobu, která příkaz dává"
    ),
    "scenario.role-misplaced": ProblemTemplate(
        "'role' patří jen ke krokům 'assign', 'unassign' a 'replace'"
    ),
    "scenario.replace-needs": ProblemTemplate(
        "krok 'replace' potřebuje 'role', 'successor' a 'reason'; chybí {missing}"
    ),
    "scenario.handover-misplaced": ProblemTemplate(
        "'successor' a 'reason' patří jen ke kroku 'replace'"
    ),
    "scenario.organisation-misplaced": ProblemTemplate(
        "'organisation' patří jen ke krokům 'assign' a 'replace'"
    ),
    "scenario.data-misplaced": ProblemTemplate("'data' patří jen ke krokům 'act' a 'submit'"),
    "scenario.about-misplaced": ProblemTemplate("'about' patří jen ke krokům 'submit'"),
    "scenario.submit-needs-data": ProblemTemplate("krok 'submit' potřebuje 'data': pole dokumentu"),
    "scenario.person-ids": ProblemTemplate(
        "id osob smějí obsahovat jen písmena bez diakritiky, číslice a znaky _ . @ -; "
        "uvedeno: {names}"
    ),
    "scenario.opener-not-among-people": ProblemTemplate(
        "'opened_by' uvádí osobu {name!r}, která není mezi 'people'"
    ),
    # -- scenario files: what they name in their process
    "scenario.no-process-file": ProblemTemplate(
        "soubor procesu {path} neexistuje",
        expected="cesta relativní k souboru scénáře, nebo {{id: ..., version: ...}}",
    ),
    "scenario.unknown-name": ProblemTemplate(
        lambda p: f"proces nemá {_NAMES[p['kind']][0]} {p['name']!r}",
        expected=_known_names,
    ),
    "scenario.unknown-person": ProblemTemplate(
        "osoba {name!r} není mezi 'people'", expected="jedna z osob: {known:or:žádná}"
    ),
    "scenario.which-role": ProblemTemplate(
        "uveďte, kterou roli: osoba {name!r} má v 'people' {roles:plural:roli|role|rolí}",
        expected="'role: ...' v tomto kroku",
    ),
    "scenario.final-refusal": ProblemTemplate(
        "závěrečná očekávání nemohou očekávat odmítnutí",
        hint="'refused' patří do 'expect' kroku, který má být odmítnut",
    ),
}

SCENARIO_TEMPLATES: Mapping[str, ProblemTemplate] = {**PROBLEM_TEMPLATES, **_OWN}
"""The Czech templates of every problem a scenario file can have, by code."""
