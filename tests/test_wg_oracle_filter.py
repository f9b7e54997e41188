"""The oracle filter: how many oracle rollouts a failure gets, and how the bench scores what the
filter throws away."""

from __future__ import annotations

from typing import Any

import pytest

from mining.bench.wg import wg_figures
from mining.rollout.loop import RolloutResult
from mining.targets.sim.profiles import load_profile
from mining.wg import oracle_filter
from mining.wg.assertions import Assertion
from mining.wg.config import WGSettings, vocabulary
from mining.wg.loop import WGRun
from mining.wg.models import Hypothesis, OracleDecision, ProbeOutcome, Trial
from mining.wg.strategist import make_hypothesis
from mining.wg.world_actor import build_offline

CLEAN = WGSettings(harvest_id="t", break_rates={}, solution_rate=1.0, oracle="sim:oracle")
IN_WINDOW = Trial(passes=1, rollouts=4, in_window=True)


def _hypothesis() -> Hypothesis:
    return make_hypothesis(vocabulary("airline"), "split-payment", 1, "claim", "explore", 0, CLEAN)


def _slipping_oracle(monkeypatch: pytest.MonkeyPatch, slips: int) -> list[int]:
    """The oracle fails its first `slips` rollouts (a strong model's slips), then plays true."""
    real = oracle_filter.run_rollout
    calls: list[int] = []

    def rollout(task: Any, target: Any, index: int, seed: int, **kw: Any) -> RolloutResult:
        calls.append(index)
        res = real(task, target, index, seed, **kw)
        if index < slips:
            assert res.score is not None
            res.score = res.score.model_copy(update={"passed": False})
        return res

    monkeypatch.setattr(oracle_filter, "run_rollout", rollout)
    return calls


def test_an_oracle_that_slips_twice_still_confirms_a_real_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With two attempts (the old default) this real failure was discarded as a broken world.
    h = _hypothesis()
    sc = build_offline(CLEAN, h)
    assert not isinstance(sc, str) and sc.truth.broken is None
    calls = _slipping_oracle(monkeypatch, slips=2)
    task = oracle_filter.scenario_task("airline", sc, h)
    verdict = oracle_filter.judge(CLEAN, task, IN_WINDOW, h)
    assert verdict.oracle.passed and verdict.oracle.attempts == 3 and calls == [0, 1, 2]
    assert verdict.task is not None and verdict.task.golden_trajectory


def test_a_verifier_nobody_can_pass_costs_no_oracle_rollout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = _hypothesis()
    sc = build_offline(CLEAN, h)
    assert not isinstance(sc, str)
    user = next(iter(sc.world["users"]))
    sc.assertions.append(Assertion(op="equals", path=["users", user, "payment_methods"], value=7))
    task = oracle_filter.scenario_task("airline", sc, h)
    calls = _slipping_oracle(monkeypatch, slips=0)
    verdict = oracle_filter.judge(CLEAN, task, IN_WINDOW, h)
    assert not verdict.oracle.passed and verdict.oracle.attempts == 0 and calls == []


def test_the_bench_counts_real_failures_the_filter_throws_away() -> None:
    decisions = [
        OracleDecision(confirmed=True),
        OracleDecision(confirmed=True),
        OracleDecision(confirmed=False),  # a real failure discarded
        OracleDecision(confirmed=False, truth_broken="policy_contradiction"),
    ]
    out = ProbeOutcome(hypothesis=_hypothesis(), status="broken", evidence="", decisions=decisions)
    figures = wg_figures(WGRun(outcomes=[out]), load_profile("mid"))
    assert figures["false_discard_share"] == 0.5  # of the discards, one was sound
    assert figures["real_failures_judged"] == 3 and figures["real_failures_discarded"] == 1
    assert figures["real_discard_share"] == pytest.approx(0.3333)


def test_a_wg_task_carries_the_customers_scenario_the_world_was_built_with() -> None:
    # Without it the simulated customer improvised from the description: a lying or insisting
    # customer never played its part, and exports had no user scenario of their own.
    h = _hypothesis()
    sc = build_offline(CLEAN, h)
    assert not isinstance(sc, str) and sc.user_scenario is not None
    task = oracle_filter.scenario_task("airline", sc, h)
    assert task.user_scenario == sc.user_scenario
    assert task.user_scenario.script.opening
