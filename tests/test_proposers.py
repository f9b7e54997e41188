"""Proposer registry and wiring: adaptive/greedy by name, the harvest's context reaching them, the
cell cap holding in selection, the proposer benchmark's figures, and diversity in summary/export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from domains.params import ParamSpace
from mining.bench.proposer import FLOOR_RATIO, run_bench
from mining.harvest import steps
from mining.harvest.config import Budgets, CandidateOutcome, HarvestConfig, proposer_context, select
from mining.harvest.loop import run_harvest
from mining.propose import registry as proposer
from mining.propose.context import ProposerContext, cell_cap
from mining.reports.diversity import diversity, entities
from mining.reports.export import harvest_rows
from mining.store.db import Store
from mining.store.digest import EMPTY, HistoryDigest

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


def test_registry_has_random_adaptive_greedy_and_adaptive_is_default() -> None:
    assert {"random", "adaptive", "greedy"} <= set(proposer.PROPOSERS)
    assert HarvestConfig().proposer == "adaptive" and HarvestConfig().max_cell_share == 0.2
    with pytest.raises(Exception, match="allowed: adaptive, greedy, random"):
        proposer.get("nope")


def test_context_reaches_proposers_that_accept_it() -> None:
    seen: list[Any] = []

    def spy(
        space: ParamSpace, history: HistoryDigest, batch: int, seed: int, context: Any = None
    ) -> list[dict[str, Any]]:
        seen.append(context)
        return []

    def plain(space: ParamSpace, history: HistoryDigest, batch: int, seed: int) -> list:
        return []

    proposer.PROPOSERS["_spy"] = spy
    proposer.PROPOSERS["_plain"] = plain
    try:
        cfg = HarvestConfig(
            domain="mock", proposer="_spy", n_tasks=17, k=5, max_pass_rate=0.4, max_cell_share=0.3
        )
        steps.propose(cfg, 0, EMPTY, 0)
        ctx = seen[0]
        assert isinstance(ctx, ProposerContext)
        assert (ctx.target_tasks, ctx.k, ctx.max_pass_rate, ctx.max_cell_share) == (
            17,
            5,
            0.4,
            0.3,
        )
        assert ctx.wave == cfg.rollout_concurrency
        steps.propose(
            cfg.model_copy(update={"proposer": "_plain"}), 0, EMPTY, 0
        )  # no context: fine
    finally:
        del proposer.PROPOSERS["_spy"], proposer.PROPOSERS["_plain"]


def test_cell_cap_arithmetic() -> None:
    assert cell_cap(0.2, 30) == 6 and cell_cap(0.2, 10) == 2 and cell_cap(0.2, 3) == 1
    assert cell_cap(None, 30) > 30 and cell_cap(1.0, 30) > 30
    assert proposer_context(HarvestConfig(n_tasks=30)).cell_cap() == 6


def test_select_keeps_in_window_candidates_in_order() -> None:
    outcomes = [
        CandidateOutcome(candidate_id=f"c{i}", synthesized=True, in_window=True) for i in range(6)
    ]
    assert select(outcomes, 10) == [f"c{i}" for i in range(6)]  # the cap is the store's


@pytest.mark.slow
@pytest.mark.parametrize("name", ["random", "greedy"])
def test_harvest_cap_holds_for_every_proposer(name: str) -> None:
    cfg = HarvestConfig(
        harvest_id=f"cap-{name}",
        domain="mock",
        target="sim:weak",
        n_tasks=3,
        batch_size=8,
        proposer=name,
        max_cell_share=0.2,  # one task per cell
        # The mock domain has only 6 cells, not all of them learnable for this target: a budget
        # keeps the test bounded whether or not the harvest fills up.
        budgets=Budgets(max_iterations=12),
    )
    store = Store(":memory:")
    res = run_harvest(cfg, store, concurrency=4)
    cells = Counter(store.harvested_per_cell(cfg.harvest_id))
    assert res.harvested >= 1
    assert res.harvested == sum(cells.values()) and max(cells.values()) <= 1
    s = store.summary(cfg.harvest_id)
    assert s.distinct_cells == len(cells) and s.largest_cell_share == pytest.approx(1 / len(cells))
    rows = harvest_rows(store, cfg.harvest_id)
    assert sorted(r.cell for r in rows) == sorted(cells.elements())


def test_diversity_of_airline_like_tasks() -> None:
    task = {
        "domain": "airline",
        "cell": "x",
        "world": {
            "users": {"u1": {"name": {"first_name": "Ada", "last_name": "Byron"}}},
            "reservations": {"R1": {"origin": "SFO", "destination": "JFK"}},
        },
        "golden_trajectory": [
            {"name": "get_reservation_details", "arguments": {"reservation_id": "R1"}},
            {"name": "search", "arguments": {"origin": "JFK", "destination": "BOS"}},
        ],
    }
    assert entities(task) == ({"Ada Byron"}, {("SFO", "JFK"), ("JFK", "BOS")})
    # Each domain says what its entities are: the mock shop has no hook, so it counts none.
    assert (
        entities({**task, "domain": "mock"}) == entities({**task, "domain": "?"}) == (set(), set())
    )
    d = diversity([task, {**task, "cell": "y"}, task])
    assert (d.tasks, d.distinct_cells, d.distinct_users, d.distinct_routes) == (3, 2, 1, 2)
    assert d.largest_cell_share == pytest.approx(2 / 3)


def test_small_proposer_bench_reports_every_figure() -> None:
    result = run_bench(
        "sim:weak",
        n_tasks=2,
        seeds=[0],
        batch=4,
        proposers=("random", "adaptive"),
        domain="mock",
        max_rollouts=400,
    )
    assert [p.proposer for p in result.proposers] == ["random", "adaptive"]
    assert result.weak_regions == [
        "split-payment",
        "extra-bags",
        "dense-booking",
        "dense-flight-change",
        "basic-economy-booking",
        "three-intents",
    ]
    for p in result.proposers:
        run = p.runs[0]
        assert run.harvested == 2 and run.rollouts_per_task is not None
        assert run.rollouts_per_task == pytest.approx(run.rollouts / 2)
        assert 0.0 <= run.weak_coverage <= 1.0 and run.distinct_cells >= 1
        assert p.rollouts_per_task == run.rollouts_per_task
    assert set(result.ratios) >= {"rollouts_per_task", "candidates_per_task", "weak_coverage"}
    # The fewest rollouts per task any proposer can expect, and random's median against it.
    random_cost = result.proposers[0].rollouts_per_task
    assert random_cost is not None
    assert result.ratios[FLOOR_RATIO] == pytest.approx(
        result.rollouts_floor / random_cost, abs=1e-3
    )
    assert 1.0 < result.rollouts_floor < 10.0


def test_fixture_profiles_load_with_their_own_weak_regions() -> None:
    from mining.bench.proposer import profile_of

    pay = profile_of(f"sim:file:{FIXTURES / 'payments_weak.yaml'}")
    bags = profile_of(f"sim:file:{FIXTURES / 'party_bags_weak.yaml'}")
    assert [r.name for r in pay.weak_regions] == ["split-payment", "gift-cards", "certificate"]
    assert [r.name for r in bags.weak_regions] == ["extra-bags", "free-bags-gold", "large-party"]
    refusals = profile_of(f"sim:file:{FIXTURES / 'refusals_onestop.yaml'}")
    chains = profile_of(f"sim:file:{FIXTURES / 'chains_cabins.yaml'}")
    assert len(refusals.weak_regions) == len(chains.weak_regions) == 3
    # Every fixture profile (the validation set of `toolmine bench proposer`) loads (so refers
    # only to features some domain's tasks carry) and names its weak regions.
    for path in sorted(FIXTURES.glob("*.yaml")):
        profile = profile_of(f"sim:file:{path}")
        assert len(profile.weak_regions) >= 3, path.name
    assert len(list(FIXTURES.glob("*.yaml"))) == 8
    with pytest.raises(Exception, match="sim:PROFILE"):
        profile_of("openai/gpt-4.1-mini")
