"""`toolmine bench store`: the proposer's read on a synthetic history of any size.

Thin: `mining.bench.store` builds the history and times the read; this module parses options,
prints the figures and one final JSON line on stdout.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from cli.bench import bench_app


@bench_app.command("store")
def bench_store_command(
    rollouts: int = typer.Option(1_000_000, "--rollouts", min=1, help="rollouts in the history"),
    k: int = typer.Option(4, "--k", min=1, help="rollouts per candidate"),
    repeats: int = typer.Option(5, "--repeats", min=1, help="timed reads (median and max)"),
    path: Annotated[
        Path | None,
        typer.Option("--path", help="history file to write (default: a temporary one, removed)"),
    ] = None,
) -> None:
    """Build a synthetic harvest history and time the proposer's read of it on one core.

    Example: toolmine bench store --rollouts 1000000
    """
    from mining.bench.store import run
    from mining.core.errors import UserError

    if path is not None and path.exists():
        raise UserError(f"--path {path}: exists; name a new file (the bench writes a fresh one)")
    with tempfile.TemporaryDirectory(prefix="toolmine-bench-store-") as tmp:
        target = path or Path(tmp) / "history.duckdb"
        figures = run(target, rollouts, k, repeats)
    print(
        f"history: {figures.rollouts} rollouts, {figures.candidates} candidates, "
        f"{figures.harvested} harvested; file {figures.file_mb} MB (built in {figures.build_s}s)"
    )
    print(
        f"proposer's read (Store.digest, one thread, {figures.repeats} runs): median "
        f"{figures.query_ms_median} ms wall ({figures.query_cpu_ms_median} ms CPU), max "
        f"{figures.query_ms_max} ms "
        f"({figures.digest_terms} term rows, {figures.digest_recent} recent candidates)"
    )
    print(f"adaptive proposal on that digest: {figures.propose_ms} ms")
    sys.stdout.write(figures.model_dump_json() + "\n")
