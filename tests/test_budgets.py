"""The rollout budget cuts a batch to what it still pays for, in-process and in the ledger."""

from __future__ import annotations

import pytest

from activities.ledger import LedgerActivities
from activities.models import ProposeInput
from mining.core.errors import UserError
from mining.harvest.config import Budgets, HarvestConfig, affordable_candidates, check_config
from mining.harvest.loop import run_harvest
from mining.store.db import Store


def _cfg(max_rollouts: int | None, **kw: object) -> HarvestConfig:
    return HarvestConfig(
        harvest_id="budget",
        domain="mock",
        target="sim:weak",
        n_tasks=50,
        batch_size=8,
        k=4,
        proposer="random",
        budgets=Budgets(max_rollouts=max_rollouts),
        **kw,  # type: ignore[arg-type]
    )


def test_affordable_candidates() -> None:
    assert affordable_candidates(_cfg(None), 1000) is None
    assert affordable_candidates(_cfg(10), 0) == 3  # up to 12 rollouts: less than k past it
    assert affordable_candidates(_cfg(10), 8) == 1
    assert affordable_candidates(_cfg(12), 0) == 3
    assert affordable_candidates(_cfg(10), 10) == 1  # the stop rule ends the harvest first


def test_in_process_harvest_ends_less_than_k_past_the_rollout_budget() -> None:
    store = Store(":memory:")
    res = run_harvest(_cfg(10), store)
    assert res.stop == "budget: rollouts"
    # a whole first batch would be 8 candidates x up to 4 rollouts
    assert 10 <= res.rollouts < 10 + 4 and res.candidates <= 3


def test_ledger_propose_counts_the_recorded_iterations() -> None:
    store = Store(":memory:")
    cfg = _cfg(20)
    ledger = LedgerActivities(store)
    assert (
        len(ledger.propose(ProposeInput(harvest_id="budget", config=cfg, iteration=0)).points) == 5
    )
    store.record_iteration("budget", 0, {"iteration": 0, "rollouts": 12})
    store.record_iteration("budget", 1, {"iteration": 1, "rollouts": 4})
    assert store.rollouts_spent("budget") == 16
    out = ledger.propose(ProposeInput(harvest_id="budget", config=cfg, iteration=2))
    assert len(out.points) == 1
    unlimited = _cfg(None)
    assert (
        len(ledger.propose(ProposeInput(harvest_id="budget", config=unlimited, iteration=3)).points)
        == 8
    )
    # the recorded batch of an iteration is what a re-run of it gets, whatever changed since
    again = ledger.propose(ProposeInput(harvest_id="budget", config=unlimited, iteration=2))
    assert again.points == out.points


@pytest.mark.parametrize(
    ("budget", "value"),
    [("max_rollouts", 0), ("max_rollouts", -5), ("max_tokens", 0), ("max_cost_usd", -1.0)],
)
def test_a_budget_that_is_not_positive_is_refused_by_name(budget: str, value: float) -> None:
    cfg = _cfg(None)
    cfg = cfg.model_copy(update={"budgets": Budgets.model_validate({budget: value})})
    with pytest.raises(UserError, match=rf"budget {budget}={value}: must be positive"):
        check_config(cfg)
    check_config(_cfg(1))  # the smallest budget is fine
