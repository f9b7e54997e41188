"""Simplification to a minimum viable failure.

A confirmed failure is often confounded (three travellers, two requests, a crowded search, when
one traveller and one request already trip the target). The simplifier turns the domain's knobs
one step at a time, in the vocabulary's order, skipping axes the hypothesis's tag pins; each
simpler variant is rebuilt and retested (target and oracle). A variant that is still a confirmed
failure becomes the new current point and the knobs start over; the search stops when no knob
gives a simpler confirmed failure, or after `max_variants` retests. Every retest is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domains import registry
from domains.params import ParamError
from mining.wg.config import vocabulary
from mining.wg.models import Hypothesis, Variant

# (knob, point, index of the retest) -> the retest's record and its payload.
Retest = Callable[[str, dict[str, Any], int], tuple[Variant, Any]]


def next_variants(
    domain: str, h: Hypothesis, point: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(knob, simpler point) for every knob that applies to `point`, in the vocabulary's order."""
    vocab = vocabulary(domain)
    space = registry.get(domain).extras["synthesis"].space
    pinned = set(vocab.tag(h.tag).fixed)
    out = []
    for knob in vocab.knobs:
        if knob.axis in pinned:
            continue
        simpler = vocab.simpler(point, knob)
        if simpler is None:
            continue
        try:
            out.append((knob.name, dict(space.validate(simpler))))
        except ParamError:
            continue  # that step breaks the point's coherence (e.g. a flown flight needs a return)
    return out


def minimise(
    domain: str, h: Hypothesis, start: dict[str, Any], max_variants: int, retest: Retest
) -> tuple[list[Variant], dict[str, Any], Any]:
    """(chain, minimum point, payload of the last confirmed variant or None)."""
    chain: list[Variant] = []
    current, payload = dict(start), None
    improved = True
    while improved and len(chain) < max_variants:
        improved = False
        for knob, point in next_variants(domain, h, current):
            if len(chain) >= max_variants:
                break
            variant, result = retest(knob, point, len(chain))
            chain.append(variant)
            if variant.outcome == "confirmed":
                current, payload, improved = point, result, True
                break
    return chain, current, payload
