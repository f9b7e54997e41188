"""Running many bench harvests, one after another or in worker processes.

A proposer bench over a family is hundreds of independent harvests (targets x proposers x
seeds), each in-process on its own in-memory store and deterministic given its config, so they
can run in separate processes and give the same figures as one after another (only the seconds
differ). Workers are spawned, not forked: the parent may hold threads (a harvest's executors)
and a fork would copy their locks mid-use. Each worker keeps what it loaded (the domain, a
generated target's profile) for the harvests it runs after the first. Workers die with the
parent: a bench stopped by SIGTERM or SIGKILL leaves no harvest running on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING

from mining.core.errors import UserError
from mining.core.orphans import exit_with_parent

if TYPE_CHECKING:
    from mining.bench.proposer import RunFigures
    from mining.harvest.config import HarvestConfig

MAX_JOBS = 64


def check_jobs(jobs: int) -> None:
    if not 1 <= jobs <= MAX_JOBS:
        raise UserError(f"--jobs {jobs}: allowed 1..{MAX_JOBS} (worker processes)")


def run_all(
    cfgs: Sequence[HarvestConfig],
    *,
    jobs: int = 1,
    oracle_pool: int,
    on_run: Callable[[HarvestConfig, RunFigures], None] | None = None,
) -> list[RunFigures]:
    """Every config's bench harvest (`mining.bench.proposer.run_one`), in the configs' order;
    `on_run` hears of each as it finishes (in finishing order when `jobs` > 1)."""
    from mining.bench.proposer import run_one

    check_jobs(jobs)
    if jobs == 1 or len(cfgs) <= 1:
        out = []
        for cfg in cfgs:
            run = run_one(cfg, oracle_pool=oracle_pool)
            if on_run is not None:
                on_run(cfg, run)
            out.append(run)
        return out
    done: dict[int, RunFigures] = {}
    spawn = multiprocessing.get_context("spawn")
    workers = min(jobs, len(cfgs))
    with ProcessPoolExecutor(
        workers, mp_context=spawn, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = {
            pool.submit(run_one, cfg, oracle_pool=oracle_pool): i for i, cfg in enumerate(cfgs)
        }
        for future in as_completed(futures):
            i = futures[future]
            done[i] = future.result()
            if on_run is not None:
                on_run(cfgs[i], done[i])
    return [done[i] for i in range(len(cfgs))]
