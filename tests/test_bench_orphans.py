"""A bench stopped hard leaves no worker process running on (`bench proposer --jobs`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mining.core.orphans import parent_death_supported
from tests.proc_table import alive, children

ROOT = Path(__file__).resolve().parent.parent

# Long harvests in two workers: they would run for minutes if nothing stopped them.
_BENCH = textwrap.dedent(
    """
    from mining.bench.family import run_family
    run_family(["sim:weak", "sim:mid"], 400, [0, 1], batch=4, domain="mock",
               max_rollouts=100000, proposers=["random"], jobs=2)
    """
)


@pytest.mark.skipif(not parent_death_supported(), reason="parent-death signal is Linux only")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_the_bench(sig: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    bench = subprocess.Popen([sys.executable, "-c", _BENCH], cwd=ROOT, env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = children(bench.pid, b"spawn_main")
        assert len(workers) == 2, "the bench never started its two workers"
        time.sleep(1.0)  # let them get into their harvests
        bench.send_signal(sig)
        bench.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if alive(w)], "workers outlived the bench"
    finally:
        for pid in {bench.pid, *workers, *children(bench.pid, b"spawn_main")}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
