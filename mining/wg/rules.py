"""The pure decisions of a probe (workflows import them): what a trial and an oracle verdict
mean for a hypothesis, how a scenario's spending and ground truth add up in its outcome, and
how a probe counts as a harvest iteration."""

from __future__ import annotations

from pydantic import BaseModel

from mining.core.task import Task
from mining.harvest.config import IterationTotals
from mining.wg.models import (
    ConsistencyReport,
    OracleDecision,
    OracleRun,
    ProbeOutcome,
    Scenario,
    Status,
    Trial,
    Truth,
)


class ScenarioResult(BaseModel):
    """One scenario through checks, target and oracle."""

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

    @property
    def truth(self) -> Truth:
        return self.scenario.truth if self.scenario is not None else Truth()


def verdict(trial: Trial) -> Status | None:
    """holds when the target passes too often; None when the oracle must decide (the target
    failed inside the window, or every time)."""
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


def tally(out: ProbeOutcome, r: ScenarioResult) -> None:
    """Add one scenario's spending and its ground-truth figures to the probe's outcome."""
    broken = r.truth.broken is not None
    out.target_rollouts += r.target_rollouts
    out.oracle_runs += r.oracle_runs
    for run in (r.trial, r.oracle):
        if run is not None:
            out.tokens += run.tokens
            out.cost_usd += run.cost_usd
    out.broken_worlds += int(broken)
    out.stopped_by_checks += int(broken and r.checks is not None and not r.checks.ok)
    out.broken_target_rollouts += r.target_rollouts if broken else 0
    if r.oracle is not None:
        out.oracle_tokens += r.oracle.tokens
        out.oracle_cost_usd += r.oracle.cost_usd
        out.decisions.append(OracleDecision(confirmed=r.oracle.passed, truth_broken=r.truth.broken))


def stamp(out: ProbeOutcome) -> None:
    """Put the hypothesis and the simplification chain on the exported task (its `meta["wg"]`),
    so an export row carries where the failure came from and how it was simplified."""
    if out.task is None:
        return
    wg = dict(out.task.meta.get("wg", {}))
    wg.update(
        hypothesis=out.hypothesis.model_dump(mode="json"),
        simplification=[v.model_dump(mode="json", exclude={"truth"}) for v in out.chain],
        original={"scenario_id": out.scenario_id, "complexity": out.original_complexity},
    )
    out.task = out.task.model_copy(update={"meta": {**out.task.meta, "wg": wg}})


def paid_rollouts(out: ProbeOutcome) -> int:
    """Every model rollout the probe paid for: the target's and the oracle's."""
    return out.target_rollouts + out.oracle_runs


def probe_totals(index: int, out: ProbeOutcome, harvested: bool) -> IterationTotals:
    """A probe as a harvest iteration: its scenarios are the candidates, those stopped before any
    rollout the rejected ones; the oracle's rollouts and cost count against the budgets too."""
    unrun = int(out.trial is None) + sum(1 for v in out.chain if v.target_rollouts == 0)
    return IterationTotals(
        iteration=index,
        candidates=1 + len(out.chain),
        rejected=unrun,
        rollouts=out.target_rollouts,
        oracle_rollouts=out.oracle_runs,
        tokens=out.tokens,
        cost_usd=out.cost_usd,
        in_window=int(out.status == "confirmed"),
        harvested=int(harvested),
        harvested_ids=[out.task.task_id] if harvested and out.task is not None else [],
    )
