"""Writes of what a candidate's evaluation produced: the candidate (its world stored once, by
content hash), its rollouts (a final world sent as a delta rebuilt against it), their analyses
and failed attempts; and what a re-run of the iteration reuses. Each write also adds to the
whole-history term counts (`history_terms`) in the same transaction as the row it counts."""

from __future__ import annotations

import json
from typing import Any

from mining.store import delta
from mining.store.connection import Connected, dumps
from mining.store.digest import pair_keys
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    FailedAttempts,
    RolloutOutcome,
    RolloutRecord,
    content_hash,
)
from mining.store.schema import TERM_COUNTS

_SUMS = ", ".join(f"{c} = {c} + excluded.{c}" for c in TERM_COUNTS.split(", "))
_ADD_TERMS = f"""INSERT INTO history_terms (harvest_id, kind, term, {TERM_COUNTS})
    SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, ?, ?, ?, ?
    ON CONFLICT DO UPDATE SET {_SUMS}"""


class ResultWrites(Connected):
    def _put_world(self, world: dict[str, Any]) -> str:
        key = content_hash(world)
        self._conn.execute(
            "INSERT OR IGNORE INTO worlds (world_hash, world) VALUES (?, ?)", [key, dumps(world)]
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
                dumps(c.params),
                c.cell,
                c.signature,
                world_hash,
                dumps(c.task) if c.task is not None else None,
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
                dumps(r.score),
                dumps(r.trajectory),
                final_hash,
                r.tokens_in,
                r.tokens_out,
                r.cost_usd,
                r.latency_s,
                r.termination,
                r.error,
                dumps(r.injected_errors),
                dumps(r.policy_violations),
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
                    dumps(analysis.analysis),
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
