"""The history store: one DuckDB file, owned by one process (the ledger worker).

Every write is idempotent on a deterministic key (`INSERT OR IGNORE` / `OR REPLACE`), so an activity
that is retried, or re-run after a crash, never duplicates a row. A lock serialises the threads of
the owning process over its single connection.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from mining.core.errors import UserError
from mining.core.paths import home_dir
from mining.reports.diversity import diversity
from mining.reports.summary import FailureCount, HarvestSummary
from mining.store import delta
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    DecisionRecord,
    HarvestRecord,
    HistoryEntry,
    RolloutRecord,
    content_hash,
)
from mining.store.schema import MIGRATIONS


def default_path() -> Path:
    return home_dir() / "history.duckdb"


class StoreLockedError(UserError):
    """Another process (usually the ledger worker) holds the file."""


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class Store:
    """Reads and idempotent writes over the history file (":memory:" for tests)."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.path = str(path if path is not None else default_path())
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
        self._lock = threading.Lock()
        if not read_only:
            self.migrate()

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
                self._conn.execute("BEGIN TRANSACTION")
                try:
                    for sql in statements:
                        self._conn.execute(sql)
                    self._conn.execute(
                        "INSERT INTO _migrations (version, name) VALUES (?, ?)", [version, name]
                    )
                    self._conn.execute("COMMIT")
                except Exception:
                    self._conn.execute("ROLLBACK")
                    raise
        return self.schema_version()

    def schema_version(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT max(version) FROM _migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    # --- writes ------------------------------------------------------------------------------

    def _exec(self, sql: str, params: list[Any]) -> None:
        with self._lock:
            self._conn.execute(sql, params)

    def record_harvest(self, h: HarvestRecord) -> None:
        self._exec(
            "INSERT OR IGNORE INTO harvests (harvest_id, domain, mode, target, n_tasks, config, "
            "status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
            [h.harvest_id, h.domain, h.mode, h.target, h.n_tasks, _dumps(h.config)],
        )

    def set_status(self, harvest_id: str, status: str) -> None:
        self._exec(
            "UPDATE harvests SET status = ?, updated_at = current_timestamp WHERE harvest_id = ?",
            [status, harvest_id],
        )

    def _put_world(self, world: dict[str, Any]) -> str:
        key = content_hash(world)
        self._conn.execute(
            "INSERT OR IGNORE INTO worlds (world_hash, world) VALUES (?, ?)", [key, _dumps(world)]
        )
        return key

    def record_candidate(self, c: CandidateRecord) -> None:
        with self._lock:
            world_hash = self._put_world(c.task["world"]) if c.task else None
            self._conn.execute(
                "INSERT OR IGNORE INTO candidates (candidate_id, harvest_id, iteration, idx, seed, "
                "params, cell, signature, world_hash, task, rejection) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ],
            )

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

    def record_decision(self, harvest_id: str, d: DecisionRecord) -> None:
        self._exec(
            "INSERT OR REPLACE INTO decisions (candidate_id, harvest_id, passes, rollouts, "
            "pass_rate, in_window) VALUES (?, ?, ?, ?, ?, ?)",
            [d.candidate_id, harvest_id, d.passes, d.rollouts, d.pass_rate, d.in_window],
        )

    def record_iteration(self, harvest_id: str, iteration: int, summary: dict[str, Any]) -> None:
        self._exec(
            "INSERT OR REPLACE INTO iterations (harvest_id, iteration, summary) VALUES (?, ?, ?)",
            [harvest_id, iteration, _dumps(summary)],
        )

    def iteration_summaries(self, harvest_id: str) -> list[dict[str, Any]]:
        """The recorded iterations of a harvest, in order (what a resumed run starts from)."""
        rows = self._all(
            "SELECT summary FROM iterations WHERE harvest_id = ? ORDER BY iteration", [harvest_id]
        )
        return [json.loads(r[0]) for r in rows]

    def rollouts_spent(self, harvest_id: str) -> int:
        """Rollouts of the recorded iterations: what the rollout budget is checked against."""
        return sum(int(s.get("rollouts", 0)) for s in self.iteration_summaries(harvest_id))

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
        with self._lock:
            self._conn.execute("BEGIN TRANSACTION")
            try:
                rows = self._conn.execute(
                    "SELECT h.candidate_id, c.cell FROM harvested_tasks h "
                    "JOIN candidates c USING (candidate_id) WHERE h.harvest_id = ?",
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
                    if max_per_cell is not None:
                        cell_row = self._conn.execute(
                            "SELECT cell FROM candidates WHERE candidate_id = ?", [cid]
                        ).fetchone()
                        cell = cell_row[0] if cell_row else ""
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
                        "pass_rate, k, failure_modes) VALUES (?, ?, ?, ?, ?, ?)",
                        [cid, harvest_id, count, dec[0], k, _dumps(modes)],
                    )
                    existing.add(cid)
                    accepted.append(cid)
                self._conn.execute("COMMIT")
            except Exception:
                self._conn.execute("ROLLBACK")
                raise
        return accepted

    def _failure_modes(self, candidate_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT top_label, count(*) AS n FROM analyses WHERE candidate_id = ? "
            "GROUP BY top_label ORDER BY n DESC, top_label",
            [candidate_id],
        ).fetchall()
        return [r[0] for r in rows]

    # --- reads -------------------------------------------------------------------------------

    def _all(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _tau2_column(self) -> str:
        """`tau2_passed`, or NULL in a file opened read-only before migration 6 added it."""
        found = self._all(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'rollouts' AND column_name = 'tau2_passed'",
            [],
        )
        return "tau2_passed" if found[0][0] else "CAST(NULL AS BOOLEAN)"

    def query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Rows of a read query (reports keep their own SQL; writes go through the methods)."""
        return self._all(sql, params)

    def table_counts(self, harvest_id: str) -> dict[str, int]:
        tables = ["candidates", "rollouts", "analyses", "decisions", "harvested_tasks"]
        return {
            t: int(self._all(f"SELECT count(*) FROM {t} WHERE harvest_id = ?", [harvest_id])[0][0])
            for t in tables
        }

    def harvested_count(self, harvest_id: str) -> int:
        return self.table_counts(harvest_id)["harvested_tasks"]

    def harvested_per_cell(self, harvest_id: str) -> Counter[str]:
        """Parameter cell -> tasks harvested from it so far."""
        return Counter(
            r[0]
            for r in self._all(
                "SELECT c.cell FROM harvested_tasks h JOIN candidates c USING (candidate_id) "
                "WHERE h.harvest_id = ?",
                [harvest_id],
            )
        )

    def history(self, harvest_id: str, limit: int = 500) -> list[HistoryEntry]:
        """The latest candidates of a harvest with their outcomes (the proposer's input)."""
        rows = self._all(
            "SELECT c.candidate_id, c.iteration, c.params, c.cell, c.task IS NOT NULL, "
            "d.rollouts, d.passes, d.pass_rate, d.in_window FROM candidates c "
            "LEFT JOIN decisions d USING (candidate_id) WHERE c.harvest_id = ? "
            "ORDER BY c.iteration DESC, c.idx DESC LIMIT ?",
            [harvest_id, limit],
        )
        labels: dict[str, list[str]] = {}
        for cid, label in self._all(
            "SELECT candidate_id, top_label FROM analyses WHERE harvest_id = ? ORDER BY rollout_id",
            [harvest_id],
        ):
            labels.setdefault(cid, []).append(label)
        return [
            HistoryEntry(
                candidate_id=r[0],
                iteration=r[1],
                params=json.loads(r[2]),
                cell=r[3],
                synthesized=bool(r[4]),
                rollouts=r[5] or 0,
                passes=r[6] or 0,
                pass_rate=r[7],
                in_window=r[8],
                failure_modes=labels.get(r[0], []),
            )
            for r in reversed(rows)
        ]

    def harvest_record(self, harvest_id: str) -> tuple[HarvestRecord, str] | None:
        rows = self._all(
            "SELECT domain, mode, target, n_tasks, config, status FROM harvests "
            "WHERE harvest_id = ?",
            [harvest_id],
        )
        if not rows:
            return None
        d, m, t, n, cfg, status = rows[0]
        rec = HarvestRecord(
            harvest_id=harvest_id, domain=d, mode=m, target=t, n_tasks=n, config=json.loads(cfg)
        )
        return rec, status

    def harvest_ids(self) -> list[str]:
        return [r[0] for r in self._all("SELECT harvest_id FROM harvests ORDER BY created_at", [])]

    def summary(self, harvest_id: str, top: int = 5) -> HarvestSummary:
        found = self.harvest_record(harvest_id)
        if found is None:
            raise UserError(f"unknown harvest {harvest_id!r}; known: {self.harvest_ids()}")
        rec, status = found
        (cands, rejected, iters) = self._all(
            "SELECT count(*), count(*) FILTER (WHERE task IS NULL), count(DISTINCT iteration) "
            "FROM candidates WHERE harvest_id = ?",
            [harvest_id],
        )[0]
        tau2 = self._tau2_column()
        (n_roll, passes, errors, t_in, t_out, cost, tau2_passes, tau2_scored) = self._all(
            "SELECT count(*), count(*) FILTER (WHERE passed), count(*) FILTER (WHERE error IS NOT "
            "NULL), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), "
            f"coalesce(sum(cost_usd), 0), count(*) FILTER (WHERE {tau2}), count({tau2}) "
            "FROM rollouts WHERE harvest_id = ?",
            [harvest_id],
        )[0]
        # The harvested tasks' rollouts, on both terms (tau2's only where every one has it).
        (kept, kept_passes, kept_tau2, kept_scored) = self._all(
            "SELECT count(*), count(*) FILTER (WHERE r.passed), "
            f"count(*) FILTER (WHERE {tau2}), count({tau2}) FROM rollouts r "
            "JOIN harvested_tasks h USING (candidate_id) WHERE h.harvest_id = ?",
            [harvest_id],
        )[0]
        hist = Counter(
            f"{r[0]:.2f}"
            for r in self._all("SELECT pass_rate FROM decisions WHERE harvest_id = ?", [harvest_id])
        )
        modes = self._all(
            "SELECT top_label, count(*) AS n FROM analyses WHERE harvest_id = ? "
            "GROUP BY top_label ORDER BY n DESC, top_label LIMIT ?",
            [harvest_id, top],
        )
        # Diversity of what the harvest kept (not of everything it tried).
        div = diversity(
            {**json.loads(r[0]), "cell": r[1]}
            for r in self._all(
                "SELECT c.task, c.cell FROM harvested_tasks h JOIN candidates c "
                "USING (candidate_id) WHERE h.harvest_id = ? ORDER BY h.position",
                [harvest_id],
            )
        )
        return HarvestSummary(
            harvest_id=harvest_id,
            domain=rec.domain,
            target=rec.target,
            mode=rec.mode,
            status=status,
            n_tasks=rec.n_tasks,
            harvested=self.harvested_count(harvest_id),
            iterations=iters,
            candidates=cands,
            rejected=rejected,
            rollouts=n_roll,
            passes=passes,
            rollout_errors=errors,
            tokens_in=int(t_in),
            tokens_out=int(t_out),
            cost_usd=float(cost),
            tau2_passes=tau2_passes,
            tau2_scored=tau2_scored,
            harvested_pass_rate=round(kept_passes / kept, 4) if kept else None,
            harvested_tau2_pass_rate=(
                round(kept_tau2 / kept, 4) if kept and kept_scored == kept else None
            ),
            pass_rate_histogram=dict(hist),
            top_failure_modes=[FailureCount(label=m[0], count=m[1]) for m in modes],
            distinct_cells=div.distinct_cells,
            largest_cell_share=div.largest_cell_share,
            distinct_users=div.distinct_users,
            distinct_routes=div.distinct_routes,
        )

    def harvested(self, harvest_id: str) -> list[dict[str, Any]]:
        """Harvested tasks in acceptance order: task JSON, pass rate, k, failure modes, target,
        domain, mode, and the rollouts behind the pass rate (passes, rollouts)."""
        tau2 = self._tau2_column()
        rows = self._all(
            "SELECT c.task, h.pass_rate, h.k, h.failure_modes, hv.target, hv.domain, hv.mode, "
            "d.passes, d.rollouts, t.tau2_passes "
            "FROM harvested_tasks h JOIN candidates c USING (candidate_id) "
            "JOIN harvests hv ON hv.harvest_id = h.harvest_id "
            "LEFT JOIN decisions d ON d.candidate_id = h.candidate_id "
            # rollouts recorded before the tau2 verdict existed leave it unknown (NULL)
            f"LEFT JOIN (SELECT candidate_id, CASE WHEN count({tau2}) = count(*) THEN "
            f"count(*) FILTER (WHERE {tau2}) END AS tau2_passes FROM rollouts "
            "WHERE harvest_id = ? GROUP BY candidate_id) t "
            "ON t.candidate_id = h.candidate_id "
            "WHERE h.harvest_id = ? ORDER BY h.position",
            [harvest_id, harvest_id],
        )
        return [
            {
                "task": json.loads(r[0]),
                "pass_rate": r[1],
                "k": r[2],
                "failure_modes": json.loads(r[3]),
                "target": r[4],
                "domain": r[5],
                "mode": r[6],
                "passes": r[7],
                "rollouts": r[8],
                "tau2_passes": r[9],
            }
            for r in rows
        ]

    def duplicate_keys(self) -> dict[str, int]:
        """Rows sharing a natural key (should always be 0): a check for crash tests."""
        checks = {
            "candidates": "SELECT count(*) - count(DISTINCT (harvest_id, iteration, idx)) "
            "FROM candidates",
            "rollouts": "SELECT count(*) - count(DISTINCT (candidate_id, idx)) FROM rollouts",
            "harvested_tasks": "SELECT count(*) - count(DISTINCT candidate_id) "
            "FROM harvested_tasks",
        }
        return {t: int(self._all(sql, [])[0][0]) for t, sql in checks.items()}
