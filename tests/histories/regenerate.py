"""Regenerate the saved workflow histories that tests/test_replay_histories.py replays.

Run after an INTENDED change to workflow code (a patched change keeps old histories replayable;
an unpatched one must fail the replay test, which is the point):

    .venv/bin/python -m tests.histories.regenerate

It starts a throwaway local dev server, runs a small harvest with fake compute activities (one
pause/resume by update, continue-as-new every iteration, early stopping, one rollout that errors
and is replaced, one iteration that fails and is resumed) and writes every run's history (harvest
runs and iteration children) as JSON next to this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from temporalio import activity
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities import names
from activities.models import ProposeInput, ProposeOutput, RolloutInput, RolloutOutput
from mining.harvest.config import Budgets, Queues
from mining.store.db import Store
from tests.temporal_fixtures import FAKE_COMPUTE, FakeLedger, fake_config, fake_rollout, find_bin
from worker import make_workers
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, Progress, SetPausedInput

HERE = Path(__file__).parent
WORKFLOW_ID = "replay-harvest"


@activity.defn(name=names.ROLLOUT)
def rollout_with_an_error(inp: RolloutInput) -> RolloutOutput:
    """Rollout 0 of the first candidate errors (non-retryable): it is recorded and replaced."""
    if inp.task.task_id.endswith("/i0/c0") and inp.index == 0:
        raise ApplicationError("injected", type="ProviderError", non_retryable=True)
    return fake_rollout(inp)


class ProposeFailsOnce(FakeLedger):
    """The first propose of iteration 1 fails: the harvest holds as failed until resumed."""

    failed = False

    @activity.defn(name=names.PROPOSE)
    def propose(self, inp: ProposeInput) -> ProposeOutput:
        if inp.iteration == 1 and not ProposeFailsOnce.failed:
            ProposeFailsOnce.failed = True
            raise KeyError("injected")
        return super().propose(inp)


async def main() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_bin("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=sa.ALL,
    )
    try:
        queues = Queues(ledger="replay-ledger", compute="replay-compute")
        cfg = fake_config(queues, n_tasks=2, batch_size=2, iterations_per_run=1,
                          rollout_concurrency=1,
                          budgets=Budgets(max_iterations=6))  # fmt: skip
        store = Store(":memory:")
        compute = [rollout_with_an_error if a is fake_rollout else a for a in FAKE_COMPUTE]
        workers = make_workers(
            env.client,
            queues=queues,
            compute_activities=compute,
            ledger_activities=ProposeFailsOnce(store).all(),
        )
        async with contextlib.AsyncExitStack() as stack:
            for w in workers:
                await stack.enter_async_context(w)
            handle = await env.client.start_workflow(
                HarvestWorkflow.run,
                HarvestInput(config=cfg, paused=True),
                id=WORKFLOW_ID,
                task_queue=queues.ledger,
            )
            await asyncio.sleep(0.5)
            await handle.execute_update(HarvestWorkflow.set_paused, SetPausedInput(paused=False))
            while True:  # iteration 1 fails once: resume it like `toolmine harvest resume`
                p: Progress = await handle.query(HarvestWorkflow.progress)
                if p.status == "failed":
                    break
                await asyncio.sleep(0.2)
            await handle.execute_update(HarvestWorkflow.set_paused, SetPausedInput(paused=False))
            result = await handle.result()
            assert result.stop == "harvested", f"the harvest should fill N, not stop on {result}"
            assert result.counters.errored == 1, result
        for old in HERE.glob("*.json"):
            old.unlink()
        query = f"WorkflowId = '{WORKFLOW_ID}' OR WorkflowId STARTS_WITH '{WORKFLOW_ID}/'"
        n = 0
        async for wf in env.client.list_workflows(query):
            hist = await env.client.get_workflow_handle(wf.id, run_id=wf.run_id).fetch_history()
            name = f"{wf.workflow_type}-{n:02d}.json"
            (HERE / name).write_text(
                json.dumps({"workflow_id": wf.id, "history": json.loads(hist.to_json())}) + "\n"
            )
            n += 1
        print(f"wrote {n} histories to {HERE}")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
