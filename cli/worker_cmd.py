"""`toolmine worker`: serve the ledger and compute task queues (see worker.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

import worker as worker_mod
from cli.main import app
from cli.temporal_cli import address_or_default, connect_error
from mining.harvest.config import COMPUTE_QUEUE, LEDGER_QUEUE, Queues
from mining.harvest.logs import LEVELS


@app.command("worker")
def worker(
    only: Annotated[
        str | None, typer.Option(help="serve one queue only: ledger or compute")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Temporal frontend ($TEMPORAL_ADDRESS or localhost:7233)")
    ] = None,
    store: Annotated[
        Path | None, typer.Option(help="DuckDB history file (./.toolmine/history.duckdb)")
    ] = None,
    ledger_queue: Annotated[str, typer.Option(help="ledger task queue name")] = LEDGER_QUEUE,
    compute_queue: Annotated[str, typer.Option(help="compute task queue name")] = COMPUTE_QUEUE,
    compute_concurrency: Annotated[
        int, typer.Option(min=1, help="compute activities run at once")
    ] = worker_mod.DEFAULT_COMPUTE_CONCURRENCY,
    ledger_concurrency: Annotated[
        int, typer.Option(min=1, help="ledger activities run at once")
    ] = worker_mod.DEFAULT_LEDGER_CONCURRENCY,
    log_level: Annotated[
        str, typer.Option(help=f"least severe level logged: {', '.join(LEVELS)}")
    ] = "INFO",
    log_json: Annotated[
        bool, typer.Option("--log-json", help="log one JSON object per line (to stderr)")
    ] = False,
) -> None:
    """Run a worker until SIGTERM/Ctrl-C. One process serves the ledger queue (it owns the
    history file); compute workers scale out with `--only compute`.

    Example: toolmine worker --only compute --compute-concurrency 32
    """
    roles = worker_mod.parse_roles(only)
    worker_mod.setup_logging(log_level, log_json)
    target = address_or_default(address)
    try:
        asyncio.run(
            worker_mod.serve(
                target=target,
                roles=roles,
                queues=Queues(ledger=ledger_queue, compute=compute_queue),
                store_path=store,
                compute_concurrency=compute_concurrency,
                ledger_concurrency=ledger_concurrency,
                on_ready=lambda: print(
                    f"worker serving {', '.join(roles)} on {target}", flush=True
                ),
            )
        )
    except RuntimeError as exc:
        if not worker_mod.is_connect_error(exc):
            raise
        raise connect_error(target, exc) from None
