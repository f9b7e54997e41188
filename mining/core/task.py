"""A mined task: everything needed to run, verify and export one candidate.

This is the unit that crosses every stage (synthesis -> rollouts -> scoring -> store -> export), so
it stays a small, plain pydantic model: worlds are JSON dicts in the domain's file form.

`features` (numbers, read by simulated targets and analysis). Every DAG-synthesized task has:
  n_intents, walk_length (merged walk nodes), golden_calls, golden_writes, refusal (0/1),
  world_kb, intent_<name> (1 for each intent in the chain); its domain's builder adds its own
  (e.g. domains/airline/dag/build/features.py).

`meta` (what a simulated target needs to commit realistic errors; written by the domain's
builder):
  intents: [intent names in chain order];
  intent_calls: [[golden call indexes of intent 0], [... of intent 1], ...] (shared lookup calls
    belong to the first intent);
  choices: list of {"call": index of the golden call whose argument came from a selection,
    "kind": what was chosen, in the domain's words (a flight, an order, a cabin, ...),
    "path": which argument, "gold": the gold value, "alternatives": [wrong values that a
    plausible mistake would produce, each a full replacement for that argument]};
  requests: [{"intent", "params"}] one per request in chain order, with the parameters that
    request was built from (later requests draw their own cabin, selection, payment, ...);
  refusal_reason: what the policy refused and why (every refused request, also in tasks where
    another request changes the world);
  communicate_alternatives: {fact: [other wordings]}: wordings that state a `communicate` fact
    as well (a refusal's reason, a flight status);
  transfer_expected: bool (only then is a transfer to a human, the domain's `Domain.transfer`
    tool, correct);
  user_id, and the ids of the other entities the task is about.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from domains.base import ToolCall
from domains.scenario import UserScenario


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
        default_factory=list,
        description="facts the agent must state (whole tokens with units: rollout/facts.py)",
    )
    user_scenario: UserScenario | None = Field(
        default=None, description="the customer's side: tau2's user scenario plus its script"
    )
    user_facts: dict[str, str] = Field(
        default_factory=dict,
        description="facts the simulated customer knows and restates when asked (ids, names...)",
    )
    features: dict[str, float] = Field(
        default_factory=dict, description="numeric task features (simulated targets, analysis)"
    )
    refusal: bool = Field(
        default=False,
        description="the policy forbids the request, so the correct outcome changes nothing",
    )
    meta: dict[str, Any] = Field(default_factory=dict, description="domain-specific extras")
    cell: str = Field(default="", description="coarse diversity cell of the parameter point")
    intents: list[str] = Field(default_factory=list, description="intents in chain order")
