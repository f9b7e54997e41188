"""A near-oracle proposer for simulated targets: the ceiling any proposer can hope to reach.

`toolmine bench proposer --proposers random,adaptive,oracle` runs it beside the others, so the
adaptive proposer's figures can be read against what perfect knowledge of the target would buy
(e.g. whether "2x fewer rollouts than random" is reachable at all on a profile where random
already lands a third of its candidates in the window).

It knows what no real proposer can: a simulated rollout fails exactly when the profile injects an
error (`build_plan(...).injected`), and that needs no target call. So before the harvest it surveys
the space: it synthesizes tasks at sampled points, plays the sim's error draws many times for each,
and records per cell the chance that a candidate lands inside the window, the rollouts it costs and
the weak regions its tasks fall in. It then proposes the cells with the most hits per rollout,
keeping to the cell cap, and first spends one pick per batch on each weak region the harvest has
not covered yet. It is "near" an oracle because its rates are estimated from samples.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from domains.params import ParamSpace
from mining.adaptive import expected_rollouts, harvested_per_cell, trim_to_need
from mining.proposer_context import ProposerContext
from mining.store.records import HistoryEntry

SURVEY_POINTS = 6000  # sampled points (about 8 per cell of the airline space)
SURVEY_DRAWS = 32  # simulated rollouts per surveyed task (a multiple of any usual k)
MIN_TASKS = 4  # cells with fewer surveyed tasks are not trusted (one lucky task is not a rate)
SURVEY_SEED = 20261202  # fixed: the oracle's knowledge does not depend on the harvest seed


@dataclass
class SurveyedTask:
    params: dict[str, Any]
    passed: tuple[bool, ...]  # one per simulated rollout
    regions: tuple[str, ...]  # the profile's weak regions the task falls in


@dataclass
class CellRate:
    """What the oracle knows of one cell under a given window and k."""

    hit: float  # chance that a candidate lands inside the window
    rollouts: float  # rollouts it costs on average (early stopping included)
    region_share: dict[str, float]  # share of the cell's tasks in each weak region
    points: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=8)
def survey(
    domain: str, profile_ref: str, n_points: int = SURVEY_POINTS
) -> tuple[SurveyedTask, ...]:
    """Tasks synthesized at sampled points, with the simulated target's outcome on each draw."""
    from mining.synthesis import Rejection, get_domain, spec_of, synthesize_candidate
    from mining.targets.profiles import load_profile
    from mining.targets.sim import build_plan, task_features

    profile = load_profile(profile_ref)
    space = spec_of(get_domain(domain)).space
    rng = random.Random(SURVEY_SEED)
    out: list[SurveyedTask] = []
    for i in range(n_points):
        task = synthesize_candidate(domain, dict(space.sample(rng)), SURVEY_SEED + i, f"survey-{i}")
        if isinstance(task, Rejection):
            continue
        passed = tuple(
            not build_plan(task, profile, SURVEY_SEED, j).injected for j in range(SURVEY_DRAWS)
        )
        regions = tuple(profile.weak_regions_of(task_features(task)))
        out.append(SurveyedTask(dict(task.params), passed, regions))
    return tuple(out)


def cell_rates(
    space: ParamSpace, tasks: Sequence[SurveyedTask], ctx: ProposerContext
) -> dict[str, CellRate]:
    """Per cell: the share of k-rollout groups inside the window (unbiased, unlike the window
    probability of an estimated pass rate), the rollouts a candidate costs, the region shares."""
    by_cell: defaultdict[str, list[SurveyedTask]] = defaultdict(list)
    for t in tasks:
        by_cell[space.cell(t.params)].append(t)
    rates: dict[str, CellRate] = {}
    for cell, members in by_cell.items():
        if len(members) < MIN_TASKS:
            continue
        hits = cost = 0.0
        regions: Counter[str] = Counter()
        for t in members:
            groups = [t.passed[i : i + ctx.k] for i in range(0, len(t.passed) - ctx.k + 1, ctx.k)]
            hits += sum(ctx.in_window(sum(g), ctx.k) for g in groups) / max(1, len(groups))
            cost += expected_rollouts(sum(t.passed) / len(t.passed), ctx)
            regions.update(t.regions)
        n = len(members)
        rates[cell] = CellRate(
            hit=hits / n,
            rollouts=cost / n,
            region_share={r: c / n for r, c in regions.items()},
            points=[t.params for t in members],
        )
    return rates


def make_oracle(domain: str, profile_ref: str, n_points: int = SURVEY_POINTS):  # type: ignore[no-untyped-def]
    """The oracle proposer for one simulated target (the survey runs on first use)."""

    def oracle_proposer(
        space: ParamSpace,
        history: Sequence[HistoryEntry],
        batch: int,
        seed: int,
        context: ProposerContext | None = None,
    ) -> list[dict[str, Any]]:
        ctx = context or ProposerContext()
        rng = random.Random(seed)
        rates = cell_rates(space, survey(domain, profile_ref, n_points), ctx)
        # Every open cell filled: keep the harvest going, as the adaptive proposer does.
        return pick(rates, history, batch, rng, ctx) or [dict(space.sample(rng))]

    return oracle_proposer


def pick(
    rates: dict[str, CellRate],
    history: Sequence[HistoryEntry],
    batch: int,
    rng: random.Random,
    ctx: ProposerContext,
) -> list[dict[str, Any]]:
    """Best cells by hits per rollout within the cap, after one pick per uncovered weak region."""
    harvested = harvested_per_cell(history, ctx)
    cap = ctx.cell_cap(sum(harvested.values()))
    # A region counts as covered once the harvested tasks are expected to hold one of its tasks
    # (the history has each candidate's cell, not its task).
    expected_in: defaultdict[str, float] = defaultdict(float)
    for cell, n in harvested.items():
        if cell in rates:
            for region, share in rates[cell].region_share.items():
                expected_in[region] += n * share
    regions = sorted({r for rate in rates.values() for r in rate.region_share})
    uncovered = [r for r in regions if expected_in[r] < 1.0]
    room = {cell: float(cap - harvested[cell]) for cell in rates}
    picks: list[tuple[dict[str, Any], float]] = []

    def best(value: Any) -> str | None:
        open_cells = [c for c, r in room.items() if r >= min(1.0, rates[c].hit) and value(c) > 0]
        return max(open_cells, key=lambda c: (value(c), c), default=None)

    def take(cell: str) -> None:
        picks.append((dict(rng.choice(rates[cell].points)), rates[cell].hit))
        room[cell] -= rates[cell].hit  # expected hits, so a cell is not over-filled in a batch

    for region in uncovered[:batch]:
        chosen = best(lambda c, r=region: rates[c].hit * rates[c].region_share.get(r, 0.0))
        if chosen is not None:
            take(chosen)
    while len(picks) < batch:
        chosen = best(lambda c: rates[c].hit / rates[c].rollouts)
        if chosen is None:
            break
        take(chosen)
    return trim_to_need(picks, remaining=ctx.target_tasks - sum(harvested.values()))
