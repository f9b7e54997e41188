"""Adaptive and greedy proposers: spend target rollouts where tasks land inside the window.

Every candidate costs up to k target rollouts, so the proposer decides what a harvested task costs
and how diverse the harvest is. The adaptive proposer:

1. models the pass rate over the parameter space with per-axis effects (additive log-odds, each
   effect shrunk towards the global rate, Beta-Binomial style) plus cell-level evidence (a Beta
   posterior per diversity cell whose prior mean is the axis model's prediction);
2. draws a pass rate per candidate from that posterior (Thompson sampling: exploration for free)
   and scores the probability that k rollouts land inside the window per expected rollout spent;
3. keeps the harvest from collapsing: a coverage bonus for under-sampled cells and axis values,
   a cap on the share of any one cell among harvested tasks, and at most one pick per cell in a
   batch until every cell of the batch is distinct.

`greedy` always proposes the hardest region the same model sees, with no bonus and no cap: the
collapse it shows is the reason the adaptive one has both.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from domains.params import ParamError, ParamSpace
from mining.proposer_context import ProposerContext
from mining.store.records import HistoryEntry

__all__ = ["ProposerContext", "adaptive_proposer", "greedy_proposer"]


# Knobs, named so a reader can see what trades off against what.
POOL_PER_PICK = 40  # candidate points drawn from the space per proposal slot
L2_PENALTY = 1.0  # shrinkage of the axis effects (in log-odds) towards the global rate
FIT_SWEEPS = 12  # coordinate-Newton sweeps of the logistic fit
CELL_PRIOR_ROLLOUTS = 12.0  # how much the axis model counts against a cell's own evidence
NEIGHBOURS_PER_HIT = 4  # extra pool points one axis away from each in-window candidate
COVERAGE_BONUS = 0.1  # value of trying a never-tried cell, decaying with tries
AXIS_VALUE_BONUS = 0.05  # value of trying a rarely tried axis value
TIE_NOISE = 0.05  # log-scale jitter so equal scores do not always pick the same pool point
TRIM_MARGIN = 1.3  # near the end, propose until expected hits reach margin * missing + slack
TRIM_SLACK = 0.5


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# (the point's relevant axis values, passes, rollouts) of one evaluated candidate
_Row = tuple[list[tuple[str, Any]], int, int]


class PassRateModel:
    """A logistic model of the pass rate: per-axis effects fitted on every rollout so far (L2
    shrinkage towards the global rate), plus a Beta posterior per cell whose prior mean is that
    model's prediction, so a cell's own evidence takes over as it accumulates."""

    def __init__(self, space: ParamSpace, history: Sequence[HistoryEntry]) -> None:
        self.space = space
        evaluated = [h for h in history if h.rollouts > 0]
        passes = sum(h.passes for h in evaluated)
        rollouts = sum(h.rollouts for h in evaluated)
        self.global_rate = (passes + 1.0) / (rollouts + 2.0)
        self.cell_counts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for h in evaluated:
            self.cell_counts[h.cell][0] += h.passes
            self.cell_counts[h.cell][1] += h.rollouts
        self.intercept = _logit(self.global_rate)
        self.effects = self._fit(
            [(list(space.relevant(h.params).items()), h.passes, h.rollouts) for h in evaluated]
        )

    def _fit(
        self, rows: list[tuple[list[tuple[str, Any]], int, int]]
    ) -> dict[tuple[str, Any], float]:
        """Penalised binomial log-likelihood, maximised by coordinate-wise Newton steps."""
        effects: dict[tuple[str, Any], float] = defaultdict(float)
        members: dict[tuple[str, Any], list[int]] = defaultdict(list)
        for i, (items, _, _) in enumerate(rows):
            for item in items:
                members[item].append(i)
        eta = [self.intercept] * len(rows)
        for _ in range(FIT_SWEEPS):
            for key in [None, *members]:  # None = the intercept (not penalised)
                idx = range(len(rows)) if key is None else members[key]
                grad = hess = 0.0
                for i in idx:
                    _, s, n = rows[i]
                    p = _sigmoid(eta[i])
                    grad += s - n * p
                    hess += n * p * (1 - p)
                if key is not None:
                    grad -= L2_PENALTY * effects[key]
                    hess += L2_PENALTY
                if hess <= 0:
                    continue
                step = max(-2.0, min(2.0, grad / hess))
                if key is None:
                    self.intercept += step
                else:
                    effects[key] += step
                for i in idx:
                    eta[i] += step
        return dict(effects)

    def predict(self, point: Mapping[str, Any]) -> float:
        """The axis model's pass-rate estimate for a point."""
        logit = self.intercept
        for item in self.space.relevant(point).items():
            logit += self.effects.get(item, 0.0)
        return _sigmoid(logit)

    def posterior(self, point: Mapping[str, Any], cell: str) -> tuple[float, float]:
        """Beta(alpha, beta) of the point's pass rate: model prior + the cell's own evidence."""
        prior = self.predict(point)
        passes, rollouts = self.cell_counts.get(cell, (0.0, 0.0))
        alpha = CELL_PRIOR_ROLLOUTS * prior + passes + 0.05
        beta = CELL_PRIOR_ROLLOUTS * (1 - prior) + (rollouts - passes) + 0.05
        return alpha, beta


def _counts_in_window(ctx: ProposerContext) -> list[int]:
    return [c for c in range(ctx.k + 1) if ctx.in_window(c, ctx.k)]


def window_probability(p: float, ctx: ProposerContext) -> float:
    """P(k rollouts at pass rate p give a pass count inside the window)."""
    return sum(math.comb(ctx.k, c) * p**c * (1 - p) ** (ctx.k - c) for c in _counts_in_window(ctx))


def predictive_window_probability(alpha: float, beta: float, ctx: ProposerContext) -> float:
    """P(pass count inside the window) when the pass rate is Beta(alpha, beta) (Beta-Binomial):
    uncertainty about p lowers it, so well-understood points near the window's sweet spot win."""
    k = ctx.k
    log_norm = math.lgamma(alpha + beta) - math.lgamma(alpha) - math.lgamma(beta)
    log_total = math.lgamma(alpha + beta + k)
    return sum(
        math.comb(k, c)
        * math.exp(log_norm + math.lgamma(c + alpha) + math.lgamma(k - c + beta) - log_total)
        for c in _counts_in_window(ctx)
    )


def _known(passes: int, failures: int, ctx: ProposerContext) -> bool:
    """Whether no result of the remaining rollouts can change the window verdict."""
    left = ctx.k - passes - failures
    if left <= 0:
        return True
    return not any(ctx.in_window(passes + extra, ctx.k) for extra in range(left + 1))


def expected_rollouts(p: float, ctx: ProposerContext) -> float:
    """Rollouts spent on average at pass rate p: they run in waves of `ctx.wave`, and a
    candidate stops after the wave that settles its verdict (e.g. 3 passes of 4: too easy)."""
    wave = max(1, ctx.wave)
    dist = {0: 1.0}  # passes so far -> probability, over candidates still running
    spent, done = 0.0, 0
    while done < ctx.k and dist:
        size = min(wave, ctx.k - done)
        nxt: dict[int, float] = defaultdict(float)
        for passes, prob in dist.items():
            if _known(passes, done - passes, ctx):
                continue
            spent += prob * size
            for c in range(size + 1):
                q = math.comb(size, c) * p**c * (1 - p) ** (size - c)
                nxt[passes + c] += prob * q
        dist, done = dict(nxt), done + size
    return spent


def _candidate_pool(space: ParamSpace, rng: random.Random, size: int) -> list[dict[str, Any]]:
    return [dict(space.sample(rng)) for _ in range(size)]


def _neighbours(
    space: ParamSpace, history: Sequence[HistoryEntry], rng: random.Random
) -> list[dict[str, Any]]:
    """Points one axis away from candidates that landed in the window (and those points
    themselves): where one task was learnable, its neighbours often are too."""
    out: list[dict[str, Any]] = []
    for h in history:
        if not h.in_window:
            continue
        out.append(dict(h.params))
        for _ in range(NEIGHBOURS_PER_HIT):
            free = rng.choice(space.names())
            fixed = {k: v for k, v in h.params.items() if k != free and k in space.names()}
            try:
                out.append(dict(space.sample(rng, fixed=fixed)))
            except ParamError:
                continue  # that axis cannot move alone here
    return out


def _harvested_per_cell(history: Sequence[HistoryEntry], ctx: ProposerContext) -> Counter[str]:
    """In-window candidates per cell, as the selection step keeps them (never above the cap)."""
    cap = ctx.cell_cap()
    counts = Counter(h.cell for h in history if h.in_window)
    return Counter({cell: min(n, cap) for cell, n in counts.items()})


def _cold_start(
    space: ParamSpace, pool: list[dict[str, Any]], batch: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Spread a first batch over all axes: each pick maximises axis values not yet chosen."""
    chosen: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    cells: set[str] = set()
    for _ in range(batch):
        best = max(
            pool,
            key=lambda p: (
                space.cell(p) not in cells,
                len(set(space.relevant(p).items()) - seen),
                rng.random(),
            ),
        )
        chosen.append(best)
        seen |= set(space.relevant(best).items())
        cells.add(space.cell(best))
    return chosen


def adaptive_proposer(
    space: ParamSpace,
    history: Sequence[HistoryEntry],
    batch: int,
    seed: int,
    context: ProposerContext | None = None,
) -> list[dict[str, Any]]:
    """The default proposer (see the module docstring)."""
    ctx = context or ProposerContext()
    rng = random.Random(seed)
    pool = _candidate_pool(space, rng, POOL_PER_PICK * max(batch, 1))
    if not any(h.rollouts > 0 for h in history):
        return _cold_start(space, pool, batch, rng)
    pool += _neighbours(space, history, rng)
    model = PassRateModel(space, history)
    harvested = _harvested_per_cell(history, ctx)
    cap = ctx.cell_cap(sum(harvested.values()))
    tried_cells = Counter(h.cell for h in history)
    tried_values: Counter[tuple[str, Any]] = Counter(
        item for h in history for item in space.relevant(h.params).items()
    )
    max_value_tries = max(tried_values.values(), default=1)

    scored: list[tuple[float, float, str, dict[str, Any]]] = []
    for point in pool:
        cell = space.cell(point)
        if harvested[cell] >= cap:
            continue  # anti-collapse: this cell already holds its share
        alpha, beta = model.posterior(point, cell)
        hit = predictive_window_probability(alpha, beta, ctx)
        # Posterior-predictive hit probability per expected rollout: a point whose pass rate is
        # still uncertain scores lower than one known to sit near the window's sweet spot, and
        # the coverage bonuses below pay for the exploration.
        gain = hit / expected_rollouts(alpha / (alpha + beta), ctx)
        gain *= math.exp(TIE_NOISE * rng.gauss(0.0, 1.0))
        bonus = COVERAGE_BONUS / math.sqrt(1 + tried_cells[cell])
        rare = [1 - tried_values[item] / max_value_tries for item in space.relevant(point).items()]
        bonus += AXIS_VALUE_BONUS * (sum(rare) / max(1, len(rare)))
        scored.append((gain * (1 + bonus), hit, cell, point))
    scored.sort(key=lambda t: -t[0])

    chosen: list[dict[str, Any]] = []
    expected_hits = 0.0
    picked_cells: Counter[str] = Counter()
    # First pass: distinct cells, each within its remaining capacity; second pass fills up.
    for distinct in (True, False):
        for _, hit, cell, point in scored:
            if len(chosen) >= batch:
                break
            if point in chosen or harvested[cell] + picked_cells[cell] >= cap:
                continue
            if distinct and picked_cells[cell]:
                continue
            chosen.append(point)
            expected_hits += hit
            picked_cells[cell] += 1
    while len(chosen) < batch:  # every cell capped: keep the harvest going with fresh points
        chosen.append(dict(space.sample(rng)))
    return _trim(chosen, scored, remaining=ctx.target_tasks - sum(harvested.values()))


def _trim(
    chosen: list[dict[str, Any]],
    scored: list[tuple[float, float, str, dict[str, Any]]],
    remaining: int,
) -> list[dict[str, Any]]:
    """Near the end of a harvest, propose only as many candidates as the tasks still missing
    need (with a margin): a full batch for the last two tasks would waste most of its rollouts.
    Costs an extra iteration now and then, never a task."""
    if remaining <= 0:
        return chosen[:1]
    hit_of = {id(point): hit for _, hit, _, point in scored}
    out: list[dict[str, Any]] = []
    expected = 0.0
    for point in chosen:
        out.append(point)
        expected += hit_of.get(id(point), 0.3)
        if expected >= TRIM_MARGIN * remaining + TRIM_SLACK:
            break
    return out


def greedy_proposer(
    space: ParamSpace,
    history: Sequence[HistoryEntry],
    batch: int,
    seed: int,
    context: ProposerContext | None = None,
) -> list[dict[str, Any]]:
    """Always the region the model thinks hardest (lowest predicted pass rate). No exploration,
    no coverage bonus, no cap: it shows how mining collapses onto one vein."""
    rng = random.Random(seed)
    pool = _candidate_pool(space, rng, POOL_PER_PICK * max(batch, 1))
    # Earlier points compete too: once a vein is found greedy keeps mining it (the collapse).
    pool += [dict(h.params) for h in history if h.rollouts > 0 and h.passes < h.rollouts]
    model = PassRateModel(space, history)

    def mean(point: dict[str, Any]) -> float:
        alpha, beta = model.posterior(point, space.cell(point))
        return alpha / (alpha + beta)

    pool.sort(key=mean)
    return pool[:batch]
