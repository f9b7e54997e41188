"""What a domain hands WG (world-generation) mining: its vocabulary for hypotheses about a target.

WG mining (`mining/wg/`) is generic; a domain that supports it fills one `WGVocabulary`:
- capability tags: what a hypothesis is about ("pays with a gift card plus a card"), each pinning
  some axes of the domain's parameter space so the offline world actor can build a world for it;
- complexity levels: axis values that make a scenario harder (more passengers, more distractors);
- simplification knobs: one-step-simpler moves on a parameter point (fewer passengers, one
  request instead of two, fewer distractors), tried by the simplifier in this order;
- the assertion language on the state: which (collection, field) of the world a write tool can
  change (`reach`), which write tools each request may use (`intent_tools`), and the domain's own
  checks of a scenario (`check`: policy lint, ambiguity, invariants; the place where a domain's
  world consistency checker plugs in);
- breakers: how an LLM world actor typically gets a world wrong, so the offline world actor can
  break worlds on purpose and the consistency checks and the oracle filter can be scored.

Pure data and functions: no I/O, no Temporal, no DuckDB, no LLM calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domains.params import Point, Value

# Kinds of broken world (what LLM world generation gets wrong), in the order breakers are tried.
BREAK_KINDS = (
    "dangling_reference",  # the scenario or verifier names an entity the world lacks
    "unsatisfiable_request",  # the request cannot be carried out in this world
    "ambiguous_duplicate",  # two entities fit the description; the verifier expects one
    "policy_contradiction",  # the verifier expects an outcome the policy forbids
)


@dataclass(frozen=True)
class CapabilityTag:
    """One capability a hypothesis can be about. `fixed` pins parameter axes."""

    name: str
    statement: str
    fixed: Mapping[str, Value]


@dataclass(frozen=True)
class Knob:
    """A simplification move: `axis` from a value to the next simpler one."""

    name: str
    axis: str
    simpler: Mapping[Value, Value]


@dataclass
class Broken:
    """A world broken on purpose: the world the scenario gets, the proposed solution, and
    whether the verifier still describes the intended (unbroken) outcome."""

    world: dict[str, Any]
    solution: list[dict[str, Any]]
    intended_verifier: bool
    note: str


# (world, reference calls, builder meta, rng) -> Broken, or None when the break does not apply.
Breaker = Callable[
    [dict[str, Any], list[dict[str, Any]], Mapping[str, Any], random.Random], Broken | None
]
# (initial world, expected final world, proposed solution or None, intents) -> problems.
ScenarioCheck = Callable[
    [dict[str, Any], dict[str, Any], Sequence[Mapping[str, Any]] | None, Sequence[str]], list[str]
]


@dataclass(frozen=True)
class WGVocabulary:
    tags: tuple[CapabilityTag, ...]
    levels: Mapping[int, Mapping[str, Value]]
    knobs: tuple[Knob, ...]
    reach: Mapping[tuple[str, str], frozenset[str]]
    intent_tools: Mapping[str, frozenset[str]]
    intents_of: Callable[[Point], list[str]]
    named_entities: Callable[[Mapping[str, Any], Sequence[Mapping[str, Any]]], list[list[str]]]
    check: ScenarioCheck
    breakers: Mapping[str, Breaker] = field(default_factory=dict)
    complexity: Callable[[Point], float] = lambda point: 0.0
    simplify: Callable[[Point, Knob], Point | None] | None = None

    def tag(self, name: str) -> CapabilityTag:
        for t in self.tags:
            if t.name == name:
                return t
        allowed = ", ".join(t.name for t in self.tags)
        raise KeyError(f"unknown capability tag {name!r}; allowed: {allowed}")

    def tools_reaching(self, collection: str, fld: str) -> frozenset[str]:
        """Write tools that can change `collection.<id>.fld` ("*": create or remove the entity)."""
        return self.reach.get((collection, fld), frozenset())

    def simpler(self, point: Point, knob: Knob) -> Point | None:
        """`point` one step simpler along `knob` (None: already simplest, or not coherent)."""
        if self.simplify is not None:
            return self.simplify(point, knob)
        value = point.get(knob.axis)
        if value is None or value not in knob.simpler:
            return None
        return {**point, knob.axis: knob.simpler[value]}
