"""What a proposer sees of a harvest's history: whole-history aggregates plus a bounded window.

A harvest can run to a million rollouts. A proposer must neither read them all nor be fed a
truncated list (a cell cap or a trim worked out from the latest 500 candidates is wrong in a long
harvest). Its input is a `HistoryDigest` instead, whose size is bounded by the parameter space's
vocabulary, N and `RECENT`, never by the history:

- per term, over the whole history: every relevant axis value of a point (an "item", e.g.
  `cabin=business`), every pair of them, and every diversity cell, with the candidates tried,
  evaluated, their rollouts, passes and hits (candidates inside the window). The store keeps
  these current as it records (table `history_terms`), so reading them costs the same at any size;
- the harvested tasks' points, cells and failure modes (at most N);
- the latest `RECENT` evaluated candidates with their outcomes, for models whose cost grows with
  the points they look at.

`build_digest` makes the same digest from entries in memory (tests and simulations); the store
makes it in SQL (`mining.store.reads`); a test holds the two equal. Pure: no I/O.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from domains.params import ParamSpace

RECENT = 500  # evaluated candidates a digest carries one by one (the latest ones)
PAIR_SEPARATOR = " & "


def item_keys(relevant: Mapping[str, Any]) -> list[str]:
    """A point's relevant axis values as sorted `axis=value` keys (the store keeps these)."""
    return sorted(f"{axis}={value}" for axis, value in relevant.items())


def pair_keys(items: Sequence[str]) -> list[str]:
    """Every pair of a point's item keys (given sorted), as `a=x & b=y`."""
    return [f"{a}{PAIR_SEPARATOR}{b}" for a, b in itertools.combinations(items, 2)]


class TermStats(NamedTuple):
    """Counts over the candidates that have a term (an item, a pair of items or a cell).
    (Tuples: a digest holds thousands, built from query rows as they come.)"""

    candidates: int = 0  # proposed, synthesized or not
    evaluated: int = 0  # synthesized and decided
    rollouts: int = 0
    passes: int = 0
    hits: int = 0  # evaluated candidates inside the window


class HistoryEntry(NamedTuple):
    """One evaluated candidate as a proposer sees it."""

    candidate_id: str
    iteration: int
    params: dict[str, Any]
    cell: str
    rollouts: int
    passes: int
    in_window: bool


class HarvestedPoint(NamedTuple):
    """A harvested task's point, cell and failure modes (most frequent first)."""

    params: dict[str, Any]
    cell: str
    failure_modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryDigest:
    totals: TermStats = TermStats()
    items: Mapping[str, TermStats] = field(default_factory=dict)
    pairs: Mapping[str, TermStats] = field(default_factory=dict)
    cells: Mapping[str, TermStats] = field(default_factory=dict)
    harvested: tuple[HarvestedPoint, ...] = ()  # in acceptance order
    recent: tuple[HistoryEntry, ...] = ()  # the latest RECENT evaluated candidates, oldest first

    @property
    def harvested_count(self) -> int:
        return len(self.harvested)

    def harvested_per_cell(self) -> Counter[str]:
        return Counter(h.cell for h in self.harvested)

    def item(self, key: str) -> TermStats:
        return self.items.get(key, _NONE)

    def pair(self, key: str) -> TermStats:
        return self.pairs.get(key, _NONE)

    def cell(self, key: str) -> TermStats:
        return self.cells.get(key, _NONE)


_NONE = TermStats()
EMPTY = HistoryDigest()


@dataclass(frozen=True)
class Candidate:
    """What `build_digest` needs of one candidate: its point, relevant items, cell and outcome
    (`evaluated` False: rejected by synthesis)."""

    candidate_id: str
    iteration: int
    params: dict[str, Any]
    items: list[str]
    cell: str
    evaluated: bool = True
    rollouts: int = 0
    passes: int = 0
    in_window: bool = False


def candidate(
    space: ParamSpace,
    candidate_id: str,
    iteration: int,
    params: dict[str, Any],
    *,
    evaluated: bool = True,
    rollouts: int = 0,
    passes: int = 0,
    in_window: bool = False,
) -> Candidate:
    """A `Candidate` whose items and cell come from the space (as the harvest records them)."""
    items = item_keys(space.relevant(params))
    cell = space.cell(params)
    return Candidate(
        candidate_id, iteration, params, items, cell, evaluated, rollouts, passes, in_window
    )


def build_digest(
    candidates: Sequence[Candidate],
    harvested: Iterable[str] | None = None,
    failure_modes: Mapping[str, Sequence[str]] | None = None,
    recent: int = RECENT,
) -> HistoryDigest:
    """The digest of candidates held in memory, in the order they were proposed. `harvested`
    names the harvested candidates in acceptance order (None: every in-window one)."""
    counts: dict[str, dict[str, list[int]]] = {"item": {}, "pair": {}, "cell": {}}
    total = [0] * 5

    def add(row: list[int], c: Candidate) -> None:
        row[0] += 1
        if c.evaluated:
            row[1] += 1
            row[2] += c.rollouts
            row[3] += c.passes
            row[4] += int(c.in_window)

    for c in candidates:
        add(total, c)
        keys = {"item": c.items, "pair": pair_keys(c.items), "cell": [c.cell]}
        for kind, terms in keys.items():
            for term in terms:
                add(counts[kind].setdefault(term, [0] * 5), c)
    by_id = {c.candidate_id: c for c in candidates}
    chosen = (
        [c.candidate_id for c in candidates if c.evaluated and c.in_window]
        if harvested is None
        else list(harvested)
    )
    modes = failure_modes or {}
    evaluated = [c for c in candidates if c.evaluated]
    return HistoryDigest(
        totals=TermStats(*total),
        items={k: TermStats(*v) for k, v in counts["item"].items()},
        pairs={k: TermStats(*v) for k, v in counts["pair"].items()},
        cells={k: TermStats(*v) for k, v in counts["cell"].items()},
        harvested=tuple(
            HarvestedPoint(by_id[cid].params, by_id[cid].cell, tuple(modes.get(cid, ())))
            for cid in chosen
        ),
        recent=tuple(
            HistoryEntry(
                c.candidate_id, c.iteration, c.params, c.cell, c.rollouts, c.passes, c.in_window
            )
            for c in evaluated[max(0, len(evaluated) - recent) :]
        ),
    )
