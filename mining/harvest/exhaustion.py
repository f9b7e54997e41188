"""When a harvest cannot make progress: every cell it can reach holds its cap.

The cell cap (`max_cell_share`) keeps a harvest spread out; on a small space, or with a small
share, it can leave no cell that may take another task. Every candidate proposed after that only
spends the budget, so the propose step stops the harvest with this reason instead (in-process and
through Temporal). The reachable cells are those a large seeded sample of the domain's space
lands in, computed once per domain per process: 20,000 points reach all 816 airline cells (as do
100,000), so a cell this sample misses is one no proposer's sampling would practically reach.
"""

from __future__ import annotations

import functools
import random

from mining.harvest.config import HarvestConfig, max_per_cell
from mining.propose.context import NO_CAP
from mining.store.digest import HistoryDigest

REACH_SAMPLE = 20_000
REACH_SEED = 20261203  # fixed: the same cells in every process


@functools.cache
def reachable_cells(domain: str) -> frozenset[str]:
    """The cells of the domain's space a seeded sample of REACH_SAMPLE points lands in."""
    from mining.dag.synthesize import get_domain, spec_of

    space = spec_of(get_domain(domain)).space
    rng = random.Random(REACH_SEED)
    return frozenset(space.cell(space.sample(rng)) for _ in range(REACH_SAMPLE))


def exhausted(cfg: HarvestConfig, history: HistoryDigest) -> str | None:
    """Why no candidate can add a task any more (None: some reachable cell has room)."""
    cap = max_per_cell(cfg)
    if cap >= NO_CAP or history.harvested_count >= cfg.n_tasks:
        return None
    per_cell = history.harvested_per_cell()
    cells = reachable_cells(cfg.domain)
    if any(per_cell[cell] < cap for cell in cells):
        return None
    return (
        f"exhausted: every reachable cell ({len(cells)}) holds its cap of {cap} "
        f"(max_cell_share={cfg.max_cell_share} of {cfg.n_tasks}); {history.harvested_count} of "
        f"{cfg.n_tasks} harvested (raise --max-cell-share or lower -n to go on)"
    )
