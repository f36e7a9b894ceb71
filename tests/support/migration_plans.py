"""Broken migration plans, one per kind of problem, and the facts each kind's Czech needs."""

from __future__ import annotations

PLAN_HEAD = "process: case_conference\nfrom: 1\nto: 2\n"

# The shipped plan's body, in parts a broken plan replaces one at a time.
PHASES = (
    "phases:\n  request: request\n  scheduling: scheduling\n  preparation: preparation\n"
    "  meeting: meeting\n  minutes: minutes\n"
)
DOCUMENTS = (
    "documents:\n"
    "  - artifact: suitability\n    to: provider_advice\n    fields:\n"
    "      - {field: advice, from: reasoning}\n"
    "  - artifact: request_form\n    fields:\n      - {field: facilitation, default: external}\n"
    "  - artifact: attendance\n    fields:\n"
    "      - {field: absence_decision, values: {nobody_absent: null}}\n"
)
DEADLINES = "deadlines:\n  - {deadline: date_agreed, to: conference_in_time}\n"


def plan(
    *,
    head: str = PLAN_HEAD,
    phases: str = PHASES,
    documents: str = DOCUMENTS,
    deadlines: str = DEADLINES,
    roles: str = "",
) -> str:
    """The case conference's plan with one part replaced."""
    return head + phases + roles + documents + deadlines


BROKEN: dict[str, str] = {
    "migration-same-version": plan(head="process: case_conference\nfrom: 2\nto: 2\n"),
    "migration-unknown-version": plan(head="process: case_conference\nfrom: 1\nto: 7\n"),
    "migration-unknown-phase": plan(phases=PHASES + "  meting: meeting\n"),
    "migration-unknown-role": plan(roles="roles:\n  - {from: parent, to: mother}\n"),
    "migration-unknown-artifact": plan(
        documents=DOCUMENTS + "  - {artifact: minutes, to: protocol}\n"
    ),
    "migration-unknown-field": plan(
        documents=DOCUMENTS.replace(
            "{field: advice, from: reasoning}", "{field: advise, from: reasoning}"
        )
    ),
    "migration-field-not-mapped": plan(
        documents=DOCUMENTS.replace(
            "    to: provider_advice\n    fields:\n      - {field: advice, from: reasoning}\n",
            "    to: provider_advice\n",
        )
    ),
    "migration-required-field": plan(
        documents=DOCUMENTS.replace("{field: facilitation, default: external}", "{field: goal}")
    ),
    "migration-field-type": plan(
        documents=DOCUMENTS.replace(
            "{field: advice, from: reasoning}", "{field: advice, from: suitable}"
        )
    ),
    "migration-default-type": plan(
        documents=DOCUMENTS.replace("default: external", "default: outside")
    ),
    "migration-enum-value": plan(
        documents=DOCUMENTS.replace("{nobody_absent: null}", "{somebody: null}")
    ),
    "migration-unknown-deadline": plan(
        deadlines="deadlines:\n  - {deadline: date_agreed, to: held_in_time}\n"
    ),
    "migration-deadline-not-mapped": plan(deadlines=""),
    "migration-unmapped-phase": plan(phases=PHASES.replace("  minutes: minutes\n", "")),
}
"""A broken plan of the shipped processes, by the code of the problem it has."""

# Facts the test of Czech templates renders the kinds no process file reaches from.
MIGRATION_FACTS: dict[str, dict[str, str]] = {
    "duplicate-plan": {"process": "case_conference", "from": "1", "to": "2"},
    "migration-same-version": {"process": "case_conference", "version": "2"},
    "migration-unknown-version": {"process": "case_conference", "version": "7", "known": "1, 2"},
    "migration-unknown-phase": {"phase": "meting", "version": "1"},
    "migration-unknown-role": {"role": "mother", "version": "2"},
    "migration-role-not-mapped": {"role": "parent", "version": "2"},
    "migration-unknown-artifact": {"artifact": "protocol", "version": "2"},
    "migration-artifact-not-mapped": {"artifact": "suitability", "version": "2"},
    "migration-unknown-field": {"artifact": "provider_advice", "field": "advise", "version": "2"},
    "migration-field-not-mapped": {
        "artifact": "suitability",
        "field": "reasoning",
        "version": "2",
    },
    "migration-required-field": {"artifact": "request_form", "field": "facilitation"},
    "migration-field-type": {
        "artifact": "provider_advice",
        "field": "advice",
        "type": "text",
        "other_field": "suitable",
        "other_type": "bool",
    },
    "migration-default-type": {
        "artifact": "request_form",
        "field": "facilitation",
        "type": "enum",
        "value": "outside",
    },
    "migration-enum-value": {
        "artifact": "attendance",
        "field": "absence_decision",
        "value": "nobody_absent",
    },
    "migration-unknown-deadline": {"deadline": "held_in_time", "version": "2"},
    "migration-deadline-not-mapped": {"deadline": "date_agreed", "version": "2"},
    "migration-unmapped-phase": {"phase": "minutes", "version": "1"},
    "migration-state-roles": {"phase": "request", "version": "1", "role": "provider", "max": "1"},
    "migration-state-exclusive": {
        "phase": "request",
        "version": "1",
        "role": "provider",
        "other": "facilitator",
    },
    "migration-state-assignable": {"phase": "referral", "version": "1", "role": "coordinator"},
    "migration-state-invariant": {
        "phase": "request",
        "version": "1",
        "role": "ospod_worker",
        "invariant": "always_an_ospod_worker",
    },
}
