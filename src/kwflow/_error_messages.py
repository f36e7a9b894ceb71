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
    "DETAILS",
    "ERRORS",
    "FIELDS",
    "REASONS",
    "TYPES",
    "VALUES",
    "detail_text",
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
    "open": "případ procesu {process!r} teď nelze otevřít: {reasons}",
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
    "read": "{actor!r} nesmí číst případ {case_id!r}: {reasons}",
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


def _case_disposed(facts: Mapping[str, str]) -> str:
    when = " dne {disposed_at}" if facts.get("disposed_at") else ""
    return render(
        "případ {case_id!r} byl" + when + " skartován: jeho historie a dokumenty jsou pryč, "
        "zbývá jen záznam o skartaci (Engine.disposal_record)",
        facts,
    )


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


def _with_reason(head: str) -> Callable[[Mapping[str, str]], str]:
    """A message that ends with the error's reason, when it has one in this language."""

    def text(facts: Mapping[str, str]) -> str:
        said = render(head, facts)
        reason = facts.get("reason")
        return f"{said}: {reason}" if reason else said

    return text


_RECORDS = {"event": "uloženou událost", "case": "uložený případ"}


def _malformed_record(facts: Mapping[str, str]) -> str:
    what = _RECORDS.get(facts.get("what", ""), "uložená data")
    return f"{what} nelze přečíst: data nemají tvar, který kwflow zapisuje"


_READ_ONLY = {
    "event-data": "data události nelze měnit: události jsou neměnné",
    "frozen-map": "FrozenMap nelze měnit; vytvořte novou",
    "calendar": "pracovní kalendář (WorkingDayCalendar) nelze měnit",
    "reason": "důvod (Reason) nelze měnit",
}


def _read_only(facts: Mapping[str, str]) -> str:
    text = _READ_ONLY.get(facts.get("what", ""), "tento objekt nelze měnit")
    return f"{text} (atribut {facts['attribute']!r})" if facts.get("attribute") else text


def _files_missing(facts: Mapping[str, str]) -> str:
    if facts.get("shipped") == "true":
        return f"soubory procesů dodávané s kwflow chybí ({facts['path']}): přeinstalujte kwflow"
    return f"soubor ani adresář {facts['path']} neexistuje"


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
        "cs": _with_reason(
            "historie případu {case_id!r} neprošla kontrolou u události č. {sequence}"
        ),
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
    "query.invalid": {"cs": _with_reason("{parameter} {value!r} nelze použít")},
    "index.out-of-date": {
        "cs": (
            "řádek případu {case_id!r} v rejstříku případů neodpovídá jeho historii "
            "({fields}): spusťte kwflow reindex"
        ),
    },
    "checkpoint.invalid": {"cs": _with_reason("kontrolnímu bodu nelze věřit")},
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
            "případ {case_id!r} je pod zákonnou blokací ({hold_reason}): "
            "před skartací blokaci zrušte"
        ),
    },
    "disposal.not-due": {"cs": _not_due},
    "case.disposed": {"cs": _case_disposed},
    "data-key.unavailable": {"cs": _data_key},
    "input.invalid-id": {"cs": _invalid_id},
    "input.wrong-type": {"cs": _wrong_type},
    "input.invalid-value": {"cs": _invalid_value},
    "input.naive-datetime": {
        "cs": (
            "{value} nemá časové pásmo: kwflow pracuje jen s datem a časem včetně časového pásma"
        ),
    },
    "follow-up.earlier-not-found": {
        "cs": "případ {earlier_case!r}, na který má nový případ navázat, neexistuje",
    },
    "follow-up.not-declared": {
        "cs": (
            "případ procesu {process_id!r} nemůže navázat na případ {earlier_case!r}: proces "
            "v 'follows' neuvádí, že navazuje na případy procesu {earlier_process!r}"
        ),
    },
    "follow-up.earlier-open": {
        "cs": (
            "případ {earlier_case!r} ještě běží: navazující případ lze otevřít, až skončí "
            "jedním z výsledků {outcomes}"
        ),
    },
    "follow-up.earlier-outcome": {
        "cs": (
            "případ {earlier_case!r} skončil výsledkem {outcome!r}; navazující případ "
            "potřebuje, aby skončil jedním z výsledků {outcomes}"
        ),
    },
    "follow-up.not-in-earlier-case": {
        "cs": (
            "{person!r} se případu {earlier_case!r} neúčastnil(a): navazující případ, který "
            "přebírá jeho dokumenty, smí otevřít jen držitel některé role v původním případu"
        ),
    },
    "follow-up.carry-over-invalid": {
        "cs": (
            "dokument {from_artifact!r} z případu {earlier_case!r} nelze převzít jako "
            "{artifact!r}: {errors}"
        ),
    },
    "keys.invalid": {"cs": _with_reason("klíče nelze použít")},
    "store.no-keys": {
        "cs": "úložiště nemá žádné klíče, a tak nemůže zapečetit hlavy případů",
    },
    "record.malformed": {"cs": _malformed_record},
    "object.read-only": {"cs": _read_only},
    "calendar.exists": {
        "cs": (
            "kalendář {calendar_id!r} už je zaregistrován: chcete-li ho nahradit, "
            "předejte replace=True"
        ),
    },
    "calendar.out-of-range": {
        "cs": (
            "{days:plural:pracovní den|pracovní dny|pracovních dnů} od {day} vychází mimo "
            "roky {first}-{last}"
        ),
    },
    "definition.files-missing": {"cs": _files_missing},
    "diagram.graphviz-failed": {
        "cs": "program Graphviz ('dot') skončil chybou (návratový kód {exit_code})",
    },
    "testing.invalid-trace": {"cs": _with_reason("stopu nelze provést")},
    "guard.bad-result": {
        "cs": (
            "kontrola {guard!r} vrátila {result}; kontrola vrací True, "
            "nebo důvod odmítnutí jako text"
        ),
    },
    # -- migration of running cases (docs/migration.md)
    "migration.no-plan": {
        "cs": (
            "případ {case_id!r} nelze převést: žádný plán nepřevádí případy procesu "
            "{process_id!r} z verze {from_version} na verzi {to_version}"
        ),
    },
    "migration.refused": {
        "cs": _with_reason("případ {case_id!r} nelze převést na verzi {to_version}"),
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
    "date": {"cs": "datum (date, ne datetime)", "en": "a date (a date, not a datetime)"},
    "calendar": {
        "cs": "pracovní kalendář (WorkingDayCalendar)",
        "en": "a working-day calendar (WorkingDayCalendar)",
    },
    "ed25519-private-key": {
        "cs": "soukromý klíč Ed25519",
        "en": "an Ed25519 private key",
    },
    "ed25519-public-key": {"cs": "veřejný klíč Ed25519", "en": "an Ed25519 public key"},
}
"""What a `kwflow.exceptions.WrongType` expected, by the type's name."""

VALUES: Catalogue = {
    "non-negative": {"cs": "celé číslo 0 nebo větší", "en": "a whole number, 0 or more"},
    "positive": {"cs": "celé číslo 1 nebo větší", "en": "a whole number, 1 or more"},
    "non-blank": {"cs": "text, který není prázdný", "en": "a text that is not blank"},
    "reason-length": {"cs": "text o nejvýš 500 znacích", "en": "a text of at most 500 characters"},
    "calendar-id": {
        "cs": "malá písmena, číslice a podtržítka, na začátku písmeno",
        "en": "lower-case letters, digits and underscores, starting with a letter",
    },
    "weekdays": {
        "cs": "čísla dnů v týdnu od 0 (pondělí) do 6 (neděle)",
        "en": "day numbers from 0 (Monday) to 6 (Sunday)",
    },
    "not-every-day": {
        "cs": "méně než všech sedm dnů (jinak nezbude žádný pracovní den)",
        "en": "fewer than all seven days (else no working day is left)",
    },
    "not-also-closed": {
        "cs": "dny, které nejsou zároveň mezi dny navíc zavřenými",
        "en": "days that are not extra closed days too",
    },
    "calendar-year": {"cs": "rok od 1 do 9999", "en": "a year from 1 to 9999"},
    "working-day-for-zero": {
        "cs": (
            "pracovní den, když se počítá 0 pracovních dnů "
            "(jinak použijte next_working_day nebo previous_working_day)"
        ),
        "en": (
            "a working day when counting 0 working days "
            "(else use next_working_day or previous_working_day)"
        ),
    },
    "direction": {"cs": "'after', nebo 'before'", "en": "'after' or 'before'"},
    "datetime-anchor": {
        "cs": "datum a čas (datetime), když se počítají minuty nebo hodiny",
        "en": "a date and time (datetime) when counting minutes or hours",
    },
    "timezone": {
        "cs": "název časového pásma IANA, například Europe/Prague",
        "en": "an IANA timezone name such as Europe/Prague",
    },
    "holidays-country": {
        "cs": "země (a její oblast), jejíž svátky balíček holidays zná",
        "en": "a country (and subdivision) whose holidays the holidays package knows",
    },
    "holidays-language": {
        "cs": "jazyk, ve kterém balíček holidays zná názvy svátků té země",
        "en": "a language the holidays package has the country's holiday names in",
    },
    "sqlite-synchronous": {
        "cs": "'FULL', 'NORMAL', nebo 'EXTRA'",
        "en": "'FULL', 'NORMAL' or 'EXTRA'",
    },
    "read-log-mode": {
        "cs": "'on' (nebo True), 'durable', nebo 'off' (nebo False)",
        "en": "'on' (or True), 'durable', or 'off' (or False)",
    },
    "sql-identifier": {
        "cs": "prostý identifikátor (písmena, číslice, podtržítko; nejvýš 63 znaků)",
        "en": "a plain identifier (letters, digits, underscore; at most 63 characters)",
    },
    "schema-versions": {
        "cs": "příkazy pro každou verzi schématu od 1 po nejnovější, žádné prázdné",
        "en": "statements for each schema version from 1 to the newest, none empty",
    },
    "scenario-step": {
        "cs": "příkaz, který může být krokem scénáře (ne OpenCase)",
        "en": "a command a scenario step can hold (not OpenCase)",
    },
    "process-artifact": {"cs": "dokument procesu", "en": "an artifact of the process"},
    "fills-person-fields": {
        "cs": "lidé, z nichž lze vyplnit každé povinné pole s osobou v dokumentu",
        "en": "people who can fill every required person field of the artifact",
    },
    "phase-count": {"cs": "celé číslo od 1 do 8", "en": "a whole number from 1 to 8"},
    "follow-up-process": {
        "cs": "proces navazujícího případu (viz follow_up_processes)",
        "en": "the follow-up's process (see follow_up_processes)",
    },
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


# ------------------------------------------------------------------ reasons of errors

_HEAD_SUFFIX = {
    "en": ": its events may have been rolled back, cut short or rewritten",
    "cs": ": jeho události mohly být vráceny zpět, useknuty nebo přepsány",
}

DETAILS: Mapping[str, Catalogue] = {
    "history.tampered": {
        "other-case": {
            "en": "event belongs to case {other!r}",
            "cs": "událost patří k případu {other!r}",
        },
        "out-of-order": {
            "en": (
                "expected event {expected}, found event {found} (an event was removed or inserted)"
            ),
            "cs": "čekala se událost č. {expected}, je tam č. {found} (událost chybí nebo přibyla)",
        },
        "broken-link": {
            "en": "does not link to the event before it",
            "cs": "nenavazuje na událost před sebou",
        },
        "hash-mismatch": {
            "en": "content does not match its hash",
            "cs": "obsah neodpovídá jejímu otisku (hash)",
        },
        "event-missing": {"en": "the event is missing", "cs": "událost chybí"},
        "events-removed": {
            "en": (
                "the case is at version {version} but its events end at {last} "
                "(events were removed)"
            ),
            "cs": (
                "případ je ve verzi {version}, ale jeho události končí č. {last} "
                "(události byly odstraněny)"
            ),
        },
        "event-inserted": {
            "en": ("the case is at version {version} but events follow it (an event was inserted)"),
            "cs": "případ je ve verzi {version}, ale následují další události (jedna byla vložena)",
        },
        "head-hash": {
            "en": "does not match the hash recorded for the case's head",
            "cs": "neodpovídá otisku zapsanému u hlavy případu",
        },
        "head-unsealed": {
            "en": "the case's recorded head (version {version}) carries no MAC "
            "(written without the key)" + _HEAD_SUFFIX["en"],
            "cs": "zapsaná hlava případu (verze {version}) nemá podpis MAC "
            "(byla zapsána bez klíče)" + _HEAD_SUFFIX["cs"],
        },
        "head-unknown-key": {
            "en": "the case's recorded head (version {version}) is authenticated with key "
            "{key_id!r}, which is not in the key ring" + _HEAD_SUFFIX["en"],
            "cs": "zapsaná hlava případu (verze {version}) je podepsána klíčem {key_id!r}, "
            "který ve svazku klíčů není" + _HEAD_SUFFIX["cs"],
        },
        "head-mac-mismatch": {
            "en": "the case's recorded head (version {version}) does not match its MAC "
            "(it was written or changed without the key)" + _HEAD_SUFFIX["en"],
            "cs": "zapsaná hlava případu (verze {version}) neodpovídá svému podpisu MAC "
            "(byla zapsána nebo změněna bez klíče)" + _HEAD_SUFFIX["cs"],
        },
        "not-opened": {
            "en": "a case's history starts with its case_opened event",
            "cs": "historie případu musí začínat jeho událostí case_opened",
        },
        "snapshot-differs": {
            "en": "the stored snapshot differs from the case replayed from its events",
            "cs": "uložený snímek se liší od případu přehraného z jeho událostí",
        },
        "idempotency-version": {
            "en": "an idempotency key names a version the case does not have",
            "cs": "klíč opakování odkazuje na verzi, kterou případ nemá",
        },
        "vanished": {
            "en": "the case has vanished: the checkpoint of {when} saw it at version {version}",
            "cs": "případ zmizel: kontrolní bod z {when} ho viděl ve verzi {version}",
        },
        "rolled-back": {
            "en": (
                "the case is at version {version} but the checkpoint of {when} saw "
                "version {seen}: its last events were removed (rolled back or cut short)"
            ),
            "cs": (
                "případ je ve verzi {version}, ale kontrolní bod z {when} viděl verzi {seen}: "
                "jeho poslední události byly odstraněny (vráceny zpět nebo useknuty)"
            ),
        },
        "rewritten": {
            "en": (
                "is not the event the checkpoint of {when} saw: the history up to it was rewritten"
            ),
            "cs": (
                "není událost, kterou viděl kontrolní bod z {when}: historie až po ni byla přepsána"
            ),
        },
        # The disposal record of a disposed case (store/_disposal.py).
        "disposal-record-missing": {
            "en": "the case is marked disposed of, but its disposal record is missing",
            "cs": "případ je označen jako skartovaný, ale jeho záznam o skartaci chybí",
        },
        "disposal-record-mac-mismatch": {
            "en": "the disposal record does not match its MAC "
            "(it was written or changed without the key)",
            "cs": "záznam o skartaci neodpovídá svému podpisu MAC "
            "(byl zapsán nebo změněn bez klíče)",
        },
        "disposal-record-differs": {
            "en": "the disposal record does not match the case's recorded head (version {version})",
            "cs": "záznam o skartaci neodpovídá zapsané hlavě případu (verze {version})",
        },
        "disposal-record-malformed": {
            "en": "the disposal record cannot be read",
            "cs": "záznam o skartaci nelze přečíst",
        },
    },
    "checkpoint.invalid": {
        "unfinished": {
            "en": "the text ends inside a checkpoint (no signature line)",
            "cs": "text končí uprostřed kontrolního bodu (chybí řádek s podpisem)",
        },
        "none": {
            "en": "the text holds no checkpoint",
            "cs": "text neobsahuje žádný kontrolní bod",
        },
        "missing-line": {
            "en": "expected a {name!r} line, found {found!r}",
            "cs": "čekal se řádek {name!r}, je tam {found!r}",
        },
        "bad-start": {
            "en": "a checkpoint starts with {magic!r}",
            "cs": "kontrolní bod začíná textem {magic!r}",
        },
        "bad-signature": {
            "en": (
                "the checkpoint's signature does not verify with this public key "
                "(the text was changed, or it was signed with another key)"
            ),
            "cs": (
                "podpis kontrolního bodu neodpovídá tomuto veřejnému klíči "
                "(text byl změněn, nebo ho podepsal jiný klíč)"
            ),
        },
        "malformed": {
            "en": "malformed checkpoint: {detail}",
            "cs": "kontrolní bod je poškozený",
        },
        "count-mismatch": {
            "en": "the checkpoint says {count} cases but lists {listed}",
            "cs": (
                "kontrolní bod uvádí {count:plural:případ|případy|případů}, "
                "ale vypisuje jich {listed}"
            ),
        },
        "root-mismatch": {
            "en": "the checkpoint's root does not match its list of cases",
            "cs": "kořen kontrolního bodu neodpovídá jeho seznamu případů",
        },
    },
    "query.invalid": {
        "not-a-cursor": {
            "en": "not a cursor kwflow gave (CaseSummary.cursor)",
            "cs": "není to kurzor, který kwflow vydal (CaseSummary.cursor)",
        },
        "cursor-out-of-range": {
            "en": "the cursor's time is out of range",
            "cs": "čas v kurzoru je mimo rozsah",
        },
        "not-datetime": {"en": "must be a datetime", "cs": "musí to být datum a čas (datetime)"},
        "naive": {
            "en": "must be timezone-aware (a naive time means no moment)",
            "cs": "musí mít časové pásmo (čas bez pásma neurčuje okamžik)",
        },
        "not-text": {"en": "must be a non-empty string", "cs": "musí to být neprázdný text"},
        "limit": {
            "en": "must be a whole number from 1 to {max}",
            "cs": "musí to být celé číslo od 1 do {max}",
        },
        "open": {
            "en": "must be True, False or None",
            "cs": "musí to být 'True', 'False', nebo 'None'",
        },
        "within": {
            "en": "must be a timedelta of zero or more, or None",
            "cs": "musí to být doba (timedelta) 0 nebo delší, případně 'None'",
        },
    },
    "keys.invalid": {
        "empty-ring": {
            "en": "a key ring needs at least one key",
            "cs": "svazek klíčů potřebuje alespoň jeden klíč",
        },
        "bad-key-id": {
            "en": "key id {key_id!r} is not letters, digits, '.', '_' or '-'",
            "cs": "identifikátor klíče {key_id!r} smí mít jen písmena, číslice, '.', '_' a '-'",
        },
        "short-secret": {
            "en": "key {key_id!r} must be at least 16 bytes",
            "cs": "klíč {key_id!r} musí mít alespoň 16 bajtů",
        },
        "current-missing": {
            "en": "the current key {key_id!r} is not in the ring",
            "cs": "aktuální klíč {key_id!r} ve svazku klíčů není",
        },
        "id-taken": {
            "en": "key id {key_id!r} is in the ring already",
            "cs": "klíč {key_id!r} už ve svazku klíčů je",
        },
        "not-hex": {
            "en": "key file line {line}: the secret is not hex",
            "cs": "soubor klíčů, řádek {line}: tajný klíč není zapsán šestnáctkově",
        },
    },
    "testing.invalid-trace": {
        "no-holder": {
            "en": "the trace needs someone holding {role!r}, and nobody does",
            "cs": "stopa potřebuje někoho s rolí {role!r} a nikdo ji nemá",
        },
        "no-holder-of-both": {
            "en": "the trace needs someone holding {role!r} and {also!r}, and nobody does",
            "cs": "stopa potřebuje někoho s rolemi {role!r} a {also!r} a nikdo je nemá",
        },
        "nobody-to-unassign": {
            "en": "the trace unassigns {role!r}, which nobody holds",
            "cs": "stopa odebírá roli {role!r}, kterou nikdo nemá",
        },
        "unknown-artifact": {
            "en": "the process has no artifact {artifact!r}",
            "cs": "proces nemá dokument {artifact!r}",
        },
        "unknown-version": {
            "en": "{artifact} has no kind of version {version!r}",
            "cs": "dokument {artifact!r} nemá druh verze {version!r}",
        },
        "nobody-to-name": {
            "en": "nobody in the case can be named in {artifact} [{version}]",
            "cs": "v dokumentu {artifact!r} [{version}] nelze uvést nikoho z případu",
        },
        "unknown-action": {
            "en": "the process has no action {action!r}",
            "cs": "proces nemá úkon {action!r}",
        },
        "unknown-step": {
            "en": "a step of an unknown kind: {kind!r}",
            "cs": "krok neznámého druhu: {kind!r}",
        },
        "not-opened": {
            "en": "a trace starts by opening the case",
            "cs": "stopa začíná otevřením případu",
        },
    },
    # Why a plan cannot move a case (kwflow.engine, _migrate.py).
    "migration.refused": {
        "already-there": {
            "en": "it runs version {version} already",
            "cs": "už běží ve verzi {version}",
        },
        "other-version": {
            "en": "it runs version {version}, not version {expected}",
            "cs": "běží ve verzi {version}, ne ve verzi {expected}",
        },
        "closed": {
            "en": "it has ended ({outcome}); only running cases migrate",
            "cs": "už skončil ({outcome}); převádějí se jen běžící případy",
        },
        "suspended": {
            "en": "it is suspended; resume it first",
            "cs": "je pozastaven; nejdřív jej obnovte",
        },
        "phase-unmapped": {
            "en": "the plan does not map its phase {phase!r}",
            "cs": "plán neurčuje, kam přejde jeho fáze {phase!r}",
        },
        "role-too-many": {
            "en": "{count} people would hold the role {role!r}, which allows at most {max}",
            "cs": "roli {role!r} by zastávalo {count} lidí, smí nejvýš {max}",
        },
        "role-empty": {
            "en": "nobody would hold the role {role!r}, which is never left empty",
            "cs": "roli {role!r} by nikdo nezastával, a ta nesmí zůstat prázdná",
        },
        "roles-exclusive": {
            "en": "{person!r} would hold both {role!r} and {other!r}, which exclude each other",
            "cs": "{person!r} by zastával(a) role {role!r} i {other!r}, které se vylučují",
        },
        "role-assigned-too-early": {
            "en": "{person!r} holds {role!r}, which the new version assigns only in {phases}",
            "cs": "{person!r} má roli {role!r}, kterou nová verze přiděluje až ve fázích {phases}",
        },
        "organisation-missing": {
            "en": (
                "the new version requires the organisation of {person!r} ({role!r}): "
                "give it in organisations="
            ),
            "cs": (
                "nová verze vyžaduje organizaci osoby {person!r} ({role!r}): "
                "uveďte ji v organisations="
            ),
        },
        "organisation-kind": {
            "en": "the organisation of {person!r} is a {kind!r}, which the role {role!r} refuses",
            "cs": "organizace osoby {person!r} je druhu {kind!r}, který role {role!r} nepřipouští",
        },
        "document-invalid": {
            "en": "the document {artifact!r} would not fit the new version: {errors}",
            "cs": "dokument {artifact!r} by nové verzi neodpovídal: {errors}",
        },
        "document-on-entry": {
            "en": "the new version requires the document {artifact!r} in the phase {phase!r}",
            "cs": "nová verze ve fázi {phase!r} vyžaduje dokument {artifact!r}",
        },
    },
}
"""The reasons an error gives, by the error's code and the reason's code, in both languages.

An error with a ``reason`` (`kwflow.exceptions.TamperedHistory`,
``CheckpointInvalid``, ``InvalidQuery``...) carries the reason's code in its
params (``reason_code``) and the facts the texts are written from, so its
Czech never repeats an English sentence.
"""


def detail_text(code: str, reason: str, facts: Mapping[str, str], lang: Language) -> str | None:
    """The reason ``reason`` of an error of ``code`` in ``lang``; ``None`` if it has none."""
    entry = DETAILS.get(code, {}).get(reason)
    template = entry.get(lang) if entry is not None else None
    return None if template is None else render(template, facts)


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


def _not_a_participant(facts: Mapping[str, str]) -> str:
    text = f"{facts['person']!r} se případu neúčastní"
    if facts.get("reading") == "true":
        text += " a nemá oprávnění ho číst"
    return text


def _field_condition(facts: Mapping[str, str]) -> str:
    needs = render(_CONDITIONS.get(facts.get("check", ""), "nesplňuje podmínku"), facts)
    artifact, field = facts["artifact"], facts["field"]
    missing = facts.get("no_version") == "true"
    unit = {"copy": ("kopii", "kopie"), "item": ("položce", "položka")}.get(facts.get("unit", ""))
    if facts.get("for") == "any" and unit is not None:
        text = f"pole {field!r} dokumentu {artifact!r} {needs} alespoň v jedné {unit[0]}"
        text += "; neplatí to v žádné"
        if missing:
            text += f" (dokument {artifact!r} zatím nemá žádnou verzi)"
        return text
    if "person" in facts:
        where = f"dokument {artifact!r} o osobě {facts['person']!r}"
    elif "item" in facts:
        where = f"{facts['item']}. položka seznamu {facts['list']!r} dokumentu {artifact!r}"
        field = facts.get("item_field") or field
    else:
        text = f"pole {field!r} dokumentu {artifact!r} {needs}"
        if missing:
            text += f" (dokument {artifact!r} zatím nemá žádnou verzi)"
        return text
    if facts.get("for") == "none" and unit is not None:
        return (
            f"{where}: pole {field!r} splňuje, co nesmí splňovat žádná {unit[1]} "
            f"(pole {field!r} {needs})"
        )
    if missing:
        return f"{where} chybí: pole {field!r} {needs}"
    return f"{where}: pole {field!r} {needs}"


def _missing_artifact(facts: Mapping[str, str]) -> str:
    if "person" in facts:
        return f"chybí dokument {facts['artifact']!r} o osobě {facts['person']!r}"
    return f"chybí dokument {facts['artifact']!r}"


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
    "not_a_participant": {"cs": _not_a_participant},
    "closed": {"cs": "případ je uzavřen s výsledkem {outcome!r}; nic dalšího se už nestane"},
    "wrong_phase": {"cs": "provádí se ve fázi {phases}; případ je ve fázi {phase!r}"},
    "lacks_role": {"cs": "potřebuje jednu z rolí {roles}; {person!r} má {held:or:žádnou roli}"},
    "not_present": {"cs": _not_present},
    "already_taken": {
        "cs": "ve fázi {phase!r} už byl proveden a smí se tam provést jen jednou",
    },
    "missing_artifact": {"cs": _missing_artifact},
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
    "about_required": {
        "cs": (
            "dokument {artifact!r} se vede pro každou osobu zvlášť (v rolích {roles}); "
            "uveďte, o kom je (about=)"
        ),
    },
    "about_not_allowed": {
        "cs": "dokument {artifact!r} je jeden pro celý případ; about={person!r} u něj nelze uvést",
    },
    "about_not_holder": {
        "cs": (
            "dokument {artifact!r} se vede jen o osobách v rolích {roles}; "
            "{person!r} má {held:or:žádnou roli}"
        ),
    },
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
    "organisation_missing": {
        "cs": "u role {role!r} je třeba uvést organizaci, ve které {person!r} pracuje",
    },
    "organisation_kind_not_allowed": {
        "cs": (
            "roli {role!r} smí mít jen člověk z organizace druhu {kinds}; "
            "{person!r} je z {organisation!r} (druh {kind!r})"
        ),
    },
    "organisation_kind_forbidden": {
        "cs": (
            "roli {role!r} nesmí mít člověk z organizace druhu {kind!r}; "
            "{person!r} je z {organisation!r}"
        ),
    },
    "same_organisation": {
        "cs": (
            "{person!r} je ze stejné organizace {organisation!r} jako {holders} v roli "
            "{other_role!r}; role {role!r} a {other_role!r} nesmějí mít lidé z jedné organizace"
        ),
    },
    "unknown_organisation_kind": {
        "cs": "proces nezná druh organizace {kind!r}; zná {known:or:žádný}",
    },
    "organisation_changed": {
        "cs": (
            "{person!r} je v tomto případu vedena jako pracovník organizace {known!r}, "
            "ne {organisation!r}; člověk má v jednom případu jednu organizaci"
        ),
    },
    "not_assignable_in_phase": {
        "cs": "roli {role!r} lze přidělit jen ve fázích {phases}; případ je ve fázi {phase!r}",
    },
    "organisation_requirement": {
        "cs": "každý v roli {role!r} musí být z organizace druhu {kinds}; nejsou: {people}",
    },
    "organisation_requirement_unheld": {
        "cs": ("roli {role!r} nikdo nemá, a tak nikdo nemůže být z organizace druhu {kinds}"),
    },
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
