"""The README's Temporal CLI commands work against our workflows: start a HarvestWorkflow with
`temporal workflow start`, query `progress`, pause/resume by signal and by update, cancel."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import uuid

import pytest
from temporalio.testing import WorkflowEnvironment

from mining.harvest.config import Budgets, Queues
from mining.store.db import Store
from tests.cli_process import toolmine
from tests.temporal_fixtures import fake_config, fake_workers, find_bin
from workflows.models import HarvestInput


def _temporal(env: WorkflowEnvironment, *args: str) -> str:
    address = env.client.service_client.config.target_host
    out = subprocess.run(
        [find_bin("temporal"), *args, "--address", address],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def _progress(env: WorkflowEnvironment, wid: str) -> dict:
    text = _temporal(env, "workflow", "query", "-w", wid, "--name", "progress", "-o", "json")
    return json.loads(text)["queryResult"][0]


async def _until(env: WorkflowEnvironment, wid: str, ok, timeout: float = 20.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            p = await asyncio.to_thread(_progress, env, wid)
            if ok(p):
                return p
            await asyncio.sleep(0.2)


@pytest.mark.slow
async def test_cli_start_query_pause_resume_cancel(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    store = Store(":memory:")
    wid = f"cli-{uuid.uuid4().hex[:8]}"
    # A long harvest (N far away): batch 2 yields one in-window task per iteration.
    cfg = fake_config(queues, n_tasks=1000, batch_size=2, budgets=Budgets(max_iterations=500))
    inp = HarvestInput(config=cfg, paused=True).model_dump_json()
    async with contextlib.AsyncExitStack() as stack:
        for w in fake_workers(temporal_env.client, queues, store):
            await stack.enter_async_context(w)
        await asyncio.to_thread(
            _temporal,
            temporal_env,
            "workflow", "start", "--type", "HarvestWorkflow", "--task-queue", queues.ledger,
            "--workflow-id", wid, "--input", inp,
        )  # fmt: skip
        p = await _until(temporal_env, wid, lambda p: p["status"] == "paused")
        assert p["harvest_id"] == wid and p["counters"]["iterations"] == 0

        # resume by update: returns the progress
        out = await asyncio.to_thread(
            _temporal,
            temporal_env,
            "workflow", "update", "execute", "-w", wid, "--name", "set_paused",
            "--input", '{"paused": false}',
        )  # fmt: skip
        assert "paused:false" in out  # the update returns the progress
        await _until(temporal_env, wid, lambda p: p["counters"]["iterations"] >= 2)

        # pause by signal: iterations stop growing
        await asyncio.to_thread(
            _temporal, temporal_env, "workflow", "signal", "-w", wid, "--name", "pause"
        )
        paused = await _until(temporal_env, wid, lambda p: p["status"] == "paused")
        await asyncio.sleep(1.0)
        still = await asyncio.to_thread(_progress, temporal_env, wid)
        assert still["counters"]["iterations"] == paused["counters"]["iterations"]

        # resume by signal, then cancel
        await asyncio.to_thread(
            _temporal, temporal_env, "workflow", "signal", "-w", wid, "--name", "resume"
        )
        await _until(
            temporal_env,
            wid,
            lambda p: p["counters"]["iterations"] > paused["counters"]["iterations"],
        )
        await asyncio.to_thread(_temporal, temporal_env, "workflow", "cancel", "-w", wid)
        desc = await temporal_env.client.get_workflow_handle(wid).describe()
        async with asyncio.timeout(20):
            while desc.status is not None and desc.status.name == "RUNNING":
                await asyncio.sleep(0.2)
                desc = await temporal_env.client.get_workflow_handle(wid).describe()
    assert desc.status is not None and desc.status.name == "CANCELED"
    listed = _temporal(
        temporal_env,
        "workflow",
        "list",
        "--query",
        f"HarvestId='{wid}' AND HarvestStatus='cancelled'",
    )
    assert wid in listed
    # `toolmine harvest list --json`: the same harvest, as JSON a script can read
    address = temporal_env.client.service_client.config.target_host
    done = await asyncio.to_thread(
        toolmine, "harvest", "list", "--json", "--address", address,
        "--query", f"HarvestId='{wid}'",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads(done.stdout)
    assert entry["harvest_id"] == wid and entry["harvest_status"] == "cancelled"
    assert entry["workflow_status"] == "canceled" and entry["target"] == cfg.target
    found = store.harvest_record(wid)
    assert found is not None and found[1] == "cancelled"
