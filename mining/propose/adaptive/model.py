"""The adaptive proposer's models: smoothed rates over the parameter space.

Two rates, each as additive effects of axis values and of pairs of them (log-odds, shrunk towards
the global rate) plus the distance-weighted evidence of earlier candidates near a point: the
chance that a candidate lands inside the window (the hit model) and the target's pass rate (for
the rollouts a candidate is expected to cost, and the window chance that aims exploration).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domains.params import ParamSpace
from mining.store.digest import HistoryEntry

# Tuned with `toolmine bench proposer` (see the package docstring).
L2_PENALTY = 1.0  # shrinkage of the axis effects (in log-odds) towards the global rate
FIT_SWEEPS = 12  # coordinate-Newton sweeps of the logistic fit
PAIR_EFFECTS = True  # also fit one effect per pair of axis values (interactions, shrunk harder)
PAIR_L2_PENALTY = 1.0  # shrinkage of a pair effect (0.5 lost weak-region coverage, 3 cost more)
PRIOR_ROLLOUTS = 4.0  # how many rollouts the additive pass-rate model counts against evidence
PRIOR_CANDIDATES = 2.0  # same, in candidates, for the hit model
LOCAL_WEIGHT = 0.4  # an earlier candidate's outcome counts LOCAL_WEIGHT ** (axes that differ)
LOCAL_MAX_DISTANCE = 3.0  # candidates further away than this many axes are not local evidence


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


Item = tuple[str, Any]  # one (axis, value)
Items = tuple[Item, ...]
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
    return single + pairs_of(single) if PAIR_EFFECTS else single


def evaluated(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    return [h for h in history if h.rollouts > 0]


def pass_rate_model(space: ParamSpace, history: Sequence[HistoryEntry]) -> SmoothedRate:
    """The target's pass rate over the space (trials: rollouts), from evaluated candidates
    (a digest's `recent` ones)."""
    rows = [
        (point_items(space, h.params), float(h.passes), float(h.rollouts))
        for h in evaluated(history)
    ]
    return SmoothedRate(rows, PRIOR_ROLLOUTS)


def hit_model(space: ParamSpace, history: Sequence[HistoryEntry]) -> SmoothedRate:
    """The chance that a candidate lands inside the window (trials: candidates). Modelled
    directly rather than derived from the pass rate: its global rate is what an uninformed
    pick really achieves, so unexplored points are not mistaken for sure hits when the pass
    rates seen so far are split between easy and hopeless tasks."""
    rows = [
        (point_items(space, h.params), float(bool(h.in_window)), 1.0) for h in evaluated(history)
    ]
    return SmoothedRate(rows, PRIOR_CANDIDATES)


def pairs_of(items: Iterable[tuple[str, Any]]) -> list[tuple[tuple[str, Any], ...]]:
    return list(itertools.combinations(sorted(items, key=str), 2))
