"""The harvest loop in-process, without Temporal.

It runs exactly the steps the workflows run (same ids, seeds, waves, early stopping and selection),
so `toolmine bench orchestration` compares like with like and the proposer benchmark can mine
without a server. It is not durable: a crash loses the iteration in flight (the store keeps what
was recorded; re-running resumes after the last recorded iteration and writes nothing twice).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from mining.core.task import Task
from mining.harvest import steps
from mining.harvest.config import (
    CandidateOutcome,
    Counters,
    HarvestConfig,
    IterationTotals,
    check_config,
    in_window,
    max_per_cell,
    outcome_known,
    select,
    stop_reason,
    totals,
    wave_sizes,
)
from mining.llm.errors import ProviderError
from mining.store.db import Store
from mining.store.records import DecisionRecord, RolloutRecord

PROVIDER_ATTEMPTS = 3


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
    """Mine until N tasks are harvested or a budget is spent; `concurrency` bounds the rollouts
    in flight (the in-process twin of a worker's max concurrent activities)."""
    check_config(cfg)
    if not cfg.harvest_id:
        raise ValueError("an in-process harvest needs cfg.harvest_id")
    hid = cfg.harvest_id
    store.record_harvest(steps.harvest_record(cfg, hid))
    # Resume after the last recorded iteration: re-running a harvest continues it (and re-running
    # a finished one writes nothing), whatever the proposer made of the history since.
    counters = Counters()
    for summary in store.iteration_summaries(hid):
        counters.add(IterationTotals.model_validate(summary))
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
    store.set_status(hid, "completed")
    return LoopResult(harvest_id=hid, stop=reason, **counters.model_dump())


def _iteration(
    cfg: HarvestConfig,
    store: Store,
    counters: Counters,
    cands: ThreadPoolExecutor,
    rollouts: ThreadPoolExecutor,
) -> IterationTotals:
    hid, iteration = cfg.harvest_id, counters.iterations
    proposal = steps.propose(cfg, iteration, store.digest(hid), counters.rollouts)
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
    for o in outcomes:
        if o.synthesized:
            store.record_decision(
                hid,
                DecisionRecord(
                    candidate_id=o.candidate_id,
                    passes=o.passes,
                    rollouts=o.rollouts,
                    pass_rate=o.pass_rate,
                    in_window=o.in_window,
                ),
            )
    # Every in-window candidate, in order: the store admits them up to N and the cell cap,
    # counting candidates it already holds (a re-run) once - exactly as the workflow's ledger does.
    chosen = select(outcomes, len(outcomes))
    accepted = store.record_harvested(
        hid, chosen, cfg.k, cfg.n_tasks, max_per_cell=max_per_cell(cfg)
    )
    it = totals(iteration, outcomes, accepted)
    store.record_iteration(hid, iteration, it.model_dump(mode="json"))
    return it


def _evaluate(
    cfg: HarvestConfig, store: Store, task: Task, cand_seed: int, pool: ThreadPoolExecutor
) -> CandidateOutcome:
    """k rollouts in waves, stopping early once the window verdict cannot change."""
    out = CandidateOutcome(candidate_id=task.task_id, synthesized=True)
    start = 0
    for size in wave_sizes(cfg):
        if outcome_known(cfg, out.passes, out.rollouts - out.passes):
            break
        idx = range(start, start + size)
        results = list(pool.map(lambda j: _rollout(cfg, task, cand_seed, j), idx))
        start += size
        for rec in results:
            analysis = None if rec.passed else steps.analyze(task, rec)
            store.record_rollout(rec, analysis)
            out.rollouts += 1
            out.passes += int(rec.passed)
            out.tokens += rec.tokens_in + rec.tokens_out
            out.cost_usd += rec.cost_usd
    out.in_window = out.rollouts == cfg.k and in_window(cfg, out.passes, out.rollouts)
    return out


def _rollout(cfg: HarvestConfig, task: Task, cand_seed: int, index: int) -> RolloutRecord:
    """One rollout with the retries Temporal would otherwise own (retryable provider errors)."""
    for attempt in range(1, PROVIDER_ATTEMPTS + 1):
        try:
            return steps.rollout(cfg, cfg.harvest_id, task, cand_seed, index)
        except ProviderError as exc:
            if not exc.retryable or attempt == PROVIDER_ATTEMPTS:
                raise
            time.sleep(exc.retry_after_s or float(attempt))
    raise AssertionError("unreachable")
