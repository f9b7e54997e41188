"""Regenerate the saved workflow histories that tests/test_replay_histories.py replays.

Run after an INTENDED change to workflow code (a patched change keeps old histories replayable;
an unpatched one must fail the replay test, which is the point):

    .venv/bin/python -m tests.histories.regenerate

It starts a throwaway local dev server, runs a small harvest with fake compute activities (one
pause/resume by update, continue-as-new every iteration, early stopping) and writes every run's
history (harvest runs and iteration children) as JSON next to this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from mining.harvest.config import Budgets, Queues
from mining.store.db import Store
from tests.temporal_fixtures import fake_config, fake_workers, find_bin
from workflows import search_attributes as sa
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestInput, SetPausedInput

HERE = Path(__file__).parent
WORKFLOW_ID = "replay-harvest"


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
        async with contextlib.AsyncExitStack() as stack:
            for w in fake_workers(env.client, queues, store):
                await stack.enter_async_context(w)
            handle = await env.client.start_workflow(
                HarvestWorkflow.run,
                HarvestInput(config=cfg, paused=True),
                id=WORKFLOW_ID,
                task_queue=queues.ledger,
            )
            await asyncio.sleep(0.5)
            await handle.execute_update(HarvestWorkflow.set_paused, SetPausedInput(paused=False))
            result = await handle.result()
            assert result.stop == "harvested", f"the harvest should fill N, not stop on {result}"
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
