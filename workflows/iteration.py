"""`MiningIterationWorkflow`: one DAG iteration, as a child of the harvest.

propose -> per candidate (in parallel): synthesize + validate -> record -> k rollouts in waves
(each wave in parallel; stop early once the window verdict is settled; a rollout activity also
analyzes its failure) -> record -> finish: decisions, selection capped at the harvest's
remaining N, totals.

A rollout whose activity gives up (retries exhausted, a non-retryable provider error, a timeout)
is recorded as errored, with every failed attempt, and the candidate is decided without it
(`mining.harvest.tally` says how). A re-run of an iteration (after it failed and the harvest was
resumed) gets its recorded proposal and reuses every rollout already recorded.
Pure orchestration: activities are called by name, so this module imports no duckdb or litellm.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from datetime import timedelta
from typing import Any, TypeVar, cast

from temporalio import workflow
from temporalio.exceptions import ActivityError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities import failures, names
    from activities.models import (
        Ack,
        AnalyzeInput,
        AnalyzeOutput,
        FinishIterationInput,
        ProposeInput,
        ProposeOutput,
        RecordCandidateInput,
        RecordCandidateOutput,
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
        rollout_bounds,
        select,
    )
    from mining.harvest.logs import at
    from mining.harvest.tally import Tally
    from mining.store.records import FailedAttempts, RolloutOutcome, rollout_key
    from workflows.models import IterationInput
    from workflows.policies import COMPUTE_RETRY, ledger_retry

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

LEAN_ROLLOUTS = "lean-rollouts"
ERRORS_ARE_DATA = "errors-are-data"


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
        # Iterations started before this patch fail when a rollout gives up; newer ones record it.
        self._errors_are_data = workflow.patched(ERRORS_ARE_DATA)
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
        outcomes = await self._all(self._candidate(j, p) for j, p in enumerate(proposed.points))
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
        known = await self._ledger(
            names.RECORD_CANDIDATE,
            RecordCandidateInput(candidate=cand),
            RecordCandidateOutput,
            f"record candidate {index} ({cand.cell or 'rejected'})",
        )
        if cand.task is None:
            workflow.logger.info(f"candidate rejected: {cand.rejection}", extra=where)
            return CandidateOutcome(candidate_id=cand.candidate_id, synthesized=False)
        task = Task.model_validate(cand.task)
        reuse = {r.index: r for r in known.recorded}  # paid for by an earlier run: not again
        tally = Tally(cfg, cand.candidate_id)
        while wave := tally.next_wave():
            results = await self._all(self._outcome(index, task, cand.seed, r, reuse) for r in wave)
            for r in results:
                tally.add(r)
        out = tally.outcome()
        verdict = "undecided" if out.undecided else f"in window: {out.in_window}"
        workflow.logger.info(
            f"candidate decided: {out.passes}/{out.rollouts} passed, {out.errored} errored, "
            f"{verdict}",
            extra=where,
        )
        return out

    async def _all(self, steps: Iterable[Awaitable[R]]) -> list[R]:
        """Run steps together. Once errors are data, a failing step fails the iteration only
        after the others finished (and recorded what they ran): a re-run reuses all of it."""
        settled = await asyncio.gather(*steps, return_exceptions=self._errors_are_data)
        for r in settled:
            if isinstance(r, BaseException):
                raise r
        return cast(list[R], settled)

    async def _outcome(
        self, cand: int, task: Task, cand_seed: int, index: int, reuse: dict[int, RolloutOutcome]
    ) -> RolloutOutcome:
        if index in reuse:
            return reuse[index]
        return await self._rollout(cand, task, cand_seed, index)

    async def _rollout(self, cand: int, task: Task, cand_seed: int, index: int) -> RolloutOutcome:
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
        failed = FailedAttempts(
            rollout_id=rollout_key(task.task_id, index),
            candidate_id=task.task_id,
            harvest_id=inp.harvest_id,
            index=index,
            failures=[],
        )
        bounds = rollout_bounds(cfg)  # timeouts only: replay does not compare them
        try:
            res = await workflow.execute_activity(
                names.ROLLOUT,
                arg,
                result_type=RolloutOutput,
                task_queue=cfg.queues.compute,
                activity_id=ids.rollout_activity_id(cand, index, "rollout"),
                start_to_close_timeout=timedelta(seconds=bounds.attempt_s),
                schedule_to_close_timeout=timedelta(seconds=bounds.total_s),
                heartbeat_timeout=timedelta(seconds=bounds.heartbeat_s),
                retry_policy=COMPUTE_RETRY,
                summary=f"rollout {index} of candidate {cand} | cell {task.cell} | intents "
                f"{'+'.join(task.intents) or '-'}",
            )
        except ActivityError as err:
            if not self._errors_are_data or is_cancelled_exception(err):
                raise
            failed.failures, failed.gave_up = failures.failures_of(err), True
            last = failed.failures[-1]
            workflow.logger.warning(
                f"rollout errored after {len(failed.failures)} failed attempts: "
                f"{last.error_class}: {last.message}",
                extra=at(inp.harvest_id, inp.iteration, task.task_id, index),
            )
            await self._ledger(
                names.RECORD_ROLLOUT,
                RecordRolloutInput(failed=failed),
                Ack,
                f"record errored rollout {index} of candidate {cand} ({last.error_class})",
            )
            return RolloutOutcome(index=index, error_class=last.error_class)
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
        failed.failures = res.failed_attempts
        await self._ledger(
            names.RECORD_ROLLOUT,
            RecordRolloutInput(
                rollout=rec, analysis=analysis, failed=failed if failed.failures else None
            ),
            Ack,
            f"record rollout {index} of candidate {cand} ({'pass' if rec.passed else 'fail'})",
        )
        return rec.outcome()

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
            retry_policy=ledger_retry(cfg),
            summary=summary,
        )


def _point(params: dict[str, Any]) -> str:
    """A parameter point on one short line (activity summaries are one line in the UI)."""
    text = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    return text if len(text) <= 160 else text[:157] + "..."
