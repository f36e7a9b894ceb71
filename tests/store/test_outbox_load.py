"""The outbox under concurrent claimers in separate OS processes, and a claimer killed mid-send."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.support.store import (
    OUTBOX_NOW,
    claim_and_hang,
    fill_outbox,
    notification_claimer,
)

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.store import Backend

PROCESSES = 4


def _spawn() -> multiprocessing.context.SpawnContext:
    return multiprocessing.get_context("spawn")


def test_concurrent_claimers_never_get_one_notification_twice_within_a_lease(
    sql_backend: Backend,
) -> None:
    store = sql_backend.open()
    keys = fill_outbox(store, cases=60, per_case=3)
    start_at = time.time() + 3.0
    with _spawn().Pool(PROCESSES) as pool:
        results = [
            pool.apply_async(notification_claimer, (sql_backend.spec, f"p{i}", 10, start_at))
            for i in range(PROCESSES)
        ]
        got = [key for result in results for key in result.get(timeout=120)]
    counts = Counter(got)
    assert [key for key, n in counts.items() if n > 1] == []
    # 4 processes x 10 rounds x 7 = 280 claims asked for 180 notifications: all handed out.
    assert set(counts) == keys
    assert store.claim_notifications(OUTBOX_NOW, limit=500, lease=timedelta(1), worker="x") == []


def test_a_killed_claimers_notifications_come_back_after_its_lease(
    sql_backend: Backend, tmp_path: Path
) -> None:
    store = sql_backend.open()
    keys = fill_outbox(store, cases=5, per_case=2)
    done = tmp_path / "claimed.txt"
    process = _spawn().Process(target=claim_and_hang, args=(sql_backend.spec, 4, done))
    process.start()
    give_up = time.monotonic() + 60
    while not done.exists() or not done.read_text(encoding="utf-8"):
        assert time.monotonic() < give_up, "the claimer never claimed"
        assert process.is_alive(), "the claimer died on its own"
        time.sleep(0.05)
    claimed = set(done.read_text(encoding="utf-8").split("\n"))
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)
    assert process.exitcode == -signal.SIGKILL
    assert len(claimed) == 4
    # Within its lease, the others get only the rest.
    others = store.claim_notifications(
        OUTBOX_NOW, limit=100, lease=timedelta(minutes=5), worker="w"
    )
    assert {n.key for n in others} == keys - claimed
    for notification in others:
        assert store.ack_notification(notification.key, now=OUTBOX_NOW)
    # Once the dead claimer's lease has run out, its notifications return.
    back = store.claim_notifications(
        OUTBOX_NOW + timedelta(minutes=5), limit=100, lease=timedelta(minutes=5), worker="w"
    )
    assert {n.key for n in back} == claimed
    assert {n.attempts for n in back} == {2}
