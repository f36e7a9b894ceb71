"""Problems with process and scenario files, in Czech.

Process authors are Czech methodologists. Every `Problem` keeps its English
text as the source of truth and carries a ``code`` (the kind of problem) and
``params`` (its facts as text); this module holds one Czech template per code
and renders a problem from those data, never from the English sentence.
The only English translated here is PyYAML's own wording of a syntax error,
which reaches us as text.

Templates are `str.format` strings over the problem's ``params``, with two
extra format specs: ``{x:or:nikdo}`` shows ``nikdo`` for an empty value and
``{n:plural:položku|položky|položek}`` shows ``n`` with the Czech form for 1,
for 2-4 and for the rest. ``{x!r}`` quotes a name as the English text does.
Where a part depends on the facts beyond substitution, the template part is
a function of the params.

Terms follow the generated process pages (``docs/processes/*.md``): proces,
fáze, role, dokument (artifact), krok (action), lhůta (deadline), podmínka,
kontrola hostitele (guard), výsledek (outcome), pole (field); scenario files
(`kwflow simulate`) add scénář (scenario), osoba (person) and příkaz (the
command a step gives).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kwflow.exceptions import Problem

__all__ = [
    "LANGUAGES",
    "TEMPLATES",
    "CzechProblem",
    "Language",
    "Template",
    "czech",
    "ok_text",
    "problem_text",
    "summary_text",
]

Language = Literal["en", "cs"]
LANGUAGES: tuple[Language, ...] = ("en", "cs")

Part = str | Callable[[Mapping[str, str]], str] | None


@dataclass(frozen=True)
class Template:
    """The Czech parts of one kind of problem.

    ``expected``, ``found`` and ``hint`` are used only when the English
    problem has that part. A ``found`` left empty is rendered from the
    ``found_kind`` and ``found_value`` params (see `describe_params`), a
    ``hint`` left empty from the ``hint_code`` param.
    """

    message: Part
    expected: Part = None
    found: Part = None
    hint: Part = None


# ------------------------------------------------------------ formatting


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("or:"):
            return str(value) or format_spec[3:]
        if format_spec.startswith("plural:"):
            return f"{value} {_plural(int(value), *format_spec[7:].split('|'))}"
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def _plural(count: int, one: str, few: str, many: str) -> str:
    """The Czech form of a noun for ``count``: 1, 2-4, or 0 and 5 and more."""
    if count == 1:
        return one
    if 2 <= count <= 4:
        return few
    return many


def _render(part: Part, params: Mapping[str, str]) -> str:
    if part is None:
        raise KeyError("no template")
    if callable(part):
        return part(params)
    return _FORMATTER.vformat(part, (), params)


# ------------------------------------------------------------- shared parts

_FOUND_KINDS: dict[str, str] = {
    "null": "nic (null)",
    "true": "true",
    "false": "false",
    "mapping": "mapování",
    "list": "seznam",
    "text": "{found_value}",
    "quoted": "{found_value}",
    "date": "datum {found_value}",
    "timestamp": "datum a čas {found_value}",
    "value": "{found_value}",
}

# The kinds of names, as hints and duplicate-id speak of them.
_KNOWN: dict[str, tuple[str, str]] = {
    # kind: (known ..., none declared)
    "role": ("známé role: {known}", "proces neuvádí žádné role"),
    "phase": ("známé fáze: {known}", "proces neuvádí žádné fáze"),
    "artifact": ("známé dokumenty: {known}", "proces neuvádí žádné dokumenty"),
    "action": ("známé kroky: {known}", "proces neuvádí žádné kroky"),
    "guard": ("známé kontroly hostitele: {known}", "proces neuvádí žádné kontroly hostitele"),
    "field": ("známá pole: {known}", "dokument nemá žádná pole"),
}

_AMONG: dict[str, str] = {
    # kind: "among the ..." (instrumental plural)
    "role": "mezi rolemi",
    "artifact": "mezi dokumenty",
    "phase": "mezi fázemi (v celém stromu fází)",
    "action": "mezi kroky",
    "deadline": "mezi lhůtami",
    "guard": "mezi kontrolami hostitele",
    "invariant": "mezi vlastnostmi případu (invariants)",
    "field": "mezi poli dokumentu",
    "enum value": "mezi hodnotami výběru",
}


def _hint_from_code(params: Mapping[str, str]) -> str:
    code = params["hint_code"]
    if code == "known-names":
        return _FORMATTER.vformat(_KNOWN[params["kind"]][0], (), params)
    if code == "none-declared":
        return _KNOWN[params["kind"]][1]
    return _FORMATTER.vformat(_HINTS[code], (), params)


_HINTS: dict[str, str] = {
    "did-you-mean": "myslel(a) jste {suggestion!r}?",
    "did-you-mean-elsewhere": (
        "myslel(a) jste {suggestion!r}? (tento klíč ale patří do jiného druhu mapování)"
    ),
    "list-of-one": "seznam s jedinou položkou se píše [{value}]",
    "quote-yes-no": "dejte hodnotu do uvozovek ('yes', 'no', 'true'), aby zůstala textem",
    "quote": "dejte hodnotu do uvozovek, aby zůstala textem",
    "for-example": "například {suggestion!r}",
}

_TYPES: dict[str, str] = {
    "single": "jediná hodnota: text, celé číslo, true nebo false, nebo datum",
    "mapping": "mapování klíčů na hodnoty",
    "list": "seznam",
    "int": "celé číslo",
    "bool": "true nebo false",
    "text": "text",
    "date": "datum (2026-10-27)",
    "datetime": "datum a čas (2026-10-27T09:00:00+01:00)",
}

_NEEDS: dict[str, str] = {
    "text": "text",
    "bool": "true nebo false",
    "number": "číslo",
    "date": "datum (2026-10-27)",
    "datetime": "datum a čas",
    "choice": "jedna z hodnot: {choices}",
    "list": "žádná jednotlivá hodnota: seznam porovnávejte pomocí min_count nebo non_empty",
}

_ERRNO: dict[str, str] = {
    "ENOENT": "soubor neexistuje",
    "EACCES": "chybí oprávnění ke čtení",
    "EPERM": "chybí oprávnění ke čtení",
    "EISDIR": "je to složka, ne soubor",
}

# PyYAML words its syntax errors itself; these are its phrases, in Czech.
_YAML_PHRASES: tuple[tuple[str, str], ...] = (
    (r"while parsing a block mapping", "při čtení mapování v blokovém zápisu"),
    (r"while parsing a block collection", "při čtení bloku"),
    (r"while parsing a flow mapping", "při čtení mapování ve složených závorkách"),
    (r"while parsing a flow sequence", "při čtení seznamu v hranatých závorkách"),
    (r"while parsing a (?:block |flow )?node", "při čtení hodnoty"),
    (r"while parsing a tag", "při čtení značky"),
    (r"while scanning a simple key", "při čtení klíče"),
    (r"while scanning a (?:double-)?quoted scalar", "při čtení textu v uvozovkách"),
    (r"while scanning a block scalar", "při čtení víceřádkového textu"),
    (r"while scanning a plain scalar", "při čtení hodnoty"),
    (r"while scanning an? (alias|anchor)", "při čtení odkazu ({0})"),
    (r"while scanning a tag", "při čtení značky"),
    (r"while scanning a directive", "při čtení direktivy"),
    (r"while scanning for the next token", "při hledání dalšího prvku"),
    (r"expected ',' or '\}', but got (.*)", "očekávala se ',' nebo '}}', ale přišlo {0}"),
    (r"expected ',' or '\]', but got (.*)", "očekávala se ',' nebo ']', ale přišlo {0}"),
    (r"expected <block end>, but found (.*)", "očekával se konec bloku, ale přišlo {0}"),
    (r"expected the node content, but found (.*)", "očekávala se hodnota, ale přišlo {0}"),
    (
        r"expected '<document start>', but found (.*)",
        "očekával se začátek dokumentu YAML, ale přišlo {0}",
    ),
    (r"could not find expected ':'", "chybí očekávaná dvojtečka ':'"),
    (r"mapping values are not allowed here", "tady nemůže začínat hodnota klíče"),
    (r"mapping keys are not allowed here", "tady nemůže začínat klíč"),
    (
        r"found character (.*) that cannot start any token",
        "znak {0} tady nemůže začínat žádný prvek",
    ),
    (r"found unexpected end of stream", "soubor nečekaně skončil"),
    (r"found unexpected document separator", "nečekaný oddělovač dokumentů"),
    (r"found unknown escape character (.*)", "neznámá escape sekvence {0}"),
    (r"found undefined alias (.*)", "odkaz (alias) {0} na nic neukazuje"),
    (r"found duplicate anchor (.*); first occurrence", "kotva {0} je uvedena dvakrát"),
    (r"second occurrence", "podruhé"),
    (r"expected a single document in the stream", "očekával se jediný dokument YAML"),
    (r"but found another document", "ale následuje další"),
    (r"block sequence entries are not allowed here", "tady nemůže začínat položka seznamu"),
    (
        r"expected alphabetic or numeric character, but found (.*)",
        "očekávalo se písmeno nebo číslice, ale přišlo {0}",
    ),
    (
        r"expected a comment or a line break, but found (.*)",
        "očekával se komentář nebo konec řádku, ale přišlo {0}",
    ),
)


def _yaml_phrase(text: str) -> str:
    for pattern, czech_text in _YAML_PHRASES:
        match = re.fullmatch(pattern, text)
        if match:
            return czech_text.format(*match.groups())
    return f"„{text}“ (hlášení čtečky YAML)"


def _yaml_detail(params: Mapping[str, str]) -> str:
    parts = [params.get("context", ""), params.get("problem", "")]
    parts = [p for p in parts if p]
    if not parts:
        return f"„{params['detail']}“ (hlášení čtečky YAML)"
    return "; ".join(_yaml_phrase(p) for p in parts)


def _syntax_hint(params: Mapping[str, str]) -> str:
    advice = {
        "tabs": "odsazujte mezerami, ne tabulátory",
        "quote-colon": "hodnotu, která obsahuje „: “, dejte do uvozovek",
        "one-document": "soubor procesu obsahuje jediný dokument: odstraňte oddělovač '---'",
    }.get(params.get("advice", ""))
    parts = []
    if "began_line" in params:
        parts.append(
            f"začalo to na řádku {params['began_line']}, ve sloupci {params['began_column']}"
        )
    if advice:
        parts.append(advice)
    if not parts:
        raise KeyError("advice")
    return "; ".join(parts)


def _unreadable(params: Mapping[str, str]) -> str:
    reason = _ERRNO.get(params.get("errno", ""))
    return (
        f"soubor nelze přečíst: {reason}"
        if reason
        else (f"soubor nelze přečíst („{params['reason']}“)")
    )


# Scenario files: what a value must be, where pydantic's own English says it.
_SCENARIO_TYPES: dict[str, str] = {
    "text": "text",
    "int": "celé číslo",
    "bool": "true nebo false",
    "mapping": "mapování klíčů na hodnoty",
    "list": "seznam",
    "date": "datum (2026-10-05)",
    "datetime": "datum a čas (2026-10-05 09:00)",
}

_SCENARIO_PATTERNS: dict[str, str] = {
    "identifier": "text musí být identifikátor: malá písmena bez diakritiky, číslice "
    "a podtržítka, na začátku písmeno",
    "person": "text musí být id osoby: písmena bez diakritiky, číslice a znaky _ . @ -, "
    "na začátku písmeno nebo číslice",
    "clock": "text musí být denní čas ve tvaru HH:MM (00:00 až 23:59)",
    "other": "text musí odpovídat vzoru {pattern}",
}

# The kinds of names a scenario can miss in its process:
# (accusative singular, "one of the ..." with known names, none declared).
_SCENARIO_NAMES: dict[str, tuple[str, str, str]] = {
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


def _scenario_known(params: Mapping[str, str]) -> str:
    _, known, none = _SCENARIO_NAMES[params["kind"]]
    return _FORMATTER.vformat(known, (), params) if params["known"] else none


def _position(params: Mapping[str, str], *, where: bool) -> str:
    if "at_line" in params:
        return f"na řádku {params['at_line']}" if where else f"řádek {params['at_line']}"
    return f"v {params['at_path']}" if where else params["at_path"]


# ------------------------------------------------------------- templates

_SCHEMA_WRONG_TYPE = "tato hodnota má nesprávný typ"

TEMPLATES: dict[str, Template] = {
    # -- reading the file
    "file.unreadable": Template(_unreadable),
    "yaml.syntax": Template(lambda p: "chybný zápis YAML: " + _yaml_detail(p), hint=_syntax_hint),
    "yaml.unreadable": Template("soubor nelze přečíst jako YAML: „{detail}“ (hlášení čtečky YAML)"),
    "yaml.bad-character": Template(
        "soubor obsahuje znak, který YAML nedovoluje (kód {character})",
        hint="odstraňte řídicí znaky; soubor uložte jako text v kódování UTF-8",
    ),
    "yaml.not-utf8": Template(
        "soubor není text v kódování UTF-8 (bajt {byte} na pozici {offset})",
        expected="text v kódování UTF-8",
        hint="soubor uložte v kódování UTF-8",
    ),
    "yaml.empty": Template(
        "soubor je prázdný",
        expected="proces: mapování s klíči 'id', 'version', 'title'…",
    ),
    "yaml.top-not-mapping": Template(
        "nejvyšší úroveň souboru procesu musí být mapování klíčů na hodnoty",
        expected="mapování (id: ..., version: ...)",
    ),
    "yaml.too-big": Template(
        "soubor se rozvine na víc než {limit} hodnot (aliasy opakují, na co odkazují)",
        hint="opakované části vypište, nebo použijte méně vnořených aliasů",
    ),
    "yaml.too-deep": Template("soubor je vnořený příliš hluboko"),
    "yaml.alias-cycle": Template("alias odkazuje na hodnotu, která jej sama obsahuje"),
    "yaml.key-not-text": Template("klíč musí být prostý text, ne seznam ani mapování"),
    "yaml.bad-scalar": Template("{text} není platná hodnota typu {tag}"),
    "yaml-tag": Template(
        "značka {tag} není v souboru procesu dovolena",
        hint="soubory procesů obsahují jen prostá data: značku odstraňte",
    ),
    "duplicate-key": Template(
        "klíč {key!r} je v tomto mapování uveden dvakrát",
        hint="poprvé je uveden na řádku {line}, ve sloupci {column}; YAML by potichu "
        "ponechal jen ten poslední: jeden odstraňte",
    ),
    # -- the shape of the file (pydantic's error types)
    "schema.wrong-type": Template(
        _SCHEMA_WRONG_TYPE, expected=lambda p: _TYPES[p["type"]], hint=_hint_from_code
    ),
    "schema.missing": Template(
        "chybí klíč {name!r}",
        hint="doplňte klíč {name!r}; co do něj patří, popisuje příručka formátu souboru procesu",
    ),
    "schema.unknown-key": Template(
        "neznámý klíč {name!r}", expected="jeden z klíčů: {allowed}", hint=_hint_from_code
    ),
    "schema.unknown-tag": Template(
        "neznámá hodnota {tag!r} klíče {key!r}",
        expected="jedna z hodnot: {choices}",
        hint=_hint_from_code,
    ),
    "schema.missing-tag": Template("chybí klíč {key!r}", expected="jedna z hodnot: {choices}"),
    "schema.label-not-mapping": Template(
        "popisek musí být mapování jazyků na texty", expected="mapování jako {{cs: ..., en: ...}}"
    ),
    "schema.not-identifier": Template(
        "{value} není platný identifikátor",
        expected="malá písmena bez diakritiky, číslice a podtržítka, na začátku písmeno",
        hint=_hint_from_code,
    ),
    "schema.not-currency": Template(
        "{value} není kód měny",
        expected="tři velká písmena (kód měny podle ISO 4217, například CZK nebo EUR)",
    ),
    "schema.pattern": Template(
        "text nemá očekávaný tvar", expected="text odpovídající vzoru {pattern}"
    ),
    "schema.not-a-choice": Template(
        "tato hodnota není mezi povolenými možnostmi",
        expected="jedna z hodnot: {choices}",
        hint=_hint_from_code,
    ),
    "schema.empty-text": Template("tento text nesmí být prázdný", expected="nějaký text"),
    "schema.text-too-long": Template("tento text je delší než {max:plural:znak|znaky|znaků}"),
    "schema.too-few-items": Template(
        "tento seznam potřebuje alespoň {least:plural:položku|položky|položek}",
        expected="alespoň {least:plural:položka|položky|položek}",
    ),
    "schema.too-many-items": Template(
        "tento seznam má víc než {max:plural:položku|položky|položek}"
    ),
    "schema.number-ge": Template(
        "toto číslo musí být alespoň {bound}", expected="číslo alespoň {bound}"
    ),
    "schema.number-gt": Template(
        "toto číslo musí být větší než {bound}", expected="číslo větší než {bound}"
    ),
    "schema.number-le": Template(
        "toto číslo smí být nejvýše {bound}", expected="číslo nejvýše {bound}"
    ),
    "schema.number-lt": Template(
        "toto číslo musí být menší než {bound}", expected="číslo menší než {bound}"
    ),
    "schema.label-empty": Template("popisek potřebuje alespoň jeden z textů 'cs' a 'en'"),
    "schema.min-above-max": Template("min ({min}) je větší než max ({max})"),
    "schema.condition-operators": Template(
        "podmínka na pole potřebuje právě jeden z klíčů {operators}; uvedeno: {given:or:žádný}"
    ),
    "schema.period-units": Template(
        "doba potřebuje právě jednu z jednotek {units}; uvedeno: {given:or:žádná}"
    ),
    "schema.anchor-one-of": Template(
        "lhůta se počítá buď od kroku, nebo od pole: uveďte právě jeden z klíčů 'action' a 'field'"
    ),
    "schema.deadline-target-or-limit": Template(
        "lhůta potřebuje cíl ('target'), limit ('limit') nebo obojí"
    ),
    "schema.variant-target-or-limit": Template(
        "varianta lhůty potřebuje cíl ('target'), limit ('limit') nebo obojí"
    ),
    "schema.timezone": Template(
        "{value} není název časového pásma podle databáze IANA (například Europe/Prague)"
    ),
    "schema.invalid": Template("tato hodnota není platná"),
    "schema.other": Template("tato hodnota neodpovídá jazyku procesu (kontrola {kind})"),
    # -- the static checks
    "duplicate-id": Template(
        lambda p: f"id {p['name']!r} je {_AMONG[p['kind']]} použito dvakrát",
        hint=lambda p: f"první je {_position(p, where=True)}; dejte každé položce jiné id",
    ),
    "unknown-role": Template(
        "neznámá role {name!r}", expected="role uvedená v souboru (v 'roles')", hint=_hint_from_code
    ),
    "unknown-phase": Template(
        "neznámá fáze {name!r}",
        expected="fáze uvedená v souboru (v 'phases')",
        hint=_hint_from_code,
    ),
    "unknown-artifact": Template(
        "neznámý dokument {name!r}",
        expected="dokument uvedený v souboru (v 'artifacts')",
        hint=_hint_from_code,
    ),
    "unknown-action": Template(
        "neznámý krok {name!r}",
        expected="krok uvedený v souboru (v 'actions')",
        hint=_hint_from_code,
    ),
    "unknown-guard": Template(
        "neznámá kontrola hostitele {name!r}",
        expected="kontrola hostitele uvedená v souboru (v 'guards')",
        hint=_hint_from_code,
    ),
    "unknown-field": Template("dokument {artifact!r} nemá pole {field!r}", hint=_hint_from_code),
    "anchor-field-type": Template(
        "lhůtu nelze počítat od pole {field!r} typu {type}",
        expected="pole typu date nebo datetime",
        found="pole typu {type}",
    ),
    "condition-type.min-count": Template(
        "min_count počítá záznamy pole typu list; {field!r} takové pole není",
        expected="pole typu list",
        found="pole typu {type}",
    ),
    "condition-type.non-empty": Template(
        "non_empty platí pro pole typu text a list; {field!r} není ani jedno",
        expected="pole typu text nebo list",
        found="pole typu {type}",
        hint="vyplnění pole vyžadujte podmínkou 'present: true'",
    ),
    "condition-type.value": Template(
        "hodnota {value} nemůže být v poli {field!r} typu {type}",
        expected=lambda p: _FORMATTER.vformat(_NEEDS[p["need"]], (), p),
    ),
    "one-initial-phase.none": Template(
        "žádná fáze nejvyšší úrovně není označena 'initial: true'",
        expected="právě jedna počáteční fáze nejvyšší úrovně",
        hint="označte fázi, ve které případ začíná, nejspíš {probably!r}",
    ),
    "one-initial-phase.second": Template(
        "fáze {phase!r} je už druhá počáteční fáze nejvyšší úrovně",
        expected="právě jedna počáteční fáze nejvyšší úrovně",
        hint="počáteční je už fáze {first!r}",
    ),
    "one-initial-subphase.none": Template(
        "žádná dílčí fáze uvnitř fáze {phase!r} není označena 'initial: true'",
        expected="právě jedna počáteční dílčí fáze",
        hint="označte část, kterou fáze začíná, nejspíš {probably!r}",
    ),
    "one-initial-subphase.second": Template(
        "{sub!r} je už druhá počáteční dílčí fáze uvnitř fáze {phase!r}",
        expected="právě jedna počáteční dílčí fáze",
    ),
    "terminal-has-subphases": Template(
        "koncová fáze {phase!r} má dílčí fáze",
        hint="odstraňte dílčí fáze, nebo výsledek ('outcome')",
    ),
    "terminal-has-action": Template(
        "krok {action!r} lze udělat v koncové fázi {phase!r}",
        hint="případ, který dospěl k výsledku, je uzavřený; krok povolte jen ve fázích před ním",
    ),
    "terminal-has-action.inside": Template(
        "krok {action!r} lze udělat ve fázi {phase!r}, která obsahuje koncové fáze {terminal}",
        hint="případ, který dospěl k výsledku, je uzavřený; krok povolte jen ve fázích před ním",
    ),
    "unreachable-phase": Template(
        "do fáze {phase!r} nevede z počáteční fáze žádná posloupnost kroků",
        hint="přidejte krok s 'to: {phase}', nebo fázi odstraňte",
    ),
    "dead-end-phase": Template(
        "případ ve fázi {phase!r} se nikdy nemůže dostat k výsledku",
        hint="přidejte krok z této fáze (nebo z fáze, která ji obsahuje), který vede dál",
    ),
    "dead-end-phase.no-outcome": Template(
        "žádná fáze nemá výsledek, takže žádný případ nemůže nikdy skončit",
        hint="dejte koncovým fázím výsledek ('outcome')",
    ),
    "action-nobody-present": Template(
        "krok {action!r} smí udělat jen role {roles}, ta ale ve fázi {phase!r} přítomna není",
        expected="{roles} přítomná nebo na zavolání",
        found="přítomni: {present:or:nikdo}",
    ),
    "action-nobody-present.several": Template(
        "krok {action!r} smějí udělat jen role {roles}, žádná z nich ale ve fázi {phase!r} "
        "přítomna není",
        expected="jedna z rolí {roles} přítomná nebo na zavolání",
        found="přítomni: {present:or:nikdo}",
    ),
    "opener-not-present": Template(
        "role {opener!r}, která zakládá případ, není přítomna v počáteční fázi {phase!r}",
        expected="{opener!r} mezi rolemi přítomnými ve fázi {phase!r}",
        found="přítomni: {present:or:nikdo}",
    ),
    "on-call-and-present": Template(
        "role {role!r} je ve fázi {phase!r} na zavolání, a zároveň přítomná",
        hint="odstraňte {role!r} buď z 'present', nebo z 'on_call'",
    ),
    "on-call-and-present.inherited": Template(
        "role {role!r} je ve fázi {phase!r} na zavolání, a zároveň přítomná",
        hint="fáze nemá vlastní 'present', takže jej přebírá od nadřazené fáze (nebo jsou "
        "přítomny všechny role): vyjmenujte přítomné role výslovně",
    ),
    "artifact-unavailable": Template(
        "krok {action!r} vyžaduje dokument {artifact!r}, ten ale nelze zapsat ani zaznamenat "
        "v žádné fázi před tímto krokem",
        hint="zapisují jej: {writers:or:nikdo}; zařiďte, aby některá z těchto rolí byla "
        "přítomna ve fázi před krokem (a dokument tam šel zapisovat), nebo jej zaznamenejte "
        "dřívějším krokem",
    ),
    "deadline-unsatisfiable": Template(
        "žádný krok, který splní lhůtu {deadline!r}, nelze udělat po jejím začátku",
        expected="v satisfied_by krok, který může následovat po začátku lhůty",
    ),
    "deadline-unsatisfiable.within": Template(
        "žádný krok, který splní lhůtu {deadline!r}, nelze udělat ve fázích lhůty po jejím začátku",
        expected="v satisfied_by krok, který může následovat po začátku lhůty",
    ),
    "deadline-never-runs": Template(
        "to, od čeho se lhůta {deadline!r} počítá, nemůže nikdy nastat, takže lhůta nikdy "
        "nezačne běžet"
    ),
    "exclusive-self": Template(
        "role {role!r} se vylučuje sama se sebou",
        hint="uveďte jinou roli, kterou tentýž člověk nesmí zastávat",
    ),
    "exclusive-asymmetric": Template(
        "role {role!r} se vylučuje s rolí {other!r}, ale {other!r} neuvádí {role!r}",
        hint=lambda p: (
            f"přidejte {p['role']!r} do exclusive_with role {p['other']!r} "
            f"({_position(p, where=False)})"
        ),
    ),
    "role-unassignable": Template(
        "roli {role!r} nemůže nikdo nikdy dostat",
        hint="v 'assigned_by' uveďte roli, kterou lze zastávat (například {opener!r}, "
        "která zakládá případ)",
    ),
    "role-unassignable.no-assigner": Template(
        "roli {role!r} nemůže nikdo nikdy dostat",
        hint="role nemá 'assigned_by'; uveďte role, jejichž držitelé ji přidělují",
    ),
    "missing-translation.cs": Template(
        "tento popisek nemá český text", expected="český text pod klíčem 'cs'"
    ),
    "missing-translation.en": Template(
        "tento popisek nemá anglický text", expected="anglický text pod klíčem 'en'"
    ),
    "unused-role": Template(
        "role {role!r} se nikde nepoužívá",
        hint="odstraňte ji, nebo ji uveďte tam, kde se procesu účastní",
    ),
    "unused-artifact": Template("dokument {artifact!r} nepoužívá žádný krok, žádná lhůta ani fáze"),
    "unused-guard": Template("kontrolu hostitele {guard!r} nevyžaduje žádný krok"),
    # -- across files
    "duplicate-process": Template(
        "proces {id!r} ve verzi {version} je definován dvakrát: zde a v {other}",
        hint="novějšímu souboru zvyšte verzi",
    ),
    # -- scenario files (kwflow simulate): their shape, as pydantic words it
    "scenario.wrong-type": Template(lambda p: "hodnota musí být " + _SCENARIO_TYPES[p["type"]]),
    "scenario.pattern": Template(
        lambda p: _FORMATTER.vformat(_SCENARIO_PATTERNS[p["form"]], (), p)
    ),
    "scenario.not-a-choice": Template("hodnota musí být jedna z možností: {choices}"),
    "scenario.too-few-entries": Template(
        "toto mapování potřebuje alespoň {least:plural:položku|položky|položek}"
    ),
    "scenario.other": Template("tato hodnota neodpovídá formátu scénáře (kontrola {kind})"),
    # -- scenario files: the checks of their models
    "scenario.one-unit": Template("doba potřebuje jen jednu z jednotek {units}; uvedeno: {given}"),
    "scenario.period-or-time": Template(
        "uveďte dobu (days: 2), denní čas (time: '09:00'), nebo obojí"
    ),
    "scenario.not-a-time": Template(
        "{value} není čas: pište '+2d', '+1d2h' nebo '+30m' (doba od předchozího kroku), "
        "datum a čas '2026-10-05 09:00' (místní čas procesu), "
        "nebo {{working_days: 3, time: '09:00'}}"
    ),
    "scenario.reason-needs-refused": Template(
        "'reason' potřebuje také 'refused': druh chyby, se kterou má být krok odmítnut"
    ),
    "scenario.one-command": Template(
        "krok potřebuje právě jeden příkaz z {commands}; uvedeno: {given:or:žádný}"
    ),
    "scenario.needs-who": Template(
        "krok s příkazem {command!r} potřebuje 'who': osobu, která příkaz dává"
    ),
    "scenario.role-misplaced": Template("'role' patří jen ke krokům 'assign' a 'unassign'"),
    "scenario.data-misplaced": Template("'data' patří jen ke krokům 'act' a 'submit'"),
    "scenario.submit-needs-data": Template("krok 'submit' potřebuje 'data': pole dokumentu"),
    "scenario.person-ids": Template(
        "id osob smějí obsahovat jen písmena bez diakritiky, číslice a znaky _ . @ -; "
        "uvedeno: {names}"
    ),
    "scenario.opener-not-among-people": Template(
        "'opened_by' uvádí osobu {name!r}, která není mezi 'people'"
    ),
    # -- scenario files: what they name in their process
    "scenario.no-process-file": Template(
        "soubor procesu {path} neexistuje",
        expected="cesta relativní k souboru scénáře, nebo {{id: ..., version: ...}}",
    ),
    "scenario.unknown-name": Template(
        lambda p: f"proces nemá {_SCENARIO_NAMES[p['kind']][0]} {p['name']!r}",
        expected=_scenario_known,
    ),
    "scenario.unknown-person": Template(
        "osoba {name!r} není mezi 'people'", expected="jedna z osob: {known:or:žádná}"
    ),
    "scenario.which-role": Template(
        "uveďte, kterou roli: osoba {name!r} má v 'people' {roles:plural:roli|role|rolí}",
        expected="'role: ...' v tomto kroku",
    ),
    "scenario.final-refusal": Template(
        "závěrečná očekávání nemohou očekávat odmítnutí",
        hint="'refused' patří do 'expect' kroku, který má být odmítnut",
    ),
}


# ------------------------------------------------------------- rendering


@dataclass(frozen=True)
class CzechProblem:
    """The Czech text of a problem's parts.

    A part is ``None`` when the English problem has none. ``missing`` names
    the parts that have no Czech rendering (the problem has no code, or the
    template lacks the part); those fall back to English.
    """

    message: str
    expected: str | None
    found: str | None
    hint: str | None
    missing: tuple[str, ...] = ()


def czech(problem: Problem) -> CzechProblem:
    """The problem's message, expected, found and hint in Czech."""
    template = TEMPLATES.get(problem.code or "")
    params = problem.params
    missing: list[str] = []

    def part(name: str, english: str | None, own: Part) -> str | None:
        if not english:
            return None
        try:
            if own is None and name == "found" and "found_kind" in params:
                own = _FOUND_KINDS[params["found_kind"]]
            elif own is None and name == "hint" and "hint_code" in params:
                own = _hint_from_code
            return _render(own, params)
        except (KeyError, ValueError, IndexError):
            missing.append(name)
            return english

    if template is None:
        # A problem from outside kwflow.definition, or a code without a template.
        parts = {"message": problem.message, "expected": problem.expected}
        parts.update(found=problem.found, hint=problem.hint)
        return CzechProblem(
            problem.message,
            problem.expected,
            problem.found,
            problem.hint,
            tuple(name for name, text in parts.items() if text),
        )
    message = part("message", problem.message, template.message) or problem.message
    return CzechProblem(
        message,
        part("expected", problem.expected, template.expected),
        part("found", problem.found, template.found),
        part("hint", problem.hint, template.hint),
        tuple(missing),
    )


_SEVERITY_CS = {"error": "chyba", "warning": "varování"}


def problem_text(problem: Problem, lang: Language = "en") -> str:
    """The problem as `kwflow check` prints it, in English (``str(problem)``) or Czech."""
    if lang == "en":
        return str(problem)
    parts = czech(problem)
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    severity = _SEVERITY_CS.get(problem.severity, problem.severity)
    text = f"{where}: {severity}: {parts.message}"
    if problem.path:
        text += f" (místo: {problem.path})"
    if parts.expected is not None:
        text += f"; očekává se: {parts.expected}"
    if parts.found is not None:
        text += f"; nalezeno: {parts.found}"
    if parts.hint:
        text += f"; {parts.hint}"
    return f"{text} [{problem.rule}]"


def ok_text(file: str, lang: Language = "en") -> str:
    """The line for a file without problems."""
    return f"{file}: ok" if lang == "en" else f"{file}: v pořádku"


def summary_text(files: int, bad: int, errors: int, warnings: int, lang: Language = "en") -> str:
    """The last line of `kwflow check`."""
    if lang == "en":
        return (
            f"{files} file(s) checked, {bad} with problems: "
            f"{errors} error(s), {warnings} warning(s)"
        )
    checked = _plural(
        files, "soubor zkontrolován", "soubory zkontrolovány", "souborů zkontrolováno"
    )
    return (
        f"{files} {checked}, {bad} s problémy: "
        f"{errors} {_plural(errors, 'chyba', 'chyby', 'chyb')}, {warnings} varování"
    )
