"""Done-when figures of the simulated targets on 100 synthesized airline tasks."""

from __future__ import annotations

import pytest

from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.targets.sim.agent import task_features
from mining.targets.sim.profiles import load_profile

pytestmark = pytest.mark.slow  # 100-task sweeps of the simulated targets


@pytest.fixture(scope="module")
def airline_tasks() -> list[Task]:
    tasks = sample_tasks("airline", 100, seed=1)
    assert len(tasks) == 100
    return tasks


def _outcomes(tasks: list[Task], target: str, k: int) -> dict[str, list[bool]]:
    spec = parse_target(target)
    return {t.task_id: [run_rollout(t, spec, i, 7).passed for i in range(k)] for t in tasks}


def _rate(outcomes: dict[str, list[bool]], ids: set[str] | None = None) -> float:
    values = [p for tid, ps in outcomes.items() if ids is None or tid in ids for p in ps]
    return sum(values) / len(values)


def test_strong_mid_weak_on_100_airline_tasks(airline_tasks: list[Task]) -> None:
    strong = _rate(_outcomes(airline_tasks, "sim:strong", 2))
    mid = _rate(_outcomes(airline_tasks, "sim:mid", 2))
    weak = _rate(_outcomes(airline_tasks, "sim:weak", 2))
    assert strong >= 0.9
    assert strong > mid + 0.1 > weak + 0.2


def test_mid_pass_rate_is_lower_in_its_weak_regions(airline_tasks: list[Task]) -> None:
    profile = load_profile("mid")
    outcomes = _outcomes(airline_tasks, "sim:mid", 4)
    assert len(profile.weak_regions) >= 4
    for region in [r.name for r in profile.weak_regions]:
        inside = {
            t.task_id for t in airline_tasks if region in profile.weak_regions_of(task_features(t))
        }
        outside = {t.task_id for t in airline_tasks} - inside
        assert inside and outside
        assert _rate(outcomes, inside) < _rate(outcomes, outside), region


def test_weak_fails_more_with_more_intents(airline_tasks: list[Task]) -> None:
    assert load_profile("weak").errors["drop_second_intent"].weights["n_intents"] > 0
    outcomes = _outcomes(airline_tasks, "sim:weak", 4)
    # refusal traps are weak's other (hopeless) spot: compare chains without them
    plain = [t for t in airline_tasks if not t.features.get("policy_trap")]
    one = {t.task_id for t in plain if t.features.get("n_intents") == 1}
    many = {t.task_id for t in plain if t.features.get("n_intents", 0) >= 3}
    assert one and many
    assert _rate(outcomes, many) < _rate(outcomes, one)


def test_strong_fails_only_in_its_weak_regions(airline_tasks: list[Task]) -> None:
    profile = load_profile("strong")
    outcomes = _outcomes(airline_tasks, "sim:strong", 4)
    inside = {t.task_id for t in airline_tasks if profile.weak_regions_of(task_features(t))}
    outside = {t.task_id for t in airline_tasks} - inside
    assert inside and outside
    assert _rate(outcomes, outside) >= 0.95 and _rate(outcomes, inside) <= 0.6
