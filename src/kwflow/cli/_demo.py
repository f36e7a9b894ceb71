"""`kwflow demo`: both shipped processes, end to end, on a simulated clock.

One case conference and one family conference run through the real engine
(the one a host embeds) with a few pseudonymous people, real dates around
Czech public holidays and a store chosen on the command line. Each case's
timeline is printed with the simulate command's printer: who did what when
(Prague time), the phase after each step, every deadline with its due time
and status; then the outcome and whether the history verifies.

By default the cases go where ``Engine()`` keeps them when a host gives
no store: the SQLite file at ``default_sqlite_path()`` ($KWFLOW_DB, else
``~/.local/share/kwflow/cases.sqlite3``), so they can be opened again after
the demo. Each run there opens new cases (``-2``, ``-3``... after the first
run's ids). ``--store temporary`` (a throwaway SQLite file) and ``--store
memory`` print the same text on every run: fixed case ids, fixed times.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Mapping
    from datetime import date, datetime

    from kwflow import Engine, GuardContext, SimulatedClock
    from kwflow.authoring import TimelineRecorder
    from kwflow.i18n import Language
    from kwflow.store import CaseStore

FAMILY_CASE_ID = "demo-rodinna-konference"
CASE_CONFERENCE_ID = "demo-pripadova-konference"
TIMEZONE = "Europe/Prague"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow demo``."""
    parser.add_argument(
        "--store",
        choices=("default", "temporary", "memory"),
        default="default",
        help=(
            "where the demo keeps its cases: the default SQLite file Engine() uses "
            "(default), a temporary SQLite file, or memory"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("en", "cs"),
        default="en",
        help="language of the timelines (default en)",
    )


def run(args: argparse.Namespace) -> int:
    """Run both cases and print their timelines; 0 when both histories verify."""
    import tempfile
    from pathlib import Path

    from kwflow import Engine, Registry, SimulatedClock
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
    from kwflow.exceptions import KwflowError
    from kwflow.store import MemoryStore, SqliteStore, default_sqlite_path

    lang: Language = args.lang
    out = sys.stdout
    verified = True
    with tempfile.TemporaryDirectory(prefix="kwflow-demo-") as folder:
        store: CaseStore
        where = _text(f"store_{args.store}", lang)
        if args.store == "default":
            # What Engine() opens when a host gives no store.
            path = default_sqlite_path()
            store = SqliteStore(path)
            where = where.format(path=path)
        elif args.store == "temporary":
            # A throwaway file: durability on power loss buys nothing here.
            store = SqliteStore(Path(folder) / "demo.sqlite3", synchronous="NORMAL")
        else:
            store = MemoryStore()
        try:
            clock = SimulatedClock(_local(2026, 10, 5, 9))
            engine = Engine(Registry.shipped(), store=store, clock=clock, guards=_host_guards())
            out.write(_text("intro", lang).format(store=where))
            scripts = (
                (_case_conference, _unused_case_id(store, CASE_CONFERENCE_ID)),
                (_family_conference, _unused_case_id(store, FAMILY_CASE_ID)),
            )
            for script, case_id in scripts:
                out.write("\n")
                try:
                    verified &= script(engine, clock, case_id, lang, out.write)
                except KwflowError as exc:
                    # The script is ours: a refusal here is a bug in kwflow or the demo.
                    print(f"kwflow demo: a step was refused unexpectedly: {exc}", file=sys.stderr)
                    return EXIT_PROBLEMS
            out.flush()
        finally:
            store.close()
    return EXIT_OK if verified else EXIT_PROBLEMS


def _unused_case_id(store: CaseStore, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever the store does not hold yet."""
    case_id, number = base, 1
    while store.version(case_id) != 0:
        number += 1
        case_id = f"{base}-{number}"
    return case_id


# ----------------------------------------------------------------- wording

_TEXT: dict[str, dict[Language, str]] = {
    "intro": {
        "en": (
            "kwflow demo: a case conference and a family conference, end to end, on a\n"
            "simulated clock. Store: {store}.\n"
            "Times are Prague time; 28 October, 24-26 December and 1 January are\n"
            "Czech public holidays.\n"
        ),
        "cs": (
            "kwflow demo: případová a rodinná konference od začátku do konce na\n"
            "simulovaných hodinách. Úložiště: {store}.\n"
            "Časy jsou pražské; 28. říjen, 24.-26. prosinec a 1. leden jsou státní\n"
            "svátky.\n"
        ),
    },
    "store_default": {
        "en": "the default SQLite file, {path}",
        "cs": "výchozí soubor SQLite, {path}",
    },
    "store_temporary": {"en": "SQLite, a temporary file", "cs": "SQLite, dočasný soubor"},
    "store_memory": {"en": "memory", "cs": "paměť"},
    "sweep": {
        "en": "background job: deadlines checked",
        "cs": "úloha na pozadí: kontrola lhůt",
    },
    "case": {"en": "Case", "cs": "Případ"},
    "outcome": {"en": "outcome", "cs": "výsledek"},
    "events": {"en": "events", "cs": "událostí"},
    "verified": {
        "en": "history verified: hash chain intact, replay equals the case",
        "cs": "historie ověřena: řetězec hashů neporušen, přehrání dává týž případ",
    },
    "not_verified": {"en": "HISTORY DOES NOT VERIFY", "cs": "HISTORIE NEPROŠLA OVĚŘENÍM"},
    "breaches": {"en": "breaches recorded", "cs": "zaznamenaná porušení"},
}


def _text(key: str, lang: Language) -> str:
    return _TEXT[key][lang]


def _local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(TIMEZONE))


# ------------------------------------------------------------- host guards


def _add_months(day: date, months: int) -> date:
    import calendar
    from datetime import date

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _child_safe_to_attend(context: GuardContext) -> bool | str:
    """As a host might: a child attends only if the referrer did not judge it unsafe."""
    referral = context.case.latest("referral")
    if context.case.people_in("child") and (
        referral is None or referral.data["child_attendance"] == "not_safe"
    ):
        return "the referrer has not judged it safe for the child to attend"
    return True


def _review_date_within_period(context: GuardContext) -> bool | str:
    """As a host might: the agreed review within 6 months (a child under 7) or 12."""
    from datetime import date
    from zoneinfo import ZoneInfo

    case = context.case
    if context.action == "approve_plan":
        source, field = case.latest("approval_decision"), "review_on"
    else:
        source, field = case.latest("review_record"), "next_review_on"
    referral = case.latest("referral")
    agreed = source.data.get(field) if source is not None else None
    if agreed is None or referral is None or context.now is None:
        return "no review date is agreed"
    months = 6 if referral.data["child_age_band"] == "under_seven" else 12
    today = context.now.astimezone(ZoneInfo(TIMEZONE)).date()
    if date.fromisoformat(agreed) > _add_months(today, months):
        return f"the review is more than {months} months away"
    return True


def _host_guards() -> dict[str, Callable[[GuardContext], bool | str]]:
    return {
        "child_safe_to_attend": _child_safe_to_attend,
        "review_date_within_period": _review_date_within_period,
    }


# --------------------------------------------------------------- the runner


class _Timeline:
    """Gives a script's steps to the engine and records each on the shared timeline."""

    def __init__(
        self,
        engine: Engine,
        clock: SimulatedClock,
        case_id: str,
        people: Mapping[str, Mapping[Language, str]],
        lang: Language,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.case_id = case_id
        self.people = people
        self.lang = lang
        self.number = 0
        self.timeline: TimelineRecorder | None = None

    def person(self, person: str) -> str:
        return self.people[person][self.lang]

    def _words(self, command: str, target: str | None = None, role: str | None = None) -> str:
        from kwflow.authoring import describe_command

        return describe_command(
            self.engine.process_of(self.case_id), command, target, role=role, lang=self.lang
        )

    # -- steps

    def open(self, process_id: str, when: datetime, who: str) -> None:
        from kwflow.authoring import TimelineRecorder

        self.clock.set(when)
        case = self.engine.open_case(process_id, by=who, case_id=self.case_id)
        process = self.engine.process_of(case.id)
        self.timeline = TimelineRecorder(self.engine, case.id, process, lang=self.lang)
        self._record(who, self._words("opened"), None, None)

    def _step(
        self,
        when: datetime | None,
        who: str | None,
        what: str,
        note: Mapping[Language, str] | None,
        command: Callable[[], object],
        *,
        refused: bool = False,
    ) -> None:
        from kwflow.exceptions import KwflowError

        if when is not None:
            self.clock.set(when)
        self.number += 1
        refusal: str | None = None
        if refused:
            try:
                command()
            except KwflowError as exc:
                refusal = str(exc)
            else:  # pragma: no cover - the demo's script says it is refused
                raise AssertionError(f"step {self.number} was expected to be refused")
        else:
            command()
        self._record(who, what, note[self.lang] if note else None, refusal)

    def act(
        self,
        when: datetime | None,
        who: str,
        action: str,
        data: Mapping[str, Any] | None = None,
        *,
        note: Mapping[Language, str] | None = None,
        refused: bool = False,
    ) -> None:
        self._step(
            when,
            who,
            self._words("act", action),
            note,
            lambda: self.engine.act(self.case_id, action, by=who, data=data),
            refused=refused,
        )

    def submit(
        self,
        when: datetime | None,
        who: str,
        artifact: str,
        data: Mapping[str, Any],
        *,
        note: Mapping[Language, str] | None = None,
    ) -> None:
        self._step(
            when,
            who,
            self._words("submit", artifact),
            note,
            lambda: self.engine.submit(self.case_id, artifact, data, by=who),
        )

    def assign(
        self,
        when: datetime | None,
        who: str,
        person: str,
        role: str,
        *,
        note: Mapping[Language, str] | None = None,
        refused: bool = False,
    ) -> None:
        self._step(
            when,
            who,
            self._words("assign", self.person(person), role),
            note,
            lambda: self.engine.assign(self.case_id, person, role, by=who),
            refused=refused,
        )

    def call_in(self, when: datetime | None, who: str, role: str, *, dismiss: bool = False) -> None:
        command = "dismiss" if dismiss else "call_in"
        self._step(
            when,
            who,
            self._words(command, role),
            None,
            lambda: getattr(self.engine, command)(self.case_id, role, by=who),
        )

    def sweep(self, when: datetime, *, note: Mapping[Language, str] | None = None) -> None:
        self._step(
            when,
            None,
            _text("sweep", self.lang),
            note,
            lambda: self.engine.record_case_breaches(self.case_id),
        )

    def _record(self, who: str | None, what: str, note: str | None, refused: str | None) -> None:
        assert self.timeline is not None
        self.timeline.record(
            self.clock.now(),
            self.person(who) if who is not None else None,
            what,
            note,
            refused,
            refusal_expected=refused is not None,
        )

    def report(self, title: Mapping[Language, str], write: Callable[[str], object]) -> bool:
        """Print the timeline and the verdict on the history; whether it verifies."""
        from kwflow.authoring import ScenarioResult, format_timeline
        from kwflow.exceptions import TamperedHistory

        assert self.timeline is not None
        process = self.timeline.process
        result = ScenarioResult(
            title=title[self.lang],
            file=None,
            process=process,
            entries=tuple(self.timeline.entries),
            failure=None,
        )
        write(format_timeline(result, lang=self.lang))
        case = self.engine.get(self.case_id)
        events = self.engine.history(self.case_id)
        breaches = sum(1 for event in events if event.type == "deadline_breached")
        try:
            self.engine.verify(self.case_id)
            verified = self.engine.replay(self.case_id) == case
        except TamperedHistory:
            verified = False
        info = process.phase_info(case.phase.id)
        label = info.phase.label.text(self.lang) if info else case.phase.id
        verdict = _text("verified" if verified else "not_verified", self.lang)
        write(
            f"{_text('case', self.lang)} {case.id} · "
            f"{_text('outcome', self.lang)}: {case.outcome} ({label}) · "
            f"{len(events)} {_text('events', self.lang)} · "
            f"{_text('breaches', self.lang)}: {breaches} · {verdict}\n"
        )
        return verified


# ---------------------------------------------------------- case conference

_CASE_CONFERENCE_PEOPLE: dict[str, dict[Language, str]] = {
    "kralova": {"en": "Mgr. Králová (OSPOD)", "cs": "Mgr. Králová (OSPOD)"},
    "petra": {"en": "Petra Malá (organizer, NGO)", "cs": "Petra Malá (organizátorka, NNO)"},
    "pavel": {"en": "Pavel Hora (provider)", "cs": "Pavel Hora (poskytovatel)"},
    "filip": {"en": "Filip Beneš (facilitator)", "cs": "Filip Beneš (facilitátor)"},
    "zuzana": {"en": "Zuzana Krejčí (recorder)", "cs": "Zuzana Krejčí (zapisovatelka)"},
    "marie": {"en": "Marie Dvořáková (mother)", "cs": "Marie Dvořáková (matka)"},
    "skola": {"en": "ZŠ Lipová (school)", "cs": "ZŠ Lipová (škola)"},
}


def _case_conference(
    engine: Engine,
    clock: SimulatedClock,
    case_id: str,
    lang: Language,
    write: Callable[[str], object],
) -> bool:
    from datetime import date

    t = _Timeline(engine, clock, case_id, _CASE_CONFERENCE_PEOPLE, lang)
    meeting = _local(2026, 10, 27, 14)
    t.open("case_conference", _local(2026, 10, 5, 9), "kralova")
    t.assign(None, "kralova", "kralova", "ospod_worker")
    t.assign(None, "kralova", "petra", "organizer")
    t.assign(None, "kralova", "pavel", "provider")
    t.submit(
        _local(2026, 10, 5, 9, 30),
        "kralova",
        "request_form",
        {
            "requested_on": date(2026, 10, 5),
            "initiated_by": "ospod",
            "reason": "Tomáš keeps missing school; worries about his care at home.",
            "goal": "Agree concrete tasks for the family, the school and OSPOD.",
            "court_measure_considered": False,
            "proposed_participants": [
                {"name": "Marie Dvořáková", "role": "parent"},
                {"name": "ZŠ Lipová", "role": "professional"},
            ],
            "convener": "kralova",
            "organizer": "petra",
        },
    )
    t.submit(
        _local(2026, 10, 6, 11),
        "pavel",
        "suitability",
        {"suitable": True, "reasoning": "The mother cooperates; the school is willing to meet."},
    )
    t.act(None, "pavel", "accept_request")
    t.assign(_local(2026, 10, 7, 10), "pavel", "filip", "facilitator")
    t.submit(
        _local(2026, 10, 13, 10),
        "petra",
        "schedule",
        {"starts_at": meeting, "place": "Komunitní centrum, Lipová 12", "length_minutes": 120},
    )
    t.act(None, "petra", "agree_date")
    t.assign(_local(2026, 10, 13, 11), "filip", "zuzana", "recorder")
    t.assign(None, "petra", "marie", "parent")
    t.assign(None, "petra", "skola", "professional")
    t.submit(
        _local(2026, 10, 14, 10),
        "petra",
        "invitations",
        {
            "purpose": "Name the risks together and agree who does what.",
            "goal": "Tomáš goes to school every day and is cared for.",
            "length_minutes": 120,
            "format": "One facilitated session of at most two hours, no breaks.",
            "invitees": [
                {
                    "name": "Marie Dvořáková",
                    "role": "parent",
                    "sent_on": date(2026, 10, 14),
                    "informed": True,
                    "confirmed": True,
                },
                {
                    "name": "ZŠ Lipová",
                    "role": "professional",
                    "sent_on": date(2026, 10, 14),
                    "informed": True,
                    "confirmed": True,
                },
            ],
        },
    )
    t.submit(
        None,
        "petra",
        "arrangements",
        {
            "room_ready": True,
            "flipchart": True,
            "refreshments": True,
            "child_preparation": "not_attending",
        },
    )
    t.act(_local(2026, 10, 27, 13, 20), "filip", "facilitator_arrived")
    t.act(_local(2026, 10, 27, 13, 25), "zuzana", "recorder_arrived")
    t.act(
        _local(2026, 10, 27, 13, 50),
        "filip",
        "start_meeting",
        note={
            "en": "nobody has recorded who came yet",
            "cs": "docházku zatím nikdo nezapsal",
        },
        refused=True,
    )
    t.submit(
        _local(2026, 10, 27, 13, 55),
        "petra",
        "attendance",
        {
            "family_present": True,
            "ospod_worker_present": True,
            "attendees": [
                {"name": "Marie Dvořáková", "role": "parent", "present": True},
                {"name": "ZŠ Lipová", "role": "professional", "present": False},
            ],
            "absence_decision": "proceed",
            "decision_reason": "The school sent its report in writing.",
        },
        note={
            "en": "the school is absent: the organizer decides to go ahead",
            "cs": "škola chybí: organizátorka rozhodla jednat i bez ní",
        },
    )
    t.act(meeting, "filip", "start_meeting")
    t.act(_local(2026, 10, 27, 15, 50), "filip", "end_meeting")
    t.sweep(
        _local(2026, 11, 5, 7),
        note={
            "en": "the minutes were due by the end of Wed 4 November (28 October is a holiday)",
            "cs": "zápis měl přijít do konce st 4. listopadu (28. října je svátek)",
        },
    )
    t.submit(
        _local(2026, 11, 5, 10),
        "zuzana",
        "minutes",
        {
            "held_on": date(2026, 10, 27),
            "place": "Komunitní centrum, Lipová 12",
            "attendees": [
                {"name": "Marie Dvořáková", "role": "parent"},
                {"name": "Mgr. Králová", "role": "ospod_worker"},
            ],
            "risks": "Tomáš misses school; his mother is overloaded.",
            "tasks": [
                {"task": "Walk Tomáš to school", "owner": "grandmother", "due": date(2026, 11, 30)},
            ],
            "next_steps": "OSPOD checks attendance with the school in four weeks.",
        },
    )
    t.act(
        None,
        "zuzana",
        "deliver_minutes",
        note={
            "en": "late minutes are accepted and recorded as late",
            "cs": "pozdní zápis je přijat a zaznamenán jako pozdní",
        },
    )
    return t.report(
        {
            "en": "Case conference: meeting before 28 October, minutes late",
            "cs": "Případová konference: setkání před 28. říjnem, zápis po lhůtě",
        },
        write,
    )


# --------------------------------------------------------- family conference

_FAMILY_PEOPLE: dict[str, dict[Language, str]] = {
    "novakova": {"en": "Mgr. Nováková (OSPOD)", "cs": "Mgr. Nováková (OSPOD)"},
    "svoboda": {"en": "Bc. Svoboda (coordinator)", "cs": "Bc. Svoboda (koordinátor)"},
    "jana": {"en": "Jana Veselá (mother)", "cs": "Jana Veselá (matka)"},
    "josef": {"en": "Josef Veselý (grandfather)", "cs": "Josef Veselý (dědeček)"},
    "eliska": {"en": "Eliška (6)", "cs": "Eliška (6 let)"},
    "vera": {"en": "Věra (Eliška's godmother)", "cs": "Věra (kmotra Elišky)"},
    "dvorak": {"en": "Mgr. Dvořák (teacher)", "cs": "Mgr. Dvořák (učitel)"},
}


def _family_conference(
    engine: Engine,
    clock: SimulatedClock,
    case_id: str,
    lang: Language,
    write: Callable[[str], object],
) -> bool:
    from datetime import date

    t = _Timeline(engine, clock, case_id, _FAMILY_PEOPLE, lang)
    plan: dict[str, Any] = {
        "items": [
            {
                "task": "Take Eliška to school every morning",
                "owner": "Josef",
                "due": date(2027, 2, 1),
            },
            {"task": "Start parenting counselling", "owner": "Jana", "due": date(2027, 2, 15)},
        ],
        "help_needed": [{"help": "Counselling appointments", "provided_by": "Poradna Most"}],
        "monitoring": "Věra calls every Sunday; the family meets once a month.",
    }
    t.open("family_conference", _local(2026, 11, 23, 9), "novakova")
    t.assign(None, "novakova", "jana", "family_member")
    t.assign(None, "novakova", "josef", "family_member")
    t.assign(None, "novakova", "eliska", "child")
    t.submit(
        _local(2026, 11, 23, 10),
        "novakova",
        "referral",
        {
            "referred_on": date(2026, 11, 23),
            "concerns": "Eliška often misses school and is left alone in the evenings.",
            "question": "How will the family make sure Eliška is safe and goes to school?",
            "bottom_lines": [{"condition": "Eliška is never left alone overnight."}],
            "child_age_band": "under_seven",
            "child_attendance": "in_part",
        },
    )
    t.submit(
        _local(2026, 11, 26, 15),
        "jana",
        "consent",
        {"decision": "given", "decided_by": "jana", "decided_at": _local(2026, 11, 26, 15)},
    )
    t.act(_local(2026, 11, 26, 15, 10), "novakova", "start_preparation")
    t.assign(
        None,
        "novakova",
        "novakova",
        "coordinator",
        note={
            "en": "the referrer can never be the coordinator",
            "cs": "zadavatelka nemůže být koordinátorkou",
        },
        refused=True,
    )
    t.assign(None, "novakova", "svoboda", "coordinator")
    t.assign(_local(2026, 12, 2, 14), "svoboda", "vera", "support_person")
    t.assign(None, "svoboda", "dvorak", "professional")
    t.submit(
        _local(2026, 12, 14, 17),
        "jana",
        "invitation_list",
        {
            "invitees": [
                {"name": "Jana Veselá", "role": "family_member", "confirmed": True},
                {
                    "name": "Josef Veselý",
                    "relationship": "grandfather",
                    "role": "family_member",
                    "confirmed": True,
                },
                {
                    "name": "Věra",
                    "relationship": "godmother",
                    "role": "support_person",
                    "confirmed": True,
                },
                {"name": "Mgr. Dvořák", "role": "professional", "confirmed": True},
            ]
        },
    )
    t.submit(
        _local(2026, 12, 16, 11),
        "svoboda",
        "arrangements",
        {
            "place": "The grandparents' house, Tábor",
            "starts_at": _local(2027, 1, 9, 10),
            "practicalities": "Lunch by the family; the date falls after the holidays.",
        },
    )
    t.act(_local(2027, 1, 9, 10), "svoboda", "open_conference")
    t.act(_local(2027, 1, 9, 11), "svoboda", "start_private_time")
    t.call_in(_local(2027, 1, 9, 11, 40), "josef", "coordinator")
    t.call_in(_local(2027, 1, 9, 11, 50), "jana", "coordinator", dismiss=True)
    t.submit(_local(2027, 1, 9, 12, 30), "jana", "family_plan", plan)
    t.act(_local(2027, 1, 9, 12, 45), "jana", "end_private_time")
    t.submit(
        _local(2027, 1, 9, 13),
        "novakova",
        "approval_decision",
        {
            "decision": "rejected",
            "reasons": "Who stays with Eliška when Josef works early shifts?",
            "decided_at": _local(2027, 1, 9, 13),
        },
    )
    t.act(None, "novakova", "reject_plan")
    t.submit(
        _local(2027, 1, 9, 13, 40),
        "jana",
        "family_plan",
        {
            **plan,
            "items": [
                *plan["items"],
                {
                    "task": "Stay with Eliška on early-shift days",
                    "owner": "Věra",
                    "due": date(2027, 1, 31),
                },
            ],
        },
    )
    t.act(_local(2027, 1, 9, 13, 50), "jana", "end_private_time")
    t.submit(
        _local(2027, 1, 9, 14),
        "novakova",
        "approval_decision",
        {
            "decision": "approved",
            "decided_at": _local(2027, 1, 9, 14),
            "review_on": date(2027, 6, 30),
        },
    )
    t.act(None, "novakova", "approve_plan")
    t.act(_local(2027, 6, 30, 16), "svoboda", "start_review")
    t.submit(
        _local(2027, 6, 30, 17),
        "svoboda",
        "review_record",
        {
            "held_on": date(2027, 6, 30),
            "done": "Eliška missed no school day; counselling is under way.",
            "decision": "close",
        },
    )
    t.act(None, "novakova", "close_case")
    return t.report(
        {
            "en": "Family conference: over Christmas and the New Year",
            "cs": "Rodinná konference: přes Vánoce a Nový rok",
        },
        write,
    )
