"""Selection `same_as_before`: the flights of an earlier trip of the customer, on a new date.

"The exact same flight as my May 10 trip from ORD to PHL" (tau2 task 8; task 25: "exactly the
same as my current reservation"): the customer does not know the flight numbers, so the agent
finds that trip among the customer's reservations, reads its flights and books the same ones on
the new date. The earlier trip flew (landed) on the gold itinerary's flight numbers, on a day
before today; from density low on, a look-alike earlier trip on the same route, another day,
flew one of the search's distractors, so the date the customer gives decides. The search itself
has no winner by price or time (`named` in `check`): the earlier trip names the answer.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import day, minutes
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.search import Option
from domains.airline.dag.build.timeline import created_long_ago, status_on

Person = dict[str, str]
SAME_AS_BEFORE = "same_as_before"


def earlier_trip(
    ctx: Ctx, golds: list[Option], others: list[list[Option]], cabin: str, trip: str, who: Person
) -> dict[str, Any]:
    """The earlier trip on the gold flights (and its look-alike); returns the facts the text
    needs (`before`: the trip's first day as the customer says it) and the lookup's index."""
    rng = ctx.rng
    out_day = rng.randint(1, 8)
    days = [out_day] + ([out_day + rng.randint(1, 4)] if trip == "round_trip" else [])
    rid = _flown_trip(ctx, [g.legs for g in golds], days, cabin, trip, who)
    if ctx.k >= 1 and all(others):
        shift = rng.choice([-1, 1]) * rng.randint(1, 3)  # the whole trip, a few days apart
        other_days = [d + shift for d in days]
        if min(other_days) >= 1 and max(other_days) <= 13:
            _flown_trip(ctx, [alts[0].legs for alts in others], other_days, cabin, trip, who)
            ctx.notes.distractors += 1
    ctx.world.shuffle_reservations()
    return {"before": ctx.text.date_text(day(out_day)), "before_id": rid}


def _flown_trip(
    ctx: Ctx,
    legs: list[list[str]],
    days: list[int],
    cabin: str,
    trip: str,
    who: Person,
) -> str:
    """A reservation of the customer's that flew these legs (one list per direction) on these
    days, paid at the fares of the time."""
    w, rng = ctx.world, ctx.rng
    flights: list[dict[str, Any]] = []
    for direction, d in zip(legs, days, strict=True):
        for fn in direction:
            flight = w.flights[fn]
            dep = minutes(flight["scheduled_departure_time_est"])
            dur = minutes(flight["scheduled_arrival_time_est"]) - dep
            flight["dates"][day(d)] = status_on(rng, "landed", day(d), dep, dur)
            a, b = flight["origin"], flight["destination"]
            price = w.price(cabin, a, b, rng.uniform(0.1, 0.9))
            flights.append(
                {"origin": a, "destination": b, "flight_number": fn, "date": day(d), "price": price}
            )
    rid = w.reservation_id()
    w.reservations[rid] = {
        "reservation_id": rid,
        "user_id": w.user["user_id"],
        "origin": flights[0]["origin"],
        "destination": w.flights[legs[0][-1]]["destination"],
        "flight_type": trip,
        "cabin": cabin,
        "flights": flights,
        "passengers": [dict(who)],
        "payment_history": [
            {"payment_id": w.initial_payment(), "amount": sum(f["price"] for f in flights)}
        ],
        "created_at": created_long_ago(rng, days[0]),
        "total_baggages": 0,
        "nonfree_baggages": 0,
        "insurance": "no",
    }
    w.user["reservations"].append(rid)
    return rid
