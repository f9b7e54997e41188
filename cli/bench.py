"""`toolmine bench ...`: measurements that are not tests (speed, coverage, agreement).

Each benchmark lives in its own module and adds a command to `bench_app`.
"""

from __future__ import annotations

import typer

from cli.main import app

bench_app = typer.Typer(name="bench", help="Benchmarks of toolmine's parts.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
