"""SQLite's statements for every schema migration (see `_migrations`).

Times are ISO-8601 text, or integer microseconds since the epoch (UTC)
where they are compared or sorted (deadlines). SQLite also keeps the schema
version in ``PRAGMA user_version``, so a connection checks it without a query.
"""

from __future__ import annotations

from ._migrations import MigrationChain

SQLITE_MIGRATIONS = MigrationChain.of(
    "sqlite",
    {
        1: (
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
        2: (
            "ALTER TABLE deadlines ADD COLUMN claimed_by TEXT",
            "ALTER TABLE deadlines ADD COLUMN lease_until INTEGER",
        ),
        # Snapshots are only a cache: dropping them instead of computing
        # checksums in SQL costs one replay per case, never correctness.
        3: (
            "DELETE FROM snapshots",
            "ALTER TABLE snapshots ADD COLUMN checksum TEXT NOT NULL DEFAULT ''",
        ),
        # scope: the case id for commands on a case, '' for commands opening
        # one. A key is never deleted: it stands for its first command forever.
        4: (
            """CREATE TABLE idempotency_keys (
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases (case_id),
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (scope, key)
            ) WITHOUT ROWID""",
        ),
        # "<key id>:<hex HMAC>" of the head and of the snapshot, made with a
        # key the database does not hold ('' when written without keys).
        # Existing heads are sealed by the store after migrating (it holds
        # the key); existing snapshots are dropped (a cache).
        5: (
            "DELETE FROM snapshots",
            "ALTER TABLE cases ADD COLUMN mac TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE snapshots ADD COLUMN mac TEXT NOT NULL DEFAULT ''",
        ),
        # The case index (see `_index`). SQL cannot replay a history, so the
        # rows of cases stored before this version are written by
        # ``kwflow reindex``; until then those cases are missing from lists.
        # Times are microseconds since the epoch, like deadlines.due_at.
        # case_people and case_phases (every phase on the case's path) are
        # what the filters look up through their primary keys;
        # participants and phase_path repeat them in the row, so a page is
        # read with one statement.
        6: (
            """CREATE TABLE case_index (
                case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
                version INTEGER NOT NULL,
                process_id TEXT NOT NULL,
                process_version INTEGER NOT NULL,
                phase TEXT NOT NULL,
                phase_path TEXT NOT NULL,
                outcome TEXT,
                is_open INTEGER NOT NULL,
                opened_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                next_due INTEGER,
                participants TEXT NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX case_index_updated ON case_index (updated_at DESC, case_id)",
            "CREATE INDEX case_index_process ON case_index (process_id, updated_at DESC, case_id)",
            "CREATE INDEX case_index_due ON case_index (next_due) WHERE next_due IS NOT NULL",
            """CREATE TABLE case_people (
                person TEXT NOT NULL,
                role TEXT NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases (case_id),
                PRIMARY KEY (person, role, case_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX case_people_case ON case_people (case_id)",
            "CREATE INDEX case_people_role ON case_people (role, case_id)",
            """CREATE TABLE case_phases (
                phase TEXT NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases (case_id),
                PRIMARY KEY (phase, case_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX case_phases_case ON case_phases (case_id)",
        ),
        # Follow-up cases (the id of the earlier case). Cases stored before
        # this version cannot be follow-ups: NULL is already their true value.
        7: (
            "ALTER TABLE case_index ADD COLUMN follows TEXT",
            "CREATE INDEX case_index_follows ON case_index (follows) WHERE follows IS NOT NULL",
        ),
        # The read log (see `_read_log`): no foreign key to cases, so what
        # was read stays on record whatever later happens to the case. The
        # number orders the log; it is what a page continues after.
        8: (
            """CREATE TABLE read_log (
                number INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL,
                person TEXT NOT NULL,
                artifact TEXT NOT NULL,
                versions TEXT NOT NULL,
                fields TEXT NOT NULL,
                at INTEGER NOT NULL,
                call TEXT NOT NULL,
                access TEXT NOT NULL
            )""",
            "CREATE INDEX read_log_case ON read_log (case_id, number)",
            "CREATE INDEX read_log_person ON read_log (person, number)",
        ),
        # Each data subject's key, wrapped with the host's key ring (never
        # the key itself): erasing a subject overwrites and deletes its row
        # (the store runs with secure_delete, so freed pages are zeroed).
        # closed_at (microseconds), held and disposed let due_for_disposal
        # read the index alone; kwflow reindex fills them for older cases.
        9: (
            """CREATE TABLE subject_keys (
                case_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                wrapped TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (case_id, subject)
            ) WITHOUT ROWID""",
            "ALTER TABLE case_index ADD COLUMN closed_at INTEGER",
            "ALTER TABLE case_index ADD COLUMN held INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE case_index ADD COLUMN disposed INTEGER NOT NULL DEFAULT 0",
        ),
        # Disposal (see `_disposal`): the case's events, snapshot, deadlines,
        # keys and people go; its head row stays, marked disposed, and one
        # row of disposed_cases (a JSON record and its MAC) says what it was.
        10: (
            "ALTER TABLE cases ADD COLUMN disposed INTEGER NOT NULL DEFAULT 0",
            """CREATE TABLE disposed_cases (
                case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
                record TEXT NOT NULL,
                mac TEXT NOT NULL
            ) WITHOUT ROWID""",
        ),
        11: (
            # key: the notification's idempotency key, unique forever, so a
            # notification already sent is never written again. Times are
            # microseconds since the epoch (UTC), as for deadlines.
            """CREATE TABLE outbox (
                key TEXT PRIMARY KEY,
                case_id TEXT NOT NULL,
                deadline_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                due_at INTEGER NOT NULL,
                available_at INTEGER NOT NULL,
                roles TEXT NOT NULL,
                people TEXT NOT NULL,
                message TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                claimed_by TEXT,
                lease_until INTEGER,
                sent_at INTEGER
            ) WITHOUT ROWID""",
            # available_at: when a claim may take the row, its due time or,
            # once claimed, the end of its lease. Claims read the first rows of
            # this index (only what is still to be sent) and move what they
            # take further back, so the next claim never steps over leased rows.
            "CREATE INDEX outbox_pending ON outbox (available_at, key) WHERE sent_at IS NULL",
            "CREATE INDEX outbox_case ON outbox (case_id, deadline_id)",
        ),
    },
)
"""The SQLite chain, applied by `migrate_sqlite`."""
