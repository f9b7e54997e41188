"""Targets a rollout can talk to: litellm models and simulated agents (`sim:<profile>`)."""

from __future__ import annotations

from mining.core.task import Task
from mining.llm.spec import ModelSpec, parse_target
from mining.targets.base import GREETING, Agent, AgentTurn, RawToolCall


def make_agent(target: ModelSpec, task: Task, seed: int, index: int) -> Agent:
    """The agent for one rollout: in-process simulation for `sim:...`, litellm otherwise."""
    if target.is_sim:
        from mining.targets.sim.agent import SimAgent

        return SimAgent(task, target.sim_profile, seed, index, latency_ms=target.latency_ms)
    from mining.targets.litellm_target import LiteLLMAgent

    return LiteLLMAgent(target, task, seed, index)


def resolve_target(text: str, api_base: str | None = None) -> ModelSpec:
    """Parse a `--target` and check what can be checked before any rollout: its options, and for
    a simulated target that its profile exists and loads. Every command that takes a target calls
    this first, so `eval` and `harvest start` refuse the same things."""
    spec = parse_target(text, api_base=api_base)
    if spec.is_sim:
        from mining.targets.sim.profiles import load_profile

        load_profile(spec.sim_profile)
    return spec


__all__ = ["GREETING", "Agent", "AgentTurn", "RawToolCall", "make_agent", "resolve_target"]
