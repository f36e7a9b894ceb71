"""The Czech (and new English) words of kwflow's errors, refusal reasons and field errors.

Each text is written from an error's ``code`` and ``params`` (see
`kwflow.exceptions`), never translated from its English sentence. Errors
and reasons keep the English they always had (``str(error)``, a reason's
message), so only their Czech is here; field errors are in kwflow's own
words in both languages, so pydantic's wording never reaches a person.

This module sits beside `kwflow.exceptions`, below every layer, and imports
only `kwflow.i18n`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.i18n import Noun, render

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kwflow.i18n import Catalogue, Language

__all__ = [
    "ERRORS",
    "FIELDS",
    "REASONS",
    "TYPES",
    "VALUES",
    "error_text",
    "field_text",
    "reason_text",
    "type_text",
    "value_text",
]

_PEOPLE = Noun(cs=("osobu", "osoby", "osob"), en=("person", "people"))
_PEOPLE_SUBJECT = Noun(cs=("osoba", "osoby", "osob"), en=("person", "people"))


def _count(noun: Noun, facts: Mapping[str, str], key: str) -> str:
    return noun.counted(int(facts[key]), "cs")


# ------------------------------------------------------------------ whole errors

_UNKNOWN_NAME = {
    "action": ("neznámý úkon", "úkony"),
    "artifact": ("neznámý dokument", "dokumenty"),
    "role": ("neznámá role", "role"),
    "deadline": ("neznámá lhůta", "lhůty"),
}


def _unknown_name(facts: Mapping[str, str]) -> str:
    unknown, known = _UNKNOWN_NAME.get(facts["kind"], ("neznámý název", "názvy"))
    return render(
        f"{unknown} {{name!r}}; proces zná {known}: {{known:or:žádné}}",
        facts,
    )


_REFUSED_COMMAND = {
    "act": "úkon {action!r} teď nelze provést: {reasons}",
    "assign": "osobě {person!r} teď nelze přidělit roli {role!r}: {reasons}",
    "unassign": "osobě {person!r} teď nelze odebrat roli {role!r}: {reasons}",
    "replace": "roli {role!r} teď nelze předat od {person!r} osobě {successor!r}: {reasons}",
    "submit": "dokument {artifact!r} teď nelze uložit: {reasons}",
    "call_in": "roli {role!r} teď nelze přizvat: {reasons}",
    "dismiss": "roli {role!r} teď nelze propustit: {reasons}",
}

_NOT_PERMITTED = {
    "act": "{actor!r} nesmí provést úkon {action!r}: {reasons}",
    "assign": "{actor!r} nesmí přidělovat roli {role!r}: {reasons}",
    "unassign": "{actor!r} nesmí odebírat roli {role!r}: {reasons}",
    "replace": "{actor!r} nesmí předávat roli {role!r}: {reasons}",
    "submit": "{actor!r} nesmí zapisovat dokument {artifact!r}: {reasons}",
    "call_in": "{actor!r} nesmí přizvat roli {role!r}: {reasons}",
    "dismiss": "{actor!r} nesmí propustit roli {role!r}: {reasons}",
}


def _by_command(table: Mapping[str, str], fallback: str) -> Callable[[Mapping[str, str]], str]:
    def text(facts: Mapping[str, str]) -> str:
        template = table.get(facts.get("command", ""), fallback)
        try:
            return render(template, facts)
        except KeyError:
            return render(fallback, facts)

    return text


def _invalid_id(facts: Mapping[str, str]) -> str:
    noun = "identifikátor osoby" if facts.get("kind") == "person-id" else "identifikátor"
    says = {
        "empty": "nesmí být prázdný",
        "too-long": "smí mít nejvýš {limit:plural:znak|znaky|znaků}",
        "control-character": "nesmí obsahovat řídicí znaky (třeba NUL nebo konec řádku)",
    }.get(facts["problem"], "není platný")
    return render(f"{{what!r}} je {noun} a {says}", facts)


def _hold_conflict(facts: Mapping[str, str]) -> str:
    if facts["problem"] == "held":
        return render("případ {case_id!r} už je pod zákonnou blokací", facts)
    return render(
        "případ {case_id!r} není pod žádnou zákonnou blokací, kterou by šlo zrušit", facts
    )


def _not_due(facts: Mapping[str, str]) -> str:
    why = {
        "open": "ještě běží",
        "no-retention": "pro jeho výsledek neplatí žádná skartační lhůta, uchovává se",
        "not-yet": "jeho skartační lhůta končí {due}",
        "disposed": "už byl skartován",
    }.get(facts["problem"], "{problem}")
    return render("případ {case_id!r} ještě nelze skartovat: " + why, facts)


def _data_key(facts: Mapping[str, str]) -> str:
    if facts["problem"] == "no-ring":
        why = (
            "engine nemá sadu klíčů, kterou by chránil klíče k údajům: předejte "
            "Engine(data_keys=...) nebo úložiště s klíči"
        )
    else:
        why = "jeho uložený klíč nejde otevřít danou sadou klíčů: použijte sadu, se kterou vznikl"
    return render("osobní údaje subjektu {subject!r} v případu {case_id!r}: " + why, facts)


def _wrong_type(facts: Mapping[str, str]) -> str:
    return f"{facts['what']!r} je {type_text(facts['expected'], 'cs')}, ne {facts['found']}"


def _invalid_value(facts: Mapping[str, str]) -> str:
    return f"{facts['what']!r} musí být {value_text(facts['rule'], 'cs')}, ne {facts['value']}"


def _case_suffix(facts: Mapping[str, str]) -> str:
    return f" (případ {facts['case_id']!r})" if facts.get("case_id") else ""


def _storage_failed(facts: Mapping[str, str]) -> str:
    return "úložiště nemohlo číst nebo zapisovat; nic nebylo zapsáno napůl" + _case_suffix(facts)


def _process_not_found(facts: Mapping[str, str]) -> str:
    version = f" ve verzi {facts['version']}" if facts.get("version") else ""
    return f"proces {facts['process_id']!r}{version} není registrován"


ERRORS: Catalogue = {
    "error": {"cs": "požadavek nelze provést"},
    "definition.invalid": {
        "cs": "definice procesu má {count:plural:chybu|chyby|chyb}",
    },
    "process.not-found": {"cs": _process_not_found},
    "case.not-found": {"cs": "případ {case_id!r} neexistuje"},
    "name.unknown": {"cs": _unknown_name},
    "action.not-allowed": {
        "cs": _by_command(_REFUSED_COMMAND, "požadavek teď nelze provést: {reasons}"),
    },
    "actor.not-permitted": {
        "cs": _by_command(_NOT_PERMITTED, "{actor!r} to nesmí: {reasons}"),
    },
    "artifact.invalid": {"cs": "dokument {artifact!r} není vyplněn správně: {errors}"},
    "case.version-conflict": {
        "cs": (
            "případ {case_id!r} je už ve verzi {actual}, ne {expected}: "
            "načtěte ho znovu a rozhodněte se znovu"
        ),
    },
    "history.tampered": {
        "cs": "historie případu {case_id!r} neprošla kontrolou u události č. {sequence}",
    },
    "history.malformed-event": {
        "cs": "uloženou událost č. {sequence} případu {case_id!r} nelze přečíst",
    },
    "storage.failed": {"cs": _storage_failed},
    "storage.schema-too-new": {
        "cs": (
            "uložená data mají verzi schématu {found}, novější, než tato verze kwflow "
            "umí číst ({supported}): aktualizujte kwflow"
        ),
    },
    "history.invalid-events": {
        "cs": "události nenavazují na případ {case_id!r}; nic nebylo zapsáno",
    },
    "case.exists": {"cs": "případ {case_id!r} už existuje: zvolte jiný identifikátor"},
    "query.invalid": {"cs": "{parameter} {value!r} nelze použít: {reason}"},
    "index.out-of-date": {
        "cs": (
            "řádek případu {case_id!r} v rejstříku případů neodpovídá jeho historii "
            "({fields}): spusťte kwflow reindex"
        ),
    },
    "checkpoint.invalid": {"cs": "kontrolnímu bodu nelze věřit: {reason}"},
    "command.idempotency-conflict": {
        "cs": (
            "klíč opakování {key!r} už byl u případu {case_id!r} použit pro jiný požadavek: "
            "nový požadavek potřebuje nový klíč"
        ),
    },
    "process.changed": {
        "cs": (
            "případ {case_id!r} běží podle procesu {process_id!r} ve verzi {version} s jiným "
            "obsahem, než má zaregistrovaný soubor: zaregistrujte soubor, se kterým byl "
            "případ otevřen (změněný proces potřebuje novou verzi)"
        ),
    },
    "subject.not-found": {
        "cs": (
            "{subject!r} není subjektem údajů případu {case_id!r}: případ o této osobě "
            "nevede žádné osobní údaje a osoba se ho neúčastní; zkontrolujte identifikátor"
        ),
    },
    "subject.erased": {
        "cs": "osobní údaje subjektu {subject!r} v případu {case_id!r} už byly vymazány",
    },
    "hold.conflict": {"cs": _hold_conflict},
    "case.on-hold": {
        "cs": (
            "případ {case_id!r} je pod zákonnou blokací ({reason}): před skartací blokaci zrušte"
        ),
    },
    "disposal.not-due": {"cs": _not_due},
    "data-key.unavailable": {"cs": _data_key},
    "input.invalid-id": {"cs": _invalid_id},
    "input.wrong-type": {"cs": _wrong_type},
    "input.invalid-value": {"cs": _invalid_value},
    "input.naive-datetime": {
        "cs": (
            "{value} nemá časové pásmo: kwflow pracuje jen s datem a časem včetně časového pásma"
        ),
    },
    "guard.bad-result": {
        "cs": (
            "kontrola {guard!r} vrátila {result}; kontrola vrací True, "
            "nebo důvod odmítnutí jako text"
        ),
    },
}
"""The Czech of every error, by code; the English is the error's ``str()``."""

TYPES: Catalogue = {
    "person-id": {"cs": "identifikátor osoby (text)", "en": "a person id (a string)"},
    "id": {"cs": "identifikátor (text)", "en": "an id (a string)"},
    "int": {"cs": "celé číslo (int)", "en": "a whole number (int)"},
    "datetime": {"cs": "datum a čas (datetime)", "en": "a date and time (datetime)"},
    "callable": {"cs": "funkce (callable)", "en": "a function (callable)"},
    "timedelta": {"cs": "doba (timedelta)", "en": "a duration (timedelta)"},
    "command": {
        "cs": "záznam příkazu (OpenCase, Act...)",
        "en": "a command record (OpenCase, Act...)",
    },
}
"""What a `kwflow.exceptions.WrongType` expected, by the type's name."""

VALUES: Catalogue = {
    "non-negative": {"cs": "celé číslo 0 nebo větší", "en": "a whole number, 0 or more"},
    "positive": {"cs": "celé číslo 1 nebo větší", "en": "a whole number, 1 or more"},
    "non-blank": {"cs": "text, který není prázdný", "en": "a text that is not blank"},
    "reason-length": {"cs": "text o nejvýš 500 znacích", "en": "a text of at most 500 characters"},
}
"""The rules of `kwflow.exceptions.InvalidValue`, by name."""


def type_text(name: str, lang: Language) -> str:
    """What a type is called, for a person (``int``: a whole number)."""
    entry = TYPES.get(name)
    return render(entry[lang], {}) if entry is not None else name


def value_text(rule: str, lang: Language) -> str:
    """What a value must be under ``rule``, for a person."""
    entry = VALUES.get(rule)
    return render(entry[lang], {}) if entry is not None else rule


def error_text(code: str, facts: Mapping[str, str], lang: Language) -> str:
    """The message of an error of ``code`` in ``lang``, from its facts.

    A code without an entry (a new error class whose Czech is not written
    yet) says in Czech that the request could not be carried out, and names
    the code, rather than fall back to English.
    """
    entry = ERRORS.get(code)
    template = entry.get(lang) if entry is not None else None
    if template is None:
        return f"požadavek nelze provést (chyba {code})"
    return render(template, facts)


# ------------------------------------------------------------------ refusal reasons


def _not_present(facts: Mapping[str, str]) -> str:
    as_roles = f" jako {facts['roles']}" if facts.get("roles") else ""
    text = f"{facts['person']!r} není ve fázi {facts['phase']!r} přítomen{as_roles}"
    if facts.get("waiting"):
        text += f" (nejdřív je třeba přizvat {facts['waiting']})"
    if "present" in facts:
        text += f"; přítomni jsou: {facts['present'] or 'nikdo'}"
    return text


_CONDITIONS = {
    "equals": "se musí rovnat {value}",
    "one_of": "musí být jedna z hodnot {value}",
    "present": "musí mít hodnotu",
    "absent": "nesmí mít hodnotu",
    "non_empty": "nesmí být prázdné",
    "empty": "musí být prázdné",
    "min_count": "musí mít alespoň {value:plural:záznam|záznamy|záznamů}",
}


def _field_condition(facts: Mapping[str, str]) -> str:
    needs = render(_CONDITIONS.get(facts.get("check", ""), "nesplňuje podmínku"), facts)
    text = f"pole {facts['field']!r} dokumentu {facts['artifact']!r} {needs}"
    if facts.get("no_version") == "true":
        text += f" (dokument {facts['artifact']!r} zatím nemá žádnou verzi)"
    return text


def _guard_refused(facts: Mapping[str, str]) -> str:
    text = f"kontrola {facts['guard']!r} to nedovolila"
    # The guard's own words: in Czech when it gave them so, else as the host wrote them.
    words = facts.get("text_cs") or facts.get("text")
    return f"{text}: {words}" if words else text


def _role_full(facts: Mapping[str, str]) -> str:
    return (
        f"roli {facts['role']!r} smí mít nejvýš {_count(_PEOPLE_SUBJECT, facts, 'max')} "
        f"a mají ji {facts['holders']}"
    )


def _role_minimum(facts: Mapping[str, str]) -> str:
    return (
        f"roli {facts['role']!r} musí mít alespoň {_count(_PEOPLE_SUBJECT, facts, 'min')}; "
        "nejdřív ji přidělte někomu dalšímu"
    )


def _role_not_assigned(facts: Mapping[str, str]) -> str:
    return f"role {facts['role']!r} potřebuje alespoň {_count(_PEOPLE, facts, 'needed')}"


REASONS: Catalogue = {
    "closed": {"cs": "případ je uzavřen s výsledkem {outcome!r}; nic dalšího se už nestane"},
    "wrong_phase": {"cs": "provádí se ve fázi {phases}; případ je ve fázi {phase!r}"},
    "lacks_role": {"cs": "potřebuje jednu z rolí {roles}; {person!r} má {held:or:žádnou roli}"},
    "not_present": {"cs": _not_present},
    "already_taken": {
        "cs": "ve fázi {phase!r} už byl proveden a smí se tam provést jen jednou",
    },
    "missing_artifact": {"cs": "chybí dokument {artifact!r}"},
    "field_condition": {"cs": _field_condition},
    "role_not_assigned": {"cs": _role_not_assigned},
    "guard_refused": {"cs": _guard_refused},
    "guard_not_registered": {
        "cs": "kontrola {guard!r} není v aplikaci zaregistrována",
    },
    "already_holds": {"cs": "{person!r} už má roli {role!r}"},
    "role_full": {"cs": _role_full},
    "exclusive_roles": {
        "cs": "{person!r} má roli {roles}, kterou nelze mít zároveň s rolí {role!r}",
    },
    "not_holding": {"cs": "{person!r} nemá roli {role!r}"},
    "not_replaceable": {
        "cs": "roli {role!r} proces nedovoluje nikomu předat (nemá 'replaced_by')",
    },
    "role_minimum": {"cs": _role_minimum},
    "not_writable": {
        "cs": "fáze {phase!r} nedovoluje zapisovat {artifact!r}; dovoluje {writable:or:nic}",
    },
    "not_on_call": {
        "cs": (
            "role {role!r} není ve fázi {phase!r} na zavolání; na zavolání jsou: "
            "{on_call:or:žádné role}"
        ),
    },
    "already_called_in": {"cs": "role {role!r} už je přizvána"},
    "nobody_holds": {"cs": "roli {role!r} v tomto případu nikdo nemá"},
    "not_called_in": {"cs": "role {role!r} není přizvána"},
    "takes_no_data": {
        "cs": "nezaznamenává žádný dokument, a tak nepřijímá žádná data (zadejte 'data=None')",
    },
    "no_move": {"cs": "proces nemá přechod {action!r} z fáze {phase!r}"},
}
"""The Czech of every refusal reason, by `kwflow.exceptions.ReasonCode`."""


def reason_text(code: str, facts: Mapping[str, str], lang: Language, message: str) -> str:
    """A refusal reason in ``lang``; a host's own reason (``other``) is its own text."""
    entry = REASONS.get(code)
    template = entry.get(lang) if entry is not None else None
    if template is None:
        return message
    return render(template, facts)


# ------------------------------------------------------------------ field errors

FIELDS: Catalogue = {
    "field.missing": {"cs": "hodnota je povinná", "en": "a value is required"},
    "field.unknown": {"cs": "takové pole neexistuje", "en": "there is no such field"},
    "field.not-text": {"cs": "očekává se text", "en": "expected text"},
    "field.not-bool": {
        "cs": "očekává se ano, nebo ne (true/false)",
        "en": "expected true or false",
    },
    "field.not-integer": {"cs": "očekává se celé číslo", "en": "expected a whole number"},
    "field.not-object": {
        "cs": "očekává se objekt s hodnotami polí",
        "en": "expected an object mapping field ids to values",
    },
    "field.not-list": {"cs": "očekává se seznam záznamů", "en": "expected a list of records"},
    "field.too-long": {
        "cs": "smí mít nejvýš {max:plural:znak|znaky|znaků}",
        "en": "may have at most {max:plural:character|characters}",
    },
    "field.empty": {"cs": "nesmí být prázdné", "en": "must not be empty"},
    "field.blank": {"cs": "nesmí být prázdné", "en": "must not be blank"},
    "field.too-few": {
        "cs": "potřebuje alespoň {min:plural:záznam|záznamy|záznamů}",
        "en": "needs at least {min:plural:record|records}",
    },
    "field.too-small": {"cs": "musí být alespoň {min}", "en": "must be at least {min}"},
    "field.too-large": {"cs": "smí být nejvýš {max}", "en": "must be at most {max}"},
    "field.not-allowed-value": {
        "cs": "musí být jedna z hodnot {allowed}",
        "en": "must be one of {allowed}",
    },
    "field.not-date": {
        "cs": "očekává se datum, například 2026-10-27",
        "en": "expected a date such as 2026-10-27",
    },
    "field.date-with-time": {
        "cs": "očekává se datum bez denní doby",
        "en": "expected a date without a time of day",
    },
    "field.not-datetime": {
        "cs": "očekává se datum a čas, například 2026-10-27T09:00:00+01:00",
        "en": "expected a date and time such as 2026-10-27T09:00:00+01:00",
    },
    "field.naive-datetime": {
        "cs": "datum a čas potřebuje časové pásmo (posun, například +01:00)",
        "en": "the date and time needs a timezone (an offset such as +01:00)",
    },
    "field.not-money": {
        "cs": (
            "očekává se částka jako Decimal, celé číslo nebo text, například '1000.50' "
            "(ne float, který neudrží každou částku přesně)"
        ),
        "en": (
            "expected an amount as a Decimal, a whole number or text such as '1000.50' "
            "(not a float, which cannot hold every amount exactly)"
        ),
    },
    "field.money-too-large": {"cs": "částka je příliš velká", "en": "the amount is too large"},
    "field.money-precision": {
        "cs": "částka má nejvýš dvě desetinná místa",
        "en": "an amount has at most two decimal places",
    },
    "field.not-participant": {
        "cs": "{person!r} se případu neúčastní",
        "en": lambda facts: f"{facts['person']!r} is not taking part in the case",
    },
    "field.lacks-role": {
        "cs": "{person!r} nemá žádnou z rolí {roles}",
        "en": lambda facts: f"{facts['person']!r} holds none of the roles {facts['roles']}",
    },
    "field.invalid": {"cs": "hodnota není platná", "en": "the value is not valid"},
}
"""Every field error, in both languages, by code (see `kwflow.exceptions.FieldError`)."""


def field_text(code: str, facts: Mapping[str, str], lang: Language) -> str:
    """What is wrong with a field, in ``lang``; an unknown code reads as an invalid value."""
    entry = FIELDS.get(code) or FIELDS["field.invalid"]
    return render(entry[lang], facts)
