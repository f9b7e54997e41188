"""The data WG mining passes between its steps (and, unchanged, between Temporal activities).

Plain pydantic models: a hypothesis, the worker's world description, the world actor's scenario
(with the ground truth of a deliberate break, which no check or model ever sees), the
consistency report, target trials, oracle runs, a simplification chain and a probe's outcome.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from domains.base import ToolCall
from domains.scenario import UserScenario
from mining.core.task import Task
from mining.store.records import AnalysisRecord, RolloutRecord
from mining.wg.assertions import Assertion

Status = Literal["open", "confirmed", "holds", "disproved", "broken"]
STATUSES: tuple[str, ...] = ("open", "confirmed", "holds", "disproved", "broken")


class Hypothesis(BaseModel):
    """A falsifiable claim: the target fails (sometimes) at `tag` at `complexity`."""

    hypothesis_id: str
    index: int
    tag: str
    complexity: int
    statement: str
    point: dict[str, Any] = Field(description="parameter axes the tag and level pin")
    move: str = Field(description="explore | narrow | exploit (why the strategist chose it)")
    seed: int


class WorldDescription(BaseModel):
    """The worker's plan for a world: what must exist and what makes it probing but solvable."""

    entities: list[str]
    relations: list[str] = Field(default_factory=list)
    probing: str
    requests: list[str] = Field(description="what the customer asks for, in order")


class Truth(BaseModel):
    """Ground truth of the offline world actor: whether it broke the world, and how."""

    broken: str | None = None
    note: str = ""


class ScenarioDraft(BaseModel):
    """What a world actor (a model, or the offline builder) hands over: world, user scenario
    and verifier."""

    world: dict[str, Any]
    task_description: str
    user_facts: dict[str, str] = Field(default_factory=dict)
    intents: list[str] = Field(description="the requests, in the domain's intent names")
    entities: list[list[str]] = Field(
        default_factory=list, description="paths of the entities the scenario names"
    )
    assertions: list[Assertion] = Field(description="the expected final state")
    communicate: list[str] = Field(default_factory=list, description="facts the agent must say")
    solution: list[ToolCall] | None = Field(default=None, description="a proposed solution")
    refusal: bool = False
    transfer_expected: bool = False


class Scenario(ScenarioDraft):
    """A draft plus what the engine knows of it (never shown to a model or a check)."""

    scenario_id: str
    user_scenario: UserScenario | None = Field(
        default=None,
        description="the customer's side (offline worlds: the builder's; a model world actor's "
        "task_description and user_facts are its scenario)",
    )
    params: dict[str, Any] = Field(default_factory=dict)
    complexity: float = Field(default=0.0, description="the domain's knob distance of params")
    features: dict[str, float] = Field(default_factory=dict)
    reference: list[ToolCall] = Field(
        default_factory=list,
        description="what a competent agent does in this world (offline builder's golden "
        "calls; simulated targets play it). Empty for model-built worlds.",
    )
    meta: dict[str, Any] = Field(default_factory=dict)
    truth: Truth = Field(default_factory=Truth)


class ConsistencyReport(BaseModel):
    problems: dict[str, list[str]] = Field(description="check name -> problems found")

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def first(self) -> str:
        return next((f"{k}: {v[0]}" for k, v in self.problems.items() if v), "")


class TrialRollout(BaseModel):
    """One target rollout of a trial as the store records it (its final world as changes to the
    scenario's world) and, when it failed, the failure analyst's label."""

    rollout: RolloutRecord
    analysis: AnalysisRecord | None = None


class Trial(BaseModel):
    """k target rollouts of one scenario."""

    passes: int
    rollouts: int
    in_window: bool
    tokens: int = 0
    cost_usd: float = 0.0
    failure_modes: list[str] = Field(default_factory=list)
    vein: str | None = Field(
        default=None, description="what the failed rollouts got wrong most often (mining.wg.veins)"
    )
    records: list[TrialRollout] = Field(
        default_factory=list,
        description="the rollouts for the store's rollouts table; dropped once recorded, so a "
        "probe's outcome stays small",
    )

    @property
    def pass_rate(self) -> float:
        return self.passes / self.rollouts if self.rollouts else 0.0


class OracleRun(BaseModel):
    passed: bool
    attempts: int
    golden: list[ToolCall] = Field(default_factory=list)
    final_world: dict[str, Any] = Field(default_factory=dict)
    tokens: int = 0
    cost_usd: float = 0.0


class OracleDecision(BaseModel):
    """One oracle verdict beside the ground truth (offline worlds), to score the filter."""

    confirmed: bool
    truth_broken: str | None = None


class Variant(BaseModel):
    """One step of a simplification chain: the knob turned and what the retest gave."""

    knob: str
    params: dict[str, Any]
    complexity: float
    outcome: Status
    reason: str = ""
    target_passes: int = 0
    target_rollouts: int = 0
    oracle_runs: int = 0
    truth: Truth = Field(default_factory=Truth)
    vein: str | None = Field(default=None, description="what the variant's failures got wrong")
    kept: bool = Field(default=False, description="became the current minimum")


class ProbeOutcome(BaseModel):
    """Everything one hypothesis produced: its status with evidence, and the minimum task."""

    hypothesis: Hypothesis
    status: Status
    evidence: str
    scenario_id: str = ""
    truth: Truth = Field(default_factory=Truth)
    checks: ConsistencyReport | None = None
    trial: Trial | None = None
    oracle: OracleRun | None = None
    chain: list[Variant] = Field(default_factory=list)
    task: Task | None = Field(default=None, description="the minimum viable failure (confirmed)")
    vein: str | None = Field(
        default=None, description="the confirmed failure's vein; simpler variants must keep it"
    )
    original_features: dict[str, float] = Field(default_factory=dict)
    original_complexity: float = 0.0
    target_rollouts: int = 0
    oracle_runs: int = 0
    tokens: int = 0
    cost_usd: float = Field(default=0.0, description="the target's and the oracle's rollouts")
    oracle_tokens: int = Field(default=0, description="of `tokens`, the oracle's")
    oracle_cost_usd: float = Field(default=0.0, description="of `cost_usd`, the oracle's")
    task_truth: Truth = Field(default_factory=Truth, description="ground truth of `task`")
    decisions: list[OracleDecision] = Field(default_factory=list)
    broken_worlds: int = Field(default=0, description="worlds the ground truth calls broken")
    stopped_by_checks: int = Field(default=0, description="of those, stopped before rollouts")
    broken_target_rollouts: int = Field(
        default=0, description="target rollouts spent on worlds the ground truth calls broken"
    )


class Built(BaseModel):
    """The world actor's answer: a scenario, or why it could not build one."""

    scenario: Scenario | None = None
    reason: str = ""
    checks: ConsistencyReport | None = Field(
        default=None, description="the consistency checks' report, when the build step ran them"
    )


class OracleVerdict(BaseModel):
    """The oracle's runs and, when they confirm an in-window failure, the exported task."""

    oracle: OracleRun
    task: Task | None = None


class KnobStep(BaseModel):
    """A one-step-simpler point and the knob that made it."""

    knob: str
    params: dict[str, Any]
    complexity: float = 0.0
