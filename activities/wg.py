"""WG activities: one per probe step on the compute queue, the frontier read and the probe
record on the ledger queue.

Compute steps are pure functions of their input (seeded; simulated targets are deterministic),
so a retry recomputes the same answer; each heartbeats while it runs, so a killed worker's step
is retried after the heartbeat timeout, not after its whole start-to-close timeout. The record
is idempotent on the hypothesis id. Worlds travel inline (a scenario is tens of KB), checked
against the payload limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from temporalio import activity

from activities import heartbeat, names
from activities.errors import boundary
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
from mining.store import wg as wg_store
from mining.store.db import Store
from mining.wg import consistency, oracle_filter, probe
from mining.wg.models import Built, ConsistencyReport, Hypothesis, OracleVerdict, Trial
from mining.wg.simplify import next_variants
from mining.wg.strategist import next_hypothesis

T = TypeVar("T")
BEAT_EVERY_S = 1.0


def beating(work: Callable[[], T]) -> T:
    """Run `work` while heartbeating, so a dead worker is noticed within the heartbeat timeout
    whatever the step waits on (a model answering slowly, a long rollout)."""
    return heartbeat.beating(lambda _stop: work(), BEAT_EVERY_S)


@activity.defn(name=names.WG_STRATEGIZE)
def strategize(inp: StrategizeInput) -> Hypothesis:
    with boundary():
        return beating(lambda: next_hypothesis(inp.settings, inp.entries, inp.index))


@activity.defn(name=names.WG_BUILD)
def build(inp: BuildInput) -> Built:
    with boundary():
        out = beating(lambda: probe.build(inp.settings, inp.hypothesis, inp.params, inp.tag))
    check_payload(out, f"scenario {inp.hypothesis.hypothesis_id}-{inp.tag}")
    return out


@activity.defn(name=names.WG_BUILD_CHECKED)
def build_checked(inp: BuildInput) -> Built:
    """The world actor's scenario with the consistency checks' report on it: the scenario
    crosses the server once, not back again as the input of a separate check step."""
    with boundary():
        out = beating(lambda: probe.build(inp.settings, inp.hypothesis, inp.params, inp.tag))
        if out.scenario is not None and inp.settings.checks:
            sc = out.scenario
            out.checks = beating(lambda: consistency.check(inp.settings.domain, sc))
    check_payload(out, f"scenario {inp.hypothesis.hypothesis_id}-{inp.tag}")
    return out


@activity.defn(name=names.WG_CHECK)
def check(inp: ScenarioInput) -> ConsistencyReport:
    with boundary():
        return beating(lambda: consistency.check(inp.settings.domain, inp.scenario))


@activity.defn(name=names.WG_TRIAL)
def trial(inp: ScenarioInput) -> Trial:
    task = oracle_filter.scenario_task(inp.settings.domain, inp.scenario, inp.hypothesis)
    with boundary():
        return beating(lambda: oracle_filter.run_trial(inp.settings, task))


@activity.defn(name=names.WG_ORACLE)
def oracle(inp: ScenarioInput) -> OracleVerdict:
    if inp.trial is None:
        raise ValueError("the oracle step needs the target's trial")
    task = oracle_filter.scenario_task(inp.settings.domain, inp.scenario, inp.hypothesis)
    with boundary():
        trial = inp.trial
        out = beating(lambda: oracle_filter.judge(inp.settings, task, trial, inp.hypothesis))
    check_payload(out, f"oracle verdict {inp.scenario.scenario_id}")
    return out


@activity.defn(name=names.WG_VARIANTS)
def variants(inp: VariantsInput) -> VariantsOutput:
    with boundary():
        steps = beating(lambda: next_variants(inp.settings.domain, inp.hypothesis, inp.params))
        return VariantsOutput(steps=steps)


WG_COMPUTE_ACTIVITIES: list[Callable[..., Any]] = [
    strategize, build, build_checked, check, trial, oracle, variants,
]  # fmt: skip


class WGLedgerActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=names.WG_FRONTIER)
    def frontier(self, inp: FrontierInput) -> FrontierOutput:
        domain, mode, entries = wg_store.frontier_of(self.store, inp.harvest_id)
        return FrontierOutput(entries=entries, domain=domain, mode=mode)

    @activity.defn(name=names.WG_RECORD_PROBE)
    def record_probe(self, inp: RecordProbeInput) -> RecordProbeOutput:
        harvested = wg_store.record_probe(
            self.store, inp.harvest_id, inp.outcome, inp.k, inp.n_tasks
        )
        return RecordProbeOutput(harvested=harvested)

    @activity.defn(name=names.WG_RECORD_TRIAL)
    def record_trial(self, inp: RecordTrialInput) -> Ack:
        wg_store.record_trial(self.store, inp.world, inp.records)
        return Ack()

    def all(self) -> list[Callable[..., Any]]:
        return [self.frontier, self.record_probe, self.record_trial]
