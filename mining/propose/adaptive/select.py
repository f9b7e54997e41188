"""How the adaptive proposer picks a batch from its scored pool, and trims it near the end.

One point at a time, so each pick sees the ones before it: exploitation first (the end of a batch
is what `trim_to_need` drops), then exploration; within the cell cap, a second pick from one cell
counting less.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domains.params import ParamSpace
from mining.propose.adaptive.coverage import Coverage
from mining.propose.adaptive.mix import HarvestMix
from mining.propose.adaptive.model import Items
from mining.propose.adaptive.regions import Region

FRESH_PAIR_BONUS = 0.5  # value of a point whose pairs of axis values no harvested task has
BATCH_CELL_REPEAT = 0.5  # a second pick from one cell inside a batch counts half
# Exploration costs about k rollouts a candidate and finds a narrow spot a few times in a hundred
# (each spot 1-5% of the space), so the budget trades coverage against cost: 1.3 kept the
# tuning targets (sim:pockets:100..104) at 1.87x the floor with 75% of their spots covered;
# 1.6 went over 2x the floor.
EXPLORE_PER_TASK = 1.3  # candidates outside every known region a harvest of N may spend, per N
EXPLORE_MAX_SHARE = 0.5  # of a batch, while that budget lasts
REGION_DAMPING = 0.2  # exploitation of a region that holds its quota counts this much
MIN_EXPLOIT_HIT = 0.15  # below this hit chance an exploitation pick is not worth it: explore
SUSPECT_DISCOUNT = 0.2  # exploration value of a point that is likely weak for a known reason
EXPLORE_TILT = 0.2  # exploration value counts (EXPLORE_TILT + window chance of the pass-rate model)
TRIM_MARGIN = 1.3  # near the end, propose until expected hits reach margin * missing + slack
TRIM_SLACK = 0.5


@dataclass
class Scored:
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
    region: Region | None = None  # the weak spot the point falls in, if a known one
    suspect: bool = False  # has a combination of values a weak candidate had and no clean one
    near: float = 0.0  # hit chance as a neighbour of a known region's core (0: not one)


def cold_start(
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


def explore_count(batch: int, target: int, explored: int) -> int:
    """How many picks of a batch explore: up to half of it while the harvest's exploration
    budget (EXPLORE_PER_TASK candidates per task, spent outside known regions) lasts."""
    left = round(EXPLORE_PER_TASK * target) - explored
    return max(0, min(round(batch * EXPLORE_MAX_SHARE), left))


def pick_batch(
    scored: list[Scored],
    batch: int,
    mix: HarvestMix,
    coverage: Coverage,
    harvested: Counter[str],
    cap: int,
    quota: int,
    n_explore: int,
) -> list[Scored]:
    """Pick the batch one point at a time, so each pick sees the ones before it: exploit first
    (the end of a batch is what `trim_to_need` drops), a region that holds its quota of the
    harvest counting less; then explore combinations of axis values no candidate has tested
    (outside the known regions), tilted by their window chance under the pass-rate model."""
    chosen: list[Scored] = []
    picked_cells: Counter[str] = Counter()
    picked_regions: dict[int, float] = defaultdict(float)
    taken: set[int] = set()

    def exploit(sc: Scored) -> float:
        if sc.region is None and not sc.near:
            return 0.0  # no known spot there: a pick there is exploration, and a blind one
        if max(sc.hit if sc.region else 0.0, sc.near) < MIN_EXPLOIT_HIT:
            return 0.0
        fresh = FRESH_PAIR_BONUS * mix.fresh_pair_share(sc.pairs)
        score = sc.score * mix.damping(sc.items) * (1 + fresh)
        region = sc.region
        if region is not None and region.harvested + picked_regions[id(region)] >= quota:
            score *= REGION_DAMPING
        return score

    def explore(sc: Scored) -> float:
        if sc.region is not None:
            return 0.0  # a known spot: nothing to discover there
        score = coverage.value(sc.items) * (EXPLORE_TILT + sc.explore_hit)
        # likely weak for a known reason: its failures would teach little
        return score * SUSPECT_DISCOUNT if sc.suspect else score

    while len(chosen) < batch:
        best = None
        # Exploit while the batch has exploitation slots and something worth exploiting; with
        # nothing left to exploit or discover (a small space, all of it tried), the plain
        # expected hits per rollout, so the batch still keeps to the cell cap.
        slots = (exploit, explore) if len(chosen) < batch - n_explore else (explore,)
        for value in (*slots, _plain):
            best = _best(scored, value, taken, harvested, picked_cells, cap)
            if best is not None:
                break
        if best is None:
            break
        sc = scored[best]
        taken.add(best)
        chosen.append(sc)
        picked_cells[sc.cell] += 1
        if sc.region is not None:
            picked_regions[id(sc.region)] += sc.hit
        mix.add(sc.items, sc.pairs, sc.hit)
        coverage.mark(sc.items)
    return chosen


def _plain(sc: Scored) -> float:
    return sc.score


def _best(
    scored: list[Scored],
    value: Callable[[Scored], float],
    taken: set[int],
    harvested: Counter[str],
    picked_cells: Counter[str],
    cap: int,
) -> int | None:
    """The pool point with the highest positive value among those whose cell has room."""
    best, best_score = None, 0.0
    for i, sc in enumerate(scored):
        if i in taken or harvested[sc.cell] + picked_cells[sc.cell] >= cap:
            continue
        score = value(sc)
        if picked_cells[sc.cell]:
            score *= BATCH_CELL_REPEAT
        if score > best_score:
            best, best_score = i, score
    return best


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
