"""Evaluate one candidate: k rollouts of the target, the pass rate, and window membership.

Rollouts run in parallel (bounded by `concurrency`) and stop early once membership of the pass-rate
window is certain either way, whatever the remaining rollouts give (window 0 < p <= 0.5 at k = 4:
three passes decide "out", one pass and two failures decide "in"). Results are counted in index
order, so the decision point, and hence the result, is the same on every run for simulated
targets; rollouts past the decision point are cancelled at their next turn and discarded.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from pydantic import BaseModel, Field

from domains import registry
from mining.core.task import Task
from mining.core.window import Window
from mining.llm.spec import ModelSpec
from mining.rollout.analyst import Analysis, analyze
from mining.rollout.estimators import pass_at_k, pass_hat_k
from mining.rollout.loop import RolloutResult, run_rollout
from mining.rollout.retry import OnRetry, with_retries


class CandidateEvaluation(BaseModel):
    task_id: str
    rollouts: list[RolloutResult]
    passes: int
    pass_rate: float
    in_window: bool
    stopped_early: bool
    failure_modes: list[str] = Field(description="analyst top labels, most frequent first")
    failure_counts: dict[str, int] = Field(default_factory=dict)
    analyses: list[Analysis] = Field(default_factory=list, description="one per rollout")
    pass_at_k: dict[int, float] = Field(default_factory=dict)
    pass_hat_k: dict[int, float] = Field(default_factory=dict)
    tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0


class _Cancelled(Exception):
    """Raised from a rollout's turn callback once the candidate is decided."""


def evaluate_candidate(
    task: Task,
    target: ModelSpec,
    window: Window,
    seed: int,
    concurrency: int = 4,
    max_turns: int = 30,
    early_stop: bool = True,
    on_retry: OnRetry | None = None,
) -> CandidateEvaluation:
    """Run up to `window.k` rollouts (index 0..k-1, all with `seed`), stopping early when the
    window decision is certain (unless `early_stop` is False: plain measurement, all k run).
    Retryable provider errors are retried as a harvest retries them (mining.rollout.retry);
    others, and the last failed attempt, propagate (after cancelling the other rollouts)."""
    started = time.monotonic()
    stop = threading.Event()
    registry.get(task.domain)  # load the domain registry here, not racing in the worker threads

    def one(index: int) -> RolloutResult:
        def on_turn(_: int) -> None:
            if stop.is_set():
                raise _Cancelled

        def wait_or_cancel(seconds: float) -> None:
            if stop.wait(seconds):
                raise _Cancelled

        return with_retries(
            lambda: run_rollout(task, target, index, seed, on_turn=on_turn, max_turns=max_turns),
            wait_or_cancel,
            on_retry=on_retry,
        )

    results: dict[int, RolloutResult] = {}
    counted: list[RolloutResult] = []
    decision: bool | None = None
    next_index = 0
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        running: dict[Future[RolloutResult], int] = {}
        try:
            while True:
                while decision is None and next_index < window.k and len(running) < concurrency:
                    running[pool.submit(one, next_index)] = next_index
                    next_index += 1
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        results[index] = future.result()
                    except _Cancelled:
                        continue
                while decision is None and len(counted) in results:
                    counted.append(results[len(counted)])
                    passes = sum(r.passed for r in counted)
                    decided = window.verdict(passes, len(counted) - passes)
                    if early_stop or len(counted) == window.k:
                        decision = decided
                if decision is not None:
                    stop.set()
        except BaseException:
            stop.set()
            raise
    passes = sum(r.passed for r in counted)
    n = len(counted)
    analyses = [analyze(task, r) for r in counted]
    counts = Counter(str(a.top_label) for a in analyses if a.top_label is not None)
    return CandidateEvaluation(
        task_id=task.task_id,
        rollouts=counted,
        passes=passes,
        pass_rate=passes / n if n else 0.0,
        in_window=decision if decision is not None else window.holds(passes, n),
        stopped_early=n < window.k,
        failure_modes=[label for label, _ in counts.most_common()],
        failure_counts=dict(counts),
        analyses=analyses,
        pass_at_k={k: pass_at_k(n, passes, k) for k in range(1, n + 1)},
        pass_hat_k={k: pass_hat_k(n, passes, k) for k in range(1, n + 1)},
        tokens=sum(r.tokens_in + r.tokens_out for r in counted),
        cost=sum(r.cost for r in counted),
        seconds=round(time.monotonic() - started, 4),
    )
