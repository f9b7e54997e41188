"""Worker processes for tests that kill them: `python worker.py ...` as a deployment runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from mining.core.paths import REPO_ROOT
from mining.harvest.config import Queues
from worker import READY_LINE


def start_worker(
    address: str, queues: Queues, log: Path, *args: str, store: Path | None = None
) -> subprocess.Popen[bytes]:
    """A worker process on `queues`, logging to `log` (appended); `args` are worker.py flags."""
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True")
    command = [
        sys.executable,
        str(REPO_ROOT / "worker.py"),
        "--address",
        address,
        "--ledger-queue",
        queues.ledger,
        "--compute-queue",
        queues.compute,
        *(["--store", str(store)] if store is not None else []),
        *args,
    ]
    with log.open("ab") as fh:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT
        )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop a worker that is still running: SIGTERM, then SIGKILL if it lingers."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


async def wait_ready(log: Path, n: int = 1, timeout_s: float = 60.0) -> None:
    """Wait until the worker log shows `n` workers ready (one line per start)."""
    async with asyncio.timeout(timeout_s):
        while log.read_text(errors="replace").count(READY_LINE) < n:
            await asyncio.sleep(0.1)
