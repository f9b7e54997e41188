"""Other customers: the people in a world besides the one calling.

An airline's database never holds a single customer. One to three other profiles, each with its
own payment methods and one or two reservations on the world's flights, make a wrong user id or
someone else's reservation a real mistake (it exists, and changing it changes the wrong
person's trip) instead of an error message that sends the agent back on track. Sometimes one of
them shares the customer's surname, as family members do. They book existing flights only, so
no search, and hence no answer, changes.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import CABINS, CERTIFICATE_AMOUNTS, INSURANCE_PER_PASSENGER
from domains.airline.dag.build import timeline
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.world import GIFT_CARD_MAX


def other_customers(ctx: Ctx) -> None:
    rng, w = ctx.rng, ctx.world
    trips = sorted(
        (f["dates"][date]["status"], fn, date) for fn, f in w.flights.items() for date in f["dates"]
    )
    for i in range(rng.randint(1, 3)):
        # The first may be a relative of the customer: same surname, a profile of their own.
        relative = i == 0 and rng.random() < 0.4
        surname = w.user["name"]["last_name"] if relative else None
        user = w.new_user(rng.choice(["regular", "silver", "gold"]), last=surname)
        w.others[user["user_id"]] = user
        if rng.random() < 0.9:
            w.credit_card(user)
        if rng.random() < 0.5:
            w.gift_card(rng.randint(0, GIFT_CARD_MAX), user)
        if rng.random() < 0.25:
            w.certificate(rng.choice(CERTIFICATE_AMOUNTS), user)
        for _ in range(rng.randint(1, 2) if trips else 0):
            _book(ctx, user, *rng.choice(trips))


def _book(ctx: Ctx, user: dict[str, Any], status: str, fn: str, date: str) -> None:
    """A one-way booking of `user` on flight `fn` on `date`, paid at a fare of its band."""
    rng, w = ctx.rng, ctx.world
    flight = w.flights[fn]
    cabin = rng.choice(CABINS)
    a, b = flight["origin"], flight["destination"]
    entry = flight["dates"][date]
    price = entry["prices"][cabin] if status == "available" else None
    pax = rng.randint(1, 3)
    insurance = rng.choice(["yes", "no"])
    rid = w.reservation_id()
    w.reservations[rid] = {
        "reservation_id": rid,
        "user_id": user["user_id"],
        "origin": a,
        "destination": b,
        "flight_type": "one_way",
        "cabin": cabin,
        "flights": [
            {"origin": a, "destination": b, "flight_number": fn, "date": date,
             "price": price or w.price(cabin, a, b, rng.uniform(0.1, 0.9))}
        ],
        "passengers": w.travellers(pax, user),
        "payment_history": [],
        "created_at": timeline.created_long_ago(rng, int(date[-2:])),
        "total_baggages": rng.randint(0, pax),
        "nonfree_baggages": 0,
        "insurance": insurance,
    }  # fmt: skip
    res = w.reservations[rid]
    total = res["flights"][0]["price"] * pax + (
        INSURANCE_PER_PASSENGER * pax if insurance == "yes" else 0
    )
    res["payment_history"] = [{"payment_id": w.initial_payment(user), "amount": total}]
    user["reservations"].append(rid)
