"""Property: on SQLite, the case index equals what a replay gives after every step.

The stateful machine of ``kwflow.testing`` drives cases of both shipped
processes (allowed and refused commands, roles coming and going, the clock
jumping across deadlines) through an engine on a real SQLite file. After
every step the case's index row equals the row computed from its replayed
history (``Engine.verify``), and ``find_cases`` by each participant, by
every phase around the case's leaf and by openness finds the case, while
other phases and the other openness do not. Other cases the machine opens
are verified too.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings

from kwflow import Registry
from kwflow.store import SqliteStore
from kwflow.testing import ProcessMachine, process_state_machine

SHIPPED = Registry.shipped()


def _sqlite_store() -> SqliteStore:
    folder = Path(tempfile.mkdtemp(prefix="kwflow-index-"))
    return SqliteStore(folder / "cases.sqlite3", synchronous="NORMAL")


class IndexChecked(ProcessMachine):
    """The machine's own checks, then the case index against the replay."""

    def check(self) -> list[str]:
        broken = super().check()
        case = self.engine.replay_unfiltered(self.case_id)
        # Every case (the machine opens others now and then): IndexOutOfDate on any difference.
        for case_id in self.engine.store.case_ids():
            self.engine.verify(case_id)
        for person in case.participants:
            assert self.case_id in {s.id for s in self.engine.find_cases(person=person)}
        everywhere = {info.phase.id for info in self.process.all_phases()}
        for phase in everywhere:
            found = {s.id for s in self.engine.find_cases(phase=phase)}
            assert (self.case_id in found) == case.phase.within(phase), phase
        assert self.case_id in {s.id for s in self.engine.find_cases(open=not case.closed)}
        assert self.case_id not in {s.id for s in self.engine.find_cases(open=case.closed)}
        return broken

    def teardown(self) -> None:
        store = getattr(self, "store", None)
        if isinstance(store, SqliteStore):
            store.close()
            shutil.rmtree(store.path.parent, ignore_errors=True)


FamilyConferenceOnSqlite = process_state_machine(
    SHIPPED.get("family_conference"), base=IndexChecked, store=_sqlite_store
)
CaseConferenceOnSqlite = process_state_machine(
    SHIPPED.get("case_conference"), base=IndexChecked, store=_sqlite_store
)
_SETTINGS = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FamilyConferenceOnSqlite.TestCase.settings = _SETTINGS
CaseConferenceOnSqlite.TestCase.settings = _SETTINGS

TestFamilyConferenceIndex = FamilyConferenceOnSqlite.TestCase
TestCaseConferenceIndex = CaseConferenceOnSqlite.TestCase
