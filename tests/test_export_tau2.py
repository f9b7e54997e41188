"""The tau2 export: a data directory in tau2-bench's layout whose tasks match tau2's task model
(its field list is written out below in our own words, from reading tau2's data model), whose
worlds load without extra keys and are reproduced exactly by tau2's merge onto the empty base,
and whose gold actions replay to the expected final world."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domains import registry
from domains.airline import AirlineTools, AirlineWorld
from mining.core.errors import UserError
from mining.reports.export import ExportRow
from mining.reports.tau2 import run_command, write_tau2
from tests.cli_process import toolmine
from tests.export_fixtures import airline_harvest, rows_of

HID = "tau2-export-1"

# tau2's task model, field by field: (allowed keys, required keys) per object.
Shape = tuple[set[str], set[str]]
TASK: Shape = (
    {"id", "description", "user_scenario", "ticket", "initial_state", "evaluation_criteria",
     "issues", "required_documents", "user_tools"},
    {"id", "user_scenario"},
)  # fmt: skip
DESCRIPTION: Shape = ({"purpose", "relevant_policies", "notes"}, set())
SCENARIO: Shape = ({"persona", "instructions"}, {"instructions"})
INSTRUCTIONS: Shape = (
    {"domain", "reason_for_call", "known_info", "unknown_info", "task_instructions"},
    {"domain", "reason_for_call", "task_instructions"},
)
INITIAL_STATE: Shape = (
    {"initialization_data", "initialization_actions", "message_history"},
    set(),
)
INIT_DATA: Shape = ({"agent_data", "user_data"}, set())
CRITERIA: Shape = (
    {"actions", "env_assertions", "communicate_info", "nl_assertions", "reward_basis"},
    set(),
)
ACTION: Shape = (
    {"action_id", "requestor", "name", "arguments", "info", "compare_args"},
    {"action_id", "name", "arguments"},
)
REWARD_TYPES = {"DB", "ENV_ASSERTION", "NL_ASSERTION", "ACTION", "COMMUNICATE"}


def conforms(obj: Any, shape: Shape, what: str) -> None:
    allowed, required = shape
    assert isinstance(obj, dict), what
    assert set(obj) <= allowed, f"{what}: keys tau2 does not know: {set(obj) - allowed}"
    assert required <= set(obj), f"{what}: missing {required - set(obj)}"


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """tau2's way of applying agent_data: key by key into the base, recursively, never
    deleting (lists and scalars replaced wholesale)."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[ExportRow]:
    return rows_of(airline_harvest(tmp_path_factory.mktemp("tau2"), HID), HID)


@pytest.fixture()
def guidelines(tmp_path: Path) -> Path:
    """A stand-in tau2 checkout: only the layout matters here (the real files are tau2's)."""
    folder = tmp_path / "tau2-bench" / "data" / "tau2" / "user_simulator"
    folder.mkdir(parents=True)
    (folder / "simulation_guidelines.md").write_text("guidelines\n")
    (folder / "simulation_guidelines_tools.md").write_text("guidelines with tools\n")
    return tmp_path / "tau2-bench"


def test_layout_and_task_model(rows: list[ExportRow], tmp_path: Path, guidelines: Path) -> None:
    out = tmp_path / "export"
    result = write_tau2(rows, out, guidelines)
    base = out / "tau2" / "domains" / "airline"
    assert result.tasks == 4 and not result.left_out and result.guidelines_copied == 2
    assert sorted(p.name for p in (out / "tau2" / "user_simulator").iterdir()) == [
        "simulation_guidelines.md",
        "simulation_guidelines_tools.md",
    ]
    assert json.loads((base / "db.json").read_text()) == {
        "flights": {},
        "users": {},
        "reservations": {},
    }
    tasks = json.loads((base / "tasks.json").read_text())
    assert json.loads((base / "split_tasks.json").read_text()) == {"base": [t["id"] for t in tasks]}
    assert (base / "policy.md").read_text() == registry.get("airline").policy
    assert len({t["id"] for t in tasks}) == 4
    for task in tasks:
        conforms(task, TASK, "task")
        conforms(task["description"], DESCRIPTION, "description")
        conforms(task["user_scenario"], SCENARIO, "user_scenario")
        conforms(task["user_scenario"]["instructions"], INSTRUCTIONS, "instructions")
        assert task["user_scenario"]["instructions"]["domain"] == "airline"
        conforms(task["initial_state"], INITIAL_STATE, "initial_state")
        conforms(task["initial_state"]["initialization_data"], INIT_DATA, "initialization_data")
        criteria = task["evaluation_criteria"]
        conforms(criteria, CRITERIA, "evaluation_criteria")
        for action in criteria["actions"]:
            conforms(action, ACTION, "action")
        assert len({a["action_id"] for a in criteria["actions"]}) == len(criteria["actions"])
        assert set(criteria["reward_basis"]) <= REWARD_TYPES
        assert criteria["reward_basis"] == ["DB", "COMMUNICATE"]
        assert all(isinstance(f, str) for f in criteria["communicate_info"])
    readme = (out / "README.md").read_text()
    assert run_command(out, "airline") in readme and "TAU2_DATA_DIR=" in readme


def test_worlds_are_whole_and_gold_reaches_the_expected_state(
    rows: list[ExportRow], tmp_path: Path
) -> None:
    out = tmp_path / "export"
    write_tau2(rows, out)
    base_dir = out / "tau2" / "domains" / "airline"
    base = json.loads((base_dir / "db.json").read_text())
    by_id = {r.task_id: r for r in rows}
    for task in json.loads((base_dir / "tasks.json").read_text()):
        row = by_id[task["id"]]
        agent_data = task["initial_state"]["initialization_data"]["agent_data"]
        assert "current_time" not in agent_data  # tau2's world model forbids extra keys
        world = merge(base, agent_data)
        # strict: no key the world model does not know, at any depth
        loaded = AirlineWorld.from_json(world)
        assert loaded.tau2_dump() == AirlineWorld.model_validate(row.world).tau2_dump()
        tools = AirlineTools(loaded)
        for action in task["evaluation_criteria"]["actions"]:
            assert not tools.call(action["name"], action["arguments"]).error, action
        expected = AirlineWorld.model_validate(row.expected_final_world)
        assert tools.world.tau2_dump() == expected.tau2_dump()


@pytest.mark.slow
def test_cli_export_and_refusals(rows: list[ExportRow], tmp_path: Path) -> None:
    history = tmp_path / "h"
    history.mkdir()
    path = airline_harvest(history, HID)
    out = tmp_path / "cli-export"
    done = toolmine("export", HID, "--format", "tau2", "--out", str(out), "--store", str(path))
    assert done.returncode == 0, done.stderr
    assert run_command(out, "airline") in done.stdout
    # the CLI writes what `write_tau2` writes for the harvest's rows: every harvested task
    exported = json.loads((out / "tau2" / "domains" / "airline" / "tasks.json").read_text())
    assert sorted(t["id"] for t in exported) == sorted(r.task_id for r in rows_of(path, HID))
    missing = tmp_path / "no-tau2-here"
    bad = toolmine(
        "export", HID, "--format", "tau2", "--out", str(out), "--store", str(path),
        "--tau2-dir", str(missing),
    )  # fmt: skip
    assert bad.returncode == 2 and str(missing) in bad.stderr and "Traceback" not in bad.stderr
    mock = rows[0].model_copy(update={"domain": "mock"})
    with pytest.raises(UserError, match="tau2 domain"):
        write_tau2([mock], tmp_path / "mock")


def test_a_world_tau2_cannot_hold_is_left_out(rows: list[ExportRow], tmp_path: Path) -> None:
    later = rows[0].model_copy(
        update={"world": {**rows[0].world, "current_time": "2024-05-20T10:00:00"}}
    )
    result = write_tau2([later, *rows[1:]], tmp_path / "export")
    assert result.tasks == 3 and "current_time" in result.left_out[later.task_id]
    assert later.task_id in (tmp_path / "export" / "README.md").read_text()
