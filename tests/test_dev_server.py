"""The dev server we start keeps its history in a SQLite file in write-ahead-log mode: with the
default rollback journal every commit waits on a disk flush, which serialized each workflow's
activity starts and completions (see `cli.temporal_cli.SQLITE_PRAGMAS`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cli.temporal_cli import free_port, start_dev_server


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
