"""Engine commands for the store tests and worker processes (spawn imports this by name)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import kwflow
from kwflow.exceptions import ConcurrencyConflict

from .paths import PROCESSES
from .store import open_spec

if TYPE_CHECKING:
    from kwflow.store import CaseStore

PROCESS = "family_conference"
OPENER = "social-worker"
REFERRAL: dict[str, Any] = {
    "referred_on": "2025-03-03",
    "concerns": "",
    "question": "Jak zajistí rodina, že dítě bude v bezpečí?",
    "bottom_lines": [{"condition": "Dítě chodí pravidelně do školy."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


def engine_on(store: CaseStore, **options: Any) -> kwflow.Engine:
    """An engine over ``store`` running version 1 of the shipped processes.

    The store tests drive storage, not the process: version 1 opens a case
    with nothing but its opener (version 2 also asks for the referrer's
    organisation), and stays byte for byte as it is.
    """
    return kwflow.Engine(kwflow.Registry.from_paths(PROCESSES / "previous"), store=store, **options)


def submit_marked(engine: kwflow.Engine, case_id: str, marker: str, *, retries: int = 0) -> None:
    """One command: a new version of the referral whose ``concerns`` is ``marker``."""
    engine.submit(case_id, "referral", {**REFERRAL, "concerns": marker}, by=OPENER, retries=retries)


def markers_in(engine: kwflow.Engine, case_id: str) -> list[str]:
    """The markers of every referral stored for the case, oldest first."""
    return [
        str(e.payload["data"]["concerns"])
        for e in engine.history_unfiltered(case_id)
        if e.type == "artifact_submitted"
    ]


def act_on_cases(
    engine: kwflow.Engine,
    shared_case: str,
    own_case: str,
    worker: str,
    rounds: int,
    *,
    start_at: float = 0.0,
) -> tuple[list[str], list[str], int]:
    """Submit to a shared case (racing others, a few retries) and to an own case.

    Returns the markers accepted on the shared case, those on the own case,
    and how many shared commands were refused after their retries.
    """
    time.sleep(max(0.0, start_at - time.time()))
    shared: list[str] = []
    own: list[str] = []
    refused = 0
    for i in range(rounds):
        marker = f"{worker}-{i}"
        try:
            submit_marked(engine, shared_case, marker, retries=2)
            shared.append(marker)
        except ConcurrencyConflict:
            refused += 1
        submit_marked(engine, own_case, f"own-{marker}")
        own.append(f"own-{marker}")
    return shared, own, refused


def engine_worker(
    spec: tuple[str, str, str | None],
    shared_case: str,
    own_case: str,
    worker: str,
    plan: tuple[int, float],
) -> tuple[list[str], list[str], int]:
    """``act_on_cases`` in a process of its own with its own store and engine.

    ``plan`` is (rounds, start time); the own case is opened here.
    """
    rounds, start_at = plan
    with open_spec(spec) as store:
        engine = engine_on(store, snapshot_every=5)
        engine.open_case(PROCESS, by=OPENER, case_id=own_case)
        return act_on_cases(engine, shared_case, own_case, worker, rounds, start_at=start_at)
