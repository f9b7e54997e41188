"""Intent `add_bags`: add checked bags to a reservation, charging only the bags beyond the free
allowance (by the user's membership and the reservation's cabin, per passenger)."""

from __future__ import annotations

from domains.airline.constants import BAG_PRICE, FREE_BAGS, MAX_BAGS_PER_PASSENGER
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.reservations import (
    make_reservation,
    target_reservation,
    update_payment,
)
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import BuildRejected, WalkSegment


def build_add_bags(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, text = seg.point, ctx.world, ctx.text
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    rng = ctx.rng
    allowance = FREE_BAGS[str(w.user["membership"])][cabin]
    free = allowance * pax
    most = MAX_BAGS_PER_PASSENGER * pax  # a realistic pile (params.bag_modes)
    if p["bags"] == "free":
        if free < 1:
            raise BuildRejected("no free bag allowance")
        old = rng.randint(0, min(free, 2 * pax) - 1)
        add = rng.randint(1, min(3, min(free, most) - old))
    else:
        if free >= most:
            raise BuildRejected("no paid bag within a realistic number of bags")
        old = rng.randint(max(0, free - 2), min(free, 2 * pax))
        add = free - old + rng.randint(1, min(2, most - free))
    new_total = old + add
    nonfree = max(0, new_total - free)
    fee = BAG_PRICE * nonfree
    out_day = rng.randint(16, 26)
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=p["stops"] == "one_stop",
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if trip == "round_trip" else None,
        created_at=created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=old,
        pay_with=w.initial_payment(),
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    pid, pay = update_payment(ctx, str(p["payment_mix"]), fee)
    text.required.append(pay["fact"])
    idx = ctx.gold.call(
        "update_reservation_baggages",
        reservation_id=res["reservation_id"],
        total_baggages=new_total,
        nonfree_baggages=nonfree,
        payment_id=pid,
    )
    wrong = sorted({add, max(0, new_total - max(0, allowance - 1) * pax), 0} - {nonfree})
    alternatives = [{"value": v, "why": "free-bag miscount"} for v in wrong]
    ctx.notes.choice(idx, "bags", "nonfree_baggages", nonfree, alternatives)
    if fee:
        ctx.gold.say(f"${fee}")
    text.required.append(str(add))
    text.requests.append({"kind": "add_bags", "add": add, "payment": pay, "charge": fee, **facts})
