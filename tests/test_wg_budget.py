"""WG spending: the rollout budget counts the oracle's rollouts, a probe stops simplifying where
the budget ends, and a probe's spending is recorded where a resumed harvest reloads it from."""

from __future__ import annotations

from mining.harvest import bookkeeping
from mining.harvest.config import Budgets, Counters, HarvestConfig, stop_reason
from mining.reports.summary import render_lines
from mining.store.db import Store
from mining.store.records import HarvestRecord
from mining.store.wg import record_probe
from mining.wg.config import WGSettings
from mining.wg.loop import WGRun, run_wg


def test_the_rollout_budget_counts_oracle_rollouts() -> None:
    cfg = HarvestConfig(harvest_id="b", mode="wg", budgets=Budgets(max_rollouts=10))
    assert stop_reason(cfg, Counters(rollouts=7, oracle_rollouts=2)) is None
    assert stop_reason(cfg, Counters(rollouts=7, oracle_rollouts=3)) == "budget: rollouts"


def test_a_wg_harvest_ends_within_one_scenario_of_its_rollout_budget() -> None:
    budget = 25
    s = WGSettings(harvest_id="b", seed=1, max_rollouts=budget)
    run = run_wg(s)
    assert run.stop == "budget: rollouts"
    oracle = sum(o.oracle_runs for o in run.outcomes)
    paid = run.target_rollouts + oracle
    assert oracle > 0
    # the last scenario started inside the budget: at most its k + oracle rollouts past it
    assert budget <= paid < budget + s.k + s.oracle_attempts


def _recorded(hid: str, times: int = 1) -> tuple[WGRun, Store]:
    """A one-task WG harvest in-process, each probe recorded `times` times (a retried record)."""
    s = WGSettings(harvest_id=hid, seed=1, n_tasks=1)
    run = run_wg(s)
    store = Store(":memory:")
    store.record_harvest(
        HarvestRecord(harvest_id=hid, domain="airline", mode="wg", target=s.target, n_tasks=1,
                      config={})
    )  # fmt: skip
    for out in run.outcomes:
        for _ in range(times):
            record_probe(store, hid, out, s.k, s.n_tasks)
    return run, store


def test_a_recorded_probe_counts_in_the_counters_a_resumed_harvest_reloads() -> None:
    run, store = _recorded("r", times=2)  # a retried record adds nothing
    c = bookkeeping.counters(store, "r")
    assert c.iterations == len(run.outcomes) and c.harvested == 1
    assert c.rollouts == run.target_rollouts
    assert c.oracle_rollouts == sum(o.oracle_runs for o in run.outcomes) > 0
    summary = store.summary("r")  # harvest show says what the budget counted
    assert summary.oracle_rollouts == c.oracle_rollouts
    assert f"and {c.oracle_rollouts} oracle rollouts" in "\n".join(render_lines(summary))


def test_the_summary_cost_line_counts_the_oracles_tokens_and_dollars() -> None:
    run, store = _recorded("c")
    tokens = sum(o.oracle_tokens for o in run.outcomes)
    cost = sum(o.oracle_cost_usd for o in run.outcomes)
    # every oracle run of the harvest, the simplification variants' too, not the first ones only
    assert tokens > sum(o.oracle.tokens for o in run.outcomes if o.oracle is not None) > 0
    summary = store.summary("c")
    assert (summary.oracle_tokens, summary.oracle_cost_usd) == (tokens, cost)
    line = next(x for x in render_lines(summary) if x.startswith("tokens"))
    assert f"oracle {tokens} tokens, ${cost:.4f}" in line
    total = summary.tokens_in + summary.tokens_out + tokens
    assert f"total {total} tokens, ${summary.cost_usd + cost:.4f}" in line
