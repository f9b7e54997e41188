"""The verifiers export, loaded by the real `verifiers` package: dataset rows with the prompt
and the task in `info`, a per-rollout world copy, the simulated customer, and a rubric whose
reward is the strict pass; a few rollouts run against the local simulated endpoint and come out
as toolmine's own rollouts of the same tasks do."""

from __future__ import annotations

import importlib
import json
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from mining.llm.spec import parse_target
from mining.reports.export import ExportRow
from mining.rollout.loop import run_rollout
from mining.targets.sim.server import SimServer
from tests.export_fixtures import airline_harvest, rows_of

vf = pytest.importorskip("verifiers")
HID = "vf-export-1"


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[ExportRow]:
    return rows_of(airline_harvest(tmp_path_factory.mktemp("vf"), HID), HID)


@pytest.fixture(scope="module")
def sim_server() -> Iterator[SimServer]:
    server = SimServer("127.0.0.1", 0).start()
    yield server
    server.stop()


@pytest.fixture()
def package(rows: list[ExportRow], tmp_path: Path) -> Iterator[str]:
    from mining.reports.verifiers_export import write_verifiers

    # verifiers' environments install SIGINT/SIGTERM handlers; give the test session its own back
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    done = write_verifiers(rows, tmp_path / "env", HID)
    assert (tmp_path / "env" / "pyproject.toml").read_text().count("verifiers==0.3.1") == 1
    sys.path.insert(0, str(done.folder))
    try:
        yield done.module
    finally:
        sys.path.remove(str(done.folder))
        sys.modules.pop(done.module, None)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.mark.slow
def test_load_environment_rows_and_rubric(rows: list[ExportRow], package: str) -> None:
    env = vf.load_environment(package)
    assert isinstance(env, vf.MultiTurnEnv)
    assert importlib.import_module(package).load_environment  # the package's own entry point
    data = env.get_eval_dataset()
    assert len(data) == len(rows)
    first = data[0]
    roles = [m["role"] for m in first["prompt"]]
    assert roles == ["system", "assistant", "user"]
    assert "<policy>" in first["prompt"][0]["content"]
    scenario = rows[0].user_scenario
    assert scenario is not None  # the customer opens as its scenario says, not with every fact
    assert first["prompt"][2]["content"] == scenario.script.opening
    info = json.loads(first["info"]) if isinstance(first["info"], str) else first["info"]
    assert info["task_id"] == rows[0].task_id and info["world"] == rows[0].world
    names = {t.name for t in env.tool_defs}
    assert {"book_reservation", "get_user_details", "transfer_to_human_agents"} <= names
    rubric = env.rubric
    weights = dict(zip(rubric._get_reward_func_names(), rubric._get_reward_weights(), strict=True))
    assert weights["strict_pass"] == 1.0
    for metric in ("tau2_pass", "needless_transfer_penalty", "golden_writes_matched"):
        assert weights[metric] == 0.0


@pytest.mark.slow
def test_rollouts_against_the_sim_endpoint(
    rows: list[ExportRow], package: str, sim_server: SimServer
) -> None:
    from openai import AsyncOpenAI

    env = vf.load_environment(package)
    client = vf.OpenAIChatCompletionsClient(
        AsyncOpenAI(base_url=sim_server.api_base, api_key="sk-none")
    )
    per_task = 2
    out = env.evaluate_sync(
        client, "sim:mid", num_examples=len(rows), rollouts_per_example=per_task,
        max_concurrent=2,
    )  # fmt: skip
    assert len(out["outputs"]) == len(rows) * per_task
    got: Counter[tuple[str, float]] = Counter()
    for state in out["outputs"]:
        info = json.loads(state["info"]) if isinstance(state["info"], str) else state["info"]
        assert state["reward"] in (0.0, 1.0)
        assert {"tau2_pass", "state_similarity", "needless_transfer_penalty"} <= set(
            state["metrics"]
        )
        got[info["task_id"], state["reward"]] += 1
    # toolmine's own rollouts of the same tasks against the same endpoint, same seeds
    want: Counter[tuple[str, float]] = Counter()
    target = parse_target("openai/sim:mid", api_base=sim_server.api_base)
    for row in rows:
        task = row.task()
        for index in range(per_task):
            res = run_rollout(task, target, index, task.seed)
            want[row.task_id, 1.0 if res.passed else 0.0] += 1
    assert got == want
