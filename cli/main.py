"""`toolmine`: the command-line entry point. Each command group lives in its own module."""

from __future__ import annotations

import os
import sys

import typer

app = typer.Typer(
    name="toolmine",
    help="Mine hard tool-use tasks for a target LLM agent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="print the traceback of an unexpected error (else: a log file)"
    ),
) -> None:
    """Mine hard tool-use tasks for a target LLM agent."""
    from cli.boundary import set_debug

    set_debug(debug)


def _register_commands() -> None:
    # Each module adds its commands to `app`; kept in one place so the CLI's shape is visible.
    from cli import (  # noqa: F401
        bench_analyst,
        bench_orchestration,
        bench_proposer,
        bench_store,
        bench_synth,
        bench_text,
        bench_verifier,
        bench_wg,
        demo,
        eval_cmd,
        export_cmd,
        frontier_cmd,
        harvest_cmd,
        params_cmd,
        replay,
        report_cmd,
        sample,
        server_cmd,
        sim_server_cmd,
        worker_cmd,
    )


def run() -> None:
    """Console-script entry: run the app; every error becomes one line (cli/boundary.py)."""
    from cli.boundary import run_app

    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch prices online
    _register_commands()
    code = run_app(app, sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    # Temporal's client threads can crash interpreter finalisation (sdk-python#300): skip it.
    os._exit(code)


if __name__ == "__main__":
    # Under `python -m cli.main` this file is `__main__`, while the command modules register on
    # `cli.main.app`: run that module's entry point so both are the same app.
    from cli.main import run as run_registered

    run_registered()
