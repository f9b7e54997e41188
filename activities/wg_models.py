"""Inputs and outputs of the WG activities (importable from workflows: pydantic only)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mining.wg.config import WGSettings
from mining.wg.frontier import FrontierEntry
from mining.wg.models import Hypothesis, KnobStep, ProbeOutcome, Scenario, Trial, TrialRollout


class FrontierInput(BaseModel):
    harvest_id: str


class FrontierOutput(BaseModel):
    entries: list[FrontierEntry]
    domain: str | None = Field(default=None, description="None: no such harvest")
    mode: str | None = None


class StrategizeInput(BaseModel):
    settings: WGSettings
    entries: list[FrontierEntry]
    index: int


class BuildInput(BaseModel):
    settings: WGSettings
    hypothesis: Hypothesis
    params: dict[str, Any] | None = None
    tag: str = "w0"


class ScenarioInput(BaseModel):
    """check / trial / oracle: one scenario of one hypothesis."""

    settings: WGSettings
    hypothesis: Hypothesis
    scenario: Scenario
    trial: Trial | None = Field(default=None, description="oracle: the target's trial")


class VariantsInput(BaseModel):
    settings: WGSettings
    hypothesis: Hypothesis
    params: dict[str, Any]


class VariantsOutput(BaseModel):
    steps: list[KnobStep]


class RecordTrialInput(BaseModel):
    """A trial's target rollouts, with the scenario's world their final worlds are changes to."""

    world: dict[str, Any]
    records: list[TrialRollout]


class RecordProbeInput(BaseModel):
    harvest_id: str
    outcome: ProbeOutcome
    k: int
    n_tasks: int


class RecordProbeOutput(BaseModel):
    harvested: bool
