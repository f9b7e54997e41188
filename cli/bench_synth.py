"""`toolmine bench synth`: validated DAG candidates per second on one core.

Runs synthesis + validation (golden replay, text checks, uniqueness) in this one process, first
over the whole space, then with `distractor_density` pinned to each level, and prints the rate
with the mean world size (KB and entities), which is what drives the cost.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

from cli.bench import bench_app
from mining.synthesis import (
    Rejection,
    candidate_seed,
    get_domain,
    sample_params,
    spec_of,
    synthesize_candidate,
)


def measure(
    domain: str, n: int, seed: int, fixed: dict[str, Any] | None, world: str | None
) -> dict[str, Any]:
    """Synthesize n candidates; rate counts validated ones over the wall time of all n."""
    ok = rejected = 0
    kb = entities = 0.0
    start = time.perf_counter()
    for i in range(n):
        cseed = candidate_seed(seed, i)
        params = sample_params(domain, cseed, fixed)
        result = synthesize_candidate(domain, params, cseed, f"bench-{i}", world)
        if isinstance(result, Rejection):
            rejected += 1
            continue
        ok += 1
        kb += result.features.get("world_kb", 0.0)
        entities += sum(len(v) for v in result.world.values() if isinstance(v, dict))
    elapsed = time.perf_counter() - start
    return {
        "candidates": n,
        "validated": ok,
        "rejected": rejected,
        "seconds": round(elapsed, 3),
        "validated_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        "mean_world_kb": round(kb / ok, 2) if ok else 0.0,
        "mean_entities": round(entities / ok, 1) if ok else 0.0,
    }


@bench_app.command("synth")
def synth_command(
    domain: Annotated[str, typer.Option("--domain", help="Domain with DAG synthesis.")] = "airline",
    n: Annotated[int, typer.Option("--n", min=1, help="Candidates per measurement.")] = 400,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    world: Annotated[str | None, typer.Option("--world", help="Entity pools from a world.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validated candidates per second on one core, overall and per distractor density.

    Example: toolmine bench synth --n 400
    """
    spec = spec_of(get_domain(domain))
    synthesize_candidate(domain, sample_params(domain, seed), seed, "warmup", world)  # imports
    rows = [{"density": "all", **measure(domain, n, seed, None, world)}]
    names = spec.space.names()
    if "distractor_density" in names:
        for level in spec.space.axis("distractor_density").values:
            fixed = {"distractor_density": level}
            rows.append({"density": str(level), **measure(domain, n, seed + 1, fixed, world)})
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{domain}: validated candidates per second, one core ({n} candidates per row)")
    head = ("valid/s", 10), ("valid", 8), ("rejected", 10), ("world KB", 10), ("entities", 10)
    print(f"{'density':<10}" + "".join(f"{h:>{w}}" for h, w in head))
    for r in rows:
        print(
            f"{r['density']:<10}{r['validated_per_second']:>10}{r['validated']:>8}"
            f"{r['rejected']:>10}{r['mean_world_kb']:>10}{r['mean_entities']:>10}"
        )
