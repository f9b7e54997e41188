"""One hypothesis end to end, in-process: strategist -> world -> checks -> target -> oracle ->
simplification -> frontier entry. The Temporal `ProbeWorkflow` runs the same steps as
activities; this module is what the in-process loop and the benchmark call.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from mining.core.task import Task
from mining.llm.structured import StructuredOutputError
from mining.wg import consistency, oracle_filter, world_actor
from mining.wg.config import WGSettings, vocabulary
from mining.wg.models import (
    ConsistencyReport,
    Hypothesis,
    OracleDecision,
    OracleRun,
    ProbeOutcome,
    Scenario,
    Status,
    Trial,
    Truth,
    Variant,
)
from mining.wg.simplify import minimise


class ScenarioResult(BaseModel):
    status: Status
    evidence: str
    scenario: Scenario | None = None
    checks: ConsistencyReport | None = None
    trial: Trial | None = None
    oracle: OracleRun | None = None
    task: Task | None = None

    @property
    def target_rollouts(self) -> int:
        return self.trial.rollouts if self.trial else 0

    @property
    def oracle_runs(self) -> int:
        return self.oracle.attempts if self.oracle else 0


def verdict(s: WGSettings, trial: Trial) -> Status | None:
    """holds when the target passes too often; None when the oracle must decide."""
    if trial.in_window or trial.passes == 0:
        return None
    return "holds"


def after_oracle(trial: Trial, oracle: OracleRun) -> tuple[Status, str]:
    rate = f"target {trial.passes}/{trial.rollouts}"
    if not oracle.passed:
        return "broken", f"{rate}, oracle failed {oracle.attempts}x"
    if trial.in_window:
        return "confirmed", f"{rate}, oracle passed"
    return "disproved", f"{rate} (fails every time: outside the window), oracle passed"


def evaluate_scenario(
    s: WGSettings, h: Hypothesis, params: dict[str, Any] | None = None, tag: str = "w0"
) -> ScenarioResult:
    try:
        sc = world_actor.build(s, h, params, tag)
    except StructuredOutputError as exc:
        return ScenarioResult(status="broken", evidence=f"world actor: {exc}")
    if isinstance(sc, str):
        return ScenarioResult(status="broken", evidence=f"world actor: {sc}")
    report = consistency.check(s.domain, sc) if s.checks else None
    if report is not None and not report.ok:
        return ScenarioResult(status="broken", evidence=report.first(), scenario=sc, checks=report)
    task = oracle_filter.scenario_task(s.domain, sc, h)
    trial = oracle_filter.run_trial(s, task)
    rate = f"target {trial.passes}/{trial.rollouts}"
    status = verdict(s, trial)
    if status is not None:
        return ScenarioResult(status=status, evidence=rate, scenario=sc, checks=report, trial=trial)
    oracle = oracle_filter.run_oracle(s, task)
    status, evidence = after_oracle(trial, oracle)
    final = oracle_filter.confirmed_task(task, oracle, trial, h) if status == "confirmed" else None
    return ScenarioResult(
        status=status, evidence=evidence, scenario=sc, checks=report, trial=trial, oracle=oracle,
        task=final,
    )  # fmt: skip


def _truth(r: ScenarioResult) -> Truth:
    return r.scenario.truth if r.scenario is not None else Truth()


def _tally(out: ProbeOutcome, r: ScenarioResult) -> None:
    """Add one scenario's spending and its ground-truth figures to the probe's outcome."""
    broken = _truth(r).broken is not None
    out.target_rollouts += r.target_rollouts
    out.oracle_runs += r.oracle_runs
    out.broken_worlds += int(broken)
    out.stopped_by_checks += int(broken and r.checks is not None and not r.checks.ok)
    out.broken_target_rollouts += r.target_rollouts if broken else 0
    if r.oracle is not None:
        out.decisions.append(
            OracleDecision(confirmed=r.oracle.passed, truth_broken=_truth(r).broken)
        )


def probe(s: WGSettings, h: Hypothesis) -> ProbeOutcome:
    vocab = vocabulary(s.domain)
    first = evaluate_scenario(s, h)
    out = ProbeOutcome(
        hypothesis=h,
        status=first.status,
        evidence=first.evidence,
        scenario_id=first.scenario.scenario_id if first.scenario else "",
        truth=_truth(first),
        task_truth=_truth(first),
        checks=first.checks,
        trial=first.trial,
        oracle=first.oracle,
        task=first.task,
        original_features=first.scenario.features if first.scenario else {},
        original_complexity=vocab.complexity(first.scenario.params) if first.scenario else 0.0,
    )
    _tally(out, first)
    if first.status != "confirmed" or first.scenario is None:
        return out
    spent: list[ScenarioResult] = []

    def retest(knob: str, point: dict[str, Any], n: int) -> tuple[Variant, Any]:
        r = evaluate_scenario(s, h, point, f"v{n + 1}")
        spent.append(r)
        return Variant(
            knob=knob, params=point, complexity=vocab.complexity(point), outcome=r.status,
            reason=r.evidence, target_rollouts=r.target_rollouts, oracle_runs=r.oracle_runs,
            truth=_truth(r),
        ), r  # fmt: skip

    chain, _, last = minimise(s.domain, h, first.scenario.params, s.max_variants, retest)
    out.chain = chain
    if last is not None:
        out.task, out.task_truth = last.task, _truth(last)
    for r in spent:
        _tally(out, r)
    return out
