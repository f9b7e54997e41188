"""Adaptive and greedy proposers: spend target rollouts where tasks land inside the window.

Every candidate costs up to k target rollouts, so the proposer decides what a harvested task costs
and how diverse the harvest is. The adaptive proposer:

1. models two rates over the parameter space, each as additive effects of axis values and of pairs
   of them (log-odds, shrunk towards the global rate) plus the distance-weighted evidence of
   earlier candidates near a point (`SmoothedRate`): the chance that a candidate lands inside the
   window (the hit model, which is what the score is about) and the target's pass rate (for the
   rollouts a candidate is expected to cost, since easy candidates stop early), both fitted on
   the latest evaluated candidates of the history digest (`mining.store.digest`); caps, coverage
   and the end-of-harvest trim use its whole-history counts;
2. scores each pool point (fresh samples plus neighbours of earlier hits) by expected hits per
   expected rollout;
3. keeps the harvest from collapsing onto one vein: a cap on the share of any one cell among
   harvested tasks, damping for axis values already over-represented among them, a bonus for
   pairs of axis values no harvested task has yet, coverage bonuses for untried cells and values,
   and a quarter of each batch spent exploring axis values that no harvested task has, aimed by
   the window chance that follows from the pass-rate model (`window_predictive`).

`greedy` always proposes the hardest region the pass-rate model sees, with no bonus and no cap: the
collapse it shows is the reason the adaptive one has them.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domains.params import ParamError, ParamSpace
from mining.propose.context import ProposerContext
from mining.store.digest import HistoryDigest, HistoryEntry

__all__ = ["ProposerContext", "adaptive_proposer", "greedy_proposer"]


# Knobs, named so a reader can see what trades off against what. Tuned with
# `toolmine bench proposer` on the shipped profiles and the fixture profiles in
# tests/fixtures/profiles (since stop 12 on seeds 0-7, checked on seeds 8-15).
POOL_PER_PICK = 40  # candidate points drawn from the space per proposal slot
L2_PENALTY = 1.0  # shrinkage of the axis effects (in log-odds) towards the global rate
FIT_SWEEPS = 12  # coordinate-Newton sweeps of the logistic fit
PAIR_EFFECTS = True  # also fit one effect per pair of axis values (interactions, shrunk harder)
PAIR_L2_PENALTY = 1.0  # shrinkage of a pair effect (0.5 lost weak-region coverage, 3 cost more)
PRIOR_ROLLOUTS = 4.0  # how many rollouts the additive pass-rate model counts against evidence
PRIOR_CANDIDATES = 2.0  # same, in candidates, for the hit model
LOCAL_WEIGHT = 0.4  # an earlier candidate's outcome counts LOCAL_WEIGHT ** (axes that differ)
LOCAL_MAX_DISTANCE = 3.0  # candidates further away than this many axes are not local evidence
NEIGHBOURS_PER_HIT = 4  # extra pool points one axis away from each in-window candidate
COVERAGE_BONUS = 0.1  # value of trying a never-tried cell, decaying with tries
AXIS_VALUE_BONUS = 0.05  # value of trying a rarely tried axis value
VALUE_SHARE_DAMPING = 1.0  # score damping per unit of a value's excess share among harvested tasks
FRESH_PAIR_BONUS = 0.5  # value of a point whose pairs of axis values no harvested task has
BATCH_CELL_REPEAT = 0.5  # a second pick from one cell inside a batch counts half
EXPLORE_SHARE = 0.25  # share of a batch spent on axis values no harvested task has yet
TIE_NOISE = 0.05  # log-scale jitter so equal scores do not always pick the same pool point
TRIM_MARGIN = 1.3  # near the end, propose until expected hits reach margin * missing + slack
TRIM_SLACK = 0.5
FILL_HIT = 0.3  # assumed hit chance of a fresh point added when every scored cell is capped


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


Items = tuple[tuple[str, Any], ...]
"""A point as the models see it: its relevant (axis, value) pairs, in axis order (a fixed order,
so sums over them, and the fit, come out the same in every process)."""

# one evaluated candidate: (its items, successes, trials)
_Row = tuple[Items, float, float]


def point_items(space: ParamSpace, point: Mapping[str, Any]) -> Items:
    return tuple(space.relevant(point).items())


class SmoothedRate:
    """A rate over the parameter space (the pass rate, or the chance of landing in the window):
    additive effects of axis values and of pairs of them (`_terms`) in log-odds, fitted on every
    outcome so far with L2 shrinkage towards the global rate, plus the local evidence of earlier
    candidates near a point (each weighted LOCAL_WEIGHT per axis that differs), which catches what
    the fit cannot (interactions of three or more axes, and regions the fit has too little data
    on). The model's prediction counts as `prior_weight` trials against that evidence. A point is
    given by its items (`point_items`), which the caller computes once."""

    def __init__(self, rows: Sequence[_Row], prior_weight: float) -> None:
        # Identical points pool their outcomes: fewer rows to fit and to compare against.
        merged: dict[Items, list[float]] = {}
        for items, s, n in rows:
            total = merged.setdefault(items, [0.0, 0.0])
            total[0] += s
            total[1] += n
        self.rows = [(items, s, n) for items, (s, n) in merged.items()]
        self._sets = [frozenset(items) for items, _, _ in self.rows]  # for distances
        self.prior_weight = prior_weight
        successes = sum(s for _, s, _ in self.rows)
        trials = sum(n for _, _, n in self.rows)
        self.global_rate = (successes + 0.5) / (trials + 1.0)
        self.intercept = _logit(self.global_rate)
        self.effects = self._fit()

    def _fit(self) -> dict[tuple[str, Any], float]:
        """Penalised binomial log-likelihood, maximised by coordinate-wise Newton steps."""
        rows = self.rows
        effects: dict[tuple[str, Any], float] = defaultdict(float)
        members: dict[tuple[str, Any], list[int]] = defaultdict(list)
        for i, (items, _, _) in enumerate(rows):
            for item in _terms(items):
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
                    penalty = PAIR_L2_PENALTY if isinstance(key[0], tuple) else L2_PENALTY
                    grad -= penalty * effects[key]
                    hess += penalty
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

    def predict(self, items: Items) -> float:
        """The additive model's estimate for a point."""
        logit = self.intercept
        for item in _terms(items):
            logit += self.effects.get(item, 0.0)
        return _sigmoid(logit)

    def local_evidence(self, items: Items) -> tuple[float, float]:
        """(successes, failures) of earlier candidates near the point, distance-weighted."""
        key = frozenset(items)
        successes = failures = 0.0
        for other, (_, s, n) in zip(self._sets, self.rows, strict=True):
            distance = len(key ^ other) / 2  # a changed value counts once, a missing axis half
            if distance <= LOCAL_MAX_DISTANCE:
                w = LOCAL_WEIGHT**distance
                successes += w * s
                failures += w * (n - s)
        return successes, failures

    def posterior(self, items: Items) -> tuple[float, float]:
        """Beta(alpha, beta) of the rate at a point: the model's prior plus local evidence."""
        prior = self.predict(items)
        successes, failures = self.local_evidence(items)
        alpha = self.prior_weight * prior + successes + 0.05
        beta = self.prior_weight * (1 - prior) + failures + 0.05
        return alpha, beta

    def mean(self, items: Items) -> float:
        alpha, beta = self.posterior(items)
        return alpha / (alpha + beta)


def _terms(items: Items) -> list[Any]:
    """The model's coordinates for a point: its axis values (sorted, the order the knobs were tuned
    with), then every pair of them when PAIR_EFFECTS, so "hard only in combination" can be learnt
    by the shared model rather than only by local evidence."""
    single = sorted(items, key=repr)
    return single + _pairs(single) if PAIR_EFFECTS else single


def _evaluated(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    return [h for h in history if h.rollouts > 0]


def pass_rate_model(space: ParamSpace, history: Sequence[HistoryEntry]) -> SmoothedRate:
    """The target's pass rate over the space (trials: rollouts), from evaluated candidates
    (a digest's `recent` ones)."""
    rows = [
        (point_items(space, h.params), float(h.passes), float(h.rollouts))
        for h in _evaluated(history)
    ]
    return SmoothedRate(rows, PRIOR_ROLLOUTS)


def hit_model(space: ParamSpace, history: Sequence[HistoryEntry]) -> SmoothedRate:
    """The chance that a candidate lands inside the window (trials: candidates). Modelled
    directly rather than derived from the pass rate: its global rate is what an uninformed
    pick really achieves, so unexplored points are not mistaken for sure hits when the pass
    rates seen so far are split between easy and hopeless tasks."""
    rows = [
        (point_items(space, h.params), float(bool(h.in_window)), 1.0) for h in _evaluated(history)
    ]
    return SmoothedRate(rows, PRIOR_CANDIDATES)


def _counts_in_window(ctx: ProposerContext) -> list[int]:
    return [c for c in range(ctx.k + 1) if ctx.in_window(c, ctx.k)]


def window_probability(p: float, ctx: ProposerContext) -> float:
    """P(k rollouts at pass rate p give a pass count inside the window)."""
    return sum(math.comb(ctx.k, c) * p**c * (1 - p) ** (ctx.k - c) for c in _counts_in_window(ctx))


def window_predictive(alpha_beta: tuple[float, float], ctx: ProposerContext) -> float:
    """P(k rollouts give a pass count inside the window) when the pass rate is Beta(alpha, beta)
    (beta-binomial): the window chance of a point as the pass-rate model sees it."""
    a, b = alpha_beta
    log_norm = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    total = 0.0
    for c in _counts_in_window(ctx):
        log_c = math.lgamma(c + a) + math.lgamma(ctx.k - c + b) - math.lgamma(ctx.k + a + b)
        total += math.comb(ctx.k, c) * math.exp(log_c - log_norm)
    return total


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


def rollouts_floor(ctx: ProposerContext) -> float:
    """The fewest target rollouts per harvested task that any proposer can expect: a candidate's
    k rollouts are independent draws at its pass rate p, so it costs `expected_rollouts(p)` for a
    `window_probability(p)` chance of a task, and a mix of points (or of tasks within a point)
    averages those costs and chances, so it cannot beat the best single p."""
    grid = (i / 1000 for i in range(1, 1000))
    return min(
        expected_rollouts(p, ctx) / hit for p in grid if (hit := window_probability(p, ctx)) > 0
    )


@dataclass
class _Scored:
    score: float  # expected hits per expected rollout, with the coverage bonuses
    hit: float  # predictive probability of landing inside the window
    cell: str
    point: dict[str, Any]
    items: Items
    pairs: list[tuple[tuple[str, Any], ...]]  # every two of the point's items
    # The window chance as the pass-rate model sees it, which aims exploration: the hit model is
    # additive in the log-odds of landing in the window, where a hard axis value and an easy one
    # cannot add up to "in the window"; in the log-odds of passing they do. Axis values being
    # explored have no hits to learn from, so how the other values compose is what matters.
    # Exploitation keeps the hit model: weighting the two by log score on later iterations cost
    # 10-25% more rollouts per task.
    explore_hit: float


class _HarvestMix:
    """What the harvested tasks (plus the batch's picks, weighted by their expected hits) hold:
    how often each axis value appears, against its share of the space, and which pairs of
    values appear at all. It steers picks away from one vein (e.g. every task a chain of three
    requests) towards the target's other weak spots."""

    def __init__(
        self, space_sample: Sequence[Items], harvested: Sequence[Items], weight: float = 1.0
    ) -> None:
        seen = Counter(item for items in space_sample for item in items)
        self.space_share = {item: n / max(1, len(space_sample)) for item, n in seen.items()}
        self.counts: defaultdict[tuple[str, Any], float] = defaultdict(float)
        self.total = 0.0
        self.pairs: set[tuple[tuple[str, Any], ...]] = set()
        for items in harvested:
            self.add(items, _pairs(items), weight)

    def add(
        self, items: Iterable[tuple[str, Any]], pairs: Iterable[tuple[Any, ...]], weight: float
    ) -> None:
        for item in items:
            self.counts[item] += weight
        self.total += weight
        self.pairs.update(pairs)

    def damping(self, items: Iterable[tuple[str, Any]]) -> float:
        """exp(-VALUE_SHARE_DAMPING * the point's largest excess share), 1 when none."""
        if self.total <= 0:
            return 1.0
        share = self.counts.get
        excess = max(
            (share(i, 0.0) / (self.total + 1.0) - self.space_share.get(i, 0.0) for i in items),
            default=0.0,
        )
        return math.exp(-VALUE_SHARE_DAMPING * max(0.0, excess))

    def fresh_pair_share(self, pairs: Sequence[tuple[Any, ...]]) -> float:
        """Share of the point's value pairs that no harvested task has."""
        return sum(pair not in self.pairs for pair in pairs) / max(1, len(pairs))

    def unseen_value_share(self, items: Items) -> float:
        """Share of the point's axis values that no harvested task has."""
        return sum(self.counts.get(item, 0.0) == 0 for item in items) / max(1, len(items))


def _pairs(items: Iterable[tuple[str, Any]]) -> list[tuple[tuple[str, Any], ...]]:
    return list(itertools.combinations(sorted(items, key=str), 2))


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
    history: HistoryDigest,
    batch: int,
    seed: int,
    context: ProposerContext | None = None,
) -> list[dict[str, Any]]:
    """The default proposer (see the module docstring)."""
    ctx = context or ProposerContext()
    rng = random.Random(seed)
    pool = _candidate_pool(space, rng, POOL_PER_PICK * max(batch, 1))
    recent = _evaluated(history.recent)
    if not recent:
        return _cold_start(space, pool, batch, rng)
    space_sample = [point_items(space, p) for p in pool]
    pool += _neighbours(space, recent, rng)
    passes = pass_rate_model(space, recent)
    hits = hit_model(space, recent)
    harvested = history.harvested_per_cell()
    cap = ctx.cell_cap(history.harvested_count)
    max_value_tries = max((t.candidates for t in history.items.values()), default=1)

    scored: list[_Scored] = []
    for point in pool:
        cell = space.cell(point)
        if harvested[cell] >= cap:
            continue  # anti-collapse: this cell already holds its share
        items = point_items(space, point)
        hit = hits.mean(items)
        # Expected hits per expected rollout (an easy candidate may stop early).
        gain = hit / expected_rollouts(passes.mean(items), ctx)
        gain *= math.exp(TIE_NOISE * rng.gauss(0.0, 1.0))
        bonus = COVERAGE_BONUS / math.sqrt(1 + history.cell(cell).candidates)
        rare = [1 - history.item(f"{a}={v}").candidates / max_value_tries for a, v in items]
        bonus += AXIS_VALUE_BONUS * (sum(rare) / max(1, len(rare)))
        explore_hit = window_predictive(passes.posterior(items), ctx)
        scored.append(
            _Scored(gain * (1 + bonus), hit, cell, point, items, _pairs(items), explore_hit)
        )

    mix = _HarvestMix(space_sample, [point_items(space, h.params) for h in history.harvested])
    picks = [(sc.point, sc.hit) for sc in _select(scored, batch, mix, harvested, cap)]
    while len(picks) < batch:  # every cell capped: keep the harvest going with fresh points
        picks.append((dict(space.sample(rng)), FILL_HIT))
    return trim_to_need(picks, remaining=ctx.target_tasks - history.harvested_count)


def _select(
    scored: list[_Scored], batch: int, mix: _HarvestMix, harvested: Counter[str], cap: int
) -> list[_Scored]:
    """Pick the batch one point at a time, so each pick sees the ones before it: exploit first
    (the end of a batch is what `trim_to_need` drops), then explore axis values that no harvested
    task has yet, weighted by their window chance under the pass-rate model so hopeless and
    easy areas stay out."""
    n_explore = round(batch * EXPLORE_SHARE)
    chosen: list[_Scored] = []
    picked_cells: Counter[str] = Counter()
    taken: set[int] = set()
    while len(chosen) < batch:
        explore = len(chosen) >= batch - n_explore
        best, best_score = None, 0.0
        for i, sc in enumerate(scored):
            if i in taken or harvested[sc.cell] + picked_cells[sc.cell] >= cap:
                continue
            if explore:
                score = sc.explore_hit * (0.05 + mix.unseen_value_share(sc.items))
            else:
                fresh = FRESH_PAIR_BONUS * mix.fresh_pair_share(sc.pairs)
                score = sc.score * mix.damping(sc.items) * (1 + fresh)
            if picked_cells[sc.cell]:
                score *= BATCH_CELL_REPEAT
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        sc = scored[best]
        taken.add(best)
        chosen.append(sc)
        picked_cells[sc.cell] += 1
        mix.add(sc.items, sc.pairs, sc.hit)
    return chosen


def trim_to_need(picks: list[tuple[dict[str, Any], float]], remaining: int) -> list[dict[str, Any]]:
    """Near the end of a harvest, propose only as many candidates as the tasks still missing
    need (with a margin): a full batch for the last two tasks would waste most of its rollouts.
    Costs an extra iteration now and then, never a task."""
    if remaining <= 0:
        return [point for point, _ in picks[:1]]
    out: list[dict[str, Any]] = []
    expected = 0.0
    for point, hit in picks:
        out.append(point)
        expected += hit
        if expected >= TRIM_MARGIN * remaining + TRIM_SLACK:
            break
    return out


def greedy_proposer(
    space: ParamSpace,
    history: HistoryDigest,
    batch: int,
    seed: int,
    context: ProposerContext | None = None,
) -> list[dict[str, Any]]:
    """Always the region the model thinks hardest (lowest predicted pass rate). No exploration,
    no coverage bonus, no cap: it shows how mining collapses onto one vein."""
    rng = random.Random(seed)
    pool = _candidate_pool(space, rng, POOL_PER_PICK * max(batch, 1))
    # Earlier points compete too: once a vein is found greedy keeps mining it (the collapse).
    recent = _evaluated(history.recent)
    failed = {json.dumps(h.params, sort_keys=True) for h in recent if h.passes < h.rollouts}
    pool += [json.loads(p) for p in sorted(failed)]
    model = pass_rate_model(space, recent)
    pool.sort(key=lambda point: model.mean(point_items(space, point)))
    return pool[:batch]
