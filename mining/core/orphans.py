"""Child processes that must not outlive the process that started them.

On Linux the kernel can send a child a signal when its parent dies (prctl PR_SET_PDEATHSIG),
whatever killed the parent, SIGKILL included. The signal is tied to the thread that created the
child, so callers arm it only for children started from a thread that lives as long as they
need the child (the main thread, or one that joins its children before it ends).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def parent_death_supported() -> bool:
    return sys.platform.startswith("linux") and ctypes.util.find_library("c") is not None


def exit_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """Run in the child: receive `sig` when process `parent` dies; exit now if it already has."""
    libc_name = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or libc_name is None:
        return
    ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
