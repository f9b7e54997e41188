"""`toolmine export HARVEST --format F --out PATH`: the harvested tasks in a format others read.

jsonl (toolmine's rows, one JSON object a line), tau2 (a data directory tau2-bench's harness
runs), verifiers (an environment package for the verifiers library), hf (Parquet plus a dataset
card).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.harvest_ops import read_export, read_local
from cli.main import app
from cli.temporal_cli import open_client, run_client
from mining.harvest.config import LEDGER_QUEUE
from mining.reports.export import ExportRow, check_out_path, harvest_rows, write_jsonl


def load_rows(
    harvest: str, store: Path | None, address: str | None, ledger_queue: str
) -> list[ExportRow]:
    """Read the history file directly when no worker holds it; otherwise ask the ledger worker
    (DuckDB allows one process per file, and the worker may be on another machine)."""
    local = read_local(store, lambda st: harvest_rows(st, harvest), harvest)
    if local is not None:
        return local

    async def go() -> list[ExportRow]:
        client = await open_client(address)
        return await read_export(client, harvest, ledger_queue)

    rows: list[ExportRow] = run_client(go())
    return rows


FORMATS = ("jsonl", "tau2", "verifiers", "hf")


def write_format(
    fmt: str, rows: list[ExportRow], out: Path, harvest: str, tau2_dir: Path | None = None
) -> str:
    """Write `rows` in `fmt` to `out`; returns what was written, for the user."""
    if fmt == "tau2":
        from mining.reports.tau2 import write_tau2

        done = write_tau2(rows, out, tau2_dir)
        lines = [f"wrote {done.tasks} tasks to {out} (tau2-bench data directory)"]
        lines += [f"left out {tid}: {why}" for tid, why in sorted(done.left_out.items())]
        if not done.guidelines_copied:
            lines.append(
                "note: tau2 needs its user-simulator guidelines in "
                f"{out / 'tau2' / 'user_simulator'} (export with --tau2-dir, see README.md)"
            )
        lines.append(f"run tau2 on it: {done.command(rows[0].domain)}")
        return "\n".join(lines)
    if fmt == "verifiers":
        from mining.reports.verifiers_export import write_verifiers

        env = write_verifiers(rows, out, harvest)
        return (
            f"wrote {env.tasks} tasks to {out} (verifiers environment {env.module}: "
            f"pip install -e {out}, then vf.load_environment({env.module!r}))"
        )
    if fmt == "hf":
        from mining.reports.hf import write_hf

        data = write_hf(rows, out, harvest)
        return f"wrote {len(rows)} tasks to {data} (dataset card {out / 'README.md'})"
    n = write_jsonl(rows, out)
    return f"wrote {n} tasks to {out}"


@app.command("export")
def export(
    harvest: Annotated[str, typer.Argument(help="harvest id")],
    out: Annotated[Path, typer.Option(help="output file (jsonl) or folder (other formats)")],
    format_: Annotated[
        str, typer.Option("--format", help=f"export format: {', '.join(FORMATS)}")
    ] = "jsonl",
    tau2_dir: Annotated[
        Path | None,
        typer.Option(help="tau2: a tau2-bench checkout to copy the user-simulator guidelines from"),
    ] = None,
    store: Annotated[
        Path | None, typer.Option(help="history file (./.toolmine/history.duckdb)")
    ] = None,
    address: Annotated[str | None, typer.Option(help="Temporal frontend")] = None,
    ledger_queue: Annotated[str, typer.Option(help="ledger task queue")] = LEDGER_QUEUE,
) -> None:
    """Write a harvest's tasks (task, world, tools, golden trajectory, expected final world,
    pass rates, failure modes, ...) as JSON lines or a Hugging Face dataset folder.

    Example: toolmine export airline-sim-mid-s0-1a2b3c --out tasks.jsonl
    """
    from mining.core.errors import UserError

    if format_ not in FORMATS:
        raise UserError(f"--format {format_!r}: allowed {', '.join(FORMATS)}")
    # before any read: a bad --out must not cost a trip to the worker
    check_out_path(out, folder=format_ != "jsonl")
    rows = load_rows(harvest, store, address, ledger_queue)
    if not rows:
        raise UserError(f"harvest {harvest!r} has no harvested tasks (yet)")
    print(write_format(format_, rows, out, harvest, tau2_dir))
