"""What a candidate costs and how likely it lands in the window, at a given pass rate.

k rollouts at pass rate p: the chance their pass count lands inside the window (for a known p,
and for a Beta-distributed one), the rollouts spent on average when waves stop early once the
verdict is settled, and the floor on rollouts per harvested task no proposer can beat. Every
verdict comes from the harvest's `Window` (cached per window: this arithmetic runs thousands of
times per proposal).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict

from mining.core.window import Window
from mining.propose.context import ProposerContext


@functools.cache
def _counts(window: Window) -> tuple[int, ...]:
    return tuple(window.counts())


@functools.cache
def _can_stop(window: Window, passes: int, failures: int) -> bool:
    return window.can_stop(passes, failures)


def window_probability(p: float, ctx: ProposerContext) -> float:
    """P(k rollouts at pass rate p give a pass count inside the window)."""
    return sum(math.comb(ctx.k, c) * p**c * (1 - p) ** (ctx.k - c) for c in _counts(ctx.window))


def window_predictive(alpha_beta: tuple[float, float], ctx: ProposerContext) -> float:
    """P(k rollouts give a pass count inside the window) when the pass rate is Beta(alpha, beta)
    (beta-binomial): the window chance of a point as the pass-rate model sees it."""
    a, b = alpha_beta
    log_norm = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    total = 0.0
    for c in _counts(ctx.window):
        log_c = math.lgamma(c + a) + math.lgamma(ctx.k - c + b) - math.lgamma(ctx.k + a + b)
        total += math.comb(ctx.k, c) * math.exp(log_c - log_norm)
    return total


def expected_rollouts(p: float, ctx: ProposerContext) -> float:
    """Rollouts spent on average at pass rate p: they run in waves of `ctx.wave`, and a
    candidate stops after the wave that settles its verdict (e.g. 3 passes of 4: too easy)."""
    wave, window = max(1, ctx.wave), ctx.window
    dist = {0: 1.0}  # passes so far -> probability, over candidates still running
    spent, done = 0.0, 0
    while done < ctx.k and dist:
        size = min(wave, ctx.k - done)
        nxt: dict[int, float] = defaultdict(float)
        for passes, prob in dist.items():
            if _can_stop(window, passes, done - passes):
                continue
            spent += prob * size
            for c in range(size + 1):
                q = math.comb(size, c) * p**c * (1 - p) ** (size - c)
                nxt[passes + c] += prob * q
        dist, done = dict(nxt), done + size
    return spent


def rollouts_floor(ctx: ProposerContext) -> float:
    """The fewest target rollouts per harvested task that any proposer can expect: a candidate's
    k rollouts are independent draws at its pass rate p, so it costs `expected_rollouts(p)` for a
    `window_probability(p)` chance of a task, and a mix of points (or of tasks within a point)
    averages those costs and chances, so it cannot beat the best single p."""
    grid = (i / 1000 for i in range(1, 1000))
    return min(
        expected_rollouts(p, ctx) / hit for p in grid if (hit := window_probability(p, ctx)) > 0
    )
