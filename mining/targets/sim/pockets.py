"""Generated simulated targets: strong everywhere except a few narrow pockets nobody tuned for.

`sim:pockets:SEED[:N]` is a profile with N (default 4) random pockets, each a conjunction of 2 or
3 relevant axis values of the domain's space covering between 1% and 5% of it (all of them
together under 10%, overlapping little), inside which the target fails often enough that its
pass rate sits in the default window (0.25-0.45); outside them it passes about 97% of rollouts
(a flat background of slips). The same seed gives the same profile in every process, so a
family such as `sim:pockets:0..19` judges a proposer on targets it was never tuned to.

Shares are measured on a fixed seeded sample of the space (points, not tasks: a pocket is given
by axis values, so no synthesis is needed). A pocket's failure is one of the errors that apply
to any task (a needless transfer, a loop on a failing call, giving up before the first change),
tried in a seeded order, so pockets differ in failure mode as real weak spots do.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Sequence
from typing import Any

from mining.core.errors import UserError
from mining.targets.sim.profiles import ErrorSpec, Pocket, Profile

DEFAULT_POCKETS = 4
DOMAIN = "airline"
SAMPLE = 20_000  # points the shares are measured on
SAMPLE_SEED = 20261204
MIN_SHARE, MAX_SHARE, MAX_TOTAL = 0.01, 0.05, 0.10
MAX_OVERLAP = 0.2  # of the smaller pocket's points that another pocket may share
PASS_RATES = (0.25, 0.45)  # a pocket's pass rate is drawn from this range
POCKET_ERRORS = ("needless_transfer", "tool_error_loop", "stop_early")
BACKGROUND = {"needless_transfer": 0.01, "tool_error_loop": 0.01, "stop_early": 0.01}
TRIES = 2000  # draws per attempt
RESTARTS = 50


def parse_ref(ref: str) -> tuple[int, int]:
    """`pockets:SEED[:N]` -> (seed, n)."""
    parts = ref.split(":")
    try:
        if parts[0] != "pockets" or len(parts) not in (2, 3):
            raise ValueError
        seed = int(parts[1])
        n = int(parts[2]) if len(parts) == 3 else DEFAULT_POCKETS
    except ValueError:
        raise UserError(
            f"simulated target sim:{ref}: expected sim:pockets:SEED or sim:pockets:SEED:N "
            "(whole numbers)"
        ) from None
    if not 1 <= n <= 8:
        raise UserError(f"sim:{ref}: N={n} pockets; allowed 1..8 (together under 10% of space)")
    return seed, n


def profile_for(ref: str) -> Profile:
    seed, n = parse_ref(ref)
    return generate(seed, n)


Items = frozenset[tuple[str, Any]]


@functools.cache
def _sample(domain: str) -> tuple[tuple[Items, ...], dict[tuple[str, Any], frozenset[int]]]:
    """The relevant items of a fixed sample of the space's points, and for each item the
    sample points that have it."""
    from mining.dag.synthesize import get_domain, spec_of

    space = spec_of(get_domain(domain)).space
    rng = random.Random(SAMPLE_SEED)
    points = tuple(frozenset(space.relevant(space.sample(rng)).items()) for _ in range(SAMPLE))
    index: dict[tuple[str, Any], set[int]] = {}
    for i, point in enumerate(points):
        for item in point:
            index.setdefault(item, set()).add(i)
    return points, {item: frozenset(ids) for item, ids in index.items()}


def _rng(seed: int, n: int) -> random.Random:
    digest = hashlib.sha256(f"pockets/{seed}/{n}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def generate(seed: int, n: int = DEFAULT_POCKETS, domain: str = DOMAIN) -> Profile:
    """The profile `sim:pockets:SEED:N` names (deterministic)."""
    sample, index = _sample(domain)
    rng = _rng(seed, n)
    for _ in range(RESTARTS):  # a set that leaves no room for the last pocket starts over
        chosen: list[tuple[Items, set[int]]] = []
        covered: set[int] = set()
        for _ in range(TRIES):
            if len(chosen) == n:
                break
            items = _draw(rng, sample)
            members = set.intersection(*(set(index[item]) for item in items))
            share = len(members) / len(sample)
            if not MIN_SHARE <= share <= MAX_SHARE:
                continue
            if len(covered | members) / len(sample) >= MAX_TOTAL:
                continue
            if any(_too_close(items, members, other, theirs) for other, theirs in chosen):
                continue
            chosen.append((items, members))
            covered |= members
        if len(chosen) == n:
            break
    else:
        raise UserError(f"sim:pockets:{seed}:{n}: no {n} pockets fit in 10% of the space")
    pockets = [_pocket(k, items, members, rng, domain) for k, (items, members) in enumerate(chosen)]
    share = len(covered) / len(sample)
    return Profile(
        name=f"pockets:{seed}:{n}",
        description=f"generated: strong, except {n} pockets covering {share:.1%} of the space",
        errors={name: ErrorSpec(base_rate=rate) for name, rate in BACKGROUND.items()},
        pockets=pockets,
    )


def _draw(rng: random.Random, sample: Sequence[Items]) -> Items:
    """2 or 3 relevant axis values of a sampled point (so the conjunction is reachable)."""
    point = sorted(sample[rng.randrange(len(sample))], key=repr)
    return frozenset(rng.sample(point, min(len(point), rng.choice((2, 3)))))


def _too_close(items: Items, members: set[int], other: Items, theirs: set[int]) -> bool:
    """Nested pockets, or ones that share much of their points, are one weak spot, not two."""
    if items <= other or other <= items:
        return True
    return len(members & theirs) > MAX_OVERLAP * min(len(members), len(theirs))


def _pocket(k: int, items: Items, members: set[int], rng: random.Random, domain: str) -> Pocket:
    when = dict(sorted(items, key=repr))
    pass_rate = rng.uniform(*PASS_RATES)
    errors = list(POCKET_ERRORS)
    rng.shuffle(errors)
    label = " & ".join(f"{axis}={value}" for axis, value in when.items())
    return Pocket(
        name=f"p{k + 1}:{label}",
        domain=domain,
        when=when,
        rate=round(1.0 - pass_rate, 3),
        errors=errors,
        note=f"{len(members) / SAMPLE:.1%} of the space; pass rate about {pass_rate:.2f}",
    )
