"""Regenerate the saved WG histories (a HarvestWorkflow in mode wg and its ProbeWorkflow
children) that tests/test_replay_histories.py replays with the others:

    .venv/bin/python -m tests.histories.wg.regenerate

Run after an INTENDED change to the WG workflow code (a patched change keeps old histories
replayable). It starts a throwaway local dev server and runs a small WG harvest with the real
activities (offline strategist and world actor, sim targets) on an in-memory store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from cli.harvest_ops import start
from mining.harvest.config import Budgets, HarvestConfig, Queues
from mining.store.db import Store
from mining.wg.config import WGOptions
from tests.temporal_fixtures import FAST_TIMEOUTS, find_bin
from worker import make_workers
from workflows import search_attributes as sa

HERE = Path(__file__).parent
WORKFLOW_ID = "replay-wg"


async def main() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_bin("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=sa.ALL,
    )
    try:
        queues = Queues(ledger="replay-wg-ledger", compute="replay-wg-compute")
        cfg = HarvestConfig(
            harvest_id=WORKFLOW_ID, mode="wg", target="sim:mid", n_tasks=1, seed=2,
            iterations_per_run=2, queues=queues, timeouts=FAST_TIMEOUTS,
            wg=WGOptions(max_variants=1), budgets=Budgets(max_iterations=4),
        )  # fmt: skip
        async with contextlib.AsyncExitStack() as stack:
            for w in make_workers(env.client, queues=queues, store=Store(":memory:")):
                await stack.enter_async_context(w)
            await (await start(env.client, cfg)).result()
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
