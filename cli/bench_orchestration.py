"""`toolmine bench orchestration`: what durability costs. The same harvest runs through Temporal
(a dev server with SQLite persistence and an in-process worker) and in-process without Temporal,
at a simulated per-turn model latency of 0 and of 200 ms; prints times, the ratios, and where
Temporal's time went (`mining.bench.orchestration`: round trips, queue and run times, payload
bytes per step, read off the workflow histories; ledger steps timed by the worker), and the CPU
seconds each runner used (the dev server's included): on a busy machine wall times mislead, since
Temporal's work spans two processes, which get two shares of the cores where one process gets one.

Both runners are timed warm: one untimed in-process harvest first loads what any first harvest
of a process loads (domain, proposer, target), which would otherwise count against whichever
runs first."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from temporalio import activity
from temporalio.service import RPCError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from cli.bench import bench_app
from cli.harvest_ops import start, validate
from cli.temporal_cli import DevServer, free_port, process_cpu_seconds, start_dev_server
from mining.bench.orchestration import Breakdown, StepTimes, breakdown, report
from mining.core.errors import UserError
from mining.harvest import ids
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
    _in_process(_config(tasks, domain, target, 0, batch_size, seed + 1), concurrency)  # warm-up
    with tempfile.TemporaryDirectory(prefix="toolmine-bench-") as tmp:
        server = start_dev_server(Path(tmp) / "temporal.db", free_port(), None)
        try:
            for lat, cfg in zip(lats, configs, strict=True):
                run = asyncio.run(_temporal(cfg, server, Path(tmp) / f"t{lat}.duckdb", concurrency))
                t_local, r_local, cpu_local = _in_process(cfg, concurrency)
                rows.append((lat, run.seconds, t_local, run.rollouts, r_local))
                same = "same harvest" if run.rollouts == r_local else "DIFFERENT harvests"
                print(
                    f"latency {lat:4d} ms: temporal {run.seconds:6.1f}s ({run.rollouts} rollouts)"
                    f"  in-process {t_local:6.1f}s ({r_local} rollouts)  "
                    f"ratio {run.seconds / t_local:4.2f}x  ({same})",
                    flush=True,
                )
                print(_cpu_line(run, cpu_local), flush=True)
                print("\n".join(report(run.breakdown, run.times)), flush=True)
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


class _TemporalRun(NamedTuple):
    seconds: float
    rollouts: int
    breakdown: Breakdown
    times: StepTimes
    cpu_s: float  # this process (workflows, activities, the SDK) during the harvest
    server_cpu_s: float | None  # the dev server during the harvest (None: /proc cannot tell)


def _cpu_line(run: _TemporalRun, cpu_local: float) -> str:
    """CPU seconds each runner used: on a busy machine wall times mislead (two processes get two
    shares of the cores where one process gets one), CPU seconds much less."""
    server = run.server_cpu_s
    total = run.cpu_s + (server or 0.0)
    return (
        f"  cpu: temporal {run.cpu_s:.1f}s here + "
        + (f"{server:.1f}s server = {total:.1f}s" if server is not None else "server unknown")
        + f", in-process {cpu_local:.1f}s ({total / cpu_local:.2f}x)"
    )


async def _temporal(
    cfg: HarvestConfig, server: DevServer, store_path: Path, concurrency: int
) -> _TemporalRun:
    from mining.store.db import Store
    from worker import connect, make_workers

    store = Store(store_path)
    client = await connect(server.address)
    times = StepTimes()
    try:
        async with contextlib.AsyncExitStack() as stack:
            workers = make_workers(
                client,
                store=store,
                compute_concurrency=concurrency,
                interceptors=[_Timed(times)],
            )
            for w in workers:
                await stack.enter_async_context(w)
            began, cpu, server_cpu = (
                time.monotonic(),
                time.process_time(),
                process_cpu_seconds(server.proc.pid),
            )
            handle = await start(client, cfg)
            result = await handle.result()
            took, cpu = time.monotonic() - began, time.process_time() - cpu
            server_after = process_cpu_seconds(server.proc.pid)
            if server_cpu is not None and server_after is not None:
                server_cpu = server_after - server_cpu
        # Every run of the harvest: it continues as new every few iterations, and the handle
        # names only the last run (earlier runs hold the other child starts and the start step).
        runs: list[str | None] = [
            r.run_id async for r in client.list_workflows(f"WorkflowId = '{cfg.harvest_id}'")
        ]
        histories = [
            (
                await client.get_workflow_handle(cfg.harvest_id, run_id=run).fetch_history()
            ).to_json_dict()
            for run in runs or [None]  # listing not caught up: the last run
        ]
        for i in range(result.counters.iterations + 1):  # + the one that found nothing to do
            child = client.get_workflow_handle(ids.iteration_workflow_id(cfg.harvest_id, i))
            with contextlib.suppress(RPCError):  # it may not exist
                histories.append((await child.fetch_history()).to_json_dict())
        return _TemporalRun(
            took, result.counters.rollouts, breakdown(histories), times, cpu, server_cpu
        )
    finally:
        store.close()


class _Timed(Interceptor):
    """Times every activity a worker runs, local ones included (their histories keep no time)."""

    def __init__(self, times: StepTimes) -> None:
        self.times = times

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _TimedActivity(next, self.times)


class _TimedActivity(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, times: StepTimes) -> None:
        super().__init__(next)
        self.times = times

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        began = time.monotonic()
        try:
            return await super().execute_activity(input)
        finally:
            self.times.add(activity.info().activity_type, time.monotonic() - began)


def _in_process(cfg: HarvestConfig, concurrency: int) -> tuple[float, int, float]:
    from mining.store.db import Store

    store = Store(":memory:")
    began, cpu = time.monotonic(), time.process_time()
    result = run_harvest(cfg, store, concurrency=concurrency)
    took, cpu = time.monotonic() - began, time.process_time() - cpu
    store.close()
    return took, result.rollouts, cpu
