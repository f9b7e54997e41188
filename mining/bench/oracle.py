"""A near-oracle proposer for simulated targets: a reference for what any proposer could reach.

`toolmine bench proposer --proposers random,adaptive,oracle` runs it beside the others, so the
adaptive proposer's figures can be read against what knowing the target would buy (e.g. whether
"2x fewer rollouts than random" is within reach on a profile where random already lands a third
of its candidates inside the window).

It knows what no real proposer can: a simulated rollout fails exactly when the profile injects an
error (`build_plan(...).injected`), and finding that out needs no target call. So for every point it
considers it synthesizes tasks and plays the simulated target's error draws on them, which gives
the chance that a candidate at that point lands inside the window, the rollouts it costs, and the
weak regions its tasks fall in. Each proposal screens a pool of points cheaply, re-measures the
best ones on fresh tasks (so a lucky screen is not taken at face value), and proposes the points
with the most hits per rollout within the cell cap, after one pick per weak region the harvest
has not covered yet. Everything measured is remembered for later proposals. It is "near" an oracle
because its rates are estimated from samples.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domains.params import ParamSpace
from mining.propose.adaptive import expected_rollouts, trim_to_need
from mining.propose.context import ProposerContext
from mining.store.digest import HistoryDigest

POOL = 300  # fresh points screened per proposal
SCREEN_TASKS = 4  # tasks synthesized per screened point
CONFIRM_TASKS = 16  # fresh tasks for the points that screen best
CONFIRM_PER_PICK = 3  # points re-measured per proposal slot
DRAWS = 8  # simulated rollouts per task (a multiple of any usual k)
SEED = 20261202  # fixed: what the oracle knows does not depend on the harvest seed


@dataclass(frozen=True)
class TaskOutcome:
    passed: tuple[bool, ...]  # one per simulated rollout
    regions: tuple[str, ...]  # the profile's weak regions the task falls in


@dataclass
class PointRate:
    """What the oracle measured at one point, under the harvest's window and k."""

    point: dict[str, Any]
    cell: str
    hit: float  # chance that a candidate lands inside the window
    rollouts: float  # rollouts it costs on average (early stopping included)
    region_share: dict[str, float]


def rate_of(
    point: dict[str, Any], cell: str, tasks: Sequence[TaskOutcome], ctx: ProposerContext
) -> PointRate:
    """The share of k-rollout groups inside the window (unbiased, unlike the window probability
    of an estimated pass rate), the rollouts a candidate costs, and the weak-region shares."""
    hits = cost = 0.0
    regions: Counter[str] = Counter()
    for t in tasks:
        groups = [t.passed[i : i + ctx.k] for i in range(0, len(t.passed) - ctx.k + 1, ctx.k)]
        hits += sum(ctx.in_window(sum(g), ctx.k) for g in groups) / max(1, len(groups))
        cost += expected_rollouts(sum(t.passed) / max(1, len(t.passed)), ctx)
        regions.update(t.regions)
    n = max(1, len(tasks))
    share = {r: c / n for r, c in regions.items()}
    return PointRate(dict(point), cell, hits / n, cost / n if tasks else 1.0, share)


class Oracle:
    """The oracle proposer for one simulated target (a callable with the proposer signature).
    Bench-only: it keeps what it measured between calls, so unlike the harvest's proposers it is
    not a pure function of its inputs (a Temporal retry could get another batch)."""

    def __init__(self, domain: str, profile_ref: str, pool: int = POOL) -> None:
        from mining.targets.sim.profiles import load_profile

        self.domain = domain
        self.profile = load_profile(profile_ref)
        self.pool = pool
        self._tasks: dict[tuple[str, int], TaskOutcome | None] = {}  # (point key, task no.)
        self._confirmed: dict[str, dict[str, Any]] = {}  # point key -> point, measured twice

    def __call__(
        self,
        space: ParamSpace,
        history: HistoryDigest,
        batch: int,
        seed: int,
        context: ProposerContext | None = None,
    ) -> list[dict[str, Any]]:
        ctx = context or ProposerContext()
        rng = random.Random(seed)
        fresh = {_key(space, p): p for p in (dict(space.sample(rng)) for _ in range(self.pool))}
        screened = sorted(
            (self.measure(space, p, range(SCREEN_TASKS), ctx) for p in fresh.values()),
            key=lambda r: -r.hit / r.rollouts,
        )
        for r in screened[: CONFIRM_PER_PICK * batch]:
            self._confirmed.setdefault(_key(space, r.point), r.point)
        for h in history.harvested:  # the regions harvested tasks cover are measured
            self._confirmed.setdefault(_key(space, h.params), h.params)
        rates = {key: self.confirm(space, p, ctx) for key, p in self._confirmed.items()}
        covered = _expected_regions(space, history, rates)
        picks = pick(list(rates.values()), covered, history, batch, ctx)
        return picks or [dict(space.sample(rng))]  # every cell full: keep the harvest going

    def confirm(self, space: ParamSpace, point: dict[str, Any], ctx: ProposerContext) -> PointRate:
        return self.measure(space, point, range(SCREEN_TASKS, SCREEN_TASKS + CONFIRM_TASKS), ctx)

    def measure(
        self, space: ParamSpace, point: dict[str, Any], numbers: range, ctx: ProposerContext
    ) -> PointRate:
        key = _key(space, point)
        tasks = [t for n in numbers if (t := self._task(key, point, n)) is not None]
        return rate_of(point, space.cell(point), tasks, ctx)

    def _task(self, key: str, point: dict[str, Any], number: int) -> TaskOutcome | None:
        """Task `number` at the point and the simulated target's draws on it (None: rejected)."""
        from mining.dag.synthesize import Rejection, synthesize_candidate
        from mining.targets.sim.agent import build_plan, task_regions

        if (key, number) not in self._tasks:
            digest = hashlib.sha256(f"{SEED}|{key}|{number}".encode()).digest()
            seed = int.from_bytes(digest[:8], "big")
            task = synthesize_candidate(self.domain, point, seed, f"oracle-{seed}")
            outcome = None
            if not isinstance(task, Rejection):
                passed = tuple(
                    not build_plan(task, self.profile, SEED, j).injected for j in range(DRAWS)
                )
                regions = tuple(task_regions(task, self.profile))
                outcome = TaskOutcome(passed, regions)
            self._tasks[key, number] = outcome
        return self._tasks[key, number]


def _key(space: ParamSpace, point: dict[str, Any]) -> str:
    """Points that differ only in axes irrelevant to them are the same point."""
    return json.dumps(space.relevant(point), sort_keys=True, default=str)


def _expected_regions(
    space: ParamSpace, history: HistoryDigest, rates: dict[str, PointRate]
) -> dict[str, float]:
    """Expected harvested tasks per weak region (the history has points, not tasks)."""
    expected: defaultdict[str, float] = defaultdict(float)
    for h in history.harvested:
        rate = rates.get(_key(space, h.params))
        if rate is not None:
            for region, share in rate.region_share.items():
                expected[region] += share
    return expected


def pick(
    rates: Sequence[PointRate],
    covered: dict[str, float],
    history: HistoryDigest,
    batch: int,
    ctx: ProposerContext,
) -> list[dict[str, Any]]:
    """Best points by hits per rollout within the cell cap, after one pick per weak region the
    harvest is not yet expected to hold a task of (`covered`: expected tasks per region)."""
    harvested = history.harvested_per_cell()
    cap = ctx.cell_cap(history.harvested_count)
    regions = sorted({r for rate in rates for r in rate.region_share})
    room = {rate.cell: float(cap - harvested[rate.cell]) for rate in rates}
    picks: list[tuple[dict[str, Any], float]] = []

    def best(value: Any) -> PointRate | None:
        open_ = [r for r in rates if room[r.cell] >= min(1.0, r.hit) and value(r) > 0]
        return max(open_, key=lambda r: (value(r), _order(r)), default=None)

    def take(rate: PointRate) -> None:
        picks.append((dict(rate.point), rate.hit))
        room[rate.cell] -= rate.hit  # expected hits, so a cell is not over-filled in a batch

    for region in [r for r in regions if covered.get(r, 0.0) < 1.0][:batch]:
        chosen = best(lambda r, g=region: r.hit * r.region_share.get(g, 0.0))
        if chosen is not None:
            take(chosen)
    while len(picks) < batch:
        chosen = best(lambda r: r.hit / r.rollouts)
        if chosen is None:
            break
        take(chosen)
    return trim_to_need(picks, remaining=ctx.target_tasks - history.harvested_count)


def _order(rate: PointRate) -> str:
    """A fixed tie-break, so the same inputs give the same batch in every process."""
    return json.dumps(rate.point, sort_keys=True, default=str)
