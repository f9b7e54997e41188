"""A mined task: everything needed to run, verify and export one candidate.

This is the unit that crosses every stage (synthesis -> rollouts -> scoring -> store -> export), so
it stays a small, plain pydantic model: worlds are JSON dicts in the domain's file form.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from domains.base import ToolCall


class Task(BaseModel):
    task_id: str
    domain: str
    seed: int
    params: dict[str, Any] = Field(description="the parameter point (axis -> value)")
    walk: list[str] = Field(description="node names of the sampled tool-graph walk")
    signature: str = Field(description="canonical signature of the walk + parameter point")
    task_description: str = Field(description="what the customer wants, in their words")
    world: dict[str, Any] = Field(description="initial world, domain file form")
    golden_trajectory: list[ToolCall]
    expected_final_world: dict[str, Any]
    communicate: list[str] = Field(
        default_factory=list, description="facts the agent must say (substring match)"
    )
    user_facts: dict[str, str] = Field(
        default_factory=dict,
        description="facts the simulated customer knows and restates when asked (ids, names...)",
    )
    features: dict[str, float] = Field(
        default_factory=dict, description="numeric task features (simulated targets, analysis)"
    )
    refusal: bool = Field(default=False, description="the correct outcome changes nothing")
    meta: dict[str, Any] = Field(default_factory=dict, description="domain-specific extras")
