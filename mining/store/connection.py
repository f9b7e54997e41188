"""The connection a `Store` opens and the lock over it: what its write and read halves share.

One process owns the file and its threads share one connection, so every statement runs under a
re-entrant lock, and a transaction (`batch`) holds it to its end: all of it or nothing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import duckdb


def dumps(value: Any) -> str:
    """JSON as the store keeps it (sorted keys: the same value is the same text)."""
    return json.dumps(value, sort_keys=True)


class Connected:
    _conn: duckdb.DuckDBPyConnection
    _lock: threading.RLock
    _batched: bool = False

    def _all(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection inside one transaction, under the lock: all of it or nothing. Inside
        `batch()` it is part of the batch's transaction."""
        with self._lock:
            if self._batched:
                yield self._conn
                return
            self._conn.execute("BEGIN TRANSACTION")
            self._batched = True
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                self._batched = False

    def batch(self) -> AbstractContextManager[object]:
        """Several writes in one transaction (one commit; all or nothing), e.g. an iteration's
        decisions, harvested tasks and summary. Other threads wait for it to end."""
        return self._transaction()

    def _exec(self, sql: str, params: list[Any]) -> None:
        with self._lock:
            self._conn.execute(sql, params)
