"""`ProbeWorkflow`: one WG hypothesis, as a child of the harvest (one per iteration).

frontier (ledger) -> strategist -> the probe orchestration of `mining/wg/orchestrate.py` (world
actor -> consistency checks -> k target rollouts -> oracle -> simplification), each step an
activity on the compute queue -> record (ledger: hypothesis, trials, oracle runs, chain,
frontier, and the minimum task when confirmed). Returns the iteration's totals, so the harvest
counts WG probes exactly as it counts DAG iterations.
Pure orchestration: activities are called by name; this module imports no duckdb or litellm.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, Field

    from activities import names
    from activities.models import Ack
    from activities.payloads import check_payload
    from activities.wg_models import (
        BuildInput,
        FrontierInput,
        FrontierOutput,
        RecordProbeInput,
        RecordProbeOutput,
        RecordTrialInput,
        ScenarioInput,
        StrategizeInput,
        VariantsInput,
        VariantsOutput,
    )
    from mining.harvest.config import HarvestConfig, IterationTotals, wg_settings
    from mining.harvest.logs import at
    from mining.wg.models import (
        Built,
        ConsistencyReport,
        Hypothesis,
        KnobStep,
        OracleVerdict,
        Scenario,
        Trial,
    )
    from mining.wg.orchestrate import run_probe
    from mining.wg.rules import probe_totals
    from workflows.local_ledger import run_local
    from workflows.policies import COMPUTE_RETRY, LEDGER_RETRY

T = TypeVar("T", bound=BaseModel)
# A trial's target rollouts go to the rollouts table (a ledger step after each trial).
TRIAL_ROLLOUTS_PATCH = "wg-trial-rollouts"
# Ledger steps (frontier read, trial and probe records) as local activities: a trial's
# trajectories cross the server once (the trial's result), not twice (and its record's input).
LOCAL_LEDGER_PATCH = "wg-local-ledger"
# The build step runs the consistency checks too: the scenario crosses the server once.
BUILD_CHECKS_PATCH = "wg-build-checks"


class ProbeInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    index: int
    rollouts_left: int | None = Field(
        default=None, description="what the rollout budget leaves (None: no budget)"
    )


@workflow.defn(name="ProbeWorkflow")
class ProbeWorkflow:
    @workflow.run
    async def run(self, inp: ProbeInput) -> IterationTotals:
        self._inp = inp
        self._local = workflow.patched(LOCAL_LEDGER_PATCH)  # probes started before: remote
        self._build_checks = workflow.patched(BUILD_CHECKS_PATCH)  # before: a check step
        cfg = inp.config
        s = wg_settings(cfg.model_copy(update={"harvest_id": inp.harvest_id}))
        s.rollouts_left = inp.rollouts_left
        self._s = s
        frontier = await self._ledger(
            names.WG_FRONTIER, FrontierInput(harvest_id=inp.harvest_id), FrontierOutput
        )
        h = await self._compute(
            names.WG_STRATEGIZE,
            StrategizeInput(settings=s, entries=frontier.entries, index=inp.index),
            Hypothesis,
            "strategist",
        )
        self._log(f"hypothesis: {h.tag} at level {h.complexity} ({h.move})")
        out = await run_probe(s, h, _ActivitySteps(self))
        self._log(f"{out.status}: {out.evidence}")
        record = RecordProbeInput(
            harvest_id=inp.harvest_id, outcome=out, k=cfg.k, n_tasks=cfg.n_tasks
        )
        rec = await self._ledger(
            names.WG_RECORD_PROBE, record, RecordProbeOutput, f"probe {h.hypothesis_id}"
        )
        return probe_totals(inp.index, out, rec.harvested)

    def _log(self, message: str) -> None:
        workflow.logger.info(message, extra=at(self._inp.harvest_id, self._inp.index))

    async def _ledger(self, name: str, arg: BaseModel, result: type[T], what: str = "") -> T:
        cfg = self._inp.config
        summary = f"{name.replace('_', ' ')} (hypothesis {self._inp.index})"
        if self._local:  # runs in this worker: the input never reaches the server
            return await run_local(name, arg, result, cfg.timeouts.ledger_s, LEDGER_RETRY, summary)
        if what:
            check_payload(arg, what, workflow.payload_converter())
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result,
            task_queue=cfg.queues.ledger,
            start_to_close_timeout=timedelta(seconds=cfg.timeouts.ledger_s),
            retry_policy=LEDGER_RETRY,
            summary=summary,
        )

    async def _compute(
        self, name: str, arg: BaseModel, result: type[T], step: str, *, rollouts: bool = False
    ) -> T:
        cfg = self._inp.config
        t = cfg.timeouts
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result,
            activity_id=f"h{self._inp.index}/{step}",
            task_queue=cfg.queues.compute,
            start_to_close_timeout=timedelta(
                seconds=t.wg_rollouts_s if rollouts else t.synthesize_s
            ),
            heartbeat_timeout=timedelta(seconds=t.heartbeat_s),  # every step beats
            retry_policy=COMPUTE_RETRY,
            summary=f"{step} (hypothesis {self._inp.index})",
        )


class _ActivitySteps:
    """The probe steps as activities (see `mining.wg.orchestrate.ProbeSteps`)."""

    def __init__(self, wf: ProbeWorkflow) -> None:
        self.wf, self.s = wf, wf._s
        self.variant_calls = 0  # activity ids must be unique within the probe
        self.reports: dict[str, ConsistencyReport] = {}  # scenario id -> the build's checks

    async def build(self, h: Hypothesis, params: dict[str, Any] | None, tag: str) -> Built:
        arg = BuildInput(settings=self.s, hypothesis=h, params=params, tag=tag)
        name = names.WG_BUILD_CHECKED if self.wf._build_checks else names.WG_BUILD
        built = await self.wf._compute(name, arg, Built, f"{tag}/build")
        if built.scenario is not None and built.checks is not None:
            self.reports[built.scenario.scenario_id] = built.checks
        return built

    async def check(self, sc: Scenario, h: Hypothesis) -> ConsistencyReport:
        if sc.scenario_id in self.reports:  # the build step ran them
            return self.reports.pop(sc.scenario_id)
        arg = ScenarioInput(settings=self.s, hypothesis=h, scenario=sc)
        return await self.wf._compute(names.WG_CHECK, arg, ConsistencyReport, f"{_tag(sc)}/check")

    async def trial(self, sc: Scenario, h: Hypothesis) -> Trial:
        arg = ScenarioInput(settings=self.s, hypothesis=h, scenario=sc)
        trial = await self.wf._compute(
            names.WG_TRIAL, arg, Trial, f"{_tag(sc)}/trial", rollouts=True
        )
        # Trials of older runs carry no records (and their histories no such step).
        if trial.records and workflow.patched(TRIAL_ROLLOUTS_PATCH):
            record = RecordTrialInput(world=sc.world, records=trial.records)
            await self.wf._ledger(names.WG_RECORD_TRIAL, record, Ack, f"trial {sc.scenario_id}")
        return trial

    async def oracle(self, sc: Scenario, h: Hypothesis, trial: Trial) -> OracleVerdict:
        arg = ScenarioInput(settings=self.s, hypothesis=h, scenario=sc, trial=trial)
        return await self.wf._compute(
            names.WG_ORACLE, arg, OracleVerdict, f"{_tag(sc)}/oracle", rollouts=True
        )

    async def variants(self, h: Hypothesis, params: dict[str, Any]) -> list[KnobStep]:
        arg = VariantsInput(settings=self.s, hypothesis=h, params=params)
        self.variant_calls += 1
        step = f"variants/{self.variant_calls}"
        out = await self.wf._compute(names.WG_VARIANTS, arg, VariantsOutput, step)
        return out.steps


def _tag(sc: Scenario) -> str:
    """w0 (the first world) or v<n> (the n-th simplification variant)."""
    return sc.scenario_id.rsplit("-", 1)[-1]
