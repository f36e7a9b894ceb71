"""An action with ``requires_presence: false`` is taken by a permitted role that is absent.

Domain: OSPOD may intervene for a child's safety at any moment, also while
the referrer is out of the room during private family time; every other step
still needs presence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.exceptions import NotPermitted
from tests.support.runtime import Unchanged, check_case, make_engine

if TYPE_CHECKING:
    from kwflow.engine import Engine


def _in_private() -> tuple[Engine, str]:
    engine = make_engine("emergency")
    engine.open_case("emergency", by="worker-1", case_id="e1")
    engine.assign("e1", "mother", "family", by="worker-1")
    engine.act("e1", "withdraw", by="worker-1")
    return engine, "e1"


def test_an_absent_worker_may_protect_the_child() -> None:
    engine, case_id = _in_private()
    case = engine.act(case_id, "protect", by="worker-1")
    assert case.outcome == "stopped"
    check_case(engine, case)


def test_other_commands_still_need_presence() -> None:
    engine, case_id = _in_private()
    with Unchanged(engine, case_id), pytest.raises(NotPermitted, match="not present"):
        engine.assign(case_id, "grandmother", "family", by="worker-1")
    options = {o.action: o for o in engine.available_actions(case_id, "worker-1")}
    assert options["protect"].allowed


def test_the_override_does_not_lend_a_role() -> None:
    engine, case_id = _in_private()
    with Unchanged(engine, case_id), pytest.raises(NotPermitted, match="roles"):
        engine.act(case_id, "protect", by="mother")
