"""The database schema as a chain of small migrations, one per version.

Every SQL backend shares the numbering and what each version means
(`SCHEMA_CHANGES`): migration ``n`` takes a database from version ``n - 1``
to ``n``. The statements are the backend's own: each backend module keeps
its dialect's statements for every version and builds its chain with
`MigrationChain.of`, which refuses a chain that misses a version or has one
too many. So a new backend writes its statements in its own module and
touches no other backend's, and a new version cannot be forgotten by one
dialect (the store module fails to import).

A database records every migration applied to it in its ``schema_version``
table; opening a store applies the missing ones in one transaction. A
database newer than the code is never touched: the store refuses it with
``SchemaTooNew``.

Never edit a migration that has been released: add the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from kwflow.exceptions import InvalidValue

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


@attrs.frozen(kw_only=True)
class SchemaChange:
    """What one schema version changes, the same for every dialect."""

    version: int
    description: str
    """Recorded in the database's ``schema_version`` table when applied."""


SCHEMA_CHANGES: tuple[SchemaChange, ...] = (
    SchemaChange(
        version=1,
        description="cases, hash-chained events, snapshots, open-deadline index",
    ),
    SchemaChange(
        version=2,
        description="claim leases on open deadlines (claim_due)",
    ),
    SchemaChange(
        version=3,
        description="snapshot checksums; existing snapshots dropped (a cache)",
    ),
    SchemaChange(
        version=4,
        description="idempotency keys of commands, one per (scope, key)",
    ),
    SchemaChange(
        version=5,
        description="MACs of case heads and snapshots (keys held outside the database)",
    ),
    SchemaChange(
        version=6,
        description="case index, its participants and phases (kwflow reindex fills it)",
    ),
    SchemaChange(
        version=7,
        description="case index: the earlier case a follow-up case follows",
    ),
    SchemaChange(
        version=8,
        description="read log: who was shown which document of which case, when",
    ),
    SchemaChange(
        version=9,
        description="data-subject keys (wrapped), retention facts in the case index",
    ),
    SchemaChange(
        version=10,
        description="disposal records of disposed cases; heads marked disposed",
    ),
    SchemaChange(
        version=11,
        description="outbox: reminders and escalations, written with the events that cause them",
    ),
)

SCHEMA_VERSION = SCHEMA_CHANGES[-1].version
"""The schema version this kwflow writes and reads."""

MAC_SCHEMA_VERSION = 5
"""The version that added MACs of heads: older databases have heads to seal."""


@attrs.frozen(kw_only=True)
class Migration:
    """One step of a dialect's chain: the statements taking version - 1 to version."""

    version: int
    description: str
    statements: tuple[str, ...]


@attrs.frozen(kw_only=True)
class MigrationChain:
    """One SQL dialect's migrations, one for every schema version, in order."""

    dialect: str
    migrations: tuple[Migration, ...]

    @classmethod
    def of(cls, dialect: str, statements: Mapping[int, Sequence[str]]) -> MigrationChain:
        """The chain of ``dialect`` from its statements for each schema version.

        Raises `InvalidValue` (a ``ValueError``) naming the versions given, so a
        backend that lacks a migration fails when it is imported, never on a
        host's database.
        """
        known = {change.version for change in SCHEMA_CHANGES}
        missing = sorted(known - statements.keys())
        unknown = sorted(statements.keys() - known)
        empty = sorted(version for version, sql in statements.items() if not sql)
        if missing or unknown or empty:
            # The versions with statements: a missing, unknown or empty one shows.
            given = ", ".join(str(v) for v, sql in sorted(statements.items()) if sql)
            raise InvalidValue(f"statements ({dialect})", "schema-versions", given)
        return cls(
            dialect=dialect,
            migrations=tuple(
                Migration(
                    version=change.version,
                    description=change.description,
                    statements=tuple(statements[change.version]),
                )
                for change in SCHEMA_CHANGES
            ),
        )

    def pending(self, current: int, target: int = SCHEMA_VERSION) -> tuple[Migration, ...]:
        """The migrations taking a database from ``current`` to ``target``, in order."""
        return tuple(m for m in self.migrations if current < m.version <= target)
