"""Walks on a domain's tool dependency DAG, conditioned on a parameter point.

Every intent is a sub-walk from its start node to one of its end nodes, using only the edges that
belong to the intent and whose `when` condition the intent's sub-point satisfies. Several intents
sharing a prefix (typically the user lookup) merge into one longer chain. A walk's signature is a
hash of its canonical form plus the relevant part of the parameter point: two candidates with the
same signature are the same task shape, and a sample keeps only one of them.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from domains.dag import IntentSpec, Walk, WalkSegment
from domains.params import Point


class WalkError(ValueError):
    """No walk satisfies the intent and point (the message says which)."""


def edge_usable(data: Mapping[str, Any], intent: str, point: Mapping[str, Any]) -> bool:
    """An edge is usable by an intent when it belongs to it and its `when` condition holds."""
    intents = data.get("intents")
    if intents is not None and intent not in intents:
        return False
    when: Mapping[str, Any] = data.get("when") or {}
    return all(point.get(axis) in allowed for axis, allowed in when.items())


def intent_paths(graph: nx.DiGraph, spec: IntentSpec, point: Mapping[str, Any]) -> list[list[str]]:
    """All paths of an intent under a point, in a deterministic order (sorted)."""
    paths: list[list[str]] = []
    stack: list[list[str]] = [[spec.start]]
    while stack:
        path = stack.pop()
        node = path[-1]
        if node in spec.ends:
            paths.append(path)
            continue
        for nxt in sorted(graph.successors(node)):
            if nxt not in path and edge_usable(graph.edges[node, nxt], spec.name, point):
                stack.append([*path, nxt])
    return sorted(paths)


def sample_walk(
    graph: nx.DiGraph,
    intents: Mapping[str, IntentSpec],
    plan: Sequence[tuple[str, Point]],
    rng: random.Random,
) -> Walk:
    """One walk for a planned intent chain: a random valid path per intent, merged on the
    prefix all segments share."""
    segments: list[WalkSegment] = []
    for name, point in plan:
        spec = intents.get(name)
        if spec is None:
            raise WalkError(f"unknown intent {name!r}; known: {', '.join(sorted(intents))}")
        paths = intent_paths(graph, spec, point)
        if not paths:
            raise WalkError(f"no walk for intent {name!r} under {dict(point)}")
        segments.append(WalkSegment(intent=name, nodes=tuple(rng.choice(paths)), point=point))
    return Walk(segments=tuple(segments), shared_prefix=common_prefix([s.nodes for s in segments]))


def common_prefix(seqs: Sequence[Sequence[str]]) -> tuple[str, ...]:
    if not seqs:
        return ()
    prefix: list[str] = []
    for items in zip(*seqs, strict=False):
        if any(x != items[0] for x in items):
            break
        prefix.append(items[0])
    # Keep at least one own node per segment so every intent stays visible in the chain.
    shortest = min(len(s) for s in seqs)
    return tuple(prefix[: max(0, shortest - 1)])


def check_walk(graph: nx.DiGraph, walk: Walk) -> list[str]:
    """Problems with a walk: every segment must follow existing, usable edges of the graph."""
    problems: list[str] = []
    for seg in walk.segments:
        for a, b in zip(seg.nodes, seg.nodes[1:], strict=False):
            if not graph.has_edge(a, b):
                problems.append(f"{seg.intent}: no edge {a} -> {b}")
            elif not edge_usable(graph.edges[a, b], seg.intent, seg.point):
                problems.append(f"{seg.intent}: edge {a} -> {b} not usable under the point")
    return problems


def walk_signature(
    domain: str,
    walk: Walk,
    relevant_point: Mapping[str, Any],
    later_points: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Canonical signature of (domain, walk, relevant point): 16 hex chars of a sha256.
    `later_points` are the relevant sub-points of the chain's later intents (their cabin,
    insurance, selection... vary on their own, so two chains that differ only there are two
    tasks); they are left out of the hash when empty, so single-intent signatures are stable."""
    body: dict[str, Any] = {
        "domain": domain,
        "segments": [[s.intent, list(s.nodes)] for s in walk.segments],
        "point": {k: relevant_point[k] for k in sorted(relevant_point)},
    }
    if later_points:
        body["later"] = [{k: p[k] for k in sorted(p)} for p in later_points]
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def graph_summary(graph: nx.DiGraph) -> dict[str, Any]:
    """Node and edge counts per kind (for reports and tests)."""
    kinds: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        kinds[data.get("kind", "?")] = kinds.get(data.get("kind", "?"), 0) + 1
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "kinds": kinds}
