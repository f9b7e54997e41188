"""Proposer benchmark: the same harvest with each proposer, on the same target and seeds.

A simulated target's weak regions are known, so how fast a proposer finds tasks inside the window
(target rollouts and candidates per harvested task) and how much of the target's weak spots the
harvest covers (weak regions hit, distinct parameter cells, largest share of one cell, distinct
users and routes; see `mining.reports.diversity`) can be measured offline. Each run is an in-process
harvest on its own in-memory store; `toolmine bench proposer` renders the result.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypedDict, Unpack

from pydantic import BaseModel, Field

from mining.bench.oracle import POOL, Oracle
from mining.core.errors import UserError
from mining.core.task import Task
from mining.harvest.config import Budgets, HarvestConfig, proposer_context
from mining.harvest.loop import run_harvest
from mining.propose import registry
from mining.propose.adaptive import rollouts_floor
from mining.reports.diversity import diversity
from mining.store.db import Store
from mining.targets.sim.agent import task_regions
from mining.targets.sim.profiles import Profile, load_profile

PROPOSERS = ("random", "adaptive", "greedy")
# Bench-only: the near-oracle needs the simulated target's profile (see mining.bench.oracle),
# so it is not a proposer a harvest can name; it shows what knowing the target would buy (a
# reference, not a bound: its rates are sampled, and a proposer can beat it).
ORACLE = "oracle"
ORACLE_RATIO = "oracle_rollouts_per_task"  # oracle / random, in BenchResult.ratios
SAVING_SHARE = "adaptive_share_of_oracle_saving"  # (random - adaptive) / (random - oracle)
# The floor (`mining.propose.adaptive.rollouts_floor`) / random: the best ratio any proposer
# can expect, so a target such as "2x fewer rollouts than random" can be checked for
# feasibility first.
FLOOR_RATIO = "floor_rollouts_per_task"
# The cell cap is part of the adaptive method (and the oracle keeps to it, to be comparable);
# random and greedy run without one, so the table shows how far each drifts on its own (greedy's
# collapse is the point of having it).
CAPPED = frozenset({"adaptive", ORACLE})


class RunFigures(BaseModel):
    """One harvest (one proposer, one seed)."""

    proposer: str
    seed: int
    harvested: int
    candidates: int
    rejected: int
    rollouts: int
    stop: str
    rollouts_per_task: float | None
    candidates_per_task: float | None
    distinct_cells: int
    largest_cell_share: float
    weak_regions_covered: list[str] = Field(default_factory=list)
    weak_coverage: float
    distinct_users: int
    distinct_routes: int
    seconds: float = 0.0


class ProposerFigures(BaseModel):
    """Medians over the seeds of one proposer (and the worst seed), with the runs behind them."""

    proposer: str
    rollouts_per_task: float | None
    candidates_per_task: float | None
    distinct_cells: float
    largest_cell_share: float
    weak_coverage: float
    floor_ratio: float | None = Field(
        default=None, description="median rollouts per task / the floor any proposer can expect"
    )
    worst_weak_coverage: float = 0.0
    worst_cell_share: float = 0.0
    runs: list[RunFigures]


class BenchResult(BaseModel):
    target: str
    n_tasks: int
    seeds: list[int]
    batch: int
    weak_regions: list[str]
    rollouts_floor: float = Field(description="fewest rollouts per task any proposer can expect")
    proposers: list[ProposerFigures]
    ratios: dict[str, float | None] = Field(
        default_factory=dict, description="adaptive / random, per median figure"
    )


def profile_of(target: str) -> Profile:
    """The profile behind `sim:NAME` or `sim:file:PATH` (the benchmark needs its weak regions)."""
    if not target.startswith("sim:"):
        raise UserError(f"target {target!r}: the proposer benchmark needs sim:PROFILE")
    return load_profile(target[len("sim:") :].split("?")[0])


def measure(store: Store, profile: Profile, harvest_id: str) -> dict[str, Any]:
    """Diversity and weak-region figures of the tasks a harvest kept."""
    raw = [item["task"] for item in store.harvested(harvest_id)]
    covered = sorted({r for t in raw for r in task_regions(Task.model_validate(t), profile)})
    div = diversity(raw)
    n_weak = len(profile.region_names())
    return {
        "distinct_cells": div.distinct_cells,
        "largest_cell_share": div.largest_cell_share,
        "weak_regions_covered": covered,
        "weak_coverage": len(covered) / n_weak if n_weak else 1.0,
        "distinct_users": div.distinct_users,
        "distinct_routes": div.distinct_routes,
    }


def bench_config(
    proposer: str,
    target: str,
    n_tasks: int,
    seed: int,
    batch: int,
    *,
    domain: str = "airline",
    max_cell_share: float | None = 0.2,
    max_rollouts: int | None = None,
) -> HarvestConfig:
    """The harvest one bench run makes (the window, k and waves are the harvest defaults)."""
    return HarvestConfig(
        harvest_id=f"bench-{proposer}-s{seed}",
        domain=domain,
        target=target,
        n_tasks=n_tasks,
        batch_size=batch,
        seed=seed,
        proposer=proposer,
        max_cell_share=max_cell_share if proposer in CAPPED else None,
        budgets=Budgets(max_rollouts=max_rollouts),
    )


def run_one(cfg: HarvestConfig, *, concurrency: int = 8, oracle_pool: int = POOL) -> RunFigures:
    """One bench harvest (`bench_config`), in-process on an in-memory store."""
    import time

    profile = profile_of(cfg.target)
    store = Store(":memory:")
    try:
        started = time.perf_counter()
        with _bench_proposer(cfg.proposer, cfg.target, cfg.domain, oracle_pool):
            res = run_harvest(cfg, store, concurrency=concurrency)
        seconds = time.perf_counter() - started
        figures = measure(store, profile, cfg.harvest_id)
    finally:
        store.close()
    return RunFigures(
        proposer=cfg.proposer,
        seed=cfg.seed,
        harvested=res.harvested,
        candidates=res.candidates,
        rejected=res.rejected,
        rollouts=res.rollouts,
        stop=res.stop,
        rollouts_per_task=res.rollouts / res.harvested if res.harvested else None,
        candidates_per_task=res.candidates / res.harvested if res.harvested else None,
        seconds=round(seconds, 2),
        **figures,
    )


@contextmanager
def _bench_proposer(name: str, target: str, domain: str, oracle_pool: int) -> Iterator[None]:
    """Registers the oracle for this target while its harvest runs (others are registered)."""
    if name != ORACLE:
        yield
        return
    ref = target[len("sim:") :].split("?")[0]
    with registry.registered(ORACLE, Oracle(domain, ref, oracle_pool)):
        yield


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def summarise(proposer: str, runs: list[RunFigures], floor: float) -> ProposerFigures:
    cost = _median([r.rollouts_per_task for r in runs])
    return ProposerFigures(
        proposer=proposer,
        rollouts_per_task=cost,
        candidates_per_task=_median([r.candidates_per_task for r in runs]),
        distinct_cells=statistics.median(r.distinct_cells for r in runs),
        largest_cell_share=statistics.median(r.largest_cell_share for r in runs),
        weak_coverage=statistics.median(r.weak_coverage for r in runs),
        floor_ratio=_ratio(cost, floor),
        worst_weak_coverage=min(r.weak_coverage for r in runs),
        worst_cell_share=max(r.largest_cell_share for r in runs),
        runs=runs,
    )


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _saving_share(
    adaptive: float | None, oracle: float | None, random: float | None
) -> float | None:
    """How much of the oracle's saving over random (rollouts per task) the adaptive one gets."""
    if adaptive is None or oracle is None or random is None or random <= oracle:
        return None
    return round((random - adaptive) / (random - oracle), 3)


class RunOptions(TypedDict, total=False):
    """How each bench harvest runs, besides its target, N, seeds and batch."""

    proposers: Sequence[str]  # default PROPOSERS
    domain: str  # default airline
    max_cell_share: float | None  # the cap of the capped proposers, default 0.2
    max_rollouts: int | None  # budget per run, default none


def bench_configs(
    target: str, n_tasks: int, seeds: Sequence[int], batch: int = 8, **options: Unpack[RunOptions]
) -> list[HarvestConfig]:
    """The harvests a bench on one target makes: every proposer on every seed, in that order
    (a target that is not a simulated one is refused here, before any harvest runs)."""
    profile_of(target)
    return [
        bench_config(
            name,
            target,
            n_tasks,
            seed,
            batch,
            domain=options.get("domain", "airline"),
            max_cell_share=options.get("max_cell_share", 0.2),
            max_rollouts=options.get("max_rollouts"),
        )
        for name in options.get("proposers", PROPOSERS)
        for seed in seeds
    ]


def run_benches(
    targets: Sequence[str],
    n_tasks: int,
    seeds: Sequence[int],
    batch: int = 8,
    *,
    oracle_pool: int = POOL,
    jobs: int = 1,
    on_run: Callable[[str, RunFigures], None] | None = None,
    **options: Unpack[RunOptions],
) -> list[BenchResult]:
    """The bench on every target, all their harvests in `jobs` worker processes (`on_run`
    hears of each, with its target, as it finishes)."""
    from mining.bench.runs import run_all

    per_target = [bench_configs(t, n_tasks, seeds, batch, **options) for t in targets]
    runs = run_all(
        [cfg for cfgs in per_target for cfg in cfgs],
        jobs=jobs,
        oracle_pool=oracle_pool,
        on_run=None if on_run is None else lambda cfg, run: on_run(cfg.target, run),
    )
    results, start = [], 0
    for target, cfgs in zip(targets, per_target, strict=True):
        results.append(bench_result(target, n_tasks, seeds, batch, runs[start : start + len(cfgs)]))
        start += len(cfgs)
    return results


def run_bench(
    target: str,
    n_tasks: int,
    seeds: Sequence[int],
    batch: int = 8,
    *,
    oracle_pool: int = POOL,
    jobs: int = 1,
    on_run: Callable[[RunFigures], None] | None = None,
    **options: Unpack[RunOptions],
) -> BenchResult:
    """Every proposer on every seed; ratios compare adaptive (and the oracle) with random."""
    report = None if on_run is None else lambda _target, run: on_run(run)
    (result,) = run_benches(
        [target],
        n_tasks,
        seeds,
        batch,
        oracle_pool=oracle_pool,
        jobs=jobs,
        on_run=report,
        **options,
    )
    return result


def bench_result(
    target: str, n_tasks: int, seeds: Sequence[int], batch: int, runs: Sequence[RunFigures]
) -> BenchResult:
    """Medians per proposer (in the order the runs name them), the floor and the ratios."""
    profile = profile_of(target)
    floor = rollouts_floor(proposer_context(bench_config("random", target, n_tasks, 0, batch)))
    names = list(dict.fromkeys(r.proposer for r in runs))
    out = [summarise(name, [r for r in runs if r.proposer == name], floor) for name in names]
    by = {p.proposer: p for p in out}
    ratios: dict[str, float | None] = {}
    if "adaptive" in by and "random" in by:
        a, r = by["adaptive"], by["random"]
        ratios = {
            "rollouts_per_task": _ratio(a.rollouts_per_task, r.rollouts_per_task),
            "candidates_per_task": _ratio(a.candidates_per_task, r.candidates_per_task),
            "weak_coverage": _ratio(a.weak_coverage, r.weak_coverage),
            "distinct_cells": _ratio(a.distinct_cells, r.distinct_cells),
        }
    if "random" in by:
        ratios[FLOOR_RATIO] = _ratio(floor, by["random"].rollouts_per_task)
    if ORACLE in by and "random" in by:  # what knowing the target would buy
        ratios[ORACLE_RATIO] = _ratio(by[ORACLE].rollouts_per_task, by["random"].rollouts_per_task)
        if "adaptive" in by:
            ratios[SAVING_SHARE] = _saving_share(
                by["adaptive"].rollouts_per_task,
                by[ORACLE].rollouts_per_task,
                by["random"].rollouts_per_task,
            )
    return BenchResult(
        target=target,
        n_tasks=n_tasks,
        seeds=list(seeds),
        batch=batch,
        weak_regions=profile.region_names(),
        rollouts_floor=round(floor, 3),
        proposers=out,
        ratios=ratios,
    )
