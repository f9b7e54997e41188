"""Helpers for tests of one sampled task at a pinned point: sample it, score a rollout, and a
simulated target that always commits one named error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.rollout.scoring import Score


def pinned_task(seed: int = 4, **fixed: Any) -> Task:
    """The first airline task sampled with these axes pinned."""
    tasks = sample_tasks("airline", 1, seed, fixed_params=fixed)
    assert tasks, fixed
    return tasks[0]


def score_of(task: Task, target: str, index: int = 0) -> Score:
    """The strict verifier's score of one rollout of `target` on the task."""
    result = run_rollout(task, parse_target(target), index, 1)
    assert result.score is not None
    return result.score


def forced_error(tmp_path: Path, error: str) -> str:
    """A `sim:file:` target that commits `error` wherever the task gives it room."""
    path = tmp_path / f"{error}.json"
    path.write_text(json.dumps({"name": error, "errors": {error: {"base_logit": 20.0}}}))
    return f"sim:file:{path}"
