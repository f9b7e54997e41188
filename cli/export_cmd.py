"""`toolmine export HARVEST --out FILE.jsonl`: the harvested tasks, one JSON object a line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.harvest_ops import read_export, read_local
from cli.main import app
from cli.temporal_cli import address_or_default, run_client
from mining.harvest.config import LEDGER_QUEUE
from mining.reports.export import ExportRow, harvest_rows, write_jsonl


def load_rows(
    harvest: str, store: Path | None, address: str | None, ledger_queue: str
) -> list[ExportRow]:
    """Read the history file directly when no worker holds it; otherwise ask the ledger worker
    (DuckDB allows one process per file, and the worker may be on another machine)."""
    local = read_local(store, lambda st: harvest_rows(st, harvest))
    if local is not None:
        return local

    async def go() -> list[ExportRow]:
        from worker import connect

        client = await connect(address_or_default(address))
        return await read_export(client, harvest, ledger_queue)

    rows: list[ExportRow] = run_client(go())
    return rows


@app.command("export")
def export(
    harvest: Annotated[str, typer.Argument(help="harvest id")],
    out: Annotated[Path, typer.Option(help="output JSONL file")],
    store: Annotated[
        Path | None, typer.Option(help="history file (./.toolmine/history.duckdb)")
    ] = None,
    address: Annotated[str | None, typer.Option(help="Temporal frontend")] = None,
    ledger_queue: Annotated[str, typer.Option(help="ledger task queue")] = LEDGER_QUEUE,
) -> None:
    """Write a harvest's tasks as JSONL (task, world, tools, golden trajectory, expected final
    world, pass rate, failure modes, ...).

    Example: toolmine export airline-sim-mid-s0-1a2b3c --out tasks.jsonl
    """
    rows = load_rows(harvest, store, address, ledger_queue)
    if not rows:
        from mining.core.errors import UserError

        raise UserError(f"harvest {harvest!r} has no harvested tasks (yet)")
    n = write_jsonl(rows, out)
    print(f"wrote {n} tasks to {out}")
