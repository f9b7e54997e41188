"""The near-oracle of `toolmine bench proposer`: its survey, its rates, its picks, its bench run."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mining.bench.oracle import PointRate, TaskOutcome, pick, rate_of
from mining.bench.proposer import ORACLE, ORACLE_RATIO, run_bench
from mining.dag.synthesize import get_domain, spec_of
from mining.harvest.config import HarvestConfig
from mining.harvest.loop import run_harvest
from mining.propose import registry as proposer
from mining.propose.context import ProposerContext
from mining.store.db import Store
from mining.store.digest import EMPTY, HarvestedPoint, HistoryDigest

SPACE = spec_of(get_domain("mock")).space


def test_a_sim_rollout_fails_exactly_when_an_error_is_injected() -> None:
    # The oracle's survey rests on this: it plays the error draws instead of the rollouts.
    store = Store(":memory:")
    cfg = HarvestConfig(
        harvest_id="h", domain="mock", target="sim:weak", n_tasks=3, proposer="random"
    )
    run_harvest(cfg, store)
    rows = store._all("select passed, injected_errors from rollouts", [])
    assert len(rows) >= 12 and {bool(p) for p, _ in rows} == {True, False}
    assert all(bool(passed) == (injected == "[]") for passed, injected in rows)


@pytest.mark.slow
def test_oracle_measures_points_deterministically_with_outcomes_and_regions() -> None:
    from mining.bench.oracle import DRAWS, Oracle

    space = spec_of(get_domain("airline")).space
    ctx = ProposerContext(k=4)
    rng = random.Random(1)
    points = [dict(space.sample(rng)) for _ in range(30)]
    a, b = Oracle("airline", "weak"), Oracle("airline", "weak")
    rates = [a.measure(space, p, range(4), ctx) for p in points]
    assert rates == [b.measure(space, p, range(4), ctx) for p in points]
    assert all(len(t.passed) == DRAWS for t in a._tasks.values() if t is not None)
    assert any(r.region_share for r in rates) and any(not r.region_share for r in rates)
    assert min(r.hit for r in rates) < max(r.hit for r in rates)
    assert all(3.0 <= r.rollouts <= 4.0 for r in rates)  # k=4, easy ones stop at a third pass
    # Measuring a point again builds no new task (the bench measures each point once).
    built = len(a._tasks)
    a.measure(space, points[0], range(4), ctx)
    assert len(a._tasks) == built


def test_rate_counts_k_rollout_groups_inside_the_window() -> None:
    ctx = ProposerContext(k=4)
    in_window = (True, False, False, False)  # 1 of 4
    easy = (True, True, True, True)
    tasks = [TaskOutcome(in_window + easy, ("r1",))] * 2 + [TaskOutcome(easy + easy, ())] * 2
    rate = rate_of({"x": 1}, "c", tasks, ctx)
    assert rate.hit == pytest.approx(0.25)  # half the groups of half the tasks
    assert rate.region_share == {"r1": 0.5}
    assert 3.0 <= rate.rollouts <= 4.0


def _two_cells() -> tuple[dict[str, Any], dict[str, Any]]:
    rng = random.Random(0)
    a = dict(SPACE.sample(rng))
    b = dict(SPACE.sample(rng))
    while SPACE.cell(b) == SPACE.cell(a):
        b = dict(SPACE.sample(rng))
    return a, b


def _rate(hit: float, regions: dict[str, float], point: dict[str, Any]) -> PointRate:
    return PointRate(point, SPACE.cell(point), hit, 4.0, regions)


def _harvested(*points: tuple[dict[str, Any], int]) -> HistoryDigest:
    """A history whose harvest holds `n` tasks of each point."""
    return HistoryDigest(
        harvested=tuple(HarvestedPoint(p, SPACE.cell(p)) for p, n in points for _ in range(n))
    )


def test_pick_covers_a_region_first_then_the_best_point_within_the_cap() -> None:
    best, rare = _two_cells()
    rates = [_rate(0.6, {}, best), _rate(0.2, {"r": 1.0}, rare)]
    ctx = ProposerContext(k=4, target_tasks=30, max_cell_share=0.2)  # cap: 6 per cell
    picks = pick(rates, {}, EMPTY, 4, ctx)
    assert [SPACE.cell(p) for p in picks] == [SPACE.cell(rare)] + [SPACE.cell(best)] * 3
    # The best cell holds its 6 and the region is covered: only the rare cell is left.
    history = _harvested((best, 6), (rare, 5))
    picks = pick(rates, {"r": 5.0}, history, 4, ctx)
    assert picks and {SPACE.cell(p) for p in picks} == {SPACE.cell(rare)}
    # Near the end a batch is trimmed to what the missing tasks need.
    ctx_end = ProposerContext(k=4, target_tasks=12, max_cell_share=None)
    assert len(pick(rates, {"r": 5.0}, history, 8, ctx_end)) < 8


def test_bench_runs_the_oracle_and_reports_its_ratio_without_registering_it() -> None:
    result = run_bench(
        "sim:weak",
        n_tasks=3,
        seeds=[0],
        batch=4,
        proposers=("random", ORACLE),
        domain="mock",
        max_rollouts=400,
        oracle_pool=40,
    )
    oracle = {p.proposer: p for p in result.proposers}[ORACLE]
    assert oracle.runs[0].harvested == 3
    assert oracle.largest_cell_share <= 1 / 3 + 1e-9  # it keeps to the cap (1 of 3 tasks)
    assert result.ratios[ORACLE_RATIO] is not None and "rollouts_per_task" not in result.ratios
    assert ORACLE not in proposer.PROPOSERS


def test_saving_share_is_the_part_of_the_oracle_saving_adaptive_gets() -> None:
    from mining.bench.proposer import _saving_share

    assert _saving_share(9.0, 7.0, 17.0) == pytest.approx(0.8)
    assert _saving_share(6.0, 7.0, 17.0) == pytest.approx(1.1)  # a near-oracle can be beaten
    assert _saving_share(9.0, 17.0, 17.0) is None and _saving_share(None, 7.0, 17.0) is None


def test_cli_prints_the_oracle_line() -> None:
    from typer.testing import CliRunner

    from cli.main import _register_commands, app

    _register_commands()
    args = ["bench", "proposer", "--target", "sim:weak", "--domain", "mock", "--tasks", "2"]
    args += ["--seeds", "1", "--batch", "4", "--proposers", "random,adaptive,oracle"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "oracle / random: rollouts_per_task" in result.stdout
    assert "adaptive / random: rollouts_per_task" in result.stdout
