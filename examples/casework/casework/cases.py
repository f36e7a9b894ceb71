"""The site's one kwflow engine, on the store the settings name.

One engine per OS process, shared by its threads (kwflow's engines are
thread-safe): SQLite by default, PostgreSQL when the settings have a DSN.
"""

from __future__ import annotations

import threading

from django.conf import settings

import kwflow
from kwflow.history import KeyRing

_lock = threading.Lock()
_engine: kwflow.Engine | None = None


def engine() -> kwflow.Engine:
    """The engine, made on first use."""
    global _engine  # noqa: PLW0603 (one engine per process, made lazily)
    with _lock:
        if _engine is None:
            _engine = kwflow.Engine(kwflow.Registry.shipped(), store=_store())
        return _engine


def close() -> None:
    """Close the store and forget the engine (tests, and settings that change)."""
    global _engine  # noqa: PLW0603
    with _lock:
        if _engine is not None:
            _engine.store.close()
        _engine = None


def _store() -> kwflow.SqliteStore | kwflow.PostgresStore:
    dsn = settings.KWFLOW_POSTGRES_DSN
    if dsn:
        # The key ring authenticates the cases and protects the personal data
        # keys; it must live outside the database (docs/storage.md), here in a
        # file of the app's own (made on first use, owner-only).
        settings.KWFLOW_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        ring, _ = KeyRing.read_or_create(settings.KWFLOW_KEY_FILE)
        return kwflow.PostgresStore(dsn, schema=settings.KWFLOW_SCHEMA, keys=ring)
    path = settings.KWFLOW_SQLITE
    path.parent.mkdir(parents=True, exist_ok=True)
    return kwflow.SqliteStore(path)
