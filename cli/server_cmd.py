"""`toolmine server`: a local Temporal dev server that keeps its state and our harvests' histories.

Persistence goes to a SQLite file under ./.toolmine/, our search attributes are registered, the
namespace keeps closed histories for 30 days, and the Web UI never fetches its online news feed.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from cli.main import app
from cli.temporal_cli import RETENTION, start_dev_server
from mining.core.paths import home_dir


@app.command("server")
def server(
    port: Annotated[int, typer.Option(help="gRPC frontend port (clients, workers)")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Web UI port")] = 8233,
    db_file: Annotated[
        Path | None, typer.Option(help="SQLite file (default ./.toolmine/temporal.db)")
    ] = None,
    retention: Annotated[
        str, typer.Option(help="how long finished harvests' histories stay")
    ] = RETENTION,
) -> None:
    """Run a local Temporal server (with the Web UI) until Ctrl-C.

    Example: toolmine server  (then `toolmine worker` in another terminal)
    """
    db = db_file or home_dir() / "temporal.db"
    dev = start_dev_server(db, port, ui_port, log=sys.stderr, retention=retention)
    print(f"Temporal at {dev.address}; Web UI http://localhost:{ui_port}; state in {db}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set() and dev.proc.poll() is None:
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        dev.stop()
