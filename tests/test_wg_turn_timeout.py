"""`--turn-timeout` bounds every model call of a WG harvest, not only the target's: the
strategist, the world actor and the oracle (a slow role would otherwise hang on litellm's
default), and a role that sets its own timeout is refused up front."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from mining.core.errors import UserError
from mining.dag.synthesize import sample_tasks
from mining.harvest.config import HarvestConfig, Timeouts, wg_settings
from mining.llm.spec import ModelSpec
from mining.llm.structured import StructuredOutputError
from mining.wg import oracle_filter, world_actor
from mining.wg.config import WGSettings, check_settings
from mining.wg.strategist import next_hypothesis


class Capture:
    """A completion that records its keyword arguments and answers with an unusable object."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content="{}"))])


def _settings(**over: Any) -> WGSettings:
    base: dict[str, Any] = dict(
        harvest_id="h", strategist="openai/planner", world_actor="openai/builder", turn_s=7.0
    )
    return WGSettings(**(base | over))


def test_strategist_and_world_actor_calls_carry_the_turn_timeout() -> None:
    s = _settings()
    strategist = Capture()
    hypothesis = next_hypothesis(s, [], 0, completion=strategist)  # unusable answer: fallback
    actor = Capture()
    with pytest.raises(StructuredOutputError):
        world_actor.describe(s, hypothesis, completion=actor)
    assert [c["timeout"] for c in strategist.calls + actor.calls] == [7.0, 7.0]


def test_oracle_and_target_rollouts_carry_the_turn_timeout(monkeypatch: Any) -> None:
    seen: list[ModelSpec] = []

    def rollout(task: Any, spec: ModelSpec, *args: Any, **kwargs: Any) -> Any:
        seen.append(spec)
        raise RuntimeError("stop after the first call")

    monkeypatch.setattr(oracle_filter, "run_rollout", rollout)
    task = sample_tasks("airline", 1, 3)[0]
    for run in (oracle_filter.run_oracle, oracle_filter.run_trial):
        with pytest.raises(RuntimeError):
            run(_settings(), task)
    assert [(spec.model, spec.timeout_s) for spec in seen] == [
        ("sim:strong", 7.0),
        ("sim:mid", 7.0),
    ]


def test_the_harvest_turn_timeout_reaches_the_wg_settings() -> None:
    cfg = HarvestConfig(harvest_id="h", mode="wg", timeouts=Timeouts(turn_s=9.0))
    assert wg_settings(cfg).turn_s == 9.0


def test_a_role_with_its_own_timeout_is_refused_up_front() -> None:
    with pytest.raises(UserError, match="--turn-timeout"):
        check_settings(_settings(oracle="sim:strong?timeout_s=5"))
