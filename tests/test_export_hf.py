"""The jsonl and hf exports: content-derived task ids, a Parquet file the `datasets` library loads
offline with flat scalar and JSON-string columns, a dataset card with the Hub's YAML metadata,
and `harvest show --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mining.core.task import Task
from mining.dag.synthesize import synthesize_candidate
from mining.reports.export import ExportRow, task_id_of
from mining.reports.scenario import scenario_of
from tests.cli_process import toolmine
from tests.export_fixtures import airline_harvest, rows_of

HID = "exports-1"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return airline_harvest(tmp_path_factory.mktemp("hf"), HID)


@pytest.fixture(scope="module")
def rows(history: Path) -> list[ExportRow]:
    return rows_of(history, HID)


def test_task_ids_come_from_content(rows: list[ExportRow]) -> None:
    ids = [r.task_id for r in rows]
    assert len(set(ids)) == len(ids) == 4
    assert all(i.startswith("airline-") and "/" not in i for i in ids)
    # the same task under another history key (another harvest) keeps its id
    task = rows[0].task()
    assert task_id_of(task) == rows[0].task_id
    elsewhere = synthesize_candidate("airline", task.params, task.seed, "other-harvest/i9/c9")
    assert isinstance(elsewhere, Task) and elsewhere.task_id != task.task_id
    assert task_id_of(elsewhere) == rows[0].task_id
    # a changed task gets another id
    changed = task.model_copy(update={"communicate": [*task.communicate, "999"]})
    assert task_id_of(changed) != rows[0].task_id


def test_rows_carry_counts_and_rebuild_the_task(rows: list[ExportRow]) -> None:
    for row in rows:
        assert row.rollouts >= 1 and row.passes == round(row.pass_rate * row.rollouts)
        assert row.mode == "dag" and row.domain == "airline"
        task = row.task()
        assert task.task_id == row.candidate_id
        assert task.golden_trajectory and task.expected_final_world == row.expected_final_world
        assert row.scenario is not None and row.scenario == scenario_of(task)
        assert task.user_scenario is not None  # the task's own, with the customer's script


@pytest.mark.slow
def test_hf_export_loads_with_datasets(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ds"
    done = toolmine(
        "export", HID, "--format", "hf", "--out", str(out), "--store", str(history),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    import datasets

    ds = datasets.load_dataset("parquet", data_files=str(out / "data" / "train.parquet"))["train"]
    assert ds.num_rows == 4
    features = ds.features
    for name, dtype in {
        "task_id": "string",
        "target": "string",
        "mode": "string",
        "domain": "string",
        "k": "int32",
        "passes": "int32",
        "pass_rate": "float64",
    }.items():
        assert features[name].dtype == dtype, name
    for name in ("world", "tools", "golden_trajectory", "expected_final_world", "scenario"):
        assert features[name].dtype == "string", name
    first = ds[0]
    world = json.loads(first["world"])
    assert set(world) >= {"flights", "users", "reservations"}
    assert json.loads(first["tools"])[0]["type"] == "function"
    assert json.loads(first["scenario"])["domain"] == "airline"
    assert first["target"] == "sim:mid" and 0 < first["pass_rate"] <= 0.5

    card = (out / "README.md").read_text()
    _, header, body = card.split("---\n", 2)
    meta = yaml.safe_load(header)
    assert meta["license"] and meta["pretty_name"].endswith(HID)
    assert "tool-use" in meta["tags"] and meta["task_categories"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["configs"][0]["data_files"][0]["path"] == "data/train.parquet"
    assert "tasks: 4" in body


@pytest.mark.slow
def test_jsonl_export_and_bad_format(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    done = toolmine("export", HID, "--out", str(out), "--store", str(history))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 4 and all(line["task_id"].startswith("airline-") for line in lines)
    bad = toolmine(
        "export", HID, "--format", "csv", "--out", str(out), "--store", str(history),
    )  # fmt: skip
    assert bad.returncode == 2 and "csv" in bad.stderr and "jsonl" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_show_json(history: Path, tmp_path: Path) -> None:
    done = toolmine("harvest", "show", HID, "--json", "--store", str(history))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["harvest_id"] == HID and summary["harvested"] == 4
