"""Compute activities (the `compute` queue): synthesis, rollouts, analysis.

Stateless and safe to run on any number of machines: worlds arrive inline, nothing touches the
store. A retried rollout simply re-runs from the start (same seed, same result for simulated
targets); heartbeats each turn let Temporal notice a dead worker quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.errors import boundary, guard_size
from activities.models import (
    AnalyzeInput,
    AnalyzeOutput,
    RolloutInput,
    RolloutOutput,
    SynthesizeInput,
    SynthesizeOutput,
)
from mining.harvest import steps


@activity.defn(name="synthesize")
def synthesize(inp: SynthesizeInput) -> SynthesizeOutput:
    with boundary():
        rec, _ = steps.synthesize(inp.config, inp.harvest_id, inp.iteration, inp.index, inp.params)
    out = SynthesizeOutput(candidate=rec)
    guard_size(out, f"candidate {rec.candidate_id}")
    return out


@activity.defn(name="rollout")
def rollout(inp: RolloutInput) -> RolloutOutput:
    def on_turn(turn: int) -> None:
        activity.heartbeat(turn)

    with boundary():
        rec = steps.rollout(
            inp.config, inp.harvest_id, inp.task, inp.candidate_seed, inp.index, on_turn=on_turn
        )
    out = RolloutOutput(rollout=rec)
    guard_size(out, f"rollout {rec.rollout_id}")
    return out


@activity.defn(name="analyze")
def analyze(inp: AnalyzeInput) -> AnalyzeOutput:
    with boundary():
        return AnalyzeOutput(analysis=steps.analyze(inp.task, inp.rollout))


COMPUTE_ACTIVITIES: list[Callable[..., Any]] = [synthesize, rollout, analyze]
