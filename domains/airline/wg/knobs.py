"""Airline simplification knobs: one-step-simpler moves on a parameter point, simplest last.

The simplifier tries them in this order on a confirmed failure and keeps a simpler variant only
while the target still fails it and the oracle passes (mining/wg/simplify.py). Dropping a
request empties the later intent axes too, so the point stays coherent.
"""

from __future__ import annotations

from domains.params import Point
from domains.wg import Knob

KNOBS: tuple[Knob, ...] = (
    Knob("fewer-requests", "n_intents", {3: 2, 2: 1}),
    Knob("fewer-passengers", "passengers", {5: 4, 4: 3, 3: 2, 2: 1}),
    Knob("fewer-distractors", "distractor_density", {"high": "medium", "medium": "low",
                                                     "low": "none"}),
    Knob("one-way", "trip_type", {"round_trip": "one_way"}),
    Knob("direct", "stops", {"one_stop": "direct"}),
    Knob("no-insurance", "insurance", {"yes": "no"}),
    Knob("known-reservation", "reservation_known", {"no": "yes"}),
)  # fmt: skip

_DENSITY = {"none": 0, "low": 1, "medium": 2, "high": 3}


def simplify(point: Point, knob: Knob) -> Point | None:
    value = point.get(knob.axis)
    if value is None or value not in knob.simpler:
        return None
    out = {**point, knob.axis: knob.simpler[value]}
    if knob.axis == "n_intents":  # the dropped request's axis goes with it
        if int(out["n_intents"]) < 3:
            out["third_intent"] = "none"
        if int(out["n_intents"]) < 2:
            out["second_intent"] = "none"
    return out


def complexity(point: Point) -> float:
    """A knob-space distance from the simplest scenario (what simplification reduces)."""
    return float(
        (int(point.get("n_intents", 1)) - 1)
        + (int(point.get("passengers", 1)) - 1)
        + _DENSITY.get(str(point.get("distractor_density", "none")), 0)
        + (point.get("trip_type") == "round_trip")
        + (point.get("stops") == "one_stop")
        + (point.get("insurance") == "yes")
        + (point.get("reservation_known") == "no")
    )
