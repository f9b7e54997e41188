"""The adaptive proposer against a synthetic target whose productive regions are known."""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter

import pytest

from domains.params import Axis, ParamSpace
from mining.adaptive import (
    ProposerContext,
    adaptive_proposer,
    expected_rollouts,
    greedy_proposer,
    window_probability,
)
from mining.proposer import random_proposer
from mining.store.records import HistoryEntry

SPACE = ParamSpace(
    axes=(
        Axis("intent", ("book", "cancel", "change", "bags", "status")),
        Axis("cabin", ("basic_economy", "economy", "business")),
        Axis("passengers", (1, 2, 3, 4, 5)),
        Axis("payment", ("card", "card+gift", "certificate", "gifts")),
        Axis("density", ("low", "mid", "high")),
    ),
    cell_axes=("intent", "cabin", "passengers"),
)


def true_pass_rate(point: dict) -> float:
    """A strong target with a few weak veins (one of them an interaction)."""
    logit = 3.0
    if point["intent"] == "change" and point["cabin"] == "basic_economy":
        logit -= 3.6
    if point["payment"] == "gifts":
        logit -= 2.0
    if point["passengers"] >= 4:
        logit -= 1.6
    if point["density"] == "high":
        logit -= 1.2
    return 1 / (1 + math.exp(-logit))


def simulate(proposer, seed: int, n_tasks: int = 30, batch: int = 8) -> dict[str, float]:
    """A miniature harvest: k=4 rollouts with early stop, window 0 < p <= 0.5, cell cap 20%."""
    ctx = ProposerContext(target_tasks=n_tasks)
    rng = random.Random(seed)
    history: list[HistoryEntry] = []
    cells: list[str] = []
    rollouts = 0
    for it in range(200):
        if len(cells) >= n_tasks:
            break
        extra = {} if proposer is random_proposer else {"context": ctx}
        for j, point in enumerate(proposer(SPACE, history, batch, seed * 1000 + it, **extra)):
            passes = runs = 0
            while runs < ctx.k and passes <= 2:
                runs += 1
                passes += rng.random() < true_pass_rate(point)
            rollouts += runs
            cell = SPACE.cell(point)
            hit = runs == ctx.k and ctx.in_window(passes, runs) and len(cells) < n_tasks
            hit = hit and cells.count(cell) < ctx.cell_cap(len(cells))
            if hit:
                cells.append(cell)
            history.append(
                HistoryEntry(
                    candidate_id=f"{it}/{j}",
                    iteration=it,
                    params=point,
                    cell=cell,
                    synthesized=True,
                    rollouts=runs,
                    passes=passes,
                    pass_rate=passes / runs,
                    in_window=hit,
                )
            )
    share = max(Counter(cells).values()) / len(cells)
    return {"rollouts_per_task": rollouts / len(cells), "max_cell_share": share}


def test_window_arithmetic() -> None:
    ctx = ProposerContext()
    assert window_probability(0.0, ctx) == 0.0
    assert window_probability(1.0, ctx) == 0.0
    assert window_probability(0.35, ctx) == pytest.approx(0.69, abs=0.01)
    assert expected_rollouts(0.0, ctx) == pytest.approx(4.0)
    assert expected_rollouts(1.0, ctx) == pytest.approx(3.0)  # stops at the third pass


def test_same_seed_same_batch() -> None:
    assert adaptive_proposer(SPACE, [], 8, 7) == adaptive_proposer(SPACE, [], 8, 7)


def test_cold_start_spreads_over_every_axis_value() -> None:
    batch = adaptive_proposer(SPACE, [], 5, 1)
    for axis in SPACE.axes:
        if len(axis.values) <= 5:
            assert {p[axis.name] for p in batch} == set(axis.values), axis.name


def test_cell_at_cap_gets_no_more_proposals() -> None:
    full: dict[str, str | int] = {"intent": "change", "cabin": "basic_economy", "passengers": 1}
    point: dict[str, str | int] = {**full, "payment": "card", "density": "low"}
    history = [
        HistoryEntry(
            candidate_id=str(i),
            iteration=0,
            params=point,
            cell=SPACE.cell(point),
            synthesized=True,
            rollouts=4,
            passes=1,
            pass_rate=0.25,
            in_window=True,
        )
        for i in range(6)
    ]
    ctx = ProposerContext(target_tasks=30)  # cap = 6 tasks per cell
    for seed in range(5):
        batch = adaptive_proposer(SPACE, history, 8, seed, context=ctx)
        assert all(SPACE.cell(p) != SPACE.cell(point) for p in batch)


def test_adaptive_spends_fewer_rollouts_than_random_and_greedy_collapses() -> None:
    seeds = range(3)
    random_runs = [simulate(random_proposer, s) for s in seeds]
    adaptive_runs = [simulate(adaptive_proposer, s) for s in seeds]
    greedy_runs = [simulate(greedy_proposer, s) for s in seeds]

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    assert median(adaptive_runs, "rollouts_per_task") < median(random_runs, "rollouts_per_task")
    assert all(r["max_cell_share"] <= 0.2 for r in adaptive_runs)
    assert median(greedy_runs, "max_cell_share") > median(adaptive_runs, "max_cell_share")
