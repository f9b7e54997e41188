"""A WG harvest through Temporal (HarvestWorkflow in mode wg, a ProbeWorkflow per hypothesis,
real activities over an in-memory store) agrees with the in-process loop, and its store holds
hypotheses, trials, oracle runs, chains, the frontier and exportable tasks."""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from cli.harvest_ops import start
from mining.bench.orchestration import breakdown
from mining.harvest import bookkeeping, ids
from mining.harvest.config import Budgets, HarvestConfig, Queues, wg_settings
from mining.reports.export import harvest_rows
from mining.store import wg as wg_store
from mining.store.db import Store
from mining.wg.loop import run_wg
from tests.temporal_fixtures import FAST_TIMEOUTS
from worker import make_workers


async def _probe_histories(env: WorkflowEnvironment, hid: str, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        handle = env.client.get_workflow_handle(ids.iteration_workflow_id(hid, i))
        out.append(json.loads((await handle.fetch_history()).to_json()))
    return out


@pytest.mark.slow
async def test_wg_harvest_on_the_dev_server_matches_the_in_process_loop(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    cfg = HarvestConfig(
        harvest_id=f"wg-{uuid.uuid4().hex[:8]}",
        mode="wg",
        target="sim:mid",
        n_tasks=2,
        seed=4,
        timeouts=FAST_TIMEOUTS,
        queues=queues,
        budgets=Budgets(max_iterations=60),  # a regression fails instead of hanging
    )
    local = run_wg(wg_settings(cfg))
    store = Store(":memory:")
    async with contextlib.AsyncExitStack() as stack:
        for w in make_workers(temporal_env.client, queues=queues, store=store):
            await stack.enter_async_context(w)
        handle = await start(temporal_env.client, cfg)
        result = await handle.result()
        n = result.counters.iterations
        probes = await _probe_histories(temporal_env, cfg.harvest_id, n)
    hid = cfg.harvest_id
    # A probe's ledger steps run in the worker (their inputs, a trial's trajectories among them,
    # never reach the server) and its scenario is checked where it is built (no check step).
    steps = breakdown(probes).steps
    assert len(probes) == len(local.outcomes) and steps["wg_build_checked"].calls > 0
    assert "wg_check" not in steps and "wg_build" not in steps
    for name in ("wg_frontier", "wg_record_trial", "wg_record_probe"):
        assert steps[name].local and steps[name].bytes_in == 0, name
    assert result.stop == "harvested" and result.counters.harvested == 2
    recorded = wg_store.probe_outcomes(store, hid)
    assert [(o["hypothesis"]["tag"], o["status"]) for o in recorded] == [
        (o.hypothesis.tag, o.status) for o in local.outcomes
    ]
    assert result.counters.iterations == len(local.outcomes)
    assert result.counters.rollouts == local.target_rollouts
    assert result.counters.oracle_rollouts == sum(o.oracle_runs for o in local.outcomes) > 0
    reloaded = bookkeeping.counters(store, hid)  # what a resumed harvest goes on from
    assert (reloaded.iterations, reloaded.rollouts, reloaded.oracle_rollouts) == (
        len(local.outcomes),
        local.target_rollouts,
        result.counters.oracle_rollouts,
    )
    entries = wg_store.frontier_entries(store, hid)
    assert [e.status for e in entries] == [o.status for o in local.outcomes]
    frontier = store._all("SELECT count(*) FROM wg_frontier WHERE harvest_id = ?", [hid])
    assert frontier[0][0] == len({(e.tag, e.complexity) for e in entries})
    chains = store._all("SELECT count(*) FROM wg_chains WHERE harvest_id = ?", [hid])[0][0]
    assert chains == sum(len(o.chain) for o in local.outcomes)
    # Every target rollout is in the rollouts table (failed ones with the analyst's label),
    # keyed by its scenario; a harvested task's own k rollouts are under its candidate id.
    n, failed, labelled = store._all(
        "SELECT count(*), count(*) FILTER (WHERE NOT passed), "
        "(SELECT count(*) FROM analyses WHERE harvest_id = ?) FROM rollouts WHERE harvest_id = ?",
        [hid, hid],
    )[0]
    assert n == local.target_rollouts and failed == labelled > 0
    rows = harvest_rows(store, hid)
    assert len(rows) == 2
    for row in rows:
        kept = store._all(
            "SELECT count(*) FROM rollouts WHERE candidate_id = ?", [row.candidate_id]
        )
        assert kept[0][0] == cfg.k
    for row in rows:
        wg = row.meta["wg"]
        assert wg["hypothesis"]["tag"] and isinstance(wg["simplification"], list)
        assert row.golden_trajectory and 0 < row.pass_rate <= 0.5
    assert store.duplicate_keys()["harvested_tasks"] == 0
    summary = store.summary(hid)
    assert summary.mode == "wg" and summary.harvested == 2
    assert summary.iterations == len(local.outcomes) and summary.rollouts == local.target_rollouts
    assert summary.candidates == len(local.outcomes) + chains
    assert summary.passes == sum(
        (o.trial.passes if o.trial else 0) + sum(v.target_passes for v in o.chain)
        for o in local.outcomes
    )
