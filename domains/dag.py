"""What a domain hands the DAG synthesis engine: graph, intents, parameter space, builder, text.

The engine (`mining/dag/walks.py`, `mining/dag/synthesize.py`) is generic; each domain that
supports DAG mining fills one `DagSpec` and attaches it to its `Domain` as `Domain.dag`. The
types the builder consumes and produces (`Walk`, `Built`) live here, not in mining/, because
domains may not import the engine.

Graph conventions (networkx DiGraph):
- node attribute `kind`: "tool" (a toolkit method), "reason" (a reasoning step such as comparing
  prices) or "outcome" (an end state such as a refusal);
- edge attribute `feeds`: what flows along the edge (documentation, e.g. "user.payment_methods");
- edge attribute `intents`: optional set of intent names the edge belongs to (None = all);
- edge attribute `when`: optional {axis: set of values}; the edge is usable only when the intent's
  sub-point matches (this is how a parameter point conditions the walk).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from domains.base import World
from domains.params import ParamSpace, Point
from domains.scenario import UserScenario


class BuildRejected(Exception):
    """The builder cannot make a coherent world for this walk and point; `str(exc)` says why.
    The engine records it as a rejected candidate (data, not a crash)."""


@dataclass(frozen=True)
class IntentSpec:
    """A named intent: a sub-walk from `start` to one of `ends` on the domain graph."""

    name: str
    start: str
    ends: frozenset[str]
    description: str = ""


@dataclass(frozen=True)
class WalkSegment:
    """One intent's sub-walk, with the parameter sub-point that conditioned it."""

    intent: str
    nodes: tuple[str, ...]
    point: Mapping[str, Any]


@dataclass(frozen=True)
class Walk:
    """A multi-intent chain: segments that share their common prefix (e.g. one user lookup)."""

    segments: tuple[WalkSegment, ...]
    shared_prefix: tuple[str, ...] = ()

    def nodes(self) -> list[str]:
        """The merged chain: the first segment whole, then each later segment without the prefix
        it shares with the first one (e.g. the user lookup is done once)."""
        if not self.segments:
            return []
        first = self.segments[0].nodes
        out = list(first)
        for seg in self.segments[1:]:
            out.extend(seg.nodes[shared_length(first, seg.nodes) :])
        return out

    def intents(self) -> list[str]:
        return [s.intent for s in self.segments]


@dataclass
class Built:
    """What a world builder returns for one (walk, point, seed).

    `golden` holds {"name", "arguments"} dicts in call order (reads included, so simulated targets
    can follow them); `required_text` are facts the task text must carry and `forbidden_text` the
    answers it must not reveal; `text_facts` is whatever the domain's text templates need.
    """

    world: dict[str, Any]
    golden: list[dict[str, Any]]
    communicate: list[str] = field(default_factory=list)
    user_facts: dict[str, str] = field(default_factory=dict)
    required_text: list[str] = field(default_factory=list)
    forbidden_text: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    refusal: bool = False
    text_facts: dict[str, Any] = field(default_factory=dict)


def shared_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the common prefix of a and b, leaving b at least its last node."""
    n = 0
    while n < min(len(a), len(b) - 1) and a[n] == b[n]:
        n += 1
    return n


PlanFn = Callable[[Point, random.Random], list[tuple[str, Point]]]
ScenarioFn = Callable[["Built", random.Random], UserScenario]
BuildFn = Callable[[Walk, Point, random.Random, Any], Built]
TextFn = Callable[[Built, random.Random], str]
CheckFn = Callable[[World, Built], list[str]]
DeriveFn = Callable[[Sequence[Mapping[str, Any]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class DagSpec:
    """Everything the engine needs from a domain.

    - `graph()` builds the tool dependency DAG (called once and cached by the engine);
    - `plan(point, rng)` turns a point into the ordered intents with one sub-point each (the first
      intent follows the point's axes; later intents may draw their own valid values);
    - `build(walk, point, rng, pools)` builds the world and the golden calls, or raises
      `BuildRejected` (`pools` come from the domain's `Domain.pools` hook);
    - `text(built, rng)` writes the customer's request;
    - `scenario(built, rng)` writes the customer's whole side as tau2 does (`UserScenario`);
      when a domain has it, the task's text is the scenario's `description()` (drawn from the
      same rng, so `text` is not called);
    - `check(world, built)` domain checks run on the validated world (e.g. answer uniqueness),
      returning problems;
    - `derive(tasks)` maps a benchmark's task list to points (for `params derive`);
    - `customer` names who writes the request and `kept_facts` the kinds of fact a rewrite of
      it must keep word for word (the optional LLM paraphrase step tells the model both);
    - `features` names every feature `build` puts in `Built.features` (the engine adds its own),
      so a simulated-target profile that names any other is refused, not silently read as 0.
    """

    graph: Callable[[], nx.DiGraph]
    intents: Mapping[str, IntentSpec]
    space: ParamSpace
    plan: PlanFn
    build: BuildFn
    text: TextFn
    check: CheckFn | None = None
    scenario: ScenarioFn | None = None
    derive: DeriveFn | None = None
    customer: str = "customer"
    kept_facts: str = "name, id, date, amount and preference"
    features: frozenset[str] = frozenset()
