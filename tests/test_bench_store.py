"""`toolmine bench store`: a synthetic history through the real schema, and its timed read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import _register_commands, app
from mining.bench.store import HARVEST, build
from mining.store.digest import RECENT

pytestmark = pytest.mark.slow  # builds synthetic histories


def test_synthetic_history_is_consistent(tmp_path: Path) -> None:
    store = build(tmp_path / "h.duckdb", rollouts=4000, k=4, n_tasks=50)
    try:
        counts = store.table_counts(HARVEST)
        assert counts["candidates"] == 1000 and counts["rollouts"] == 4000
        assert counts["decisions"] == 1000 and counts["harvested_tasks"] == 50
        assert store.stored_terms(HARVEST) == store.recount_terms(HARVEST)
        digest = store.digest(HARVEST)
        assert digest.totals.rollouts == 4000 and digest.harvested_count == 50
        assert len(digest.recent) == RECENT
        assert store.rollouts_spent(HARVEST) == 4000
    finally:
        store.close()


def test_bench_store_prints_the_read_time_and_file_size() -> None:
    _register_commands()
    result = CliRunner().invoke(app, ["bench", "store", "--rollouts", "2000", "--repeats", "2"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["rollouts"] == 2000 and figures["file_mb"] > 0
    assert 0 < figures["query_ms_median"] <= figures["query_ms_max"]
    assert "proposer's read" in result.output
