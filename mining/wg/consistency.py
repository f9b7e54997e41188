"""Consistency checks: stop a broken world before any target rollout is spent on it.

In order: the domain's data model (the world and the expected final world load), the domain's
own checks (policy and ambiguity lint, invariants; a domain's world consistency checker plugs
in there, see `domains/wg.py`), every entity the scenario and the verifier name exists, every
assertion is reachable with the domain's tools and asked for by one of the scenario's requests,
and a proposed solution, when present, replays without tool errors and satisfies the verifier.
Each check reports problems as text; none raises.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from domains import registry
from domains.base import one_line_errors
from mining.wg import assertions
from mining.wg.config import vocabulary
from mining.wg.models import ConsistencyReport, Scenario
from mining.wg.world_actor import replay


def _data_model(domain: str, sc: Scenario) -> list[str]:
    world_type = registry.get(domain).world_type
    problems = []
    for label, world in (
        ("world", sc.world),
        ("expected", assertions.apply(sc.world, sc.assertions)),
    ):
        try:
            world_type.model_validate(world)
        except ValidationError as exc:
            problems.append(f"{label} does not load: {one_line_errors(exc, 2)}")
    return problems


def _entities(sc: Scenario) -> list[str]:
    problems = [
        f"the scenario names {'.'.join(p)}, which the world lacks"
        for p in sc.entities
        if not assertions.exists(sc.world, p)
    ]
    for a in sc.assertions:
        entity = a.path[:2]
        must_exist = a.op == "absent" or len(a.path) == 3
        if must_exist and not assertions.exists(sc.world, entity):
            problems.append(f"the verifier names {'.'.join(entity)}, which the world lacks")
    return problems


def _reachable(domain: str, sc: Scenario) -> list[str]:
    vocab = vocabulary(domain)
    problems = [f"unknown request {i!r}" for i in sc.intents if i not in vocab.intent_tools]
    allowed = frozenset().union(*(vocab.intent_tools.get(i, frozenset()) for i in sc.intents))
    for a in sc.assertions:
        field = "*" if len(a.path) == 2 else a.path[2]
        tools = vocab.tools_reaching(a.path[0], field)
        if not tools:
            problems.append(f"no tool can make {a.describe()[:120]} true")
        elif not tools & allowed:
            problems.append(
                f"{'.'.join(a.path)} changes only through {', '.join(sorted(tools))}, which "
                f"no request of the scenario ({', '.join(sc.intents)}) asks for"
            )
    return problems


def _solution(domain: str, sc: Scenario) -> list[str]:
    if sc.solution is None:
        return []
    final, errors = replay(domain, sc.world, sc.solution)
    if errors:
        return [f"the proposed solution fails: {errors[0]}"]
    world_type = registry.get(domain).world_type
    try:
        expected = world_type.model_validate(assertions.apply(sc.world, sc.assertions))
    except ValidationError:
        return []  # already reported by the data-model check
    if world_type.model_validate(final).canonical() != expected.canonical():
        return ["the proposed solution does not reach the verifier's expected state"]
    return []


def _checker(domain: str, sc: Scenario, expected: dict[str, Any]) -> list[str]:
    """The domain's world consistency checker (`Domain.consistency`), on the initial world and
    on the verifier's expected final world; nothing when the domain has none (yet)."""
    dom = registry.get(domain)
    if dom.consistency is None:
        return []
    problems = []
    for label, world in (("world", sc.world), ("expected", expected)):
        try:
            loaded = dom.world_type.model_validate(world)
        except ValidationError:
            continue  # the data-model check reports it
        problems += [f"{label}: {p}" for p in dom.consistency(loaded)]
    return problems


def check(domain: str, sc: Scenario) -> ConsistencyReport:
    vocab = vocabulary(domain)
    expected = assertions.apply(sc.world, sc.assertions)
    solution = None if sc.solution is None else [c.model_dump() for c in sc.solution]
    try:
        domain_problems = vocab.check(sc.world, expected, solution, sc.intents)
    except Exception as exc:  # a malformed world can trip the lint: that is a finding too
        domain_problems = [f"the domain check could not read the world ({type(exc).__name__})"]
    return ConsistencyReport(
        problems={
            "data_model": _data_model(domain, sc),
            "domain": domain_problems + _checker(domain, sc, expected),
            "entities": _entities(sc),
            "reachable": _reachable(domain, sc),
            "solution": _solution(domain, sc),
        }
    )
