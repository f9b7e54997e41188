"""DAG-mode candidate synthesis: point -> walk -> world + golden calls -> text -> validated Task.

Everything is a pure function of (domain, params, seed): the same inputs give the same Task, byte
for byte, so a retried activity or a re-run harvest reproduces its candidates. Invalid candidates
come back as `Rejection` (with the reason), never as exceptions.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel

from domains import registry
from domains.base import Domain, ToolCall
from domains.dag import BuildRejected, DagSpec
from domains.params import PINNED_ATTEMPTS, SAMPLE_ATTEMPTS, ParamError
from domains.scenario import UserScenario
from mining.core.errors import UserError
from mining.core.task import Task
from mining.core.trajectory import MAX_TURNS
from mining.dag.paraphrase import Paraphraser, paraphrase_text
from mining.dag.validate import INCONSISTENT, validate
from mining.dag.walks import WalkError, check_walk, sample_walk, walk_signature


class SeededRandom(random.Random):
    """`random.Random` with the same stream, but `randint` and `choice` without the layers of
    argument checking in between (a candidate draws ~150 numbers; they were ~10% of synthesis
    time). Both delegate to `_randbelow` exactly as CPython's own versions do, so a seed gives
    the same tasks as with `random.Random`."""

    def randint(self, a: int, b: int) -> int:
        width = b - a + 1
        if width <= 0:
            raise ValueError(f"empty range for randint({a}, {b})")
        return a + self._randbelow(width)  # type: ignore[attr-defined]

    def choice(self, seq: Any) -> Any:
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        return seq[self._randbelow(len(seq))]  # type: ignore[attr-defined]


class Rejection(BaseModel):
    """A candidate that failed synthesis or validation."""

    reason: str
    params: dict[str, Any]
    seed: int
    task_id: str = ""

    @property
    def inconsistent(self) -> bool:
        """Rejected because the domain's world consistency checker flagged the world."""
        return self.reason.startswith(INCONSISTENT)


# Features the engine adds to every task (besides `intent_<name>` per intent of the chain).
ENGINE_FEATURES = frozenset(
    {"walk_length", "n_intents", "golden_calls", "golden_writes", "refusal", "world_kb"}
)


def feature_names(spec: DagSpec) -> frozenset[str]:
    """Every feature a task of this DAG spec can carry: the builder's and the engine's."""
    intents = {f"intent_{name}" for name in spec.intents}
    return spec.features | ENGINE_FEATURES | intents


def spec_of(domain: Domain) -> DagSpec:
    if domain.dag is None:
        names = ", ".join(synthesis_domains()) or "none"
        raise UserError(f"domain {domain.name!r} has no DAG synthesis; domains with it: {names}")
    return domain.dag


def synthesis_domains() -> list[str]:
    return [n for n in registry.names() if registry.get(n).dag is not None]


def get_domain(name: str) -> Domain:
    try:
        return registry.get(name)
    except registry.UnknownDomainError as exc:
        raise UserError(str(exc)) from None


@functools.cache
def domain_graph(name: str) -> nx.DiGraph:
    """The domain's DAG, built once per process."""
    graph = spec_of(get_domain(name)).graph()
    if not nx.is_directed_acyclic_graph(graph):
        raise ValueError(f"tool graph of {name!r} has a cycle")
    return graph


@functools.cache
def _pools(name: str, world_path: str | None) -> Any:
    dom = get_domain(name)
    return None if dom.pools is None else dom.pools(world_path)


def candidate_seed(seed: int, index: int) -> int:
    """A stable per-candidate seed (independent of Python's hash randomisation)."""
    digest = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def synthesize_candidate(
    domain: str,
    params: dict[str, Any],
    seed: int,
    task_id: str,
    world_path: str | None = None,
    paraphraser: Paraphraser | None = None,
    paraphrase_model: str = "",
) -> Task | Rejection:
    """Build and validate one candidate. Bad params raise UserError; everything else is data.
    With a `paraphraser`, the validated text is rewritten if the rewrite keeps every fact
    (see mining/dag/paraphrase.py; the outcome is recorded in meta["paraphrase"])."""
    dom = get_domain(domain)
    spec = spec_of(dom)
    try:
        point = spec.space.validate(params)
    except ParamError as exc:
        raise UserError(str(exc)) from None
    rng = SeededRandom(seed)

    def reject(reason: str) -> Rejection:
        return Rejection(reason=reason, params=dict(point), seed=seed, task_id=task_id)

    graph = domain_graph(domain)
    try:
        walk = sample_walk(graph, spec.intents, spec.plan(point, rng), rng)
    except (WalkError, BuildRejected) as exc:
        return reject(f"walk: {exc}")
    bad_walk = check_walk(graph, walk)
    if bad_walk:
        return reject(f"walk: {bad_walk[0]}")
    try:
        built = spec.build(walk, point, rng, _pools(domain, world_path))
    except BuildRejected as exc:
        return reject(f"build: {exc}")
    scenario = spec.scenario(built, rng) if spec.scenario is not None else None
    turns = gold_turns(len(built.golden), _writes(dom, built.golden), scenario)
    if turns > MAX_TURNS:
        return reject(f"turns: the gold conversation needs {turns} agent turns, over {MAX_TURNS}")
    text = scenario.description() if scenario is not None else spec.text(built, rng)
    # Every text of the scenario is checked for leaks; the description for required facts.
    shown = [text, *scenario.texts()] if scenario is not None else [text]
    initial, expected, problems = validate(dom, spec, built, text, "\n".join(shown))
    if problems or initial is None or expected is None:
        return reject("; ".join(problems) or "invalid")
    features = dict(built.features)
    features.setdefault("walk_length", float(len(walk.nodes())))
    features.setdefault("n_intents", float(len(walk.segments)))
    features.setdefault("golden_calls", float(len(built.golden)))
    features.setdefault("golden_writes", float(_writes(dom, built.golden)))
    features.setdefault("refusal", float(built.refusal))
    features["world_kb"] = round(len(json.dumps(built.world)) / 1024, 2)
    for intent in walk.intents():
        features[f"intent_{intent}"] = 1.0
    meta = dict(built.meta)
    meta.setdefault("intents", walk.intents())
    meta.setdefault("transfer_expected", False)
    # Each request's own parameters (a later intent draws its own cabin, selection, payment...).
    meta["requests"] = [
        {"intent": seg.intent, "params": spec.space.relevant(seg.point)} for seg in walk.segments
    ]
    if paraphraser is not None:
        text, meta["paraphrase"] = paraphrase_text(
            text, built.required_text, built.forbidden_text, paraphraser, paraphrase_model
        )
    return Task(
        task_id=task_id,
        domain=domain,
        seed=seed,
        params=dict(point),
        walk=walk.nodes(),
        signature=walk_signature(
            domain,
            walk,
            spec.space.relevant(point),
            [spec.space.relevant(seg.point) for seg in walk.segments[1:]],
        ),
        task_description=text,
        user_scenario=scenario,
        world=initial,
        golden_trajectory=[ToolCall.model_validate(c) for c in built.golden],
        expected_final_world=expected,
        communicate=list(built.communicate),
        user_facts=dict(built.user_facts),
        features={k: float(features[k]) for k in sorted(features)},
        refusal=built.refusal,
        meta=meta,
        cell=spec.space.cell(point),
        intents=walk.intents(),
    )


def gold_turns(calls: int, writes: int, scenario: UserScenario | None) -> int:
    """Agent turns the gold conversation takes: a turn per call, one more per write (it is
    described and confirmed first), and per request one to answer it and one per pushback
    the customer makes (the oracle against the scripted customer takes up to this many)."""
    if scenario is None:
        return calls + writes + 1
    requests = scenario.script.requests
    return calls + writes + len(requests) + sum(len(r.pushback) for r in requests) + 1


def _writes(dom: Domain, calls: list[dict[str, Any]]) -> int:
    writes = dom.toolkit_type.write_tools()
    return sum(c["name"] in writes for c in calls)


def sample_params(
    domain: str,
    seed: int,
    fixed: Mapping[str, Any] | None = None,
    attempts: int = SAMPLE_ATTEMPTS,
) -> dict[str, Any]:
    """A random valid point of the domain's space (fixed axes pinned, drawn around up to
    `attempts` times)."""
    spec = spec_of(get_domain(domain))
    try:
        return dict(spec.space.sample(SeededRandom(seed), fixed, attempts))
    except ParamError as exc:
        raise UserError(str(exc)) from None


def sample_tasks(
    domain: str,
    n: int,
    seed: int,
    fixed_params: dict[str, Any] | None = None,
    world_path: str | None = None,
    max_attempts: int | None = None,
    rejections: list[Rejection] | None = None,
    paraphraser: Paraphraser | None = None,
    paraphrase_model: str = "",
) -> list[Task]:
    """n validated tasks with distinct signatures (fewer if the space runs out first: after
    `max_attempts` candidates, default 20 n + 100). Rejections are appended to `rejections`.
    Pins that no point of the space holds together raise UserError before any synthesis."""
    if fixed_params:
        try:
            spec_of(get_domain(domain)).space.check_pins(fixed_params, SeededRandom(seed))
        except ParamError as exc:
            raise UserError(str(exc)) from None
    tasks: list[Task] = []
    seen: set[str] = set()
    limit = max_attempts if max_attempts is not None else 20 * n + 100
    for i in range(limit):
        if len(tasks) >= n:
            break
        cseed = candidate_seed(seed, i)
        params = sample_params(domain, cseed, fixed_params, PINNED_ATTEMPTS)
        result = synthesize_candidate(
            domain,
            params,
            cseed,
            f"{domain}-{seed}-{i:05d}",
            world_path,
            paraphraser,
            paraphrase_model,
        )
        if isinstance(result, Rejection):
            if rejections is not None:
                rejections.append(result)
            continue
        if result.signature in seen:
            continue
        seen.add(result.signature)
        tasks.append(result)
    return tasks
