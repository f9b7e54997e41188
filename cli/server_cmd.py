"""`toolmine server`: a local Temporal dev server that keeps its state and our harvests' histories.

Persistence goes to a SQLite file under ./.toolmine/, our search attributes are registered, the
namespace keeps closed histories for 30 days, and the Web UI never fetches its online news feed.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from cli.main import app
from cli.temporal_cli import RETENTION, start_dev_server
from mining.core.errors import UserError
from mining.core.paths import home_dir

# A Go duration as the temporal CLI reads it (plus its `d` for days), e.g. 720h, 30d, 1h30m.
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:d|h|m|s|ms))+")
_UNIT_S = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
MIN_RETENTION_S = 3600.0  # the server refuses less than an hour


def check_retention(text: str) -> None:
    seconds = None
    if _DURATION.fullmatch(text):
        parts = re.findall(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)", text)
        seconds = sum(float(n) * _UNIT_S[unit] for n, unit in parts)
    if seconds is None or seconds < MIN_RETENTION_S:
        raise UserError(
            f"--retention {text!r}: expected a duration of at least 1h, such as 720h or 30d"
        )


def check_sqlite_file(path: Path) -> None:
    """The server's state file: absent (it is created), or an SQLite database."""
    if path.is_dir():
        raise UserError(f"--db-file {path} is a directory; expected an SQLite file")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise UserError(f"--db-file {path} is not an SQLite database")


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
    check_retention(retention)
    db = db_file or home_dir() / "temporal.db"
    check_sqlite_file(db)
    dev = start_dev_server(db, port, ui_port, log=sys.stderr, retention=retention)
    print(
        f"Temporal at {dev.address}; Web UI http://localhost:{ui_port}; state in {db}", flush=True
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set() and dev.proc.poll() is None:
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        dev.stop()
