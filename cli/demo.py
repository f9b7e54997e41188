"""`toolmine demo`: the main job in one command.

Starts a Temporal dev server on free ports and a worker in this process, harvests 10 airline tasks
against the simulated target `sim:mid` with a progress bar, writes the export and the HTML report,
prints a summary and where to look, then stops what it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.harvest_ops import follow, start, validate
from cli.main import app
from cli.temporal_cli import free_port, start_dev_server, ui_url
from mining.core.paths import home_dir
from mining.harvest.config import HarvestConfig
from mining.reports.export import harvest_rows, write_jsonl
from mining.reports.report_data import report_data
from mining.reports.report_html import write_report
from mining.reports.summary import render_lines


@app.command("demo")
def demo(
    tasks: Annotated[int, typer.Option("--tasks", "-n", help="tasks to harvest")] = 10,
    domain: Annotated[str, typer.Option(help="domain to mine")] = "airline",
    target: Annotated[str, typer.Option(help="model under test")] = "sim:mid",
    seed: Annotated[int, typer.Option(help="harvest seed")] = 0,
    out: Annotated[Path | None, typer.Option(help="export file (./.toolmine/demo.jsonl)")] = None,
    keep_server: Annotated[
        bool, typer.Option(help="leave the server and UI running until Ctrl-C")
    ] = False,
) -> None:
    """Harvest tasks end to end on a private Temporal dev server, then clean up.

    Example: toolmine demo   (or `make demo`)
    """
    from mining.store.db import Store, default_path

    console = Console()
    home = home_dir()
    out = out or home / "demo.jsonl"
    cfg = HarvestConfig(domain=domain, target=target, n_tasks=tasks, seed=seed)
    validate(cfg)
    store = Store(default_path())  # fails clearly if a running worker holds it
    server_db = home / "demo-temporal.db"
    ui_port = free_port()
    started = time.monotonic()
    console.print(f"starting a Temporal dev server (state in {server_db}) ...")
    server = start_dev_server(server_db, free_port(), ui_port)
    try:
        hid = asyncio.run(_harvest(cfg, server.address, store, console))
        elapsed = time.monotonic() - started
        summary = store.summary(hid)
        n = write_jsonl(harvest_rows(store, hid), out)
        report = write_report(report_data(store, hid), home / "report.html")
        console.print()
        console.print("\n".join(render_lines(summary)), highlight=False, soft_wrap=True)
        console.print()
        console.print(f"done in {elapsed:.0f}s. Where to look:")
        console.print(f"  export      {out} ({n} tasks, one JSON object a line)")
        console.print(
            f"  report      {report} (open it in a browser; works offline)", soft_wrap=True
        )
        console.print(f"  history     {store.path} (DuckDB)")
        console.print(f"  Temporal UI {ui_url(server.address, hid, ui_port)}", soft_wrap=True)
        if keep_server:
            console.print("server and UI stay up; Ctrl-C to stop")
            with contextlib.suppress(KeyboardInterrupt):
                server.proc.wait()
        else:
            console.print(
                "  (the UI stops with this demo; to browse later: "
                f"toolmine server --db-file {server_db}, then http://localhost:8233)",
                soft_wrap=True,
            )
    finally:
        server.stop()
        store.close()


async def _harvest(cfg: HarvestConfig, address: str, store: object, console: Console) -> str:
    from worker import connect, make_workers

    client = await connect(address)
    async with contextlib.AsyncExitStack() as stack:
        for w in make_workers(client, store=store):
            await stack.enter_async_context(w)
        handle = await start(client, cfg)
        console.print(f"harvest {handle.id}: {cfg.n_tasks} {cfg.domain} tasks for {cfg.target}")
        result = await follow(handle, console)
    return result.harvest_id
