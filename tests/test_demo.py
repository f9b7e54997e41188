"""`toolmine demo` end to end (small: 2 mock-domain tasks): real server, worker, activities,
export file and summary, and nothing left running afterwards."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mining.core.paths import REPO_ROOT
from mining.store.db import Store

pytestmark = pytest.mark.slow

EXPORT_KEYS = {
    "task_id", "task_description", "world", "tools", "golden_trajectory",
    "expected_final_world", "communicate", "pass_rate", "k", "failure_modes", "params", "target",
    "cell",  # beyond the list: the parameter cell, for diversity checks
    # where the task came from, the counts behind its pass rate (both verdicts), the
    # customer's scenario and the rest of the task, so every export format is built from rows
    "candidate_id", "domain", "mode", "passes", "rollouts", "tau2_passes", "tau2_pass_rate",
    "scenario", "user_scenario", "user_facts", "refusal", "intents", "features", "meta", "seed",
    "walk", "signature",
}  # fmt: skip


def test_demo_harvests_exports_and_cleans_up(tmp_path: Path) -> None:
    toolmine = Path(REPO_ROOT / ".venv" / "bin" / "toolmine")
    if not toolmine.exists():
        pytest.skip("the toolmine console script is not installed in .venv")
    env = dict(os.environ, TOOLMINE_HOME=str(tmp_path), LITELLM_LOCAL_MODEL_COST_MAP="True")
    out = subprocess.run(
        [str(toolmine), "demo", "-n", "2", "--domain", "mock"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "harvested   2 / 2 tasks" in out.stdout
    assert "Temporal UI http://" in out.stdout
    assert f"report      {tmp_path / 'report.html'}" in out.stdout
    assert '<section id="tasks">' in (tmp_path / "report.html").read_text()
    rows = [json.loads(line) for line in (tmp_path / "demo.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(set(r) == EXPORT_KEYS for r in rows)
    assert all(0 < r["pass_rate"] <= 0.5 and r["k"] == 4 for r in rows)
    # the demo stopped its server and worker: the history file opens, nothing holds it
    store = Store(tmp_path / "history.duckdb", read_only=True)
    assert store.duplicate_keys() == {"candidates": 0, "rollouts": 0, "harvested_tasks": 0}
    store.close()
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "demo-temporal.db") not in ps
