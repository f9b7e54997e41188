"""Writes at the end of an iteration: its proposal (a re-run proposes it again), the candidates'
decisions (term counts corrected by the difference, so a retry changes nothing), its summary,
and the harvested tasks (capped at N and per cell, in order)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from mining.store.connection import dumps
from mining.store.records import DecisionRecord
from mining.store.results import ResultWrites


class IterationWrites(ResultWrites):
    def record_proposal(self, harvest_id: str, iteration: int, points: list[Any]) -> None:
        self._exec(
            "INSERT OR IGNORE INTO proposals (harvest_id, iteration, points) VALUES (?, ?, ?)",
            [harvest_id, iteration, dumps(points)],
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
            [harvest_id, iteration, dumps(summary)],
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
                    [cid, harvest_id, count, dec[0], k, dumps(modes), params, cell],
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
