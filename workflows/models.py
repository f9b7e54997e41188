"""Workflow inputs, outputs, signals/updates/queries payloads (pydantic, small)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from mining.harvest.config import Counters, HarvestConfig, IterationTotals


class HarvestInput(BaseModel):
    """The whole state a harvest carries across continue-as-new."""

    config: HarvestConfig = Field(default_factory=HarvestConfig)
    counters: Counters = Field(default_factory=Counters)
    paused: bool = False
    started: bool = False
    recent: list[IterationTotals] = Field(default_factory=list)
    owner: str | None = Field(
        default=None,
        description="the first run id of the harvest's first workflow chain (None: this "
        "chain's); set when a harvest is started again under its id",
    )


class SetPausedInput(BaseModel):
    paused: bool


class Progress(BaseModel):
    harvest_id: str
    status: str = Field(description="running, paused, failed, stalled, completed or cancelled")
    reason: str | None = Field(default=None, description="why it is failed or stalled")
    paused: bool
    n_tasks: int
    counters: Counters
    current_iteration: int | None = None
    history_length: int = 0
    recent: list[IterationTotals] = Field(default_factory=list)


class HarvestResult(BaseModel):
    harvest_id: str
    stop: str
    counters: Counters


class IterationInput(BaseModel):
    harvest_id: str
    config: HarvestConfig
    iteration: int
    remaining: int = Field(description="tasks still to harvest: selection never exceeds this")
