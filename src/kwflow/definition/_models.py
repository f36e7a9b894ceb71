"""The process-file language: one pydantic model per construct.

Models are frozen and forbid unknown keys, so a typo in a process file is an
error, never a silently ignored setting. The models check the *shape* of a
file; whether references resolve and the process is sound is the job of the
static checks in ``_checks.py``, which can report every problem at once.
"""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

LANGUAGE_VERSION = 1
"""Version of the process-file language these models read."""

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="lower-case letters, digits and underscores, starting with a letter",
    ),
]


class Model(BaseModel):
    """Base of every model of the language: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Label(Model):
    """A human text in Czech and English; a missing language is a warning."""

    cs: str | None = Field(default=None, min_length=1, description="the text in Czech")
    en: str | None = Field(default=None, min_length=1, description="the text in English")

    @model_validator(mode="after")
    def _one_language_at_least(self) -> Label:
        if self.cs is None and self.en is None:
            raise ValueError("a label needs at least one of 'cs' and 'en'")
        return self

    def text(self, lang: str) -> str:
        """The text in ``lang``, falling back to the other language."""
        first, second = (self.cs, self.en) if lang == "cs" else (self.en, self.cs)
        return first or second or ""


# --------------------------------------------------------------------------- roles


class RoleKind(StrEnum):
    """What kind of participant holds a role."""

    FAMILY = "family"
    CHILD = "child"
    SUPPORT = "support"
    PROFESSIONAL = "professional"
    AUTHORITY = "authority"
    INDEPENDENT = "independent"


class OrganisationKind(Model):
    """A kind of organisation people work for (an OSPOD, a social service...).

    Independence in casework is about employers: a role's ``organisation``
    rules and an action's ``requires.organisations`` name these kinds.
    """

    id: Identifier = Field(description="the kind's id, used wherever the file names it")
    label: Label = Field(description="the kind's name as people read it")
    description: Label | None = Field(default=None, description="what organisations it covers")


class OrganisationRule(Model):
    """Rules on the organisation of whoever holds a role.

    The host names a person's organisation (an id and a kind) when it opens
    a case for them, assigns them or hands a role over to them.
    """

    required: bool = Field(
        default=False, description="whether the host must name the holder's organisation"
    )
    kinds: tuple[Identifier, ...] = Field(
        default=(), description="organisation kinds the holder may be from; empty = any"
    )
    not_kinds: tuple[Identifier, ...] = Field(
        default=(), description="organisation kinds the holder may never be from"
    )
    not_same_as: tuple[Identifier, ...] = Field(
        default=(),
        description="roles whose holders' organisations the holder's may never be",
    )


class Role(Model):
    """A role people take in a case, with its cardinality per case."""

    id: Identifier = Field(description="the role's id, used wherever the file names the role")
    label: Label = Field(description="the role's name as people read it")
    description: Label | None = Field(default=None, description="what the role does, for people")
    kind: RoleKind = Field(description="what kind of participant holds the role")
    min: int = Field(default=0, ge=0, description="fewest holders per case")
    max: int | None = Field(default=None, ge=1, description="most holders per case; none = any")
    exclusive_with: tuple[Identifier, ...] = Field(
        default=(), description="roles one person may not hold together with this one in a case"
    )
    assigned_by: tuple[Identifier, ...] = Field(
        default=(), description="roles whose holders may assign people to this role"
    )
    replaced_by: tuple[Identifier, ...] = Field(
        default=(),
        description=(
            "roles whose holders may hand this role over from its holder to another "
            "person in one step (a handover); none = the role is never handed over"
        ),
    )
    organisation: OrganisationRule | None = Field(
        default=None, description="rules on the organisation of the role's holders"
    )
    assignable_in: tuple[Identifier, ...] = Field(
        default=(),
        description=(
            "phases in which people may be assigned to the role (a compound phase stands "
            "for its sub-phases); empty = any phase; a handover is allowed in any phase"
        ),
    )

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Role:
        if self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


# ----------------------------------------------------------------------- artifacts


class EnumValue(Model):
    """One choice of an ``enum`` field."""

    id: Identifier = Field(description="the value stored when this choice is made")
    label: Label = Field(description="the choice as people read it")


class Personal(Model):
    """Whose personal data a field holds: its value is stored encrypted under their key.

    Exactly one of the two is given: ``subject``, a role (the value is about
    the holders of that role when it is written), or ``subject_field``, a
    person field of the same artifact (the value is about the person named
    there). Erasing the subject destroys the key; the value then reads as erased.
    """

    subject: Identifier | None = Field(
        default=None, description="the role whose holders the value is about"
    )
    subject_field: Identifier | None = Field(
        default=None,
        description="a person field of the same artifact naming the person the value is about",
    )


class FieldModel(Model):
    """What every field of an artifact has, whatever its type: the base of every field model."""

    id: Identifier = Field(description="the field's id, unique within its artifact or list")
    label: Label = Field(description="the field's name as people read it")
    description: Label | None = Field(default=None, description="what to write, for people")
    required: bool = Field(default=True, description="whether every version must have a value")
    personal: Personal | None = Field(
        default=None,
        description="personal data of a data subject: stored encrypted, erasable",
    )


class TextField(FieldModel):
    """Free text. A required text must not be blank (empty or only white space)."""

    type: Literal["text"] = Field(description="the field type")
    max_length: int | None = Field(default=None, ge=1, description="most characters allowed")


class BoolField(FieldModel):
    """Yes or no."""

    type: Literal["bool"] = Field(description="the field type")


class IntField(FieldModel):
    """A whole number, optionally bounded."""

    type: Literal["int"] = Field(description="the field type")
    min: int | None = Field(default=None, description="smallest value allowed")
    max: int | None = Field(default=None, description="largest value allowed")


class DateField(FieldModel):
    """A calendar date, without a time."""

    type: Literal["date"] = Field(description="the field type")


class DateTimeField(FieldModel):
    """A moment: a date and a time with its timezone."""

    type: Literal["datetime"] = Field(description="the field type")


class MoneyField(FieldModel):
    """An amount of money in one currency."""

    type: Literal["money"] = Field(description="the field type")
    currency: str = Field(
        default="CZK", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code"
    )


class EnumField(FieldModel):
    """One of a fixed list of choices."""

    type: Literal["enum"] = Field(description="the field type")
    values: tuple[EnumValue, ...] = Field(min_length=1, description="the allowed choices")


class PersonField(FieldModel):
    """A reference to a person taking part in the case (a participant id)."""

    type: Literal["person"] = Field(description="the field type")
    roles: tuple[Identifier, ...] = Field(
        default=(), description="if given, the person must hold one of these roles"
    )


class ListField(FieldModel):
    """A list of records, each with its own fields."""

    type: Literal["list"] = Field(description="the field type")
    fields: tuple[ArtifactField, ...] = Field(min_length=1, description="the fields of each record")
    min_items: int = Field(default=0, ge=0, description="fewest records allowed")


ArtifactField = Annotated[
    TextField
    | BoolField
    | IntField
    | DateField
    | DateTimeField
    | MoneyField
    | EnumField
    | PersonField
    | ListField,
    Field(discriminator="type"),
]

FIELD_MODELS: tuple[type[FieldModel], ...] = get_args(get_args(ArtifactField)[0])
"""The model of every field type, in the order of `ArtifactField`: the one list of field types."""


def field_type_name(model: type[FieldModel]) -> str:
    """The name a process file gives the field type of ``model`` (``"text"`` for `TextField`)."""
    (name,) = get_args(model.model_fields["type"].annotation)
    return str(name)


FIELD_TYPES: tuple[str, ...] = tuple(field_type_name(model) for model in FIELD_MODELS)
"""The field type names a process file may use, derived from `ArtifactField`."""


class FieldReaders(Model):
    """A role that may read some fields of a document, not the whole of it.

    Professionals named in a family plan as giving help read the items and
    the help asked of them, not the rest of the family's file.
    """

    role: Identifier = Field(description="the role that reads the fields")
    fields: tuple[Identifier, ...] = Field(
        min_length=1, description="the top-level fields it may read; the rest stays hidden"
    )


class Artifact(Model):
    """A document with a schema that roles write and read."""

    id: Identifier = Field(description="the artifact's id, used wherever the file names it")
    label: Label = Field(description="the document's name as people read it")
    description: Label | None = Field(default=None, description="what the document is for")
    fields: tuple[ArtifactField, ...] = Field(min_length=1, description="the document's fields")
    write: tuple[Identifier, ...] = Field(min_length=1, description="roles that may write it")
    read: tuple[Identifier, ...] = Field(
        default=(), description="roles that may read it (writers always may)"
    )
    read_fields: tuple[FieldReaders, ...] = Field(
        default=(),
        description="roles that may read only some fields of it, beyond those in read",
    )
    per_person: tuple[Identifier, ...] = Field(
        default=(),
        description=(
            "one document (with its own versions) per person holding one of these roles; "
            "each submission names the person it is about, who may read their own copy"
        ),
    )

    def field(self, field_id: str) -> ArtifactField | None:
        """The top-level field with this id, if there is one."""
        return next((f for f in self.fields if f.id == field_id), None)

    def field_at(self, path: str) -> ArtifactField | None:
        """The field a condition names: ``informed``, or ``invitees.confirmed`` (an item field).

        ``None`` when a part is missing or the first part of a dotted name is
        not a list field.
        """
        head, _, rest = path.partition(".")
        found = self.field(head)
        if not rest or found is None:
            return found
        if not isinstance(found, ListField):
            return None
        return next((f for f in found.fields if f.id == rest), None)


# -------------------------------------------------------------------------- phases


class Suspension(Model):
    """What makes a phase a suspension phase, and what deadlines do meanwhile.

    An ordinary action entering a suspension phase remembers the leaf phase
    the case was in; a ``resume: true`` action returns it there. With
    ``deadlines: pause`` the deadlines running when the case was suspended
    stop (they are never breached meanwhile) and on resumption their target
    and limit move later by the working days the case was suspended; with
    ``run`` they keep running and may be breached.
    """

    deadlines: Literal["pause", "run"] = Field(
        default="pause",
        description=(
            "pause: running deadlines stop and move later on resumption by the working "
            "days suspended; run: they keep running"
        ),
    )


class Phase(Model):
    """A phase of the process; it may hold sub-phases (a compound phase).

    ``present`` lists the roles present in the phase, who alone may act in
    it; when it is left out, a sub-phase inherits its parent's and a top-level
    phase has every role present. ``on_call`` lists roles that wait outside
    and may be called in by someone present (the coordinator during private
    family time). ``artifacts`` limits what may be written while the case is
    in the phase (only the plan during private family time); left out, a
    sub-phase inherits its parent's and a top-level phase allows any. A phase
    with an ``outcome`` is terminal.
    """

    id: Identifier = Field(description="the phase's id, unique across all phases of the file")
    label: Label = Field(description="the phase's name as people read it")
    description: Label | None = Field(default=None, description="what happens in the phase")
    initial: bool = Field(
        default=False, description="the case starts here (among siblings: entered first)"
    )
    present: tuple[Identifier, ...] | None = Field(
        default=None,
        description="roles present, who alone may act; left out = inherit, or every role",
    )
    on_call: tuple[Identifier, ...] = Field(
        default=(), description="roles absent but waiting nearby, who may be called in"
    )
    artifacts: tuple[Identifier, ...] | None = Field(
        default=None,
        description="artifacts that may be written in this phase; left out = inherit, or any",
    )
    outcome: Identifier | None = Field(
        default=None, description="the outcome code; a phase with one is terminal"
    )
    phases: tuple[Phase, ...] = Field(default=(), description="sub-phases (a compound phase)")
    suspension: Suspension | None = Field(
        default=None,
        description=(
            "makes this a suspension phase: entering it remembers where the case was, "
            "a 'resume' action returns there"
        ),
    )

    @property
    def terminal(self) -> bool:
        """Whether the case ends in this phase."""
        return self.outcome is not None


# ------------------------------------------------------------------------- actions


Scalar = bool | int | str | date | datetime


FieldPath = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$",
        max_length=129,
        description="a field id, or 'list.field' for a field of a list field's items",
    ),
]


class Quantifier(StrEnum):
    """How a condition on many values (people's copies, a list's items) must hold."""

    EVERY = "every"
    ANY = "any"
    NONE = "none"


class FieldCondition(Model):
    """A declarative condition on one field of an artifact's latest version.

    Exactly one of ``equals``, ``one_of``, ``present``, ``non_empty``,
    ``min_count`` must be given. ``field`` may name a field of a list's
    items (``invitees.confirmed``); ``for`` then says whether every item,
    any item or no item must meet the condition. On a per-person artifact
    ``for`` says the same of the people's copies (left out: every).
    """

    artifact: Identifier = Field(description="the artifact whose latest version is looked at")
    field: FieldPath = Field(
        description="the field of that artifact; 'list.field' names a field of a list's items"
    )
    for_: Quantifier | None = Field(
        default=None,
        alias="for",
        description=(
            "every, any or none: of a per-person artifact's copies (default every), "
            "or of a list's items (a dotted field needs it)"
        ),
    )
    equals: Scalar | None = Field(default=None, description="the field has exactly this value")
    one_of: tuple[Scalar, ...] | None = Field(
        default=None, description="the field has one of these values"
    )
    present: bool | None = Field(
        default=None, description="true: the field has a value; false: it has none"
    )
    non_empty: bool | None = Field(default=None, description="the text or list field is not empty")
    min_count: int | None = Field(
        default=None, ge=0, description="the list field has at least this many records"
    )

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> FieldCondition:
        given = [
            name
            for name in ("equals", "one_of", "present", "non_empty", "min_count")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a field condition needs exactly one of equals, one_of, present, "
                f"non_empty, min_count; found {', '.join(given) or 'none'}"
            )
        return self

    @property
    def list_field(self) -> str | None:
        """The list field of a dotted ``field`` (``invitees``), or ``None``."""
        head, dot, _ = self.field.partition(".")
        return head if dot else None

    @property
    def item_field(self) -> str | None:
        """The item field of a dotted ``field`` (``confirmed``), or ``None``."""
        _, dot, rest = self.field.partition(".")
        return rest if dot else None


class OrganisationRequirement(Model):
    """Every holder of ``role`` is from an organisation of one of ``kinds``.

    A role nobody holds does not meet it.
    """

    role: Identifier = Field(description="the role whose holders are looked at")
    kinds: tuple[Identifier, ...] = Field(
        min_length=1, description="the organisation kinds allowed"
    )


class Requirements(Model):
    """What must hold before an action may be taken."""

    artifacts: tuple[Identifier, ...] = Field(default=(), description="artifacts present")
    fields: tuple[FieldCondition, ...] = Field(
        default=(), description="conditions on fields of artifacts' latest versions"
    )
    roles: tuple[Identifier, ...] = Field(
        default=(), description="roles assigned to at least max(1, min) people"
    )
    guards: tuple[Identifier, ...] = Field(
        default=(), description="named guards the host registers in Python"
    )
    organisations: tuple[OrganisationRequirement, ...] = Field(
        default=(),
        description="roles whose every holder is from an organisation of the kinds given",
    )


class Action(Model):
    """A step a role takes; it moves the case from one phase to another.

    ``from`` names phases; a compound phase stands for all its sub-phases.
    Without ``to`` the action keeps the case in its phase (it records
    something, such as an arrival). ``records`` names an artifact whose data
    is submitted together with the action, in the same step.
    """

    id: Identifier = Field(description="the action's id, used wherever the file names it")
    label: Label = Field(description="the step's name as people read it")
    description: Label | None = Field(default=None, description="what the step means")
    from_: tuple[Identifier, ...] = Field(
        alias="from",
        min_length=1,
        description="phases it may be taken in; a compound phase stands for its sub-phases",
    )
    to: Identifier | None = Field(
        default=None, description="the phase it leads to; left out = the case stays"
    )
    by: tuple[Identifier, ...] = Field(min_length=1, description="roles that may take it")
    requires: Requirements = Field(
        default=Requirements(), description="what must hold before it may be taken"
    )
    records: Identifier | None = Field(
        default=None, description="an artifact whose data is submitted with the action"
    )
    once: bool = Field(default=True, description="an action without 'to' may be taken once")
    requires_presence: bool = Field(
        default=True,
        description=(
            "whether the person must be present in the phase to take it; false only for "
            "emergency steps (a child-safety intervention during private family time)"
        ),
    )
    resume: bool = Field(
        default=False,
        description=(
            "leaves a suspension phase back to the phase the case was suspended in "
            "(an action with resume has no 'to')"
        ),
    )


class Guard(Model):
    """A named guard that the host registers in Python; declared for checks and docs."""

    id: Identifier = Field(description="the name the host registers the guard under")
    label: Label = Field(description="what the guard checks, as people read it")
    description: Label | None = Field(default=None, description="more about the check")


# ----------------------------------------------------------------------- deadlines


class PeriodUnit(StrEnum):
    """The units a period may be counted in."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    WORKING_DAYS = "working_days"


class Period(Model):
    """A typed period: ``{weeks: 3}``, ``{working_days: 5}``, ``{minutes: 30}``.

    Minutes and hours are elapsed time. Days, weeks and months are calendar
    periods in the process timezone. Working days skip weekends and the
    public holidays of the process calendar.
    """

    minutes: int | None = Field(default=None, ge=0, description="elapsed minutes")
    hours: int | None = Field(default=None, ge=0, description="elapsed hours")
    days: int | None = Field(default=None, ge=0, description="calendar days")
    weeks: int | None = Field(default=None, ge=0, description="calendar weeks")
    months: int | None = Field(default=None, ge=0, description="calendar months")
    working_days: int | None = Field(
        default=None, ge=0, description="working days of the process calendar"
    )

    @model_validator(mode="after")
    def _exactly_one_unit(self) -> Period:
        given = [u.value for u in PeriodUnit if getattr(self, u.value) is not None]
        if len(given) != 1:
            units = ", ".join(u.value for u in PeriodUnit)
            raise ValueError(
                f"a period needs exactly one of {units}; found {', '.join(given) or 'none'}"
            )
        return self

    # Deadline arithmetic asks for unit and amount on every command: read the
    # instance dict through a precomputed tuple (walking the enum and pydantic
    # private attributes both cost microseconds).
    @property
    def unit(self) -> PeriodUnit:
        """The one unit given."""
        values = self.__dict__
        return next(unit for name, unit in _PERIOD_UNITS if values[name] is not None)

    @property
    def amount(self) -> int:
        """How many of `unit`."""
        values = self.__dict__
        amount: int = next(values[name] for name, _ in _PERIOD_UNITS if values[name] is not None)
        return amount

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


_PERIOD_UNITS: tuple[tuple[str, PeriodUnit], ...] = tuple((u.value, u) for u in PeriodUnit)


class FieldRef(Model):
    """A field of an artifact, named by both ids."""

    artifact: Identifier = Field(description="the artifact")
    field: Identifier = Field(description="the field of that artifact")


class Anchor(Model):
    """What a deadline counts from: an action taken, or a datetime/date field."""

    action: Identifier | None = Field(default=None, description="counted from this action")
    field: FieldRef | None = Field(
        default=None, description="counted from the date or datetime in this field"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Anchor:
        if (self.action is None) == (self.field is None):
            raise ValueError("an anchor needs exactly one of 'action' and 'field'")
        return self


class DeadlineVariant(Model):
    """Other periods for a deadline when field conditions hold.

    A deadline tries its ``variants`` in order when it starts (its anchor
    happens, or the case enters its phases after it); the first whose
    ``when`` conditions all hold on the case's latest artifact versions
    gives the periods: its ``target`` and/or ``limit`` replace the
    deadline's own, what it leaves out stays. Due times, once started, do
    not change when the artifacts change later.
    """

    when: tuple[FieldCondition, ...] = Field(
        min_length=1,
        description="conditions on fields of artifacts' latest versions, all of which must hold",
    )
    target: Period | None = Field(
        default=None, description="the target when the conditions hold; left out = the deadline's"
    )
    limit: Period | None = Field(
        default=None, description="the limit when the conditions hold; left out = the deadline's"
    )

    @model_validator(mode="after")
    def _target_or_limit(self) -> DeadlineVariant:
        if self.target is None and self.limit is None:
            raise ValueError("a deadline variant needs a 'target', a 'limit' or both")
        return self


class NoticeRepeat(Model):
    """How a notice repeats after its first time: every ``every``, ``count`` times in all."""

    every: Period = Field(description="the period between two times")
    count: int = Field(
        ge=2, description="how many times the notice goes out in all, the first included"
    )


class Notice(Model):
    """When someone is told about a running deadline: before, at or after its target or limit.

    Exactly one of ``before``, ``after`` and ``at``. ``before`` and
    ``after`` count a period from the moment ``of`` names (the target or
    the limit); ``at`` is that moment itself. A notice counted in days,
    weeks, months or working days goes out at the start of its local day
    (a day-based target or limit ends at midnight, too late to act on);
    one counted in hours or minutes goes out that much before or after the
    moment. ``to`` names the roles told (left out: the deadline's
    responsible role). The times are computed when the deadline starts and
    recorded in its event; a deadline met or cancelled tells nobody more.
    """

    before: Period | None = Field(default=None, description="this long before the moment")
    after: Period | None = Field(default=None, description="this long after the moment")
    at: Literal["target", "limit"] | None = Field(
        default=None, description="at the target or the limit itself"
    )
    of: Literal["target", "limit"] | None = Field(
        default=None, description="the moment 'before' or 'after' counts from"
    )
    to: tuple[Identifier, ...] = Field(
        default=(), description="the roles told; left out = the deadline's responsible role"
    )
    repeat: NoticeRepeat | None = Field(
        default=None, description="goes out again every period, up to a count (with 'after')"
    )

    @model_validator(mode="after")
    def _one_moment(self) -> Notice:
        given = [name for name in ("before", "after", "at") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "a reminder or escalation needs exactly one of before, after, at; "
                f"found {', '.join(given) or 'none'}"
            )
        if self.at is None and self.of is None:
            raise ValueError("'before' and 'after' need 'of': target or limit")
        if self.at is not None and self.of is not None:
            raise ValueError("'at' names its moment itself; leave 'of' out")
        return self

    @property
    def moment(self) -> Literal["target", "limit"]:
        """The deadline moment this notice counts from."""
        moment = self.at if self.at is not None else self.of
        assert moment is not None  # the validator requires one
        return moment


class Escalation(Notice):
    """A notice to people above the responsible role, typically after the limit passed."""

    to: tuple[Identifier, ...] = Field(min_length=1, description="the roles the case goes up to")


class Deadline(Model):
    """A time rule: something must happen within a period of an anchor.

    ``target`` is what practice aims for, ``limit`` what it must not pass;
    give either or both. The deadline is met by any action in
    ``satisfied_by``; it runs while the case is in one of ``phases`` (all
    non-terminal phases when left out) and is cancelled when the case leaves
    them unmet. ``roll_to_working_day`` moves a calendar-day period that ends
    on a non-working day to the next working day (the previous one for
    ``before``). ``planned`` names the field that holds when the satisfying
    step is planned (the agreed start of a meeting), so that a plan beyond
    the limit or target shows at once, long before the breach.
    """

    id: Identifier = Field(description="the deadline's id")
    label: Label = Field(description="the rule as people read it")
    description: Label | None = Field(default=None, description="where the rule comes from")
    anchor: Anchor = Field(description="what the period is counted from")
    direction: Literal["after", "before"] = Field(
        default="after", description="whether the period runs after or before the anchor"
    )
    target: Period | None = Field(default=None, description="what practice aims for")
    limit: Period | None = Field(default=None, description="what must not be passed")
    satisfied_by: tuple[Identifier, ...] = Field(
        min_length=1, description="actions any of which meets the deadline"
    )
    responsible: Identifier = Field(description="the role responsible for meeting it")
    phases: tuple[Identifier, ...] = Field(
        default=(), description="phases it runs in; left out = every non-terminal phase"
    )
    roll_to_working_day: bool = Field(
        default=False, description="a calendar period ending on a non-working day moves"
    )
    breach: Label = Field(description="what a breach means and what follows")
    variants: tuple[DeadlineVariant, ...] = Field(
        default=(),
        description=(
            "other periods when field conditions hold as the deadline starts; "
            "the first variant that fits wins"
        ),
    )
    planned: FieldRef | None = Field(
        default=None,
        description=(
            "the date or datetime field holding when the satisfying step is planned; "
            "a planned moment after the limit (or target) shows on the running deadline"
        ),
    )

    reminders: tuple[Notice, ...] = Field(
        default=(),
        description="who is reminded when, relative to the target or the limit",
    )
    escalation: Escalation | None = Field(
        default=None, description="the roles told when the deadline is (about to be) missed"
    )

    @property
    def notices(self) -> tuple[tuple[str, Notice], ...]:
        """Every reminder and the escalation, with its kind, in the order of the file."""
        found: list[tuple[str, Notice]] = [("reminder", r) for r in self.reminders]
        if self.escalation is not None:
            found.append(("escalation", self.escalation))
        return tuple(found)

    @model_validator(mode="after")
    def _target_or_limit(self) -> Deadline:
        if self.target is None and self.limit is None:
            raise ValueError("a deadline needs a 'target', a 'limit' or both")
        return self


# ---------------------------------------------------------------------- invariants


class _InvariantBase(Model):
    """What every invariant has, whatever its kind."""

    id: Identifier = Field(description="the invariant's id")
    label: Label = Field(description="the property as people read it")


class ActionOnlyAfter(_InvariantBase):
    """Action ``action`` is taken only after action ``after`` was taken."""

    kind: Literal["action_only_after"] = Field(description="the kind of invariant")
    action: Identifier = Field(description="the action that comes later")
    after: Identifier = Field(description="the action that must have been taken first")


class RoleNeverActsIn(_InvariantBase):
    """Nobody in role ``role`` takes any step while the case is in ``phase``.

    ``except_actions`` names the actions the role may still take there: an
    intervention for the child's safety must stay possible in any phase.
    """

    kind: Literal["role_never_acts_in"] = Field(description="the kind of invariant")
    role: Identifier = Field(description="the role that never acts")
    phase: Identifier = Field(description="the phase it never acts in")
    except_actions: tuple[Identifier, ...] = Field(
        default=(), description="actions the role may still take in the phase"
    )


class ArtifactPresentOnEntry(_InvariantBase):
    """Artifact ``artifact`` exists whenever the case enters ``phase``."""

    kind: Literal["artifact_present_on_entry"] = Field(description="the kind of invariant")
    artifact: Identifier = Field(description="the artifact that must exist")
    phase: Identifier = Field(description="the phase whose entry needs it")


class PhaseEnteredAtMostOnce(_InvariantBase):
    """The case never enters ``phase`` a second time."""

    kind: Literal["phase_entered_at_most_once"] = Field(description="the kind of invariant")
    phase: Identifier = Field(description="the phase entered at most once")


class FollowsOutcome(_InvariantBase):
    """A case opened as a follow-up links to an earlier case that ended in one of ``outcomes``.

    Cases opened on their own pass: the invariant speaks of follow-ups only.
    """

    kind: Literal["follows_outcome"] = Field(description="the kind of invariant")
    outcomes: tuple[Identifier, ...] = Field(
        min_length=1, description="outcomes the earlier case may have ended in"
    )


class RoleNeverEmpty(_InvariantBase):
    """Once someone holds ``role``, somebody always does (a handover keeps it held)."""

    kind: Literal["role_never_empty"] = Field(description="the kind of invariant")
    role: Identifier = Field(description="the role that, once held, is never left empty")


class OnlyActionsIn(_InvariantBase):
    """While the case is in ``phase``, no action is taken but those in ``actions``.

    A suspended case takes no step but resumption or closing, say.
    """

    kind: Literal["only_actions_in"] = Field(description="the kind of invariant")
    phase: Identifier = Field(description="the phase the rule is about")
    actions: tuple[Identifier, ...] = Field(
        min_length=1, description="the only actions that may be taken in the phase"
    )


Invariant = Annotated[
    ActionOnlyAfter
    | RoleNeverActsIn
    | ArtifactPresentOnEntry
    | PhaseEnteredAtMostOnce
    | FollowsOutcome
    | RoleNeverEmpty
    | OnlyActionsIn,
    Field(discriminator="kind"),
]


# ----------------------------------------------------------------------- retention


class RetentionPeriod(Model):
    """How long a closed case is kept: ``{years: 10}``, ``{months: 6}`` or ``{days: 30}``."""

    years: int | None = Field(default=None, ge=0, description="calendar years")
    months: int | None = Field(default=None, ge=0, description="calendar months")
    days: int | None = Field(default=None, ge=0, description="calendar days")

    @model_validator(mode="after")
    def _exactly_one_unit(self) -> RetentionPeriod:
        given = [name for name in ("years", "months", "days") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "a retention period needs exactly one of years, months, days; "
                f"found {', '.join(given) or 'none'}"
            )
        return self

    def __str__(self) -> str:
        name = next(n for n in ("years", "months", "days") if getattr(self, n) is not None)
        return f"{getattr(self, name)} {name}"


class Retention(Model):
    """How long closed cases are kept, by outcome; a host's file plan may override it."""

    default: RetentionPeriod | None = Field(
        default=None, description="for an outcome not listed; none: such cases are kept"
    )
    outcomes: dict[str, RetentionPeriod] = Field(
        default_factory=dict, description="outcome code -> how long a case with it is kept"
    )

    def period_for(self, outcome: str) -> RetentionPeriod | None:
        """The period of a case closed with ``outcome`` (``None``: kept, no disposal)."""
        return self.outcomes.get(outcome, self.default)


# ---------------------------------------------------------------------- follow-ups


class FieldMapping(dict[str, str]):
    """A carry-over's ``fields``: a mapping that hashes, so a `Process` stays hashable.

    Models are frozen and compare and hash by value; a plain ``dict`` would
    make every process with a carry-over unhashable. Never changed after
    validation.
    """

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def _field_mapping(value: dict[str, str] | None) -> FieldMapping | None:
    return None if value is None else FieldMapping(value)


class CarryOver(Model):
    """A document copied from the earlier case into a follow-up when it opens.

    The newest version of ``from`` in the earlier case becomes version 1 of
    ``artifact`` here. ``fields`` maps a field of ``artifact`` to the field
    of ``from`` it is copied from; without it, every field of ``artifact``
    takes the earlier document's field of the same id.
    """

    artifact: Identifier = Field(description="the artifact of this process that receives the copy")
    from_: Identifier = Field(
        alias="from", description="the artifact of the earlier case's process copied from"
    )
    fields: Annotated[dict[str, Identifier] | None, AfterValidator(_field_mapping)] = Field(
        default=None,
        description="this artifact's field <- the earlier artifact's field; default: same ids",
    )


class Follows(Model):
    """Cases of this process may be opened as follow-ups of a case of ``process``.

    The earlier case must have ended with one of ``outcomes``; the documents
    of ``carry_over`` are copied into the new case as it opens.
    """

    process: Identifier = Field(description="the process id of the earlier case")
    outcomes: tuple[Identifier, ...] = Field(
        min_length=1, description="outcomes the earlier case must have ended in"
    )
    carry_over: tuple[CarryOver, ...] = Field(
        default=(), description="documents copied from the earlier case when the follow-up opens"
    )


# ------------------------------------------------------------------------- process


class Process(Model):
    """One process file: a versioned, declarative case process."""

    language: Literal[1] = Field(default=1, description="version of the process-file language")
    id: Identifier = Field(description="the process id; with the version it names the file")
    version: int = Field(ge=1, description="the version of this process; raise it on change")
    title: Label = Field(description="the process name as people read it")
    description: Label | None = Field(default=None, description="what the process is for")
    timezone: str = Field(default="Europe/Prague", description="IANA timezone of deadlines")
    calendar: Identifier = Field(default="cz", description="working-day calendar id")
    opener: Identifier = Field(description="the role of the person who opens a case")
    organisation_kinds: tuple[OrganisationKind, ...] = Field(
        default=(), description="the kinds of organisation the roles' rules name"
    )
    roles: tuple[Role, ...] = Field(min_length=1, description="the roles people take in a case")
    artifacts: tuple[Artifact, ...] = Field(
        default=(), description="the documents of a case, each with its fields"
    )
    phases: tuple[Phase, ...] = Field(min_length=1, description="the phases, in order")
    actions: tuple[Action, ...] = Field(min_length=1, description="the steps that move a case")
    deadlines: tuple[Deadline, ...] = Field(default=(), description="the time rules")
    guards: tuple[Guard, ...] = Field(
        default=(), description="named checks the host registers in Python"
    )
    invariants: tuple[Invariant, ...] = Field(
        default=(), description="properties that hold in every case, checked by tests"
    )
    retention: Retention | None = Field(
        default=None, description="how long closed cases are kept, by outcome (hosts may override)"
    )
    follows: tuple[Follows, ...] = Field(
        default=(),
        description="earlier processes whose ended cases this process's cases may follow up",
    )

    _hash: str = PrivateAttr(default="")
    _phases: dict[str, PhaseInfo] = PrivateAttr(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        # "Europe" names a directory of the tz database: ZoneInfo raises an
        # OSError (IsADirectoryError) for it, not ZoneInfoNotFoundError.
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"{value!r} is not an IANA timezone name") from exc
        return value

    def model_post_init(self, context: Any, /) -> None:  # noqa: ARG002 (pydantic's hook)
        canonical = json.dumps(
            _canonical(self.model_dump(mode="json", by_alias=True)),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        self._hash = hashlib.sha256(canonical.encode()).hexdigest()
        self._phases = {info.phase.id: info for info in _walk_phases(self.phases, ())}

    # -- lookups the engine and checks share; they tolerate broken references,
    #    which the checks report.

    # A private attribute is read through pydantic's __getattr__ (about 2.5
    # µs); the engine reads these on every command, so each is copied into
    # the instance once (cached_property; pydantic's equality ignores it).
    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical form; a case pins it."""
        return self._hash

    @cached_property
    def _phase_table(self) -> dict[str, PhaseInfo]:
        return self._phases

    @property
    def key(self) -> tuple[str, int]:
        """``(id, version)``: how a registry addresses the process."""
        return (self.id, self.version)

    def phase_info(self, phase_id: str) -> PhaseInfo | None:
        """The phase with this id and its place in the tree, if there is one."""
        return self._phase_table.get(phase_id)

    def all_phases(self) -> tuple[PhaseInfo, ...]:
        """Every phase, depth first, with its parents."""
        return tuple(self._phase_table.values())

    def role(self, role_id: str) -> Role | None:
        """The role with this id, if there is one."""
        return next((r for r in self.roles if r.id == role_id), None)

    def artifact(self, artifact_id: str) -> Artifact | None:
        """The artifact with this id, if there is one."""
        return next((a for a in self.artifacts if a.id == artifact_id), None)

    def action(self, action_id: str) -> Action | None:
        """The action with this id, if there is one."""
        return next((a for a in self.actions if a.id == action_id), None)

    def organisation_kind(self, kind_id: str) -> OrganisationKind | None:
        """The organisation kind with this id, if there is one."""
        return next((k for k in self.organisation_kinds if k.id == kind_id), None)

    def deadline(self, deadline_id: str) -> Deadline | None:
        """The deadline with this id, if there is one."""
        return next((d for d in self.deadlines if d.id == deadline_id), None)

    def follows_rule(self, process_id: str) -> Follows | None:
        """How this process follows up cases of ``process_id``, if it does."""
        return next((f for f in self.follows if f.process == process_id), None)


@dataclass(frozen=True, slots=True)
class PhaseInfo:
    """A phase with its place in the tree; computed once per process."""

    phase: Phase
    parents: tuple[str, ...]

    @property
    def path(self) -> tuple[str, ...]:
        """Ids from the top-level phase down to this one."""
        return (*self.parents, self.phase.id)

    def __repr__(self) -> str:
        return f"PhaseInfo({'/'.join(self.path)})"


def _walk_phases(phases: tuple[Phase, ...], parents: tuple[str, ...]) -> Iterator[PhaseInfo]:
    for phase in phases:
        yield PhaseInfo(phase, parents)
        yield from _walk_phases(phase.phases, (*parents, phase.id))


ListField.model_rebuild()
Phase.model_rebuild()
Process.model_rebuild()


_ADDED_LATER: dict[str, tuple[str, ...]] = {
    "": ("organisation_kinds", "follows", "retention"),
    "roles": ("replaced_by", "organisation", "assignable_in"),
    "actions": ("resume",),
    # Phases and fields are walked into sub-phases and list fields too (`_items_at`).
    "phases": ("suspension",),
    "artifacts": ("per_person", "read_fields"),
    "artifacts.fields": ("personal",),
    "actions.requires": ("organisations",),
    # Conditions sit deeper: in actions' requirements and in deadline variants.
    "actions.requires.fields": ("for",),
    "deadlines": ("planned", "reminders", "escalation"),
    "deadlines.variants.when": ("for",),
}
"""Keys the language gained after files were in use, by where they sit.

A case pins its process's content hash; a key added with an empty default
would change the hash of every file written before it, so the canonical
form leaves it out while it is empty or unset (a file that uses it hashes
with it). The place is a dotted path from the top of the file (``""``: the
top itself); a list on the way stands for each of its items.
"""


def _canonical(dumped: dict[str, Any]) -> dict[str, Any]:
    """The dumped process without the later keys that are still empty (see `_ADDED_LATER`)."""
    for place, keys in _ADDED_LATER.items():
        for item in _items_at(dumped, place.split(".") if place else []):
            for key in keys:
                if key in item and _empty(item[key]):
                    del item[key]
    return dumped


_NESTING = frozenset({"phases", "fields"})
"""Lists whose items may hold a list of the same key (sub-phases, a list field's fields)."""


def _empty(value: object) -> bool:
    # By identity for None and False: ``0 == False`` in Python, and a count
    # of 0 is a value, not a default.
    return value is None or value is False or value in ((), [])


def _items_at(value: Any, path: list[str]) -> Iterator[dict[str, Any]]:
    """The mappings at ``path`` under ``value``; lists on the way are walked item by item.

    A list that nests in its own items (``phases`` of a compound phase,
    ``fields`` of a list field) is walked at every depth, depth first.
    """
    if isinstance(value, list | tuple):
        for item in value:
            yield from _items_at(item, path)
    elif isinstance(value, dict):
        if not path:
            yield value
        elif path[0] in value:
            yield from _items_at(value[path[0]], path[1:])
            if len(path) == 1 and path[0] in _NESTING:
                for item in value[path[0]]:
                    if isinstance(item, dict) and item.get(path[0]):
                        yield from _items_at(item, path)
