"""Proposers pick the next batch of parameter points from the space and the harvest's history.

Pluggable by name (`--proposer`): `random` (the baseline), `adaptive` (the default: models the
pass rate and aims at the window without collapsing, see `mining.propose.adaptive`) and `greedy`
(always the hardest region; shows collapse). A proposer is a pure function of its inputs (seeded),
so a retried propose activity returns the same batch. It sees the history as a `HistoryDigest`
(whole-history aggregates plus the latest candidates, `mining.store.digest`); proposers that take
a `context` keyword also get the harvest's window, k, N and cell cap (`ProposerContext`).
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from domains.params import ParamSpace
from mining.core.errors import UserError
from mining.propose.adaptive import adaptive_proposer, greedy_proposer
from mining.propose.context import ProposerContext
from mining.store.digest import HistoryDigest

Proposer = Callable[..., list[dict[str, Any]]]
"""(space, history digest, batch, seed[, context=ProposerContext]) -> batch points."""


def random_proposer(
    space: ParamSpace, history: HistoryDigest, batch: int, seed: int
) -> list[dict[str, Any]]:
    """Uniform (per the axes' weights) points; ignores history. The baseline every other
    proposer is measured against."""
    rng = random.Random(seed)
    return [dict(space.sample(rng)) for _ in range(batch)]


PROPOSERS: dict[str, Proposer] = {
    "random": random_proposer,
    "adaptive": adaptive_proposer,
    "greedy": greedy_proposer,
}
DEFAULT = "adaptive"


def register(name: str, proposer: Proposer) -> None:
    if name in PROPOSERS:
        raise ValueError(f"proposer {name!r} is already registered")
    PROPOSERS[name] = proposer


@contextmanager
def registered(name: str, fn: Proposer) -> Iterator[None]:
    """`name` names `fn` inside the block only (a benchmark's proposer bound to one target)."""
    register(name, fn)
    try:
        yield
    finally:
        del PROPOSERS[name]


def get(name: str) -> Proposer:
    try:
        return PROPOSERS[name]
    except KeyError:
        raise UserError(
            f"unknown proposer {name!r}; allowed: {', '.join(sorted(PROPOSERS))}"
        ) from None


def takes_context(fn: Proposer) -> bool:
    try:
        return "context" in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False


def propose(
    name: str,
    space: ParamSpace,
    history: HistoryDigest,
    batch: int,
    seed: int,
    context: ProposerContext | None = None,
) -> list[dict[str, Any]]:
    """The batch of the named proposer; `context` reaches it only if it accepts one."""
    fn = get(name)
    if context is not None and takes_context(fn):
        return fn(space, history, batch, seed, context=context)
    return fn(space, history, batch, seed)
