"""Behaviour `condition`: the customer's choice depends on the price the agent quotes.

"Upgrade me to business; if that costs more than $X, move me to economy instead" (tau2 tasks
8, 12, 14, 25 condition a booking or an upgrade on a quoted amount). Here: a lone upgrade of a
basic-economy reservation to business, with a limit drawn on either side of its price. Under
the limit (`met`) the gold is the upgrade; over it the gold quotes the business price and, as
the customer then asks, moves every flight to economy (both amounts are facts to say). The
other branch's write is `Task.meta["condition_call"]` (what an agent that misjudges the
condition makes); the declined upgrade, when over the limit, is also `declined_call` (the offer
the customer turns down).
"""

from __future__ import annotations

from typing import Any

from domains.airline.dag.build.context import Ctx
from domains.dag import BuildRejected

FALLBACK = "economy"


def add_condition(ctx: Ctx, request: dict[str, Any]) -> None:
    """Draw the limit and, over it, put the fallback write in the upgrade's place."""
    if request.get("kind") != "change_cabin" or request.get("cabin") != "business":
        raise BuildRejected("a condition is drawn on an upgrade to business")
    at = next(i for i, c in enumerate(ctx.gold.calls) if c["name"] == "update_reservation_flights")
    upgrade = ctx.gold.calls[at]
    res = ctx.world.reservations[upgrade["arguments"]["reservation_id"]]
    if res["cabin"] != "basic_economy":
        raise BuildRejected("economy is a fallback only from basic economy")
    price, rng = int(request.get("charge") or 0), ctx.rng
    if price < 40:
        raise BuildRejected("an upgrade this cheap leaves no room for a limit under it")
    fallback = {**upgrade, "arguments": {**upgrade["arguments"], "cabin": FALLBACK}}
    met = rng.random() < 0.5
    if met:
        request["condition_limit"] = (price // 50 + 1 + rng.randint(0, 3)) * 50
        ctx.notes.condition_call = fallback
        return
    request["condition_limit"] = max(10, int(price * rng.uniform(0.5, 0.9)) // 10 * 10)
    ctx.gold.calls[at] = fallback
    ctx.notes.condition_call = ctx.notes.declined_call = upgrade
    pax = len(res["passengers"])
    flights = ctx.world.flights
    diff = sum(
        (flights[f["flight_number"]]["dates"][f["date"]]["prices"][FALLBACK] - f["price"]) * pax
        for f in res["flights"]
    )
    if diff:
        ctx.gold.say(f"${abs(diff)}")
    for choice in ctx.notes.choices:
        if choice["call"] == at and choice["path"] == "cabin":
            choice["gold"] = FALLBACK
            choice["alternatives"] = [{"value": c, "why": "cabin confusion"}
                                      for c in ("basic_economy", "business")]  # fmt: skip
    request["fallback"] = FALLBACK
