"""`toolmine report HARVEST --out report.html`: one self-contained page about a harvest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.harvest_ops import read_local
from cli.main import app


@app.command("report")
def report(
    harvest: Annotated[str, typer.Argument(help="harvest id")],
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("report.html"),
    store: Annotated[
        Path | None, typer.Option(help="history file (./.toolmine/history.duckdb)")
    ] = None,
) -> None:
    """Write an HTML report (summary, pass rates, cost, failure map, failure modes, diversity,
    every task with its scenario, gold and a failing rollout); no network needed to view it.

    Example: toolmine report airline-sim-mid-s0-1a2b3c --out report.html
    """
    from mining.core.errors import UserError
    from mining.reports.report_data import report_data
    from mining.reports.report_html import write_report

    data = read_local(store, lambda st: report_data(st, harvest))
    if data is None:
        raise UserError(
            f"cannot read the history file {store or 'in ./.toolmine'}: it is missing or a "
            "running worker holds it (stop the worker, or pass --store)"
        )
    print(f"wrote {write_report(data, out)}")
