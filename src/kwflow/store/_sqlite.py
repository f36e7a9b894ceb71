"""``SqliteStore``: the embedded default, one database file, stdlib ``sqlite3``.

Concurrency: every thread borrows its own connection from a small pool (an
``sqlite3`` connection must not be used by two threads at once); processes
open their own store on the same file. WAL lets readers run beside the one
writer; writes start with ``BEGIN IMMEDIATE`` so a writer takes the write
lock before it reads the version it checks, and waits (busy timeout) rather
than failing when another process holds it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kwflow.exceptions import InvalidValue, SchemaTooNew, StorageError
from kwflow.history import KeyRing

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ._codec import event_to_row, from_micros, to_micros
from ._index_sql import IndexSql
from ._migrations import MAC_SCHEMA_VERSION, SCHEMA_VERSION
from ._sql import DuplicateRow, SqlStore, make_queries
from ._sqlite_schema import SQLITE_MIGRATIONS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from contextlib import AbstractContextManager
    from datetime import datetime

    from kwflow.history import Event

    from ._sql import Tx

Synchronous = Literal["FULL", "NORMAL", "EXTRA"]
KEY_FILE: Literal["file"] = "file"
"""``SqliteStore(keys=...)``: the key file beside the database (the default)."""

_BUSY = (
    "the database stayed locked by another writer past the busy timeout; "
    "nothing was written, try again"
)


def default_sqlite_path() -> Path:
    """Where ``Engine()`` keeps cases when no store is given; the directory is created.

    ``$KWFLOW_DB`` if set; otherwise ``$XDG_DATA_HOME/kwflow/cases.sqlite3``,
    with ``XDG_DATA_HOME`` defaulting to ``~/.local/share``.
    """
    explicit = os.environ.get("KWFLOW_DB")
    if explicit:
        path = Path(explicit).expanduser()
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(data_home).expanduser() / "kwflow" / "cases.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    """A message that says what happened and that nothing was half-written."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return "the disk is full (or the database reached its size limit); nothing was written"
    if name.startswith("SQLITE_READONLY"):
        return "the database is read-only; nothing was written"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _BUSY
    if name in {"SQLITE_CORRUPT", "SQLITE_NOTADB"} or name.startswith("SQLITE_CORRUPT"):
        return f"the database file is damaged ({exc}); restore it from a backup"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")):
        return f"the database file cannot be opened ({exc})"
    if name.startswith("SQLITE_IOERR"):
        return f"the database could not be read or written ({exc}); nothing was written"
    return f"SQLite error {name or exc.__class__.__name__}: {exc}"


class _WriterQueue:
    """Lines writers up before SQLite's own write lock, so none of them sleeps.

    SQLite makes a writer that finds the lock taken sleep 1, 2, 5, 10 ...
    milliseconds before it tries again; with commits taking about a
    millisecond, several writers then spend more time asleep than writing.
    Here threads of one process queue on a lock that wakes the next one at
    once, and processes on an advisory ``flock`` of a small file beside the
    database, polled every few tens of microseconds. Both wait at most
    ``timeout`` seconds, like SQLite's busy timeout. Without ``fcntl``
    (Windows) or a writable directory, processes fall back to SQLite's lock.
    """

    def __init__(self, lock_path: Path, timeout: float) -> None:
        self._timeout = timeout
        self._threads = threading.Lock()
        self._lock_path = lock_path
        self._fd: int | None = None
        self._pid = -1

    def _file(self) -> int | None:
        if fcntl is None:
            return None
        if self._pid != os.getpid():
            # Each process needs its own open file: flock belongs to it.
            self._pid = os.getpid()
            try:
                self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                self._fd = None
        return self._fd

    @contextmanager
    def turn(self, where: Path) -> Iterator[None]:
        """Hold the writer's turn (this thread among threads, this process among processes)."""
        if not self._threads.acquire(timeout=self._timeout):
            raise StorageError(f"{where}: {_BUSY}")
        try:
            fd = self._file()
            if fd is not None and fcntl is not None:
                deadline = time.monotonic() + self._timeout
                pause = 0.00002
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise StorageError(f"{where}: {_BUSY}") from None
                        time.sleep(pause)
                        pause = min(pause * 2, 0.0005)
            try:
                yield
            finally:
                if fd is not None and fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        """Close the lock file."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
        self._pid = -1


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self._conn.execute(sql, params)

    def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)

    def all_of(
        self, queries: Sequence[tuple[str, Sequence[object]]]
    ) -> list[list[tuple[Any, ...]]]:
        return [self._conn.execute(sql, params).fetchall() for sql, params in queries]


class SqliteStore(SqlStore):
    """A ``CaseStore`` in one SQLite file; safe for many threads and processes.

    ``path`` is the database file (created with its schema if missing, older
    schemas are migrated). ``verify=False`` skips hash-chain verification on
    reads. ``synchronous`` is SQLite's durability setting: ``"FULL"`` (the
    default) syncs the log on every commit so an accepted change survives a
    power cut; ``"NORMAL"`` is faster but may lose the last commits on power
    loss (never corrupting the file). ``busy_timeout`` is how long, in
    seconds, a writer waits for another one. ``read_only=True`` opens the
    file without ever writing to it (reads only; the schema must be current).

    ``keys`` authenticates each case's head and each snapshot (see
    docs/storage.md). The default, ``"file"``, keeps a key ring in
    ``<path>-kwflow.key`` beside the database, created (owner-only, 0600)
    when a new database is made: it needs no setup, but whoever can read
    that directory gets the key, so a `KeyRing` held elsewhere (passed here)
    protects more. ``None`` authenticates nothing.
    """

    _no_limit = -1

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        verify: bool = True,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = 30.0,
        read_only: bool = False,
        keys: KeyRing | Literal["file"] | None = KEY_FILE,
    ) -> None:
        # Checked first: a refused option leaves no key file and no database behind.
        if synchronous not in ("FULL", "NORMAL", "EXTRA"):
            raise InvalidValue("synchronous", "sqlite-synchronous", repr(synchronous))
        self.path = Path(path)
        self.key_path: Path | None = None
        created_key = False
        ring: KeyRing | None
        if keys == KEY_FILE:
            ring, created_key = self._key_file(read_only)
        else:
            ring = keys if isinstance(keys, KeyRing) else None
        super().__init__(verify=verify, keys=ring)
        self._synchronous = synchronous
        self._busy_timeout = busy_timeout
        self._read_only = read_only
        self._queries = make_queries("", placeholder="?", for_update="", skip_locked="")
        self._index_sql = IndexSql(prefix="", placeholder="?")
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False
        # Connections whose synchronous setting is not the store's (between
        # the two PRAGMAs around a read-log write), by id.
        self._relaxed: set[int] = set()
        self._writers = _WriterQueue(
            self.path.with_name(self.path.name + "-kwflow.lock"), busy_timeout
        )
        conn = self._connect()
        try:
            migrated = self._prepare(conn)
            if created_key:
                self._refuse_lost_key(conn)
        except BaseException:
            self.close()
            raise
        self._idle.put(conn)
        if migrated and self._keys is not None:
            # Heads written before keys existed: seal the intact ones now,
            # once, while the database is known to be the one upgraded.
            self.seal_heads()

    def _key_file(self, read_only: bool) -> tuple[KeyRing | None, bool]:
        if str(self.path) == ":memory:" or not str(self.path):
            return KeyRing.generate(), False
        self.key_path = self.path.with_name(self.path.name + "-kwflow.key")
        try:
            if read_only:
                return KeyRing.read(self.key_path), False
            return KeyRing.read_or_create(self.key_path)
        except (OSError, ValueError) as exc:
            raise StorageError(f"{self.key_path}: cannot read the key file ({exc})") from exc

    def _refuse_lost_key(self, conn: sqlite3.Connection) -> None:
        """A key file made just now for a database whose cases were sealed with another."""
        try:
            row = conn.execute("SELECT 1 FROM cases WHERE mac <> '' LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
        if row is not None:
            raise StorageError(
                f"{self.path}: its cases are authenticated with a key, but the key "
                f"file {self.key_path} was missing (a new one was made); restore the "
                "key file, or pass the key ring with keys="
            )

    # -- connections --------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._read_only:
            target, uri = f"{self.path.resolve().as_uri()}?mode=ro", True
        else:
            target, uri = str(self.path), False
        try:
            conn = sqlite3.connect(
                target,
                timeout=self._busy_timeout,
                # Transactions are begun and ended explicitly below.
                isolation_level=None,
                # Connections move between threads through the pool, never
                # being used by two at once.
                check_same_thread=False,
                uri=uri,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA synchronous = {self._synchronous}")
            # Deleted rows are zeroed, not only unlinked: an erased subject's
            # wrapped key must not stay readable in a free page of the file.
            conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> bool:
        """WAL mode and the current schema, applied once when the store opens.

        Returns whether heads written before keys existed may need sealing
        (the database was migrated to the schema that added MACs).
        """
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaTooNew(f"the database {str(self.path)!r}", current, SCHEMA_VERSION)
            if self._read_only:
                if current < SCHEMA_VERSION:
                    raise StorageError(
                        f"{self.path}: the database has schema version {current}, this "
                        f"kwflow needs {SCHEMA_VERSION}; open it once writable to migrate it"
                    )
                return False
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            if current < SCHEMA_VERSION:
                migrate_sqlite(conn, path=str(self.path))
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
        return bool(0 < current < MAC_SCHEMA_VERSION)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise StorageError(f"{self.path}: the store is closed")
        if os.getpid() != self._pid:
            # A forked child must not touch its parent's connections: drop
            # them (without closing the parent's file handles) and start over.
            self._idle = queue.SimpleQueue()
            with self._all_lock:
                self._all = []
            self._pid = os.getpid()
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:
                # Only after a failed ROLLBACK; never hand on an open transaction.
                conn.close()
                with self._all_lock:
                    if conn in self._all:
                        self._all.remove(conn)
            elif self._closed:
                conn.close()
            else:
                self._idle.put(conn)

    @contextmanager
    def _transaction(
        self, begin: str, case_id: str | None, *, synchronous: Synchronous | None = None
    ) -> Iterator[_SqliteTx]:
        """A transaction; ``synchronous``: its commit's durability, if not the store's."""
        wanted = synchronous or self._synchronous
        with self._connection() as conn:
            if wanted != self._synchronous or id(conn) in self._relaxed:
                # Only between transactions: SQLite refuses it inside one.
                self._set_synchronous(conn, wanted)
            try:
                conn.execute(begin)
                yield _SqliteTx(conn)
                conn.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                _rollback(conn)
                if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                    raise DuplicateRow from exc
                raise StorageError(describe_sqlite_error(exc), case_id=case_id) from exc
            except sqlite3.Error as exc:
                _rollback(conn)
                raise StorageError(
                    f"{self.path}: {describe_sqlite_error(exc)}", case_id=case_id
                ) from exc
            except BaseException:
                _rollback(conn)
                raise
            finally:
                if wanted != self._synchronous and not conn.in_transaction:
                    # Should this fail, the connection stays marked, and its
                    # next transaction sets the store's setting first.
                    with contextlib.suppress(StorageError):
                        self._set_synchronous(conn, self._synchronous)

    def _set_synchronous(self, conn: sqlite3.Connection, level: Synchronous) -> None:
        try:
            conn.execute(f"PRAGMA synchronous = {level}")
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
        if level == self._synchronous:
            self._relaxed.discard(id(conn))
        else:
            self._relaxed.add(id(conn))

    def _read_log_write(self, durable: bool, *, statements: int) -> AbstractContextManager[Tx]:
        """Read-log rows: committed without waiting for the disk unless ``durable``.

        ``synchronous=NORMAL`` for this transaction only: in WAL mode the
        commit is in the log file when it returns, so an application crash
        keeps the rows; a power cut may lose the last ones, until the next
        FULL commit (any append) makes them durable. ``durable``: FULL (or
        the store's EXTRA).
        """
        del statements
        level: Synchronous = "NORMAL"
        if durable:
            level = "EXTRA" if self._synchronous == "EXTRA" else "FULL"
        if self._read_only or level == self._synchronous:
            return self._write(None)
        return self._relaxed_write(level)

    @contextmanager
    def _relaxed_write(self, level: Synchronous) -> Iterator[_SqliteTx]:
        with (
            self._writers.turn(self.path),
            self._transaction("BEGIN IMMEDIATE", None, synchronous=level) as tx,
        ):
            yield tx

    def _read(self) -> AbstractContextManager[_SqliteTx]:
        # A deferred transaction: in WAL mode it reads one consistent state
        # however many statements it runs, without blocking the writer.
        return self._transaction("BEGIN", None)

    @contextmanager
    def _write(self, case_id: str | None) -> Iterator[_SqliteTx]:
        if self._read_only:
            # Let SQLite say "read-only"; there is no writer to queue.
            with self._transaction("BEGIN IMMEDIATE", case_id) as tx:
                yield tx
            return
        with (
            self._writers.turn(self.path),
            self._transaction("BEGIN IMMEDIATE", case_id) as tx,
        ):
            yield tx

    # -- encodings ----------------------------------------------------------------

    def _time_param(self, value: datetime) -> object:
        return to_micros(value)

    def _time_value(self, raw: Any) -> datetime:
        return from_micros(int(raw))

    def _event_params(self, event: Event) -> Sequence[object]:
        return event_to_row(event)

    # -- maintenance ----------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"`` for an undamaged file."""
        with self._connection() as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Copy the database, consistently and while in use, to a new file ``target``.

        With the default key file, the key file is copied beside ``target``
        too, so the copy opens like the original; a store given its keys
        explicitly copies no key (open the copy with the same ``keys=``).
        """
        with self._connection() as conn:
            dest = sqlite3.connect(str(target))
            try:
                conn.backup(dest)
            except sqlite3.Error as exc:
                raise StorageError(f"backup to {target}: {describe_sqlite_error(exc)}") from exc
            finally:
                dest.close()
        if self.key_path is not None and self._keys is not None:
            target_path = Path(target)
            self._keys.write(target_path.with_name(target_path.name + "-kwflow.key"))

    def _after_destroying_keys(self) -> None:
        """Copy the WAL into the database and empty it: the old pages held the keys.

        A reader still on an older snapshot keeps the WAL from being reset;
        then the frames stay until the next checkpoint that can reset it
        (SQLite's automatic ones, or this one after the next erasure).
        """
        if self._read_only:
            return
        with self._connection() as conn:
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                raise StorageError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def close(self) -> None:
        """Close every idle connection; connections in use close when returned."""
        self._closed = True
        self._writers.close()
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                break
            conn.close()
        with self._all_lock:
            self._all = []


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite rolls some failed transactions back itself (a full disk, for
    # one); a second ROLLBACK would fail and hide the real error.
    if conn.in_transaction:
        # If this fails too, the pool closes the connection (still in a transaction).
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _refuse_newer(current: int, path: str) -> None:
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(f"the database {path!r}", current, SCHEMA_VERSION)


def migrate_sqlite(
    conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION, path: str = "database"
) -> int:
    """Apply the missing migrations up to ``target`` in one transaction; the new version.

    ``BEGIN IMMEDIATE`` makes concurrent openers of a new file queue up: the
    first migrates, the others then find the schema current.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(current, path)
        for migration in SQLITE_MIGRATIONS.pending(current, target):
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                (migration.version, migration.description),
            )
            current = migration.version
        # user_version lives in the file header and commits with the rest.
        conn.execute(f"PRAGMA user_version = {int(current)}")
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    return int(current)
