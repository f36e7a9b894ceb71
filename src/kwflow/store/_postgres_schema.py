"""PostgreSQL's statements for every schema migration (see `_migrations`).

``{s}`` stands where the schema prefix (``"name".``) goes: one database may
hold several kwflow schemas, and the store fills in its own when it migrates.
"""

from __future__ import annotations

from ._migrations import MigrationChain

POSTGRES_MIGRATIONS = MigrationChain.of(
    "postgres",
    {
        1: (
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
        2: (
            "ALTER TABLE {s}deadlines ADD COLUMN claimed_by text",
            "ALTER TABLE {s}deadlines ADD COLUMN lease_until timestamptz",
        ),
        # Snapshots are only a cache (see the SQLite chain).
        3: (
            "DELETE FROM {s}snapshots",
            "ALTER TABLE {s}snapshots ADD COLUMN checksum text NOT NULL DEFAULT ''",
        ),
        # Idempotency keys (see the SQLite chain).
        4: (
            """CREATE TABLE {s}idempotency_keys (
                scope text NOT NULL,
                key text NOT NULL,
                content_hash text NOT NULL,
                case_id text NOT NULL REFERENCES {s}cases (case_id),
                version integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (scope, key)
            )""",
        ),
        # MACs of heads and snapshots (see the SQLite chain).
        5: (
            "DELETE FROM {s}snapshots",
            "ALTER TABLE {s}cases ADD COLUMN mac text NOT NULL DEFAULT ''",
            "ALTER TABLE {s}snapshots ADD COLUMN mac text NOT NULL DEFAULT ''",
        ),
        # The case index (see the SQLite chain).
        6: (
            """CREATE TABLE {s}case_index (
                case_id text PRIMARY KEY REFERENCES {s}cases (case_id),
                version integer NOT NULL,
                process_id text NOT NULL,
                process_version integer NOT NULL,
                phase text NOT NULL,
                phase_path text NOT NULL,
                outcome text,
                is_open boolean NOT NULL,
                opened_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                next_due timestamptz,
                participants text NOT NULL
            )""",
            "CREATE INDEX case_index_updated ON {s}case_index (updated_at DESC, case_id)",
            (
                "CREATE INDEX case_index_process ON {s}case_index "
                "(process_id, updated_at DESC, case_id)"
            ),
            "CREATE INDEX case_index_due ON {s}case_index (next_due) WHERE next_due IS NOT NULL",
            """CREATE TABLE {s}case_people (
                person text NOT NULL,
                role text NOT NULL,
                case_id text NOT NULL REFERENCES {s}cases (case_id),
                PRIMARY KEY (person, role, case_id)
            )""",
            "CREATE INDEX case_people_case ON {s}case_people (case_id)",
            "CREATE INDEX case_people_role ON {s}case_people (role, case_id)",
            """CREATE TABLE {s}case_phases (
                phase text NOT NULL,
                case_id text NOT NULL REFERENCES {s}cases (case_id),
                PRIMARY KEY (phase, case_id)
            )""",
            "CREATE INDEX case_phases_case ON {s}case_phases (case_id)",
        ),
        # See the SQLite chain: NULL is the true value of every older case.
        7: (
            "ALTER TABLE {s}case_index ADD COLUMN follows text",
            (
                "CREATE INDEX case_index_follows ON {s}case_index (follows) "
                "WHERE follows IS NOT NULL"
            ),
        ),
        # The read log (see the SQLite chain).
        8: (
            """CREATE TABLE {s}read_log (
                number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                case_id text NOT NULL,
                person text NOT NULL,
                artifact text NOT NULL,
                versions text NOT NULL,
                fields text NOT NULL,
                at timestamptz NOT NULL,
                call text NOT NULL,
                access text NOT NULL
            )""",
            "CREATE INDEX read_log_case ON {s}read_log (case_id, number)",
            "CREATE INDEX read_log_person ON {s}read_log (person, number)",
        ),
        # Data-subject keys and retention facts (see the SQLite chain).
        9: (
            """CREATE TABLE {s}subject_keys (
                case_id text NOT NULL,
                subject text NOT NULL,
                wrapped text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (case_id, subject)
            )""",
            "ALTER TABLE {s}case_index ADD COLUMN closed_at timestamptz",
            "ALTER TABLE {s}case_index ADD COLUMN held boolean NOT NULL DEFAULT false",
            "ALTER TABLE {s}case_index ADD COLUMN disposed boolean NOT NULL DEFAULT false",
        ),
        # Disposal records (see the SQLite chain).
        10: (
            "ALTER TABLE {s}cases ADD COLUMN disposed boolean NOT NULL DEFAULT false",
            """CREATE TABLE {s}disposed_cases (
                case_id text PRIMARY KEY REFERENCES {s}cases (case_id),
                record text NOT NULL,
                mac text NOT NULL
            )""",
        ),
        11: (
            # key: the notification's idempotency key, unique forever, so a
            # notification already sent is never written again.
            """CREATE TABLE {s}outbox (
                key text PRIMARY KEY,
                case_id text NOT NULL,
                deadline_id text NOT NULL,
                kind text NOT NULL,
                due_at timestamptz NOT NULL,
                available_at timestamptz NOT NULL,
                roles text NOT NULL,
                people text NOT NULL,
                message text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                claimed_by text,
                lease_until timestamptz,
                sent_at timestamptz
            )""",
            # available_at: when a claim may take the row, its due time or,
            # once claimed, the end of its lease. Claims read the first rows of
            # this index (only what is still to be sent) and move what they
            # take further back, so the next claim never steps over leased rows.
            "CREATE INDEX outbox_pending ON {s}outbox (available_at, key) WHERE sent_at IS NULL",
            "CREATE INDEX outbox_case ON {s}outbox (case_id, deadline_id)",
        ),
    },
)
"""The PostgreSQL chain, applied when a `PostgresStore` opens."""
