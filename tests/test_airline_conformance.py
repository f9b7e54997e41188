"""Conformance with tau2-bench: recorded tau2 outputs (../shared/data/tau2-airline/conformance/)
reproduced exactly (content, error flag, changed entities, final DB hashes), the 14 schemas equal
to the ones tau2 sends, and the gold actions of all 50 tasks replaying without errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from cli.replay import changed_entities
from domains.airline import AirlineTools, AirlineWorld, tau2_sha256
from domains.airline.data_model import COLLECTIONS, strip_nulls
from mining.core.paths import TAU2_AIRLINE_DIR

CONFORMANCE = TAU2_AIRLINE_DIR / "conformance"
INITIAL_SHA256 = "a4c107323fbbd5ea17e0db23abc99c94f592b8fc3351e3382d77549446608d0d"


def _lines(path: Path) -> list[dict[str, Any]]:
    # Read at collection time so each case is its own test; absent data -> no cases (skipped).
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


PROBES = _lines(CONFORMANCE / "probes_even.jsonl")
GOLD = _lines(CONFORMANCE / "gold_replay_train.jsonl")


def _tasks() -> list[dict[str, Any]]:
    path = TAU2_AIRLINE_DIR / "tasks.json"
    return json.loads(path.read_text()) if path.exists() else []


TASKS = _tasks()


def test_initial_world_hash_is_tau2s(airline_world: AirlineWorld) -> None:
    assert tau2_sha256(airline_world) == INITIAL_SHA256


@pytest.mark.parametrize("probe", PROBES, ids=[p["probe_id"] for p in PROBES])
def test_probe(airline_world: AirlineWorld, probe: dict[str, Any]) -> None:
    tools = AirlineTools.on_fork(airline_world)
    for step in probe.get("setup") or []:
        result = tools.call(step["name"], step["arguments"])
        assert (result.content, result.error) == (step["content"], step["error"])
    result = tools.call(probe["name"], probe["arguments"])
    assert result.content == probe["content"]
    assert result.error == probe["error"]
    assert changed_entities(airline_world, tools.world) == probe["changed"]


@pytest.fixture(scope="session")
def base_pieces(airline_world: AirlineWorld) -> dict[bool, dict[str, dict[str, str]]]:
    """Each entity of the initial world as compact sorted JSON, with and without nulls."""
    dump = airline_world.tau2_dump()
    return {
        drop: {
            col: {key: _compact(strip_nulls(v) if drop else v) for key, v in entities.items()}
            for col, entities in dump.items()
        }
        for drop in (False, True)
    }


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _fork_sha256(
    base: AirlineWorld, world: AirlineWorld, pieces: dict[str, dict[str, str]], drop: bool
) -> str:
    """tau2's DB hash of a fork, reusing the base's entity texts for entities still shared
    (the text equals json.dumps(dump, sort_keys=True, separators=(",", ":")) of the whole)."""
    parts = []
    for col in sorted(COLLECTIONS):
        old, new = getattr(base, col), getattr(world, col)
        items = []
        for key in sorted(new):
            if old.get(key) is new[key]:
                text = pieces[col][key]
            else:
                entity = new[key].model_dump()
                text = _compact(strip_nulls(entity) if drop else entity)
            items.append(f"{json.dumps(key)}:{text}")
        parts.append(f"{json.dumps(col)}:{{{','.join(items)}}}")
    return hashlib.sha256(f"{{{','.join(parts)}}}".encode()).hexdigest()


@pytest.mark.parametrize("case", GOLD, ids=[f"task{c['task_id']}" for c in GOLD])
def test_gold_replay(
    airline_world: AirlineWorld,
    base_pieces: dict[bool, dict[str, dict[str, str]]],
    case: dict[str, Any],
) -> None:
    tools = AirlineTools.on_fork(airline_world)
    for action, expected in zip(case["actions"], case["responses"], strict=True):
        result = tools.call(action["name"], action["arguments"])
        assert (result.content, result.error) == (expected["content"], expected["error"])
    assert changed_entities(airline_world, tools.world) == case["changed"]
    full = _fork_sha256(airline_world, tools.world, base_pieces[False], drop=False)
    nonull = _fork_sha256(airline_world, tools.world, base_pieces[True], drop=True)
    assert (full, nonull) == (case["final_db_sha256"], case["final_db_sha256_nonull"])


@pytest.mark.parametrize("task_id", ["14", "23"])
def test_gold_final_hashes_on_whole_world(airline_world: AirlineWorld, task_id: str) -> None:
    """The slow, direct way for two booking tasks: a full copy, tau2's hash of the whole dump,
    and the file form (`toolmine replay`'s final_world) hashing as tau2's null-free form."""
    case = next((c for c in GOLD if c["task_id"] == task_id), None)
    if case is None:
        pytest.skip("gold replay data absent")
    world = airline_world.copy_world()
    tools = AirlineTools(world)
    for action in case["actions"]:
        assert not tools.call(action["name"], action["arguments"]).error
    assert tau2_sha256(world) == case["final_db_sha256"]
    assert tau2_sha256(world, drop_nulls=True) == case["final_db_sha256_nonull"]
    assert (
        hashlib.sha256(_compact(world.to_json()).encode()).hexdigest()
        == (case["final_db_sha256_nonull"])
    )
    assert tau2_sha256(airline_world) == INITIAL_SHA256  # the copy left the original alone


@pytest.mark.parametrize("task", TASKS, ids=[f"task{t['id']}" for t in TASKS])
def test_all_gold_actions_replay_without_errors(
    airline_world: AirlineWorld, task: dict[str, Any]
) -> None:
    tools = AirlineTools.on_fork(airline_world)
    for action in task["evaluation_criteria"]["actions"] or []:
        result = tools.call(action["name"], action["arguments"])
        assert not result.error, f"{action['name']}: {result.content}"


def test_schemas_equal_tau2s(tau2_dir: Path) -> None:
    expected = json.loads((tau2_dir / "airline_tool_schemas_openai.json").read_text())
    actual = AirlineTools.schemas()
    assert [s["function"]["name"] for s in actual] == [s["function"]["name"] for s in expected]
    for mine, theirs in zip(actual, expected, strict=True):
        # Descriptions are ours; names, types, nesting, enums and required fields must match.
        assert _without_descriptions(mine) == _without_descriptions(theirs)
        assert mine["function"]["description"]


def _without_descriptions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_descriptions(v) for k, v in value.items() if k != "description"}
    if isinstance(value, list):
        return [_without_descriptions(v) for v in value]
    return value


def test_conformance_data_present_or_skipped(tau2_dir: Path) -> None:
    # Guards against silently testing nothing when the data is there but unreadable.
    assert len(PROBES) >= 150 and len(GOLD) == 30 and len(TASKS) == 50
