"""`toolmine bench orchestration`: what durability costs. The same harvest runs through Temporal
(a dev server with SQLite persistence and an in-process worker) and in-process without Temporal,
at a simulated per-turn model latency of 0 and of 200 ms; prints times and the ratios."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from cli.bench import bench_app
from cli.harvest_ops import start, validate
from cli.temporal_cli import free_port, start_dev_server
from mining.core.errors import UserError
from mining.harvest.config import HarvestConfig
from mining.harvest.loop import run_harvest
from mining.targets import resolve_target


@bench_app.command("orchestration")
def orchestration(
    tasks: Annotated[int, typer.Option("--tasks", "-n", min=1, help="tasks per harvest")] = 5,
    domain: Annotated[str, typer.Option(help="domain")] = "airline",
    target: Annotated[str, typer.Option(help="simulated target")] = "sim:mid",
    latencies: Annotated[str, typer.Option(help="per-turn latencies in ms, comma-separated")] = (
        "0,200"
    ),
    batch_size: Annotated[int, typer.Option(min=1, help="candidates per iteration")] = 8,
    concurrency: Annotated[int, typer.Option(min=1, help="rollouts in flight (both runners)")] = 16,
    seed: Annotated[int, typer.Option(help="harvest seed")] = 0,
) -> None:
    """Time the same harvest through Temporal and in-process, per latency.

    Example: toolmine bench orchestration -n 5 --latencies 0,200
    """
    lats = parse_latencies(latencies)
    configs = [_config(tasks, domain, target, lat, batch_size, seed) for lat in lats]
    rows = []
    with tempfile.TemporaryDirectory(prefix="toolmine-bench-") as tmp:
        server = start_dev_server(Path(tmp) / "temporal.db", free_port(), None)
        try:
            for lat, cfg in zip(lats, configs, strict=True):
                t_temporal, r_temporal = asyncio.run(
                    _temporal(cfg, server.address, Path(tmp) / f"t{lat}.duckdb", concurrency)
                )
                t_local, r_local = _in_process(cfg, concurrency)
                rows.append((lat, t_temporal, t_local, r_temporal, r_local))
                same = "same harvest" if r_temporal == r_local else "DIFFERENT harvests"
                print(
                    f"latency {lat:4d} ms: temporal {t_temporal:6.1f}s ({r_temporal} rollouts)  "
                    f"in-process {t_local:6.1f}s ({r_local} rollouts)  "
                    f"ratio {t_temporal / t_local:4.2f}x  ({same})",
                    flush=True,
                )
        finally:
            server.stop()
    print()
    print("latency_ms  temporal_s  in_process_s  ratio")
    for lat, tt, tl, _, _ in rows:
        print(f"{lat:10d}  {tt:10.1f}  {tl:12.1f}  {tt / tl:5.2f}")


def parse_latencies(text: str) -> list[int]:
    """`0,200` -> [0, 200]; anything else is refused before a server starts."""
    parts = [x.strip() for x in text.split(",") if x.strip()]
    if not parts or not all(x.isdigit() for x in parts):
        raise UserError(
            f"--latencies {text!r}: expected milliseconds >= 0, comma-separated (0,200)"
        )
    return [int(x) for x in parts]


def _config(
    tasks: int, domain: str, target: str, latency: int, batch_size: int, seed: int
) -> HarvestConfig:
    """The harvest timed at one latency, checked up front (a simulated target only: the bench
    sets its latency, and a real model would be paid for twice)."""
    if not resolve_target(target).is_sim:
        raise UserError(f"--target {target!r}: the bench times simulated targets only (sim:...)")
    cfg = HarvestConfig(
        domain=domain,
        target=f"{target}?latency_ms={latency}" if latency else target,
        n_tasks=tasks,
        batch_size=batch_size,
        seed=seed,
        # one fixed id for both runners (and for every run of the bench): task ids, and so
        # simulated outcomes, match; each run has its own fresh server
        harvest_id=f"bench-{latency}ms-s{seed}",
    )
    validate(cfg)
    return cfg


async def _temporal(
    cfg: HarvestConfig, address: str, store_path: Path, concurrency: int
) -> tuple[float, int]:
    from mining.store.db import Store
    from worker import connect, make_workers

    store = Store(store_path)
    client = await connect(address)
    try:
        async with contextlib.AsyncExitStack() as stack:
            for w in make_workers(client, store=store, compute_concurrency=concurrency):
                await stack.enter_async_context(w)
            began = time.monotonic()
            handle = await start(client, cfg)
            result = await handle.result()
            took = time.monotonic() - began
        return took, result.counters.rollouts
    finally:
        store.close()


def _in_process(cfg: HarvestConfig, concurrency: int) -> tuple[float, int]:
    from mining.store.db import Store

    store = Store(":memory:")
    began = time.monotonic()
    result = run_harvest(cfg, store, concurrency=concurrency)
    took = time.monotonic() - began
    store.close()
    return took, result.rollouts
