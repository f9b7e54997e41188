"""Child processes that must not outlive the process that started them.

On Linux the kernel can send a child a signal when its parent dies (prctl PR_SET_PDEATHSIG),
whatever killed the parent, SIGKILL included. The signal is tied to the thread that created the
child, so callers arm it only for children started from a thread that lives as long as they
need the child (the main thread, or one that joins its children before it ends).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> str | None:
    """The C library's name, looked up once: `find_library` runs a subprocess, which must not
    happen in a child between fork and exec (a forked child inherits this cache)."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.util.find_library("c")


def parent_death_supported() -> bool:
    return _libc() is not None


def exit_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """Run in the child: receive `sig` when process `parent` dies; exit now if it already has."""
    libc = _libc()
    if libc is None:
        return
    ctypes.CDLL(libc, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
