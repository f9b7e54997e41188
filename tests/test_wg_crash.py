"""A WG harvest survives worker SIGKILLs: a real worker process and dev server, the worker killed
twice mid-harvest; the harvest still ends with exactly N confirmed, simplified failures, no
duplicate rows, and `toolmine export` / `toolmine frontier show` read them through the worker."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from cli.harvest_ops import start
from cli.temporal_cli import free_port, start_dev_server
from mining.harvest.config import HarvestConfig, Queues, Timeouts
from mining.store.db import Store
from tests.cli_process import toolmine
from tests.test_crash import STICKY, _status
from tests.worker_process import start_worker, stop_worker, wait_ready

pytestmark = pytest.mark.slow

N_TASKS = 3
KILLS = 2


async def test_wg_harvest_survives_worker_kills_and_exports(tmp_path: Path) -> None:
    rng = random.Random(7)
    server = start_dev_server(tmp_path / "temporal.db", free_port(), None)
    store_path, log = tmp_path / "history.duckdb", tmp_path / "worker.log"
    tag = uuid.uuid4().hex[:6]
    queues = Queues(ledger=f"ledger-{tag}", compute=f"compute-{tag}")
    worker = start_worker(server.address, queues, log, *STICKY, store=store_path)
    hid = f"wg-crash-{tag}"
    try:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        cfg = HarvestConfig(
            harvest_id=hid,
            mode="wg",
            target="sim:mid?latency_ms=15",  # slow enough that the kills land mid-harvest
            n_tasks=N_TASKS,
            seed=2,
            iterations_per_run=3,  # continue-as-new happens too
            queues=queues,
            timeouts=Timeouts(
                ledger_s=5, synthesize_s=10, wg_rollouts_s=60, heartbeat_s=2, analyze_s=10
            ),
        )
        await start(client, cfg)
        for kill in range(KILLS):
            await wait_ready(log, kill + 1)
            await asyncio.sleep(rng.uniform(1.0, 3.0))
            assert await _status(client, hid) == WorkflowExecutionStatus.RUNNING
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker = start_worker(server.address, queues, log, *STICKY, store=store_path)
        async with asyncio.timeout(240):
            while (status := await _status(client, hid)) == WorkflowExecutionStatus.RUNNING:
                await asyncio.sleep(0.5)
        assert status == WorkflowExecutionStatus.COMPLETED, log.read_text()[-3000:]
        where = ["--address", server.address, "--ledger-queue", queues.ledger]
        out = tmp_path / "tasks.jsonl"
        exported = toolmine("export", hid, "--out", str(out), *where)
        assert exported.returncode == 0, exported.stderr
        frontier = toolmine("frontier", "show", hid, *where)
        assert frontier.returncode == 0, frontier.stderr
    finally:
        stop_worker(worker)
        server.stop()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == N_TASKS
    for row in rows:
        wg = row["meta"]["wg"]
        assert wg["hypothesis"]["hypothesis_id"].startswith(hid)
        assert isinstance(wg["simplification"], list) and row["golden_trajectory"]
        assert 0 < row["pass_rate"] <= 0.5
    assert "confirmed [" in frontier.stdout
    store = Store(store_path, read_only=True)
    try:
        assert store.duplicate_keys()["harvested_tasks"] == 0
        hyps = store._all("SELECT count(*), count(DISTINCT idx) FROM wg_hypotheses "
                          "WHERE harvest_id = ?", [hid])[0]  # fmt: skip
        assert hyps[0] == hyps[1] > 0  # one row per hypothesis, whatever was re-run
    finally:
        store.close()
