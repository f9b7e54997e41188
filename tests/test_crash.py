"""Crash safety: SIGKILL the worker at random points 5 times during a harvest, and the dev server
once; the harvest still ends with exactly N harvested tasks, no duplicate candidate or rollout rows,
and every rollout a candidate needed recorded exactly once (by a first or a re-run attempt).

Real activities on the mock domain against a simulated target with per-turn latency, a real
worker process (`python worker.py`) and a dev server persisting to SQLite, restarted on the same
file. Short activity timeouts and a short sticky-queue timeout make Temporal notice the dead
worker quickly, so the whole test takes about a minute.
"""

from __future__ import annotations

import asyncio
import random
import signal
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from cli.harvest_ops import start
from cli.temporal_cli import DevServer, free_port, start_dev_server
from mining.harvest.config import HarvestConfig, Queues, Timeouts
from mining.store.db import Store
from tests.worker_process import start_worker, stop_worker, wait_ready

pytestmark = pytest.mark.slow

N_TASKS = 8  # long enough that every kill lands mid-harvest
WORKER_KILLS = 5
STICKY_TIMEOUT_S = 1.0
STICKY = ("--sticky-timeout", str(STICKY_TIMEOUT_S))


async def _status(client: Client, wid: str) -> WorkflowExecutionStatus | None:
    try:
        return (await client.get_workflow_handle(wid).describe()).status
    except Exception:  # server restarting
        return None


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
    worker = start_worker(server.address, queues, log, *STICKY, store=store_path)
    try:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        cfg = HarvestConfig(
            domain="mock",
            target="sim:mid?latency_ms=200",  # slow enough that all kills land mid-harvest
            n_tasks=N_TASKS,
            batch_size=4,
            seed=11,
            # No cell cap: the mock space has few productive cells, and a cap of one per cell
            # can leave a harvest unable to finish (this test is about crashes, not diversity).
            max_cell_share=None,
            iterations_per_run=2,
            queues=queues,
            timeouts=Timeouts(ledger_s=5, synthesize_s=10, turn_s=10, heartbeat_s=2, analyze_s=10),
        )
        handle = await start(client, cfg)
        wid = handle.id

        for kill in range(WORKER_KILLS):
            # once the (re)started worker polls, let it work a little, then kill it at random
            await wait_ready(log, kill + 1)
            await asyncio.sleep(rng.uniform(0.5, 2.5) + (2.0 if kill == 0 else 0.0))
            assert await _status(client, wid) == WorkflowExecutionStatus.RUNNING, (
                f"harvest finished before crash {kill + 1}; make it longer"
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker = start_worker(server.address, queues, log, *STICKY, store=store_path)

        # the server dies too (same SQLite file, same port), while the worker keeps running
        await wait_ready(log, WORKER_KILLS + 1)
        await asyncio.sleep(rng.uniform(0.5, 2.5))
        assert await _status(client, wid) == WorkflowExecutionStatus.RUNNING
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        server = start_dev_server(db, port, None)
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)

        async with asyncio.timeout(150):
            while (status := await _status(client, wid)) in (None, WorkflowExecutionStatus.RUNNING):
                await asyncio.sleep(0.5)
        assert status == WorkflowExecutionStatus.COMPLETED, log.read_text()[-3000:]
    finally:
        stop_worker(worker)
        server.stop()

    store = Store(store_path, read_only=True)
    try:
        counts = store.table_counts(wid)
        assert counts["harvested_tasks"] == N_TASKS
        assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
        # Every rollout a candidate's decision counted is recorded exactly once, under its
        # deterministic key r0..r(n-1), and no other rollout row exists: a rollout whose worker
        # died was re-run (attempt > 1) and recorded once, never twice, never lost.
        decided = dict(
            store._all("SELECT candidate_id, rollouts FROM decisions WHERE harvest_id = ?", [wid])
        )
        synthesized = store._all(
            "SELECT count(*) FROM candidates WHERE harvest_id = ? AND task IS NOT NULL", [wid]
        )[0][0]
        assert decided and len(decided) == synthesized
        expected = {f"{cid}/r{i}" for cid, n in decided.items() for i in range(n)}
        attempts = dict(
            store._all("SELECT rollout_id, attempt FROM rollouts WHERE harvest_id = ?", [wid])
        )
        assert set(attempts) == expected
        # A rollout's recorded attempt is the one that produced it: each earlier attempt (lost
        # with its worker) is on record as failed, and a first attempt has none.
        failed = dict(
            store._all(
                "SELECT rollout_id, list(attempt ORDER BY attempt) FROM failed_attempts "
                "WHERE harvest_id = ? GROUP BY rollout_id",
                [wid],
            )
        )
        assert {r: failed.get(r, []) for r in attempts} == {
            r: list(range(1, a)) for r, a in attempts.items()
        }
        assert all(n <= cfg.k for n in decided.values())
        # the world delta sent by the rollout activity was rebuilt into a stored final world
        missing_worlds = store._all(
            "SELECT count(*) FROM rollouts r LEFT JOIN worlds w ON w.world_hash = "
            "r.final_world_hash WHERE r.harvest_id = ? AND w.world IS NULL",
            [wid],
        )[0][0]
        assert missing_worlds == 0
        reruns = sum(1 for a in attempts.values() if a > 1)
        assert reruns > 0, "no kill landed on a rollout: the drill tested nothing of them"
        print(f"{len(attempts)} rollouts recorded once each; {reruns} of them re-run after a crash")
    finally:
        store.close()
