"""Rows of the history as pydantic models, with their deterministic keys.

Every key is derived from (harvest id, iteration, candidate index, rollout index), so a write that a
retry or a crash repeats lands on the same row instead of adding one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, Field, field_validator

from mining.store.delta import WorldDelta

MAX_ERROR_MESSAGE = 500


def candidate_key(harvest_id: str, iteration: int, index: int) -> str:
    return f"{harvest_id}/i{iteration}/c{index}"


def rollout_key(candidate_id: str, index: int) -> str:
    return f"{candidate_id}/r{index}"


def content_hash(value: Any) -> str:
    """sha256 of the canonical JSON text: equal worlds share one stored row."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class HarvestRecord(BaseModel):
    harvest_id: str
    domain: str
    mode: str
    target: str
    n_tasks: int
    config: dict[str, Any] = Field(default_factory=dict)


class CandidateRecord(BaseModel):
    """One proposed parameter point and what synthesis made of it."""

    candidate_id: str
    harvest_id: str
    iteration: int
    index: int
    seed: int
    params: dict[str, Any]
    cell: str = ""
    signature: str = ""
    items: list[str] = Field(
        default_factory=list,
        description="the point's relevant axis values as `axis=value` keys (the proposer's terms)",
    )
    task: dict[str, Any] | None = Field(default=None, description="Task JSON; None if rejected")
    rejection: str | None = None


class RolloutRecord(BaseModel):
    """One rollout of the target on a candidate, as recorded (score components flattened)."""

    rollout_id: str
    candidate_id: str
    harvest_id: str
    index: int
    seed: int
    passed: bool
    tau2_passed: bool | None = Field(default=None, description="the verdict on tau2's terms")
    reward: float = 0.0
    score: dict[str, Any] = Field(default_factory=dict)
    trajectory: dict[str, Any] = Field(default_factory=dict)
    final_world: dict[str, Any] | None = None
    final_world_delta: WorldDelta | None = Field(
        default=None,
        description="the final world as changes to the task's world (instead of final_world); "
        "the store rebuilds it from the candidate's world",
    )
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    termination: str = ""
    error: str | None = None
    injected_errors: list[Any] = Field(default_factory=list)
    policy_violations: list[Any] = Field(default_factory=list)
    attempt: int = Field(default=1, description="which attempt of the rollout produced this row")

    def outcome(self) -> RolloutOutcome:
        return RolloutOutcome(
            index=self.index,
            passed=self.passed,
            tokens=self.tokens_in + self.tokens_out,
            cost_usd=self.cost_usd,
        )


class AttemptFailure(BaseModel):
    """One attempt of a rollout that ended in an error instead of a result."""

    attempt: int
    error_class: str = Field(description="the error's type, e.g. ProviderError, KeyError")
    message: str = Field(default="", description="its gist (Temporal's history has the rest)")

    @field_validator("message")
    @classmethod
    def _gist(cls, text: str) -> str:
        return text if len(text) <= MAX_ERROR_MESSAGE else text[: MAX_ERROR_MESSAGE - 3] + "..."


class FailedAttempts(BaseModel):
    """The failed attempts of one rollout. `gave_up`: the last of them ended the rollout (it is
    an errored rollout: no result, not a target failure); otherwise a later attempt succeeded."""

    rollout_id: str
    candidate_id: str
    harvest_id: str
    index: int
    failures: list[AttemptFailure]
    gave_up: bool = False


class RolloutOutcome(BaseModel):
    """What a candidate's decision needs of one rollout, whether just run or already recorded."""

    index: int
    passed: bool = False
    error_class: str | None = Field(default=None, description="set when the rollout errored")
    tokens: int = 0
    cost_usd: float = 0.0


class AnalysisRecord(BaseModel):
    rollout_id: str
    candidate_id: str
    harvest_id: str
    top_label: str
    analysis: dict[str, Any] = Field(default_factory=dict)


class DecisionRecord(BaseModel):
    """How a candidate's rollouts came out."""

    candidate_id: str
    passes: int
    rollouts: int
    pass_rate: float
    in_window: bool
    errored: int = Field(default=0, description="rollouts that errored (not counted above)")
    undecided: bool = Field(
        default=False, description="too many rollouts errored to decide; never harvested"
    )
