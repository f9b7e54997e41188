"""Proposers pick the next batch of parameter points from the space and the harvest's history.

Pluggable by name: `--proposer random` here; adaptive proposers register themselves in `PROPOSERS`
under their own name. A proposer is a pure function of its inputs (seeded), so a retried propose
activity returns the same batch.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from domains.params import ParamSpace
from mining.errors import UserError
from mining.store.records import HistoryEntry

Proposer = Callable[[ParamSpace, Sequence[HistoryEntry], int, int], list[dict[str, Any]]]


def random_proposer(
    space: ParamSpace, history: Sequence[HistoryEntry], batch: int, seed: int
) -> list[dict[str, Any]]:
    """Uniform (per the axes' weights) points; ignores history. The baseline every other
    proposer is measured against."""
    rng = random.Random(seed)
    return [dict(space.sample(rng)) for _ in range(batch)]


PROPOSERS: dict[str, Proposer] = {"random": random_proposer}


def register(name: str, proposer: Proposer) -> None:
    if name in PROPOSERS:
        raise ValueError(f"proposer {name!r} is already registered")
    PROPOSERS[name] = proposer


def get(name: str) -> Proposer:
    try:
        return PROPOSERS[name]
    except KeyError:
        raise UserError(
            f"unknown proposer {name!r}; allowed: {', '.join(sorted(PROPOSERS))}"
        ) from None


def propose(
    name: str, space: ParamSpace, history: Sequence[HistoryEntry], batch: int, seed: int
) -> list[dict[str, Any]]:
    return get(name)(space, history, batch, seed)
