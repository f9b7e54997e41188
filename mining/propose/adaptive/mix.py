"""What the harvest already holds, so the next picks go elsewhere.

Counts of axis values (against their share of the space) and the pairs of values among the
harvested tasks, plus the batch's picks so far weighted by their expected hits: it steers picks
away from one vein towards the target's other weak spots.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from mining.propose.adaptive.model import Items, pairs_of

VALUE_SHARE_DAMPING = 1.0  # score damping per unit of a value's excess share among harvested tasks


class HarvestMix:
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
            self.add(items, pairs_of(items), weight)

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
