"""One probe's orchestration, written once for both executors.

`run_probe` drives a hypothesis through world -> checks -> target -> oracle -> simplification
by awaiting the steps it is given: the in-process probe (`mining/wg/probe.py`) passes steps that
call the engine directly, the Temporal `ProbeWorkflow` passes steps that run activities. Pure
orchestration: no I/O, clock or randomness here, so a workflow can run it.
"""

from __future__ import annotations

from typing import Any, Protocol

from mining.wg.config import WGSettings
from mining.wg.models import (
    Built,
    ConsistencyReport,
    Hypothesis,
    KnobStep,
    OracleVerdict,
    ProbeOutcome,
    Scenario,
    Trial,
    Variant,
)
from mining.wg.rules import ScenarioResult, after_oracle, paid_rollouts, stamp, tally, verdict

# Confirmed failures are simplified to a minimum; disproved ones (the target failed every time,
# the oracle passed: a real failure, but too hard to learn from) are simplified too, since a
# simpler variant may bring the failure into the window.
SIMPLIFIED = ("confirmed", "disproved")


class ProbeSteps(Protocol):
    async def build(self, h: Hypothesis, params: dict[str, Any] | None, tag: str) -> Built: ...
    async def check(self, sc: Scenario, h: Hypothesis) -> ConsistencyReport: ...
    async def trial(self, sc: Scenario, h: Hypothesis) -> Trial: ...
    async def oracle(self, sc: Scenario, h: Hypothesis, trial: Trial) -> OracleVerdict: ...
    async def variants(self, h: Hypothesis, params: dict[str, Any]) -> list[KnobStep]: ...


async def run_scenario(
    s: WGSettings, h: Hypothesis, steps: ProbeSteps, params: dict[str, Any] | None, tag: str
) -> ScenarioResult:
    built = await steps.build(h, params, tag)
    sc = built.scenario
    if sc is None:
        return ScenarioResult(status="broken", evidence=f"world actor: {built.reason}")
    report = await steps.check(sc, h) if s.checks else None
    if report is not None and not report.ok:
        return ScenarioResult(status="broken", evidence=report.first(), scenario=sc, checks=report)
    trial = await steps.trial(sc, h)  # the steps record its rollouts where there is a store
    trial = trial.model_copy(update={"records": []})  # the outcome keeps the counts only
    status = verdict(trial)
    if status is not None:
        evidence = f"target {trial.passes}/{trial.rollouts}"
        return ScenarioResult(
            status=status, evidence=evidence, scenario=sc, checks=report, trial=trial
        )
    judged = await steps.oracle(sc, h, trial)
    status, evidence = after_oracle(trial, judged.oracle)
    return ScenarioResult(
        status=status, evidence=evidence, scenario=sc, checks=report, trial=trial,
        oracle=judged.oracle, task=judged.task if status == "confirmed" else None,
    )  # fmt: skip


async def run_probe(s: WGSettings, h: Hypothesis, steps: ProbeSteps) -> ProbeOutcome:
    """The hypothesis's outcome: status, evidence, spending, and the minimum viable failure."""
    first = await run_scenario(s, h, steps, None, "w0")
    sc = first.scenario
    out = ProbeOutcome(
        hypothesis=h, status=first.status, evidence=first.evidence,
        scenario_id=sc.scenario_id if sc else "", truth=first.truth, task_truth=first.truth,
        checks=first.checks, trial=first.trial, oracle=first.oracle, task=first.task,
        original_features=sc.features if sc else {},
        original_complexity=sc.complexity if sc else 0.0,
    )  # fmt: skip
    tally(out, first)
    if first.status not in SIMPLIFIED or sc is None:
        return out
    out.vein = first.trial.vein if first.trial is not None else None
    await _simplify(s, h, steps, out, sc.params)
    if out.status == "disproved" and out.task is not None:
        # Too hard at first (the target always failed, the oracle passed): a simpler variant
        # brought the failure into the window, so the hypothesis is confirmed after all.
        out.status = "confirmed"
        out.evidence += "; a simpler variant is a failure inside the window"
    stamp(out)
    return out


async def _simplify(
    s: WGSettings, h: Hypothesis, steps: ProbeSteps, out: ProbeOutcome, start: dict[str, Any]
) -> None:
    # Simplification: turn knobs one step at a time; a still-confirmed variant becomes the new
    # current point and the knobs start over, until none helps, the retests run out or the
    # harvest's rollout budget does.
    current, improved = dict(start), True
    while improved and _may_retest(s, out):
        improved = False
        for step in await steps.variants(h, current):
            if not _may_retest(s, out):
                break
            r = await run_scenario(s, h, steps, step.params, f"v{len(out.chain) + 1}")
            tally(out, r)
            out.chain.append(
                Variant(
                    knob=step.knob, params=step.params, complexity=step.complexity,
                    outcome=r.status, reason=r.evidence,
                    target_passes=r.trial.passes if r.trial else 0,
                    target_rollouts=r.target_rollouts,
                    oracle_runs=r.oracle_runs, truth=r.truth,
                    vein=r.trial.vein if r.trial else None,
                )
            )  # fmt: skip
            if r.status == "confirmed" and r.task is not None and same_vein(out.vein, r.trial):
                out.chain[-1].kept = True
                current, improved = step.params, True
                out.task, out.task_truth = r.task, r.truth
                break


def same_vein(vein: str | None, trial: Trial | None) -> bool:
    """A simpler variant is the same failure when it fails in the original's vein; one that
    fails another way (most often a chance slip) is not kept. Unknown veins (no analyst label;
    trials recorded before veins existed) keep the variant, as before."""
    return vein is None or trial is None or trial.vein is None or trial.vein == vein


def _may_retest(s: WGSettings, out: ProbeOutcome) -> bool:
    if len(out.chain) >= s.max_variants:
        return False
    return s.rollouts_left is None or paid_rollouts(out) < s.rollouts_left
