"""The dev server we start keeps its history in a SQLite file in write-ahead-log mode: with the
default rollback journal every commit waits on a disk flush, which serialized each workflow's
activity starts and completions (see `cli.temporal_cli.SQLITE_PRAGMAS`)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cli.temporal_cli import (
    cpu_seconds_of_stat,
    free_port,
    process_cpu_seconds,
    start_dev_server,
)


def test_the_dev_server_history_file_is_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "temporal.db"
    server = start_dev_server(db, free_port(), None)
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        assert mode == "wal"
        assert (tmp_path / "temporal.db-wal").exists()
    finally:
        server.stop()


def test_cpu_seconds_are_read_from_proc_stat() -> None:
    # `toolmine bench orchestration` reports the CPU each runner used (the dev server's too),
    # which a busy machine misstates less than wall time. Fields 14-15 (utime, stime) count
    # after the command name, which may hold spaces and parentheses.
    stat = "4242 (temporal (dev) x) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 9"
    assert cpu_seconds_of_stat(stat) == 300 / os.sysconf("SC_CLK_TCK")
    spent = process_cpu_seconds(os.getpid())
    assert spent is not None and spent > 0
    assert process_cpu_seconds(2**22 + 7) is None  # beyond Linux's pid range: no such process
