"""The database schema as a chain of small migrations, one per version.

Both SQL backends share the chain: migration ``n`` takes a database from
version ``n - 1`` to ``n`` and is written once for SQLite and once for
PostgreSQL. A database records every migration applied to it in its
``schema_version`` table (SQLite also mirrors the number in ``PRAGMA
user_version`` so a connection checks it without a query); opening a store
applies the missing ones in one transaction. A database newer than the code
is never touched: the store refuses it with ``SchemaTooNew``.

Never edit a migration that has been released: add the next one.
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Migration:
    """One step of the chain: the statements taking version - 1 to version."""

    version: int
    description: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]
    """Statements with ``{s}`` where the schema prefix (``"name".``) goes."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="cases, hash-chained events, snapshots, open-deadline index",
        sqlite=(
            # The head (version, hash of the last event) is written in the
            # same transaction as the events; reads compare the two, which
            # catches events deleted from the end of a history.
            """CREATE TABLE cases (
                case_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                last_hash TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            ) WITHOUT ROWID""",
            # payload is the exact canonical JSON that was hashed.
            """CREATE TABLE events (
                case_id TEXT NOT NULL REFERENCES cases (case_id),
                sequence INTEGER NOT NULL,
                type TEXT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                payload TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                PRIMARY KEY (case_id, sequence)
            )""",
            """CREATE TABLE snapshots (
                case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
                version INTEGER NOT NULL,
                last_hash TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )""",
            # due_at: microseconds since the epoch (UTC), an integer that
            # sorts like the time it encodes.
            """CREATE TABLE deadlines (
                case_id TEXT NOT NULL REFERENCES cases (case_id),
                deadline_id TEXT NOT NULL,
                due_at INTEGER NOT NULL,
                PRIMARY KEY (case_id, deadline_id)
            ) WITHOUT ROWID""",
            # Covers due()'s ORDER BY completely, so the first N rows are
            # read straight off the index however many deadlines are open.
            "CREATE INDEX deadlines_due ON deadlines (due_at, case_id, deadline_id)",
            """CREATE TABLE schema_version (
                version INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )""",
        ),
        postgres=(
            """CREATE TABLE {s}cases (
                case_id text PRIMARY KEY,
                version integer NOT NULL,
                last_hash text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            )""",
            # payload is text, not jsonb: jsonb reorders keys and normalizes
            # numbers, and the hash covers the exact canonical text.
            """CREATE TABLE {s}events (
                case_id text NOT NULL REFERENCES {s}cases (case_id),
                sequence integer NOT NULL,
                type text NOT NULL,
                at timestamptz NOT NULL,
                actor text NOT NULL,
                payload text NOT NULL,
                prev_hash text NOT NULL,
                hash text NOT NULL,
                schema_version integer NOT NULL,
                PRIMARY KEY (case_id, sequence)
            )""",
            """CREATE TABLE {s}snapshots (
                case_id text PRIMARY KEY REFERENCES {s}cases (case_id),
                version integer NOT NULL,
                last_hash text NOT NULL,
                state text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE {s}deadlines (
                case_id text NOT NULL REFERENCES {s}cases (case_id),
                deadline_id text NOT NULL,
                due_at timestamptz NOT NULL,
                PRIMARY KEY (case_id, deadline_id)
            )""",
            "CREATE INDEX deadlines_due ON {s}deadlines (due_at, case_id, deadline_id)",
            """CREATE TABLE {s}schema_version (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )""",
        ),
    ),
    Migration(
        version=2,
        description="claim leases on open deadlines (claim_due)",
        sqlite=(
            "ALTER TABLE deadlines ADD COLUMN claimed_by TEXT",
            "ALTER TABLE deadlines ADD COLUMN lease_until INTEGER",
        ),
        postgres=(
            "ALTER TABLE {s}deadlines ADD COLUMN claimed_by text",
            "ALTER TABLE {s}deadlines ADD COLUMN lease_until timestamptz",
        ),
    ),
    Migration(
        version=3,
        description="snapshot checksums; existing snapshots dropped (a cache)",
        # Snapshots are only a cache: dropping them instead of computing
        # checksums in SQL costs one replay per case, never correctness.
        sqlite=(
            "DELETE FROM snapshots",
            "ALTER TABLE snapshots ADD COLUMN checksum TEXT NOT NULL DEFAULT ''",
        ),
        postgres=(
            "DELETE FROM {s}snapshots",
            "ALTER TABLE {s}snapshots ADD COLUMN checksum text NOT NULL DEFAULT ''",
        ),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The schema version this kwflow writes and reads."""


def pending(current: int, target: int = SCHEMA_VERSION) -> tuple[Migration, ...]:
    """The migrations taking a database from ``current`` to ``target``, in order."""
    return tuple(m for m in MIGRATIONS if current < m.version <= target)
