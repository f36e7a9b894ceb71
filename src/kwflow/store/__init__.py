"""Persistence: the ``CaseStore`` protocol and its backends.

``MemoryStore`` keeps cases in process memory (tests, demos); ``SqliteStore``
is the embedded default (one file); ``PostgresStore`` serves several app
servers. All three pass the same contract tests; see ``docs/storage.md``.
"""

from ._disposal import DisposalRecord
from ._index import CaseIndexEntry, CaseQuery
from ._memory import MemoryStore
from ._migrations import SCHEMA_VERSION
from ._outbox import Notification, OutboxChange
from ._postgres import PostgresStore
from ._protocol import CaseStore, DeadlineEntry, IdempotencyRecord, Snapshot, StoredCase
from ._read_log import ReadEntry, ReadLogQuery
from ._sqlite import SqliteStore, default_sqlite_path

__all__ = [
    "SCHEMA_VERSION",
    "CaseIndexEntry",
    "CaseQuery",
    "CaseStore",
    "DeadlineEntry",
    "DisposalRecord",
    "IdempotencyRecord",
    "MemoryStore",
    "Notification",
    "OutboxChange",
    "PostgresStore",
    "ReadEntry",
    "ReadLogQuery",
    "Snapshot",
    "SqliteStore",
    "StoredCase",
    "default_sqlite_path",
]
