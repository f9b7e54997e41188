"""WG command-line mistakes get one line naming the bad value, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mining.store.db import Store
from mining.store.records import HarvestRecord
from tests.cli_process import toolmine


def _one_line_error(res: object, *needles: str) -> None:
    assert res.returncode == 2, (res.stdout, res.stderr)  # type: ignore[attr-defined]
    lines = res.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.slow
def test_frontier_show_names_unknown_and_non_wg_harvests(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    store = Store(path)
    store.record_harvest(
        HarvestRecord(harvest_id="d1", domain="airline", mode="dag", target="sim:mid", n_tasks=1,
                      config={})
    )  # fmt: skip
    store.close()
    _one_line_error(toolmine("frontier", "show", "nope", "--store", str(path)), "'nope'")
    _one_line_error(toolmine("frontier", "show", "d1", "--store", str(path)), "dag harvest")


@pytest.mark.slow
def test_harvest_start_refuses_bad_wg_settings_before_connecting() -> None:
    no_server = ("--address", "127.0.0.1:1")
    _one_line_error(
        toolmine("harvest", "start", "--mode", "wg", "--domain", "mock", *no_server),
        "'mock' has no WG vocabulary",
        "airline",
    )
    _one_line_error(toolmine("harvest", "start", "--mode", "grid", *no_server), "'grid'", "dag, wg")
    _one_line_error(
        toolmine("harvest", "start", "--mode", "wg", "--oracle-attempts", "0", *no_server),
        "oracle_attempts=0",
        "at least 1",
    )
