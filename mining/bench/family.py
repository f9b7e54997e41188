"""The proposer benchmark over a family of targets: medians, and the worst target.

A proposer's figures on the profiles it was tuned with say little about the next target. A
family of generated targets (`sim:pockets:0..19`, see `mining.targets.sim.pockets`) judges it on
targets nobody tuned it to: per target, the medians over the seeds (as `run_bench` gives them);
over the family, the median of those and the worst one, plus the worst single run's coverage
and largest cell share (no harvest may put more than its cap in one cell).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from typing import Unpack

from pydantic import BaseModel

from mining.bench.proposer import BenchResult, RunFigures, RunOptions, run_benches
from mining.core.errors import UserError

RANGE = re.compile(r"(\d+)\.\.(\d+)")


def expand_targets(spec: str) -> list[str]:
    """`sim:mid,sim:pockets:0..19` -> each target, a `A..B` range spelt out (inclusive)."""
    out: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        found = list(RANGE.finditer(item))
        if len(found) > 1:
            raise UserError(f"--targets item {item!r}: at most one A..B range")
        if not found:
            out.append(item)
            continue
        lo, hi = int(found[0].group(1)), int(found[0].group(2))
        if hi < lo:
            raise UserError(f"--targets item {item!r}: range {lo}..{hi} is empty")
        head, tail = item[: found[0].start()], item[found[0].end() :]
        out += [f"{head}{n}{tail}" for n in range(lo, hi + 1)]
    if not out:
        raise UserError(f"--targets {spec!r} names no target; e.g. sim:mid,sim:pockets:0..19")
    return out


class FamilyFigures(BaseModel):
    """One proposer over the family (per-target figures are medians over the seeds)."""

    proposer: str
    targets: int
    rollouts_per_task: float | None  # median over targets
    floor_ratio: float | None  # median over targets of (rollouts per task / floor)
    worst_floor_ratio: float | None
    weak_coverage: float  # median over targets
    worst_weak_coverage: float  # the worst target's median
    worst_run_coverage: float  # the worst single run
    worst_cell_share: float  # the largest cell share of any run


class FamilyResult(BaseModel):
    targets: list[str]
    n_tasks: int
    seeds: list[int]
    results: list[BenchResult]
    family: list[FamilyFigures]


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def summarise_family(results: Sequence[BenchResult]) -> list[FamilyFigures]:
    names = [p.proposer for p in results[0].proposers] if results else []
    out = []
    for name in names:
        figures = [p for r in results for p in r.proposers if p.proposer == name]
        ratios = [f.floor_ratio for f in figures]
        known = [r for r in ratios if r is not None]
        out.append(
            FamilyFigures(
                proposer=name,
                targets=len(figures),
                rollouts_per_task=_median([f.rollouts_per_task for f in figures]),
                floor_ratio=_median(ratios),
                # a target where nothing was harvested has no ratio: the worst case
                worst_floor_ratio=max(known) if len(known) == len(ratios) else None,
                weak_coverage=statistics.median(f.weak_coverage for f in figures),
                worst_weak_coverage=min(f.weak_coverage for f in figures),
                worst_run_coverage=min(f.worst_weak_coverage for f in figures),
                worst_cell_share=max(f.worst_cell_share for f in figures),
            )
        )
    return out


def run_family(
    targets: Sequence[str],
    n_tasks: int,
    seeds: Sequence[int],
    batch: int = 8,
    *,
    jobs: int = 1,
    on_run: Callable[[str, RunFigures], None] | None = None,
    **options: Unpack[RunOptions],
) -> FamilyResult:
    """The bench on every target (all their harvests in `jobs` worker processes), then the
    family's medians and worst cases."""
    results = run_benches(targets, n_tasks, seeds, batch, jobs=jobs, on_run=on_run, **options)
    return FamilyResult(
        targets=list(targets),
        n_tasks=n_tasks,
        seeds=list(seeds),
        results=results,
        family=summarise_family(results),
    )
