"""The rollout activity itself, without a server."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.compute import rollout
from activities.models import RolloutInput, slim_task
from mining.dag.synthesize import sample_tasks
from mining.harvest.config import HarvestConfig


def _input(slim: bool) -> RolloutInput:
    task = sample_tasks("airline", 1, 3)[0]
    sent, expected = slim_task(task) if slim else (task, None)
    return RolloutInput(
        harvest_id="h",
        config=HarvestConfig(harvest_id="h", target="sim:mid"),
        task=sent,
        candidate_seed=11,
        index=0,
        lean=True,
        expected_delta=expected,
    )


def _run(inp: RolloutInput) -> Any:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, heartbeat_timeout=timedelta(seconds=60))
    return env.run(rollout, inp)


def test_a_slim_task_scores_as_the_whole_one() -> None:
    # the task travels slim (its expected final world as a delta) and is rebuilt before scoring
    whole, slim = _run(_input(slim=False)), _run(_input(slim=True))
    assert _input(slim=True).task.expected_final_world == {}
    assert slim.rollout.passed == whole.rollout.passed
    assert slim.rollout.score == whole.rollout.score
    assert slim.rollout.final_world_delta == whole.rollout.final_world_delta
