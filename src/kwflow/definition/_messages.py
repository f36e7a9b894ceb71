"""Problems with process files, in Czech.

Process authors are Czech methodologists. Every `Problem` keeps its English
text as the source of truth and carries a ``code`` (the kind of problem) and
``params`` (its facts as text); this module holds one Czech
`ProblemTemplate` per code and renders a problem from those data, never
from the English sentence. The only English translated here is PyYAML's own
wording of a syntax error, which reaches us as text.

The parts of a template are `kwflow.i18n` templates over the problem's
``params``; ``{x!r}`` quotes a name as the English text does.

Scenario files (`kwflow simulate`) are read with the same YAML reader and
can name a broken process file, so their problems are these and their own:
`kwflow.authoring.SCENARIO_TEMPLATES` holds both, for the functions here.

Terms follow the generated process pages (``docs/processes/*.md``): proces,
fáze, role, dokument (artifact), krok (action), lhůta (deadline), podmínka,
kontrola hostitele (guard), výsledek (outcome), pole (field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kwflow.i18n import render

from ._places import describe_place

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.exceptions import Problem
    from kwflow.i18n import Language, Template

__all__ = [
    "PROBLEM_TEMPLATES",
    "CzechProblem",
    "ProblemTemplate",
    "czech",
    "problem_text",
    "quoted_line",
]


@dataclass(frozen=True)
class ProblemTemplate:
    """The Czech parts of one kind of problem.

    ``expected``, ``found`` and ``hint`` are used only when the English
    problem has that part. A ``found`` left empty is rendered from the
    ``found_kind`` and ``found_value`` params, a ``hint`` left empty from
    the ``hint_code`` param.
    """

    message: Template
    expected: Template | None = None
    found: Template | None = None
    hint: Template | None = None


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

# A deadline's two moments, as methodologists name them (docs/pro-metodiky.md).
_MOMENT_CS = {"target": "cílový termín", "limit": "nejzazší termín"}

# The kinds of names, as hints and duplicate-id speak of them.
_KNOWN: dict[str, tuple[str, str]] = {
    # kind: (known ..., none declared)
    "role": ("známé role: {known}", "proces neuvádí žádné role"),
    "phase": ("známé fáze: {known}", "proces neuvádí žádné fáze"),
    "artifact": ("známé dokumenty: {known}", "proces neuvádí žádné dokumenty"),
    "action": ("známé kroky: {known}", "proces neuvádí žádné kroky"),
    "guard": ("známé kontroly hostitele: {known}", "proces neuvádí žádné kontroly hostitele"),
    "organisation kind": (
        "známé druhy organizací: {known}",
        "proces neuvádí žádné druhy organizací",
    ),
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
    "organisation kind": "mezi druhy organizací",
    "invariant": "mezi vlastnostmi případu (invariants)",
    "field": "mezi poli dokumentu",
    "enum value": "mezi hodnotami výběru",
}


def _hint_from_code(params: Mapping[str, str]) -> str:
    code = params["hint_code"]
    if code == "known-names":
        return render(_KNOWN[params["kind"]][0], params)
    if code == "none-declared":
        return _KNOWN[params["kind"]][1]
    return render(_HINTS[code], params)


_HINTS: dict[str, str] = {
    "did-you-mean": "myslel(a) jste {suggestion!r}?",
    "did-you-mean-elsewhere": (
        "myslel(a) jste {suggestion!r}? (tento klíč ale patří do jiného druhu mapování)"
    ),
    "key-elsewhere": (
        "{suggestion!r} je klíč jiného druhu mapování: zkontrolujte, kam je odsazený, "
        "a popis tohoto mapování v příručce"
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

_CONDITION_WORDS: dict[str, str] = {
    "equals": "rovná se {value}",
    "one_of": "je jedna z hodnot {value}",
    "present": "má hodnotu",
    "absent": "nemá hodnotu",
    "non_empty": "není prázdné",
    "empty": "je prázdné",
    "min_count": "má alespoň {value:plural:záznam|záznamy|záznamů}",
}


def _condition_words(check: str, value: str) -> str:
    """A condition of a process file in Czech: ``rovná se 'high'``."""
    return render(_CONDITION_WORDS.get(check, check), {"value": value})


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


def _position(params: Mapping[str, str], *, where: bool) -> str:
    if "at_line" in params:
        return f"na řádku {params['at_line']}" if where else f"řádek {params['at_line']}"
    return f"v {params['at_path']}" if where else params["at_path"]


def _target_cs(params: Mapping[str, str], case: str = "dat") -> str:
    """The place a misplaced key belongs to, in Czech ("k fázi 2 ('planning')")."""
    if not params["target"]:
        return {"dat": "na nejvyšší úroveň souboru", "acc": "nejvyšší úroveň souboru"}.get(
            case, "nejvyšší úrovně souboru"
        )
    place = describe_place(params["target"], params.get("target_ids", ""), "cs")
    if case == "dat":
        return f"k položce {place}"
    if case == "gen":
        return f"položky {place}"
    return f"položku {place}"


# ------------------------------------------------------------- templates

_SCHEMA_WRONG_TYPE = "tato hodnota má nesprávný typ"

PROBLEM_TEMPLATES: Mapping[str, ProblemTemplate] = {
    # -- reading the file
    "file.unreadable": ProblemTemplate(_unreadable),
    "yaml.syntax": ProblemTemplate(
        lambda p: "chybný zápis YAML: " + _yaml_detail(p), hint=_syntax_hint
    ),
    "yaml.too-large": ProblemTemplate(
        "soubor je větší než {limit_mib} MiB ({limit} bajtů), víc soubor procesu mít nesmí",
        hint="soubor procesu popisuje jeden proces nanejvýš na několika stech kB: "
        "ověřte, že je to opravdu ten soubor, který jste chtěl(a)",
    ),
    "yaml.tab": ProblemTemplate(
        "řádek {line} je odsazený tabulátorem; YAML odsazuje jen mezerami",
        hint="tabulátor nahraďte mezerami (dvě na úroveň, jako okolní řádky)",
    ),
    "yaml.colon-in-text": ProblemTemplate(
        "text klíče {key!r} na řádku {line} obsahuje „: “, což YAML čte jako začátek dalšího klíče",
        expected="text v uvozovkách: {right}",
    ),
    "yaml.indentation.deeper": ProblemTemplate(
        "chybné odsazení na řádku {line}: klíč {key!r} je odsazený víc než řádek nad ním, "
        "jehož klíč už má hodnotu",
        expected="klíč {key!r} odsazený o {spaces:plural:mezeru|mezery|mezer} jako na řádku "
        "{previous}: {right}",
        hint="víc odsazený klíč patří pod klíč nad ním, ten pak nemůže mít hodnotu na svém řádku",
    ),
    "yaml.indentation.list": ProblemTemplate(
        "chybné odsazení na řádku {line}: klíč {key!r} začíná tam, kde začínají položky "
        "seznamu nad ním ('- ' odsazené o {indent:plural:mezeru|mezery|mezer}); tam může "
        "začít jen nová položka",
        expected="klíč poslední položky seznamu odsazený o "
        "{spaces:plural:mezeru|mezery|mezer}: {right}",
        hint="klíč mapování, které seznam obsahuje, se odsazuje méně než jeho '- '",
    ),
    "yaml.indentation": ProblemTemplate(
        "chybné odsazení na řádku {line}: je odsazený o {indent:plural:mezeru|mezery|mezer}, "
        "což nesedí k řádkům nad ním (ty jsou odsazené o {levels} mezer)",
        hint="klíče jednoho mapování i '- ' položek jednoho seznamu začínají ve stejném "
        "sloupci: řádek odsaďte stejně jako klíče, ke kterým patří",
    ),
    "yaml.missing-colon": ProblemTemplate(
        "na řádku {line} chybí za klíčem dvojtečka ':'",
        expected="klíč: hodnota",
        hint="mezi klíč a hodnotu napište dvojtečku a mezeru; text, který pokračuje "
        "na dalším řádku, musí být odsazený víc",
    ),
    "yaml.unclosed": ProblemTemplate(
        "závorka {bracket!r} otevřená na řádku {line} není uzavřená závorkou {closing!r}, "
        "nebo mezi položkami chybí čárka ','",
        hint="čtečka si toho všimla na řádku {noticed}",
    ),
    "yaml.unclosed-quote": ProblemTemplate(
        "uvozovky otevřené na řádku {line} nejsou nikde uzavřené",
        hint="text ukončete stejnými uvozovkami, jakými začíná",
    ),
    "yaml.unreadable": ProblemTemplate(
        "soubor nelze přečíst jako YAML: „{detail}“ (hlášení čtečky YAML)"
    ),
    "yaml.bad-character": ProblemTemplate(
        "soubor obsahuje znak, který YAML nedovoluje (kód {character})",
        hint="odstraňte řídicí znaky; soubor uložte jako text v kódování UTF-8",
    ),
    "yaml.not-utf8": ProblemTemplate(
        "soubor není text v kódování UTF-8 (bajt {byte} na pozici {offset})",
        expected="text v kódování UTF-8",
        hint="soubor uložte v kódování UTF-8",
    ),
    "yaml.empty": ProblemTemplate(
        "soubor je prázdný",
        expected="proces: mapování s klíči 'id', 'version', 'title'…",
    ),
    "yaml.top-not-mapping": ProblemTemplate(
        "nejvyšší úroveň souboru procesu musí být mapování klíčů na hodnoty",
        expected="mapování (id: ..., version: ...)",
    ),
    "yaml.too-big": ProblemTemplate(
        "soubor se rozvine na víc než {limit} hodnot (aliasy opakují, na co odkazují)",
        hint="opakované části vypište, nebo použijte méně vnořených aliasů",
    ),
    "yaml.too-deep": ProblemTemplate("soubor je vnořený příliš hluboko"),
    "yaml.alias-cycle": ProblemTemplate("alias odkazuje na hodnotu, která jej sama obsahuje"),
    "yaml.key-not-text": ProblemTemplate("klíč musí být prostý text, ne seznam ani mapování"),
    "yaml.bad-scalar": ProblemTemplate("{text} není platná hodnota typu {tag}"),
    "yaml-tag": ProblemTemplate(
        "značka {tag} není v souboru procesu dovolena",
        hint="soubory procesů obsahují jen prostá data: značku odstraňte",
    ),
    "duplicate-key": ProblemTemplate(
        "klíč {key!r} je v tomto mapování uveden dvakrát",
        hint="poprvé je uveden na řádku {line}, ve sloupci {column}; YAML by potichu "
        "ponechal jen ten poslední: jeden odstraňte",
    ),
    # -- the shape of the file (pydantic's error types)
    "schema.wrong-type": ProblemTemplate(
        _SCHEMA_WRONG_TYPE,
        expected=lambda p: (
            f"{_TYPES[p['type']]}, bez slov a uvozovek: {p['right']}"
            if "right" in p
            else _TYPES[p["type"]]
        ),
        hint=_hint_from_code,
    ),
    "schema.missing": ProblemTemplate(
        "chybí klíč {name!r}",
        expected="například {right}",
        hint="doplňte klíč {name!r}; co do něj patří, popisuje příručka formátu souboru procesu",
    ),
    "schema.unknown-key": ProblemTemplate(
        "neznámý klíč {name!r}", expected="jeden z klíčů: {allowed}", hint=_hint_from_code
    ),
    "schema.misplaced-key": ProblemTemplate(
        lambda p: "chybné odsazení: klíč {!r} patří o úroveň {}, {}".format(
            p["name"],
            "níž" if p["direction"] == "deeper" else "výš",
            _target_cs(p),
        ),
        expected="{name!r} odsazený stejně jako {sibling!r} na řádku {sibling_line}: {right}",
        hint=lambda p: (
            f"odsaďte jej víc, pod {_target_cs(p, case='acc')} (řádek {p['target_line']})"
            if p["direction"] == "deeper"
            else f"odsaďte jej méně, ke klíčům {_target_cs(p, case='gen')} "
            f"(řádek {p['target_line']})"
        ),
    ),
    "schema.period-form": ProblemTemplate(
        "doba se zapisuje jako mapování jednotky na číslo", expected="{right}"
    ),
    "schema.period-example": ProblemTemplate(
        "doba se zapisuje jako mapování jednotky na číslo (jednotky: {units})",
        expected="například {right}",
    ),
    "schema.unknown-tag": ProblemTemplate(
        "neznámá hodnota {tag!r} klíče {key!r}",
        expected="jedna z hodnot: {choices}",
        hint=_hint_from_code,
    ),
    "schema.missing-tag": ProblemTemplate(
        "chybí klíč {key!r}", expected="jedna z hodnot: {choices}"
    ),
    "schema.label-not-mapping": ProblemTemplate(
        "popisek musí být mapování jazyků na texty",
        expected=lambda p: (
            f"mapování jazyků na texty: {p['right']}"
            if "right" in p
            else "mapování jako {cs: ..., en: ...}"
        ),
    ),
    "schema.not-identifier": ProblemTemplate(
        "{value} není platný identifikátor",
        expected="malá písmena bez diakritiky, číslice a podtržítka, na začátku písmeno",
        hint=_hint_from_code,
    ),
    "schema.not-currency": ProblemTemplate(
        "{value} není kód měny",
        expected="tři velká písmena (kód měny podle ISO 4217, například CZK nebo EUR)",
    ),
    "schema.pattern": ProblemTemplate(
        "text nemá očekávaný tvar", expected="text odpovídající vzoru {pattern}"
    ),
    "schema.not-a-choice": ProblemTemplate(
        "tato hodnota není mezi povolenými možnostmi",
        expected="jedna z hodnot: {choices}",
        hint=_hint_from_code,
    ),
    "schema.empty-text": ProblemTemplate("tento text nesmí být prázdný", expected="nějaký text"),
    "schema.text-too-long": ProblemTemplate(
        "tento text je delší než {max:plural:znak|znaky|znaků}"
    ),
    "schema.too-few-items": ProblemTemplate(
        "tento seznam potřebuje alespoň {least:plural:položku|položky|položek}",
        expected="alespoň {least:plural:položka|položky|položek}",
    ),
    "schema.too-many-items": ProblemTemplate(
        "tento seznam má víc než {max:plural:položku|položky|položek}"
    ),
    "schema.number-ge": ProblemTemplate(
        "toto číslo musí být alespoň {bound}", expected="číslo alespoň {bound}"
    ),
    "schema.number-gt": ProblemTemplate(
        "toto číslo musí být větší než {bound}", expected="číslo větší než {bound}"
    ),
    "schema.number-le": ProblemTemplate(
        "toto číslo smí být nejvýše {bound}", expected="číslo nejvýše {bound}"
    ),
    "schema.number-lt": ProblemTemplate(
        "toto číslo musí být menší než {bound}", expected="číslo menší než {bound}"
    ),
    "schema.label-empty": ProblemTemplate("popisek potřebuje alespoň jeden z textů 'cs' a 'en'"),
    "schema.min-above-max": ProblemTemplate("min ({min}) je větší než max ({max})"),
    "schema.condition-operators": ProblemTemplate(
        "podmínka na pole potřebuje právě jeden z klíčů {operators}; uvedeno: {given:or:žádný}"
    ),
    "schema.period-units": ProblemTemplate(
        "doba potřebuje právě jednu z jednotek {units}; uvedeno: {given:or:žádná}"
    ),
    "schema.anchor-one-of": ProblemTemplate(
        "lhůta se počítá buď od kroku, nebo od pole: uveďte právě jeden z klíčů 'action' a 'field'"
    ),
    "schema.deadline-target-or-limit": ProblemTemplate(
        "lhůta potřebuje cíl ('target'), limit ('limit') nebo obojí"
    ),
    "schema.variant-target-or-limit": ProblemTemplate(
        "varianta lhůty potřebuje cíl ('target'), limit ('limit') nebo obojí"
    ),
    "schema.timezone": ProblemTemplate(
        "{value} není název časového pásma podle databáze IANA (například Europe/Prague)"
    ),
    "schema.invalid": ProblemTemplate("tato hodnota není platná"),
    "schema.other": ProblemTemplate("tato hodnota neodpovídá jazyku procesu (kontrola {kind})"),
    # -- the static checks
    "duplicate-id": ProblemTemplate(
        lambda p: f"id {p['name']!r} je {_AMONG[p['kind']]} použito dvakrát",
        hint=lambda p: f"první je {_position(p, where=True)}; dejte každé položce jiné id",
    ),
    "unknown-role": ProblemTemplate(
        "neznámá role {name!r}", expected="role uvedená v souboru (v 'roles')", hint=_hint_from_code
    ),
    "unknown-phase": ProblemTemplate(
        "neznámá fáze {name!r}",
        expected="fáze uvedená v souboru (v 'phases')",
        hint=_hint_from_code,
    ),
    "unknown-artifact": ProblemTemplate(
        "neznámý dokument {name!r}",
        expected="dokument uvedený v souboru (v 'artifacts')",
        hint=_hint_from_code,
    ),
    "unknown-action": ProblemTemplate(
        "neznámý krok {name!r}",
        expected="krok uvedený v souboru (v 'actions')",
        hint=_hint_from_code,
    ),
    "unknown-guard": ProblemTemplate(
        "neznámá kontrola hostitele {name!r}",
        expected="kontrola hostitele uvedená v souboru (v 'guards')",
        hint=_hint_from_code,
    ),
    "unknown-organisation-kind": ProblemTemplate(
        "neznámý druh organizace {name!r}",
        expected="druh organizace uvedený v souboru (v 'organisation_kinds')",
        hint=_hint_from_code,
    ),
    "organisation-contradictory": ProblemTemplate(
        "role {role!r} organizace druhu {kind!r} zároveň povoluje i zakazuje",
        hint="nechte druh buď v 'kinds', nebo v 'not_kinds', ne v obou",
    ),
    "unknown-field": ProblemTemplate(
        "dokument {artifact!r} nemá pole {field!r}", hint=_hint_from_code
    ),
    "unknown-field.item": ProblemTemplate(
        "položky seznamu {list!r} dokumentu {artifact!r} nemají pole {field!r}",
        hint=_hint_from_code,
    ),
    "unknown-field.not-list": ProblemTemplate(
        "pole {field!r} dokumentu {artifact!r} je typu {type}, ne seznam, "
        "takže za tečkou nemůže být pole jeho položek",
        expected="pole typu list před tečkou",
        found="pole typu {type}",
    ),
    "condition-quantifier.missing": ProblemTemplate(
        "podmínka na {field!r} se dívá na každou položku seznamu {list!r}; "
        "řekněte, pro které položky má platit",
        expected="'for: every', 'for: any' nebo 'for: none'",
    ),
    "condition-quantifier.needless": ProblemTemplate(
        "'for: {quantifier}' potřebuje více hodnot, ale pole {field!r} dokumentu "
        "{artifact!r} má jen jednu (dokument se nevede pro každou osobu zvlášť "
        "a pole není polem položek seznamu)",
        hint="'for' vynechte, nebo uveďte pole položek jako 'seznam.pole'",
    ),
    "per-person-use.records": ProblemTemplate(
        "krok {action!r} nemůže zaznamenat dokument {artifact!r}, který se vede pro každou "
        "osobu zvlášť: krok neříká, o kom by kopie byla",
        hint="ať zapisující vloží kopii každé osoby před tímto krokem",
    ),
    "per-person-use.anchor": ProblemTemplate(
        "lhůta {deadline!r} nemůže počítat od pole dokumentu {artifact!r}, který se vede "
        "pro každou osobu zvlášť: kopie každé osoby může uvádět jiné datum",
    ),
    "per-person-use.dotted": ProblemTemplate(
        "podmínka na {field!r} se dívá do položek seznamu v dokumentu {artifact!r}, který "
        "se vede pro každou osobu zvlášť; 'for' může říct, čí kopie ji mají splnit, "
        "ale ne zároveň které položky",
    ),
    "contradictory-conditions": ProblemTemplate(
        lambda p: (
            f"tato podmínka na {p['artifact']}.{p['field']} "
            f"({_condition_words(p['second_check'], p['second_value'])}) nemůže nikdy platit "
            f"zároveň s podmínkou na místě {p['first_at']}"
            + (f", řádek {p['first_line']}" if p.get("first_line") else "")
            + f" ({_condition_words(p['first_check'], p['first_value'])})"
        ),
        hint="ponechte podmínku, kterou myslíte, a druhou odstraňte",
    ),
    "anchor-field-type": ProblemTemplate(
        "lhůtu nelze počítat od pole {field!r} typu {type}",
        expected="pole typu date nebo datetime",
        found="pole typu {type}",
    ),
    "planned-field-type": ProblemTemplate(
        "plánovaný okamžik nelze číst z pole {field!r} typu {type}",
        expected="pole typu date nebo datetime",
        found="pole typu {type}",
    ),
    "notice-moment": ProblemTemplate(
        lambda p: (
            f"lhůta {p['deadline']!r} nemá {_MOMENT_CS[p['moment']]} ({p['moment']}), "
            "od kterého by se upozornění počítalo"
        ),
        expected=lambda p: f"{_MOMENT_CS[p['other']]} ('{p['other']}'), který lhůta má",
        found="{moment}",
    ),
    "notice-repeat": ProblemTemplate(
        "upozornění zadané pomocí {given!r} se nemůže opakovat",
        expected="'after' spolu s 'repeat', nebo bez 'repeat'",
        found="{given}",
    ),
    "condition-type.min-count": ProblemTemplate(
        "min_count počítá záznamy pole typu list; {field!r} takové pole není",
        expected="pole typu list",
        found="pole typu {type}",
    ),
    "condition-type.non-empty": ProblemTemplate(
        "non_empty platí pro pole typu text a list; {field!r} není ani jedno",
        expected="pole typu text nebo list",
        found="pole typu {type}",
        hint="vyplnění pole vyžadujte podmínkou 'present: true'",
    ),
    "condition-type.value": ProblemTemplate(
        "hodnota {value} nemůže být v poli {field!r} typu {type}",
        expected=lambda p: render(_NEEDS[p["need"]], p),
    ),
    "one-initial-phase.none": ProblemTemplate(
        "žádná fáze nejvyšší úrovně není označena 'initial: true'",
        expected="právě jedna počáteční fáze nejvyšší úrovně",
        hint="označte fázi, ve které případ začíná, nejspíš {probably!r}",
    ),
    "one-initial-phase.second": ProblemTemplate(
        "fáze {phase!r} je už druhá počáteční fáze nejvyšší úrovně",
        expected="právě jedna počáteční fáze nejvyšší úrovně",
        hint="počáteční je už fáze {first!r}",
    ),
    "one-initial-subphase.none": ProblemTemplate(
        "žádná dílčí fáze uvnitř fáze {phase!r} není označena 'initial: true'",
        expected="právě jedna počáteční dílčí fáze",
        hint="označte část, kterou fáze začíná, nejspíš {probably!r}",
    ),
    "one-initial-subphase.second": ProblemTemplate(
        "{sub!r} je už druhá počáteční dílčí fáze uvnitř fáze {phase!r}",
        expected="právě jedna počáteční dílčí fáze",
    ),
    "terminal-has-subphases": ProblemTemplate(
        "koncová fáze {phase!r} má dílčí fáze",
        hint="odstraňte dílčí fáze, nebo výsledek ('outcome')",
    ),
    "terminal-has-action": ProblemTemplate(
        "krok {action!r} lze udělat v koncové fázi {phase!r}",
        hint="případ, který dospěl k výsledku, je uzavřený; krok povolte jen ve fázích před ním",
    ),
    "terminal-has-action.inside": ProblemTemplate(
        "krok {action!r} lze udělat ve fázi {phase!r}, která obsahuje koncové fáze {terminal}",
        hint="případ, který dospěl k výsledku, je uzavřený; krok povolte jen ve fázích před ním",
    ),
    "suspension-phase.nested": ProblemTemplate(
        "fáze pozastavení {phase!r} je uvnitř složené fáze {parent!r}",
        hint="přesuňte ji na nejvyšší úroveň seznamu 'phases'",
    ),
    "suspension-phase.compound": ProblemTemplate(
        "fáze pozastavení {phase!r} má dílčí fáze",
        hint="pozastavený případ čeká v jediné fázi: dílčí fáze odstraňte",
    ),
    "suspension-phase.initial": ProblemTemplate(
        "fáze pozastavení {phase!r} je počáteční fází",
        hint="případ začíná v běžné fázi; pozastavit ho může jen krok",
    ),
    "suspension-phase.outcome": ProblemTemplate(
        "fáze pozastavení {phase!r} má výsledek",
        hint="pozastavený případ je stále otevřený: uzavřete ho krokem do koncové fáze",
    ),
    "suspension-without-resume": ProblemTemplate(
        "z fáze pozastavení {phase!r} nevede žádný krok s 'resume: true'",
        hint="přidejte krok s 'from: [{phase}]' a 'resume: true'",
    ),
    "resume-misplaced.to": ProblemTemplate(
        "krok obnovení {action!r} uvádí 'to: {to}'",
        hint="'to' odstraňte: obnovení vrací případ do fáze, ze které byl pozastaven",
    ),
    "resume-misplaced": ProblemTemplate(
        "krok obnovení {action!r} lze udělat ve fázi {phase!r}, která není fází pozastavení",
        expected="fáze se 'suspension'",
        hint="kroky obnovení povolte jen z fází pozastavení",
    ),
    "suspend-from-suspension": ProblemTemplate(
        "krok {action!r} pozastavuje případ znovu, a to z fáze pozastavení {phase!r}",
        hint="případ nejprve obnovte, nebo krok veďte do jiné fáze",
    ),
    "unreachable-phase": ProblemTemplate(
        "do fáze {phase!r} nevede z počáteční fáze žádná posloupnost kroků",
        hint="přidejte krok s 'to: {phase}', nebo fázi odstraňte",
    ),
    "dead-end-phase": ProblemTemplate(
        "případ ve fázi {phase!r} se nikdy nemůže dostat k výsledku",
        hint="přidejte krok z této fáze (nebo z fáze, která ji obsahuje), který vede dál",
    ),
    "dead-end-phase.no-outcome": ProblemTemplate(
        "žádná fáze nemá výsledek, takže žádný případ nemůže nikdy skončit",
        hint="dejte koncovým fázím výsledek ('outcome')",
    ),
    "action-nobody-present": ProblemTemplate(
        "krok {action!r} smí udělat jen role {roles}, ta ale ve fázi {phase!r} přítomna není",
        expected="{roles} přítomná nebo na zavolání",
        found="přítomni: {present:or:nikdo}",
    ),
    "action-nobody-present.several": ProblemTemplate(
        "krok {action!r} smějí udělat jen role {roles}, žádná z nich ale ve fázi {phase!r} "
        "přítomna není",
        expected="jedna z rolí {roles} přítomná nebo na zavolání",
        found="přítomni: {present:or:nikdo}",
    ),
    "personal-subject.in-list": ProblemTemplate(
        "pole {field!r} leží uvnitř seznamu dokumentu {artifact!r}; osobním údajem "
        "může být jen pole na nejvyšší úrovni",
        hint="jako osobní označte celé pole seznamu",
    ),
    "personal-subject.count": ProblemTemplate(
        "osobní pole {field!r} dokumentu {artifact!r} musí určit právě jeden subjekt údajů",
        expected="právě jedno z 'subject' (role) a 'subject_field' (pole s osobou)",
    ),
    "personal-subject.field": ProblemTemplate(
        "subjektem údajů pole {field!r} je {subject_field!r}, což není pole s osobou "
        "v dokumentu {artifact!r}",
        expected="pole s osobou na nejvyšší úrovni dokumentu {artifact!r}",
        found="{subject_field!r}",
    ),
    "retention-outcome": ProblemTemplate(
        "doba uchování je uvedena pro výsledek {outcome!r}, který žádná fáze nemá",
        expected="jeden z výsledků {outcomes}",
        found="{outcome!r}",
    ),
    "replacer-never-present": ProblemTemplate(
        "role {replacer!r} smí předat roli {role!r}, není ale přítomna v žádné fázi, "
        "kdy případ ještě běží",
        hint="v 'replaced_by' uveďte roli přítomnou v průběhu případu, "
        "nebo roli {replacer!r} v některé fázi uveďte mezi přítomnými",
    ),
    "opener-not-present": ProblemTemplate(
        "role {opener!r}, která zakládá případ, není přítomna v počáteční fázi {phase!r}",
        expected="{opener!r} mezi rolemi přítomnými ve fázi {phase!r}",
        found="přítomni: {present:or:nikdo}",
    ),
    "on-call-and-present": ProblemTemplate(
        "role {role!r} je ve fázi {phase!r} na zavolání, a zároveň přítomná",
        hint="odstraňte {role!r} buď z 'present', nebo z 'on_call'",
    ),
    "on-call-and-present.inherited": ProblemTemplate(
        "role {role!r} je ve fázi {phase!r} na zavolání, a zároveň přítomná",
        hint="fáze nemá vlastní 'present', takže jej přebírá od nadřazené fáze (nebo jsou "
        "přítomny všechny role): vyjmenujte přítomné role výslovně",
    ),
    "artifact-unavailable": ProblemTemplate(
        "krok {action!r} vyžaduje dokument {artifact!r}, ten ale nelze zapsat ani zaznamenat "
        "v žádné fázi před tímto krokem",
        hint="zapisují jej: {writers:or:nikdo}; zařiďte, aby některá z těchto rolí byla "
        "přítomna ve fázi před krokem (a dokument tam šel zapisovat), nebo jej zaznamenejte "
        "dřívějším krokem",
    ),
    "deadline-unsatisfiable": ProblemTemplate(
        "žádný krok, který splní lhůtu {deadline!r}, nelze udělat po jejím začátku",
        expected="v satisfied_by krok, který může následovat po začátku lhůty",
    ),
    "deadline-unsatisfiable.within": ProblemTemplate(
        "žádný krok, který splní lhůtu {deadline!r}, nelze udělat ve fázích lhůty po jejím začátku",
        expected="v satisfied_by krok, který může následovat po začátku lhůty",
    ),
    "deadline-never-runs": ProblemTemplate(
        "to, od čeho se lhůta {deadline!r} počítá, nemůže nikdy nastat, takže lhůta nikdy "
        "nezačne běžet"
    ),
    "read-fields-overlap": ProblemTemplate(
        "role {role!r} je v {where} dokumentu {artifact!r} a zároveň v jeho read_fields",
        hint="uveďte {role!r} jen na jednom místě: v read (celý dokument), "
        "nebo v read_fields (jen některá pole)",
    ),
    "exclusive-self": ProblemTemplate(
        "role {role!r} se vylučuje sama se sebou",
        hint="uveďte jinou roli, kterou tentýž člověk nesmí zastávat",
    ),
    "exclusive-asymmetric": ProblemTemplate(
        "role {role!r} se vylučuje s rolí {other!r}, ale {other!r} neuvádí {role!r}",
        hint=lambda p: (
            f"přidejte {p['role']!r} do exclusive_with role {p['other']!r} "
            f"({_position(p, where=False)})"
        ),
    ),
    "role-unassignable": ProblemTemplate(
        "roli {role!r} nemůže nikdo nikdy dostat",
        hint="v 'assigned_by' uveďte roli, kterou lze zastávat (například {opener!r}, "
        "která zakládá případ)",
    ),
    "role-unassignable.no-assigner": ProblemTemplate(
        "roli {role!r} nemůže nikdo nikdy dostat",
        hint="role nemá 'assigned_by'; uveďte role, jejichž držitelé ji přidělují",
    ),
    "missing-translation.cs": ProblemTemplate(
        "tento popisek nemá český text", expected="český text pod klíčem 'cs'"
    ),
    "missing-translation.en": ProblemTemplate(
        "tento popisek nemá anglický text", expected="anglický text pod klíčem 'en'"
    ),
    "unused-role": ProblemTemplate(
        "role {role!r} se nikde nepoužívá",
        hint="odstraňte ji, nebo ji uveďte tam, kde se procesu účastní",
    ),
    "unused-artifact": ProblemTemplate(
        "dokument {artifact!r} nepoužívá žádný krok, žádná lhůta ani fáze"
    ),
    "unused-guard": ProblemTemplate("kontrolu hostitele {guard!r} nevyžaduje žádný krok"),
    # -- across files
    "duplicate-process": ProblemTemplate(
        "proces {id!r} ve verzi {version} je definován dvakrát: zde a v {other}",
        hint="novějšímu souboru zvyšte verzi",
    ),
    "follows-unknown-outcome": ProblemTemplate(
        "proces {process!r} ve verzi {version} nemá výsledek {outcome!r} (jeho výsledky: {known})"
    ),
    "follows-unknown-artifact": ProblemTemplate(
        "proces {process!r} ve verzi {version} nemá dokument {artifact!r}, který by šlo převzít"
    ),
    "follows-unknown-field": ProblemTemplate(
        "dokument {artifact!r} procesu {process!r} ve verzi {version} nemá pole {field!r}"
    ),
    "follows-field-type": ProblemTemplate(
        "pole {field!r} typu {type} nemůže převzít pole {other_field!r} typu {other_type} "
        "z dokumentu {artifact!r} procesu {process!r} ve verzi {version}"
    ),
    # Overlay files (`_overlay`): a provider's variant of a process.
    "overlay.base": ProblemTemplate(
        "překryv v klíči 'base' jmenuje proces, který mění",
        expected="base: {{process: case_conference, version: 2}}",
    ),
    "overlay.variant-id": ProblemTemplate(
        "id varianty je id základního procesu, '__' a vlastní název, nejvýše {limit} znaků",
        expected="id: {example}",
        hint="varianta tak nikdy nepřevezme id dodávaného procesu a nestřetne se "
        "s jeho pozdější verzí",
    ),
    "overlay.version": ProblemTemplate(
        "varianta má vlastní verzi, celé číslo od 1",
        expected="version: 1",
        hint="zvyšte ji, kdykoli se změní překryv nebo jeho základní proces",
    ),
    "overlay.unknown-base": ProblemTemplate(
        "základní proces {process!r} ve verzi {version} není načten (načtené verze: {known})",
        hint="zkontrolujte proces a verzi, které překryv jmenuje, a načtěte základní proces s ním",
    ),
    "overlay.unknown-id": ProblemTemplate(
        lambda f: (
            f"v tomto seznamu základního procesu není {f['id']!r}, "
            + ("které by šlo změnit" if f["verb"] == "change" else "které by šlo odebrat")
        ),
        hint=lambda f: (
            (f"měli jste na mysli {f['suggestion']!r}? " if f.get("suggestion") else "")
            + f"seznam obsahuje: {f['known']}"
        ),
    ),
    "overlay.add-existing": ProblemTemplate(
        "základní proces už v tomto seznamu má {id!r}",
        hint="položku změňte v 'change', nebo jí dejte jiné id",
    ),
    "overlay.twice": ProblemTemplate(
        "{id!r} je ve změnách tohoto seznamu jmenováno dvakrát (poprvé na řádku {first_line})"
    ),
    "overlay.no-id": ProblemTemplate("každá položka v {verb!r} jmenuje id"),
    "overlay.patch-key": ProblemTemplate(
        "neznámý klíč {name!r} ve změnách seznamu",
        expected="add, change nebo remove",
    ),
    "overlay.patch-not-list": ProblemTemplate("{verb!r} obsahuje seznam"),
    "overlay.list-by-id": ProblemTemplate(
        "položky tohoto seznamu mají id: měňte jej pomocí 'add', 'change' a 'remove'",
        expected="add, change nebo remove",
    ),
    "overlay.dangling": ProblemTemplate(
        "po odebrání {id!r} zůstává jeho jméno na {count:plural:místě|místech|místech}: {places}",
        hint="odeberte nebo změňte v překryvu i tato místa",
    ),
    # -- migration plans (``_migration``; the last four from the explorer's check)
    "duplicate-plan": ProblemTemplate(
        "druhý plán převodu procesu {process!r} z verze {from} na verzi {to}"
    ),
    "migration-same-version": ProblemTemplate(
        "plán převádí případy na jinou verzi, ne na tutéž verzi {version}"
    ),
    "migration-unknown-version": ProblemTemplate(
        "proces {process!r} nemá registrovanou verzi {version} (verze: {known})"
    ),
    "migration-unknown-phase": ProblemTemplate("verze {version} nemá listovou fázi {phase!r}"),
    "migration-unknown-role": ProblemTemplate("verze {version} nemá roli {role!r}"),
    "migration-role-not-mapped": ProblemTemplate(
        "role {role!r} ve verzi {version} už není: přejmenujte ji ('from' a 'to'), "
        "nebo ji zrušte ('drop: true')"
    ),
    "migration-unknown-artifact": ProblemTemplate("verze {version} nemá dokument {artifact!r}"),
    "migration-artifact-not-mapped": ProblemTemplate(
        "dokument {artifact!r} ve verzi {version} už není: přejmenujte jej ('to'), "
        "nebo jej zrušte ('drop: true')"
    ),
    "migration-unknown-field": ProblemTemplate(
        "dokument {artifact!r} ve verzi {version} nemá pole {field!r}"
    ),
    "migration-field-not-mapped": ProblemTemplate(
        "pole {field!r} dokumentu {artifact!r} ve verzi {version} už není: přejmenujte jej "
        "('field' a 'from'), nebo jej zrušte ('drop: true')"
    ),
    "migration-required-field": ProblemTemplate(
        "povinné pole {field!r} dokumentu {artifact!r} nemá ve staré verzi hodnotu: "
        "uveďte výchozí hodnotu ('default')"
    ),
    "migration-field-type": ProblemTemplate(
        "pole {other_field!r} typu {other_type} se nemůže stát polem {field!r} typu {type}"
    ),
    "migration-default-type": ProblemTemplate(
        "výchozí hodnota {value!r} se nehodí do pole {field!r} typu {type}"
    ),
    "migration-enum-value": ProblemTemplate(
        "hodnota {value!r} pole {field!r} v nové verzi není: převeďte ji ve 'values' "
        "(na novou hodnotu, nebo na null, aby pole zůstalo prázdné)"
    ),
    "migration-unknown-deadline": ProblemTemplate("verze {version} nemá lhůtu {deadline!r}"),
    "migration-deadline-not-mapped": ProblemTemplate(
        "lhůta {deadline!r} ve verzi {version} už není: převeďte ji ('to'), nebo ji zrušte "
        "('running: cancel')"
    ),
    "migration-unmapped-phase": ProblemTemplate(
        "případ se může nacházet ve fázi {phase!r} verze {version}, ale plán ji nikam nepřevádí"
    ),
    "migration-state-roles": ProblemTemplate(
        "případ ve fázi {phase!r} může mít po převodu v roli {role!r} víc lidí, "
        "než nová verze připouští (nejvýš {max})"
    ),
    "migration-state-exclusive": ProblemTemplate(
        "případ ve fázi {phase!r} může mít člověka s rolemi {role!r} a {other!r}, "
        "které se v nové verzi vylučují"
    ),
    "migration-state-assignable": ProblemTemplate(
        "případ ve fázi {phase!r} může mít někoho v roli {role!r}, kterou nová verze "
        "přiděluje až později"
    ),
    "migration-state-invariant": ProblemTemplate(
        "případ ve fázi {phase!r} by po převodu porušil vlastnost {invariant!r} nové verze"
    ),
}
"""The Czech template of every problem a process file can have, by its ``code``."""


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


def _render(part: Template | None, params: Mapping[str, str]) -> str:
    if part is None:
        raise KeyError("no template")
    return render(part, params)


def czech(
    problem: Problem, templates: Mapping[str, ProblemTemplate] = PROBLEM_TEMPLATES
) -> CzechProblem:
    """The problem's message, expected, found and hint in Czech.

    ``templates`` are the Czech templates by code; the default knows the
    problems of process files (`kwflow.authoring.SCENARIO_TEMPLATES` also
    knows those of scenario files).
    """
    template = templates.get(problem.code or "")
    params = problem.params
    missing: list[str] = []

    def part(name: str, english: str | None, own: Template | None) -> str | None:
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
    hint = part("hint", problem.hint, template.hint)
    return CzechProblem(
        message,
        part("expected", problem.expected, template.expected),
        part("found", problem.found, template.found),
        hint,
        tuple(missing),
    )


_SEVERITY_CS = {"error": "chyba", "warning": "varování"}


def problem_text(
    problem: Problem,
    lang: Language = "en",
    templates: Mapping[str, ProblemTemplate] = PROBLEM_TEMPLATES,
    *,
    for_people: bool = False,
) -> str:
    """The problem as `kwflow check` prints it, in English (``str(problem)``) or Czech.

    ``templates`` as for `czech`. With ``for_people`` (as `kwflow check`
    prints) the place is named and counted from 1 (``phase 2
    ('scheduling') → present`` instead of ``phases[1].present``), the
    reference section that describes it is linked, and the line of a
    syntax or indentation mistake is quoted on a second line.
    """
    if lang == "en" and not for_people:
        return str(problem)
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    place = (
        describe_place(problem.path, problem.params.get("place_ids", ""), lang)
        if for_people
        else problem.path
    )
    reference = problem.params.get("reference") if for_people else None
    if lang == "en":
        text = f"{where}: {problem.severity}: {problem.message}"
        if place:
            text += f" (at {place})"
        if problem.expected is not None:
            text += f"; expected {problem.expected}"
        if problem.found is not None:
            text += f", found {problem.found}"
        if problem.hint:
            text += f"; {problem.hint}"
        if reference:
            text += f"; see docs/{reference}"
    else:
        parts = czech(problem, templates)
        severity = _SEVERITY_CS.get(problem.severity, problem.severity)
        text = f"{where}: {severity}: {parts.message}"
        if place:
            text += f" (místo: {place})"
        if parts.expected is not None:
            text += f"; očekává se: {parts.expected}"
        if parts.found is not None:
            text += f"; nalezeno: {parts.found}"
        if parts.hint:
            text += f"; {parts.hint}"
        if reference:
            text += f"; viz docs/{reference}"
    text += f" [{problem.rule}]"
    return text + quoted_line(problem) if for_people else text


def quoted_line(problem: Problem) -> str:
    """The line a syntax or indentation problem is on, as a second line of output.

    Shown as ``   27 |       present: [worker]`` so its indentation can be
    seen; empty for other problems.
    """
    if "line_text" not in problem.params or not problem.params.get("line"):
        return ""
    shown = problem.params["line_text"].replace("\t", "→   ")
    return f"\n{problem.params['line']:>6} | {shown}"
