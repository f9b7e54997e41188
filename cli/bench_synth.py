"""`toolmine bench synth`: validated DAG candidates per second on one core.

Runs synthesis + validation (golden replay, text checks, uniqueness) in this one process, first
over the whole space, then with `distractor_density` pinned to each level, and prints the rate
with the mean world size (KB and entities), which is what drives the cost; the whole-space run is
also split by world size. Rates are per CPU second of this process (one core), so other load on
the machine does not skew them; the wall-clock rate is printed beside them.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

from cli.bench import bench_app
from cli.sample import reading_world
from mining.dag.synthesize import (
    Rejection,
    candidate_seed,
    get_domain,
    sample_params,
    spec_of,
    synthesize_candidate,
)

SIZE_BUCKETS = ((0.0, 4.0), (4.0, 8.0), (8.0, 16.0), (16.0, float("inf")))  # world KB


def measure(
    domain: str, n: int, seed: int, fixed: dict[str, Any] | None, world: str | None
) -> dict[str, Any]:
    """Synthesize n candidates; rates count validated ones over the CPU (and wall) time of all n."""
    ok = rejected = 0
    kb = entities = 0.0
    by_size: list[tuple[float, float]] = []  # (world KB, CPU seconds) per validated candidate
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(n):
        t0 = time.process_time()
        cseed = candidate_seed(seed, i)
        params = sample_params(domain, cseed, fixed)
        result = synthesize_candidate(domain, params, cseed, f"bench-{i}", world)
        if isinstance(result, Rejection):
            rejected += 1
            continue
        ok += 1
        size = result.features.get("world_kb", 0.0)
        by_size.append((size, time.process_time() - t0))
        kb += size
        entities += sum(len(v) for v in result.world.values() if isinstance(v, dict))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    sizes = {}
    for lo, hi in SIZE_BUCKETS:
        spent = [s for k, s in by_size if lo <= k < hi]
        label = f"{lo:g}-{hi:g} KB" if hi != float("inf") else f">={lo:g} KB"
        if spent:
            sizes[label] = {
                "validated": len(spent),
                "per_second": round(len(spent) / sum(spent), 1),
            }
    return {
        "candidates": n,
        "validated": ok,
        "rejected": rejected,
        "cpu_seconds": round(cpu, 3),
        "seconds": round(elapsed, 3),
        "validated_per_second": round(ok / cpu, 1) if cpu else 0.0,
        "wall_validated_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        "mean_world_kb": round(kb / ok, 2) if ok else 0.0,
        "mean_entities": round(entities / ok, 1) if ok else 0.0,
        "by_world_size": sizes,
    }


@bench_app.command("synth")
def synth_command(
    domain: Annotated[str, typer.Option("--domain", help="Domain with DAG synthesis.")] = "airline",
    n: Annotated[int, typer.Option("--n", min=1, help="Candidates per measurement.")] = 400,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    world: Annotated[str | None, typer.Option("--world", help="Entity pools from a world.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validated candidates per CPU second (one core), overall, per distractor density and per
    world size.

    Example: toolmine bench synth --n 400
    """
    spec = spec_of(get_domain(domain))
    with reading_world(world):  # the warm-up also checks the world file
        synthesize_candidate(domain, sample_params(domain, seed), seed, "warmup", world)
    rows = [{"density": "all", **measure(domain, n, seed, None, world)}]
    names = spec.space.names()
    if "distractor_density" in names:
        for level in spec.space.axis("distractor_density").values:
            fixed = {"distractor_density": level}
            rows.append({"density": str(level), **measure(domain, n, seed + 1, fixed, world)})
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{domain}: validated candidates per CPU second, one core ({n} candidates per row)")
    head = ("valid/s", 10), ("wall/s", 9), ("valid", 7), ("rejected", 10), ("world KB", 10)
    print(f"{'density':<10}" + "".join(f"{h:>{w}}" for h, w in head) + f"{'entities':>10}")
    for r in rows:
        print(
            f"{r['density']:<10}{r['validated_per_second']:>10}{r['wall_validated_per_second']:>9}"
            f"{r['validated']:>7}{r['rejected']:>10}{r['mean_world_kb']:>10}{r['mean_entities']:>10}"
        )
    print("by world size (all densities):")
    for label, figures in rows[0]["by_world_size"].items():
        print(f"  {label:<12}{figures['per_second']:>10}/s  ({figures['validated']} validated)")
