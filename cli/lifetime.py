"""Processes and ports the CLI owns: a child that dies with its parent, a port that is free.

`toolmine server` wraps the Temporal dev server; if the wrapper is SIGKILLed (no handler runs),
the child must not live on holding the ports and the SQLite file. On Linux the kernel delivers
a signal to the child when its parent dies (prctl PR_SET_PDEATHSIG), set between fork and exec.
Elsewhere the child is only stopped by the wrapper's own shutdown path.

A server asked to listen on a port that another process holds must say so before it starts:
otherwise its readiness probe talks to the other server and reports success.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable

from mining.core.errors import UserError
from mining.core.orphans import exit_with_parent, parent_death_supported


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive `sig` when this process dies, or None where
    that is not possible (not Linux, or not the main thread: the kernel ties the signal to the
    thread that forked, and a worker thread may end long before the process)."""
    if not parent_death_supported():
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    parent = os.getpid()

    def arm() -> None:  # runs in the child, between fork and exec
        exit_with_parent(parent, sig)

    return arm


def check_port_free(port: int, what: str, host: str = "127.0.0.1") -> None:
    """Refuse a port another process listens on (naming the option that chose it)."""
    if not 0 < port < 65536:
        raise UserError(f"{what} {port}: expected a port number between 1 and 65535")
    with socket.socket() as probe:
        # Like the servers themselves: a port whose old connections linger (TIME_WAIT) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UserError(
                f"{what} {port} is not available on {host} ({reason}); another server may be "
                f"using it: pick another {what}"
            ) from None
