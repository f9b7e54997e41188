"""`MiningIterationWorkflow`: one DAG iteration, as a child of the harvest.

propose -> per candidate (in parallel): synthesize + validate -> record -> k rollouts in waves
(each wave in parallel; stop early once the window verdict is settled; a rollout activity also
analyzes its failure) -> record -> finish: decisions, selection capped at the harvest's
remaining N, totals.
Pure orchestration: activities are called by name, so this module imports no duckdb or litellm.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities import names
    from activities.models import (
        Ack,
        AnalyzeInput,
        AnalyzeOutput,
        FinishIterationInput,
        ProposeInput,
        ProposeOutput,
        RecordCandidateInput,
        RecordRolloutInput,
        RolloutInput,
        RolloutOutput,
        SynthesizeInput,
        SynthesizeOutput,
    )
    from activities.payloads import check_payload
    from mining.core.task import Task
    from mining.harvest import ids
    from mining.harvest.config import (
        CandidateOutcome,
        HarvestConfig,
        IterationTotals,
        in_window,
        outcome_known,
        select,
        wave_sizes,
    )
    from mining.harvest.logs import at
    from mining.store.records import RolloutRecord
    from workflows.models import IterationInput
    from workflows.policies import COMPUTE_RETRY, LEDGER_RETRY

T = TypeVar("T", bound=BaseModel)

LEAN_ROLLOUTS = "lean-rollouts"


def _check(arg: BaseModel, what: str) -> None:
    """Fail the iteration with the 2 MiB limit named, rather than send a payload the server
    would reject (which would retry the workflow task forever)."""
    check_payload(arg, what, workflow.payload_converter())


@workflow.defn(name="MiningIterationWorkflow")
class MiningIterationWorkflow:
    @workflow.run
    async def run(self, inp: IterationInput) -> IterationTotals:
        self._inp = inp
        # Iterations started before this patch call `analyze` after each failed rollout and get
        # whole final worlds back; newer ones get the analysis and a world delta from `rollout`.
        self._lean = workflow.patched(LEAN_ROLLOUTS)
        cfg = inp.config
        proposed = await self._ledger(
            names.PROPOSE,
            ProposeInput(harvest_id=inp.harvest_id, config=cfg, iteration=inp.iteration),
            ProposeOutput,
            f"propose up to {cfg.batch_size} candidates for iteration {inp.iteration}",
        )
        workflow.logger.info(
            f"proposed {len(proposed.points)} candidates", extra=at(inp.harvest_id, inp.iteration)
        )
        if proposed.stop is not None:  # the harvest cannot make progress: nothing to run
            return IterationTotals(iteration=inp.iteration, stop=proposed.stop)
        outcomes = await asyncio.gather(
            *(self._candidate(j, p) for j, p in enumerate(proposed.points))
        )
        totals = await self._ledger(
            names.FINISH_ITERATION,
            FinishIterationInput(
                harvest_id=inp.harvest_id,
                config=cfg,
                iteration=inp.iteration,
                outcomes=list(outcomes),
                # all in-window candidates in order; the ledger admits them up to N and the
                # per-cell cap (it knows what earlier iterations harvested)
                selected=select(list(outcomes), len(outcomes)),
            ),
            IterationTotals,
            f"finish iteration {inp.iteration}: decide {len(outcomes)} candidates",
        )
        workflow.logger.info(
            f"iteration done: {totals.in_window} in window, {totals.harvested} harvested, "
            f"{totals.rollouts} rollouts",
            extra=at(inp.harvest_id, inp.iteration),
        )
        return totals

    async def _candidate(self, index: int, params: dict[str, Any]) -> CandidateOutcome:
        inp, cfg = self._inp, self._inp.config
        syn = await self._compute(
            names.SYNTHESIZE,
            SynthesizeInput(
                harvest_id=inp.harvest_id,
                config=cfg,
                iteration=inp.iteration,
                index=index,
                params=params,
            ),
            SynthesizeOutput,
            cfg.timeouts.synthesize_s,
            ids.candidate_activity_id(index, "synthesize"),
            f"synthesize candidate {index}: {_point(params)}",
        )
        cand = syn.candidate
        where = at(inp.harvest_id, inp.iteration, cand.candidate_id)
        await self._ledger(
            names.RECORD_CANDIDATE,
            RecordCandidateInput(candidate=cand),
            Ack,
            f"record candidate {index} ({cand.cell or 'rejected'})",
        )
        out = CandidateOutcome(candidate_id=cand.candidate_id, synthesized=cand.task is not None)
        if cand.task is None:
            workflow.logger.info(f"candidate rejected: {cand.rejection}", extra=where)
            return out
        task = Task.model_validate(cand.task)
        start = 0
        for size in wave_sizes(cfg):
            if outcome_known(cfg, out.passes, out.rollouts - out.passes):
                break
            wave = await asyncio.gather(
                *(self._rollout(index, task, cand.seed, r) for r in range(start, start + size))
            )
            start += size
            for rec in wave:
                out.rollouts += 1
                out.passes += int(rec.passed)
                out.tokens += rec.tokens_in + rec.tokens_out
                out.cost_usd += rec.cost_usd
        out.in_window = out.rollouts == cfg.k and in_window(cfg, out.passes, out.rollouts)
        workflow.logger.info(
            f"candidate decided: {out.passes}/{out.rollouts} passed, in window: {out.in_window}",
            extra=where,
        )
        return out

    async def _rollout(self, cand: int, task: Task, cand_seed: int, index: int) -> RolloutRecord:
        inp, cfg = self._inp, self._inp.config
        arg = RolloutInput(
            harvest_id=inp.harvest_id,
            config=cfg,
            task=task,
            candidate_seed=cand_seed,
            index=index,
            lean=self._lean,
        )
        _check(arg, f"rollout {index} of candidate {task.task_id}")
        res = await workflow.execute_activity(
            names.ROLLOUT,
            arg,
            result_type=RolloutOutput,
            task_queue=cfg.queues.compute,
            activity_id=ids.rollout_activity_id(cand, index, "rollout"),
            summary=f"rollout {index} of candidate {cand} | cell {task.cell} | intents "
            f"{'+'.join(task.intents) or '-'}",
            start_to_close_timeout=timedelta(seconds=cfg.timeouts.rollout_s),
            heartbeat_timeout=timedelta(seconds=cfg.timeouts.rollout_heartbeat_s),
            retry_policy=COMPUTE_RETRY,
        )
        rec, analysis = res.rollout, res.analysis
        if not self._lean and not rec.passed:
            analyzed = await self._compute(
                names.ANALYZE,
                AnalyzeInput(task=task, rollout=rec),
                AnalyzeOutput,
                cfg.timeouts.analyze_s,
                ids.rollout_activity_id(cand, index, "analyze"),
                f"analyze failed rollout {index} of candidate {cand}",
            )
            analysis = analyzed.analysis
        await self._ledger(
            names.RECORD_ROLLOUT,
            RecordRolloutInput(rollout=rec, analysis=analysis),
            Ack,
            f"record rollout {index} of candidate {cand} ({'pass' if rec.passed else 'fail'})",
        )
        return rec

    async def _compute(
        self,
        name: str,
        arg: BaseModel,
        result: type[T],
        timeout_s: float,
        activity_id: str,
        summary: str,
    ) -> T:
        cfg: HarvestConfig = self._inp.config
        _check(arg, f"input of {activity_id}")
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result,
            task_queue=cfg.queues.compute,
            activity_id=activity_id,
            start_to_close_timeout=timedelta(seconds=timeout_s),
            retry_policy=COMPUTE_RETRY,
            summary=summary,
        )

    async def _ledger(self, name: str, arg: BaseModel, result: type[T], summary: str) -> T:
        cfg: HarvestConfig = self._inp.config
        _check(arg, f"input of {name}")
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result,
            task_queue=cfg.queues.ledger,
            start_to_close_timeout=timedelta(seconds=cfg.timeouts.ledger_s),
            retry_policy=LEDGER_RETRY,
            summary=summary,
        )


def _point(params: dict[str, Any]) -> str:
    """A parameter point on one short line (activity summaries are one line in the UI)."""
    text = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    return text if len(text) <= 160 else text[:157] + "..."
