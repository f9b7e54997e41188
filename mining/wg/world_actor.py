"""The worker and the world actor: a hypothesis becomes a world, a user scenario and a verifier.

Offline, the worker describes the world from the hypothesis's tag and level, and the world actor
builds it with the DAG world builder (a parameter point sampled inside the hypothesis's region,
then `synthesize_candidate`), and then, at the configured rates, breaks it the way LLM world
generation does (the domain's breakers), recording the ground truth so the consistency checks
and the oracle filter can be scored. The verifier is the builder's expected change as
assertions (or, for breaks that change what the world actor believes, the change its own
proposed solution makes). A model world actor gets the hypothesis, the worker's description,
the policy and the tool schemas through the structured-call helper and must answer a
`ScenarioDraft`.
"""

from __future__ import annotations

import json
import random
from typing import Any

from domains import registry
from domains.base import ToolCall
from domains.wg import BREAK_KINDS, Broken, WGVocabulary
from mining.core.errors import UserError
from mining.core.task import Task
from mining.dag.synthesize import Rejection, sample_params, synthesize_candidate
from mining.llm.structured import Completion, call_structured
from mining.wg import assertions
from mining.wg.config import OFFLINE, WGSettings, derive_seed, vocabulary
from mining.wg.models import Hypothesis, Scenario, ScenarioDraft, Truth, WorldDescription

BUILD_ATTEMPTS = 8


def describe(
    s: WGSettings, h: Hypothesis, *, completion: Completion | None = None
) -> WorldDescription:
    """The worker's world description (offline: from the tag's and level's pinned axes)."""
    if s.world_actor != OFFLINE:
        spec = s.model(s.world_actor)
        prompt = f"Hypothesis: {h.statement}\nCapability tag: {h.tag}\nPinned: {h.point}"
        return call_structured(spec, WorldDescription, _WORKER, prompt, completion=completion)
    pinned = ", ".join(f"{k}={v}" for k, v in sorted(h.point.items()))
    return WorldDescription(
        entities=["one customer with saved payment methods", "the flights the request touches"],
        relations=["the customer's reservations reference the flights they travel on"],
        probing=f"a scenario where the agent {vocabulary(s.domain).tag(h.tag).statement}",
        requests=[f"a request in the region {pinned}"],
    )


def replay(
    domain: str, world: dict[str, Any], calls: list[ToolCall]
) -> tuple[dict[str, Any], list[str]]:
    """(final world, tool errors) of calls replayed on a private copy of `world`."""
    dom = registry.get(domain)
    toolkit = dom.toolkit(dom.world_type.model_validate(world))
    errors = []
    for i, call in enumerate(calls):
        result = toolkit.call(call.name, call.arguments)
        if result.error:
            errors.append(f"call {i} {call.name}: {result.content[:160]}")
    return toolkit.world.to_json(), errors


def _synthesize(
    s: WGSettings, h: Hypothesis, params: dict[str, Any] | None, tag: str
) -> Task | str:
    last = "no attempt"
    for attempt in range(BUILD_ATTEMPTS):
        seed = derive_seed("world", h.seed, tag, attempt)
        try:
            point = params if params is not None else sample_params(s.domain, seed, h.point)
        except UserError as exc:
            return f"no world fits the hypothesis: {exc}"
        built = synthesize_candidate(s.domain, dict(point), seed, f"{h.hypothesis_id}-{tag}")
        if not isinstance(built, Rejection):
            return built
        last = built.reason
    return f"the world builder rejected every attempt (last: {last})"


def _break(
    vocab: WGVocabulary, s: WGSettings, task: Task, rng: random.Random
) -> tuple[str, Broken] | None:
    draw, edge = rng.random(), 0.0
    wanted = None
    for kind in BREAK_KINDS:
        edge += s.break_rates.get(kind, 0.0)
        if draw < edge:
            wanted = kind
            break
    if wanted is None:
        return None
    golden = [c.model_dump() for c in task.golden_trajectory]
    order = [wanted] + [k for k in BREAK_KINDS if k != wanted]  # a careless actor errs somehow
    for kind in order:
        broken = vocab.breakers[kind](task.world, golden, task.meta, rng)
        if broken is not None:
            return kind, broken
    return None


def build_offline(
    s: WGSettings, h: Hypothesis, params: dict[str, Any] | None = None, tag: str = "w0"
) -> Scenario | str:
    """A scenario for `h` (at `params` when given: simplification variants), or why none."""
    vocab = vocabulary(s.domain)
    task = _synthesize(s, h, params, tag)
    if isinstance(task, str):
        return task
    world_type = registry.get(s.domain).world_type
    # One file form for every world the verifier is derived from (the builder's dicts omit
    # defaults the data model fills in).
    task.world = world_type.model_validate(task.world).to_json()
    rng = random.Random(derive_seed("break", h.seed, tag))
    reference = list(task.golden_trajectory)
    world, solution = task.world, reference
    expected = world_type.model_validate(task.expected_final_world).to_json()
    verifier = assertions.diff(task.world, expected)
    truth = Truth()
    broken = _break(vocab, s, task, rng)
    if broken is not None:
        kind, b = broken
        truth = Truth(broken=kind, note=b.note)
        world, solution = b.world, [ToolCall.model_validate(c) for c in b.solution]
        if not b.intended_verifier:
            verifier = assertions.diff(world, replay(s.domain, world, solution)[0])
    proposed = solution if rng.random() < s.solution_rate else None
    return Scenario(
        scenario_id=task.task_id,
        world=world,
        task_description=task.task_description,
        user_scenario=task.user_scenario,
        user_facts=task.user_facts,
        intents=task.intents,
        entities=vocab.named_entities(task.meta, [c.model_dump() for c in solution]),
        assertions=verifier,
        communicate=task.communicate,
        solution=proposed,
        refusal=task.refusal,
        transfer_expected=bool(task.meta.get("transfer_expected", False)),
        params=task.params,
        complexity=vocab.complexity(task.params),
        features=task.features,
        reference=reference,
        meta=task.meta,
        truth=truth,
    )


_WORKER = """You design test worlds for a customer-service agent. Given a hypothesis about the
agent, describe the world that probes it: which entities must exist, how they relate, what
makes the scenario probing but solvable under the policy, and the customer's requests in order.
Answer with the JSON object the schema asks for."""

_ACTOR = """You are a world actor. Turn the world description into a concrete world in the
domain's data model (JSON in the file form shown), a customer scenario (the customer's request
in their words and the facts they know), and a verifier: assertions on the final state
(`equals` path value / `absent` path; paths are [collection, id] or [collection, id, field]),
facts the agent must communicate, the requests as intent names, the paths of every entity the
scenario names, and a proposed solution (tool calls). The scenario must be solvable under the
policy. Answer with the JSON object the schema asks for."""


_SIMPLIFIER = """You are the simplifier of a search for a tool-use agent's weaknesses. A scenario
for the hypothesis below made the agent fail while a strong model solved it. Write a simpler
scenario that still probes the same capability, following the parameters given (fewer
passengers, fewer requests, fewer distractors, ...): a concrete world, the customer's request,
the verifier and a proposed solution, in the same form as before. The scenario must be solvable
under the policy. Answer with the JSON object the schema asks for."""


def build_with_model(
    s: WGSettings,
    h: Hypothesis,
    description: WorldDescription | None,
    tag: str = "w0",
    params: dict[str, Any] | None = None,
    *,
    completion: Completion | None = None,
) -> Scenario:
    """A scenario from the world-actor model; with `params`, the simplifier's simpler variant
    (the same model, asked to follow the simpler parameters)."""
    dom = registry.get(s.domain)
    spec = s.model(s.world_actor)
    point = dict(params if params is not None else h.point)
    plan = (
        f"World description: {description.model_dump_json()}\n"
        if description is not None
        else f"Simpler parameters to follow: {json.dumps(point, sort_keys=True)}\n"
    )
    prompt = (
        f"Hypothesis: {h.statement}\n{plan}"
        f"Intents: {', '.join(vocabulary(s.domain).intent_tools)}\n"
        f"Tools: {json.dumps([t['function']['name'] for t in dom.tool_schemas()])}\n"
        f"Policy:\n{dom.policy[:6000]}"
    )
    system = _ACTOR if params is None else _SIMPLIFIER
    draft = call_structured(spec, ScenarioDraft, system, prompt, completion=completion)
    features = {"n_intents": float(len(draft.intents)), "refusal": float(draft.refusal)}
    return Scenario(
        **draft.model_dump(),
        scenario_id=f"{h.hypothesis_id}-{tag}",
        params=point,
        complexity=vocabulary(s.domain).complexity(point),
        features=features,
        meta={"intents": draft.intents, "transfer_expected": draft.transfer_expected},
    )


def build(
    s: WGSettings,
    h: Hypothesis,
    params: dict[str, Any] | None = None,
    tag: str = "w0",
    *,
    completion: Completion | None = None,
) -> Scenario | str:
    """The world actor's scenario for `h` (at `params`: a simplification variant, which a model
    world actor writes as the simplifier), or why it could not build one."""
    if s.world_actor == OFFLINE:
        return build_offline(s, h, params, tag)
    if params is not None:
        return build_with_model(s, h, None, tag, params, completion=completion)
    description = describe(s, h, completion=completion)
    return build_with_model(s, h, description, tag, completion=completion)
