"""Walking the shipped processes through the public API, checked after every step.

`CaseWalk` gives one command at a time to a real `kwflow.Engine` (memory
store, simulated clock) and, after every accepted step, checks what must
always hold: replaying the history gives the live case, the case survives a
JSON round trip, and the history verifies. A refused step is checked to
change nothing at all.

`FamilyConference` and `CaseConference` name the steps of practice (the
referrer refers, the family consents, the recorder delivers the minutes...)
with realistic data, so that a test reads like the case it describes. The
people are pseudonymous; times are Prague wall-clock times.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

import pytest

from kwflow import Case, DeadlineStatus, Engine, Organisation, Registry, SimulatedClock
from kwflow.exceptions import ActionNotAllowed, KwflowError
from kwflow.store import MemoryStore

from .runtime import FAR_FUTURE, Unchanged, check_case

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.definition import Process
    from kwflow.engine import Guard
    from kwflow.history import Event
    from kwflow.store import CaseStore

PRAGUE = ZoneInfo("Europe/Prague")

E = TypeVar("E", bound=KwflowError)


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Prague wall-clock moment (aware)."""
    return datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


def end_of_local_day(day: date) -> datetime:
    """The last microsecond of ``day`` in Prague, where working-day deadlines end."""
    return datetime.combine(day, time(23, 59, 59, 999_999), tzinfo=PRAGUE)


# -------------------------------------------------------------- the walk


@functools.cache
def _shipped() -> Registry:
    # Loading and checking the shipped files once is enough: a registry is
    # only read, and a fresh engine (store, clock) is made for every walk.
    return Registry.shipped()


class CaseWalk:
    """One case, walked command by command; every accepted step is checked."""

    process_id = ""
    # The organisation each person works for, given to versions that declare
    # organisation kinds (version 1 declares none, and is given none).
    known_organisations: ClassVar[Mapping[str, Organisation]] = {}

    def __init__(
        self,
        opener: str,
        *,
        start: datetime,
        case_id: str = "case-1",
        guards: Mapping[str, Guard] | None = None,
        version: int | None = None,
        store: CaseStore | None = None,
    ) -> None:
        self.clock = SimulatedClock(start)
        # No host guards unless a test gives some: the guards the shipped
        # processes name are kwflow's own, so every walk shows that a host
        # needs no code of its own to run them.
        self.engine = Engine(
            _shipped(), store=store or MemoryStore(), clock=self.clock, guards=guards
        )
        self.case_id = case_id
        kinds = {
            kind.id
            for kind in self.engine.registry.get(self.process_id, version).organisation_kinds
        }
        self.organisations: dict[str, Organisation] = {
            person: organisation
            for person, organisation in self.known_organisations.items()
            if organisation.kind in kinds
        }
        self.accepted(
            self.engine.open_case(
                self.process_id,
                by=opener,
                case_id=case_id,
                version=version,
                organisation=self.organisations.get(opener),
            )
        )
        # The version the case runs: the newest when none was asked for.
        self.version = self.case.process.version

    # -- time

    def at(self, moment: datetime) -> None:
        """Move the clock forward to ``moment``."""
        assert moment >= self.clock.now(), "a walk only moves forward in time"
        self.clock.set(moment)

    def later(self, **amount: float) -> None:
        """Move the clock forward by ``days=``, ``hours=``, ``minutes=``."""
        self.clock.advance(**amount)

    # -- reading

    @property
    def case(self) -> Case:
        """The case as it stands."""
        return self.engine.get_unfiltered(self.case_id)

    @property
    def process(self) -> Process:
        """The exact process version the case runs."""
        return self.engine.process_of(self.case_id)

    @property
    def phase(self) -> str:
        """The case's leaf phase."""
        return self.case.phase.id

    def status(self, deadline: str) -> DeadlineStatus:
        """The status of one deadline of the case."""
        return self.case.deadlines[deadline].status

    def events_of_type(self, type_: str) -> list[Event]:
        """The recorded events of one type, oldest first."""
        return [
            event for event in self.engine.history_unfiltered(self.case_id) if event.type == type_
        ]

    # -- commands (each checked)

    def accepted(self, case: Case) -> Case:
        """Check the case a command returned against the engine's and its history."""
        check_case(self.engine, case)
        return case

    def assign(self, person: str, role: str, *, by: str) -> Case:
        """Give ``person`` the ``role``."""
        return self.accepted(
            self.engine.assign(
                self.case_id, person, role, by=by, organisation=self.organisations.get(person)
            )
        )

    def unassign(self, person: str, role: str, *, by: str) -> Case:
        """Take the ``role`` from ``person``."""
        return self.accepted(self.engine.unassign(self.case_id, person, role, by=by))

    def submit(
        self, artifact: str, data: Mapping[str, Any], *, by: str, about: str | None = None
    ) -> Case:
        """Submit a version of a document (of a per-person one: the copy ``about`` someone)."""
        return self.accepted(self.engine.submit(self.case_id, artifact, data, by=by, about=about))

    def act(self, action: str, *, by: str, data: Mapping[str, Any] | None = None) -> Case:
        """Take an action."""
        return self.accepted(self.engine.act(self.case_id, action, by=by, data=data))

    def replace(self, role: str, person: str, successor: str, *, by: str, reason: str) -> Case:
        """Hand ``role`` over from ``person`` to ``successor`` (a handover)."""
        return self.accepted(
            self.engine.replace(
                self.case_id,
                role,
                person,
                successor,
                by=by,
                reason=reason,
                organisation=self.organisations.get(successor),
            )
        )

    def call_in(self, role: str, *, by: str) -> Case:
        """Call an on-call role into the room."""
        return self.accepted(self.engine.call_in(self.case_id, role, by=by))

    def dismiss(self, role: str, *, by: str) -> Case:
        """Send a called-in role out again."""
        return self.accepted(self.engine.dismiss(self.case_id, role, by=by))

    def sweep(self) -> tuple[Event, ...]:
        """What a host's background job does: record the breaches due by now."""
        events = self.engine.record_case_breaches(self.case_id)
        check_case(self.engine, self.case)
        return events

    def refused(self, error: type[E]) -> Refusal[E]:
        """The same commands, each expected to be refused with ``error`` and change nothing."""
        return Refusal(self, error)

    def allowed(self, person: str) -> set[str]:
        """The actions ``person`` may take now."""
        return {
            option.action
            for option in self.engine.available_actions(self.case_id, person)
            if option.allowed
        }

    # -- the end

    def assert_closed_for_good(self, outcome: str) -> None:
        """The case has ``outcome`` and every further command is refused, changing nothing."""
        case = self.case
        assert case.outcome == outcome
        assert case.closed
        # Asked of everyone still taking part (the opener may have handed their role over).
        for person in case.participants:
            assert self.engine.available_actions(self.case_id, person) == []
        process = self.process
        people = list(case.participants)
        # Someone still taking part sends the rest (a stranger is refused before anything).
        insider = case.opened_by if case.opened_by in case.participants else people[0]
        refuse = self.refused(ActionNotAllowed)
        closed = f"closed with the outcome {outcome!r}"
        for action in process.actions:
            for person in people:
                error = refuse.act(action.id, by=person)
                assert any(closed in reason for reason in error.reasons), error
        for artifact in process.artifacts:
            error = refuse.submit(artifact.id, {}, by=insider)
            assert any(closed in reason for reason in error.reasons), error
        for role in process.roles:
            error = refuse.assign("someone-new", role.id, by=insider)
            assert any(closed in reason for reason in error.reasons), error
        for person, roles in case.participants.items():
            error = refuse.unassign(person, roles[0], by=insider)
            assert any(closed in reason for reason in error.reasons), error
        for role in process.roles:
            for command in (refuse.call_in, refuse.dismiss):
                error = command(role.id, by=insider)
                assert any(closed in reason for reason in error.reasons), error
        assert self.case == case
        assert self.engine.record_case_breaches(self.case_id, now=FAR_FUTURE) == ()
        assert self.case == case


class Refusal(Generic[E]):
    """Commands on a walk that must be refused with one error type and change nothing."""

    def __init__(self, walk: CaseWalk, error: type[E]) -> None:
        self.walk = walk
        self.error = error

    def _attempt(self, command: str, *args: Any, **kwargs: Any) -> E:
        engine = self.walk.engine
        with Unchanged(engine, self.walk.case_id), pytest.raises(self.error) as caught:
            getattr(engine, command)(self.walk.case_id, *args, **kwargs)
        check_case(engine, self.walk.case)
        return caught.value

    def assign(self, person: str, role: str, *, by: str) -> E:
        """Assigning must be refused."""
        return self._attempt("assign", person, role, by=by)

    def unassign(self, person: str, role: str, *, by: str) -> E:
        """Unassigning must be refused."""
        return self._attempt("unassign", person, role, by=by)

    def submit(self, artifact: str, data: Mapping[str, Any], *, by: str) -> E:
        """Submitting must be refused."""
        return self._attempt("submit", artifact, data, by=by)

    def act(self, action: str, *, by: str, data: Mapping[str, Any] | None = None) -> E:
        """Taking the action must be refused."""
        return self._attempt("act", action, by=by, data=data)

    def replace(self, role: str, person: str, successor: str, *, by: str, reason: str) -> E:
        """Handing the role over must be refused."""
        return self._attempt("replace", role, person, successor, by=by, reason=reason)

    def call_in(self, role: str, *, by: str) -> E:
        """Calling in must be refused."""
        return self._attempt("call_in", role, by=by)

    def dismiss(self, role: str, *, by: str) -> E:
        """Dismissing must be refused."""
        return self._attempt("dismiss", role, by=by)


# ------------------------------------------------------ family conference

# The people of a family conference (pseudonymous).
REFERRER = "novakova"  # Mgr. Nováková, OSPOD social worker
COORDINATOR = "svoboda"  # Bc. Svoboda, independent coordinator
MOTHER = "jana"  # Jana, the mother
GRANDFATHER = "josef"  # Josef, the grandfather
CHILD = "eliska"  # Eliška, 6
SUPPORT = "vera"  # Věra, Eliška's godmother and support person
TEACHER = "dvorak"  # Mgr. Dvořák, Eliška's teacher (professional)

FAMILY_PLAN: dict[str, Any] = {
    "items": [
        {"task": "Take Eliška to school every morning", "owner": "Josef", "due": date(2027, 2, 1)},
        {"task": "Start parenting counselling", "owner": "Jana", "due": date(2027, 2, 15)},
    ],
    "help_needed": [{"help": "Counselling appointments", "provided_by": "Family counselling"}],
    "monitoring": "Věra calls the family every Sunday; the network meets monthly.",
}
"""A plan that meets every requirement: owner, task and date on each item."""


FAMILY_CONFERENCE_PHASES = (
    "referral",
    "preparation",
    "information_sharing",
    "private_family_time",
    "plan_presentation",
    "implementation",
    "review",
)
"""The family conference's phases in the order a walk passes them (`FamilyConference.to`)."""


class FamilyConference(CaseWalk):
    """A family conference, from the referral on (opened by the OSPOD referrer)."""

    process_id = "family_conference"
    known_organisations: ClassVar[Mapping[str, Organisation]] = {
        REFERRER: Organisation("ospod_praha_2", "ospod"),
        "horakova": Organisation("ospod_praha_2", "ospod"),
        COORDINATOR: Organisation("rodinne_konference_zs", "coordination_service"),
        "kucera": Organisation("rodinne_konference_zs", "coordination_service"),
        TEACHER: Organisation("zs_lipova", "other"),
    }

    def __init__(
        self,
        *,
        start: datetime | None = None,
        case_id: str = "fc-1",
        guards: Mapping[str, Guard] | None = None,
        version: int | None = None,
        store: CaseStore | None = None,
    ) -> None:
        super().__init__(
            REFERRER,
            start=start or local(2026, 11, 23),
            case_id=case_id,
            guards=guards,
            version=version,
            store=store,
        )

    def refer(self, *, child_age_band: str = "under_seven", attendance: str = "in_part") -> None:
        """The referrer names the family network and writes the referral."""
        self.assign(MOTHER, "family_member", by=REFERRER)
        self.assign(GRANDFATHER, "family_member", by=REFERRER)
        self.assign(CHILD, "child", by=REFERRER)
        self.submit(
            "referral",
            {
                "referred_on": self.clock.now().astimezone(PRAGUE).date(),
                "concerns": "Eliška often misses school and is left alone in the evenings.",
                "question": "How will the family make sure Eliška is safe and goes to school?",
                "bottom_lines": [{"condition": "Eliška is never left alone overnight."}],
                "child_age_band": child_age_band,
                "child_attendance": attendance,
            },
            by=REFERRER,
        )

    def family_decides(self, decision: str, *, by: str = MOTHER) -> None:
        """The family gives or refuses consent (recorded by ``by``)."""
        self.submit(
            "consent",
            {"decision": decision, "decided_by": MOTHER, "decided_at": self.clock.now()},
            by=by,
        )

    def hand_over(self) -> None:
        """The referrer starts the preparation and assigns the coordinator."""
        self.act("start_preparation", by=REFERRER)
        self.assign(COORDINATOR, "coordinator", by=REFERRER)

    def prepare(self, *, starts_at: datetime | None = None) -> None:
        """The coordinator meets everyone; the family invites its network; place and time."""
        self.later(days=3)
        self.assign(SUPPORT, "support_person", by=COORDINATOR)
        self.assign(TEACHER, "professional", by=COORDINATOR)
        self.submit(
            "coordinator_notes",
            {
                "conversations": [
                    {
                        "held_on": self.clock.now().astimezone(PRAGUE).date(),
                        "with_whom": "Jana and Josef",
                        "notes": "Both want the grandparents to help with mornings.",
                    }
                ]
            },
            by=COORDINATOR,
        )
        self.submit(
            "invitation_list",
            {
                "invitees": [
                    {"name": "Jana", "role": "family_member", "confirmed": True},
                    {
                        "name": "Josef",
                        "relationship": "grandfather",
                        "role": "family_member",
                        "confirmed": True,
                    },
                    {"name": "Věra", "role": "support_person", "confirmed": True},
                    {"name": "Mgr. Dvořák", "role": "professional", "confirmed": True},
                ]
            },
            by=MOTHER,
        )
        if self.process.artifact("invitation") is not None:
            self.invite_everyone()
        self.submit(
            "arrangements",
            {
                "place": "The grandparents' house",
                "starts_at": starts_at or local(2027, 1, 9, 10),
                "practicalities": "Lunch by the family; childcare for the youngest.",
            },
            by=COORDINATOR,
        )

    def invite_everyone(self) -> None:
        """Version 2: each person invited gets an invitation and is told about the conference."""
        today = self.clock.now().astimezone(PRAGUE).date()
        for role in ("family_member", "child", "support_person", "professional"):
            for person in self.case.people_in(role):
                data: dict[str, Any] = {"sent_on": today, "informed": True, "confirmed": True}
                if role == "child":
                    data["child_friendly"] = True
                self.submit("invitation", data, by=COORDINATOR, about=person)

    def open_conference(self) -> None:
        """The coordinator opens the conference: information sharing."""
        arrangements = self.case.latest("arrangements")
        assert arrangements is not None
        self.at(datetime.fromisoformat(arrangements.data["starts_at"]))
        self.act("open_conference", by=COORDINATOR)

    def leave_family_alone(self) -> None:
        """Information shared; professionals, referrer and coordinator leave the room."""
        self.later(hours=1)
        self.act("start_private_time", by=COORDINATOR)

    def family_writes_plan(self, plan: Mapping[str, Any] = FAMILY_PLAN) -> None:
        """The family writes its plan in private."""
        self.later(hours=1)
        self.submit("family_plan", plan, by=MOTHER)

    def present_plan(self) -> None:
        """The family asks everyone back in."""
        self.later(minutes=15)
        self.act("end_private_time", by=MOTHER)

    def decide(
        self, decision: str, *, reasons: str | None = None, review_on: date | None = None
    ) -> None:
        """The referrer records the decision on the plan."""
        data: dict[str, Any] = {"decision": decision, "decided_at": self.clock.now()}
        if reasons is not None:
            data["reasons"] = reasons
        if review_on is not None:
            data["review_on"] = review_on
        self.submit("approval_decision", data, by=REFERRER)

    def reject_for_amendment(self, reasons: str) -> None:
        """The referrer rejects the plan with reasons; the family goes back to amend it."""
        self.decide("rejected", reasons=reasons)
        self.act("reject_plan", by=REFERRER)

    def approve(self, review_on: date = date(2027, 6, 30)) -> None:
        """The referrer approves the plan and the review date is agreed."""
        self.decide("approved", review_on=review_on)
        self.act("approve_plan", by=REFERRER)

    def review(self, decision: str, *, next_review_on: date | None = None) -> None:
        """The review meeting: what was done and what next."""
        self.act("start_review", by=COORDINATOR)
        data: dict[str, Any] = {
            "held_on": self.clock.now().astimezone(PRAGUE).date(),
            "done": "Eliška has missed no school day; counselling started.",
            "decision": decision,
        }
        if next_review_on is not None:
            data["next_review_on"] = next_review_on
        self.submit("review_record", data, by=COORDINATOR)

    def intervene(self, by: str = REFERRER) -> None:
        """OSPOD intervenes for the child's safety."""
        self.act(
            "intervene",
            by=by,
            data={
                "reason": "Eliška was found alone at night with a fever.",
                "measure": "Placed with the grandparents by a preliminary measure.",
                "decided_at": self.clock.now(),
            },
        )

    # -- walking to a phase

    def to(self, phase: str, *, child_age_band: str = "under_seven") -> FamilyConference:
        """Walk the realistic path to ``phase`` (a leaf phase of an open case)."""
        reached = FAMILY_CONFERENCE_PHASES.index(phase)
        self.refer(child_age_band=child_age_band)
        if reached >= 1:
            self.family_decides("given")
            self.hand_over()
        if reached >= 2:
            self.prepare()
            self.open_conference()
        if reached >= 3:
            self.leave_family_alone()
        if reached >= 4:
            self.family_writes_plan()
            self.present_plan()
        if reached >= 5:
            self.approve()
        if reached >= 6:
            self.at(local(2027, 6, 30, 16))
            self.act("start_review", by=COORDINATOR)
        assert self.phase == phase
        return self


# --------------------------------------------------------- case conference

# The people of a case conference (pseudonymous).
CONVENER = "kralova"  # Mgr. Králová, OSPOD: convener, and the OSPOD worker of the case
ORGANIZER = "petra"  # Petra, NGO worker organizing the conference
PROVIDER = "pavel"  # Pavel, the facilitation provider
FACILITATOR = "filip"  # Filip, trained facilitator
RECORDER = "zuzana"  # Zuzana, recorder
PARENT = "marie"  # Marie, the mother
PROFESSIONAL = "skola"  # the class teacher of ZŠ Lipová

MEETING_AT = local(2026, 10, 27, 14)
"""Tuesday 27 October 2026, 14:00; the next day, 28 October, is a public holiday."""

MINUTES: dict[str, Any] = {
    "held_on": date(2026, 10, 27),
    "place": "Community centre, Lipová 12",
    "attendees": [
        {"name": "Marie", "role": "parent"},
        {"name": "Mgr. Králová", "role": "ospod_worker"},
        {"name": "ZŠ Lipová", "role": "professional"},
    ],
    "risks": "Tomáš misses school; his mother is overloaded.",
    "tasks": [
        {"task": "Walk Tomáš to school", "owner": "grandmother", "due": date(2026, 11, 30)},
        {"task": "Offer a school counsellor", "owner": "ZŠ Lipová", "due": date(2026, 11, 13)},
    ],
    "next_steps": "OSPOD checks attendance with the school in four weeks.",
}

ALL_PRESENT: dict[str, Any] = {
    "family_present": True,
    "ospod_worker_present": True,
    "attendees": [
        {"name": "Marie", "role": "parent", "present": True},
        {"name": "ZŠ Lipová", "role": "professional", "present": True},
    ],
    "absence_decision": "nobody_absent",
}
"""Everyone came (version 1, which also asks for an explicit "nobody absent")."""

ALL_PRESENT_V2: dict[str, Any] = {
    key: value for key, value in ALL_PRESENT.items() if key != "absence_decision"
}
"""Everyone came (version 2 reads "nobody absent" from the list itself)."""

DELIVERY: dict[str, Any] = {
    "delivered_on": date(2026, 11, 2),
    "recipients": [
        {"name": "OSPOD", "role": "ospod", "channel": "data_box"},
        {"name": "Marie", "role": "parent", "channel": "email"},
        {"name": "ZŠ Lipová", "role": "professional", "channel": "email"},
    ],
}
"""Whom the minutes went to and when (version 2 records it with the delivery)."""

SCHEDULING_DEADLINE = {1: "date_agreed", 2: "conference_in_time"}
"""The case conference's one-month rule, by version: agreeing a date (1), holding it (2)."""


CASE_CONFERENCE_PHASES = ("request", "scheduling", "preparation", "meeting", "minutes")
"""The case conference's phases in the order a walk passes them (`CaseConference.to`)."""


class CaseConference(CaseWalk):
    """A case conference, from the request on (opened by the OSPOD convener)."""

    process_id = "case_conference"
    known_organisations: ClassVar[Mapping[str, Organisation]] = {
        CONVENER: Organisation("ospod_praha_5", "ospod"),
        "vesela": Organisation("ospod_praha_5", "ospod"),
        "novak": Organisation("ospod_praha_5", "ospod"),
        ORGANIZER: Organisation("rodina_v_centru", "social_service"),
        PROVIDER: Organisation("facilitace_praha", "facilitation_provider"),
        FACILITATOR: Organisation("facilitace_praha", "facilitation_provider"),
        "hana": Organisation("facilitace_praha", "facilitation_provider"),
    }

    def __init__(
        self,
        *,
        start: datetime | None = None,
        case_id: str = "cc-1",
        version: int | None = None,
        in_house: bool = False,
        store: CaseStore | None = None,
    ) -> None:
        super().__init__(
            CONVENER,
            start=start or local(2026, 10, 5),
            case_id=case_id,
            version=version,
            store=store,
        )
        # Version 2 only: a trained OSPOD colleague facilitates, no provider takes part.
        self.in_house = in_house
        if in_house and FACILITATOR in self.organisations:
            self.organisations[FACILITATOR] = self.organisations[CONVENER]

    @property
    def scheduling_deadline(self) -> str:
        """The id of the one-month rule in this case's version."""
        return SCHEDULING_DEADLINE[self.version]

    def request(self) -> None:
        """The convener names the organizer and provider and fills in the request form."""
        self.assign(CONVENER, "ospod_worker", by=CONVENER)
        self.assign(ORGANIZER, "organizer", by=CONVENER)
        if not self.in_house:
            self.assign(PROVIDER, "provider", by=CONVENER)
        extra: dict[str, Any] = {}
        if self.version >= 2:
            extra["facilitation"] = "in_house" if self.in_house else "external"
        self.submit(
            "request_form",
            {
                **extra,
                "requested_on": self.clock.now().astimezone(PRAGUE).date(),
                "initiated_by": "ospod",
                "reason": "Tomáš misses school repeatedly; worries about his care.",
                "goal": "Agree concrete tasks for the family, the school and OSPOD.",
                "court_measure_considered": False,
                "proposed_participants": [
                    {"name": "Marie", "role": "parent"},
                    {"name": "ZŠ Lipová", "role": "professional"},
                ],
                "convener": CONVENER,
                "organizer": ORGANIZER,
            },
            by=CONVENER,
        )

    def assess(self, *, suitable: bool, recommended_tool: str | None = None) -> None:
        """Whether a conference suits the situation.

        Version 1: the provider judges. Version 2: the provider advises
        (unless facilitation is in-house) and the convener decides.
        """
        self.later(days=1)
        reasoning = (
            "The family cooperates and the professionals are willing to meet."
            if suitable
            else "The conflict is between the parents; a conference would not help Tomáš."
        )
        data: dict[str, Any] = {"suitable": suitable, "reasoning": reasoning}
        if recommended_tool is not None:
            data["recommended_tool"] = recommended_tool
        if self.version == 1:
            self.submit("suitability", data, by=PROVIDER)
            return
        if not self.in_house:
            advice = {"suitable": suitable, "advice": reasoning}
            if recommended_tool is not None:
                advice["recommended_tool"] = recommended_tool
            self.submit("provider_advice", advice, by=PROVIDER)
        decided_on = self.clock.now().astimezone(PRAGUE).date()
        self.submit("suitability", {**data, "decided_on": decided_on}, by=CONVENER)

    @property
    def decider(self) -> str:
        """Who decides whether the conference is held: the provider (1), the convener (2)."""
        return PROVIDER if self.version == 1 else CONVENER

    def accept(self) -> None:
        """The request is accepted: scheduling starts."""
        action = "accept_request_in_house" if self.in_house else "accept_request"
        self.act(action, by=self.decider)

    def agree_date(self, starts_at: datetime = MEETING_AT) -> None:
        """The provider (in-house: the organizer) names the facilitator; a date is agreed."""
        self.later(days=1)
        self.assign(FACILITATOR, "facilitator", by=ORGANIZER if self.in_house else PROVIDER)
        self.later(days=5)
        self.submit(
            "schedule",
            {"starts_at": starts_at, "place": "Community centre, Lipová 12", "length_minutes": 120},
            by=ORGANIZER,
        )
        in_house = self.in_house and self.process.action("agree_date_in_house") is not None
        self.act("agree_date_in_house" if in_house else "agree_date", by=ORGANIZER)

    def prepare(self) -> None:
        """The recorder, the family and the school are brought in; invitations, room."""
        self.later(hours=1)
        self.assign(RECORDER, "recorder", by=FACILITATOR)
        self.assign(PARENT, "parent", by=ORGANIZER)
        self.assign(PROFESSIONAL, "professional", by=ORGANIZER)
        self.later(days=1)
        sent_on = self.clock.now().astimezone(PRAGUE).date()
        self.submit(
            "invitations",
            {
                "purpose": "Name the risks together and agree tasks.",
                "goal": "Tomáš goes to school regularly and is cared for.",
                "length_minutes": 120,
                "format": "One facilitated session of at most two hours.",
                "invitees": [
                    {
                        "name": "Marie",
                        "role": "parent",
                        "sent_on": sent_on,
                        "informed": True,
                        "confirmed": True,
                    },
                    {
                        "name": "ZŠ Lipová",
                        "role": "professional",
                        "sent_on": sent_on,
                        "informed": True,
                        "confirmed": True,
                    },
                ],
            },
            by=ORGANIZER,
        )
        self.submit(
            "arrangements",
            {
                "room_ready": True,
                "flipchart": True,
                "refreshments": True,
                "child_preparation": "not_attending",
            },
            by=ORGANIZER,
        )

    def arrive(
        self, *, facilitator_at: datetime | None = None, recorder_at: datetime | None = None
    ) -> None:
        """The facilitator and the recorder arrive before the start (default: 40 minutes)."""
        facilitator_at = facilitator_at or MEETING_AT - timedelta(minutes=40)
        recorder_at = recorder_at or MEETING_AT - timedelta(minutes=35)
        for who, action, moment in sorted(
            [
                (FACILITATOR, "facilitator_arrived", facilitator_at),
                (RECORDER, "recorder_arrived", recorder_at),
            ],
            key=lambda step: step[2],
        ):
            self.at(moment)
            self.act(action, by=who)

    def record_attendance(self, attendance: Mapping[str, Any] | None = None) -> None:
        """The organizer records who came (and decides about absentees)."""
        if attendance is None:
            attendance = ALL_PRESENT if self.version == 1 else ALL_PRESENT_V2
        self.at(max(self.clock.now(), MEETING_AT - timedelta(minutes=5)))
        self.submit("attendance", attendance, by=ORGANIZER)

    def start_meeting(self) -> None:
        """The facilitator starts the meeting."""
        self.at(max(self.clock.now(), MEETING_AT))
        self.act("start_meeting", by=FACILITATOR)

    def end_meeting(self, *, after: timedelta = timedelta(hours=1, minutes=50)) -> None:
        """The facilitator ends the meeting ``after`` its start."""
        self.at(MEETING_AT + after)
        self.act("end_meeting", by=FACILITATOR)

    def deliver_minutes(self, at: datetime) -> None:
        """The recorder writes the minutes and delivers them."""
        self.at(at)
        self.submit("minutes", MINUTES, by=RECORDER)
        delivery = None
        if self.version >= 2:
            delivery = {**DELIVERY, "delivered_on": at.astimezone(PRAGUE).date()}
        self.act("deliver_minutes", by=RECORDER, data=delivery)

    def intervene(self) -> None:
        """The OSPOD worker intervenes for the child's safety.

        Version 2 suspends the case before the meeting; during the meeting
        (one session, never interrupted) its own step ends the conference.
        """
        during = self.phase == "meeting" and self.process.action("intervene_during_meeting")
        self.act(
            "intervene_during_meeting" if during else "intervene",
            by=CONVENER,
            data={
                "reason": "Tomáš came to school with injuries.",
                "measure": "Urgent placement with his grandmother.",
                "decided_at": self.clock.now(),
            },
        )

    def to(self, phase: str) -> CaseConference:
        """Walk the realistic path to ``phase`` (a non-terminal phase)."""
        reached = CASE_CONFERENCE_PHASES.index(phase)
        self.request()
        if reached >= 1:
            self.assess(suitable=True)
            self.accept()
        if reached >= 2:
            self.agree_date()
            self.prepare()
        if reached >= 3:
            self.arrive()
            self.record_attendance()
            self.start_meeting()
        if reached >= 4:
            self.end_meeting()
        assert self.phase == phase
        return self
