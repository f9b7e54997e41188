"""How the adaptive proposer picks a batch from its scored pool, and trims it near the end.

One point at a time, so each pick sees the ones before it: exploitation first (the end of a batch
is what `trim_to_need` drops), then exploration; within the cell cap, a second pick from one cell
counting less.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from domains.params import ParamSpace
from mining.propose.adaptive.mix import HarvestMix
from mining.propose.adaptive.model import Items

FRESH_PAIR_BONUS = 0.5  # value of a point whose pairs of axis values no harvested task has
BATCH_CELL_REPEAT = 0.5  # a second pick from one cell inside a batch counts half
EXPLORE_SHARE = 0.25  # share of a batch spent on axis values no harvested task has yet
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


def pick_batch(
    scored: list[Scored], batch: int, mix: HarvestMix, harvested: Counter[str], cap: int
) -> list[Scored]:
    """Pick the batch one point at a time, so each pick sees the ones before it: exploit first
    (the end of a batch is what `trim_to_need` drops), then explore axis values that no harvested
    task has yet, weighted by their window chance under the pass-rate model so hopeless and
    easy areas stay out."""
    n_explore = round(batch * EXPLORE_SHARE)
    chosen: list[Scored] = []
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
