"""The read log's durability: a viewer process to kill, and triggers that see the setting.

A trigger records, inside the very transaction that writes a row, how
durable its commit is: SQLite's ``synchronous`` (through the
``pragma_synchronous`` table-valued function) or PostgreSQL's
``synchronous_commit`` (``current_setting``). Nothing of kwflow is replaced.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tests.support.runtime import MEMBER, make_engine
from tests.support.store import open_spec

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.store import Backend

SQLITE_LEVELS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def view_and_hang(spec: tuple[str, str, str | None], mode: str, done: Path) -> None:
    """View ``r1`` as its member twice (cold, then warm), say so in ``done``, and hang."""
    store = open_spec(spec)
    engine = make_engine(
        "rules", store=store, guards={"ready": lambda context: True}, read_log=mode
    )
    engine.view("r1", MEMBER)
    engine.view("r1", MEMBER)
    done.write_text("viewed", encoding="utf-8")
    while True:
        time.sleep(1)


def watch_durability(backend: Backend) -> None:
    """Record the durability setting each read-log and event row is written under."""
    if backend.kind == "sqlite":
        backend.sql("CREATE TABLE seen_setting (tbl TEXT, setting INTEGER)")
        for table in ("read_log", "events"):
            backend.sql(
                f"CREATE TRIGGER seen_{table} AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO seen_setting SELECT '{table}', synchronous FROM pragma_synchronous; "
                "END"
            )
        return
    schema = f'"{backend.schema}"'
    backend.sql(f"CREATE TABLE {schema}.seen_setting (tbl text, setting text)")
    backend.sql(
        f"CREATE FUNCTION {schema}.seen_setting() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {schema}.seen_setting "
        "VALUES (TG_TABLE_NAME, current_setting('synchronous_commit')); RETURN NULL; END $$"
    )
    for table in ("read_log", "events"):
        backend.sql(
            f"CREATE TRIGGER seen_{table} AFTER INSERT ON {schema}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {schema}.seen_setting()"
        )


def seen_settings(backend: Backend) -> list[tuple[str, str]]:
    """(table, setting) of each row written since `watch_durability`, in order; then forgotten."""
    rows = backend.sql("SELECT tbl, setting FROM seen_setting")
    backend.sql("DELETE FROM seen_setting")
    if backend.kind == "sqlite":
        return [(table, SQLITE_LEVELS[int(level)]) for table, level in rows]
    return [(str(table), str(level)) for table, level in rows]
