"""A WG harvest in-process (no Temporal): hypotheses one after another until N confirmed,
simplified failures, or a budget runs out. The benchmark and the tests use it; the Temporal
`HarvestWorkflow` in mode wg runs the same probes as child workflows."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from mining.wg.config import WGSettings, check_settings
from mining.wg.frontier import FrontierEntry
from mining.wg.models import ProbeOutcome
from mining.wg.probe import probe
from mining.wg.rules import paid_rollouts
from mining.wg.strategist import next_hypothesis


class WGRun(BaseModel):
    outcomes: list[ProbeOutcome] = Field(default_factory=list)
    stop: str = ""

    @property
    def confirmed(self) -> list[ProbeOutcome]:
        return [o for o in self.outcomes if o.status == "confirmed"]

    @property
    def target_rollouts(self) -> int:
        return sum(o.target_rollouts for o in self.outcomes)

    @property
    def paid_rollouts(self) -> int:
        """What the rollout budget counts: the target's and the oracle's rollouts."""
        return sum(paid_rollouts(o) for o in self.outcomes)


def entry_of(o: ProbeOutcome) -> FrontierEntry:
    h = o.hypothesis
    return FrontierEntry(
        hypothesis_id=h.hypothesis_id, tag=h.tag, complexity=h.complexity, status=o.status,
        evidence=o.evidence, move=h.move, vein=o.vein,
    )  # fmt: skip


def stop_reason(s: WGSettings, run: WGRun) -> str | None:
    if len(run.confirmed) >= s.n_tasks:
        return "harvested"
    if len(run.outcomes) >= s.max_hypotheses:
        return "budget: hypotheses"
    if s.max_rollouts is not None and run.paid_rollouts >= s.max_rollouts:
        return "budget: rollouts"
    return None


def run_wg(s: WGSettings, on_probe: Callable[[ProbeOutcome], None] | None = None) -> WGRun:
    check_settings(s)
    run = WGRun()
    while (reason := stop_reason(s, run)) is None:
        h = next_hypothesis(s, [entry_of(o) for o in run.outcomes], len(run.outcomes))
        left = None if s.max_rollouts is None else s.max_rollouts - run.paid_rollouts
        outcome = probe(s.model_copy(update={"rollouts_left": left}), h)
        run.outcomes.append(outcome)
        if on_probe is not None:
            on_probe(outcome)
    run.stop = reason
    return run
