"""The compute activities (rollout, synthesize) themselves, without a server."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.compute import rollout, synthesize
from activities.ledger import LedgerActivities
from activities.models import RecordResultsInput, RolloutInput, SynthesizeInput, slim_task
from mining.dag.synthesize import sample_tasks
from mining.harvest.config import HarvestConfig
from mining.store.db import Store


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


def test_a_slim_synthesized_candidate_is_recorded_whole() -> None:
    # the synthesize step sends its task slim (its world crosses the history once); the ledger
    # rebuilds the expected final world before storing the candidate
    cfg = HarvestConfig(harvest_id="h", target="sim:mid", domain="airline")
    params = sample_tasks("airline", 1, 3)[0].params
    inp = SynthesizeInput(harvest_id="h", config=cfg, iteration=0, index=0, params=params)
    whole = ActivityEnvironment().run(synthesize, inp)
    slim = ActivityEnvironment().run(synthesize, inp.model_copy(update={"slim": True}))
    assert whole.candidate.task is not None and slim.candidate.task is not None
    assert whole.candidate.task["expected_final_world"] != {}
    assert slim.candidate.task["expected_final_world"] == {}
    assert slim.expected_delta and whole.expected_delta is None
    assert len(slim.model_dump_json()) < len(whole.model_dump_json())
    store = Store(":memory:")
    ledger = LedgerActivities(store)
    record = RecordResultsInput(candidate=slim.candidate, expected_delta=slim.expected_delta)
    ActivityEnvironment().run(ledger.record_results, record)
    (stored,) = store.query("SELECT task FROM candidates", [])
    assert json.loads(stored[0]) == whole.candidate.task
