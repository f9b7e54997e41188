"""`toolmine bench proposer`: random, adaptive and greedy proposers on the same target and seeds.

Thin: the harvests and the figures come from `mining.bench.proposer`; this module parses options,
reports progress on stderr, and prints a table plus one final JSON line on stdout.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from cli.bench import bench_app


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@bench_app.command("proposer")
def bench_proposer_command(
    target: str = typer.Option(
        "sim:mid", "--target", help="sim:PROFILE, sim:file:PATH or sim:pockets:SEED[:N]"
    ),
    targets: str = typer.Option(
        "",
        "--targets",
        help="a family instead of one target: comma-separated, A..B ranges spelt out "
        "(e.g. sim:pockets:0..19,sim:mid); prints per-target medians and the family's "
        "median and worst case",
    ),
    tasks: int = typer.Option(30, "--tasks", "-n", min=1, help="tasks to harvest per run (N)"),
    seeds: int = typer.Option(3, "--seeds", min=1, help="seeds per proposer (0..S-1)"),
    batch: int = typer.Option(8, "--batch", min=1, help="candidates per iteration"),
    proposers: str = typer.Option(
        "random,adaptive,greedy",
        "--proposers",
        help="comma-separated proposer names; `oracle` adds a near-oracle that knows the "
        "simulated target (a reference the others are read against)",
    ),
    domain: str = typer.Option("airline", "--domain", help="the domain whose tasks are mined"),
    max_cell_share: float = typer.Option(
        0.2, "--max-cell-share", help="the cell cap of the adaptive runs (1: none)"
    ),
    max_rollouts: int = typer.Option(
        3000, "--max-rollouts", min=1, help="budget per run (random on a strong target is slow)"
    ),
    jobs: int = typer.Option(
        1,
        "--jobs",
        "-j",
        help="worker processes running the harvests (each harvest is deterministic, so the "
        "figures do not depend on it; only the seconds do)",
    ),
) -> None:
    """Harvest N tasks in-process with each proposer and compare cost and diversity.

    Example: toolmine bench proposer --target sim:mid --tasks 30 --seeds 3
    """
    from mining.bench.proposer import (
        FLOOR_RATIO,
        ORACLE,
        ORACLE_RATIO,
        SAVING_SHARE,
        RunFigures,
        run_bench,
    )
    from mining.bench.runs import check_jobs
    from mining.core.errors import UserError
    from mining.propose import registry

    names = [p.strip() for p in proposers.split(",") if p.strip()]
    allowed = ", ".join(sorted([*registry.PROPOSERS, ORACLE]))
    if not names:
        raise UserError(f"--proposers {proposers!r} names no proposer; allowed: {allowed}")
    for name in names:
        if name != ORACLE and name not in registry.PROPOSERS:
            raise UserError(f"unknown proposer {name!r}; allowed: {allowed}")
    check_jobs(jobs)
    err = Console(stderr=True)

    def progress(run: RunFigures, target: str = "") -> None:
        err.print(
            f"{target} {run.proposer:>8} seed {run.seed}: {run.harvested} tasks, "
            f"{run.rollouts} rollouts, {run.candidates} candidates, {run.seconds:.1f}s "
            f"({run.stop})".strip(),
            highlight=False,
        )

    shape = (tasks, list(range(seeds)), batch)
    options: dict[str, Any] = {
        "proposers": names,
        "domain": domain,
        "max_cell_share": None if max_cell_share >= 1.0 else max_cell_share,
        "max_rollouts": max_rollouts,
        "jobs": jobs,
    }
    if targets:
        from cli.bench_family import render_family
        from mining.bench.family import expand_targets, run_family

        family = run_family(
            expand_targets(targets),
            *shape,
            **options,
            on_run=lambda target, run: progress(run, target),
        )
        render_family(family)
        return

    result = run_bench(target, *shape, **options, on_run=progress)
    table = Table(title=f"proposers on {target}, N={tasks}, seeds 0..{seeds - 1}, batch {batch}")
    for col in (
        "proposer",
        "seed",
        "harvested",
        "rollouts/task",
        "candidates/task",
        "cells",
        "largest cell",
        "weak regions",
        "users",
        "routes",
    ):
        table.add_column(col, justify="left" if col == "proposer" else "right")
    n_weak = len(result.weak_regions)
    for p in result.proposers:
        for r in p.runs:
            table.add_row(
                p.proposer,
                str(r.seed),
                str(r.harvested),
                _fmt(r.rollouts_per_task),
                _fmt(r.candidates_per_task),
                str(r.distinct_cells),
                f"{r.largest_cell_share:.0%}",
                f"{len(r.weak_regions_covered)}/{n_weak}",
                str(r.distinct_users),
                str(r.distinct_routes),
            )
        table.add_row(
            f"[bold]{p.proposer}[/bold]",
            "median",
            "",
            _fmt(p.rollouts_per_task),
            _fmt(p.candidates_per_task),
            _fmt(p.distinct_cells, 1),
            f"{p.largest_cell_share:.0%}",
            f"{p.weak_coverage:.0%}",
            "",
            "",
            end_section=True,
        )
    out = Console(width=140)
    out.print(table)
    reference = (ORACLE_RATIO, SAVING_SHARE, FLOOR_RATIO)
    adaptive = {k: v for k, v in result.ratios.items() if k not in reference}
    if adaptive:
        ratios = ", ".join(f"{k} {_fmt(v, 3)}" for k, v in adaptive.items())
        out.print(f"adaptive / random: {ratios}", highlight=False)
    if ORACLE_RATIO in result.ratios:
        oracle = _fmt(result.ratios[ORACLE_RATIO], 3)
        line = f"oracle / random: rollouts_per_task {oracle} (near-oracle)"
        if result.ratios.get(SAVING_SHARE) is not None:
            line += f"; adaptive gets {result.ratios[SAVING_SHARE]:.0%} of the oracle's saving"
        out.print(line, highlight=False)
    for p in result.proposers:
        if p.floor_ratio is not None:
            out.print(
                f"{p.proposer} / floor: rollouts_per_task {p.floor_ratio:.2f}x", highlight=False
            )
    if result.ratios.get(FLOOR_RATIO) is not None:
        out.print(
            f"floor / random: rollouts_per_task {result.ratios[FLOOR_RATIO]:.3f} (no proposer can "
            f"expect fewer than {result.rollouts_floor:.2f} rollouts per task)",
            highlight=False,
        )
    sys.stdout.write(result.model_dump_json(exclude={"proposers": {"__all__": {"runs"}}}) + "\n")
