"""The harvest loop in-process, without Temporal.

It runs exactly the steps the workflows run (same ids, seeds, waves, early stopping, errored
rollouts and selection), so `toolmine bench orchestration` compares like with like and the
proposer benchmark can mine without a server. It is not durable: a crash loses the iteration in
flight, but the store keeps what was recorded, and re-running continues after the last recorded
iteration, re-running the one in flight with its recorded proposal and rollouts (nothing is
written, or paid, twice). An iteration whose every rollout errored stops the loop as `stalled`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from mining.core.task import Task
from mining.harvest import bookkeeping, steps
from mining.harvest.config import (
    CandidateOutcome,
    Counters,
    HarvestConfig,
    IterationTotals,
    check_config,
    select,
    stall_reason,
    stop_reason,
)
from mining.harvest.tally import Tally
from mining.rollout.retry import with_retries
from mining.store.db import Store
from mining.store.records import (
    AttemptFailure,
    FailedAttempts,
    RolloutOutcome,
    RolloutRecord,
    rollout_key,
)


class LoopResult(Counters):
    harvest_id: str
    stop: str


def run_harvest(
    cfg: HarvestConfig,
    store: Store,
    *,
    concurrency: int = 8,
    on_iteration: Callable[[Counters], None] | None = None,
) -> LoopResult:
    """Mine until N tasks are harvested, a budget is spent or the harvest stalls; `concurrency`
    bounds the rollouts in flight (the in-process twin of a worker's max concurrent
    activities)."""
    check_config(cfg)
    if not cfg.harvest_id:
        raise ValueError("an in-process harvest needs cfg.harvest_id")
    hid = cfg.harvest_id
    store.record_harvest(steps.harvest_record(cfg, hid))
    # Resume after the last recorded iteration: re-running a harvest continues it (and re-running
    # a finished one writes nothing), whatever the proposer made of the history since.
    counters = bookkeeping.counters(store, hid)
    status, why = "completed", None
    with (
        ThreadPoolExecutor(cfg.batch_size, thread_name_prefix="cand") as cands,
        ThreadPoolExecutor(concurrency, thread_name_prefix="rollout") as rollouts,
    ):
        while (reason := stop_reason(cfg, counters)) is None:
            it = _iteration(cfg, store, counters, cands, rollouts)
            if it.stop is not None:  # nothing proposed: the harvest cannot make progress
                reason = it.stop
                break
            counters.add(it)
            if on_iteration is not None:
                on_iteration(counters)
            if (why := stall_reason(it)) is not None:
                status, reason = "stalled", f"stalled: {why}"
                break
    store.set_status(hid, status, reason=why)
    return LoopResult(harvest_id=hid, stop=reason, **counters.model_dump())


def _iteration(
    cfg: HarvestConfig,
    store: Store,
    counters: Counters,
    cands: ThreadPoolExecutor,
    rollouts: ThreadPoolExecutor,
) -> IterationTotals:
    hid, iteration = cfg.harvest_id, counters.iterations
    proposal = bookkeeping.propose(store, cfg, iteration)
    if proposal.stop is not None:
        return IterationTotals(iteration=iteration, stop=proposal.stop)
    points = proposal.points

    def candidate(index: int) -> CandidateOutcome:
        rec, task = steps.synthesize(cfg, hid, iteration, index, points[index])
        store.record_candidate(rec)
        if task is None:
            return CandidateOutcome(candidate_id=rec.candidate_id, synthesized=False)
        return _evaluate(cfg, store, task, rec.seed, rollouts)

    outcomes = list(cands.map(candidate, range(len(points))))
    # Every in-window candidate, in order: the store admits them up to N and the cell cap,
    # counting candidates it already holds (a re-run) once - exactly as the workflow's ledger does.
    return bookkeeping.finish_iteration(
        store, cfg, iteration, outcomes, select(outcomes, len(outcomes))
    )


def _evaluate(
    cfg: HarvestConfig, store: Store, task: Task, cand_seed: int, pool: ThreadPoolExecutor
) -> CandidateOutcome:
    """Rollouts in waves until the window verdict is settled (or too many errored); rollouts
    already recorded by an earlier run are reused, not run again."""
    tally = Tally(cfg, task.task_id)
    recorded = {r.index: r for r in store.recorded_outcomes(task.task_id)}
    while wave := tally.next_wave():
        fresh = [i for i in wave if i not in recorded]
        runs = pool.map(lambda j: _rollout(cfg, task, cand_seed, j), fresh)
        ran = dict(zip(fresh, runs, strict=True))
        for i in wave:
            if i in recorded:
                tally.add(recorded[i])
                continue
            rec, failures = ran[i]
            tally.add(_record(store, cfg.harvest_id, task, i, rec, failures))
    return tally.outcome()


def _record(
    store: Store,
    harvest_id: str,
    task: Task,
    index: int,
    rec: RolloutRecord | None,
    failures: list[AttemptFailure],
) -> RolloutOutcome:
    """Store a rollout's result (with its analysis when it failed) and its failed attempts."""
    if rec is not None:
        store.record_rollout(rec, None if rec.passed else steps.analyze(task, rec))
    if failures:
        store.record_failed_attempts(
            FailedAttempts(
                rollout_id=rollout_key(task.task_id, index),
                candidate_id=task.task_id,
                harvest_id=harvest_id,
                index=index,
                failures=failures,
                gave_up=rec is None,
            )
        )
    if rec is None:
        return RolloutOutcome(index=index, error_class=failures[-1].error_class)
    return rec.outcome()


def _rollout(
    cfg: HarvestConfig, task: Task, cand_seed: int, index: int
) -> tuple[RolloutRecord | None, list[AttemptFailure]]:
    """One rollout with the retries Temporal would otherwise own (`mining.rollout.retry`: the
    rollout activity's policy). Returns the record (None when it gave up) and every failed
    attempt; any error is a failed attempt, as in the rollout activity, but only a retryable
    provider error is tried again (a bug would fail the same way)."""
    failures: list[AttemptFailure] = []
    attempt = 0

    def failed(exc: Exception) -> None:
        failures.append(
            AttemptFailure(attempt=attempt, error_class=type(exc).__name__, message=str(exc))
        )

    def once() -> RolloutRecord:
        nonlocal attempt
        attempt += 1
        return steps.rollout(cfg, cfg.harvest_id, task, cand_seed, index)

    try:
        rec = with_retries(once, time.sleep, on_retry=lambda _a, exc, _d: failed(exc))
    except Exception as exc:
        failed(exc)
        return None, failures
    return rec.model_copy(update={"attempt": attempt}), failures
