"""The history store: one DuckDB file, owned by one process (the ledger worker).

Every write is idempotent on a deterministic key (`INSERT OR IGNORE` / `OR REPLACE`), so an activity
that is retried, or re-run after a crash, never duplicates a row. A lock serialises the threads of
the owning process over its single connection (`mining.store.connection`). Here: opening the
file, migrations and the harvest rows; a candidate's results are written by
`mining.store.results`, an iteration's decisions and harvested tasks by
`mining.store.iteration_writes`, and reads are in `mining.store.reads`. The writes also keep the
whole-history term counts (`history_terms`) current, in the same transaction as the row they
count, so the proposer's input never has to scan the history.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import duckdb

from mining.core.errors import UserError
from mining.store.connection import dumps
from mining.store.files import StoreLockedError, check_store_path, default_path
from mining.store.iteration_writes import IterationWrites
from mining.store.reads import Reads
from mining.store.records import HarvestRecord
from mining.store.schema import MIGRATIONS

__all__ = ["HarvestIdTaken", "Store", "StoreLockedError", "check_store_path", "default_path"]


class HarvestIdTaken(UserError):
    """A start under an id that the history already gives to another harvest."""


def _same_config(recorded: dict[str, Any], new: dict[str, Any]) -> bool:
    # Settings added to the config since the row was written are absent from it: compare the
    # settings both sides know.
    return all(recorded[key] == new[key] for key in recorded.keys() & new.keys())


class Store(IterationWrites, Reads):
    """Idempotent writes (and, from `Reads`, the reads) over the history file (":memory:" for
    tests)."""

    def __init__(
        self, path: str | Path | None = None, read_only: bool = False, threads: int | None = None
    ) -> None:
        self.path = str(path if path is not None else default_path())
        if self.path != ":memory:":
            check_store_path(Path(self.path), must_exist=read_only)
        if self.path != ":memory:" and not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"history file {self.path} is held by another process (a running worker?); "
                    "read it through the worker or stop the worker first"
                ) from exc
            raise
        self._conn.execute("SET enable_progress_bar = false")  # no bars in a worker's output
        if threads is not None:  # benchmarks pin DuckDB to one core
            self._conn.execute(f"SET threads = {int(threads)}")
        self._lock = threading.RLock()  # re-entrant: writes nest inside batch()
        self._batched = False
        if not read_only:
            self.migrate()
        elif self.path != ":memory:" and not self._has_history():
            self._conn.close()
            raise UserError(f"history file {self.path} is a DuckDB file without toolmine history")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- migrations --------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply pending migrations in order; returns the schema version reached."""
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, "
                "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            done = {r[0] for r in self._conn.execute("SELECT version FROM _migrations").fetchall()}
        for version, name, statements in MIGRATIONS:
            if version in done:
                continue
            with self._transaction() as conn:
                for sql in statements:
                    conn.execute(sql)
                conn.execute(
                    "INSERT INTO _migrations (version, name) VALUES (?, ?)", [version, name]
                )
        return self.schema_version()

    def _has_history(self) -> bool:
        tables = {
            r[0] for r in self._conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        return {"_migrations", "harvests"} <= tables

    def schema_version(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT max(version) FROM _migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    # --- writes ------------------------------------------------------------------------------

    def record_harvest(self, h: HarvestRecord, owner: str | None = None) -> None:
        """Record a harvest's start. Idempotent for the same harvest (a retried or continued
        start); a different harvest under a recorded id raises HarvestIdTaken and writes nothing.
        `owner` names the start (Temporal: the first run id of the workflow chain); without one
        on either side, the same harvest is the same config."""
        with self._lock:
            row = self._conn.execute(
                "SELECT config, owner, status FROM harvests WHERE harvest_id = ?", [h.harvest_id]
            ).fetchone()
            if row is None:
                self._conn.execute(
                    "INSERT INTO harvests (harvest_id, domain, mode, target, n_tasks, config, "
                    "status, owner) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)",
                    [h.harvest_id, h.domain, h.mode, h.target, h.n_tasks, dumps(h.config), owner],
                )
                return
            config, recorded_owner, status = row
            if owner and recorded_owner:
                same = owner == recorded_owner
            else:
                same = _same_config(json.loads(config), h.config)
            if not same:
                raise HarvestIdTaken(
                    f"harvest id {h.harvest_id!r} already names another harvest ({status}) in "
                    f"the history {self.path}; an id names one harvest forever: start this one "
                    "under a new id"
                )
            if owner and not recorded_owner:  # a row from before owners were recorded
                self._conn.execute(
                    "UPDATE harvests SET owner = ? WHERE harvest_id = ?", [owner, h.harvest_id]
                )

    def set_status(
        self,
        harvest_id: str,
        status: str,
        owner: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Set a harvest's status, and why when it is failed or stalled (None clears it); with an
        `owner`, only if the row is that run chain's (a run refused under a reused id must not
        mark the other harvest)."""
        self._exec(
            "UPDATE harvests SET status = ?, status_reason = ?, updated_at = current_timestamp "
            "WHERE harvest_id = ? AND (CAST(? AS VARCHAR) IS NULL OR owner IS NULL OR owner = ?)",
            [status, reason, harvest_id, owner, owner],
        )
