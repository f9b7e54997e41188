"""`toolmine bench ...`: measurements that are not tests (speed, coverage, agreement).

Each benchmark lives in its own module and adds a command to `bench_app`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.main import app

# Options several benchmarks share.
DomainOption = Annotated[str, typer.Option("--domain", help="Domain with DAG synthesis.")]
SampledOption = Annotated[int, typer.Option("--n", min=1, help="Sampled tasks.")]
SeedOption = Annotated[
    int, typer.Option("--seed", help="Sample seed (the same seed, the same tasks).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

bench_app = typer.Typer(name="bench", help="Benchmarks of toolmine's parts.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
