"""Existing reservations: the one an intent acts on, the user's others, and how the agent finds
them; plus the payment method a change is paid with.

Shared by every intent that acts on a reservation (cancel, change flights or cabin, add bags,
change passengers, compensation). A reservation's trip is a route of the network (one-stop
trips through a hub within the detour bound, legs connecting with a realistic layover), priced
in its cabin's fare band, paid by the mix of methods tau2's customers use, and booked at a time
drawn by the caller (`timeline`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domains.airline.constants import CABIN_WORDS, INSURANCE_PER_PASSENGER, day
from domains.airline.dag.build import timeline
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.world import GIFT_CARD_MAX, LAST_ARRIVAL
from domains.airline.network import block_minutes
from domains.dag import BuildRejected, WalkSegment

RECENT_SHARE = 0.15  # of the customer's other reservations, booked less than a day ago

# A date status of a reservation's segment, given (date, departure, duration): e.g. landed.
Status = Callable[[str, int, int], dict[str, Any]]


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
    statuses: dict[int, Status] | None = None,
    hubs_needed: int = 1,
    departure: tuple[int, int] | None = None,
    user: dict[str, Any] | None = None,
    fits: Callable[[str, str], bool] | None = None,
) -> dict[str, Any]:
    """An existing reservation (and its flights). `statuses` makes segment i's date status
    (e.g. landed) from its schedule; `departure` bounds the outbound's departure (minutes after
    midnight); `hubs_needed` asks for a route with that many one-stop connections (a later
    search on it needs one per option); `fits` narrows the routes further."""
    w, rng = ctx.world, ctx.rng
    holder = user or w.user
    origin, dest = w.route(hubs_needed if one_stop else 0, fits)
    hub = w.hubs(origin, dest)[0] if one_stop else None
    pax = len(passengers)
    flights: list[dict[str, Any]] = []
    for leg_no, (a, b, d) in enumerate(_directions(origin, dest, out_day, back_day)):
        path = [a, hub, b] if hub else [a, b]
        legs = list(zip(path, path[1:], strict=False))
        layover = 5 * rng.randint(9, 30)
        total = sum(block_minutes(x, y) for x, y in legs) + layover * (len(legs) - 1)
        lo, hi = departure if departure and leg_no == 0 else (6 * 60, LAST_ARRIVAL)
        hi = min(hi, LAST_ARRIVAL - total)
        if hi < lo:
            raise BuildRejected(f"a {total}-minute trip does not fit in the day")
        dep = 5 * rng.randint(lo // 5, hi // 5)
        for x, y in legs:
            i, dur = len(flights), block_minutes(x, y)
            fares = w.prices(x, y, cabin, w.price(cabin, x, y, rng.uniform(0.1, 0.9)))
            make = (statuses or {}).get(i)
            status = make(day(d), dep, dur) if make else w.available(fares, w.seats(cabin, pax))
            fn = w.add_flight(x, y, dep, {day(d): status})
            # Fares move after booking: what was paid is near today's fare, in the same band.
            paid = w.price(cabin, x, y, rng.uniform(0.1, 0.9)) if rng.random() < 0.3 else None
            flights.append(
                {"origin": x, "destination": y, "flight_number": fn, "date": day(d),
                 "price": paid or fares[cabin]}
            )  # fmt: skip
            dep += dur + layover
    total_paid = sum(f["price"] for f in flights) * pax + (
        INSURANCE_PER_PASSENGER * pax if insurance == "yes" else 0
    )
    rid = w.reservation_id()
    res = {
        "reservation_id": rid,
        "user_id": holder["user_id"],
        "origin": origin,
        "destination": dest,
        "flight_type": trip,
        "cabin": cabin,
        "flights": flights,
        "passengers": passengers,
        "payment_history": [{"payment_id": pay_with, "amount": total_paid}],
        "created_at": created_at,
        "total_baggages": bags,
        "nonfree_baggages": 0,
        "insurance": insurance,
    }
    w.reservations[rid] = res
    holder["reservations"].append(rid)
    return res


def _directions(
    origin: str, dest: str, out_day: int, back_day: int | None
) -> list[tuple[str, str, int]]:
    back = [(dest, origin, back_day)] if back_day else []
    return [(origin, dest, out_day), *back]


def flown(ctx: Ctx) -> Status:
    """The status maker of a segment already flown."""
    return lambda date, dep, dur: timeline.status_on(ctx.rng, "landed", date, dep, dur)


def cancelled(date: str, dep: int, dur: int) -> dict[str, Any]:
    return {"status": "cancelled"}


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
        out_day = rng.randint(16, 27)
        make_reservation(
            ctx,
            cabin=cabin,
            trip="round_trip" if back else "one_way",
            one_stop=rng.random() < 0.3,
            passengers=w.travellers(rng.randint(1, max(1, pax))),
            out_day=out_day,
            back_day=back,
            # Now and then booked in the last day too, so recency does not single out a target
            # that the 24-hour rule makes cancellable.
            created_at=timeline.created_within_a_day(rng)
            if rng.random() < RECENT_SHARE
            else timeline.created_long_ago(rng, out_day),
            insurance=rng.choice(["yes", "no"]),
            bags=rng.randint(0, 2),
            pay_with=w.initial_payment(),
        )
        ctx.notes.distractors += 1


def reservation_choice(ctx: Ctx, idx: int, res: dict[str, Any]) -> None:
    """The user's other reservations as wrong values of golden call `idx`'s reservation id."""
    others = [r for r in ctx.world.user["reservations"] if r != res["reservation_id"]]
    if others:
        alternatives = [{"value": r, "why": "other reservation"} for r in others]
        ctx.notes.choice(idx, "reservation", "reservation_id", res["reservation_id"], alternatives)


def update_payment(ctx: Ctx, mix: str, need: int) -> tuple[str, dict[str, Any]]:
    """A payment method for a flight / cabin / bag change: a credit card or one gift card. A
    gift card holds what gift cards hold (at most $300), drawn independently of the amount it
    must cover (a balance that just covers the answer would give the answer away)."""
    w = ctx.world
    if mix == "gift_cards":
        if need > GIFT_CARD_MAX:
            raise BuildRejected(f"a gift card cannot cover ${need}")
        balance = w.spare_balance(max(0, need), GIFT_CARD_MAX)
        pid = w.gift_card(balance, named=True)
        return pid, {
            "kind": "gift_card",
            "text": f"my gift card (the one with ${balance} on it)",
            "fact": str(balance),
        }
    pid = w.credit_card()
    text = w.card_text(pid)
    return pid, {"kind": "card", "text": f"my {text}", "fact": text.split()[-1]}
