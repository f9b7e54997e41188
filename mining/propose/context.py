"""What a proposer may know of its harvest beyond the history: the window, k, N and the cell cap.

A module of its own so both the registry (`mining.propose.registry`) and the proposers that use
it (`mining.propose.adaptive`) can import it without importing each other. Pure: workflows may
import it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mining.core.window import Window

NO_CAP = 10**9  # more tasks than any harvest holds


@dataclass(frozen=True)
class ProposerContext:
    """The harvest's window, k, target size and cap on one cell's share of harvested tasks."""

    min_pass_rate: float = 0.0
    max_pass_rate: float = 0.5
    k: int = 4
    min_exclusive: bool = True
    target_tasks: int = 30
    max_cell_share: float | None = 0.2
    wave: int = 1  # rollouts started together; early stopping is only checked between waves

    @property
    def window(self) -> Window:
        return Window(
            min_pass_rate=self.min_pass_rate,
            max_pass_rate=self.max_pass_rate,
            k=self.k,
            min_exclusive=self.min_exclusive,
        )

    def in_window(self, passes: int, rollouts: int) -> bool:
        return self.window.holds(passes, rollouts)

    def cell_cap(self, harvested: int = 0) -> int:
        """Most tasks one cell may hold, so no cell ends above `max_cell_share` (no cap: a
        number larger than any harvest)."""
        return cell_cap(self.max_cell_share, max(self.target_tasks, harvested))


def cell_cap(share: float | None, n_tasks: int) -> int:
    """Tasks one cell may hold in a harvest of `n_tasks` (at least 1; None or >= 1: no cap)."""
    if share is None or share >= 1.0:
        return NO_CAP
    return max(1, math.floor(share * n_tasks + 1e-9))
