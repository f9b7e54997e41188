"""Axis `reservations=all_business` of `change_cabin` (with `info=savings`): "downgrade all my
business reservations to economy, same flights, and tell me how much I saved".

The customer holds two or three upcoming business reservations (one way or round trip, direct
or one stop), one or two in other cabins, and sometimes a business trip already flown. The gold
opens every reservation, checks today's economy fare of each business flight, moves each
upcoming business reservation to economy on the same flights with the difference refunded to
the method that paid for it, and states the total refunded. A reservation in another cabin, or
a trip already flown, is left alone: changing one is overreach. The plausible wrong total is one
reservation's refund.
"""

from __future__ import annotations

from typing import Any

from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.figures import upcoming
from domains.airline.dag.build.reservations import flown, make_reservation
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import BuildRejected, WalkSegment

# Business reservations one conversation can move (each is a few searches, a description, a
# confirmation and the change: six ran past a rollout's turn limit).
MOST = 4


def build_downgrade_all(ctx: Ctx, seg: WalkSegment) -> None:
    w, rng = ctx.world, ctx.rng
    pax = int(seg.point["passengers"])
    shapes = [("business", True)] * rng.randint(2, 3)
    # Another cabin, left alone (basic economy: moving it to economy would change it).
    shapes += [("basic_economy", True)] + [("economy", True)] * rng.randint(0, 1)
    shapes += [("business", False)] if rng.random() < 0.5 else []
    for cabin, ahead in shapes:
        _reservation(ctx, cabin, ahead, rng.randint(1, pax))
    w.shuffle_reservations()
    ctx.lookup_user()
    for rid in w.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
    mine = [w.reservations[r] for r in w.user["reservations"]]
    chosen = [r for r in mine if r["cabin"] == "business" and upcoming(r)]
    if len(chosen) > MOST:  # (other bookings of the customer may be business too)
        raise BuildRejected(f"{len(chosen)} business reservations: more than one call holds")
    refunds = [_downgrade(ctx, r) for r in chosen]
    if min(refunds) <= 0:
        raise BuildRejected("a downgrade that saves nothing")
    ctx.gold.say(f"${sum(refunds)}")
    ctx.notes.wrong_facts = {f"${sum(refunds)}": f"${refunds[0]}"}  # one reservation's refund
    # Paid with a card (the original payment may be a gift card too empty for the difference,
    # and a write the tool rejects would change nothing).
    card = next(p for p, m in w.user["payment_methods"].items() if m["source"] == "credit_card")
    ctx.notes.excluded_calls = [
        {
            "name": "update_reservation_flights",
            "arguments": {
                "reservation_id": r["reservation_id"],
                "cabin": "economy",
                "flights": _same(r),
                "payment_id": card,
            },
        }
        for r in mine
        if r["cabin"] == "basic_economy" and upcoming(r)
    ]
    ctx.text.requests.append(
        {
            "kind": "change_cabin",
            "set": "all_business",
            "info": "savings",
            "wanted": [r["reservation_id"] for r in chosen],
            "outcome": "done",
        }
    )


def _reservation(ctx: Ctx, cabin: str, ahead: bool, pax: int) -> dict[str, Any]:
    w, rng = ctx.world, ctx.rng
    round_trip = ahead and rng.random() < 0.4
    out_day = rng.randint(17, 25) if ahead else rng.randint(3, 12)
    return make_reservation(
        ctx,
        cabin=cabin,
        trip="round_trip" if round_trip else "one_way",
        one_stop=ahead and rng.random() < 0.3,
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if round_trip else None,
        created_at=created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=w.initial_payment(),
        statuses={} if ahead else {0: flown(ctx)},
    )


def _same(res: dict[str, Any]) -> list[dict[str, str]]:
    return [{"flight_number": f["flight_number"], "date": f["date"]} for f in res["flights"]]


def _downgrade(ctx: Ctx, res: dict[str, Any]) -> int:
    """Golden fare checks and the change to economy; returns the refund."""
    w, pax = ctx.world, len(res["passengers"])
    diff = 0
    for f in res["flights"]:
        ctx.gold.call(
            "search_direct_flight", origin=f["origin"], destination=f["destination"], date=f["date"]
        )
        current = w.flights[f["flight_number"]]["dates"][f["date"]]["prices"]["economy"]
        diff += (current - f["price"]) * pax
    idx = ctx.gold.call(
        "update_reservation_flights",
        reservation_id=res["reservation_id"],
        cabin="economy",
        flights=_same(res),
        payment_id=res["payment_history"][0]["payment_id"],
    )
    alternatives = [{"value": "basic_economy", "why": "cabin confusion"}]
    ctx.notes.choice(idx, "cabin", "cabin", "economy", alternatives)
    return -diff
