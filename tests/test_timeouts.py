"""Timeouts that fit real models: a model turn slower than the heartbeat timeout does not kill its
rollout attempt (heartbeats go on during the call); the per-turn timeout is a flag that reaches
the model call; every rollout activity is bounded by its turns times the turn timeout."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities import heartbeat, names
from cli.main import _register_commands, app
from mining.harvest import ids
from mining.harvest.config import (
    ROLLOUT_ATTEMPT_BUDGET,
    ROLLOUT_SLACK_S,
    Budgets,
    HarvestConfig,
    Queues,
    rollout_bounds,
)
from mining.store.db import Store
from tests.flaky_endpoint import flaky_target, rollout_index
from tests.loopback_chat import ChatEndpoint, Reply
from tests.temporal_fixtures import FAST_TIMEOUTS, run_with_real_workers

_register_commands()

HEARTBEAT_S = 3.0
TURN_S = 20.0
SLOW_TURN_S = 2.5 * HEARTBEAT_S  # far past the heartbeat timeout, well within the turn timeout


def _first_turn_of_rollout_0(body: dict[str, Any]) -> bool:
    return rollout_index(body) == 0 and len(body["messages"]) == 3  # policy, greeting, request


def _rollout_schedules(history: WorkflowHistory) -> list[Any]:
    return [
        e.activity_task_scheduled_event_attributes
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
        and e.activity_task_scheduled_event_attributes.activity_type.name == names.ROLLOUT
    ]


@pytest.mark.slow
async def test_a_turn_slower_than_the_heartbeat_timeout_keeps_its_attempt(
    temporal_env: WorkflowEnvironment, queues: Queues
) -> None:
    # Before: the attempt heartbeated only between turns, so this turn timed it out (heartbeat
    # timeout) and the rollout ran again, paying for the slow turn twice.
    server = flaky_target(
        lambda body, seen: None,
        delay=lambda body, seen: SLOW_TURN_S if _first_turn_of_rollout_0(body) else 0.0,
    )
    cfg = HarvestConfig(
        harvest_id=f"slow-{uuid.uuid4().hex[:8]}",
        domain="mock",
        target="openai/sim:mid",
        api_base=server.api_base,
        k=2,
        n_tasks=1,
        batch_size=1,
        seed=3,
        max_cell_share=None,
        timeouts=FAST_TIMEOUTS.model_copy(update={"heartbeat_s": HEARTBEAT_S, "turn_s": TURN_S}),
        queues=queues,
        budgets=Budgets(max_iterations=1),
    )
    store = Store(":memory:")
    try:
        await run_with_real_workers(temporal_env, cfg, store)
    finally:
        server.close()
    iteration = ids.iteration_workflow_id(cfg.harvest_id, 0)
    history = await temporal_env.client.get_workflow_handle(iteration).fetch_history()
    slow = [b for b in server.requests if _first_turn_of_rollout_0(b)]
    assert len(slow) == 1  # the slow turn was paid for once
    rollouts = store._all("SELECT rollout_id, attempt FROM rollouts", [])
    assert rollouts and all(attempt == 1 for _, attempt in rollouts), rollouts
    assert store._all("SELECT rollout_id, error_class FROM failed_attempts", []) == []

    # and the activity's bounds follow from the turn timeout, not from the heartbeat's
    scheduled = _rollout_schedules(history)
    assert len(scheduled) == len(rollouts)
    attempt_s = cfg.max_turns * TURN_S + ROLLOUT_SLACK_S
    for s in scheduled:
        assert s.heartbeat_timeout.ToTimedelta().total_seconds() == HEARTBEAT_S
        assert s.start_to_close_timeout.ToTimedelta().total_seconds() == attempt_s
        assert s.schedule_to_close_timeout.ToTimedelta().total_seconds() == (
            ROLLOUT_ATTEMPT_BUDGET * attempt_s
        )


def test_rollout_bounds_follow_the_turn_timeout_and_turns() -> None:
    cfg = HarvestConfig(max_turns=10)
    base = rollout_bounds(cfg)
    slower = rollout_bounds(cfg.model_copy(update={"timeouts": cfg.timeouts.model_copy(
        update={"turn_s": 2 * cfg.timeouts.turn_s})}))  # fmt: skip
    longer = rollout_bounds(cfg.model_copy(update={"max_turns": 20}))
    assert slower.attempt_s - base.attempt_s == 10 * cfg.timeouts.turn_s
    assert longer.attempt_s == slower.attempt_s
    assert base.total_s > base.attempt_s and base.heartbeat_s == cfg.timeouts.heartbeat_s
    assert base.heartbeat_s < cfg.timeouts.turn_s  # a dead worker is noticed before a turn ends


def test_an_ended_attempt_stops_its_step_at_the_next_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a cancelled or timed-out attempt does to the rollout still running in its thread:
    the heartbeat raises (as the SDK's cancellation does), the step stops at its next turn."""
    beats: list[int] = []
    turns: list[int] = []
    finished = threading.Event()

    def beat(*details: Any) -> None:
        beats.append(details[0])
        if len(beats) == 3:
            raise RuntimeError("cancelled")

    def rollout(stop: threading.Event) -> str:
        try:
            for turn in range(1000):
                turns.append(turn)
                time.sleep(0.02)  # a model call
                heartbeat.check(stop)
            return "ran to its end"
        finally:
            finished.set()

    monkeypatch.setattr(heartbeat.activity, "heartbeat", beat)
    with pytest.raises(RuntimeError, match="cancelled"):
        heartbeat.beating(rollout, 0.05, lambda: len(turns))
    assert finished.wait(5)
    assert beats == sorted(beats) and len(beats) == 3  # beats carried the progress
    assert len(turns) < 50  # stopped soon after the attempt ended, not after 1000 turns


def test_eval_turn_timeout_reaches_the_model_call() -> None:
    """The first answer takes 3 s: with --turn-timeout 1 the call is abandoned and retried."""
    lock = threading.Lock()
    seen = [0]

    def answer(body: dict[str, Any]) -> Reply:
        from mining.targets.sim.server import complete

        with lock:
            seen[0] += 1
            first = seen[0] == 1
        if first:
            time.sleep(3)
        return Reply(200, complete(body))

    server = ChatEndpoint(answer)
    args = ["eval", "--domain", "mock", "--target", "openai/sim:weak", "--n", "1", "--k", "1"]
    args += ["--min-pass-rate", "0", "--max-pass-rate", "1", "--api-base", server.api_base]
    try:
        result = CliRunner().invoke(app, [*args, "--turn-timeout", "1"])
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    assert result.stderr.count("retry in") == 1 and "imeout" in result.stderr, result.stderr
