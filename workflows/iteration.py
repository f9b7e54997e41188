"""`MiningIterationWorkflow`: one DAG iteration, as a child of the harvest.

propose -> per candidate (in parallel): synthesize + validate -> record -> k rollouts in waves
(each wave in parallel; stop early once the window verdict is settled; a rollout activity also
analyzes its failure) -> record -> finish: decisions, selection capped at the harvest's
remaining N, totals.

The iteration's ledger steps are local activities: the workflow runs in the ledger worker (the
process that owns the store), so a ledger step needs no server round trip and its input (a
candidate with its world, a wave's trajectories) never enters the history. A candidate is recorded
with the first wave of its results, and each wave in one write; a rollout gets the task slim (its
expected final world as changes to its world). Iterations started before this (`LOCAL_LEDGER`)
keep the old shape: a ledger activity per candidate and per rollout, through the server. Since
`SLIM_SYNTHESIZE` the synthesize step sends the task slim already (slimmed where it is made, so
the world crosses the history once and the workflow has no diff to compute); a candidate's k
rollout inputs differ only in their index, so their size is checked once.

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
from temporalio.exceptions import (
    ActivityError,
    is_cancelled_exception,
)

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
        RecordResultsInput,
        RecordRolloutInput,
        RolloutInput,
        RolloutOutput,
        SynthesizeInput,
        SynthesizeOutput,
        slim_task,
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
    from workflows.local_ledger import run_local
    from workflows.models import IterationInput
    from workflows.policies import COMPUTE_RETRY, ledger_retry

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

LEAN_ROLLOUTS = "lean-rollouts"
ERRORS_ARE_DATA = "errors-are-data"
LOCAL_LEDGER = "local-ledger"
SLIM_SYNTHESIZE = "slim-synthesize"


class _Wire:
    """How one candidate's task travels to its rollouts (slim once the patch is on)."""

    def __init__(self, syn: SynthesizeOutput, slim: bool) -> None:
        task = Task.model_validate(syn.candidate.task)
        self.task = task  # ids, cell and intents for summaries (slim or whole alike)
        self.sent, self.expected_delta = task, syn.expected_delta
        if slim and syn.expected_delta is None:  # came whole: slim it here
            self.sent, self.expected_delta = slim_task(task)
        # A candidate's rollout inputs differ only in their index: one size check covers them.
        self.checked = False


Ran = tuple[RolloutOutcome, RecordRolloutInput | None]
"""A rollout's outcome, and its record when the ledger has yet to write it (batched per wave)."""


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
        # Newer iterations: ledger steps local, written per wave; rollouts get the task slim.
        self._local = workflow.patched(LOCAL_LEDGER)
        # Newest: `synthesize` sends the task slim already (its world crosses the history once).
        self._slim_synthesize = self._local and workflow.patched(SLIM_SYNTHESIZE)
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
        self._recorded = proposed.recorded
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
                slim=self._slim_synthesize,
            ),
            SynthesizeOutput,
            cfg.timeouts.synthesize_s,
            ids.candidate_activity_id(index, "synthesize"),
            f"synthesize candidate {index}: {_point(params)}",
        )
        cand = syn.candidate
        where = at(inp.harvest_id, inp.iteration, cand.candidate_id)
        # Paid for by an earlier run of this iteration: reused, not paid again.
        if self._local:  # the candidate is recorded with its first results
            recorded, unrecorded = self._recorded.get(cand.candidate_id, []), syn
        else:
            known = await self._ledger(
                names.RECORD_CANDIDATE,
                RecordCandidateInput(candidate=cand),
                RecordCandidateOutput,
                f"record candidate {index} ({cand.cell or 'rejected'})",
            )
            recorded, unrecorded = known.recorded, None
        if cand.task is None:
            workflow.logger.info(f"candidate rejected: {cand.rejection}", extra=where)
            await self._record(index, unrecorded, [])
            return CandidateOutcome(candidate_id=cand.candidate_id, synthesized=False)
        wire = _Wire(syn, slim=self._local)
        reuse = {r.index: r for r in recorded}
        tally = Tally(cfg, cand.candidate_id)
        while wave := tally.next_wave():
            results = await self._all(self._outcome(index, wire, cand.seed, r, reuse) for r in wave)
            await self._record(index, unrecorded, [rec for _, rec in results if rec is not None])
            unrecorded = None
            for outcome, _ in results:
                tally.add(outcome)
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

    async def _record(
        self, cand: int, candidate: SynthesizeOutput | None, rollouts: list[RecordRolloutInput]
    ) -> None:
        """One ledger write for what the candidate has yet to record (nothing: no write)."""
        if candidate is None and not rollouts:
            return
        what = f"{len(rollouts)} rollouts" + (" and the candidate" if candidate else "")
        await self._ledger(
            names.RECORD_RESULTS,
            RecordResultsInput(
                candidate=candidate.candidate if candidate else None,
                rollouts=rollouts,
                expected_delta=candidate.expected_delta if candidate else None,
            ),
            Ack,
            f"record candidate {cand}: {what}",
        )

    async def _outcome(
        self, cand: int, wire: _Wire, cand_seed: int, index: int, reuse: dict[int, RolloutOutcome]
    ) -> Ran:
        if index in reuse:
            return reuse[index], None
        return await self._rollout(cand, wire, cand_seed, index)

    async def _rollout(self, cand: int, wire: _Wire, cand_seed: int, index: int) -> Ran:
        inp, cfg, task = self._inp, self._inp.config, wire.task
        arg = RolloutInput(
            harvest_id=inp.harvest_id,
            config=cfg,
            task=wire.sent,
            candidate_seed=cand_seed,
            index=index,
            lean=self._lean,
            expected_delta=wire.expected_delta,
        )
        if not wire.checked:
            _check(arg, f"rollout {index} of candidate {task.task_id}")
            wire.checked = True
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
            errored = RolloutOutcome(index=index, error_class=last.error_class)
            return errored, await self._record_rollout(
                RecordRolloutInput(failed=failed),
                f"record errored rollout {index} of candidate {cand} ({last.error_class})",
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
        failed.failures = res.failed_attempts
        return rec.outcome(), await self._record_rollout(
            RecordRolloutInput(
                rollout=rec, analysis=analysis, failed=failed if failed.failures else None
            ),
            f"record rollout {index} of candidate {cand} ({'pass' if rec.passed else 'fail'})",
        )

    async def _record_rollout(
        self, record: RecordRolloutInput, summary: str
    ) -> RecordRolloutInput | None:
        """Old shape: write the rollout now. New shape: hand it back, for its wave's write."""
        if self._local:
            return record
        await self._ledger(names.RECORD_ROLLOUT, record, Ack, summary)
        return None

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
        if self._local:  # runs in this worker: the input never reaches the server
            return await run_local(
                name, arg, result, cfg.timeouts.ledger_s, ledger_retry(cfg), summary
            )
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
