"""The history store: one DuckDB file, owned by one process (the ledger worker).

Every write is idempotent on a deterministic key (`INSERT OR IGNORE` / `OR REPLACE`), so an activity
that is retried, or re-run after a crash, never duplicates a row. A lock serialises the threads of
the owning process over its single connection. Writes live here, reads in `mining.store.reads`;
the writes also keep the whole-history term counts (`history_terms`) current, in the same
transaction as the row they count, so the proposer's input never has to scan the history.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb

from mining.core.errors import UserError
from mining.core.paths import home_dir
from mining.store import delta
from mining.store.digest import pair_keys
from mining.store.reads import Reads
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    DecisionRecord,
    FailedAttempts,
    HarvestRecord,
    RolloutOutcome,
    RolloutRecord,
    content_hash,
)
from mining.store.schema import MIGRATIONS, TERM_COUNTS


def default_path() -> Path:
    return home_dir() / "history.duckdb"


class StoreLockedError(UserError):
    """Another process (usually the ledger worker) holds the file."""


class HarvestIdTaken(UserError):
    """A start under an id that the history already gives to another harvest."""


def _same_config(recorded: dict[str, Any], new: dict[str, Any]) -> bool:
    # Settings added to the config since the row was written are absent from it: compare the
    # settings both sides know.
    return all(recorded[key] == new[key] for key in recorded.keys() & new.keys())


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def check_store_path(path: Path, *, must_exist: bool) -> None:
    """Refuse a directory, a file that is not a DuckDB database (DuckDB would open some of them
    as something else and lose the history), or a missing file where one must exist."""
    if path.is_dir():
        raise UserError(f"history file {path} is a directory; expected a DuckDB file")
    if not path.exists():
        if must_exist:
            raise UserError(f"history file {path} does not exist")
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise UserError(f"cannot read history file {path}: {exc.strerror or exc}") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise UserError(f"history file {path} is not a DuckDB database")


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


_SUMS = ", ".join(f"{c} = {c} + excluded.{c}" for c in TERM_COUNTS.split(", "))
_ADD_TERMS = f"""INSERT INTO history_terms (harvest_id, kind, term, {TERM_COUNTS})
    SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, ?, ?, ?, ?
    ON CONFLICT DO UPDATE SET {_SUMS}"""


class Store(Reads):
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

    def _exec(self, sql: str, params: list[Any]) -> None:
        with self._lock:
            self._conn.execute(sql, params)

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
                    [h.harvest_id, h.domain, h.mode, h.target, h.n_tasks, _dumps(h.config), owner],
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

    def _put_world(self, world: dict[str, Any]) -> str:
        key = content_hash(world)
        self._conn.execute(
            "INSERT OR IGNORE INTO worlds (world_hash, world) VALUES (?, ?)", [key, _dumps(world)]
        )
        return key

    def _add_terms(self, harvest_id: str, candidate_id: str, counts: list[int]) -> None:
        """Add `counts` (candidates, evaluated, rollouts, passes, hits) to every term of the
        candidate: the harvest total, its cell, its items and their pairs."""
        row = self._conn.execute(
            "SELECT cell, items FROM candidates WHERE candidate_id = ?", [candidate_id]
        ).fetchone()
        if row is None:
            return  # not a recorded candidate: no term counts it (as `count_terms` agrees)
        cell, items = row[0], list(row[1] or [])
        pairs = pair_keys(items)
        kinds = ["total", "cell"] + ["item"] * len(items) + ["pair"] * len(pairs)
        self._conn.execute(_ADD_TERMS, [harvest_id, kinds, ["", cell, *items, *pairs], *counts])

    def record_candidate(self, c: CandidateRecord) -> None:
        with self._transaction():
            self._insert_candidate(c)

    def record_results(
        self,
        candidate: CandidateRecord | None,
        rollouts: list[tuple[RolloutRecord | None, AnalysisRecord | None, FailedAttempts | None]],
    ) -> None:
        """A candidate (when given) and rollouts (each with its analysis and failed attempts) in
        one transaction: one commit where separate writes would make one per statement, which is
        most of a ledger write's cost on a file. The candidate goes first, so a rollout's world
        delta finds its world."""
        with self._transaction():
            if candidate is not None:
                self._insert_candidate(candidate)
            for rollout, analysis, failed in rollouts:
                if rollout is not None:
                    self._insert_rollout(rollout, analysis)
                if failed is not None:
                    self._insert_failed_attempts(failed)

    def _insert_candidate(self, c: CandidateRecord) -> None:
        conn = self._conn
        known = conn.execute(
            "SELECT 1 FROM candidates WHERE candidate_id = ?", [c.candidate_id]
        ).fetchone()
        if known:
            return  # a retried write: the row and its counts are already there
        world_hash = self._put_world(c.task["world"]) if c.task else None
        conn.execute(
            "INSERT INTO candidates (candidate_id, harvest_id, iteration, idx, seed, "
            "params, cell, signature, world_hash, task, rejection, items) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                c.candidate_id,
                c.harvest_id,
                c.iteration,
                c.index,
                c.seed,
                _dumps(c.params),
                c.cell,
                c.signature,
                world_hash,
                _dumps(c.task) if c.task is not None else None,
                c.rejection,
                sorted(c.items),
            ],
        )
        self._add_terms(c.harvest_id, c.candidate_id, [1, 0, 0, 0, 0])

    def _final_world(self, r: RolloutRecord) -> dict[str, Any] | None:
        """The rollout's final world, rebuilt from the candidate's world when it came as a delta."""
        if r.final_world is not None or r.final_world_delta is None:
            return r.final_world
        row = self._conn.execute(
            "SELECT w.world FROM candidates c JOIN worlds w USING (world_hash) "
            "WHERE c.candidate_id = ?",
            [r.candidate_id],
        ).fetchone()
        if row is None:
            raise ValueError(
                f"rollout {r.rollout_id} carries a world delta but candidate {r.candidate_id} "
                "has no recorded world (record the candidate first)"
            )
        return delta.apply(json.loads(row[0]), r.final_world_delta)

    def record_rollout(self, r: RolloutRecord, analysis: AnalysisRecord | None = None) -> None:
        with self._lock:
            self._insert_rollout(r, analysis)

    def _insert_rollout(self, r: RolloutRecord, analysis: AnalysisRecord | None) -> None:
        final_world = self._final_world(r)
        final_hash = self._put_world(final_world) if final_world is not None else None
        self._conn.execute(
            "INSERT OR IGNORE INTO rollouts (rollout_id, candidate_id, harvest_id, idx, seed, "
            "passed, reward, score, trajectory, final_world_hash, tokens_in, tokens_out, "
            "cost_usd, latency_s, termination, error, injected_errors, policy_violations, "
            "attempt, tau2_passed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                r.rollout_id,
                r.candidate_id,
                r.harvest_id,
                r.index,
                r.seed,
                r.passed,
                r.reward,
                _dumps(r.score),
                _dumps(r.trajectory),
                final_hash,
                r.tokens_in,
                r.tokens_out,
                r.cost_usd,
                r.latency_s,
                r.termination,
                r.error,
                _dumps(r.injected_errors),
                _dumps(r.policy_violations),
                r.attempt,
                r.tau2_passed,
            ],
        )
        if analysis is not None:
            self._conn.execute(
                "INSERT OR IGNORE INTO analyses (rollout_id, candidate_id, harvest_id, "
                "top_label, analysis) VALUES (?, ?, ?, ?, ?)",
                [
                    analysis.rollout_id,
                    analysis.candidate_id,
                    analysis.harvest_id,
                    analysis.top_label,
                    _dumps(analysis.analysis),
                ],
            )

    def record_failed_attempts(self, f: FailedAttempts) -> None:
        """Every failed attempt of a rollout, with its error class (the last one flagged when
        it ended the rollout)."""
        with self._lock:
            self._insert_failed_attempts(f)

    def _insert_failed_attempts(self, f: FailedAttempts) -> None:
        for i, a in enumerate(f.failures):
            gave_up = f.gave_up and i == len(f.failures) - 1
            self._conn.execute(
                "INSERT OR IGNORE INTO failed_attempts (rollout_id, attempt, candidate_id, "
                "harvest_id, idx, error_class, message, gave_up) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    f.rollout_id,
                    a.attempt,
                    f.candidate_id,
                    f.harvest_id,
                    f.index,
                    a.error_class,
                    a.message,
                    gave_up,
                ],
            )

    def recorded_outcomes(self, candidate_id: str) -> list[RolloutOutcome]:
        """The rollouts of a candidate already recorded (run or errored), by index: what a re-run
        of its iteration reuses instead of paying for them again."""
        done = self._all(
            "SELECT idx, passed, tokens_in + tokens_out, cost_usd FROM rollouts "
            "WHERE candidate_id = ?",
            [candidate_id],
        )
        errored = self._all(
            "SELECT idx, error_class FROM failed_attempts WHERE candidate_id = ? AND gave_up",
            [candidate_id],
        )
        out = {r[0]: RolloutOutcome(index=r[0], error_class=r[1]) for r in errored}
        out.update(
            {
                r[0]: RolloutOutcome(index=r[0], passed=r[1], tokens=r[2], cost_usd=r[3])
                for r in done
            }
        )
        return [out[i] for i in sorted(out)]

    def record_proposal(self, harvest_id: str, iteration: int, points: list[Any]) -> None:
        self._exec(
            "INSERT OR IGNORE INTO proposals (harvest_id, iteration, points) VALUES (?, ?, ?)",
            [harvest_id, iteration, _dumps(points)],
        )

    def proposal(self, harvest_id: str, iteration: int) -> list[Any] | None:
        """The batch proposed for an iteration, if one was recorded (a re-run proposes it again,
        whatever the history since: its candidates keep their ids and rollouts)."""
        rows = self._all(
            "SELECT points FROM proposals WHERE harvest_id = ? AND iteration = ?",
            [harvest_id, iteration],
        )
        return json.loads(rows[0][0]) if rows else None

    def record_decision(self, harvest_id: str, d: DecisionRecord) -> None:
        """Record (or correct) a candidate's decision; its term counts change by the difference,
        so a retried write changes nothing. An undecided candidate (too many errored rollouts)
        counts as evaluated without a hit: its counted rollouts are real results of the target."""
        with self._transaction() as conn:
            old = conn.execute(
                "SELECT rollouts, passes, in_window::INTEGER, errored, undecided FROM decisions "
                "WHERE candidate_id = ?",
                [d.candidate_id],
            ).fetchone()
            new = (d.rollouts, d.passes, int(d.in_window), d.errored, d.undecided)
            if old is not None and tuple(old) == new:
                return
            conn.execute(
                "INSERT OR REPLACE INTO decisions (candidate_id, harvest_id, passes, rollouts, "
                "pass_rate, in_window, errored, undecided) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    d.candidate_id,
                    harvest_id,
                    d.passes,
                    d.rollouts,
                    d.pass_rate,
                    d.in_window,
                    d.errored,
                    d.undecided,
                ],
            )
            before = (0, 0, 0) if old is None else tuple(old[:3])
            change = [n - b for n, b in zip(new[:3], before, strict=True)]
            self._add_terms(harvest_id, d.candidate_id, [0, int(old is None), *change])

    def record_iteration(self, harvest_id: str, iteration: int, summary: dict[str, Any]) -> None:
        self._exec(
            "INSERT OR REPLACE INTO iterations (harvest_id, iteration, summary) VALUES (?, ?, ?)",
            [harvest_id, iteration, _dumps(summary)],
        )

    def record_harvested(
        self,
        harvest_id: str,
        candidate_ids: list[str],
        k: int,
        limit: int,
        max_per_cell: int | None = None,
    ) -> list[str]:
        """Mark candidates as harvested, in the order given, never past `limit` tasks in total
        nor past `max_per_cell` tasks in one parameter cell (None: no cell cap).

        Returns which of `candidate_ids` are harvested (now or by an earlier run of this call), so
        a retried call answers exactly as the first one did.
        """
        with self._transaction():
            rows = self._conn.execute(
                "SELECT candidate_id, cell FROM harvested_tasks WHERE harvest_id = ?",
                [harvest_id],
            ).fetchall()
            existing = {r[0] for r in rows}
            per_cell = Counter(r[1] for r in rows)
            count = len(existing)
            accepted: list[str] = []
            for cid in candidate_ids:
                if cid in existing:
                    accepted.append(cid)
                    continue
                if count >= limit:
                    continue
                point = self._conn.execute(
                    "SELECT params, cell FROM candidates WHERE candidate_id = ?", [cid]
                ).fetchone()
                params, cell = point if point else (None, "")
                if max_per_cell is not None:
                    if per_cell[cell] >= max_per_cell:
                        continue  # this cell already holds its share of the harvest
                    per_cell[cell] += 1
                dec = self._conn.execute(
                    "SELECT pass_rate FROM decisions WHERE candidate_id = ?", [cid]
                ).fetchone()
                if dec is None:
                    raise ValueError(f"candidate {cid} has no recorded decision")
                modes = self._failure_modes(cid)
                count += 1
                self._conn.execute(
                    "INSERT INTO harvested_tasks (candidate_id, harvest_id, position, "
                    "pass_rate, k, failure_modes, params, cell) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [cid, harvest_id, count, dec[0], k, _dumps(modes), params, cell],
                )
                existing.add(cid)
                accepted.append(cid)
        return accepted

    def _failure_modes(self, candidate_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT top_label, count(*) AS n FROM analyses WHERE candidate_id = ? "
            "GROUP BY top_label ORDER BY n DESC, top_label",
            [candidate_id],
        ).fetchall()
        return [r[0] for r in rows]
