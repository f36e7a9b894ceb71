"""``PostgresStore``: cases in PostgreSQL, for several app servers at once.

psycopg 3 with a ``psycopg_pool.ConnectionPool``. Writes run at READ
COMMITTED and lock the case's head row (``SELECT ... FOR UPDATE``), so two
writers of one case queue up and the second sees the first one's version;
the unique ``(case_id, sequence)`` key catches the one race a lock cannot
(two creators of the same new case). Reads run at REPEATABLE READ so the
head, snapshot and events they read belong to one state. Claims use
``FOR UPDATE SKIP LOCKED`` so concurrent workers pass over each other.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kwflow.exceptions import InvalidValue, SchemaTooNew, StorageError

from ._codec import EVENT_COLUMNS, event_to_row
from ._index_sql import IndexSql
from ._migrations import MAC_SCHEMA_VERSION, SCHEMA_VERSION
from ._postgres_schema import POSTGRES_MIGRATIONS
from ._sql import DuplicateRow, SqlStore, make_queries

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from contextlib import AbstractContextManager

    import psycopg

    from kwflow.history import Event, KeyRing

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_READ = False
_WRITE = True


def _quote(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise InvalidValue("schema", "sql-identifier", repr(name))
    return f'"{name}"'


def _safe_dsn(dsn: str) -> str:
    """The DSN without its password, for error messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        parts = conninfo_to_dict(dsn)
    except Exception:  # noqa: BLE001 - an unparsable DSN is reported by connect itself
        return "(the given DSN)"
    parts.pop("password", None)
    return make_conninfo("", **{k: str(v) for k, v in parts.items() if v is not None})


class _PgTx:
    """One transaction's statements, on one cursor in pipeline mode.

    Statements whose results nobody reads (``run``, ``many``) are only
    queued. Before a statement whose result is read, the pipeline is synced:
    psycopg hands every result to the cursor that sent it as the results
    arrive, and stops fetching when none is ready yet, so an earlier, slower
    statement's result could otherwise land on the cursor after the read was
    sent and be returned as its row (seen under load: the advisory lock's
    empty row taken for a table that exists).
    """

    def __init__(self, pipeline: psycopg.Pipeline | None, cur: psycopg.Cursor[Any]) -> None:
        self._pipeline = pipeline
        self._cur = cur
        self._unread = False

    def _settle(self) -> None:
        if self._unread and self._pipeline is not None:
            self._pipeline.sync()
        self._unread = False

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        self._settle()
        self._cur.execute(sql, params)
        row: tuple[Any, ...] | None = self._cur.fetchone()
        return row

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        self._settle()
        self._cur.execute(sql, params)
        return self._cur.fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self._cur.execute(sql, params)
        self._unread = True

    def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._cur.executemany(sql, rows)
        self._unread = True

    def all_of(
        self, queries: Sequence[tuple[str, Sequence[object]]]
    ) -> list[list[tuple[Any, ...]]]:
        # Each query on a cursor of its own, all sent before one sync: one
        # round trip, and each cursor gets its own query's rows.
        self._settle()
        cursors = []
        for sql, params in queries:
            cur = self._cur.connection.cursor()
            cur.execute(sql, params)
            cursors.append(cur)
        if self._pipeline is not None:
            self._pipeline.sync()
        try:
            return [cur.fetchall() for cur in cursors]
        finally:
            for cur in cursors:
                cur.close()


class PostgresStore(SqlStore):
    """A ``CaseStore`` in PostgreSQL, shared safely by many processes and hosts.

    ``dsn`` is a libpq connection string or URI. ``schema`` names the
    PostgreSQL schema holding kwflow's tables (created if missing; default:
    the connection's current schema, normally ``public``), so kwflow can
    share a database with the host's own tables. ``pool_size`` is the most
    connections this store opens; ``timeout`` is how long, in seconds, a call
    waits for a connection. ``verify=False`` skips hash-chain verification
    on reads. The schema is created or migrated when the store opens.

    ``keys`` authenticates each case's head and each snapshot with a key
    ring the database server never sees (docs/storage.md: load it from the
    application's configuration or secret store). Without keys nothing is
    authenticated, and whoever can write the database can rewrite a
    history consistently.
    """

    _no_limit = None

    def __init__(
        self,
        dsn: str,
        *,
        schema: str | None = None,
        pool_size: int = 4,
        verify: bool = True,
        timeout: float = 30.0,
        keys: KeyRing | None = None,
    ) -> None:
        super().__init__(verify=verify, keys=keys)
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        self._psycopg = psycopg
        self._pool_timeout = PoolTimeout
        self._where = _safe_dsn(dsn)
        if schema is not None:
            _quote(schema)
        self._pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max(pool_size, 1),
            timeout=timeout,
            open=False,
            name="kwflow",
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout as exc:
            self._pool.close()
            raise StorageError(
                f"cannot connect to PostgreSQL at {self._where} within {timeout:g} s"
            ) from exc
        try:
            self.schema = schema if schema is not None else self._current_schema()
            prefix = f"{_quote(self.schema)}."
            self._prefix = prefix
            self._queries = make_queries(
                prefix,
                placeholder="%s",
                for_update="FOR UPDATE OF c",
                skip_locked="FOR UPDATE SKIP LOCKED",
            )
            self._index_sql = IndexSql(prefix=prefix, placeholder="%s")
            migrated_from = self._migrate()
            if self._keys is not None and 0 < migrated_from < MAC_SCHEMA_VERSION:
                # Heads written before MACs existed: seal the intact ones, once.
                self.seal_heads()
        except BaseException:
            self._pool.close()
            raise

    def _current_schema(self) -> str:
        with self._transaction(_READ, None) as tx:
            row = tx.one("SELECT current_schema()")
        if row is None or row[0] is None:
            raise StorageError(f"{self._where}: the connection has no current schema")
        return str(row[0])

    def _migrate(self) -> int:
        """Create or migrate the schema; one opener at a time per schema.

        Returns the version this opener migrated from (the current version
        when it had nothing to do).
        """
        # A current schema needs no write (so a read-only server still opens).
        with self._transaction(_READ, None) as tx:
            current = schema_version_pg(tx, self.schema)
        if current == SCHEMA_VERSION:
            return current
        with self._transaction(_WRITE, None) as tx:
            # Concurrent openers of a fresh schema wait here for the first.
            tx.run("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"kwflow:{self.schema}",))
            tx.run(f"CREATE SCHEMA IF NOT EXISTS {self._prefix[:-1]}")
            current = schema_version_pg(tx, self.schema)
            if current > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"the PostgreSQL schema {self.schema!r}", current, SCHEMA_VERSION
                )
            for migration in POSTGRES_MIGRATIONS.pending(current):
                for statement in migration.statements:
                    tx.run(statement.replace("{s}", self._prefix))
                tx.run(
                    f"INSERT INTO {self._prefix}schema_version (version, description) "  # noqa: S608
                    "VALUES (%s, %s)",
                    (migration.version, migration.description),
                )
        return current

    @contextmanager
    def _transaction(self, write: bool, case_id: str | None) -> Iterator[_PgTx]:
        psycopg = self._psycopg
        try:
            # The pool commits when the block ends normally and rolls back
            # when it raises; a broken connection is replaced, not reused.
            with self._pool.connection() as conn:
                # Set per use, so the host's server defaults never decide
                # them; psycopg puts them into its BEGIN (no extra round trip).
                conn.isolation_level = (
                    psycopg.IsolationLevel.READ_COMMITTED
                    if write
                    else psycopg.IsolationLevel.REPEATABLE_READ
                )
                # Writes keep the server's default: a database made read-only
                # (default_transaction_read_only) stays so for kwflow too.
                conn.read_only = None if write else True
                # Pipeline mode sends statements whose results nobody reads
                # (the writes) together: a command costs a few round trips,
                # not one per statement. Errors still surface inside here.
                with conn.pipeline() as pipeline, conn.cursor() as cur:
                    yield _PgTx(pipeline, cur)
        except psycopg.errors.UniqueViolation as exc:
            raise DuplicateRow from exc
        except psycopg.Error as exc:
            raise StorageError(
                f"PostgreSQL at {self._where}: {_describe(exc)}", case_id=case_id
            ) from exc
        except self._pool_timeout as exc:
            raise StorageError(
                f"PostgreSQL at {self._where}: no connection free in time "
                "(raise pool_size or timeout)",
                case_id=case_id,
            ) from exc

    @contextmanager
    def _statement(self) -> Iterator[_PgTx]:
        """One statement in a transaction of its own (autocommit): one round trip.

        For read-log rows: the statement sets its transaction's durability
        itself (``_read_log_setting``), so no BEGIN, SET or COMMIT is sent.
        """
        psycopg = self._psycopg
        try:
            with self._pool.connection() as conn:
                conn.read_only = None
                conn.autocommit = True
                try:
                    with conn.cursor() as cur:
                        yield _PgTx(None, cur)
                finally:
                    conn.autocommit = False
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL at {self._where}: {_describe(exc)}") from exc
        except self._pool_timeout as exc:
            raise StorageError(
                f"PostgreSQL at {self._where}: no connection free in time "
                "(raise pool_size or timeout)"
            ) from exc

    def _read_log_write(self, durable: bool, *, statements: int) -> AbstractContextManager[_PgTx]:
        """Read-log rows: one statement is its own transaction; several share one."""
        del durable  # set by the statement itself (``_read_log_setting``)
        return self._statement() if statements == 1 else self._write(None)

    def _version_check(self) -> AbstractContextManager[_PgTx]:
        # One statement sees one state: no transaction around it (one round trip).
        return self._statement()

    def _read_log_setting(self, durable: bool) -> str:
        # ``SET LOCAL synchronous_commit``, inside the statement: the commit
        # of a read-log row need not wait for the WAL flush (an application
        # or server crash keeps it; a power cut may lose the last ones)
        # unless the host asked for durable rows. Events never take this path.
        setting = "on" if durable else "off"
        return f", (SELECT set_config('synchronous_commit', '{setting}', true)) AS s"

    def _read(self) -> AbstractContextManager[_PgTx]:
        return self._transaction(_READ, None)

    def _write(self, case_id: str | None) -> AbstractContextManager[_PgTx]:
        return self._transaction(_WRITE, case_id)

    def _time_param(self, value: datetime) -> object:
        return value

    def _time_value(self, raw: Any) -> datetime:
        if not isinstance(raw, datetime):
            raise StorageError(f"a stored time is not a timestamp: {raw!r}")
        return raw.astimezone(UTC)

    def _event_params(self, event: Event) -> Sequence[object]:
        row: list[object] = list(event_to_row(event))
        # timestamptz holds microseconds, exactly what the hashed ISO text holds.
        row[EVENT_COLUMNS.index("at")] = event.at
        return row

    def close(self) -> None:
        """Close the pool and all its connections."""
        self._pool.close()


def schema_version_pg(tx: _PgTx, schema: str) -> int:
    """The schema version recorded in ``schema``'s ``schema_version`` table (0: none)."""
    row = tx.one("SELECT to_regclass(%s)", (f"{_quote(schema)}.schema_version",))
    if row is None or row[0] is None:
        return 0
    found = tx.one(f"SELECT max(version) FROM {_quote(schema)}.schema_version")  # noqa: S608
    return int(found[0]) if found is not None and found[0] is not None else 0


def _describe(exc: Exception) -> str:
    sqlstate = getattr(exc, "sqlstate", None) or ""
    if sqlstate == "53100":
        return "the disk is full; nothing was written"
    if sqlstate == "25006":
        return "the database is read-only; nothing was written"
    if sqlstate.startswith("08") or (not sqlstate and exc.__class__.__name__ == "OperationalError"):
        # A connection lost during COMMIT leaves its outcome unknown here.
        return (
            f"the connection failed ({exc}); if this was a write, reload the case "
            "to see whether it was stored"
        )
    return f"{exc.__class__.__name__} [{sqlstate}]: {exc}".strip()
