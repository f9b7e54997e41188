"""`toolmine params ...`: inspect a domain's parameter space and derive it from a benchmark.

`params derive --tasks TASKS.json` maps each task of a tau2 tasks file onto the domain's axes
(heuristics documented in the domain's derive module, e.g. domains/airline/dag/derive.py) and
prints the distribution of every axis over the tasks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.main import app
from mining.core.errors import UserError
from mining.dag.synthesize import get_domain, spec_of

params_app = typer.Typer(name="params", help="Parameter spaces of domains.", no_args_is_help=True)
app.add_typer(params_app, name="params")


@params_app.command("show")
def show_command(
    domain: Annotated[str, typer.Option("--domain", help="Domain name.")] = "airline",
) -> None:
    """Print the axes and their values as JSON."""
    spec = spec_of(get_domain(domain))
    print(json.dumps(spec.space.describe(), indent=2))


def distribution(points: list[dict[str, Any]], axes: list[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for axis in axes:
        counts = Counter(str(p.get(axis, "?")) for p in points)
        out[axis] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def missing_needs(needs: list[str], values: Mapping[str, Sequence[Any]]) -> list[str]:
    """The `axis=value` needs of a derived task that are not a value of the space (`values`:
    each axis's values)."""
    return [
        need
        for need in needs
        if need.partition("=")[2] not in {str(v) for v in values.get(need.partition("=")[0], ())}
    ]


@params_app.command("derive")
def derive_command(
    tasks: Annotated[Path, typer.Option("--tasks", help="A tau2 tasks.json file.")],
    domain: Annotated[str, typer.Option("--domain", help="Domain name.")] = "airline",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Distribution of the parameter axes over a benchmark's tasks (heuristic extraction).

    Example: toolmine params derive --tasks ../shared/data/tau2-airline/tasks.json
    """
    spec = spec_of(get_domain(domain))
    if spec.derive is None:
        raise UserError(f"domain {domain!r} cannot derive parameters from a task file")
    try:
        data = json.loads(tasks.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read tasks from {tasks}: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        raise UserError(f"{tasks}: expected a JSON list of task objects (tau2 tasks.json)")
    points = spec.derive(data)
    dist = distribution(points, spec.space.names())
    values = {a.name: a.values for a in spec.space.axes}
    missing = {
        str(t.get("id", i)): missing_needs(list(p.get("needs", [])), values)
        for i, (t, p) in enumerate(zip(data, points, strict=True))
    }
    gaps = {tid: m for tid, m in missing.items() if m}
    expressed = len(points) - len(gaps)
    if as_json:
        report = {"tasks": len(points), "expressed": expressed, "not_expressed": gaps}
        print(json.dumps({**report, "axes": dist}, indent=2))
        return
    print(f"{len(points)} tasks from {tasks}")
    for axis, counts in dist.items():
        cells = "  ".join(f"{v}: {c}" for v, c in counts.items())
        print(f"{axis:<20} {cells}")
    print(f"expressed: {expressed} of {len(points)} (every behaviour the task tests is a value)")
    for tid, needs in gaps.items():
        print(f"  task {tid}: missing {', '.join(needs)}")
