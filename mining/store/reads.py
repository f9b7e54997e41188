"""The read side of the history store: the proposer's digest, summaries, export rows, checks.

Split from the writes (`mining.store.db`) so each side stays small; `Store` combines both. Every
read a harvest makes while it runs costs the same at any history size: the proposer's input comes
from whole-history aggregates the writes keep current (`history_terms`), the harvested tasks
(at most N) and a bounded window of recent candidates (see `mining.store.digest`).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from mining.core.errors import UserError
from mining.reports.diversity import diversity, leading_failure_modes
from mining.reports.summary import FailureCount, HarvestSummary
from mining.store.connection import Connected
from mining.store.digest import (
    RECENT,
    HarvestedPoint,
    HistoryDigest,
    HistoryEntry,
    TermStats,
)
from mining.store.records import HarvestRecord


class Reads(Connected):
    """Read queries over the connection a `Store` opens (under its lock)."""

    def _has_column(self, table: str, column: str) -> bool:
        """Whether the file has it (one opened read-only is not migrated)."""
        found = self._all(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = ? AND column_name = ?",
            [table, column],
        )
        return bool(found[0][0])

    def _tau2_column(self) -> str:
        """`tau2_passed`, or NULL in a file opened read-only before migration 6 added it."""
        return (
            "tau2_passed"
            if self._has_column("rollouts", "tau2_passed")
            else "CAST(NULL AS BOOLEAN)"
        )

    def _failures(self, harvest_id: str) -> tuple[str | None, int, int, int]:
        """Why the harvest is failed or stalled, its failed rollout attempts, its errored
        rollouts and undecided candidates (none in a file from before migration 3)."""
        if not self._has_column("decisions", "undecided"):
            return None, 0, 0, 0
        reason, attempts, errored, undecided = self._all(
            "SELECT (SELECT status_reason FROM harvests WHERE harvest_id = $1), "
            "(SELECT count(*) FROM failed_attempts WHERE harvest_id = $1), "
            "(SELECT count(*) FROM failed_attempts WHERE harvest_id = $1 AND gave_up), "
            "(SELECT count(*) FROM decisions WHERE harvest_id = $1 AND undecided)",
            [harvest_id],
        )[0]
        return reason, int(attempts), int(errored), int(undecided)

    def query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Rows of a read query (reports keep their own SQL; writes go through the methods)."""
        return self._all(sql, params)

    # --- the proposer's input ----------------------------------------------------------------

    def digest(self, harvest_id: str, recent: int = RECENT) -> HistoryDigest:
        """Whole-history term counts, the harvested points and the latest `recent` evaluated
        candidates of a harvest (see `mining.store.digest`)."""
        kinds: dict[str, dict[str, TermStats]] = {"total": {}, "item": {}, "pair": {}, "cell": {}}
        for kind, term, *counts in self._all(
            "SELECT kind, term, candidates, evaluated, rollouts, passes, hits "
            "FROM history_terms WHERE harvest_id = ?",
            [harvest_id],
        ):
            kinds[kind][term] = TermStats._make(counts)
        harvested = tuple(
            HarvestedPoint(json.loads(params), cell, tuple(json.loads(modes)))
            for params, cell, modes in self._all(
                "SELECT params, cell, failure_modes FROM harvested_tasks "
                "WHERE harvest_id = ? ORDER BY position",
                [harvest_id],
            )
        )
        # The latest synthesized candidates first (a top-N over two integer columns), then
        # their decisions: joining the other way round would hash every decision of the harvest.
        latest = self._all(
            "WITH c AS (SELECT candidate_id, iteration, idx, params, cell FROM candidates "
            "WHERE harvest_id = ? AND task IS NOT NULL ORDER BY iteration DESC, idx DESC LIMIT ?) "
            "SELECT c.candidate_id, c.iteration, c.params, c.cell, d.rollouts, d.passes, "
            "d.in_window FROM c JOIN decisions d USING (candidate_id) "
            "ORDER BY c.iteration DESC, c.idx DESC",
            [harvest_id, recent],
        )
        return HistoryDigest(
            totals=kinds["total"].get("", TermStats()),
            items=kinds["item"],
            pairs=kinds["pair"],
            cells=kinds["cell"],
            harvested=harvested,
            recent=tuple(
                HistoryEntry(cid, it, json.loads(params), cell, rollouts, passes, bool(hit))
                for cid, it, params, cell, rollouts, passes, hit in reversed(latest)
            ),
        )

    def recount_terms(self, harvest_id: str) -> dict[tuple[str, str], tuple[int, ...]]:
        """The term counts recomputed from the base tables (what `history_terms` must hold)."""
        from mining.store.schema import count_terms

        return {
            (kind, term): tuple(int(n) for n in counts)
            for _, kind, term, *counts in self._all(count_terms("c.harvest_id = ?"), [harvest_id])
        }

    def stored_terms(self, harvest_id: str) -> dict[tuple[str, str], tuple[int, ...]]:
        return {
            (kind, term): tuple(int(n) for n in counts)
            for kind, term, *counts in self._all(
                "SELECT kind, term, candidates, evaluated, rollouts, passes, hits "
                "FROM history_terms WHERE harvest_id = ?",
                [harvest_id],
            )
        }

    # --- harvest state -----------------------------------------------------------------------

    def iteration_summaries(self, harvest_id: str) -> list[dict[str, Any]]:
        """The recorded iterations of a harvest, in order (what a resumed run starts from)."""
        rows = self._all(
            "SELECT summary FROM iterations WHERE harvest_id = ? ORDER BY iteration", [harvest_id]
        )
        return [json.loads(r[0]) for r in rows]

    def rollouts_spent(self, harvest_id: str) -> int:
        """Rollouts of the recorded iterations: what the rollout budget is checked against."""
        return sum(int(s.get("rollouts", 0)) for s in self.iteration_summaries(harvest_id))

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
                "SELECT cell FROM harvested_tasks WHERE harvest_id = ?", [harvest_id]
            )
        )

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

    # --- what a person reads -----------------------------------------------------------------

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
        reason, attempts, errored, undecided = self._failures(harvest_id)
        decided = " AND NOT undecided" if self._has_column("decisions", "undecided") else ""
        hist = Counter(
            f"{r[0]:.2f}"
            for r in self._all(
                f"SELECT pass_rate FROM decisions WHERE harvest_id = ?{decided}", [harvest_id]
            )
        )
        modes = self._all(
            # Rows from before the fallback label kept the text 'None' for "no label".
            "SELECT CASE top_label WHEN 'None' THEN 'unlabelled' ELSE top_label END AS label, "
            "count(*) AS n FROM analyses WHERE harvest_id = ? "
            "GROUP BY label ORDER BY n DESC, label LIMIT ?",
            [harvest_id, top],
        )
        # Diversity of what the harvest kept (not of everything it tried).
        kept_rows = self._all(
            "SELECT c.task, c.cell, h.failure_modes FROM harvested_tasks h JOIN candidates c "
            "USING (candidate_id) WHERE h.harvest_id = ? ORDER BY h.position",
            [harvest_id],
        )
        div = diversity({**json.loads(r[0]), "cell": r[1]} for r in kept_rows)
        kept_modes = leading_failure_modes(json.loads(r[2]) for r in kept_rows)
        summary = HarvestSummary(
            harvest_id=harvest_id,
            domain=rec.domain,
            target=rec.target,
            mode=rec.mode,
            status=status,
            status_reason=reason,
            n_tasks=rec.n_tasks,
            harvested=self.harvested_count(harvest_id),
            iterations=iters,
            candidates=cands,
            rejected=rejected,
            rollouts=n_roll,
            passes=passes,
            rollout_errors=errors,
            failed_attempts=attempts,
            errored_rollouts=errored,
            undecided=undecided,
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
            kept_failure_modes=[
                FailureCount(label=label, count=n)
                for label, n in sorted(kept_modes.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        )
        if rec.mode == "wg":  # WG keeps its trials in its own tables (mining/store/wg.py)
            from mining.store.wg import summary_counts

            summary = summary.model_copy(update=summary_counts(self, harvest_id))
        return summary

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
