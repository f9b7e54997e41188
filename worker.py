"""The toolmine worker: serves the `ledger` and `compute` task queues (both by default).

Exactly one process may serve the ledger queue: it owns the DuckDB history file and runs the
workflows. Compute workers (synthesis, rollouts, analysis) scale freely:
`python worker.py --only compute` on as many machines as you like. SIGTERM/SIGINT stop the worker
gracefully (in-flight activities get a few seconds to finish, then Temporal retries them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Interceptor, PollerBehaviorSimpleMaximum, Worker

from mining.harvest import logs
from mining.harvest.config import Queues
from workflows.harvest import HarvestWorkflow
from workflows.iteration import MiningIterationWorkflow
from workflows.probe import ProbeWorkflow
from workflows.reads import READ_WORKFLOWS

ROLES = ("ledger", "compute")
DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"
DEFAULT_COMPUTE_CONCURRENCY = 16
DEFAULT_LEDGER_CONCURRENCY = 8
GRACEFUL_SHUTDOWN = timedelta(seconds=5)
# How long a workflow task waits for this worker's cache (sticky queue) before any worker may take
# it: after a crash, that is how long the harvest stalls. Crash tests shorten it.
DEFAULT_STICKY_TIMEOUT = timedelta(seconds=10)

READY_LINE = "toolmine worker ready"  # printed once the workers poll (tests wait for it)

WORKFLOWS: list[type] = [HarvestWorkflow, MiningIterationWorkflow, ProbeWorkflow, *READ_WORKFLOWS]


def address() -> str:
    return os.environ.get("TEMPORAL_ADDRESS", DEFAULT_ADDRESS)


async def connect(target: str | None = None, namespace: str = DEFAULT_NAMESPACE) -> Client:
    return await Client.connect(
        target or address(), namespace=namespace, data_converter=pydantic_data_converter
    )


def make_workers(
    client: Client,
    *,
    roles: Sequence[str] = ROLES,
    queues: Queues | None = None,
    store: Any = None,
    compute_concurrency: int = DEFAULT_COMPUTE_CONCURRENCY,
    ledger_concurrency: int = DEFAULT_LEDGER_CONCURRENCY,
    compute_activities: Sequence[Callable[..., Any]] | None = None,
    ledger_activities: Sequence[Callable[..., Any]] | None = None,
    max_cached_workflows: int = 1000,
    sticky_timeout: timedelta = DEFAULT_STICKY_TIMEOUT,
    interceptors: Sequence[Interceptor] = (),
) -> list[Worker]:
    """Workers for the given roles. Tests pass fake activities (registered under the real names);
    benchmarks pass interceptors (to time activities)."""
    queues = queues or Queues()
    workers = []
    if "ledger" in roles:
        if ledger_activities is None:
            from activities.ledger import LedgerActivities
            from activities.wg import WGLedgerActivities

            if store is None:
                raise ValueError("the ledger role needs a store")
            ledger_activities = [
                *LedgerActivities(store).all(),
                *WGLedgerActivities(store).all(),
            ]
        workers.append(
            Worker(
                client,
                task_queue=queues.ledger,
                workflows=WORKFLOWS,
                activities=list(ledger_activities),
                activity_executor=ThreadPoolExecutor(ledger_concurrency),
                max_concurrent_activities=ledger_concurrency,
                # the iterations' ledger steps run here as local activities
                max_concurrent_local_activities=ledger_concurrency,
                interceptors=interceptors,
                graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
                max_cached_workflows=max_cached_workflows,
                sticky_queue_schedule_to_start_timeout=sticky_timeout,
            )
        )
    if "compute" in roles:
        if compute_activities is None:
            from activities.compute import COMPUTE_ACTIVITIES
            from activities.wg import WG_COMPUTE_ACTIVITIES
            from mining.llm.quiet import litellm_module

            compute_activities = [*COMPUTE_ACTIVITIES, *WG_COMPUTE_ACTIVITIES]
            # Import litellm once, here: it takes seconds (longer on a busy machine), and the
            # first rollouts would otherwise all wait on the import lock in their threads.
            litellm_module()
        workers.append(
            Worker(
                client,
                task_queue=queues.compute,
                activities=list(compute_activities),
                activity_executor=ThreadPoolExecutor(compute_concurrency),
                max_concurrent_activities=compute_concurrency,
                # A wave of rollouts is scheduled at once: a poll per free slot starts them
                # together (the default 5 pollers start them a round trip apart).
                activity_task_poller_behavior=PollerBehaviorSimpleMaximum(compute_concurrency),
                interceptors=interceptors,
                graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
            )
        )
    return workers


async def serve(
    *,
    target: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    roles: Sequence[str] = ROLES,
    queues: Queues | None = None,
    store_path: str | Path | None = None,
    compute_concurrency: int = DEFAULT_COMPUTE_CONCURRENCY,
    ledger_concurrency: int = DEFAULT_LEDGER_CONCURRENCY,
    stop: asyncio.Event | None = None,
    on_ready: Any = None,
    sticky_timeout: timedelta = DEFAULT_STICKY_TIMEOUT,
) -> None:
    """Run workers until `stop` is set or SIGTERM/SIGINT arrives."""
    from mining.store.db import Store, check_store_path, default_path

    if "ledger" in roles:  # a bad history file is refused before the server is contacted
        check_store_path(Path(store_path or default_path()), must_exist=False)
    client = await connect(target, namespace)
    store = None
    if "ledger" in roles:
        store = Store(store_path)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    workers = make_workers(
        client,
        roles=roles,
        queues=queues,
        store=store,
        compute_concurrency=compute_concurrency,
        ledger_concurrency=ledger_concurrency,
        sticky_timeout=sticky_timeout,
    )
    try:
        async with contextlib.AsyncExitStack() as stack:
            for w in workers:
                await stack.enter_async_context(w)
            if on_ready is not None:
                on_ready()
            await stop.wait()
    finally:
        if store is not None:
            store.close()


def setup_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Log to stderr with harvest, iteration, candidate and rollout on every record."""
    logs.configure(level, json_lines)
    # Our fields name the place; the SDK's info dict appended to each message would repeat it
    # (it stays on the record, as `temporal_workflow` / `temporal_activity`).
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False


def parse_roles(only: str | None) -> tuple[str, ...]:
    from mining.core.errors import UserError

    if only is None:
        return ROLES
    if only not in ROLES:
        raise UserError(f"--only {only!r}: allowed {', '.join(ROLES)}")
    return (only,)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--address", default=None, help=f"Temporal frontend (default {address()})")
    p.add_argument("--namespace", default=DEFAULT_NAMESPACE)
    p.add_argument("--only", choices=ROLES, default=None, help="serve one queue only")
    p.add_argument("--ledger-queue", default=Queues().ledger)
    p.add_argument("--compute-queue", default=Queues().compute)
    p.add_argument("--store", default=None, help="DuckDB history file (ledger role)")
    p.add_argument("--compute-concurrency", type=int, default=DEFAULT_COMPUTE_CONCURRENCY)
    p.add_argument("--ledger-concurrency", type=int, default=DEFAULT_LEDGER_CONCURRENCY)
    p.add_argument(
        "--sticky-timeout",
        type=float,
        default=DEFAULT_STICKY_TIMEOUT.total_seconds(),
        help="seconds a workflow task waits for this worker's cache before another worker "
        "takes it (how long a crash stalls a harvest)",
    )
    p.add_argument("--log-level", default="INFO", choices=logs.LEVELS, type=str.upper)
    p.add_argument("--log-json", action="store_true", help="one JSON object per log line")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from mining.core.errors import UserError

    a = build_parser().parse_args(argv)
    try:
        return _run(a)
    except UserError as exc:  # a bad flag or file: one line, as the toolmine CLI says it
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        if not is_connect_error(exc):
            raise
        print(f"error: cannot reach Temporal at {a.address or address()}: {exc}", file=sys.stderr)
        return 2


def is_connect_error(exc: RuntimeError) -> bool:
    """The SDK's way of saying the server did not answer (a RuntimeError, not an RPCError)."""
    return "client connect" in str(exc).lower()


def _run(a: argparse.Namespace) -> int:
    setup_logging(a.log_level, a.log_json)
    asyncio.run(
        serve(
            target=a.address,
            namespace=a.namespace,
            roles=parse_roles(a.only),
            queues=Queues(ledger=a.ledger_queue, compute=a.compute_queue),
            store_path=a.store,
            compute_concurrency=a.compute_concurrency,
            ledger_concurrency=a.ledger_concurrency,
            sticky_timeout=timedelta(seconds=a.sticky_timeout),
            on_ready=lambda: print(READY_LINE, flush=True),
        )
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter finalisation (temporalio sdk-python#300)
