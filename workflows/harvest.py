"""`HarvestWorkflow`: one per harvest, possibly running for days.

Loops iterations as child workflows until N tasks are harvested or a budget is spent: DAG
iterations (`MiningIterationWorkflow`) or, in mode wg, one WG hypothesis each (`ProbeWorkflow`).
Pauses between iterations on signal `pause` / update `set_paused` (resumes on `resume`), reports
progress by query, continues-as-new every few iterations (or when the server suggests it), keeps the
search attributes HarvestId, TargetModel, HarvestMode, HarvestStatus and Harvested current for the
UI.

Once the ledger has taken a harvest on, a failure never ends it. An iteration (or a ledger step)
that fails sets the status to `failed` with the reason; an iteration whose every rollout errored
sets it to `stalled`. Either way the store and the search attribute say so and the harvest waits,
as if paused; resuming it (signal `resume`, update `set_paused` false, `toolmine harvest resume`)
reloads the counters from the ledger and re-runs the iteration that failed, which reuses what was
already recorded. A start the ledger refuses (e.g. an id that names another harvest) fails the
run, as before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ChildWorkflowError,
    is_cancelled_exception,
)

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities import failures, names
    from activities.models import (
        Ack,
        FinishHarvestInput,
        HarvestState,
        SetStatusInput,
        StartHarvestInput,
    )
    from mining.core.errors import UserError
    from mining.harvest import ids
    from mining.harvest.config import IterationTotals, stall_reason, stop_reason
    from mining.harvest.logs import at
    from mining.llm.spec import parse_target
    from workflows import search_attributes as sa
    from workflows.iteration import MiningIterationWorkflow
    from workflows.models import (
        HarvestInput,
        HarvestResult,
        IterationInput,
        Progress,
        SetPausedInput,
    )
    from workflows.policies import RECENT_ITERATIONS, ledger_retry
    from workflows.probe import ProbeInput, ProbeWorkflow

T = TypeVar("T", bound=BaseModel)

CHECK_TARGET_PATCH = "harvest-checks-target"
# Harvests started before this patch fail with their failed iteration; newer ones wait.
FAILURES_WAIT = "failures-wait"


@workflow.defn(name="HarvestWorkflow")
class HarvestWorkflow:
    @workflow.init
    def __init__(self, inp: HarvestInput) -> None:
        # State exists before any signal, query or update handler runs.
        hid = inp.config.harvest_id or workflow.info().workflow_id
        self._cfg = inp.config.model_copy(update={"harvest_id": hid})
        self._counters = inp.counters.model_copy()
        self._paused = inp.paused
        self._started = inp.started
        # The chain's first run id marks this harvest's start: the ledger refuses a start of
        # another harvest under the same id. A harvest started again after its run ended
        # unfinished carries the first chain's (only the activity input changes: replay-safe).
        self._owner = inp.owner or workflow.info().first_execution_run_id
        self._recent = list(inp.recent)
        self._status = "paused" if inp.paused else "running"
        self._reason: str | None = None
        self._reload = False  # after a failure: counters come from the ledger again
        self._current: int | None = None
        self._stop: str | None = None  # an iteration found the harvest cannot make progress

    # --- handlers ----------------------------------------------------------------------------

    @workflow.signal(name="pause")
    def pause(self) -> None:
        self._paused = True

    @workflow.signal(name="resume")
    def resume(self) -> None:
        self._paused = False

    @workflow.update(name="set_paused")
    def set_paused(self, inp: SetPausedInput) -> Progress:
        self._paused = inp.paused
        return self.progress()

    @set_paused.validator
    def _check_set_paused(self, inp: SetPausedInput) -> None:
        if self._status in ("completed", "cancelled"):
            raise ApplicationError(f"harvest already {self._status}")

    @workflow.query(name="progress")
    def progress(self) -> Progress:
        return Progress(
            harvest_id=self._cfg.harvest_id,
            status=self._status,
            reason=self._reason,
            paused=self._paused,
            n_tasks=self._cfg.n_tasks,
            counters=self._counters,
            current_iteration=self._current,
            history_length=workflow.info().get_current_history_length(),
            recent=self._recent,
        )

    # --- the loop ----------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: HarvestInput) -> HarvestResult:
        cfg = self._cfg
        if workflow.patched(CHECK_TARGET_PATCH):
            # Before anything shows the target: a key written into it (e.g. by a start from the
            # Temporal CLI) never reaches a search attribute or the store.
            try:
                parse_target(cfg.target, cfg.api_base)
            except UserError as exc:
                raise ApplicationError(str(exc), type="UserError", non_retryable=True) from None
        self._publish()
        try:
            reason = await self._harvest()
        except BaseException as exc:
            # A cancel reaches us as CancelledError or as an activity/child error caused by it.
            if not is_cancelled_exception(exc):
                raise
            self._status = "cancelled"
            self._publish()
            self._log("cancelled")
            # Idempotent: makes sure the row exists even if cancel hit the first activity.
            await self._ledger(names.START_HARVEST, self._start_input(), HarvestState)
            await self._ledger(
                names.FINISH_HARVEST,
                FinishHarvestInput(
                    harvest_id=cfg.harvest_id, status="cancelled", owner=self._owner
                ),
                Ack,
            )
            raise
        self._status = "completed"
        await self._ledger(
            names.FINISH_HARVEST,
            FinishHarvestInput(harvest_id=cfg.harvest_id, status="completed", owner=self._owner),
            Ack,
        )
        self._publish(f"completed ({reason})")
        self._log(f"completed ({reason})")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return HarvestResult(harvest_id=cfg.harvest_id, stop=reason, counters=self._counters)

    async def _harvest(self) -> str:
        """Iterate until a stop reason; a failure waits for a resume, then the loop goes on."""
        while True:
            try:
                return await self._iterations()
            except (ActivityError, ChildWorkflowError) as exc:
                # Before the ledger took the harvest on, nothing is its to hold (the id may
                # even name another harvest): the run fails with the reason, as it always did.
                if is_cancelled_exception(exc) or not self._started:
                    raise
                if not workflow.patched(FAILURES_WAIT):
                    raise
                await self._hold("failed", failures.describe(exc))

    async def _iterations(self) -> str:
        cfg = self._cfg
        if not self._started:
            state = await self._ledger(names.START_HARVEST, self._start_input(), HarvestState)
            if state.counters is not None:  # a restart under the same id goes on, not from 0
                self._counters = state.counters
            self._started = True
            self._log(f"started: {cfg.n_tasks} {cfg.domain} tasks for {cfg.target}")
        iterations_here = 0
        while True:
            if self._reload:
                await self._reload_counters()
            if (reason := self._stop or stop_reason(cfg, self._counters)) is not None:
                return reason
            if self._paused:
                self._status = "paused"
                self._publish()
                self._log("paused")
                await workflow.wait_condition(lambda: not self._paused)
                self._status = "running"
                self._publish()
                self._log("resumed")
                continue
            if (
                iterations_here >= cfg.iterations_per_run
                or workflow.info().is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                self._log(f"continuing as new after {iterations_here} iterations")
                workflow.continue_as_new(
                    HarvestInput(
                        config=cfg,
                        counters=self._counters,
                        paused=self._paused,
                        started=True,
                        recent=self._recent,
                        owner=self._owner,
                    )
                )
            totals = await self._iterate()
            iterations_here += 1
            if totals is not None and (why := stall_reason(totals)) is not None:
                await self._hold("stalled", why)

    async def _reload_counters(self) -> None:
        """After a hold: running again in the store, counters as the ledger recorded them (the
        failed iteration added nothing, so it runs again under the same index)."""
        state = await self._set_status("running", None)  # may fail again: then we hold again
        self._counters = state.counters or self._counters
        self._reload = False
        self._publish()
        self._log(f"resumed at iteration {self._counters.iterations}")

    async def _iterate(self) -> IterationTotals | None:
        """Run the next iteration; None when it proposed nothing (then `_stop` says why)."""
        cfg, i = self._cfg, self._counters.iterations
        self._current = i
        self._publish()
        if cfg.mode == "wg":  # one hypothesis per iteration (DAG histories never reach here)
            totals = await workflow.execute_child_workflow(
                ProbeWorkflow.run,
                ProbeInput(
                    harvest_id=cfg.harvest_id, config=cfg, index=i, rollouts_left=self._left()
                ),
                id=ids.iteration_workflow_id(cfg.harvest_id, i),
                task_queue=cfg.queues.ledger,
                static_summary=f"hypothesis {i} of harvest {cfg.harvest_id}",
            )
        else:
            totals = await workflow.execute_child_workflow(
                MiningIterationWorkflow.run,
                IterationInput(
                    harvest_id=cfg.harvest_id,
                    config=cfg,
                    iteration=i,
                    remaining=cfg.n_tasks - self._counters.harvested,
                ),
                id=ids.iteration_workflow_id(cfg.harvest_id, i),
                task_queue=cfg.queues.ledger,
                static_summary=f"iteration {i} of harvest {cfg.harvest_id}",
            )
        if totals.stop is not None:  # proposed nothing: not an iteration, the end
            self._stop, self._current = totals.stop, None
            return None
        self._counters.add(totals)
        self._recent = (self._recent + [totals])[-RECENT_ITERATIONS:]
        self._current = None
        self._publish()
        c = self._counters
        self._log(
            f"iteration {i} done: harvested {c.harvested}/{cfg.n_tasks}, {c.rollouts} rollouts, "
            f"{totals.errored} errored",
            i,
        )
        return totals

    def _left(self) -> int | None:
        """What the rollout budget leaves (None: no rollout budget)."""
        budget = self._cfg.budgets.max_rollouts
        return None if budget is None else budget - self._counters.paid_rollouts

    async def _hold(self, status: str, reason: str) -> None:
        """Say why the harvest cannot go on (store, search attribute, UI) and wait for a resume."""
        self._status, self._reason, self._paused = status, reason, True
        self._current = None
        self._publish(f"{status}: {reason}")
        workflow.logger.warning(f"{status}: {reason}", extra=at(self._cfg.harvest_id))
        try:
            await self._set_status(status, reason)
        except ActivityError as exc:  # the ledger may be what failed: the attribute says it
            if is_cancelled_exception(exc):
                raise
            self._log(f"could not record the {status} status: {failures.describe(exc)}")
        await workflow.wait_condition(lambda: not self._paused)
        self._status, self._reason, self._reload = "running", None, True
        self._publish()

    def _publish(self, details: str | None = None) -> None:
        """Keep the UI current: search attributes and the "current details" line."""
        c, cfg = self._counters, self._cfg
        workflow.upsert_search_attributes(
            [
                sa.HARVEST_ID.value_set(cfg.harvest_id),
                sa.TARGET_MODEL.value_set(cfg.target),
                sa.HARVEST_MODE.value_set(cfg.mode),
                sa.HARVEST_STATUS.value_set(self._status),
                sa.HARVESTED.value_set(c.harvested),
            ]
        )
        where = f"iteration {self._current}" if self._current is not None else "between iterations"
        workflow.set_current_details(
            details
            or f"{self._status}: {where}; harvested {c.harvested}/{cfg.n_tasks}, "
            f"{c.candidates} candidates, {c.rollouts} rollouts"
            + (f" + {c.oracle_rollouts} oracle" if c.oracle_rollouts else "")
        )

    def _log(self, message: str, iteration: int | None = None) -> None:
        workflow.logger.info(message, extra=at(self._cfg.harvest_id, iteration))

    def _start_input(self) -> StartHarvestInput:
        cfg = self._cfg
        return StartHarvestInput(harvest_id=cfg.harvest_id, config=cfg, owner=self._owner)

    async def _set_status(self, status: str, reason: str | None) -> HarvestState:
        cfg = self._cfg
        return await self._ledger(
            names.SET_HARVEST_STATUS,
            SetStatusInput(
                harvest_id=cfg.harvest_id, status=status, reason=reason, owner=self._owner
            ),
            HarvestState,
        )

    async def _ledger(self, name: str, arg: BaseModel, result: type[T]) -> T:
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result,
            task_queue=self._cfg.queues.ledger,
            start_to_close_timeout=timedelta(seconds=self._cfg.timeouts.ledger_s),
            retry_policy=ledger_retry(self._cfg),
            summary=f"{name.replace('_', ' ')} {self._cfg.harvest_id}",
        )
