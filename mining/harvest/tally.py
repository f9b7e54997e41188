"""How one candidate's rollouts add up to a decision, with errored rollouts set apart.

Shared by the in-process loop and the iteration workflow, so both run the same waves and reach
the same verdicts.

Rollouts start in waves of at most `rollout_concurrency`; results are counted between waves (so
early stopping never depends on which rollout finished first) and no wave starts once the window
verdict is settled.

An *errored* rollout (its activity gave up: retries exhausted, a non-retryable provider error, a
timeout) says nothing about the target, so it counts neither as a pass nor as a failure. The rule:
it is **replaced** by a rollout at the next unused index (a fresh seed), until
`max_errored_rollouts` of the candidate's rollouts have errored; the candidate is then
**undecided**: recorded with what it had, never harvested, and shown to the proposers without a
verdict. Indexes are handed out in order, so a re-run of the iteration asks for the same indexes
and can reuse every rollout already recorded.
"""

from __future__ import annotations

from collections import Counter

from mining.harvest.config import CandidateOutcome, HarvestConfig, window_of
from mining.store.records import RolloutOutcome


class Tally:
    """The running count of one candidate's rollouts (mutable; one per candidate)."""

    def __init__(self, cfg: HarvestConfig, candidate_id: str) -> None:
        self.cfg = cfg
        self.window = window_of(cfg)
        self.max_errored = cfg.max_errored_rollouts or cfg.k
        self.out = CandidateOutcome(candidate_id=candidate_id, synthesized=True)
        self.failures = 0
        self.errors: Counter[str] = Counter()
        self._next = 0

    def next_wave(self) -> list[int]:
        """The rollout indexes to run next; empty once the candidate is decided or undecided."""
        if self._settled() or self.out.errored >= self.max_errored:
            return []
        size = min(self.cfg.rollout_concurrency, self.cfg.k - self.out.rollouts)
        wave = list(range(self._next, self._next + size))
        self._next += size
        return wave

    def add(self, r: RolloutOutcome) -> None:
        if r.error_class is not None:
            self.out.errored += 1
            self.errors[r.error_class] += 1
            return
        self.out.rollouts += 1
        self.out.passes += int(r.passed)
        self.failures += int(not r.passed)
        self.out.tokens += r.tokens
        self.out.cost_usd += r.cost_usd

    def outcome(self) -> CandidateOutcome:
        """The decision: in the window only after all k counted rollouts ran."""
        out = self.out.model_copy(update={"errors": dict(self.errors)})
        out.undecided = not self._settled()
        out.in_window = out.rollouts == self.cfg.k and self.window.holds(out.passes, out.rollouts)
        return out

    def _settled(self) -> bool:
        return self.window.can_stop(self.out.passes, self.failures)
