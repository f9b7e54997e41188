"""The figures of the HTML report, read from the history in one place.

A pydantic model (`ReportData`), so the report can be rendered from a file read here or, later,
from a ledger activity's answer. What each section shows:
- cost: cumulative rollouts per harvested task after each iteration, beside the floor any
  proposer can expect with this window and k, and random's expected cost where it can be
  estimated (simulated targets: random points, the target's error draws, no target call);
- heatmap: mean pass rate over the two parameter axes that explain most of the candidates'
  pass-rate variance; for a WG harvest, the hypothesis frontier map instead (capability tag x
  complexity level: each cell's status and how many hypotheses probed it);
- failure modes per iteration; the tasks, each with one failing rollout.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from mining.reports.diversity import Diversity, diversity
from mining.reports.export import ExportRow, harvest_rows
from mining.reports.summary import HarvestSummary

if TYPE_CHECKING:
    from mining.harvest.config import HarvestConfig
    from mining.store.db import Store

RANDOM_POINTS = 60  # random points simulated for random's expected cost
RANDOM_DRAWS = 8  # simulated rollouts per point


class CostPoint(BaseModel):
    iteration: int
    rollouts: int
    harvested: int


class Heatmap(BaseModel):
    x_axis: str = ""
    y_axis: str = ""
    x_values: list[str] = Field(default_factory=list)
    y_values: list[str] = Field(default_factory=list)
    cells: dict[str, float] = Field(default_factory=dict, description="'x|y' -> mean pass rate")
    counts: dict[str, int] = Field(default_factory=dict, description="'x|y' -> candidates")
    statuses: dict[str, str] = Field(
        default_factory=dict,
        description="WG: 'level|tag' -> frontier status (open, confirmed, holds, ...)",
    )


class TaskView(BaseModel):
    row: ExportRow
    changed: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="collection -> id -> entity after the gold (None: gone)"
    )
    failing: list[dict[str, Any]] = Field(
        default_factory=list, description="one failing rollout's messages (empty: none failed)"
    )
    failing_reasons: list[str] = Field(default_factory=list)


class ReportData(BaseModel):
    summary: HarvestSummary
    pass_rates: list[float] = Field(default_factory=list, description="one per decided candidate")
    cost: list[CostPoint] = Field(default_factory=list)
    floor: float | None = None
    random_cost: float | None = None
    random_note: str = ""
    heatmap: Heatmap = Field(default_factory=Heatmap)
    failure_modes: dict[str, dict[int, int]] = Field(
        default_factory=dict, description="label -> iteration -> failed rollouts"
    )
    diversity: Diversity = Field(default_factory=Diversity)
    cell_counts: dict[str, int] = Field(default_factory=dict)
    tasks: list[TaskView] = Field(default_factory=list)


def report_data(store: Store, harvest_id: str) -> ReportData:
    from mining.harvest.config import HarvestConfig

    summary = store.summary(harvest_id)  # refuses an unknown harvest by name
    found = store.harvest_record(harvest_id)
    cfg = HarvestConfig.model_validate(found[0].config) if found and found[0].config else None
    decided = store.query(
        "SELECT c.params, d.pass_rate FROM decisions d JOIN candidates c USING (candidate_id) "
        "WHERE d.harvest_id = ? ORDER BY c.iteration, c.idx",
        [harvest_id],
    )
    points = [(json.loads(p), float(rate)) for p, rate in decided]
    rows = harvest_rows(store, harvest_id)
    floor, random_cost, note = _references(cfg)
    return ReportData(
        summary=summary,
        pass_rates=[rate for _, rate in points],
        cost=_cost(store, harvest_id),
        floor=floor,
        random_cost=random_cost,
        random_note=note,
        heatmap=frontier_heatmap(store, harvest_id) if summary.mode == "wg" else heatmap(points),
        failure_modes=_failure_modes(store, harvest_id),
        diversity=diversity(r.model_dump() for r in rows),
        cell_counts=dict(Counter(r.cell for r in rows).most_common()),
        tasks=[_task_view(store, row) for row in rows],
    )


def _cost(store: Store, harvest_id: str) -> list[CostPoint]:
    out: list[CostPoint] = []
    rollouts = harvested = 0
    for summary in store.iteration_summaries(harvest_id):
        rollouts += int(summary.get("rollouts", 0))
        harvested += int(summary.get("harvested", 0))
        iteration = int(summary.get("iteration", len(out)))
        out.append(CostPoint(iteration=iteration, rollouts=rollouts, harvested=harvested))
    return out


def _references(cfg: HarvestConfig | None) -> tuple[float | None, float | None, str]:
    """The floor, and random's expected rollouts per task (simulated targets only)."""
    if cfg is None:
        return None, None, "the harvest's settings are not recorded"
    from mining.harvest.config import proposer_context
    from mining.propose.adaptive import rollouts_floor

    ctx = proposer_context(cfg)
    floor = rollouts_floor(ctx)
    if not cfg.target.startswith("sim:"):
        return floor, None, "random's expected cost needs a simulated target (sim:<profile>)"
    return (
        floor,
        random_cost(cfg),
        (
            f"random: {RANDOM_POINTS} random points of the space, {RANDOM_DRAWS} simulated "
            f"rollouts each with {cfg.target}'s error draws"
        ),
    )


def random_cost(cfg: HarvestConfig) -> float | None:
    """Expected rollouts per harvested task if candidates were random points, for a simulated
    target: a point's pass rate is measured from the target's error draws (no target call)."""
    from mining.dag.synthesize import Rejection, get_domain, spec_of, synthesize_candidate
    from mining.harvest.config import proposer_context
    from mining.propose.adaptive import expected_rollouts, window_probability
    from mining.targets.sim.agent import build_plan
    from mining.targets.sim.profiles import load_profile

    ctx = proposer_context(cfg)
    profile = load_profile(cfg.target.split(":", 1)[1].split("?", 1)[0])
    space = spec_of(get_domain(cfg.domain)).space
    rng = random.Random(cfg.seed)
    spent = hits = 0.0
    for n in range(RANDOM_POINTS):
        task = synthesize_candidate(
            cfg.domain, dict(space.sample(rng)), rng.randrange(2**31), f"r{n}"
        )
        if isinstance(task, Rejection):
            continue
        p = sum(not build_plan(task, profile, n, j).injected for j in range(RANDOM_DRAWS))
        spent += expected_rollouts(p / RANDOM_DRAWS, ctx)
        hits += window_probability(p / RANDOM_DRAWS, ctx)
    return round(spent / hits, 2) if hits > 0 else None


def heatmap(points: list[tuple[dict[str, Any], float]]) -> Heatmap:
    """Mean pass rate over the pair of axes whose cells explain most of the variance."""
    axes = sorted({a for params, _ in points for a in params})
    if len(points) < 2 or len(axes) < 2:
        return Heatmap()
    mean = sum(rate for _, rate in points) / len(points)

    def explained(pair: tuple[str, str]) -> float:
        groups: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
        for params, rate in points:
            groups[str(params.get(pair[0])), str(params.get(pair[1]))].append(rate)
        return sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())

    x, y = max(combinations(axes, 2), key=lambda pair: (explained(pair), pair))
    sums: defaultdict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    for params, rate in points:
        key = f"{params.get(x)}|{params.get(y)}"
        sums[key] += rate
        counts[key] += 1
    return Heatmap(
        x_axis=x,
        y_axis=y,
        x_values=sorted({str(p.get(x)) for p, _ in points}),
        y_values=sorted({str(p.get(y)) for p, _ in points}),
        cells={k: round(v / counts[k], 3) for k, v in sums.items()},
        counts=dict(counts),
    )


def frontier_heatmap(store: Store, harvest_id: str) -> Heatmap:
    """The hypothesis frontier map of a WG harvest: one cell per capability tag and complexity
    level, with its status and the number of hypotheses that probed it (0: open)."""
    from mining.store.wg import frontier_of
    from mining.wg.config import vocabulary
    from mining.wg.frontier import FrontierMap

    domain, _, entries = frontier_of(store, harvest_id)
    if domain is None:
        return Heatmap()
    fmap = FrontierMap(vocabulary(domain), entries)
    keys = {f"{lv}|{tag}": cell for (tag, lv), cell in fmap.cells.items()}
    return Heatmap(
        x_axis="complexity",
        y_axis="capability tag",
        x_values=[str(lv) for lv in sorted(fmap.vocab.levels)],
        y_values=[t.name for t in fmap.vocab.tags],
        counts={k: sum(c.counts.values()) for k, c in keys.items()},
        statuses={k: c.status for k, c in keys.items()},
    )


def _failure_modes(store: Store, harvest_id: str) -> dict[str, dict[int, int]]:
    out: defaultdict[str, dict[int, int]] = defaultdict(dict)
    for label, iteration, n in store.query(
        "SELECT a.top_label, c.iteration, count(*) FROM analyses a JOIN candidates c "
        "USING (candidate_id) WHERE a.harvest_id = ? GROUP BY 1, 2 ORDER BY 1, 2",
        [harvest_id],
    ):
        out[label][int(iteration)] = int(n)
    return dict(out)


def _task_view(store: Store, row: ExportRow) -> TaskView:
    from domains import registry

    world_type = registry.get(row.domain).world_type
    before, after = (
        world_type.model_validate(row.world),
        world_type.model_validate(row.expected_final_world),
    )
    changed: dict[str, dict[str, Any]] = {}
    for name, old in before.to_json().items():
        new = after.to_json().get(name)
        if isinstance(old, dict) and isinstance(new, dict):
            diff = {k: new.get(k) for k in [*new, *old] if old.get(k) != new.get(k)}
            if diff:
                changed[name] = diff
    failing = store.query(
        "SELECT trajectory, score FROM rollouts WHERE candidate_id = ? AND NOT passed "
        "ORDER BY idx LIMIT 1",
        [row.candidate_id],
    )
    view = TaskView(row=row, changed=changed)
    if failing:
        view.failing = json.loads(failing[0][0]).get("messages", [])
        view.failing_reasons = json.loads(failing[0][1]).get("reasons", [])
    return view
