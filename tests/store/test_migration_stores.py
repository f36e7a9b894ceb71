"""A migrated case kept by every backend: the event, the index row, a fresh engine, go on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow import Engine, Registry
from kwflow.exceptions import MigrationRefused
from tests.support.migration import ADMIN, conference_in, finish_conference, migrate
from tests.support.outcomes import FamilyConference
from tests.support.runtime import Unchanged, check_case

if TYPE_CHECKING:
    from tests.support.store import Backend


def test_a_migrated_case_is_kept_replayed_and_carried_on_by_every_backend(
    backend: Backend,
) -> None:
    walk = conference_in("scheduling", store=backend.keyed())
    before = walk.case
    case = migrate(walk)
    # A fresh engine over the same data reads the case on its new version.
    fresh = Engine(Registry.shipped(), store=backend.keyed(), clock=walk.clock)
    again = fresh.get_unfiltered(walk.case_id)
    assert again == case
    assert again.process.version == 2
    (summary,) = fresh.find_cases(process="case_conference")
    assert summary.process_version == 2
    fresh.verify(walk.case_id)
    # The one-month rule is due in the store under its new name.
    due = {d.deadline_id for d in fresh.due(before.deadlines["date_agreed"].limit)}
    assert due == {"conference_in_time"}
    walk.engine = fresh
    assert finish_conference(walk) == "held"
    check_case(fresh, walk.case)


def test_a_refused_migration_leaves_every_backend_unchanged(backend: Backend) -> None:
    walk = FamilyConference(version=1, store=backend.keyed()).to("preparation")
    with Unchanged(walk.engine, walk.case_id), pytest.raises(MigrationRefused):
        walk.engine.migrate(walk.case_id, 2, by=ADMIN)
    fresh = Engine(Registry.shipped(), store=backend.keyed(), clock=walk.clock)
    assert fresh.get_unfiltered(walk.case_id).process.version == 1
    (summary,) = fresh.find_cases()
    assert summary.process_version == 1
