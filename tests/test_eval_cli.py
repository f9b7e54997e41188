"""`toolmine eval`, `toolmine bench analyst` and `toolmine sim-server` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from cli.main import _register_commands, app

_register_commands()
runner = CliRunner()


def test_eval_prints_a_line_per_task_and_a_summary() -> None:
    args = ["eval", "--domain", "mock", "--target", "sim:weak", "--n", "4", "--k", "3"]
    result = runner.invoke(app, [*args, "--seed", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    rows, summary = lines[:-1], lines[-1]
    assert len(rows) == 4
    for row in rows:
        assert set(row) == {
            *("task_id", "params", "passes", "rollouts", "pass_rate"),
            *("in_window", "failure_modes"),
        }
        assert row["rollouts"] == 3 and row["pass_rate"] == round(row["passes"] / 3, 4)
        assert row["in_window"] is (row["passes"] == 1)  # 0 < p <= 0.5 at k=3: only 1 pass
    assert summary["tasks"] == 4 and summary["rollouts"] == 12
    assert summary["pass_rate"] == round(sum(r["passes"] for r in rows) / 12, 4)
    assert {"tokens", "cost", "seconds"} <= set(summary)
    again = runner.invoke(app, [*args, "--seed", "2"])
    assert [
        json.loads(x)["passes"] for x in again.stdout.splitlines()[:-1] if x.startswith("{")
    ] == [r["passes"] for r in rows]


def test_eval_table() -> None:
    result = runner.invoke(
        app, ["eval", "--domain", "mock", "--target", "sim:mid", "--n", "2", "--k", "2", "--table"]
    )
    assert result.exit_code == 0, result.output
    assert "pass rate" in result.stdout and not result.stdout.lstrip().startswith("{")


def test_bench_analyst_reports_agreement() -> None:
    result = runner.invoke(
        app, ["bench", "analyst", "--domain", "mock", "--n", "10", "--k", "3", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["judged"] > 0 and report["agreement"] >= 0.9


def test_sim_server_command_serves_models() -> None:
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "toolmine"), "sim-server", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "listening on" in line, line
        base = line.strip().split()[-1]
        with urllib.request.urlopen(f"{base}/models", timeout=10) as response:
            assert "sim:mid" in {m["id"] for m in json.load(response)["data"]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
