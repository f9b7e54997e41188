"""`toolmine bench wg`: WG mining scored against ground truth, with DAG beside it.

Thin: the runs and the figures come from `mining.bench.wg`; this module parses options, reports
progress on stderr, and prints a table plus one final JSON line on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from cli.bench import bench_app

ROWS: tuple[tuple[str, str, str], ...] = (
    # (label, part, key)
    ("hypotheses probed", "wg", "hypotheses"),
    ("confirmed failures (WG) / harvested (DAG)", "both", "confirmed|harvested"),
    ("target rollouts", "both", "target_rollouts|target_rollouts"),
    ("per 100 target rollouts", "both", "confirmed_per_100_rollouts|harvested_per_100_rollouts"),
    ("  of them simplifying failures", "wg", "simplification_rollouts"),
    ("oracle rollouts", "wg", "oracle_runs"),
    ("broken worlds (ground truth)", "wg", "broken_worlds"),
    ("stopped by consistency checks", "wg", "checks_stop_share"),
    ("target rollouts on broken worlds, checks on", "wg", "broken_target_rollouts"),
    ("target rollouts on broken worlds, checks off", "off", "broken_target_rollouts"),
    ("false confirmations / confirmed", "wg", "false_confirmation_share"),
    ("false discards / oracle discards", "wg", "false_discard_share"),
    ("real failures the oracle discarded / judged", "wg", "real_discard_share"),
    ("weak regions covered", "both", "weak_coverage|weak_coverage"),
    ("distinct cells", "both", "distinct_cells|distinct_cells"),
    ("complexity before -> after simplification", "min", "mean_complexity"),
    ("golden calls before -> after", "min", "mean_golden_calls"),
    ("minimum still in its weak region", "wg", "minimum_still_weak_share"),
)


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return "-"
    if key.endswith(("share", "coverage")):
        return f"{value:.0%}"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _cells(seed: Any, part: str, key: str) -> tuple[str, str]:
    if part == "both":
        wg_key, dag_key = key.split("|")
        return _fmt(seed.wg[wg_key], wg_key), _fmt(seed.dag[dag_key], dag_key)
    if part == "off":
        return _fmt(seed.wg_no_checks[key], key), ""
    if part == "min":
        before, after = seed.wg[f"{key}_before"], seed.wg[f"{key}_after"]
        return f"{_fmt(before)} -> {_fmt(after)}", ""
    return _fmt(seed.wg[key], key), ""


@bench_app.command("wg")
def bench_wg_command(
    target: str = typer.Option("sim:mid", "--target", help="sim:PROFILE or sim:file:PATH"),
    oracle: str = typer.Option("sim:strong", "--oracle", help="the model confirming failures"),
    tasks: int = typer.Option(10, "--tasks", "-n", min=1, help="confirmed failures per run (N)"),
    seeds: int = typer.Option(3, "--seeds", min=1, help="seeds (0..S-1)"),
    domain: str = typer.Option("airline", "--domain", help="the domain whose tasks are mined"),
) -> None:
    """WG mining against a simulated target, scored against ground truth, DAG beside it.

    Example: toolmine bench wg --target sim:mid
    """
    from mining.bench.wg import pooled, run_seed

    err = Console(stderr=True)
    runs = []
    for seed in range(seeds):
        run = run_seed(target, oracle, tasks, seed, domain)
        err.print(
            f"seed {seed}: WG {run.wg['confirmed']} confirmed in {run.wg['target_rollouts']} "
            f"rollouts, DAG {run.dag['harvested']} in {run.dag['target_rollouts']} "
            f"({run.seconds}s)",
            highlight=False,
        )
        runs.append(run)
    table = Table(title=f"WG vs DAG on {target} (oracle {oracle}), N={tasks}, seeds 0..{seeds - 1}")
    table.add_column("figure", justify="left")
    for r in runs:
        table.add_column(f"WG s{r.seed}", justify="right")
        table.add_column(f"DAG s{r.seed}", justify="right")
    for label, part, key in ROWS:
        row = [label]
        for r in runs:
            row.extend(_cells(r, part, key))
        table.add_row(*row)
    out = Console(width=160)
    out.print(table)
    summary = pooled(runs)
    for name, value in summary.items():
        out.print(f"{name}: {_fmt(value, name)}", highlight=False)
    sys.stdout.write(json.dumps({"pooled": summary, "runs": [r.model_dump() for r in runs]}) + "\n")
