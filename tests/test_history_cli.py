"""`toolmine export` and `toolmine harvest show` read the history file directly when no worker
holds it (no Temporal server needed), and fail with one clear line for an unknown harvest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mining.harvest.config import Budgets, HarvestConfig
from mining.harvest.loop import run_harvest
from mining.store.db import Store
from tests.cli_process import REPO
from tests.cli_process import toolmine as run_cli

EXPORT_FIELDS = {
    "task_id",
    "task_description",
    "world",
    "tools",
    "golden_trajectory",
    "expected_final_world",
    "communicate",
    "pass_rate",
    "k",
    "failure_modes",
    "params",
    "target",
}


def toolmine(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with a bare environment whose home is `cwd` (no server, no worker)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TOOLMINE_HOME": str(cwd / ".toolmine"),
        "PYTHONPATH": str(REPO),
    }
    return run_cli(*args, cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.duckdb"
    cfg = HarvestConfig(
        harvest_id="cli-read-1",
        domain="mock",
        target="sim:mid",
        n_tasks=2,
        batch_size=4,
        seed=5,
        budgets=Budgets(max_iterations=30),
    )
    store = Store(path)
    assert run_harvest(cfg, store).harvested == 2
    store.close()
    return path, cfg.harvest_id


def test_export_reads_the_file_when_no_worker_holds_it(history: tuple[Path, str]) -> None:
    path, hid = history
    out = path.parent / "tasks.jsonl"
    done = toolmine("export", hid, "--out", str(out), "--store", str(path), cwd=path.parent)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2
    assert all(EXPORT_FIELDS <= set(row) for row in rows)
    assert all(0 < row["pass_rate"] <= 0.5 and row["target"] == "sim:mid" for row in rows)


def test_show_reads_the_file_and_prints_the_summary(history: tuple[Path, str]) -> None:
    path, hid = history
    done = toolmine("harvest", "show", hid, "--store", str(path), cwd=path.parent)
    assert done.returncode == 0, done.stderr
    assert "harvested" in done.stdout.lower() and "2" in done.stdout


def test_unknown_harvest_is_one_clear_error(history: tuple[Path, str]) -> None:
    path, _ = history
    out = path.parent / "none.jsonl"
    done = toolmine(
        "export", "no-such-harvest", "--out", str(out), "--store", str(path), cwd=path.parent
    )
    assert done.returncode != 0
    assert "no-such-harvest" in done.stderr and "Traceback" not in done.stderr
