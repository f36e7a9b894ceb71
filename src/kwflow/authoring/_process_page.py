"""A process's documentation page: Markdown tables in Czech and English.

The page is made from the :class:`~kwflow.definition.Process` alone, so the
documentation of a shipped process cannot disagree with the file the engine
runs. It is written for a methodologist: labels rather than ids wherever
something is referred to (ids appear once, where a thing is defined, so the
page can be read side by side with the file), presence and writable
documents resolved through the phase tree, requirements and invariants
spelt out in sentences.

The documentation site has a page per language (``<id>.md`` in English,
``<id>.cs.md`` in Czech, see `write_process_pages`), each in its
language alone: title, tables and all. Without ``lang`` one page holds both
languages, each in its own section (``## Česky``, ``## English``), for
reading outside the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kwflow.definition import (
    ActionOnlyAfter,
    ArtifactPresentOnEntry,
    BoolField,
    DateField,
    DateTimeField,
    EnumField,
    FieldTypeTable,
    FollowsOutcome,
    IntField,
    ListField,
    MoneyField,
    OnlyActionsIn,
    PersonField,
    PhaseEnteredAtMostOnce,
    RoleNeverActsIn,
    RoleNeverEmpty,
    TextField,
    load_process,
    process_files,
)
from kwflow.engine import shipped_guards
from kwflow.i18n import LANGUAGES, Language, Noun, czech_plural, english_plural

from ._period_words import period_words

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from kwflow.definition import (
        Action,
        Artifact,
        ArtifactField,
        Deadline,
        FieldCondition,
        Invariant,
        Label,
        Notice,
        Period,
        Phase,
        Process,
        Retention,
        RetentionPeriod,
        Role,
    )

__all__ = [
    "FIELD_WORDING",
    "PAGE_LANGUAGES",
    "process_page_name",
    "render_process_page",
    "write_process_pages",
]

PAGE_LANGUAGES: tuple[Language, ...] = LANGUAGES
"""The languages of a process page, in the order they appear."""


# ----------------------------------------------------------------------- wording

_WORDS: dict[str, tuple[str, str]] = {
    # key: (Czech, English)
    "section": ("Česky", "English"),
    "generated": (
        "Tato stránka je vytvořena automaticky ze souboru procesu; neupravujte ji ručně.",
        "This page is generated from the process file; do not edit it by hand.",
    ),
    "process": ("Proces", "Process"),
    "version": ("verze", "version"),
    "timezone": ("časové pásmo", "timezone"),
    "calendar": ("pracovní kalendář", "working-day calendar"),
    "opener": ("případ zakládá", "a case is opened by"),
    "opens_case": ("zakládá případ", "opens the case"),
    "roles": ("Role", "Roles"),
    "roles_intro": (
        (
            "Kdo se na případu podílí. Tentýž člověk nesmí v jednom případu zastávat role, "
            "které se vylučují; lidi do role přidělují držitelé rolí ve sloupci „Přiděluje“."
        ),
        (
            "Who takes part in a case. One person may not hold two roles that exclude each "
            "other in the same case; people are given a role by holders of the roles under "
            "“Assigned by”."
        ),
    ),
    "role": ("Role", "Role"),
    "kind": ("Druh", "Kind"),
    "how_many": ("Počet v případu", "Holders per case"),
    "exclusive": ("Vylučuje se s", "Exclusive with"),
    "assigned_by": ("Přiděluje", "Assigned by"),
    "replaced_by": ("předává", "handed over by"),
    "assignable_in": ("přiděluje se jen ve fázích", "assigned only in the phases"),
    "organisation": ("organizace", "organisation"),
    "organisation_required": ("musí být uvedena", "must be named"),
    "organisation_kinds": ("jen druhu", "only of the kinds"),
    "organisation_not_kinds": ("nikdy druhu", "never of the kinds"),
    "organisation_not_same_as": ("nikdy táž jako u role", "never the same as the role's"),
    "organisations": ("Druhy organizací", "Kinds of organisation"),
    "organisations_intro": (
        (
            "Nezávislost se posuzuje podle zaměstnavatele: aplikace u každého člověka uvádí "
            "organizaci, pro kterou na případu pracuje, a pravidla rolí říkají, z jakých "
            "organizací smějí jejich držitelé být."
        ),
        (
            "Independence is about employers: the application names, for each person, the "
            "organisation they work on the case for, and the roles' rules say which "
            "organisations their holders may come from."
        ),
    ),
    "organisation_kind": ("Druh organizace", "Kind of organisation"),
    "organisations_needed": ("organizace držitelů role", "organisations of the role's holders"),
    "description": ("Popis", "Description"),
    "phases": ("Fáze", "Phases"),
    "phases_intro": (
        (
            "Fáze v pořadí, jak jimi případ prochází; vnořené části mají číslo nadřazené fáze. "
            "Jednat (udělat krok, zapsat dokument, přidělit roli) smějí jen přítomné role; "
            "role na zavolání čekají venku, dokud je někdo přítomný nepřivolá. "
            "Ve fázi lze zapisovat jen uvedené dokumenty."
        ),
        (
            "The phases in the order a case goes through them; parts of a phase carry its "
            "number. Only the roles present may act (take a step, write a document, assign "
            "someone); roles on call wait outside until someone present calls them in. Only "
            "the documents listed may be written in the phase."
        ),
    ),
    "number": ("#", "#"),
    "phase": ("Fáze", "Phase"),
    "present": ("Přítomni", "Present"),
    "on_call": ("Na zavolání", "On call"),
    "writable": ("Lze zapisovat", "May be written"),
    "starts_here": ("případ začíná zde", "a case starts here"),
    "entered_first": ("vstupuje se sem", "entered first"),
    "every_role": ("všechny role", "every role"),
    "as_parent": ("jako v nadřazené fázi", "as in the enclosing phase"),
    "any_document": ("kterýkoli dokument", "any document"),
    "see_parts": ("podle částí", "as set by its parts"),
    "nothing": ("nic", "nothing"),
    "nobody": ("nikdo", "nobody"),
    "outcomes": ("Výsledky", "Outcomes"),
    "outcomes_intro": (
        "Fáze, ve kterých případ končí. Výsledek je konečný: z něj už žádný krok nevede.",
        "The phases where a case ends. An outcome is final: no step leads out of it.",
    ),
    "outcome": ("Výsledek", "Outcome"),
    "code": ("Kód", "Code"),
    "reached_by": ("Vede sem", "Reached by"),
    "actions": ("Kroky", "Steps"),
    "actions_intro": (
        (
            "Kroky, které případ posouvají. Krok smí udělat jen přítomný držitel uvedené role "
            "a jen tehdy, když platí všechny podmínky. Krok bez cílové fáze jen zaznamená, "
            "co se stalo."
        ),
        (
            "The steps that move a case on. A step may be taken only by a present holder of "
            "one of its roles, and only when every condition holds. A step without a target "
            "phase only records what happened."
        ),
    ),
    "step": ("Krok", "Step"),
    "from_to": ("Odkud → kam", "From → to"),
    "by": ("Kdo", "By"),
    "conditions": ("Podmínky", "Conditions"),
    "records": ("Zaznamená", "Records"),
    "stays": ("zůstává ve fázi", "stays in the phase"),
    "resumes": (
        "zpět do fáze, ze které byl případ pozastaven",
        "back to the phase the case was suspended from",
    ),
    "suspension_pause": (
        (
            "fáze pozastavení: běžící lhůty stojí a po obnovení se posunou o pracovní dny, "
            "po které byl případ pozastaven"
        ),
        (
            "a suspension phase: running deadlines stop, and on resumption move later by "
            "the working days the case was suspended"
        ),
    ),
    "suspension_run": (
        "fáze pozastavení: běžící lhůty dál běží",
        "a suspension phase: running deadlines keep running",
    ),
    "once": ("jednou za pobyt ve fázi", "once per stay in the phase"),
    "repeatable": ("lze opakovat", "may be repeated"),
    "documents": ("Dokumenty", "Documents"),
    "roles_assigned": ("Přidělené role", "Roles assigned"),
    "host_checks": ("Kontrola hostitele", "Host's check"),
    "artifacts": ("Dokumenty", "Documents"),
    "artifacts_intro": (
        (
            "Dokumenty případu s jejich poli. Dokument čtou jen role, které jej zapisují, "
            "a role výslovně uvedené; nikdo jiný jej nevidí. Každý zápis je nová verze."
        ),
        (
            "The case's documents and their fields. A document is read only by the roles "
            "that write it and the roles listed as readers; nobody else sees it. Every "
            "submission is a new version."
        ),
    ),
    "write": ("Zapisují", "Written by"),
    "read": ("Čtou také", "Also read by"),
    "per_person": (
        (
            "Vede se zvlášť o každé osobě v rolích {roles}, každá kopie se svými verzemi; "
            "osoba, o které kopie je, ji smí číst."
        ),
        (
            "Kept separately about each person in the roles {roles}, each copy with its own "
            "versions; the person a copy is about may read it."
        ),
    ),
    "about_everyone": ("o každé osobě v rolích {roles}", "about every person in the roles {roles}"),
    "for_every_person": ("u každé osoby", "for every person"),
    "for_any_person": ("alespoň u jedné osoby", "for at least one person"),
    "for_none_person": ("u žádné osoby", "for no person"),
    "for_every_item": ("u každé položky", "for every item"),
    "for_any_item": ("alespoň u jedné položky", "for at least one item"),
    "for_none_item": ("u žádné položky", "for no item"),
    "nobody_else": ("nikdo další", "nobody else"),
    "read_fields": ("Jen některá pole čtou", "Only some fields are read by"),
    "field": ("Pole", "Field"),
    "personal": ("osobní údaj", "personal data"),
    "retention": ("Doba uchování", "Retention"),
    "retention_intro": (
        (
            "Jak dlouho se uzavřený případ uchovává, než se skartuje, podle výsledku. Jsou to "
            "jen výchozí hodnoty: rozhoduje spisový a skartační plán úřadu, kterým je "
            "hostitelská aplikace nahradí."
        ),
        (
            "How long a closed case is kept before it is disposed of, by outcome. These are "
            "defaults only: the office's file plan (spisový a skartační plán) decides, and "
            "the host replaces them with it."
        ),
    ),
    "retention_other": ("ostatní výsledky", "any other outcome"),
    "kept": ("uchovává se", "kept"),
    "type": ("Typ", "Type"),
    "required": ("Povinné", "Required"),
    "yes": ("ano", "yes"),
    "no": ("ne", "no"),
    "deadlines": ("Lhůty", "Deadlines"),
    "deadlines_intro": (
        (
            "Časová pravidla. Cíl je to, oč praxe usiluje, limit to, co se nesmí překročit; "
            "překročení limitu se zaznamená, nikdy se tiše nepřejde. Minuty a hodiny jsou "
            "skutečný čas, dny, týdny a měsíce kalendářní, pracovní dny vynechávají víkendy "
            "a svátky a den, od kterého se počítá."
        ),
        (
            "Time rules. The target is what practice aims for, the limit what must not be "
            "passed; a breach of the limit is recorded, never silently dropped. Minutes and "
            "hours are real time, days, weeks and months are calendar periods, working days "
            "skip weekends, public holidays and the day counted from."
        ),
    ),
    "deadline": ("Lhůta", "Deadline"),
    "notices_intro": (
        (
            "Připomínky a eskalace: kdy hostitelská aplikace koho upozorní na běžící "
            "lhůtu. Po splnění nebo zrušení lhůty už žádné nepřijdou; pozastavení je "
            "posune spolu s lhůtou."
        ),
        (
            "Reminders and escalations: when the host application tells whom about a "
            "running deadline. None come once the deadline is met or cancelled; a "
            "suspension moves them with the deadline."
        ),
    ),
    "reminder": ("připomínka", "reminder"),
    "escalation": ("eskalace", "escalation"),
    "of_target": ("cílového termínu", "the target"),
    "of_limit": ("nejzazšího termínu", "the limit"),
    "notice_at": ("v den", "on the day of"),
    "notice_before": ("před dnem", "before"),
    "notice_after": ("po dni", "after"),
    "notice_repeat": (
        "pak každých {every}, celkem {count} krát",
        "then every {every}, {count} times in all",
    ),
    "anchor": ("Počítá se od", "Counted from"),
    "target": ("Cíl", "Target"),
    "limit": ("Limit", "Limit"),
    "satisfied_by": ("Splní krok", "Met by"),
    "responsible": ("Odpovídá", "Responsible"),
    "runs_in": ("Běží ve fázích", "Runs in"),
    "breach": ("Při porušení", "On breach"),
    "every_open_phase": ("všechny fáze před výsledkem", "every phase before an outcome"),
    "step_ref": ("krok", "the step"),
    "field_ref": ("pole", "the field"),
    "counted_back": ("počítá se zpět, před ním", "counted back, before it"),
    "variant_when": (", když", " if"),
    "variant_and": ("a", "and"),
    "rolled": (
        "konec ve dni volna se posouvá na pracovní den",
        "an end on a day off moves to a working day",
    ),
    "rolled_back": (
        "konec ve dni volna se posouvá na předchozí pracovní den",
        "an end on a day off moves to the previous working day",
    ),
    "guards": ("Kontroly hostitele", "Host's checks"),
    "guards_intro": (
        (
            "Kontroly, které nejdou zapsat v souboru a které hostitelská aplikace "
            "zaregistruje v Pythonu pod uvedeným názvem."
        ),
        (
            "Checks that cannot be written in the file, which the host application "
            "registers in Python under the name shown."
        ),
    ),
    "guards_built_in": (
        (
            "Tyto kontroly má kwflow pro tento proces vestavěné; hostitel kteroukoli "
            "nahradí vlastní funkcí zaregistrovanou pod stejným názvem."
        ),
        (
            "kwflow has these checks built in for this process; a host replaces any "
            "of them by registering a function of its own under the same name."
        ),
    ),
    "built_in": ("Vestavěná v kwflow", "Built into kwflow"),
    "guard": ("Kontrola", "Check"),
    "checks": ("Co ověřuje", "What it checks"),
    "used_by": ("Používá krok", "Used by"),
    "invariants": ("Vlastnosti každého případu", "Properties of every case"),
    "invariants_intro": (
        (
            "Pravidla, která platí v každém případu; testy je ověřují ve všech dosažitelných "
            "stavech procesu."
        ),
        (
            "Rules that hold in every case; the tests check them in every reachable state "
            "of the process."
        ),
    ),
    "property": ("Vlastnost", "Property"),
    "meaning": ("Co přesně platí", "What exactly holds"),
}

_KINDS: dict[str, tuple[str, str]] = {
    "family": ("rodina", "family"),
    "child": ("dítě", "child"),
    "support": ("podpora", "support"),
    "professional": ("odborník", "professional"),
    "authority": ("úřad", "authority"),
    "independent": ("nezávislý", "independent"),
}

_RANGE = "\u2013"  # an en dash, as ranges are written in both languages
_FIELD_OF = " \u203a "  # "document > field", with a single angle quotation mark

_RECORDS = Noun(cs=("záznam", "záznamy", "záznamů"), en=("record", "records"))


@dataclass(frozen=True)
class _Writer:
    """The page being written in one language."""

    process: Process
    lang: Language
    level: int  # the Markdown level of the language section's own headings

    # -- words

    def word(self, key: str) -> str:
        cs, en = _WORDS[key]
        return cs if self.lang == "cs" else en

    def text(self, label: Label | None) -> str:
        return _inline(label.text(self.lang)) if label is not None else ""

    def quoted(self, label: Label) -> str:
        text = self.text(label)
        return f"„{text}“" if self.lang == "cs" else f"“{text}”"

    def period(self, period: Period) -> str:
        return period_words(period, self.lang)

    def listing(self, names: Iterable[str], empty: str = "—") -> str:
        names = list(names)
        return ", ".join(names) if names else empty

    def role(self, role_id: str) -> str:
        role = self.process.role(role_id)
        return self.text(role.label) if role is not None else f"`{role_id}`"

    def roles(self, role_ids: Iterable[str], empty: str = "—") -> str:
        return self.listing((self.role(r) for r in role_ids), empty)

    def phase(self, phase_id: str) -> str:
        info = self.process.phase_info(phase_id)
        return self.text(info.phase.label) if info is not None else f"`{phase_id}`"

    def action(self, action_id: str) -> str:
        action = self.process.action(action_id)
        return self.quoted(action.label) if action is not None else f"`{action_id}`"

    def artifact(self, artifact_id: str) -> str:
        artifact = self.process.artifact(artifact_id)
        return self.text(artifact.label) if artifact is not None else f"`{artifact_id}`"

    def field_name(self, artifact_id: str, field_id: str) -> str:
        artifact = self.process.artifact(artifact_id)
        names: list[str] = []
        path = ""
        # A dotted field (a list's item field) reads "document > list > field".
        for part in field_id.split("."):
            path = f"{path}.{part}" if path else part
            field = artifact.field_at(path) if artifact is not None else None
            names.append(self.text(field.label) if field is not None else f"`{part}`")
        return _FIELD_OF.join([self.artifact(artifact_id), *names])

    def heading(self, depth: int, text: str) -> str:
        return f"{'#' * (self.level + depth)} {text}"

    def table_section(
        self,
        name: str,
        columns: Iterable[str],
        rows: Iterable[list[str]],
        *,
        note: str | None = None,
    ) -> Iterator[str]:
        """A section that is one table: its heading, its introduction, the table.

        ``name`` is the word of the heading, ``<name>_intro`` the word of the
        introduction; ``note`` a word for a further paragraph before the
        table; ``columns`` the words of the table's header.
        """
        yield self.heading(0, self.word(name))
        yield ""
        yield self.word(f"{name}_intro")
        yield ""
        if note is not None:
            yield self.word(note)
            yield ""
        yield from _table([self.word(column) for column in columns], list(rows))

    # -- the sections

    def section(self) -> Iterator[str]:
        process = self.process
        yield (
            f"{self.word('process')} `{process.id}`, {self.word('version')} {process.version}"
            f" · {self.word('timezone')} {process.timezone}"
            f" · {self.word('calendar')} `{process.calendar}`"
            f" · {self.word('opener')}: {self.role(process.opener)}"
        )
        yield ""
        yield from self.roles_section()
        if process.organisation_kinds:
            yield from self.organisations_section()
        yield from self.phases_section()
        yield from self.outcomes_section()
        if process.retention is not None:
            yield from self.retention_section(process.retention)
        yield from self.actions_section()
        yield from self.artifacts_section()
        if process.deadlines:
            yield from self.deadlines_section()
        if process.guards:
            yield from self.guards_section()
        if process.invariants:
            yield from self.invariants_section()

    def roles_section(self) -> Iterator[str]:
        yield from self.table_section(
            "roles",
            ["role", "kind", "how_many", "exclusive", "assigned_by", "description"],
            map(self.role_row, self.process.roles),
        )

    def role_row(self, role: Role) -> list[str]:
        cs, en = _KINDS.get(role.kind.value, (role.kind.value, role.kind.value))
        assigned = [self.role(r) for r in role.assigned_by]
        if role.id == self.process.opener:
            assigned.insert(0, self.word("opens_case"))
        given = self.listing(assigned)
        if role.replaced_by:
            # Who may hand the role over shares the cell: pages of processes
            # without handovers stay as they were.
            given += f"; {self.word('replaced_by')}: {self.roles(role.replaced_by)}"
        if role.assignable_in:
            phases = self.listing(self.phase(p) for p in role.assignable_in)
            given += f"; {self.word('assignable_in')}: {phases}"
        rule = self.organisation_rule(role)
        if rule:
            given += f"; {self.word('organisation')}: {rule}"
        return [
            f"{self.text(role.label)} (`{role.id}`)",
            cs if self.lang == "cs" else en,
            self.cardinality(role.min, role.max),
            self.roles(role.exclusive_with),
            given,
            self.text(role.description),
        ]

    def organisation_kind(self, kind_id: str) -> str:
        kind = self.process.organisation_kind(kind_id)
        return self.text(kind.label) if kind is not None else f"`{kind_id}`"

    def organisation_kinds(self, kind_ids: Iterable[str]) -> str:
        return self.listing(self.organisation_kind(k) for k in kind_ids)

    def organisation_rule(self, role: Role) -> str:
        """The rules on the organisation of the role's holders, in words (empty: none)."""
        rule = role.organisation
        if rule is None:
            return ""
        parts = []
        if rule.required:
            parts.append(self.word("organisation_required"))
        if rule.kinds:
            parts.append(f"{self.word('organisation_kinds')} {self.organisation_kinds(rule.kinds)}")
        if rule.not_kinds:
            kinds = self.organisation_kinds(rule.not_kinds)
            parts.append(f"{self.word('organisation_not_kinds')} {kinds}")
        if rule.not_same_as:
            roles = self.roles(rule.not_same_as)
            parts.append(f"{self.word('organisation_not_same_as')} {roles}")
        return ", ".join(parts)

    def organisations_section(self) -> Iterator[str]:
        yield from self.table_section(
            "organisations",
            ["organisation_kind", "description"],
            (
                [f"{self.text(kind.label)} (`{kind.id}`)", self.text(kind.description)]
                for kind in self.process.organisation_kinds
            ),
        )

    def cardinality(self, low: int, high: int | None) -> str:
        cs = self.lang == "cs"
        if high is None:
            if low == 0:
                return "libovolně" if cs else "any number"
            return f"alespoň {low}" if cs else f"at least {low}"
        if low == high:
            return f"právě {low}" if cs else f"exactly {low}"
        return f"{low}{_RANGE}{high}"

    def phases_section(self) -> Iterator[str]:
        yield from self.table_section(
            "phases",
            ["number", "phase", "present", "on_call", "writable", "description"],
            (self.phase_row(*numbered) for numbered in _numbered(self.process.phases)),
        )

    def phase_row(
        self,
        number: str,
        phase: Phase,
        parent_present: tuple[str, ...] | None,
        parent_artifacts: tuple[str, ...] | None,
    ) -> list[str]:
        name = f"{self.text(phase.label)} (`{phase.id}`)"
        if phase.initial:
            top = "." not in number
            name += f", {self.word('starts_here' if top else 'entered_first')}"
        if phase.suspension is not None:
            name += f", {self.word('suspension_' + phase.suspension.deadlines)}"
        if phase.present is not None:
            present = self.roles(phase.present, self.word("nobody"))
        elif parent_present is not None:
            present = (
                f"{self.roles(parent_present, self.word('nobody'))} ({self.word('as_parent')})"
            )
        else:
            present = self.word("every_role")
        if phase.phases and phase.artifacts is None:
            writable = self.word("see_parts")
        elif phase.artifacts is not None:
            writable = self.listing(
                (self.artifact(a) for a in phase.artifacts), self.word("nothing")
            )
        elif parent_artifacts is not None:
            inherited = self.listing(
                (self.artifact(a) for a in parent_artifacts), self.word("nothing")
            )
            writable = f"{inherited} ({self.word('as_parent')})"
        else:
            writable = self.word("any_document")
        return [
            number,
            name,
            present,
            self.roles(phase.on_call),
            writable,
            self.text(phase.description),
        ]

    def outcomes_section(self) -> Iterator[str]:
        terminals = [info.phase for info in self.process.all_phases() if info.phase.outcome]
        if not terminals:
            return
        yield from self.table_section(
            "outcomes",
            ["outcome", "code", "reached_by", "description"],
            map(self.outcome_row, terminals),
        )

    def outcome_row(self, phase: Phase) -> list[str]:
        leading = [self.action(a.id) for a in self.process.actions if a.to == phase.id]
        return [
            f"{self.text(phase.label)} (`{phase.id}`)",
            f"`{phase.outcome}`",
            self.listing(leading),
            self.text(phase.description),
        ]

    def retention_section(self, retention: Retention) -> Iterator[str]:
        rows = [
            [f"`{outcome}`", self.retention_period(period)]
            for outcome, period in retention.outcomes.items()
        ]
        rows.append([self.word("retention_other"), self.retention_period(retention.default)])
        yield from self.table_section("retention", ["outcome", "retention"], rows)

    def retention_period(self, period: RetentionPeriod | None) -> str:
        if period is None:
            return self.word("kept")
        forms = {
            "years": (("rok", "roky", "let"), ("year", "years")),
            "months": (("měsíc", "měsíce", "měsíců"), ("month", "months")),
            "days": (("den", "dny", "dní"), ("day", "days")),
        }
        unit = next(name for name in forms if getattr(period, name) is not None)
        count = int(getattr(period, unit))
        cs, en = forms[unit]
        word = czech_plural(count, *cs) if self.lang == "cs" else english_plural(count, *en)
        return f"{count} {word}"

    def actions_section(self) -> Iterator[str]:
        yield from self.table_section(
            "actions",
            ["step", "from_to", "by", "conditions", "records", "description"],
            map(self.action_row, self.process.actions),
        )

    def action_row(self, action: Action) -> list[str]:
        sources = self.listing(self.phase(p) for p in action.from_)
        if action.to is not None:
            route = f"{sources} → {self.phase(action.to)}"
        elif action.resume:
            route = f"{sources} ↩ {self.word('resumes')}"
        else:
            repeat = self.word("once" if action.once else "repeatable")
            route = f"{sources} ({self.word('stays')}; {repeat})"
        return [
            f"{self.text(action.label)} (`{action.id}`)",
            route,
            self.roles(action.by),
            "<br>".join(self.requirements(action)) or "—",
            self.artifact(action.records) if action.records is not None else "—",
            self.text(action.description),
        ]

    def requirements(self, action: Action) -> Iterator[str]:
        needs = action.requires
        if needs.artifacts:
            documents = self.listing(self.required_artifact(a) for a in needs.artifacts)
            yield f"{self.word('documents')}: {documents}"
        for condition in needs.fields:
            yield self.condition(condition)
        if needs.roles:
            yield f"{self.word('roles_assigned')}: {self.roles(needs.roles)}"
        for needed in needs.organisations:
            kinds = self.organisation_kinds(needed.kinds)
            yield f"{self.word('organisations_needed')} {self.role(needed.role)}: {kinds}"
        for guard_id in needs.guards:
            guard = next((g for g in self.process.guards if g.id == guard_id), None)
            what = f" ({self.text(guard.label)})" if guard is not None else ""
            yield f"{self.word('host_checks')}: `{guard_id}`{what}"

    def required_artifact(self, artifact_id: str) -> str:
        artifact = self.process.artifact(artifact_id)
        if artifact is None or not artifact.per_person:
            return self.artifact(artifact_id)
        about = self.word("about_everyone").format(roles=self.roles(artifact.per_person))
        return f"{self.artifact(artifact_id)} ({about})"

    def condition(self, condition: FieldCondition) -> str:
        artifact = self.process.artifact(condition.artifact)
        unit = "item" if condition.list_field is not None else None
        if unit is None and artifact is not None and artifact.per_person:
            unit = "person"
        text = self.bare_condition(condition)
        if unit is None:
            return text
        quantifier = condition.for_.value if condition.for_ is not None else "every"
        return f"{self.word(f'for_{quantifier}_{unit}')}: {text}"

    def bare_condition(self, condition: FieldCondition) -> str:
        cs = self.lang == "cs"
        name = self.field_name(condition.artifact, condition.field)
        artifact = self.process.artifact(condition.artifact)
        field = artifact.field_at(condition.field) if artifact is not None else None
        if condition.equals is not None:
            return f"{name} = {self.value(field, condition.equals)}"
        if condition.one_of is not None:
            values = ", ".join(self.value(field, v) for v in condition.one_of)
            return f"{name}: {'jedna z hodnot' if cs else 'one of'} {values}"
        if condition.present is not None:
            if condition.present:
                return f"{name}: {'vyplněno' if cs else 'filled in'}"
            return f"{name}: {'nevyplněno' if cs else 'not filled in'}"
        if condition.non_empty is not None:
            if condition.non_empty:
                return f"{name}: {'neprázdné' if cs else 'not empty'}"
            return f"{name}: {'prázdné' if cs else 'empty'}"
        count = condition.min_count or 0
        if cs:
            return f"{name}: alespoň {_RECORDS.counted(count, 'cs')}"
        return f"{name}: at least {_RECORDS.counted(count, 'en')}"

    def value(self, field: ArtifactField | None, value: object) -> str:
        if isinstance(value, bool):
            return self.word("yes" if value else "no")
        if isinstance(field, EnumField):
            chosen = next((v for v in field.values if v.id == value), None)
            if chosen is not None:
                return self.quoted(chosen.label)
        return f"`{value}`"

    def artifacts_section(self) -> Iterator[str]:
        if not self.process.artifacts:
            return
        yield self.heading(0, self.word("artifacts"))
        yield ""
        yield self.word("artifacts_intro")
        yield ""
        for artifact in self.process.artifacts:
            yield from self.artifact_block(artifact)

    def artifact_block(self, artifact: Artifact) -> Iterator[str]:
        yield self.heading(1, f"{self.text(artifact.label)} (`{artifact.id}`)")
        yield ""
        if artifact.description is not None:
            yield _paragraph(artifact.description.text(self.lang))
            yield ""
        readers = [r for r in artifact.read if r not in artifact.write]
        yield (
            f"{self.word('write')}: {self.roles(artifact.write)}. "
            f"{self.word('read')}: {self.roles(readers, self.word('nobody_else'))}."
        )
        if artifact.read_fields:
            some = "; ".join(
                f"{self.roles([r.role])} ({', '.join(f'`{f}`' for f in r.fields)})"
                for r in artifact.read_fields
            )
            yield f"{self.word('read_fields')}: {some}."
        yield ""
        if artifact.per_person:
            yield self.word("per_person").format(roles=self.roles(artifact.per_person))
            yield ""
        yield from _table(
            [
                self.word("field"),
                self.word("type"),
                self.word("required"),
                self.word("description"),
            ],
            list(self.field_rows(artifact.fields, depth=0)),
        )

    def field_rows(self, fields: Iterable[ArtifactField], depth: int) -> Iterator[list[str]]:
        for field in fields:
            indent = "&nbsp;&nbsp;" * depth + ("↳ " if depth else "")
            kind = self.field_type(field)
            if field.personal is not None:
                whose = (
                    self.role(field.personal.subject)
                    if field.personal.subject is not None
                    else f"`{field.personal.subject_field}`"
                )
                kind += f"; {self.word('personal')} ({whose})"
            yield [
                f"{indent}{self.text(field.label)} (`{field.id}`)",
                kind,
                self.word("yes" if field.required else "no"),
                self.text(field.description),
            ]
            if isinstance(field, ListField):
                yield from self.field_rows(field.fields, depth + 1)

    def field_type(self, field: ArtifactField) -> str:
        return FIELD_WORDING[field](self, field)

    def deadlines_section(self) -> Iterator[str]:
        yield from self.table_section(
            "deadlines",
            [
                "deadline",
                "anchor",
                "target",
                "limit",
                "satisfied_by",
                "responsible",
                "runs_in",
                "breach",
            ],
            map(self.deadline_row, self.process.deadlines),
        )
        explained = [d for d in self.process.deadlines if d.description is not None]
        for deadline in explained:
            yield f"- **{self.text(deadline.label)}**: {self.text(deadline.description)}"
        if explained:
            yield ""
        notifying = [d for d in self.process.deadlines if d.notices]
        if notifying:
            yield self.word("notices_intro")
            yield ""
            for deadline in notifying:
                told = "; ".join(self.notice(kind, n, deadline) for kind, n in deadline.notices)
                yield f"- **{self.text(deadline.label)}**: {told}"
            yield ""

    def notice(self, kind: str, notice: Notice, deadline: Deadline) -> str:
        """One reminder or escalation in words: when, of which moment, to whom."""
        moment = self.word(f"of_{notice.moment}")
        if notice.at is not None:
            when = f"{self.word('notice_at')} {moment}"
        else:
            period = notice.before if notice.before is not None else notice.after
            assert period is not None
            side = self.word("notice_before" if notice.before is not None else "notice_after")
            when = f"{self.period(period)} {side} {moment}"
        if notice.repeat is not None:
            when += ", " + self.word("notice_repeat").format(
                every=self.period(notice.repeat.every), count=notice.repeat.count
            )
        to = self.roles(notice.to or (deadline.responsible,))
        return f"{self.word(kind)} {when} ({to})"

    def deadline_row(self, deadline: Deadline) -> list[str]:
        anchor = deadline.anchor
        if anchor.action is not None:
            start = f"{self.word('step_ref')} {self.action(anchor.action)}"
        else:
            assert anchor.field is not None
            name = self.field_name(anchor.field.artifact, anchor.field.field)
            start = f"{self.word('field_ref')} {name}"
        if deadline.direction == "before":
            start += f" ({self.word('counted_back')})"
        roll = ""
        if deadline.roll_to_working_day:
            roll = f", {self.word('rolled_back' if deadline.direction == 'before' else 'rolled')}"
        phases = (
            self.listing(self.phase(p) for p in deadline.phases)
            if deadline.phases
            else self.word("every_open_phase")
        )
        return [
            f"{self.text(deadline.label)} (`{deadline.id}`)",
            start,
            self.periods(deadline, "target", roll),
            self.periods(deadline, "limit", roll),
            self.listing(self.action(a) for a in deadline.satisfied_by),
            self.role(deadline.responsible),
            phases,
            self.text(deadline.breach),
        ]

    def periods(self, deadline: Deadline, which: str, roll: str) -> str:
        """The deadline's own target or limit, then each variant's, with its conditions."""
        own: Period | None = getattr(deadline, which)
        parts = [self.period(own) + roll if own is not None else "—"]
        for variant in deadline.variants:
            period: Period | None = getattr(variant, which)
            if period is not None:
                when = f" {self.word('variant_and')} ".join(map(self.condition, variant.when))
                parts.append(f"{self.period(period)}{roll}{self.word('variant_when')} {when}")
        return "; ".join(parts)

    def guards_section(self) -> Iterator[str]:
        built_in = shipped_guards(self.process.id)
        rows = []
        for guard in self.process.guards:
            users = [
                self.action(a.id) for a in self.process.actions if guard.id in a.requires.guards
            ]
            row = [
                f"`{guard.id}`",
                self.text(guard.label),
                self.listing(users),
                self.text(guard.description),
            ]
            if built_in:
                row.insert(1, self.word("yes") if guard.id in built_in else "—")
            rows.append(row)
        columns = ["guard", "checks", "used_by", "description"]
        if built_in:
            columns.insert(1, "built_in")
        yield from self.table_section(
            "guards", columns, rows, note="guards_built_in" if built_in else None
        )

    def invariants_section(self) -> Iterator[str]:
        yield from self.table_section(
            "invariants",
            ["property", "meaning"],
            (
                [f"{self.text(invariant.label)} (`{invariant.id}`)", self.invariant(invariant)]
                for invariant in self.process.invariants
            ),
        )

    def invariant(self, invariant: Invariant) -> str:
        cs = self.lang == "cs"
        if isinstance(invariant, ActionOnlyAfter):
            later, first = self.action(invariant.action), self.action(invariant.after)
            if cs:
                return f"Krok {later} se udělá jen tehdy, když už byl udělán krok {first}."
            return f"The step {later} is taken only after the step {first}."
        if isinstance(invariant, RoleNeverActsIn):
            role, phase = self.role(invariant.role), self.phase(invariant.phase)
            steps = ", ".join(self.action(a) for a in invariant.except_actions)
            if cs:
                unless = f" Výjimka: smí udělat krok {steps}." if steps else ""
                return f"Role {role} ve fázi {phase} nikdy nejedná.{unless}"
            unless = f" Except: it may take the step {steps}." if steps else ""
            return f"The role {role} never acts in the phase {phase}.{unless}"
        if isinstance(invariant, ArtifactPresentOnEntry):
            artifact, phase = self.artifact(invariant.artifact), self.phase(invariant.phase)
            if cs:
                return f"Když případ vstupuje do fáze {phase}, dokument {artifact} už existuje."
            return f"When a case enters the phase {phase}, the document {artifact} exists."
        if isinstance(invariant, FollowsOutcome):
            outcomes = ", ".join(f"`{outcome}`" for outcome in invariant.outcomes)
            if cs:
                return (
                    f"Navazující případ navazuje jen na případ, který skončil výsledkem {outcomes}."
                )
            return f"A follow-up case follows only a case that ended with {outcomes}."
        if isinstance(invariant, RoleNeverEmpty):
            role = self.role(invariant.role)
            if cs:
                return f"Jakmile roli {role} někdo má, má ji vždy někdo (předáním se neuvolní)."
            return f"Once someone holds the role {role}, someone always does (a handover keeps it)."
        if isinstance(invariant, OnlyActionsIn):
            phase = self.phase(invariant.phase)
            steps = ", ".join(self.action(a) for a in invariant.actions)
            if cs:
                return f"Ve fázi {phase} se dělají jen kroky {steps}."
            return f"In the phase {phase} only the steps {steps} are taken."
        assert isinstance(invariant, PhaseEnteredAtMostOnce)
        phase = self.phase(invariant.phase)
        if cs:
            return f"Do fáze {phase} případ vstoupí nejvýše jednou."
        return f"A case enters the phase {phase} at most once."


def _numbered(
    phases: tuple[Phase, ...],
    prefix: str = "",
    parent_present: tuple[str, ...] | None = None,
    parent_artifacts: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, Phase, tuple[str, ...] | None, tuple[str, ...] | None]]:
    """Non-terminal phases depth first, numbered ``1``, ``3.2``..., with what they inherit."""
    number = 0
    for phase in phases:
        if phase.outcome is not None:
            continue
        number += 1
        label = f"{prefix}{number}"
        yield label, phase, parent_present, parent_artifacts
        present = phase.present if phase.present is not None else parent_present
        artifacts = phase.artifacts if phase.artifacts is not None else parent_artifacts
        yield from _numbered(phase.phases, f"{label}.", present, artifacts)


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}{_RANGE}{high}"
    if low is not None:
        return f"≥ {low}"
    if high is not None:
        return f"≤ {high}"
    return ""


# ------------------------------------------------------------ field types
# How the page names a field's type, in both languages: one function per type.


def _text_type(page: _Writer, field: TextField) -> str:
    if field.max_length is None:
        return "text"
    if page.lang == "cs":
        return f"text (max. {field.max_length} znaků)"
    return f"text (up to {field.max_length} characters)"


def _bool_type(page: _Writer, _field: BoolField) -> str:
    return "ano/ne" if page.lang == "cs" else "yes/no"


def _int_type(page: _Writer, field: IntField) -> str:
    bounds = _bounds(field.min, field.max)
    return ("celé číslo" if page.lang == "cs" else "whole number") + (
        f" ({bounds})" if bounds else ""
    )


def _date_type(page: _Writer, _field: DateField) -> str:
    return "datum" if page.lang == "cs" else "date"


def _datetime_type(page: _Writer, _field: DateTimeField) -> str:
    return "datum a čas" if page.lang == "cs" else "date and time"


def _money_type(page: _Writer, field: MoneyField) -> str:
    return f"{'částka' if page.lang == 'cs' else 'amount'} ({field.currency})"


def _enum_type(page: _Writer, field: EnumField) -> str:
    values = ", ".join(page.quoted(v.label) for v in field.values)
    return f"{'výběr' if page.lang == 'cs' else 'one of'}: {values}"


def _person_type(page: _Writer, field: PersonField) -> str:
    who = "osoba v případu" if page.lang == "cs" else "a person in the case"
    if field.roles:
        return f"{who} ({page.roles(field.roles)})"
    return who


def _list_type(page: _Writer, field: ListField) -> str:
    cs = page.lang == "cs"
    kind = "seznam záznamů" if cs else "list of records"
    if field.min_items:
        if cs:
            return f"{kind} (alespoň {_RECORDS.counted(field.min_items, 'cs')})"
        return f"{kind} (at least {field.min_items})"
    return kind


FIELD_WORDING: FieldTypeTable[Callable[[_Writer, Any], str]] = FieldTypeTable(
    "process page wording",
    {
        TextField: _text_type,
        BoolField: _bool_type,
        IntField: _int_type,
        DateField: _date_type,
        DateTimeField: _datetime_type,
        MoneyField: _money_type,
        EnumField: _enum_type,
        PersonField: _person_type,
        ListField: _list_type,
    },
)
"""Per field type, how a process page names it (in the page's language)."""


# Characters Markdown would read as syntax; Markdown has no escape for '<', '>'
# and '&' (an entity) that every renderer honours, so those become entities.
_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _inline(text: str) -> str:
    """Text for one line or one table cell: whitespace collapsed, syntax escaped."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return re.sub(r"[<>&]", lambda match: _ENTITIES[match.group()], escaped)


def _paragraph(text: str) -> str:
    """Text as a paragraph: escaped, and not mistaken for a heading, list or quote."""
    line = _inline(text)
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", re.sub(r"^([#+\-=])", r"\\\1", line))


def _table(header: list[str], rows: list[list[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    for row in rows:
        yield "| " + " | ".join(cell or " " for cell in row) + " |"
    yield ""


def render_process_page(process: Process, *, lang: Language | None = None) -> str:
    """The Markdown documentation page of ``process``.

    With ``lang`` left out the page holds both languages, Czech first, each in
    its own section; with ``lang="cs"`` or ``lang="en"`` it holds that one.
    Everything on the page comes from ``process``: title and description,
    roles, phases (with presence, on-call roles and writable documents
    resolved through the phase tree), outcomes, steps with their conditions,
    documents with their fields, deadlines, the host's checks and invariants.
    """
    languages: tuple[Language, ...] = PAGE_LANGUAGES if lang is None else (lang,)
    both = len(languages) > 1
    titles = [process.title.text(code) for code in languages]
    distinct_titles = list(dict.fromkeys(titles))
    lines = [f"# {_inline(' / '.join(distinct_titles))}", ""]
    lines.append(
        "<!-- "
        + " ".join(_WORDS["generated"][0 if code == "cs" else 1] for code in languages)
        + " -->"
    )
    lines.append("")
    if process.description is not None:
        for code in languages:
            lines += [_paragraph(process.description.text(code)), ""]
    for code in languages:
        writer = _Writer(process, code, level=3 if both else 2)
        if both:
            lines += [f"## {writer.word('section')}", ""]
        lines += writer.section()
    return "\n".join(lines).rstrip("\n") + "\n"


def process_page_name(process: Process, lang: Language = "en") -> str:
    """The file name of ``process``'s page in ``lang``: ``<id>.md``, ``<id>.cs.md``.

    English is the documentation site's default language, so its page has no
    suffix; the Czech page carries ``.cs``, as the site's i18n plugin expects.
    """
    return f"{process.id}.md" if lang == "en" else f"{process.id}.{lang}.md"


def write_process_pages(processes_dir: Path, pages_dir: Path, *, check: bool = False) -> list[Path]:
    """Render the pages of every process file in ``processes_dir`` into ``pages_dir``.

    One page per process and language (`process_page_name`). Returns the
    pages that were out of date (written, or with ``check=True`` only
    reported). Each file is loaded with its static checks, so a file with
    errors raises :class:`~kwflow.exceptions.DefinitionError`.
    """
    stale = []
    for path in process_files(processes_dir):
        process = load_process(path)
        for lang in PAGE_LANGUAGES:
            page = pages_dir / process_page_name(process, lang)
            content = render_process_page(process, lang=lang)
            current = page.read_text(encoding="utf-8") if page.exists() else None
            if current == content:
                continue
            stale.append(page)
            if not check:
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(content, encoding="utf-8", newline="\n")
    return stale
