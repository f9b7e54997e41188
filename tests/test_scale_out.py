"""Scale-out without Docker: one ledger worker and three compute workers, each its own process
(`python worker.py --only ledger|compute`), against one dev server. The harvest's rollouts spread
over the three compute workers; one of them is SIGKILLed while it runs rollouts, and the harvest
still completes with nothing lost (every rollout a decision counts is recorded) and nothing
duplicated (one row per deterministic key).

Real activities on the mock domain against a simulated target with per-turn latency; a short
heartbeat timeout makes Temporal notice the dead worker's rollouts within seconds.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError

from activities import names
from cli.harvest_ops import start
from cli.temporal_cli import free_port, start_dev_server
from mining.harvest import ids
from mining.harvest.config import HarvestConfig, Queues, Timeouts
from mining.store.db import Store
from tests.worker_process import start_worker, stop_worker, wait_ready
from workflows.harvest import HarvestWorkflow
from workflows.models import HarvestResult

pytestmark = pytest.mark.slow

N_TASKS = 6
COMPUTE_WORKERS = 3
SLOTS = 4  # per compute worker: 12 in all, fewer than an iteration's 16 rollouts


async def _running_rollouts(client: Client, handle: WorkflowHandle) -> tuple[int, Counter[str]]:
    """The current iteration, and worker identity -> its rollouts that worker is running now."""
    progress = await handle.query(HarvestWorkflow.progress)
    running: Counter[str] = Counter()
    if progress.current_iteration is None:
        return progress.counters.iterations, running
    i = progress.current_iteration
    try:
        child = client.get_workflow_handle(ids.iteration_workflow_id(handle.id, i))
        pending = (await child.describe()).raw_description.pending_activities
    except RPCError:  # the iteration is about to start
        return i, running
    for a in pending:
        if (
            a.activity_type.name == names.ROLLOUT
            and a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
        ):
            running[a.last_worker_identity] += 1
    return i, running


async def _finished_rollouts(client: Client, hid: str, last: int) -> Counter[str]:
    """Worker identity -> rollouts it finished, in iterations 0..last (a rollout's start event is
    written when it ends, with the identity of the worker of its final attempt)."""
    ran: Counter[str] = Counter()
    for i in range(last + 1):
        child = client.get_workflow_handle(ids.iteration_workflow_id(hid, i))
        try:
            history = await child.fetch_history()
        except RPCError:  # the last iteration may have proposed nothing and not exist
            continue
        scheduled = {
            e.event_id: e.activity_task_scheduled_event_attributes.activity_type.name
            for e in history.events
            if e.HasField("activity_task_scheduled_event_attributes")
        }
        for e in history.events:
            if e.HasField("activity_task_started_event_attributes"):
                attrs = e.activity_task_started_event_attributes
                if scheduled[attrs.scheduled_event_id] == names.ROLLOUT:
                    ran[attrs.identity] += 1
    return ran


def _pids(by_identity: Counter[str]) -> Counter[str]:
    """The same counts by process id (an identity is pid@host)."""
    out: Counter[str] = Counter()
    for who, n in by_identity.items():
        out[who.split("@")[0]] += n
    return out


async def test_three_compute_workers_share_a_harvest_and_one_dies(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    queues = Queues(ledger=f"ledger-{tag}", compute=f"compute-{tag}")
    server = start_dev_server(tmp_path / "temporal.db", free_port(), None)
    store_path = tmp_path / "history.duckdb"
    ledger_log = tmp_path / "ledger.log"
    ledger = start_worker(server.address, queues, ledger_log, "--only", "ledger", store=store_path)
    computes = []
    for n in range(COMPUTE_WORKERS):
        log = tmp_path / f"compute-{n}.log"
        flags = ("--only", "compute", "--compute-concurrency", str(SLOTS))
        computes.append((start_worker(server.address, queues, log, *flags), log))
    try:
        for _, log in computes:
            await wait_ready(log)
        await wait_ready(ledger_log)
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        cfg = HarvestConfig(
            domain="mock",
            target="sim:mid?latency_ms=200",  # rollouts of a few seconds: a kill lands mid-one
            n_tasks=N_TASKS,
            batch_size=4,
            seed=5,
            max_cell_share=None,
            queues=queues,
            timeouts=Timeouts(ledger_s=10, synthesize_s=10, turn_s=10, heartbeat_s=2, analyze_s=10),
        )
        handle = await start(client, cfg)
        victim, _ = computes[1]
        pid = str(victim.pid)
        async with asyncio.timeout(120):  # kill it once it finished rollouts and runs others
            while True:
                i, running = await _running_rollouts(client, handle)
                finished = await _finished_rollouts(client, handle.id, i)
                if _pids(running)[pid] and _pids(finished)[pid]:
                    break
                await asyncio.sleep(0.2)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        async with asyncio.timeout(240):
            result: HarvestResult = await handle.result()
        ran = _pids(await _finished_rollouts(client, handle.id, result.counters.iterations))
    finally:
        for worker, _ in computes:
            stop_worker(worker)
        stop_worker(ledger)
        server.stop()

    assert result.stop == "harvested" and result.counters.harvested == N_TASKS
    # Spread: every compute worker ran rollouts (the victim those it finished before it died),
    # and only compute workers did.
    print(f"rollouts per compute worker (pid: rollouts): {dict(ran)}; killed {pid}")
    assert set(ran) == {str(w.pid) for w, _ in computes}

    store = Store(store_path, read_only=True)
    try:
        hid = handle.id
        assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
        assert store.table_counts(hid)["harvested_tasks"] == N_TASKS
        assert result.counters.rollouts == store.table_counts(hid)["rollouts"]
        # Nothing lost: every rollout a decision counted is recorded, under its key, once.
        decided = dict(
            store._all("SELECT candidate_id, rollouts FROM decisions WHERE harvest_id = ?", [hid])
        )
        expected = {f"{cid}/r{i}" for cid, n in decided.items() for i in range(n)}
        attempts = dict(
            store._all("SELECT rollout_id, attempt FROM rollouts WHERE harvest_id = ?", [hid])
        )
        assert set(attempts) == expected
        # The victim's rollouts ran again elsewhere, and their lost first attempts are on record.
        rerun = {r for r, a in attempts.items() if a > 1}
        assert rerun, "the kill should have caught rollouts in flight"
        lost = store._all(
            "SELECT rollout_id FROM failed_attempts WHERE harvest_id = ? "
            "AND error_class = 'AttemptLost'",
            [hid],
        )
        assert rerun <= {r[0] for r in lost}
        assert sum(ran.values()) == len(attempts)  # one final attempt per recorded rollout
    finally:
        store.close()
