"""The harvest's product: one row per harvested task, the source of every export format.

Every format (JSON lines here; tau2, verifiers and Hugging Face in their own modules) is a pure
function of these rows, so the rows can come from the history file or, page by page, from the
ledger worker that holds it.

A row's `task_id` is derived from the task's content (world, request, gold and expected state),
so ids are unique across harvests and exports (tau2 keys results and resumes by id) and the same
task keeps its id wherever it is exported; `candidate_id` says where it came from in the history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from domains.scenario import UserScenario
from mining.core.errors import UserError
from mining.core.task import Task
from mining.reports.scenario import Scenario, scenario_of
from mining.store.records import content_hash

if TYPE_CHECKING:  # the store (and duckdb) only where rows are read
    from mining.store.db import Store

ID_DIGITS = 16  # hex digits of the content hash in a task id (64 bits)


class ExportRow(BaseModel):
    task_id: str = Field(description="derived from the task's content: <domain>-<hash>")
    candidate_id: str = Field(default="", description="the task's key in the history")
    domain: str = ""
    mode: str = ""
    task_description: str
    scenario: Scenario | None = Field(default=None, description="the customer's side")
    user_scenario: UserScenario | None = Field(
        default=None, description="the task's own scenario with its script (None: derived)"
    )
    world: dict[str, Any]
    tools: list[dict[str, Any]]
    golden_trajectory: list[dict[str, Any]]
    expected_final_world: dict[str, Any]
    communicate: list[str]
    pass_rate: float
    k: int
    passes: int = Field(default=0, description="rollouts that passed (toolmine's verdict)")
    rollouts: int = Field(default=0, description="rollouts the pass rate is over")
    tau2_passes: int | None = Field(
        default=None, description="rollouts that pass on tau2's terms (None: not recorded)"
    )
    tau2_pass_rate: float | None = None
    failure_modes: list[str]
    params: dict[str, Any]
    cell: str = ""  # the parameter cell (diversity unit) the task was mined in
    target: str
    user_facts: dict[str, str] = Field(default_factory=dict)
    refusal: bool = False
    intents: list[str] = Field(default_factory=list)
    features: dict[str, float] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict, description="the task's domain extras")
    seed: int = 0
    walk: list[str] = Field(default_factory=list)
    signature: str = ""

    def task(self) -> Task:
        """The task again (under its history key, which simulated targets seed from)."""
        data = self.model_dump(exclude={"scenario"})
        return Task.model_validate({**data, "task_id": self.candidate_id or self.task_id})


def task_id_of(task: Task) -> str:
    """A task id from the task's content: equal tasks share it, different ones never do."""
    digest = content_hash(
        {
            "world": task.world,
            "request": task.task_description,
            "gold": [c.model_dump(mode="json") for c in task.golden_trajectory],
            "expected": task.expected_final_world,
            "communicate": task.communicate,
        }
    )
    return f"{task.domain}-{digest[:ID_DIGITS]}"


def export_row(
    task: Task,
    tools: list[dict[str, Any]],
    pass_rate: float,
    k: int,
    failure_modes: list[str],
    target: str,
    **outcome: Any,
) -> ExportRow:
    """One row; `outcome` takes the optional counts (mode, passes, rollouts, tau2_passes)."""
    tau2 = outcome.get("tau2_passes")
    runs = int(outcome.get("rollouts") or 0)
    return ExportRow(
        task_id=task_id_of(task),
        candidate_id=task.task_id,
        domain=task.domain,
        mode=str(outcome.get("mode") or ""),
        task_description=task.task_description,
        scenario=scenario_of(task),
        user_scenario=task.user_scenario,
        world=task.world,
        tools=tools,
        golden_trajectory=[c.model_dump(mode="json") for c in task.golden_trajectory],
        expected_final_world=task.expected_final_world,
        communicate=task.communicate,
        pass_rate=pass_rate,
        k=k,
        passes=int(outcome.get("passes") or 0),
        rollouts=runs,
        tau2_passes=tau2,
        tau2_pass_rate=round(tau2 / runs, 4) if tau2 is not None and runs else None,
        failure_modes=failure_modes,
        params=task.params,
        cell=task.cell,
        target=target,
        user_facts=task.user_facts,
        refusal=task.refusal,
        intents=task.intents,
        features=task.features,
        meta=task.meta,
        seed=task.seed,
        walk=task.walk,
        signature=task.signature,
    )


def write_jsonl(rows: list[ExportRow], out: Path) -> int:
    """Write rows atomically (temp file then rename) so a half-written export never lingers."""
    check_out_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row.model_dump(mode="json"), sort_keys=False) + "\n")
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(rows)


def check_out_path(out: Path, *, folder: bool = False) -> None:
    """An export target: a file path for JSON lines, a folder for the formats that write one;
    either under a folder we can create."""
    if folder and out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; this format writes a folder")
    if not folder and out.is_dir():
        raise UserError(f"--out {out} is a directory; expected a file such as {out}/tasks.jsonl")
    parent = next((p for p in out.absolute().parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UserError(f"--out {out}: {parent} is a file, not a directory")


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
                mode=item.get("mode"),
                passes=item.get("passes"),
                rollouts=item.get("rollouts"),
                tau2_passes=item.get("tau2_passes"),
            )
        )
    return rows
