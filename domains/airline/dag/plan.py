"""Planning a task's intents: the point's first intent, then the chained ones with a sub-point each.

The first intent follows every axis of the point. Later intents share passengers, trip type, stops
and membership (one traveller, one profile) and draw valid values of the rest, so a chain of
requests stays coherent under the policy (e.g. a regular member without insurance is only
compensated in business).
"""

from __future__ import annotations

import random

from domains.airline.constants import CABINS
from domains.airline.dag.graph import RESERVATION_INTENTS
from domains.airline.dag.params import bag_modes, chain, payment_choices
from domains.airline.dag.request_axes import CHAINED_INFOS, partial_choices
from domains.params import Point


def plan(point: Point, rng: random.Random) -> list[tuple[str, Point]]:
    """The intents in order with one sub-point each. The first follows the point; later ones
    share passengers / trip type / stops / membership and draw valid values of the rest."""
    intents = chain(point)
    out: list[tuple[str, Point]] = [(intents[0], dict(point))]
    for pos, name in enumerate(intents[1:], start=2):
        sub: Point = dict(point)
        sub["intent"] = name
        sub["policy_trap"] = "no"
        sub["behaviour"] = "plain"  # pushback is on the first request
        sub["airports"] = "one"  # the first request's axes from here on
        sub["payment_rule"] = "none"
        sub["reservations"] = "every"
        sub["leg"] = "outbound"
        sub["partial"] = rng.choice(partial_choices(sub)) if name == "partial_change" else "none"
        sub["info"] = rng.choice(list(CHAINED_INFOS)) if name == "info" else "none"
        sub["reservation_known"] = (
            rng.choice(["yes", "no"]) if name in RESERVATION_INTENTS else "yes"
        )
        sub["selection"] = rng.choice(["cheapest", "shortest", "earliest", "named"])
        sub["insurance"] = rng.choice(["no", "yes"])
        cabins = ["economy", "business"] if name == "change_flights" else list(CABINS)
        if name == "compensation" and sub["membership"] == "regular" and sub["insurance"] == "no":
            cabins = ["business"]
        sub["cabin"] = rng.choice(cabins)
        if name in ("change_flights", "change_cabin", "add_bags"):
            sub["payment_mix"] = rng.choice(payment_choices(sub))
        elif sub["payment_mix"] not in payment_choices(sub):  # gift cards cannot pay for it
            sub["payment_mix"] = rng.choice(payment_choices(sub))
        sub["bags"] = rng.choice(bag_modes(str(sub["membership"]), str(sub["cabin"])))
        sub["disruption"] = (
            rng.choice(["cancelled", "delayed"]) if name == "compensation" else "cancelled"
        )
        # A transfer ends the conversation: only the last request may need one.
        last = pos == len(intents)
        sub["flown"] = rng.choice(["no", "yes"]) if name == "cancel" and last else "no"
        if sub["flown"] == "yes":
            sub["trip_type"] = "round_trip"
        out.append((name, sub))
    return out
