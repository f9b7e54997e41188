"""Existing reservations: the one an intent acts on, the user's others, and how the agent finds
them; plus the payment method a change is paid with.

Shared by every intent that acts on a reservation (cancel, change flights or cabin, add bags,
change passengers, compensation).
"""

from __future__ import annotations

import random
from typing import Any

from domains.airline.constants import CABIN_WORDS, FARE_BANDS, INSURANCE_PER_PASSENGER, day
from domains.airline.dag.build.context import Ctx
from domains.dag import WalkSegment


def make_reservation(
    ctx: Ctx,
    *,
    cabin: str,
    trip: str,
    one_stop: bool,
    passengers: list[dict[str, str]],
    out_day: int,
    back_day: int | None,
    created_at: str,
    insurance: str,
    bags: int,
    pay_with: str,
    statuses: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An existing reservation (and its flights). `statuses` overrides the date status of
    segment i (e.g. cancelled or landed)."""
    w = ctx.world
    origin, dest = w.route()
    pax = len(passengers)
    segments: list[tuple[str, str, int]] = []
    hubs = [h for h in sorted(w.pools.airports) if h not in (origin, dest)]
    ctx.rng.shuffle(hubs)
    hub = hubs[0]
    for a, b, d in [(origin, dest, out_day)] + ([(dest, origin, back_day)] if back_day else []):
        if one_stop:
            segments += [(a, hub, d), (hub, b, d)]
        else:
            segments.append((a, b, d))
    flights: list[dict[str, Any]] = []
    dep = 5 * ctx.rng.randint(66, 130)
    for i, (a, b, d) in enumerate(segments):
        lo, hi = FARE_BANDS[cabin]
        current = w.prices(cabin, ctx.rng.randint(lo, hi))
        status = (statuses or {}).get(i) or w.available(current, w.seats(cabin, pax))
        dur = 5 * ctx.rng.randint(14, 50)
        leg_dep = dep if i % 2 == 0 or not one_stop else dep + 300
        fn = w.add_flight(a, b, leg_dep, dur, {day(d): status})
        paid = current[cabin]
        if ctx.rng.random() < 0.3:
            paid = max(20, paid + ctx.rng.choice([-1, 1]) * ctx.rng.randint(8, 40))
        flights.append(
            {"origin": a, "destination": b, "flight_number": fn, "date": day(d), "price": paid}
        )
    total = sum(f["price"] for f in flights) * pax + (
        INSURANCE_PER_PASSENGER * pax if insurance == "yes" else 0
    )
    rid = w.reservation_id()
    res = {
        "reservation_id": rid,
        "user_id": w.user["user_id"],
        "origin": origin,
        "destination": dest,
        "flight_type": trip,
        "cabin": cabin,
        "flights": flights,
        "passengers": passengers,
        "payment_history": [{"payment_id": pay_with, "amount": total}],
        "created_at": created_at,
        "total_baggages": bags,
        "nonfree_baggages": 0,
        "insurance": insurance,
    }
    w.reservations[rid] = res
    w.user["reservations"].append(rid)
    return res


def created_long_ago(rng: random.Random) -> str:
    """A creation time early in the month: outside the 24-hour free-cancellation window."""
    d = rng.randint(1, 12)
    r = rng.randint
    return f"{day(d)}T{r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}"


def created_within_a_day(rng: random.Random) -> str:
    """A creation time less than 24 hours before now (so a cancellation is free)."""
    created = rng.choice(
        [f"{day(14)}T{rng.randint(16, 23):02d}", f"{day(15)}T{rng.randint(0, 13):02d}"]
    )
    return created + f":{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def landed(date: str, i: int) -> dict[str, Any]:
    """The date status of segment i of a trip already flown that day."""
    return {
        "status": "landed",
        "actual_departure_time_est": f"{date}T0{7 + i}:0{i}:00",
        "actual_arrival_time_est": f"{date}T0{8 + i}:3{i}:00",
    }


def target_reservation(ctx: Ctx, seg: WalkSegment, res: dict[str, Any]) -> dict[str, Any]:
    """Golden lookups for a reservation the customer quotes or only describes; returns the text
    facts that identify it (`reservation_id` only when the customer knows it; `res_id` always,
    for the customer's script to recognise the reservation when the agent names it)."""
    rid, text = res["reservation_id"], ctx.text
    if seg.point.get("reservation_known", "yes") == "yes":
        text.required.append(rid)
        text.known_reservations.append(rid)
        ctx.gold.call("get_reservation_details", reservation_id=rid)
        return {"reservation_id": rid, "res_id": rid}
    # Unknown id: the agent opens the user's reservations in order until it finds this one.
    for other in ctx.world.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=other)
        if other == rid:
            break
    text.forbidden.append(rid)
    facts = {
        "origin": text.place_text(res["origin"]),
        "destination": text.place_text(res["destination"]),
        "date": text.date_text(res["flights"][0]["date"]),
    }
    text.required.extend(facts.values())
    return {"reservation_id": None, "res_id": rid, **facts}


def distractor_reservations(ctx: Ctx, count: int, pax: int) -> None:
    """Other reservations of the same user (a wrong one is a plausible mistake)."""
    rng, w = ctx.rng, ctx.world
    for _ in range(count):
        cabin = rng.choice(list(CABIN_WORDS))
        back = rng.choice([None, 29, 30])
        make_reservation(
            ctx,
            cabin=cabin,
            trip="round_trip" if back else "one_way",
            one_stop=rng.random() < 0.3,
            passengers=w.travellers(rng.randint(1, max(1, pax))),
            out_day=rng.randint(16, 27),
            back_day=back,
            created_at=created_long_ago(rng),
            insurance=rng.choice(["yes", "no"]),
            bags=rng.randint(0, 2),
            pay_with=w.credit_card() if rng.random() < 0.3 else w.any_card(),
        )
        ctx.notes.distractors += 1


def reservation_choice(ctx: Ctx, idx: int, res: dict[str, Any]) -> None:
    """The user's other reservations as wrong values of golden call `idx`'s reservation id."""
    others = [r for r in ctx.world.user["reservations"] if r != res["reservation_id"]]
    if others:
        alternatives = [{"value": r, "why": "other reservation"} for r in others]
        ctx.notes.choice(idx, "reservation", "reservation_id", res["reservation_id"], alternatives)


def update_payment(ctx: Ctx, mix: str, need: int) -> tuple[str, dict[str, Any]]:
    """A payment method for a flight / cabin / bag change: a credit card or one gift card."""
    w = ctx.world
    if mix == "gift_cards":
        balance = max(0, need) + ctx.rng.randint(20, 300)
        pid = w.add_payment("gift_card", amount=float(balance))
        return pid, {
            "kind": "gift_card",
            "text": f"my gift card (the one with ${balance} on it)",
            "fact": str(balance),
        }
    pid = w.credit_card()
    text = w.card_text(pid)
    return pid, {"kind": "card", "text": f"my {text}", "fact": text.split()[-1]}
