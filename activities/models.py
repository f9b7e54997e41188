"""The pydantic models that cross Temporal: one in and one out per activity.

Importable from workflows (passed through the sandbox): nothing here imports duckdb or litellm.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from mining.core.task import Task
from mining.harvest.config import CandidateOutcome, Counters, HarvestConfig
from mining.reports.export import ExportRow
from mining.store import delta
from mining.store.records import (
    AnalysisRecord,
    AttemptFailure,
    CandidateRecord,
    FailedAttempts,
    RolloutOutcome,
    RolloutRecord,
)


class Ack(BaseModel):
    ok: bool = True


class StartHarvestInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    owner: str | None = Field(
        default=None, description="the workflow chain's first run id: a start by another is refused"
    )


class FinishHarvestInput(BaseModel):
    harvest_id: str
    status: str
    owner: str | None = Field(
        default=None, description="as in StartHarvestInput: another harvest's row is left alone"
    )


class SetStatusInput(BaseModel):
    harvest_id: str
    status: str = Field(description="failed or stalled (with a reason), or running again")
    reason: str | None = None
    owner: str | None = Field(
        default=None, description="as in StartHarvestInput: another harvest's row is left alone"
    )


class HarvestState(BaseModel):
    """What the ledger knows of a harvest when it (re)starts or resumes."""

    ok: bool = True
    counters: Counters | None = Field(
        default=None, description="as the recorded iterations add up (None from old ledgers)"
    )


class ProposeInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    iteration: int


class ProposeOutput(BaseModel):
    points: list[dict] = Field(description="parameter points, one per candidate")
    stop: str | None = Field(
        default=None, description="why the harvest cannot make progress (then no points)"
    )
    recorded: dict[str, list[RolloutOutcome]] = Field(
        default_factory=dict,
        description="candidate id -> its rollouts already recorded (by an earlier run of this "
        "iteration): reused, not paid again. Empty on a first run.",
    )


class SynthesizeInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    iteration: int
    index: int
    params: dict
    slim: bool = Field(
        default=False,
        description="send the task back slim (see `SynthesizeOutput.expected_delta`); "
        "iterations started before this was added leave it False",
    )


class SynthesizeOutput(BaseModel):
    candidate: CandidateRecord
    expected_delta: delta.WorldDelta | None = Field(
        default=None,
        description="set when the task travels slim: the candidate's task has an empty expected "
        "final world, and this rebuilds it from its world (see `slim_task`)",
    )

    def slimmed(self) -> SynthesizeOutput:
        """This output with its task slim (a rejected candidate has no task to slim)."""
        if self.candidate.task is None or self.expected_delta is not None:
            return self
        task, changes = slim_task(Task.model_validate(self.candidate.task))
        candidate = self.candidate.model_copy(update={"task": task.model_dump(mode="json")})
        return SynthesizeOutput(candidate=candidate, expected_delta=changes)


class RecordCandidateInput(BaseModel):
    candidate: CandidateRecord


class RecordCandidateOutput(BaseModel):
    ok: bool = True
    recorded: list[RolloutOutcome] = Field(
        default_factory=list,
        description="rollouts of this candidate already recorded (by an earlier run of its "
        "iteration): reused, not paid again",
    )


class RolloutInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    task: Task
    candidate_seed: int
    index: int
    lean: bool = Field(
        default=False,
        description="analyze a failure here and send the final world as a delta (iterations "
        "started before this was added leave it False and call `analyze` themselves)",
    )
    expected_delta: delta.WorldDelta | None = Field(
        default=None,
        description="set when the task travels slim: its expected final world as the changes "
        "to its world (`task.expected_final_world` is then empty); see `slim_task`",
    )

    def full_task(self) -> Task:
        """The task as synthesized (its expected final world rebuilt when it travelled slim)."""
        if self.expected_delta is None:
            return self.task
        expected = delta.apply(self.task.world, self.expected_delta)
        return self.task.model_copy(update={"expected_final_world": expected})


def slim_task(task: Task) -> tuple[Task, delta.WorldDelta]:
    """The task without its expected final world, and that world as changes to the initial one.
    The two worlds are nearly the same, so a rollout's input (sent k times per candidate) is about
    half the bytes."""
    changes = delta.diff(task.world, task.expected_final_world)
    return task.model_copy(update={"expected_final_world": {}}), changes


class RolloutOutput(BaseModel):
    rollout: RolloutRecord
    analysis: AnalysisRecord | None = Field(default=None, description="set when lean and failed")
    failed_attempts: list[AttemptFailure] = Field(
        default_factory=list, description="attempts of this rollout that failed before this one"
    )


class AnalyzeInput(BaseModel):
    task: Task
    rollout: RolloutRecord


class AnalyzeOutput(BaseModel):
    analysis: AnalysisRecord


class RecordRolloutInput(BaseModel):
    rollout: RolloutRecord | None = Field(default=None, description="None: the rollout errored")
    analysis: AnalysisRecord | None = None
    failed: FailedAttempts | None = Field(default=None, description="its failed attempts")


class RecordResultsInput(BaseModel):
    """What one candidate has to record at a time, in one ledger write: the candidate itself
    (with the first batch of its results, or alone when rejected) and a wave of its rollouts."""

    candidate: CandidateRecord | None = None
    rollouts: list[RecordRolloutInput] = Field(default_factory=list)
    expected_delta: delta.WorldDelta | None = Field(
        default=None, description="set when the candidate's task came slim from `synthesize`"
    )

    def full_candidate(self) -> CandidateRecord | None:
        """The candidate as synthesized (its task's expected final world rebuilt when slim)."""
        c = self.candidate
        if c is None or c.task is None or self.expected_delta is None:
            return c
        expected = delta.apply(c.task["world"], self.expected_delta)
        return c.model_copy(update={"task": {**c.task, "expected_final_world": expected}})


class FinishIterationInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    iteration: int
    outcomes: list[CandidateOutcome]
    selected: list[str] = Field(description="in-window candidates to harvest, in order")


class SummaryInput(BaseModel):
    harvest_id: str


class ExportPageInput(BaseModel):
    harvest_id: str
    offset: int = 0
    max_bytes: int = 1_000_000


class ExportPage(BaseModel):
    rows: list[ExportRow]
    next_offset: int | None = None
