"""The Linux process table as tests read it: a process's children, and whether it still runs."""

from __future__ import annotations

from pathlib import Path


def children(pid: int, cmdline_has: bytes = b"") -> list[int]:
    """Processes whose parent is `pid` (and whose command line holds `cmdline_has`)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes() if cmdline_has else b""
        except OSError:
            continue
        if int(fields[1]) == pid and cmdline_has in cmdline:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited (its reaper may be slow to notice)
