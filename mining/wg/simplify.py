"""Simplification to a minimum viable failure.

A confirmed failure is often confounded (three travellers, two requests, a crowded search, when
one traveller and one request already trip the target). The simplifier turns the domain's knobs
one step at a time, in the vocabulary's order, skipping axes the hypothesis's tag pins; each
simpler variant is rebuilt and retested (target and oracle). A variant that is still a confirmed
failure becomes the new current point and the knobs start over; the search stops when no knob
gives a simpler confirmed failure, or after `max_variants` retests (`mining/wg/orchestrate.py`
runs that loop; this module says which simpler points there are). Every retest is recorded.
"""

from __future__ import annotations

from typing import Any

from domains import registry
from domains.params import ParamError
from mining.dag.synthesize import spec_of
from mining.wg.config import vocabulary
from mining.wg.models import Hypothesis, KnobStep


def next_variants(domain: str, h: Hypothesis, point: dict[str, Any]) -> list[KnobStep]:
    """A one-step-simpler point for every knob that applies to `point`, in the vocabulary's
    order (knobs on axes the hypothesis's tag pins are skipped: they would change the subject)."""
    vocab = vocabulary(domain)
    space = spec_of(registry.get(domain)).space
    pinned = set(vocab.tag(h.tag).fixed)
    out = []
    for knob in vocab.knobs:
        if knob.axis in pinned:
            continue
        simpler = vocab.simpler(point, knob)
        if simpler is None:
            continue
        if set(space.names()) <= set(simpler):  # a whole point (offline worlds): keep it coherent
            try:
                simpler = dict(space.validate(simpler))
            except ParamError:
                continue  # that step breaks the point's coherence (a flown flight needs a return)
        # A partial point (a model's world: only the hypothesis's axes) is a hint to follow.
        out.append(KnobStep(knob=knob.name, params=simpler, complexity=vocab.complexity(simpler)))
    return out
