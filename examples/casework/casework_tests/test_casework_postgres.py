"""The whole app on PostgreSQL: Django's tables and kwflow's cases, with one setting.

The other tests run Django on SQLite, set up once for the run. Here the app
runs as a deployment runs it, in processes of its own with only
``CASEWORK_DATABASE_URL`` set, on a fresh database of the PostgreSQL server
made for this test and dropped after it: ``manage.py migrate`` makes
Django's tables there, ``casework_demo`` the users and cases, and a logged-in
user works through the test client. What landed where is then read back
from the server itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import pytest

import kwflow
from kwflow.history import KeyRing
from tests.support.store import pg_dsn

if TYPE_CHECKING:
    from collections.abc import Iterator

APP = Path(__file__).resolve().parents[1]
PASSWORD = "kwflow-demo-pg"

# Run in the app's own process: log in, read the demo case, open a case,
# and say what happened as JSON on the last line.
WORK = """
import json, re, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
assert client.login(username="jana", password=%(password)r)
page = client.get("/cases/RK-DEMO-1/")
listing = client.get("/cases/")
key = re.search(r'name="idempotency_key" value="([^"]*)"', listing.content.decode()).group(1)
opened = client.post("/cases/open/", {"process": "family_conference", "idempotency_key": key})
print(json.dumps({
    "page": page.status_code,
    "phase": 'id="phase">Zadání<' in page.content.decode(),
    "opened": opened.status_code,
    "case": opened["Location"].strip("/").split("/")[-1],
    "stranger": Client().get("/cases/RK-DEMO-1/").status_code,
}))
"""


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """The URL of a new database on the test server, dropped (with all in it) afterwards."""
    dsn = pg_dsn()
    try:
        import psycopg

        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except Exception as unreachable:  # noqa: BLE001 - any failure means "not reachable"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {dsn} is unreachable and CI=true: {unreachable}")
        pytest.skip(f"PostgreSQL at {dsn} is unreachable: {unreachable}")
    name = f"casework_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rows(url: str, query: str) -> list[Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(query).fetchall()]


@pytest.mark.postgres
def test_django_and_kwflow_both_live_on_postgresql_with_one_setting(
    fresh_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "CASEWORK_DATABASE_URL": fresh_database,
        "CASEWORK_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "casework_site.settings",
    }
    _manage(env, "migrate", "--verbosity", "0")
    made = _manage(env, "casework_demo", "--password", PASSWORD)
    assert "RK-DEMO-1" in made
    run = subprocess.run(
        [sys.executable, "-c", WORK % {"password": PASSWORD}],
        cwd=APP,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["page"] == 200
    assert seen["phase"]
    assert seen["opened"] == 302
    assert seen["stranger"] == 302  # not logged in: off to the login page

    # Django's own tables are on the server: the users, their kwflow persons, the session.
    assert {"jana", "marie", "cizi"} <= set(_rows(fresh_database, "SELECT username FROM auth_user"))
    assert "jana" in _rows(fresh_database, "SELECT person_id FROM casework_person")
    assert _rows(fresh_database, "SELECT count(*) FROM django_session")[0] >= 1
    assert "0001_initial" in _rows(
        fresh_database, "SELECT name FROM django_migrations WHERE app = 'casework'"
    )
    # kwflow's cases are in their schema of the same database, the one opened from the page too.
    ring, made_now = KeyRing.read_or_create(tmp_path / "kwflow-postgres.key")
    assert not made_now  # the app made it, beside (never inside) the database
    store = kwflow.PostgresStore(fresh_database, schema="casework_kwflow", keys=ring)
    try:
        stored = set(store.case_ids())
    finally:
        store.close()
    assert {"RK-DEMO-1", "RK-DEMO-HOTOVO", "PK-DEMO-KONANA", seen["case"]} <= stored
    # Nothing of it went to SQLite.
    assert not list(tmp_path.glob("*.sqlite3"))
