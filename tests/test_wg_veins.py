"""Veins: anti-collapse on what the failed rollouts got wrong, and simplification that keeps
the failure it started from."""

from __future__ import annotations

from mining.wg import oracle_filter
from mining.wg.config import WGSettings, vocabulary
from mining.wg.frontier import FrontierEntry
from mining.wg.models import Hypothesis, OracleRun, OracleVerdict, Scenario, Trial
from mining.wg.orchestrate import run_probe
from mining.wg.probe import LocalSteps, _run_to_end
from mining.wg.strategist import make_hypothesis, next_hypothesis
from mining.wg.veins import rollout_vein, trial_vein

CLEAN = WGSettings(harvest_id="t", break_rates={}, solution_rate=1.0)
PAYMENT = "wrong_argument:book_reservation:payment_methods"
FLIGHTS = "distractor_chosen:book_reservation:flights"


def _analysis(label: str, tool: str, field: str | None) -> dict[str, object]:
    return {"labels": [{"label": label, "evidence": {"tool": tool, "field": field}}]}


def test_a_vein_is_the_top_label_with_its_tool_and_argument_family() -> None:
    a = _analysis("wrong_argument", "book_reservation", "payment_methods[1].amount")
    assert rollout_vein(a) == PAYMENT
    assert rollout_vein(_analysis("policy_violation", "cancel_reservation", None)) == (
        "policy_violation:cancel_reservation"
    )
    assert rollout_vein({"labels": []}) is None and rollout_vein(None) is None
    flights = _analysis("distractor_chosen", "book_reservation", "flights[0].flight_number")
    assert trial_vein([a, flights, flights, None]) == FLIGHTS
    assert trial_vein([None]) is None


def test_tags_whose_failures_lie_in_a_vein_at_its_cap_are_not_probed_again() -> None:
    # Two tags, one confirmed failure each (under the per-tag cap of 2), both in one vein: the
    # vein holds its share, so neither tag is exploited again; something else is probed.
    s = CLEAN.model_copy(update={"explore_share": 0.0, "n_tasks": 10, "max_tag_share": 0.2})
    entries = [
        FrontierEntry(
            hypothesis_id=f"h{i}", tag=tag, complexity=1, status="confirmed", vein=PAYMENT
        )
        for i, tag in enumerate(("split-payment", "multi-gift-card"))
    ]
    for index in range(2, 8):
        h = next_hypothesis(s, entries, index)
        assert h.tag not in {"split-payment", "multi-gift-card"}, h.move
    # Without veins (entries recorded before them) the same map is exploited, as before.
    plain = [e.model_copy(update={"vein": None}) for e in entries]
    assert any(
        next_hypothesis(s, plain, i).tag in {"split-payment", "multi-gift-card"}
        for i in range(2, 8)
    )


class _ScriptedTarget(LocalSteps):
    """Real worlds and simplification knobs; the target fails every scenario inside the window,
    the original in one vein and every simpler variant in another; the oracle always passes."""

    async def trial(self, sc: Scenario, h: Hypothesis) -> Trial:
        vein = FLIGHTS if sc.scenario_id.endswith("w0") else PAYMENT
        return Trial(passes=2, rollouts=4, in_window=True, vein=vein)

    async def oracle(self, sc: Scenario, h: Hypothesis, trial: Trial) -> OracleVerdict:
        run = OracleRun(passed=True, attempts=1)
        task = oracle_filter.scenario_task(self.s.domain, sc, h)
        return OracleVerdict(oracle=run, task=oracle_filter.confirmed_task(task, run, trial, h))


def test_a_simpler_variant_failing_another_way_does_not_become_the_minimum() -> None:
    h = make_hypothesis(vocabulary("airline"), "split-payment", 3, "claim", "explore", 0, CLEAN)
    out = _run_to_end(run_probe(CLEAN, h, _ScriptedTarget(CLEAN)))
    assert out.status == "confirmed" and out.vein == FLIGHTS
    confirmed = [v for v in out.chain if v.outcome == "confirmed"]
    assert confirmed and all(v.vein == PAYMENT and not v.kept for v in confirmed)
    assert out.task is not None and out.task.task_id == out.scenario_id  # the original stays
