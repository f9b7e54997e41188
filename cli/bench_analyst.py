"""`toolmine bench analyst`: agreement of the failure analyst with injected simulated errors."""

from __future__ import annotations

import json

import typer

from cli.bench import bench_app


@bench_app.command("analyst")
def bench_analyst_command(
    domain: str = typer.Option("airline", "--domain", help="the domain whose tasks are mined"),
    targets: str = typer.Option(
        "sim:weak,sim:mid", "--targets", help="comma-separated sim targets"
    ),
    n: int = typer.Option(50, "--n", min=1, help="tasks"),
    k: int = typer.Option(4, "--k", min=1, help="rollouts per task and target"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Print (JSON) how often the analyst's top label matches the injected error.

    Example: toolmine bench analyst --domain airline --n 100 --k 4
    """
    from mining.bench.analyst import bench_analyst
    from mining.core.errors import UserError

    names = [t.strip() for t in targets.split(",") if t.strip()]
    if not names or any(not t.startswith("sim:") for t in names):
        raise UserError(f"--targets must list simulated targets (sim:...), got {targets!r}")
    print(json.dumps(bench_analyst(domain, names, n, k, seed)))
