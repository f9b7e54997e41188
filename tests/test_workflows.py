"""HarvestWorkflow and MiningIterationWorkflow on a real local dev server, with fake compute
activities (real names) and the real ledger activities over an in-memory store."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from temporalio import activity
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.testing import WorkflowEnvironment

from activities import names
from activities.errors import boundary
from activities.models import ProposeInput, ProposeOutput
from mining.core.errors import UserError
from mining.harvest.config import Budgets, Queues
from mining.store.db import Store
from tests.temporal_fixtures import FakeLedger, fake_config, fake_workers, wait_for_progress
from worker import make_workers
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, HarvestResult, Progress, SetPausedInput


async def _start(env: WorkflowEnvironment, inp: HarvestInput) -> WorkflowHandle:
    return await env.client.start_workflow(
        HarvestWorkflow.run,
        inp,
        id=f"h-{uuid.uuid4().hex[:10]}",
        task_queue=inp.config.queues.ledger,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


@pytest.mark.slow
async def test_harvest_stops_at_exactly_n(temporal_env: WorkflowEnvironment, queues: Queues):
    # Each iteration of 8 candidates has 4 in the window (pass counts 1 and 2 of 4); N=3 must
    # not be overshot even though the first iteration alone yields 4.
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=3, batch_size=8)
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        handle = await _start(temporal_env, HarvestInput(config=cfg))
        result: HarvestResult = await handle.result()
    hid = handle.id
    assert result.stop == "harvested"
    assert result.counters.harvested == 3 and result.counters.iterations == 1
    counts = store.table_counts(hid)
    assert counts["harvested_tasks"] == 3
    assert counts["candidates"] == 8
    # passes=4 candidates stop early? no: with waves of 2, 2/2 passes can still end at 2/4
    assert counts["rollouts"] == 8 * 4
    assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
    summary = store.summary(hid)
    assert summary.status == "completed"
    assert summary.pass_rate_histogram == {"0.00": 2, "0.25": 2, "0.50": 2, "1.00": 2}
    assert summary.top_failure_modes[0].label == "fake_failure"
    harvested = [r["task"]["task_id"] for r in store.harvested(hid)]
    assert harvested == [f"{hid}/i0/c1", f"{hid}/i0/c2", f"{hid}/i0/c5"]


async def test_early_stopping_skips_rollouts(temporal_env: WorkflowEnvironment, queues: Queues):
    # One rollout per wave: a candidate passing its first 3 rollouts is out of the window
    # (3/4 > 0.5) whatever the fourth says, so the fourth never runs.
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=1, batch_size=4, rollout_concurrency=1)
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        handle = await _start(temporal_env, HarvestInput(config=cfg))
        await handle.result()
    rows = store._all(
        "SELECT c.params, count(r.rollout_id) FROM candidates c LEFT JOIN rollouts r "
        "USING (candidate_id) WHERE c.harvest_id = ? GROUP BY c.params ORDER BY c.params",
        [handle.id],
    )
    assert dict(rows) == {
        '{"passes": 0}': 4,
        '{"passes": 1}': 4,
        '{"passes": 2}': 4,
        '{"passes": 4}': 3,
    }


@pytest.mark.slow
async def test_pause_resume_query_and_continue_as_new(
    temporal_env: WorkflowEnvironment, queues: Queues
):
    # One in-window candidate per iteration (batch 2: pass counts 0 and 1), one iteration per
    # run: 3 tasks take 3 iterations and at least 2 continue-as-new.
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=3, batch_size=2, iterations_per_run=1)
    handle = await _start(temporal_env, HarvestInput(config=cfg, paused=True))
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        progress = await wait_for_progress(handle, lambda p: p.status == "paused")
        assert progress.paused and progress.counters.iterations == 0
        updated: Progress = await handle.execute_update(
            HarvestWorkflow.set_paused, SetPausedInput(paused=False)
        )
        assert updated.paused is False
        await wait_for_progress(handle, lambda p: p.counters.iterations >= 1)
        await handle.signal(HarvestWorkflow.pause)
        paused = await wait_for_progress(handle, lambda p: p.status == "paused")
        assert paused.counters.harvested < 3
        await handle.signal(HarvestWorkflow.resume)
        result: HarvestResult = await handle.result()
    assert result.counters.harvested == 3 and result.counters.iterations == 3
    runs = [w async for w in temporal_env.client.list_workflows(f"WorkflowId = '{handle.id}'")]
    assert len(runs) >= 3  # continued-as-new runs + the completed one
    with pytest.raises(Exception, match="already completed"):
        await handle.execute_update(HarvestWorkflow.set_paused, SetPausedInput(paused=True))
    assert store.harvested_count(handle.id) == 3


async def test_budget_stops_the_harvest(temporal_env: WorkflowEnvironment, queues: Queues):
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=50, batch_size=2, budgets=Budgets(max_rollouts=10))
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        result: HarvestResult = await (
            await _start(temporal_env, HarvestInput(config=cfg))
        ).result()
    assert result.stop == "budget: rollouts"
    # 2 candidates (8 rollouts), then only 1: the budget pays for 2 more rollouts, not 8
    assert result.counters.rollouts == 12 and result.counters.iterations == 2


async def test_bad_input_fails_without_retry_and_the_harvest_waits(
    temporal_env: WorkflowEnvironment, queues: Queues
):
    # A UserError is not retried; the iteration fails, the harvest does not: it says why (query,
    # search attribute, store) and waits for a resume or a cancel.
    calls = []

    class BadProposer(FakeLedger):
        @activity.defn(name=names.PROPOSE)
        def propose(self, inp: ProposeInput) -> ProposeOutput:
            calls.append(1)
            with boundary():
                raise UserError("unknown proposer 'nope'; allowed: random")

    store = Store(":memory:")
    workers = make_workers(
        temporal_env.client,
        queues=queues,
        compute_activities=[],
        ledger_activities=BadProposer(store).all(),
        roles=["ledger"],
    )
    async with contextlib.AsyncExitStack() as stack:
        for w in workers:
            await stack.enter_async_context(w)
        handle = await _start(temporal_env, HarvestInput(config=fake_config(queues)))
        held = await wait_for_progress(handle, lambda p: p.status == "failed")
        assert held.reason and "unknown proposer 'nope'" in held.reason, held.reason
        assert "propose" in held.reason  # where it failed
        async with asyncio.timeout(10):  # the status write follows the query's answer
            while store.summary(handle.id).status != "failed":
                await asyncio.sleep(0.1)
        assert store.summary(handle.id).status_reason == held.reason
        desc = await handle.describe()
        assert desc.typed_search_attributes.get(sa.HARVEST_STATUS) == "failed"
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
    assert len(calls) == 1


async def test_cancel_records_status(temporal_env: WorkflowEnvironment, queues: Queues):
    store = Store(":memory:")
    cfg = fake_config(queues, n_tasks=3)
    handle = await _start(temporal_env, HarvestInput(config=cfg, paused=True))
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        await wait_for_progress(handle, lambda p: p.status == "paused")
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
    found = store.harvest_record(handle.id)
    assert found is not None and found[1] == "cancelled"
