"""Rendering of `toolmine bench proposer --targets ...`: one row per target and proposer, then
the family's medians and worst cases, and one final JSON line on stdout."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from mining.bench.family import FamilyResult


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_family(result: FamilyResult) -> None:
    seeds = f"seeds 0..{len(result.seeds) - 1}"
    table = Table(title=f"proposers on {len(result.targets)} targets, N={result.n_tasks}, {seeds}")
    columns = ("target", "proposer", "rollouts/task", "x floor", "weak regions", "worst seed",
               "largest cell")  # fmt: skip
    for col in columns:
        table.add_column(col, justify="left" if col in ("target", "proposer") else "right")
    for bench in result.results:
        for i, p in enumerate(bench.proposers):
            table.add_row(
                bench.target if i == 0 else "",
                p.proposer,
                _fmt(p.rollouts_per_task),
                _fmt(p.floor_ratio),
                f"{p.weak_coverage:.0%} of {len(bench.weak_regions)}",
                f"{p.worst_weak_coverage:.0%}",
                f"{p.worst_cell_share:.0%}",
                end_section=i == len(bench.proposers) - 1,
            )
    out = Console(width=140)
    out.print(table)
    for f in result.family:
        cost = f"rollouts/task median {_fmt(f.rollouts_per_task)} ({_fmt(f.floor_ratio)}x floor"
        cost += f", worst target {_fmt(f.worst_floor_ratio)}x)"
        cover = f"weak regions covered median {f.weak_coverage:.0%}, worst target "
        cover += f"{f.worst_weak_coverage:.0%}, worst run {f.worst_run_coverage:.0%}"
        out.print(
            f"{f.proposer} over {f.targets} targets: {cost}; {cover}; largest cell share of any "
            f"run {f.worst_cell_share:.0%}",
            highlight=False,
        )
    slim = result.model_dump(
        mode="json", exclude={"results": {"__all__": {"proposers": {"__all__": {"runs"}}}}}
    )
    sys.stdout.write(json.dumps(slim) + "\n")
