"""`toolmine eval`: measure a target's pass rate on freshly sampled tasks.

One JSON line per task (task_id, params, passes, rollouts, pass_rate, failure_modes), then a
summary line (tasks, rollouts, pass_rate, tokens, cost, seconds); `--table` prints a table
instead. Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
import time

import typer

from cli.main import app
from mining.core.errors import UserError
from mining.harvest.config import TURN_TIMEOUT_S
from mining.llm.errors import ProviderError
from mining.rollout.retry import OnRetry


@app.command("eval")
def eval_command(
    domain: str = typer.Option("airline", "--domain", help="domain to sample tasks from"),
    target: str = typer.Option(..., "--target", help="litellm model name, or sim:strong|mid|weak"),
    n: int = typer.Option(10, "--n", min=1, help="number of tasks"),
    k: int = typer.Option(4, "--k", min=1, help="rollouts per task"),
    min_pass_rate: float = typer.Option(
        0.0, "--min-pass-rate", help="window lower bound (exclusive), as in harvest start"
    ),
    max_pass_rate: float = typer.Option(
        0.5, "--max-pass-rate", help="window upper bound (inclusive), as in harvest start"
    ),
    seed: int = typer.Option(0, "--seed", help="seed of task sampling and rollouts"),
    api_base: str | None = typer.Option(None, "--api-base", help="endpoint for the target"),
    concurrency: int = typer.Option(4, "--concurrency", min=1, help="parallel rollouts"),
    max_turns: int = typer.Option(30, "--max-turns", min=1),
    turn_timeout: float = typer.Option(
        TURN_TIMEOUT_S, "--turn-timeout", min=1, help="seconds the target may take per turn"
    ),
    table: bool = typer.Option(False, "--table", help="print a table instead of JSON lines"),
) -> None:
    """Sample N tasks, run K rollouts of the target on each, print pass rates.

    Example: toolmine eval --domain airline --target sim:mid --n 20 --k 4 --seed 1
    """
    from mining.core.window import Window
    from mining.dag.synthesize import sample_tasks
    from mining.llm.spec import with_turn_timeout
    from mining.rollout.evaluation import evaluate_candidate
    from mining.targets import resolve_target

    window = Window(min_pass_rate=min_pass_rate, max_pass_rate=max_pass_rate, k=k)
    window.check()
    spec = with_turn_timeout(resolve_target(target, api_base=api_base), turn_timeout)
    started = time.monotonic()
    tasks = sample_tasks(domain, n, seed)
    if not tasks:
        raise UserError(f"no valid task could be sampled from domain {domain!r}")
    rows: list[dict[str, object]] = []
    totals = {"rollouts": 0, "passes": 0, "tokens": 0, "cost": 0.0}
    for i, task in enumerate(tasks, 1):
        try:
            ev = evaluate_candidate(
                task,
                spec,
                window,
                seed,
                concurrency=concurrency,
                max_turns=max_turns,
                early_stop=False,
                on_retry=_announce_retry(task.task_id),
            )
        except ProviderError as exc:
            raise UserError(f"provider error on task {task.task_id}: {exc}") from None
        row = {
            "task_id": task.task_id,
            "params": task.params,
            "passes": ev.passes,
            "rollouts": len(ev.rollouts),
            "pass_rate": round(ev.pass_rate, 4),
            "in_window": ev.in_window,
            "failure_modes": ev.failure_modes,
        }
        rows.append(row)
        totals["rollouts"] += len(ev.rollouts)
        totals["passes"] += ev.passes
        totals["tokens"] += ev.tokens
        totals["cost"] += ev.cost
        print(
            f"[{i}/{len(tasks)}] {task.task_id} pass_rate={ev.pass_rate:.2f}",
            file=sys.stderr,
            flush=True,
        )
        if not table:
            print(json.dumps(row), flush=True)
    summary: dict[str, object] = {
        "tasks": len(tasks),
        "rollouts": totals["rollouts"],
        "pass_rate": round(totals["passes"] / max(1, int(totals["rollouts"])), 4),
        "tokens": totals["tokens"],
        "cost": round(float(totals["cost"]), 6),
        "seconds": round(time.monotonic() - started, 3),
    }
    if table:
        _print_table(rows, summary)
    else:
        print(json.dumps(summary), flush=True)


def _announce_retry(task_id: str) -> OnRetry:
    def announce(attempt: int, exc: ProviderError, delay: float) -> None:
        print(f"[{task_id}] attempt {attempt} failed, retry in {delay:g} s: {exc}", file=sys.stderr)

    return announce


def _print_table(rows: list[dict[str, object]], summary: dict[str, object]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(title="toolmine eval")
    for column in ("task", "passes", "rollouts", "pass rate", "in window", "failure modes"):
        out.add_column(column)
    for row in rows:
        modes = row["failure_modes"]
        out.add_row(
            str(row["task_id"]),
            str(row["passes"]),
            str(row["rollouts"]),
            f"{float(str(row['pass_rate'])):.2f}",
            "yes" if row["in_window"] else "no",
            ", ".join(modes) if isinstance(modes, list) else "",
        )
    console = Console(width=120)
    console.print(out)
    console.print(
        f"tasks {summary['tasks']}  rollouts {summary['rollouts']}  "
        f"pass rate {summary['pass_rate']}  tokens {summary['tokens']}  "
        f"cost ${summary['cost']}  {summary['seconds']} s"
    )
