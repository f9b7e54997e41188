"""What the harvest has not tried yet: combinations of axis values no evaluated candidate had.

A weak spot the harvest has not found shows in none of its candidates, so the way to find one is
to try combinations nobody tried: every pair and triple of a point's axis values is tested once
a candidate with that point is evaluated (a weak spot there would have shown as failures). A
point's exploration value is the chance that it tests a spot for the first time, if spots are two
or three values of a random point (each point of a fresh sample of the space spreads one unit of
weight over its pairs and one over its triples); picks inside a batch count as tested for the
picks after them, so a batch covers different combinations.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

from mining.propose.adaptive.model import Items
from mining.propose.adaptive.regions import Key
from mining.store.digest import HistoryEntry

SIZES = (2, 3)


def combinations(items: Items) -> list[Key]:
    return [c for size in SIZES for c in itertools.combinations(items, size)]


def conclusive(points: Sequence[Items], entries: Sequence[HistoryEntry]) -> list[Items]:
    """The points whose candidates tested their combinations: those that passed at least once.
    A candidate that never passed tests none: a spot among its combinations would not have
    shown under the other weak values stacked with it, so its combinations stay worth trying
    in an easier point."""
    return [items for items, e in zip(points, entries, strict=True) if e.passes > 0]


class Coverage:
    """Tested combinations, and how common each combination is in the space."""

    def __init__(self, space_sample: Sequence[Items], tried: Iterable[Items]) -> None:
        # How likely a combination is a weak spot, if spots are a few values of a random point:
        # each point of the sample spreads one unit over its pairs and one over its triples.
        self.weight: defaultdict[Key, float] = defaultdict(float)
        for items in space_sample:
            for size in SIZES:
                combos = list(itertools.combinations(items, size))
                for c in combos:
                    self.weight[c] += 1.0 / len(combos)
        self.total = sum(self.weight.values()) or 1
        self.tested: set[Key] = set()
        for items in tried:
            self.mark(items)

    def mark(self, items: Items) -> None:
        self.tested.update(combinations(items))

    def value(self, items: Items) -> float:
        """The share of the space's combination weight that this point would test first."""
        weight = self.weight.get
        return sum(weight(c, 0) for c in combinations(items) if c not in self.tested) / self.total

    def untested_share(self) -> float:
        """The share of the space's combination weight no candidate has tested."""
        return sum(w for c, w in self.weight.items() if c not in self.tested) / self.total
