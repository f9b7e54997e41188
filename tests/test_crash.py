"""Crash safety: SIGKILL the worker at random points during a harvest (and the dev server once);
the harvest still ends with exactly N harvested tasks and no duplicate candidate or rollout rows.

Real activities on the mock domain against a simulated target with per-turn latency, a real
worker process (`python worker.py`) and a dev server persisting to SQLite, restarted on the same
file. Short activity timeouts make Temporal notice the dead worker quickly.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from cli.harvest_ops import start
from cli.temporal_cli import DevServer, free_port, start_dev_server
from mining.harvest.config import HarvestConfig, Queues, Timeouts
from mining.paths import REPO_ROOT
from mining.store.db import Store

pytestmark = pytest.mark.slow

N_TASKS = 4
WORKER_KILLS = 3


def _worker(address: str, store: Path, queues: Queues, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True")
    with log.open("ab") as fh:
        return subprocess.Popen(
            [
                sys.executable,
                str(REPO_ROOT / "worker.py"),
                "--address",
                address,
                "--store",
                str(store),
                "--ledger-queue",
                queues.ledger,
                "--compute-queue",
                queues.compute,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )


async def _status(client: Client, wid: str) -> WorkflowExecutionStatus | None:
    try:
        return (await client.get_workflow_handle(wid).describe()).status
    except Exception:  # server restarting
        return None


async def _progress_rows(client: Client, wid: str) -> int:
    from workflows.harvest import HarvestWorkflow

    try:
        p = await asyncio.wait_for(
            client.get_workflow_handle(wid).query(HarvestWorkflow.progress), 5
        )
        return p.counters.rollouts
    except Exception:
        return -1


async def test_harvest_survives_worker_and_server_kills(tmp_path: Path) -> None:
    rng = random.Random(5)
    port = free_port()
    db = tmp_path / "temporal.db"
    store_path = tmp_path / "history.duckdb"
    log = tmp_path / "worker.log"
    queues = Queues(
        ledger=f"ledger-{uuid.uuid4().hex[:6]}", compute=f"compute-{uuid.uuid4().hex[:6]}"
    )
    server: DevServer = start_dev_server(db, port, None)
    worker = _worker(server.address, store_path, queues, log)
    try:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        cfg = HarvestConfig(
            domain="mock",
            target="sim:mid?latency_ms=100",
            n_tasks=N_TASKS,
            batch_size=4,
            seed=11,
            iterations_per_run=2,
            queues=queues,
            timeouts=Timeouts(
                ledger_s=5, synthesize_s=10, rollout_s=30, rollout_heartbeat_s=2, analyze_s=10
            ),
        )
        handle = await start(client, cfg)
        wid = handle.id

        for kill in range(WORKER_KILLS):
            # wait until the harvest has made fresh progress, then kill at a random moment
            await asyncio.sleep(rng.uniform(1.0, 3.0) + (4.0 if kill == 0 else 0.0))
            assert await _status(client, wid) == WorkflowExecutionStatus.RUNNING, (
                "harvest finished before the crashes; make it longer"
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker = _worker(server.address, store_path, queues, log)

        # the server dies too (same SQLite file, same port), while the worker keeps running
        await asyncio.sleep(rng.uniform(1.0, 2.0))
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        server = start_dev_server(db, port, None)
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)

        async with asyncio.timeout(150):
            while (status := await _status(client, wid)) in (None, WorkflowExecutionStatus.RUNNING):
                await asyncio.sleep(0.5)
        assert status == WorkflowExecutionStatus.COMPLETED, log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        server.stop()

    store = Store(store_path, read_only=True)
    try:
        counts = store.table_counts(wid)
        assert counts["harvested_tasks"] == N_TASKS
        assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
        # every rollout belongs to a recorded candidate, and no candidate has more than k
        per_cand = store._all(
            "SELECT c.candidate_id, count(r.rollout_id) FROM candidates c LEFT JOIN rollouts r "
            "USING (candidate_id) WHERE c.harvest_id = ? GROUP BY 1",
            [wid],
        )
        assert per_cand and all(n <= cfg.k for _, n in per_cand)
        assert counts["rollouts"] == sum(n for _, n in per_cand)
        decided = store._all(
            "SELECT count(*) FROM decisions d JOIN candidates c USING (candidate_id) "
            "WHERE c.harvest_id = ?",
            [wid],
        )[0][0]
        assert decided == sum(1 for _ in per_cand)  # every (synthesized) candidate was decided
    finally:
        store.close()
