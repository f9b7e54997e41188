"""A mined task: everything needed to run, verify and export one candidate.

This is the unit that crosses every stage (synthesis -> rollouts -> scoring -> store -> export), so
it stays a small, plain pydantic model: worlds are JSON dicts in the domain's file form.

`features` (numbers, read by simulated targets and analysis). Every DAG-synthesized task has:
  n_intents, walk_length (merged walk nodes), golden_calls, golden_writes, distractor_density
  (0..3), distractors (count of distractor entities), world_kb, refusal (0/1), policy_trap (0/1),
  intent_<name> (1 for each intent in the chain).
  Airline adds (0/1 unless noted): passengers (count), cabin_basic_economy, cabin_economy,
  cabin_business, round_trip, one_stop, selection_cheapest / _shortest / _earliest / _named,
  payment_mix_card / _card_gift / _certificate / _gift_cards, payment_methods_used (count),
  bags_extra, bags_free, insurance, membership_regular / _silver / _gold, reservation_unknown,
  user_reservations (count), price_gap (relative gap between the gold flight and the nearest
  distractor on the criterion, 0..1; 1 when there is no competitor).

`meta` (what a simulated target needs to commit realistic errors; see domains/airline/synth.py):
  intents: [intent names in chain order];
  intent_calls: [[golden call indexes of intent 0], [... of intent 1], ...] (shared lookup calls
    belong to the first intent);
  choices: list of {"call": index of the golden call whose argument came from a selection,
    "kind": "flight" | "payment" | "reservation" | "cabin" | "passenger" | "bags",
    "path": which argument, "gold": the gold value, "alternatives": [wrong values that a
    plausible mistake would produce, each a full replacement for that argument]};
  refusal_reason: why the correct outcome changes nothing (refusal tasks);
  transfer_expected: bool (only then is transfer_to_human_agents correct);
  user_id, reservation_ids: the entities the task is about.
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
    cell: str = Field(default="", description="coarse diversity cell of the parameter point")
    intents: list[str] = Field(default_factory=list, description="intents in chain order")
