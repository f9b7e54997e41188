"""The target run and the oracle filter: k target rollouts, then, on failure, the oracle.

A scenario becomes a `Task` (the verifier's expected final world is the initial world with every
assertion made true, so rollouts are judged by the same strict state check as DAG tasks). The
target's k rollouts give a pass rate; when the target fails, the oracle (a strong model, or a
strong simulated target) runs the same task until it passes or its attempts run out: a pass
confirms the failure (its trajectory and final state become the golden trajectory and the
expected final state), no pass discards the world as broken.

Attempts stop at the first pass, so extra ones are paid only on worlds the oracle fails. A
strong model slips too, most often where the target does (sim:strong fails about half its
basic-economy bookings, like sim:mid): with 2 attempts the filter threw away 31 of 150 real
failures, with 3 it throws away 17 of 141 (`toolmine bench wg`), and a broken world that
reaches the oracle costs one more rollout.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError

from domains import registry
from domains.base import ToolCall
from mining.core.task import Task
from mining.harvest.config import rollout_seed
from mining.harvest.steps import analyze, rollout_record
from mining.rollout.loop import RolloutResult, run_rollout
from mining.store import delta
from mining.wg import assertions
from mining.wg.config import WGSettings, derive_seed
from mining.wg.models import Hypothesis, OracleRun, OracleVerdict, Scenario, Trial, TrialRollout
from mining.wg.veins import trial_vein

INVALID_VERIFIER = "wg_invalid_verifier"


def scenario_task(domain: str, sc: Scenario, h: Hypothesis) -> Task:
    """The task target and oracle run. A verifier whose expected world does not load passes
    nobody (the rollouts still run: that is the waste the consistency checks cut)."""
    expected = assertions.apply(sc.world, sc.assertions)
    meta: dict[str, Any] = {**sc.meta, "transfer_expected": sc.transfer_expected}
    try:
        registry.get(domain).world_type.model_validate(expected)
    except ValidationError:
        expected, meta[INVALID_VERIFIER] = sc.world, True
    signature = hashlib.sha256(f"{sc.scenario_id}|{h.tag}|{h.complexity}".encode()).hexdigest()
    return Task(
        task_id=sc.scenario_id,
        domain=domain,
        seed=h.seed,
        params=dict(sc.params),
        walk=[],
        signature=f"wg:{signature[:16]}",
        task_description=sc.task_description,
        user_scenario=sc.user_scenario,
        world=sc.world,
        golden_trajectory=sc.reference or sc.solution or [],
        expected_final_world=expected,
        communicate=sc.communicate,
        user_facts=sc.user_facts,
        features=sc.features,
        refusal=sc.refusal,
        meta=meta,
        cell=f"{h.tag}|{h.complexity}",
        intents=sc.intents,
    )


def run_trial(s: WGSettings, task: Task) -> Trial:
    """Up to k target rollouts, one after another, stopping once the window verdict cannot
    change (a candidate surely inside still runs all k, so its rate is measured over k, as in
    DAG harvests). A verifier that does not load runs all k and passes nobody."""
    target, window = s.model(s.target), s.window()
    seed = derive_seed("trial", task.task_id, s.seed)
    invalid = bool(task.meta.get(INVALID_VERIFIER))
    passes = rollouts = tokens = 0
    cost = 0.0
    modes: list[str] = []
    records: list[TrialRollout] = []
    while rollouts < s.k and (invalid or not window.can_stop(passes, rollouts - passes)):
        res = run_rollout(task, target, rollouts, seed, max_turns=s.max_turns)
        records.append(_record(s, task, res, rollouts, seed))
        rollouts += 1
        passes += int(res.passed and not invalid)
        tokens += res.tokens_in + res.tokens_out
        cost += res.cost
        if not res.passed and res.score is not None and res.score.reasons:
            modes.append(res.score.reasons[0][:80])
    vein = trial_vein(r.analysis.analysis for r in records if r.analysis is not None)
    return Trial(
        passes=passes, rollouts=rollouts, in_window=window.holds(passes, rollouts)
        and rollouts == s.k, tokens=tokens, cost_usd=cost, failure_modes=modes, vein=vein,
        records=records,
    )  # fmt: skip


def _record(s: WGSettings, task: Task, res: RolloutResult, index: int, seed: int) -> TrialRollout:
    """A target rollout as the rollouts table keeps it, keyed by the scenario (the task's id),
    with the analyst's label when it failed; its final world travels as changes to the task's."""
    rec = rollout_record(res, s.harvest_id, task.task_id, index, seed)
    analysis = None if rec.passed else analyze(task, rec)
    changes = delta.diff(task.world, res.final_world)
    lean = rec.model_copy(update={"final_world": None, "final_world_delta": changes})
    return TrialRollout(rollout=lean, analysis=analysis)


def run_oracle(s: WGSettings, task: Task) -> OracleRun:
    """The oracle on the same task; the first passing rollout becomes the gold."""
    oracle = s.model(s.oracle)
    tokens, cost = 0, 0.0
    # A verifier whose expected world does not load passes nobody: no oracle rollout is paid.
    attempts = 0 if task.meta.get(INVALID_VERIFIER) else s.oracle_attempts
    for attempt in range(attempts):
        seed = rollout_seed(derive_seed("oracle", task.task_id, s.seed), attempt)
        res = run_rollout(task, oracle, attempt, seed, max_turns=s.max_turns)
        tokens += res.tokens_in + res.tokens_out
        cost += res.cost
        if res.passed:
            golden = [ToolCall.model_validate(c.model_dump()) for c in res.trajectory.tool_calls()]
            return OracleRun(
                passed=True, attempts=attempt + 1, golden=golden, final_world=res.final_world,
                tokens=tokens, cost_usd=cost,
            )  # fmt: skip
    return OracleRun(passed=False, attempts=attempts, tokens=tokens, cost_usd=cost)


def confirmed_task(task: Task, oracle: OracleRun, trial: Trial, h: Hypothesis) -> Task:
    """The exported task: the oracle's trajectory and final state as gold, the measured rate."""
    meta = {
        **task.meta,
        "wg": {"hypothesis_id": h.hypothesis_id, "tag": h.tag, "complexity": h.complexity,
               "statement": h.statement},
        "pass_rate": trial.pass_rate,
    }  # fmt: skip
    return task.model_copy(
        update={"golden_trajectory": oracle.golden, "expected_final_world": oracle.final_world,
                "meta": meta}
    )  # fmt: skip


def judge(s: WGSettings, task: Task, trial: Trial, h: Hypothesis) -> OracleVerdict:
    """The oracle's runs, plus the exported task when they confirm an in-window failure."""
    oracle = run_oracle(s, task)
    confirmed = oracle.passed and trial.in_window
    return OracleVerdict(
        oracle=oracle, task=confirmed_task(task, oracle, trial, h) if confirmed else None
    )
