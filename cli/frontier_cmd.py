"""`toolmine frontier show HARVEST`: a WG harvest's frontier map (capability tag x complexity:
status and counts; `--evidence` lists each hypothesis behind a cell)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.harvest_ops import read_local, read_through_worker
from cli.main import app
from cli.temporal_cli import address_or_default, run_client
from mining.core.errors import UserError
from mining.harvest.config import LEDGER_QUEUE

frontier_app = typer.Typer(name="frontier", help="WG frontier maps.", no_args_is_help=True)
app.add_typer(frontier_app, name="frontier")


@frontier_app.command("show")
def show(
    harvest: Annotated[str, typer.Argument(help="harvest id")],
    evidence: Annotated[bool, typer.Option(help="list every hypothesis per cell")] = False,
    json_: Annotated[bool, typer.Option("--json", help="print the cells as JSON")] = False,
    store: Annotated[
        Path | None, typer.Option(help="history file (./.toolmine/history.duckdb)")
    ] = None,
    address: Annotated[str | None, typer.Option(help="Temporal frontend")] = None,
    ledger_queue: Annotated[str, typer.Option(help="ledger task queue")] = LEDGER_QUEUE,
) -> None:
    """Print the frontier map of a WG harvest.

    Example: toolmine frontier show airline-sim-mid-wg-1a2b3c
    """
    from activities.wg_models import FrontierInput, FrontierOutput
    from mining.store.wg import frontier_of
    from mining.wg.config import vocabulary
    from mining.wg.frontier import FrontierMap

    def local(st: object) -> FrontierOutput:
        domain, mode, entries = frontier_of(st, harvest)  # type: ignore[arg-type]
        return FrontierOutput(entries=entries, domain=domain, mode=mode)

    found = read_local(store, local, harvest)
    if found is None:

        async def go() -> FrontierOutput:
            from worker import connect
            from workflows.reads import FrontierReadWorkflow

            client = await connect(address_or_default(address))
            arg = FrontierInput(harvest_id=harvest)
            return await read_through_worker(
                client, FrontierReadWorkflow.run, arg, ledger_queue, "frontier"
            )

        found = run_client(go())
    if found.domain is None:
        raise UserError(f"no harvest named {harvest!r} in the history")
    if found.mode != "wg":
        raise UserError(f"harvest {harvest!r} is a {found.mode} harvest; frontier maps are WG's")
    fmap = FrontierMap(vocabulary(found.domain), found.entries)
    if json_:
        print(json.dumps([c.model_dump() for c in fmap.cells.values()]))
        return
    print(fmap.render())
    if evidence:
        for cell in fmap.cells.values():
            for line in cell.evidence:
                print(f"{cell.tag} L{cell.complexity}: {line}")
