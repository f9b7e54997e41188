"""Compute activities (the `compute` queue): synthesis, rollouts, analysis.

Stateless and safe to run on any number of machines: worlds arrive inline, nothing touches the
store. A retried rollout simply re-runs from the start (same seed, same result for simulated
targets); a rollout heartbeats every few seconds, also during a slow model call
(`activities.heartbeat`), so Temporal notices a dead worker quickly. Every failed attempt of a
rollout reaches the store with its error class (`activities.failures`).

What a rollout sends back is kept lean, because it crosses Temporal twice (to the workflow, then
to the ledger): the failure analysis runs here, next to the trajectory, instead of shipping task
and trajectory to an `analyze` activity, and the final world travels as a delta against the task's
world, which the ledger already holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import failures, heartbeat, names
from activities.errors import boundary
from activities.models import (
    AnalyzeInput,
    AnalyzeOutput,
    RolloutInput,
    RolloutOutput,
    SynthesizeInput,
    SynthesizeOutput,
)
from activities.payloads import check_payload
from mining.harvest import steps
from mining.harvest.ids import locate
from mining.store import delta
from mining.store.records import RolloutRecord


@activity.defn(name=names.SYNTHESIZE)
def synthesize(inp: SynthesizeInput) -> SynthesizeOutput:
    with boundary():
        rec, _ = steps.synthesize(inp.config, inp.harvest_id, inp.iteration, inp.index, inp.params)
    out = SynthesizeOutput(candidate=rec)
    if inp.slim:  # slimmed here, where synthesis ran, not in the workflow
        out = out.slimmed()
    try:
        check_payload(out, f"candidate {rec.candidate_id}")
    except ApplicationError as exc:  # too big to send is a rejection like any other, not a crash
        rejected = rec.model_copy(update={"task": None, "rejection": exc.message})
        out = SynthesizeOutput(candidate=rejected)
    where = _where()
    if out.candidate.rejection:
        activity.logger.info(f"candidate rejected: {out.candidate.rejection}", extra=where)
    else:
        activity.logger.info(f"candidate synthesized in cell {rec.cell}", extra=where)
    return out


@activity.defn(name=names.ROLLOUT)
def rollout(inp: RolloutInput) -> RolloutOutput:
    info = activity.info()
    earlier = failures.earlier_failures(info)
    turns = [0]  # the turn the rollout reached, for the heartbeat details

    def run(stop: threading.Event) -> RolloutOutput:
        def on_turn(turn: int) -> None:
            turns[0] = turn
            heartbeat.check(stop)  # the attempt ended (timed out, cancelled): stop spending

        with boundary():
            task = inp.full_task()
            rec = steps.rollout(
                inp.config, inp.harvest_id, task, inp.candidate_seed, inp.index, on_turn=on_turn
            )
            analysis = steps.analyze(task, rec) if inp.lean and not rec.passed else None
        rec.attempt = info.attempt
        if inp.lean:
            rec = lean(rec, task.world)
        out = RolloutOutput(rollout=rec, analysis=analysis, failed_attempts=earlier)
        check_payload(out, f"rollout {rec.rollout_id}")
        return out

    where = _where()
    activity.logger.debug("rollout started", extra=where)
    try:
        # heartbeats go on during a slow model call: the heartbeat timeout need not cover one
        out = heartbeat.beating(
            run,
            inp.config.timeouts.beat_every_s,
            lambda: failures.beat(info.attempt, turns[0], earlier),
        )
    except Exception as exc:
        activity.logger.warning(f"rollout attempt {info.attempt} failed: {exc}", extra=where)
        raise failures.failed(info, exc, earlier) from exc
    rec = out.rollout
    activity.logger.info(
        f"rollout {'passed' if rec.passed else 'failed'} ({rec.termination}, "
        f"{rec.latency_s:.1f} s, attempt {rec.attempt})",
        extra=where,
    )
    return out


def _where() -> dict[str, Any]:
    """Harvest, iteration, candidate and rollout of the running activity (from its ids)."""
    info = activity.info()
    return locate(info.workflow_id, info.activity_id)


def lean(rec: RolloutRecord, world: dict[str, Any]) -> RolloutRecord:
    """The record with its final world replaced by the changes it made to `world`."""
    if rec.final_world is None:
        return rec
    changes = delta.diff(world, rec.final_world)
    return rec.model_copy(update={"final_world": None, "final_world_delta": changes})


@activity.defn(name=names.ANALYZE)
def analyze(inp: AnalyzeInput) -> AnalyzeOutput:
    """Kept for iterations started before analysis moved into `rollout` (they still call it)."""
    with boundary():
        return AnalyzeOutput(analysis=steps.analyze(inp.task, inp.rollout))


COMPUTE_ACTIVITIES: list[Callable[..., Any]] = [synthesize, rollout, analyze]
