"""One hypothesis end to end, in-process: the probe orchestration (`mining/wg/orchestrate.py`)
with steps that call the engine directly. The in-process loop, the benchmark and the tests use
it; the Temporal `ProbeWorkflow` runs the same orchestration over activities.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, cast

from mining.llm.structured import StructuredOutputError
from mining.wg import consistency, oracle_filter, world_actor
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
)
from mining.wg.orchestrate import run_probe
from mining.wg.simplify import next_variants


def build(s: WGSettings, h: Hypothesis, params: dict[str, Any] | None, tag: str) -> Built:
    """The world actor's scenario; a model answer that does not fit the schema is data."""
    try:
        sc = world_actor.build(s, h, params, tag)
    except StructuredOutputError as exc:
        return Built(reason=str(exc))
    return Built(reason=sc) if isinstance(sc, str) else Built(scenario=sc)


class LocalSteps:
    def __init__(self, s: WGSettings) -> None:
        self.s = s

    async def build(self, h: Hypothesis, params: dict[str, Any] | None, tag: str) -> Built:
        return build(self.s, h, params, tag)

    async def check(self, sc: Scenario, h: Hypothesis) -> ConsistencyReport:
        return consistency.check(self.s.domain, sc)

    async def trial(self, sc: Scenario, h: Hypothesis) -> Trial:
        return oracle_filter.run_trial(self.s, oracle_filter.scenario_task(self.s.domain, sc, h))

    async def oracle(self, sc: Scenario, h: Hypothesis, trial: Trial) -> OracleVerdict:
        task = oracle_filter.scenario_task(self.s.domain, sc, h)
        return oracle_filter.judge(self.s, task, trial, h)

    async def variants(self, h: Hypothesis, params: dict[str, Any]) -> list[KnobStep]:
        return next_variants(self.s.domain, h, params)


def probe(s: WGSettings, h: Hypothesis) -> ProbeOutcome:
    return _run_to_end(run_probe(s, h, LocalSteps(s)))


def _run_to_end(coro: Coroutine[Any, Any, ProbeOutcome]) -> ProbeOutcome:
    """Drive a coroutine whose awaits never suspend (local steps return at once), without an
    event loop, so the probe also runs where a loop is already running."""
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(ProbeOutcome, done.value)
    coro.close()
    raise RuntimeError("a local probe step suspended; local steps must not await I/O")
