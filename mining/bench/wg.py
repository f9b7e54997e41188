"""WG benchmark: WG mining on a simulated target, scored against ground truth, DAG beside it.

Per seed: a WG harvest with consistency checks, the same harvest without them (how many target
rollouts broken worlds cost when nothing stops them), and a DAG harvest (adaptive proposer) with
the same target, N and rollout budget as the WG harvest spent (budgets count every paid rollout,
the oracle's included). Figures: confirmed failures per
100 target rollouts; broken worlds stopped by the checks before any rollout; target rollouts
spent on broken worlds with and without checks; oracle filter accuracy against the offline world
actor's ground truth (false confirmations among confirmed failures, false discards among
oracle discards, and real failures discarded among those the oracle judged); coverage of the
profile's weak regions; minimality of the simplified failures
(complexity and golden calls before and after, and whether the minimum is still in a weak region
the original was in).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from pydantic import BaseModel

from mining.bench.proposer import bench_config, profile_of, run_one
from mining.core.task import Task
from mining.targets.sim.agent import task_features
from mining.targets.sim.profiles import Profile
from mining.wg.config import WGSettings
from mining.wg.loop import WGRun, run_wg


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def wg_figures(run: WGRun, profile: Profile) -> dict[str, Any]:
    outcomes, confirmed = run.outcomes, run.confirmed
    rollouts = run.target_rollouts
    decisions = [d for o in outcomes for d in o.decisions]
    discards = [d for d in decisions if not d.confirmed]
    # Real failures (ground truth: the world is sound) the oracle judged, and those it discarded:
    # the paid target rollouts the filter throws away. (False discards / oracle discards says
    # how pure the discards are, not how many real failures are lost: with checks stopping most
    # broken worlds first, nearly every discard is a real failure however good the filter.)
    real = [d for d in decisions if d.truth_broken is None]
    real_lost = sum(1 for d in real if not d.confirmed)
    broken = sum(o.broken_worlds for o in outcomes)
    stopped = sum(o.stopped_by_checks for o in outcomes)
    tasks = [o.task for o in confirmed if o.task is not None]
    false_conf = sum(1 for o in confirmed if o.task_truth.broken)
    covered = sorted({r for t in tasks for r in profile.weak_regions_of(task_features(t))})
    minimal = [_minimality(o.original_features, o.original_complexity, o.task, profile, o.chain)
               for o in confirmed if o.task is not None]  # fmt: skip
    in_before = [m for m in minimal if m["original_in_weak"]]
    return {
        "hypotheses": len(outcomes),
        "confirmed": len(confirmed),
        "target_rollouts": rollouts,
        "oracle_runs": sum(o.oracle_runs for o in outcomes),
        "simplification_rollouts": sum(v.target_rollouts for o in outcomes for v in o.chain),
        "confirmed_per_100_rollouts": _rate(100 * len(confirmed), rollouts),
        "broken_worlds": broken,
        "stopped_by_checks": stopped,
        "checks_stop_share": _rate(stopped, broken),
        "broken_target_rollouts": sum(o.broken_target_rollouts for o in outcomes),
        "false_confirmations": false_conf,
        "false_confirmation_share": _rate(false_conf, len(confirmed)),
        "oracle_discards": len(discards),
        "false_discards": sum(1 for d in discards if d.truth_broken is None),
        "false_discard_share": _rate(sum(1 for d in discards if d.truth_broken is None),
                                     len(discards)),
        "real_failures_judged": len(real),
        "real_failures_discarded": real_lost,
        "real_discard_share": _rate(real_lost, len(real)),
        "weak_regions_covered": covered,
        "weak_coverage": _rate(len(covered), len(profile.weak_regions)),
        "distinct_cells": len({(o.hypothesis.tag, o.hypothesis.complexity) for o in confirmed}),
        "mean_complexity_before": _mean([m["before"] for m in minimal]),
        "mean_complexity_after": _mean([m["after"] for m in minimal]),
        "mean_golden_calls_before": _mean([m["calls_before"] for m in minimal]),
        "mean_golden_calls_after": _mean([m["calls_after"] for m in minimal]),
        "simplified_share": _rate(sum(1 for m in minimal if m["after"] < m["before"]),
                                  len(minimal)),
        "minimum_still_weak_share": _rate(sum(1 for m in in_before if m["still_weak"]),
                                          len(in_before)),
    }  # fmt: skip


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def _minimality(
    original: dict[str, float], before: float, task: Task, profile: Profile, chain: list[Any]
) -> dict[str, Any]:
    kept = [v for v in chain if v.kept]
    after = kept[-1].complexity if kept else before
    weak_before = set(profile.weak_regions_of(original))
    return {
        "before": before,
        "after": after,
        "calls_before": original.get("golden_calls", 0.0),
        "calls_after": task.features.get("golden_calls", 0.0),
        "original_in_weak": bool(weak_before),
        "still_weak": bool(weak_before & set(profile.weak_regions_of(task_features(task)))),
    }


class SeedFigures(BaseModel):
    seed: int
    wg: dict[str, Any]
    wg_no_checks: dict[str, Any]
    dag: dict[str, Any]
    seconds: float


def run_seed(target: str, oracle: str, n_tasks: int, seed: int, domain: str) -> SeedFigures:
    started = time.perf_counter()
    profile = profile_of(target)
    base = WGSettings(harvest_id=f"bench-wg-s{seed}", domain=domain, target=target,
                      oracle=oracle, n_tasks=n_tasks, seed=seed)  # fmt: skip
    wg = run_wg(base)
    budget = max(wg.paid_rollouts, 1)
    no_checks = run_wg(base.model_copy(update={"checks": False, "max_rollouts": budget}))
    dag = run_one(bench_config("adaptive", target, n_tasks, seed, 8, domain=domain,
                               max_rollouts=budget))  # fmt: skip
    dag_figures = {
        "harvested": dag.harvested,
        "target_rollouts": dag.rollouts,
        "harvested_per_100_rollouts": _rate(100 * dag.harvested, dag.rollouts),
        "weak_regions_covered": dag.weak_regions_covered,
        "weak_coverage": dag.weak_coverage,
        "distinct_cells": dag.distinct_cells,
        "stop": dag.stop,
    }
    return SeedFigures(
        seed=seed, wg=wg_figures(wg, profile), wg_no_checks=wg_figures(no_checks, profile),
        dag=dag_figures, seconds=round(time.perf_counter() - started, 2),
    )  # fmt: skip


def pooled(runs: list[SeedFigures]) -> dict[str, Any]:
    """Figures over all seeds: counts summed, shares recomputed from the sums."""

    def total(part: str, key: str) -> float:
        return sum(getattr(r, part)[key] or 0 for r in runs)

    confirmed, rollouts = total("wg", "confirmed"), total("wg", "target_rollouts")
    return {
        "wg_confirmed_per_100_rollouts": _rate(100 * confirmed, rollouts),
        "dag_harvested_per_100_rollouts": _rate(100 * total("dag", "harvested"),
                                                total("dag", "target_rollouts")),
        "checks_stop_share": _rate(total("wg", "stopped_by_checks"), total("wg", "broken_worlds")),
        "broken_rollouts_with_checks": total("wg", "broken_target_rollouts"),
        "broken_rollouts_without_checks": total("wg_no_checks", "broken_target_rollouts"),
        "false_confirmation_share": _rate(total("wg", "false_confirmations"), confirmed),
        "false_discard_share": _rate(total("wg", "false_discards"), total("wg", "oracle_discards")),
        "real_discard_share": _rate(total("wg", "real_failures_discarded"),
                                    total("wg", "real_failures_judged")),
        "wg_weak_coverage_median": statistics.median(r.wg["weak_coverage"] or 0 for r in runs),
        "dag_weak_coverage_median": statistics.median(r.dag["weak_coverage"] or 0 for r in runs),
        "minimum_still_weak_share_median": statistics.median(
            r.wg["minimum_still_weak_share"] or 0 for r in runs),
    }  # fmt: skip
