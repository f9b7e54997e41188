"""A small airline harvest (in-process, simulated target) that the export tests share."""

from __future__ import annotations

from pathlib import Path

from mining.harvest.config import Budgets, HarvestConfig
from mining.harvest.loop import run_harvest
from mining.reports.export import ExportRow, harvest_rows
from mining.store.db import Store


def airline_harvest(folder: Path, harvest_id: str = "exports-1", seed: int = 3) -> Path:
    """Harvest 4 airline tasks against sim:mid into `folder/history.duckdb`; returns the path."""
    path = folder / "history.duckdb"
    cfg = HarvestConfig(
        harvest_id=harvest_id,
        domain="airline",
        target="sim:mid",
        n_tasks=4,
        batch_size=8,
        seed=seed,
        budgets=Budgets(max_iterations=20),
    )
    store = Store(path)
    try:
        assert run_harvest(cfg, store).harvested == 4
    finally:
        store.close()
    return path


def rows_of(path: Path, harvest_id: str) -> list[ExportRow]:
    """The export rows of a harvest in the history file at `path`."""
    store = Store(path, read_only=True)
    try:
        return harvest_rows(store, harvest_id)
    finally:
        store.close()
