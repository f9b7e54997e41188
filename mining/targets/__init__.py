"""Targets a rollout can talk to: litellm models and simulated agents (`sim:<profile>`)."""

from __future__ import annotations

from mining.core.task import Task
from mining.llm.spec import ModelSpec
from mining.targets.base import GREETING, Agent, AgentTurn, RawToolCall


def make_agent(target: ModelSpec, task: Task, seed: int, index: int) -> Agent:
    """The agent for one rollout: in-process simulation for `sim:...`, litellm otherwise."""
    if target.is_sim:
        from mining.targets.sim.agent import SimAgent

        return SimAgent(task, target.sim_profile, seed, index, latency_ms=target.latency_ms)
    from mining.targets.litellm_target import LiteLLMAgent

    return LiteLLMAgent(target, task, seed, index)


__all__ = ["GREETING", "Agent", "AgentTurn", "RawToolCall", "make_agent"]
