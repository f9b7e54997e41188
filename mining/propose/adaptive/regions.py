"""The target's weak spots the harvest has found, each with the axis values they all share.

A target's weak spot is usually a conjunction of a few axis values (a cabin with a kind of
payment, a trip type with a second request...). A weak candidate (inside the window, or at least
two failures among its rollouts and at least one pass) lies in some spot. A candidate that never
passed is hopeless, not weak: in a space with many axes its failures most often stack several
weak values (a refusal trap, a price the customer declines, a crowded search...), so it locates
no spot, and mining near it lands below the window. A region starts at a weak candidate, its
core being the whole point; a weak candidate at most one value away from the core (the proposer
tries such neighbours) joins it and narrows the core to what they share, as long as the core
still holds a combination of one to three values that no clean candidate (every rollout passed)
had. The core converges on the spot's conjunction. Regions let the proposer aim candidates at a
spot (points with its core), mine every spot it has found in turn instead of the first one (a
quota per region), and count what it has tried outside them (exploration).

Counting uses bit sets over the evaluated candidates (one int per axis value), so a few hundred
candidates take milliseconds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from mining.propose.adaptive.model import Item, Items
from mining.store.digest import HistoryEntry

WEAK_FAILURES = 2  # failed rollouts that make a candidate weak (one is often background noise)
SPOT_SIZE = 2.5  # values in a spot's conjunction, on average (for the odds a neighbour keeps it)
MAX_SIZE = 3  # a spot's conjunction has at most this many axis values

Key = tuple[Item, ...]


@dataclass
class Region:
    core: frozenset[Item]  # the axis values every weak candidate of the region has
    weak: int = 0  # its weak candidates
    hits: int = 0  # candidates with the core inside the window
    tried: int = 0  # evaluated candidates with the core
    harvested: int = 0  # harvested tasks with the core
    members: list[int] = field(default_factory=list)
    # core values a candidate with the rest of the core but another value there passed
    # without failure: part of the spot's conjunction, so a neighbour changing them is wasted
    necessary: frozenset[Item] = frozenset()

    @property
    def hit_rate(self) -> float:
        """The smoothed share of candidates with the core that land inside the window."""
        return (self.hits + 0.5) / (self.tried + 1.0)

    def holds(self, items: frozenset[Item]) -> bool:
        return self.core <= items


class Regions:
    """The regions found so far, in the order found, with what the harvest holds of each, and
    the combinations of up to MAX_SIZE values of weak candidates that no clean one had (any of
    them may be a spot's conjunction: a point with one is likely weak for a known reason)."""

    def __init__(self, regions: list[Region], suspects: frozenset[Key] = frozenset()) -> None:
        self.regions = regions
        self.suspects = suspects

    def suspect(self, items: Items) -> bool:
        """Whether the point has a combination some weak candidate had and no clean one."""
        return any(
            key in self.suspects
            for size in range(1, MAX_SIZE + 1)
            for key in itertools.combinations(items, size)
        )

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions)

    def __len__(self) -> int:
        return len(self.regions)

    def of(self, items: frozenset[Item]) -> Region | None:
        """The region a point falls in (it has the region's core), if any."""
        return next((r for r in self.regions if r.holds(items)), None)

    def near(self, items: frozenset[Item]) -> float:
        """The chance that a point one value away from a region's core (a neighbour) still
        lies in the spot and lands in the window: the region's hit rate, times the chance
        that the value it changed is not one of the spot's (none if a clean candidate showed
        it is); 0 for a point near no region."""
        for region in self.regions:
            missing = region.core - items
            if len(missing) == 1:
                if missing <= region.necessary:
                    return 0.0
                keep = max(0.0, 1.0 - SPOT_SIZE / len(region.core))
                return region.hit_rate * keep
        return 0.0

    def quota(self, target: int) -> int:
        """Tasks one region should hold before the others (and one not found yet) get its
        turn: the target split between the regions that hold tasks, plus one more."""
        found = sum(1 for r in self.regions if r.harvested > 0)
        return max(1, math.ceil(target / (found + 1)))


class _Bits:
    """Which evaluated candidates have an axis value, as bit sets."""

    def __init__(self, points: Sequence[Items]) -> None:
        self.postings: dict[Item, int] = {}
        for i, items in enumerate(points):
            for item in items:
                self.postings[item] = self.postings.get(item, 0) | 1 << i

    def having(self, items: frozenset[Item] | Key) -> int:
        mask = -1
        for item in items:
            mask &= self.postings.get(item, 0)
        return mask


def is_weak(entry: HistoryEntry) -> bool:
    """Inside the window, or failing at least WEAK_FAILURES times with a pass (not hopeless)."""
    failures = entry.rollouts - entry.passes
    return entry.in_window or (failures >= WEAK_FAILURES and entry.passes > 0)


def find_regions(
    points: Sequence[Items], entries: Sequence[HistoryEntry], harvested: Sequence[Items], k: int
) -> Regions:
    """Group the weak candidates among `entries` (their items in `points`, in the order they
    were proposed) into regions, each narrowing its core as members join."""
    bits = _Bits(points)
    clean = hits = 0
    weak: list[int] = []
    for i, e in enumerate(entries):
        failures = e.rollouts - e.passes
        if is_weak(e):
            weak.append(i)
        elif failures == 0 and e.rollouts >= max(1, k - 1):
            clean |= 1 << i
        if e.in_window:
            hits |= 1 << i

    def viable(core: frozenset[Item]) -> bool:
        """Whether some conjunction of up to MAX_SIZE of these values no clean candidate had
        could be the spot."""
        ordered = sorted(core, key=repr)
        for size in range(1, MAX_SIZE + 1):
            for key in itertools.combinations(ordered, size):
                if not bits.having(key) & clean:
                    return True
        return False

    regions: list[Region] = []
    for i in weak:
        items = frozenset(points[i])
        for region in regions:
            # A weak candidate one value away from the core (a neighbour) lies in the spot and
            # shows that value is not part of it; one further away may lie in another spot.
            narrowed = region.core & items
            if len(region.core - items) <= 1 and narrowed and viable(narrowed):
                region.core = narrowed
                region.members.append(i)
                break
        else:
            if viable(items):
                regions.append(Region(core=items, members=[i]))
    for region in regions:
        mask = bits.having(region.core)
        region.weak = len(region.members)
        region.tried = mask.bit_count()
        region.hits = (mask & hits).bit_count()
        region.necessary = frozenset(
            item
            for item in region.core
            if bits.having(region.core - {item}) & ~bits.postings.get(item, 0) & clean
        )
    suspects = {
        key
        for i in weak
        for size in range(1, MAX_SIZE + 1)
        for key in itertools.combinations(points[i], size)
        if not bits.having(key) & clean
    }
    found = Regions(regions, frozenset(suspects))
    for task in harvested:
        held = found.of(frozenset(task))
        if held is not None:
            held.harvested += 1
    return found
