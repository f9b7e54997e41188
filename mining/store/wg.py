"""WG history in the store: hypotheses, trials, oracle runs, simplification chains, the frontier.

Every write is idempotent on deterministic keys (hypothesis id, scenario id, chain step), so the
ledger activity that records a probe can be retried or re-run after a crash. A confirmed failure
also becomes a harvested task through the same tables DAG harvests use (candidate, decision,
harvested task), so exports, summaries and `harvest show` treat both modes alike.
"""

from __future__ import annotations

import json
from typing import Any

from mining.store import delta
from mining.store.connection import dumps
from mining.store.db import Store
from mining.store.reads import Reads
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    DecisionRecord,
    FailedAttempts,
    RolloutRecord,
)
from mining.wg.frontier import FrontierEntry
from mining.wg.models import ProbeOutcome, TrialRollout
from mining.wg.rules import probe_totals


def record_probe(store: Store, harvest_id: str, out: ProbeOutcome, k: int, limit: int) -> bool:
    """Record one probe and its iteration summary in one transaction (a resumed or restarted
    harvest reloads its counters, the rollout budget's spending included, from the summaries);
    True when its minimum task is (now or already) harvested."""
    with store.batch():
        harvested = _record(store, harvest_id, out, k, limit)
        totals = probe_totals(out.hypothesis.index, out, harvested)
        store.record_iteration(harvest_id, out.hypothesis.index, totals.model_dump(mode="json"))
    return harvested


def record_trial(store: Store, world: dict[str, Any], records: list[TrialRollout]) -> None:
    """A trial's target rollouts (and the analyst's labels) in the rollouts table, keyed by the
    scenario, like a DAG candidate's: summaries, exports and the report read them from there.
    Each final world comes as changes to the scenario's `world`. Idempotent on the rollout id."""
    rows: list[tuple[RolloutRecord | None, AnalysisRecord | None, FailedAttempts | None]] = []
    for r in records:
        rec = r.rollout
        if rec.final_world is None and rec.final_world_delta is not None:
            final = delta.apply(world, rec.final_world_delta)
            rec = rec.model_copy(update={"final_world": final, "final_world_delta": None})
        rows.append((rec, r.analysis, None))
    store.record_results(None, rows)


def _record(store: Store, harvest_id: str, out: ProbeOutcome, k: int, limit: int) -> bool:
    h = out.hypothesis
    store._exec(
        "INSERT OR IGNORE INTO wg_hypotheses (hypothesis_id, harvest_id, idx, tag, complexity, "
        "statement, move, status, evidence, scenario_id, truth_broken, target_rollouts, "
        "oracle_runs, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            h.hypothesis_id, harvest_id, h.index, h.tag, h.complexity, h.statement, h.move,
            out.status, out.evidence, out.scenario_id, out.truth.broken, out.target_rollouts,
            out.oracle_runs, out.model_dump_json(exclude={"task"}),
        ],
    )  # fmt: skip
    if out.trial is not None:
        store._exec(
            "INSERT OR IGNORE INTO wg_trials (scenario_id, hypothesis_id, harvest_id, step, "
            "passes, rollouts, in_window) VALUES (?, ?, ?, 0, ?, ?, ?)",
            [out.scenario_id, h.hypothesis_id, harvest_id, out.trial.passes,
             out.trial.rollouts, out.trial.in_window],
        )  # fmt: skip
    if out.oracle is not None:
        store._exec(
            "INSERT OR IGNORE INTO wg_oracle_runs (scenario_id, hypothesis_id, harvest_id, step, "
            "passed, attempts) VALUES (?, ?, ?, 0, ?, ?)",
            [out.scenario_id, h.hypothesis_id, harvest_id, out.oracle.passed, out.oracle.attempts],
        )  # fmt: skip
    for step, v in enumerate(out.chain, start=1):
        store._exec(
            "INSERT OR IGNORE INTO wg_chains (hypothesis_id, step, harvest_id, knob, params, "
            "complexity, outcome, reason, target_rollouts, oracle_runs) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [h.hypothesis_id, step, harvest_id, v.knob, dumps(v.params), v.complexity,
             v.outcome, v.reason, v.target_rollouts, v.oracle_runs],
        )  # fmt: skip
    _update_frontier(store, harvest_id, h.tag, h.complexity)
    if out.status != "confirmed" or out.task is None or out.trial is None:
        return False
    task = out.task
    cid = task.task_id  # the minimum's scenario: its trial's rollouts are recorded under it
    store.record_candidate(
        CandidateRecord(
            candidate_id=cid, harvest_id=harvest_id, iteration=h.index, index=0,
            seed=h.seed, params=task.params, cell=task.cell, signature=task.signature,
            task=task.model_dump(mode="json"),
        )
    )  # fmt: skip
    rate = float(task.meta.get("pass_rate", out.trial.pass_rate))
    store.record_decision(
        harvest_id,
        DecisionRecord(candidate_id=cid, passes=round(rate * k), rollouts=k,
                       pass_rate=rate, in_window=True),
    )  # fmt: skip
    return cid in store.record_harvested(harvest_id, [cid], k, limit)


def _update_frontier(store: Store, harvest_id: str, tag: str, complexity: int) -> None:
    rows = store._all(
        "SELECT hypothesis_id, status, evidence FROM wg_hypotheses "
        "WHERE harvest_id = ? AND tag = ? AND complexity = ? ORDER BY idx",
        [harvest_id, tag, complexity],
    )
    counts: dict[str, int] = {}
    for _, status, _ in rows:
        counts[status] = counts.get(status, 0) + 1
    rank = ("confirmed", "holds", "disproved", "broken")
    status = next((s for s in rank if s in counts), "open")
    evidence = [f"{r[0]}: {r[1]} ({r[2]})" for r in rows]
    store._exec(
        "INSERT OR REPLACE INTO wg_frontier (harvest_id, tag, complexity, status, counts, "
        "evidence) VALUES (?, ?, ?, ?, ?, ?)",
        [harvest_id, tag, complexity, status, dumps(counts), dumps(evidence)],
    )


def frontier_entries(store: Store, harvest_id: str) -> list[FrontierEntry]:
    """Every probed hypothesis of a harvest, in order (what the strategist and the map read)."""
    rows = store._all(
        "SELECT hypothesis_id, tag, complexity, status, evidence, move, "
        "json_extract_string(outcome, '$.vein') FROM wg_hypotheses "
        "WHERE harvest_id = ? ORDER BY idx",
        [harvest_id],
    )
    return [
        FrontierEntry(hypothesis_id=r[0], tag=r[1], complexity=r[2], status=r[3], evidence=r[4],
                      move=r[5], vein=r[6])
        for r in rows
    ]  # fmt: skip


def frontier_of(
    store: Store, harvest_id: str
) -> tuple[str | None, str | None, list[FrontierEntry]]:
    """(domain, mode, entries) of a harvest; domain None when the store has no such harvest."""
    found = store.harvest_record(harvest_id)
    if found is None:
        return None, None, []
    rec = found[0]
    # Only WG harvests have entries (and a file from before migration 7 has no WG tables).
    return rec.domain, rec.mode, frontier_entries(store, harvest_id) if rec.mode == "wg" else []


def probe_outcomes(store: Store, harvest_id: str) -> list[dict[str, Any]]:
    rows = store._all(
        "SELECT outcome FROM wg_hypotheses WHERE harvest_id = ? ORDER BY idx", [harvest_id]
    )
    return [json.loads(r[0]) for r in rows]


def summary_counts(store: Reads, harvest_id: str) -> dict[str, int | float]:
    """A WG harvest's counts in the summary's terms: a hypothesis is an iteration, each world it
    built (first and simplification variants) a candidate, one stopped before any target rollout
    a rejected one, the target rollouts of every trial the rollouts, and the oracle's apart."""
    hyps, rollouts, oracle, first_unrun = store._all(
        "SELECT count(*), coalesce(sum(target_rollouts), 0), coalesce(sum(oracle_runs), 0), "
        "count(*) FILTER (WHERE scenario_id NOT IN (SELECT scenario_id FROM wg_trials)) "
        "FROM wg_hypotheses WHERE harvest_id = ?",
        [harvest_id],
    )[0]
    variants, variants_unrun = store._all(
        "SELECT count(*), count(*) FILTER (WHERE target_rollouts = 0) FROM wg_chains "
        "WHERE harvest_id = ?",
        [harvest_id],
    )[0]
    passes = oracle_tokens = 0
    oracle_cost = 0.0
    for row in store._all("SELECT outcome FROM wg_hypotheses WHERE harvest_id = ?", [harvest_id]):
        out = json.loads(row[0])
        passes += (out.get("trial") or {}).get("passes", 0)
        passes += sum(v.get("target_passes", 0) for v in out.get("chain", []))
        # Outcomes recorded before the oracle's spending was summed keep its first run only.
        first = out.get("oracle") or {}
        oracle_tokens += out.get("oracle_tokens", first.get("tokens", 0))
        oracle_cost += out.get("oracle_cost_usd", first.get("cost_usd", 0.0))
    return {
        "iterations": int(hyps),
        "candidates": int(hyps + variants),
        "rejected": int(first_unrun + variants_unrun),
        "rollouts": int(rollouts),
        "oracle_rollouts": int(oracle),
        "passes": passes,
        "oracle_tokens": int(oracle_tokens),
        "oracle_cost_usd": float(oracle_cost),
    }
