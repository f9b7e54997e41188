"""Where the history file lives and whether a path holds one: checked before DuckDB opens it
(DuckDB would open some other files as something else and lose the history)."""

from __future__ import annotations

from pathlib import Path

from mining.core.errors import UserError
from mining.core.paths import home_dir


def default_path() -> Path:
    return home_dir() / "history.duckdb"


class StoreLockedError(UserError):
    """Another process (usually the ledger worker) holds the file."""


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def check_store_path(path: Path, *, must_exist: bool) -> None:
    """Refuse a directory, a file that is not a DuckDB database (DuckDB would open some of them
    as something else and lose the history), or a missing file where one must exist."""
    if path.is_dir():
        raise UserError(f"history file {path} is a directory; expected a DuckDB file")
    if not path.exists():
        if must_exist:
            raise UserError(f"history file {path} does not exist")
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise UserError(f"cannot read history file {path}: {exc.strerror or exc}") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise UserError(f"history file {path} is not a DuckDB database")
