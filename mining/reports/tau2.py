"""A harvest as a tau2-bench data directory that tau2's own harness runs unchanged.

tau2 reads its data from `$TAU2_DATA_DIR/tau2/domains/<domain>/` (tasks.json, split_tasks.json,
db.json, policy.md) and its user simulator's guidelines from `$TAU2_DATA_DIR/tau2/user_simulator/`.
Each task carries its own world as `initial_state.initialization_data.agent_data`, which tau2
merges key by key into the base `db.json` and can never delete from; measured with tau2's code,
a base of empty collections reproduces every task's world exactly, while tau2's full world makes
gold searches return extra flights. So the base is empty and each task's world is whole.

The guideline files belong to tau2: they are copied from the user's tau2 installation
(`--tau2-dir`), never shipped here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from mining.core.errors import UserError
from mining.reports.export import ExportRow
from mining.reports.scenario import Scenario

TAU2_DOMAINS = ("airline",)  # toolmine domains that are tau2 domains (same tools and world)
GUIDELINES = "simulation_guidelines*.md"
REWARD_BASIS = ["DB", "COMMUNICATE"]  # as tau2's airline tasks: world hash x facts said


class Tau2Export(BaseModel):
    folder: Path
    tasks: int
    left_out: dict[str, str] = Field(default_factory=dict, description="task id -> why")
    guidelines_copied: int = 0

    def command(self, domain: str) -> str:
        return run_command(self.folder, domain)


def run_command(folder: Path, domain: str) -> str:
    """The one command that runs tau2 on the export (agent and user models are the user's)."""
    return (
        f"TAU2_DATA_DIR={folder.resolve()} tau2 run --domain {domain} "
        "--agent-llm gpt-4.1 --user-llm gpt-4.1 --num-trials 4 --task-split-name base"
    )


def tau2_world(row: ExportRow) -> dict[str, Any]:
    """The task's world as tau2's world model dumps it; a world setting tau2's model has no
    field for (e.g. a current time other than tau2's fixed one) cannot be exported."""
    from domains import registry

    world = registry.get(row.domain).world_type.model_validate(row.world)
    dump = world.tau2_dump()
    extra = sorted(set(row.world) - set(dump))
    if extra:
        raise ValueError(f"the world sets {', '.join(extra)}, which tau2's world has no field for")
    return dump


def tau2_task(row: ExportRow, scenario: Scenario, world: dict[str, Any]) -> dict[str, Any]:
    """One tau2 `Task` object: the scenario, the world as initial state, the gold as actions."""
    rate = f"{row.passes}/{row.rollouts}" if row.rollouts else f"{row.pass_rate:.2f}"
    tau2_rate = f"; on tau2's terms {row.tau2_passes}/{row.rollouts}" if row.tau2_passes else ""
    return {
        "id": row.task_id,
        "description": {
            "purpose": f"toolmine {row.mode or 'dag'} task mined against {row.target}: "
            f"passed {rate} rollouts{tau2_rate}",
            "relevant_policies": None,
            "notes": f"toolmine history key {row.candidate_id}; failure modes: "
            f"{', '.join(row.failure_modes) or 'none'}",
        },
        "user_scenario": scenario.tau2(),
        "initial_state": {
            "initialization_data": {"agent_data": world, "user_data": None},
            "initialization_actions": None,
            "message_history": None,
        },
        "evaluation_criteria": {
            "actions": [
                {
                    "action_id": f"{call['name']}_{i}",
                    "requestor": "assistant",
                    "name": call["name"],
                    "arguments": call.get("arguments") or {},
                    "info": None,
                    "compare_args": None,
                }
                for i, call in enumerate(row.golden_trajectory)
            ],
            "env_assertions": None,
            "communicate_info": list(row.communicate),
            "nl_assertions": None,
            "reward_basis": list(REWARD_BASIS),
        },
    }


def find_guidelines(tau2_dir: Path) -> list[Path]:
    """The user-simulator guideline files of a tau2 checkout or data folder (or the folder
    holding them)."""
    for where in (
        tau2_dir,
        tau2_dir / "user_simulator",
        tau2_dir / "tau2" / "user_simulator",
        tau2_dir / "data" / "tau2" / "user_simulator",
    ):
        found = sorted(where.glob(GUIDELINES)) if where.is_dir() else []
        if found:
            return found
    raise UserError(
        f"--tau2-dir {tau2_dir}: no {GUIDELINES} found there, in user_simulator/, "
        "tau2/user_simulator/ or data/tau2/user_simulator/ (give a tau2-bench checkout)"
    )


def write_tau2(rows: list[ExportRow], out: Path, tau2_dir: Path | None = None) -> Tau2Export:
    """Write the data directory under `out`; tasks tau2 cannot represent are left out (named
    in the result), never changed."""
    from domains import registry

    domains = {r.domain for r in rows}
    if len(domains) != 1 or not domains <= set(TAU2_DOMAINS):
        raise UserError(
            f"the tau2 format needs tasks of one tau2 domain ({', '.join(TAU2_DOMAINS)}); "
            f"this harvest has {', '.join(sorted(domains)) or 'none'}"
        )
    (domain,) = domains
    guidelines = find_guidelines(tau2_dir) if tau2_dir is not None else []
    tasks, left_out = [], {}
    for row in rows:
        try:
            world = tau2_world(row)
        except ValueError as exc:
            left_out[row.task_id] = str(exc)
            continue
        tasks.append(tau2_task(row, row.scenario or _no_scenario(row), world))
    base = out / "tau2" / "domains" / domain
    base.mkdir(parents=True, exist_ok=True)
    if not tasks:
        raise UserError(f"no task can be exported to tau2: {'; '.join(set(left_out.values()))}")
    # The base world: the collections of tau2's world model, each empty.
    empty: dict[str, dict[str, Any]] = {
        name: {} for name in tasks[0]["initial_state"]["initialization_data"]["agent_data"]
    }
    _write_json(base / "db.json", empty)
    _write_json(base / "tasks.json", tasks)
    _write_json(base / "split_tasks.json", {"base": [t["id"] for t in tasks]})
    (base / "policy.md").write_text(registry.get(domain).policy, encoding="utf-8")
    sim = out / "tau2" / "user_simulator"
    sim.mkdir(parents=True, exist_ok=True)
    for path in guidelines:
        shutil.copyfile(path, sim / path.name)
    result = Tau2Export(
        folder=out, tasks=len(tasks), left_out=left_out, guidelines_copied=len(guidelines)
    )
    (out / "README.md").write_text(_readme(result, domain), encoding="utf-8")
    return result


def _no_scenario(row: ExportRow) -> Scenario:
    from mining.reports.scenario import scenario_of

    return scenario_of(row.task())


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def _readme(result: Tau2Export, domain: str) -> str:
    guidelines = (
        f"`tau2/user_simulator/` holds the {result.guidelines_copied} guideline files copied "
        "from your tau2 installation."
        if result.guidelines_copied
        else "`tau2/user_simulator/` is empty: tau2 stops without its user-simulator guidelines. "
        "Copy `data/tau2/user_simulator/simulation_guidelines*.md` from your tau2-bench checkout "
        "there, or export again with `--tau2-dir PATH_TO_TAU2_BENCH`."
    )
    left = "".join(f"\n- `{tid}`: {why}" for tid, why in sorted(result.left_out.items()))
    return f"""# toolmine tasks for tau2-bench ({domain})

{result.tasks} tasks in tau2's data layout. Run tau2's own harness on them (tau2 reads its data
folder from `TAU2_DATA_DIR`; pick your agent and user models):

```bash
{result.command(domain)}
```

- `tau2/domains/{domain}/tasks.json`: the tasks; each carries its whole world in
  `initial_state.initialization_data.agent_data`, the golden trajectory as
  `evaluation_criteria.actions` and the facts to say as `communicate_info` (reward basis DB x
  COMMUNICATE, as tau2's own {domain} tasks).
- `tau2/domains/{domain}/db.json`: empty collections. tau2 merges each task's world into it and
  cannot delete, so a non-empty base would add its entities to every task (searches would return
  other flights).
- `tau2/domains/{domain}/split_tasks.json`: the `base` split lists every task.
- `tau2/domains/{domain}/policy.md`: the policy the agent follows.

{guidelines}
{"Left out (tau2 cannot represent them):" + left if left else ""}
"""
