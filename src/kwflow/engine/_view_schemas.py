"""The JSON shapes a host receives, as pydantic models, and their JSON Schema.

One model per shape that ``to_dict()`` gives (``_views``): a host can use
them as the response models of its web framework, or publish
`view_json_schema` (``kwflow schema --views``) in its OpenAPI document.
The models are strict and forbid unknown keys, so a test validating every
``to_dict()`` against them catches a shape and its description drifting
apart.

`VIEW_SCHEMAS` names the top-level shapes; each new ``to_dict()`` of the
public API adds its model there, and the schema document follows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from kwflow.exceptions import ErrorJSON, ReasonJSON
from kwflow.history import FrozenMap

from ._records import DeadlineStatus, ReasonCode
from ._summaries import CaseSummaryJSON, InboxItemJSON

__all__ = [
    "VIEW_SCHEMAS",
    "ActionOptionJSON",
    "ArtifactJSON",
    "ArtifactVersionJSON",
    "CaseSuspensionJSON",
    "CaseViewJSON",
    "DeadlineJSON",
    "LabelJSON",
    "NamedJSON",
    "OrganisationJSON",
    "ParticipantJSON",
    "PhaseJSON",
    "ProcessJSON",
    "RoleHoldersJSON",
    "TakenActionJSON",
    "view_json_schema",
]


class _Shape(BaseModel):
    # Strict: the JSON must already have the right types (an int is never
    # "1"); frozen and closed like the process-file models.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# Moments and codes are text in the JSON, and ``to_dict()`` gives that text:
# these two read text in Python too, so a host can validate the dict as it is.
Moment = Annotated[AwareDatetime, Field(strict=False)]
Code = Annotated[ReasonCode, Field(strict=False)]
Status = Annotated[DeadlineStatus, Field(strict=False)]


class LabelJSON(_Shape):
    """A text in Czech and English; a language the process lacks holds the other."""

    cs: str = Field(description="the text in Czech")
    en: str = Field(description="the text in English")


class NamedJSON(_Shape):
    """Something the process names (a role, phase, artifact, action, deadline) and its label."""

    id: str = Field(description="the id the process file gives it")
    label: LabelJSON = Field(description="its name as people read it")


class ActionOptionJSON(_Shape):
    """An action of the current phase: whether the person may take it, and why not."""

    action: str = Field(description="the action's id")
    label: LabelJSON = Field(description="the action's name as people read it")
    allowed: bool = Field(description="whether the person may take it now")
    reasons: list[ReasonJSON] = Field(description="every reason it is not allowed (empty if it is)")
    to: str | None = Field(description="the phase it leads to; null when it stays")
    records: str | None = Field(description="the artifact it records with its data, if any")


class ProcessJSON(_Shape):
    """The exact process a case runs."""

    id: str = Field(description="the process id")
    version: int = Field(description="the process version")
    hash: str = Field(description="the content hash of the process file")
    title: LabelJSON = Field(description="the process name as people read it")


class PhaseJSON(NamedJSON):
    """Where the case is: its leaf phase, and the phases from the top level down to it."""

    path: list[NamedJSON] = Field(description="the top-level phase first, the leaf last")


class ParticipantJSON(_Shape):
    """A person taking part in the case, and their roles."""

    person: str = Field(description="the host's id of the person")
    roles: list[NamedJSON] = Field(description="the roles they hold, in assignment order")


class RoleHoldersJSON(NamedJSON):
    """A role of the case and the people holding it."""

    people: list[str] = Field(description="the people holding it, in assignment order")


class ArtifactVersionJSON(_Shape):
    """One submitted version of an artifact."""

    number: int = Field(
        description="the version, counted from 1 (per person for a per-person artifact)"
    )
    data: dict[str, Any] = Field(description="the data as recorded (its JSON form)")
    by: str = Field(description="who submitted it")
    at: Moment = Field(description="when it was submitted")
    sequence: int = Field(description="the event that recorded it")
    about: str | None = Field(
        description="the person a per-person artifact's copy is about; null for other artifacts"
    )


class ArtifactJSON(NamedJSON):
    """An artifact the person may read, with every version, oldest first.

    For a per-person artifact, the copies of every person are interleaved,
    each version naming its ``about``; a person who may not read the
    artifact sees only the copies about themselves.
    """

    versions: list[ArtifactVersionJSON] = Field(description="oldest first")
    hidden_fields: list[str] = Field(
        description="fields left out of its data: the person may read only the others "
        "(read_fields); empty when they read it whole"
    )


class DeadlineJSON(NamedJSON):
    """A deadline of the case: its status and times, in the process's timezone."""

    status: Status = Field(description="where the deadline stands")
    responsible: NamedJSON = Field(description="the role responsible for meeting it")
    anchor_at: Moment | None = Field(description="when its period started counting")
    target: Moment | None = Field(description="what practice aims for")
    limit: Moment | None = Field(description="what must not be passed")
    due: Moment | None = Field(
        description="the moment after which it is breached: the limit, else the target"
    )
    met_at: Moment | None = Field(description="when it was met")
    breached_at: Moment | None = Field(description="when its breach was recorded")
    cancelled_at: Moment | None = Field(description="when it was cancelled")
    planned_at: Moment | None = Field(
        description="when the step that meets it is planned (the deadline's planned field)"
    )
    planned_late: Literal["limit", "target"] | None = Field(
        description="the plan lies after the limit (or, within it, after the target)"
    )


class TakenActionJSON(NamedJSON):
    """An action taken in the case."""

    by: str = Field(description="who took it")
    at: Moment = Field(description="when")
    sequence: int = Field(description="the event that recorded it")
    phase: NamedJSON = Field(description="the leaf phase it was taken in")


class OrganisationJSON(_Shape):
    """The organisation a participant works for, as the host named it."""

    person: str = Field(description="the participant's id")
    id: str = Field(description="the host's id of the organisation")
    kind: NamedJSON = Field(description="the kind of organisation, from the process")


class CaseSuspensionJSON(_Shape):
    """Where a suspended case stopped, since when, and what its deadlines do meanwhile."""

    from_phase: PhaseJSON = Field(description="the leaf phase a resume action returns the case to")
    since: Moment = Field(description="when the case was suspended")
    deadlines: Literal["pause", "run"] = Field(
        description="pause: the held deadlines are paused; run: they keep running"
    )
    held: list[NamedJSON] = Field(
        description="the deadlines that were running when the case was suspended"
    )


class CaseViewJSON(_Shape):
    """A case as one person may see it: artifacts they may not read are left out."""

    id: str = Field(description="the case id")
    process: ProcessJSON = Field(description="the process the case runs")
    person: str = Field(description="whose view this is")
    access: Literal["participant", "supervision", "audit"] = Field(
        description="how the person reads the case: through their roles, or a capability "
        "the host granted"
    )
    person_roles: list[NamedJSON] = Field(description="the roles the person holds")
    phase: PhaseJSON = Field(description="where the case is")
    participants: list[ParticipantJSON] = Field(description="everyone taking part")
    roles: list[RoleHoldersJSON] = Field(description="every role held, with its people")
    called_in: list[NamedJSON] = Field(description="on-call roles called into the phase")
    artifacts: list[ArtifactJSON] = Field(description="the artifacts the person may read")
    hidden: list[NamedJSON] = Field(
        description="artifacts the case has but the person may not read"
    )
    deadlines: list[DeadlineJSON] = Field(description="in the order of the process file")
    actions: list[TakenActionJSON] = Field(description="the actions taken, oldest first")
    outcome: str | None = Field(description="the outcome code once the case has ended")
    closed: bool = Field(description="whether the case has ended")
    opened_at: Moment = Field(description="when the case was opened")
    opened_by: str = Field(description="who opened it")
    version: int = Field(
        description="the sequence of its last event: send it back as expected_version"
    )
    follows: str | None = Field(
        description="the earlier case this one follows up (None: opened on its own)"
    )
    organisations: list[OrganisationJSON] = Field(
        description="the organisations of the participants the host named one for"
    )
    suspension: CaseSuspensionJSON | None = Field(
        description="where a suspended case stopped and since when; null when not suspended"
    )


class HistoryEntryJSON(_Shape):
    """One event of a case as one person may see it (``Engine.history_for``)."""

    sequence: int = Field(description="the event's number in the case, from 1")
    type: str = Field(description="what happened (an event type)")
    at: Moment = Field(description="when, ISO 8601 in UTC")
    actor: str = Field(description="who did it (a person id, a role marker or kwflow)")
    payload: dict[str, Any] = Field(
        description="the event's facts, without the data the person may not read"
    )
    redacted: str | None = Field(description="the artifact whose data was left out whole, if any")
    hidden_fields: list[str] = Field(
        description="fields left out of a document the person reads only in part"
    )


class ReadEntryJSON(_Shape):
    """One document shown to one person, as the read log keeps it."""

    number: int = Field(description="the entry's place in the log: pass it as after")
    case_id: str = Field(description="the case")
    person: str = Field(description="who was shown the document")
    artifact: str = Field(description="the document's artifact id")
    versions: list[int] = Field(description="the version numbers shown")
    fields: list[str] = Field(description="the fields shown, when only some were; else empty")
    at: Moment = Field(description="when, ISO 8601 in UTC (the engine's clock)")
    call: str = Field(description="the engine call that showed it (view, history_for)")
    access: str = Field(description="participant, supervision or audit")


VIEW_SCHEMAS: FrozenMap[str, type[BaseModel]] = FrozenMap(
    {
        "CaseView": CaseViewJSON,
        "ActionOption": ActionOptionJSON,
        "Reason": ReasonJSON,
        "Error": ErrorJSON,
        "CaseSummary": CaseSummaryJSON,
        "InboxItem": InboxItemJSON,
        "HistoryEntry": HistoryEntryJSON,
        "ReadEntry": ReadEntryJSON,
    }
)
"""The JSON shapes of the public API, by the name of what gives them (``CaseView.to_dict``)."""


def view_json_schema(*, ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    """One JSON Schema document describing every shape in `VIEW_SCHEMAS`.

    Every model is under ``$defs`` by its class name; ``views`` maps each
    registered name to its model. For an OpenAPI document pass
    ``ref_template="#/components/schemas/{model}"`` and copy ``$defs`` into
    ``components.schemas``.
    """
    keys, document = models_json_schema(
        [(model, "validation") for model in VIEW_SCHEMAS.values()], ref_template=ref_template
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kwflow views",
        "description": "The JSON that the to_dict() methods of kwflow's public API give.",
        "views": {name: keys[(model, "validation")] for name, model in VIEW_SCHEMAS.items()},
        "$defs": document.get("$defs", {}),
    }
