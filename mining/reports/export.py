"""The harvest's product: one JSON line per harvested task, ready for RL training or evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from mining.core.task import Task

if TYPE_CHECKING:  # the store (and duckdb) only where rows are read
    from mining.store.db import Store


class ExportRow(BaseModel):
    task_id: str
    task_description: str
    world: dict[str, Any]
    tools: list[dict[str, Any]]
    golden_trajectory: list[dict[str, Any]]
    expected_final_world: dict[str, Any]
    communicate: list[str]
    pass_rate: float
    k: int
    failure_modes: list[str]
    params: dict[str, Any]
    cell: str = ""  # the parameter cell (diversity unit) the task was mined in
    target: str


def export_row(
    task: Task,
    tools: list[dict[str, Any]],
    pass_rate: float,
    k: int,
    failure_modes: list[str],
    target: str,
) -> ExportRow:
    return ExportRow(
        task_id=task.task_id,
        task_description=task.task_description,
        world=task.world,
        tools=tools,
        golden_trajectory=[c.model_dump(mode="json") for c in task.golden_trajectory],
        expected_final_world=task.expected_final_world,
        communicate=task.communicate,
        pass_rate=pass_rate,
        k=k,
        failure_modes=failure_modes,
        params=task.params,
        cell=task.cell,
        target=target,
    )


def write_jsonl(rows: list[ExportRow], out: Path) -> int:
    """Write rows atomically (temp file then rename) so a half-written export never lingers."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row.model_dump(mode="json"), sort_keys=False) + "\n")
    tmp.replace(out)
    return len(rows)


def harvest_rows(store: Store, harvest_id: str) -> list[ExportRow]:
    """The export rows of a harvest, in the order its tasks were harvested."""
    from domains import registry

    rows = []
    tools_by_domain: dict[str, list[dict[str, Any]]] = {}
    for item in store.harvested(harvest_id):
        domain = item["domain"]
        if domain not in tools_by_domain:
            tools_by_domain[domain] = registry.get(domain).tool_schemas()
        rows.append(
            export_row(
                Task.model_validate(item["task"]),
                tools_by_domain[domain],
                item["pass_rate"],
                item["k"],
                item["failure_modes"],
                item["target"],
            )
        )
    return rows
