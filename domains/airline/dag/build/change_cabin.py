"""Intent `change_cabin`: move every flight of a reservation to another cabin at today's prices,
paying or refunding the difference.

A policy trap is a reservation whose outbound was already flown (the cabin cannot change once a
segment is flown): the agent must refuse.
"""

from __future__ import annotations

from domains.airline.constants import CABIN_WORDS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.downgrade import build_downgrade_all
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import (
    Status,
    flown,
    make_reservation,
    target_reservation,
    update_payment,
)
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import WalkSegment


def build_change_cabin(ctx: Ctx, seg: WalkSegment) -> None:
    if seg.point.get("reservations") == "all_business":
        build_downgrade_all(ctx, seg)
        return
    p, w, text = seg.point, ctx.world, ctx.text
    trap = p["policy_trap"] == "yes"
    target, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop = p["stops"] == "one_stop"
    rng = ctx.rng
    # A customer's condition falls back to economy, so its reservation is in basic economy.
    conditional = p.get("behaviour") == "condition"
    original = rng.choice(
        ["basic_economy"] if conditional else [c for c in CABIN_WORDS if c != target]
    )
    statuses: dict[int, Status] = {}
    back_day: int | None
    if trap:
        out_day, back_day = rng.randint(8, 13), rng.randint(17, 28)
        for i in range(2 if one_stop else 1):
            statuses[i] = flown(ctx)
    else:
        out_day = rng.randint(16, 25)
        back_day = rng.randint(out_day + 1, 30) if trip == "round_trip" else None
    res = make_reservation(
        ctx,
        cabin=original,
        trip=trip,
        one_stop=one_stop,
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=back_day,
        created_at=created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=w.initial_payment(),
        statuses=statuses,
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    facts.update({"kind": "change_cabin", "cabin": CABIN_WORDS[target]})
    text.required.append(CABIN_WORDS[target])
    if trap:
        _, facts["payment"] = update_payment(ctx, str(p["payment_mix"]), 0)
        facts["outcome"] = "refused"
        refuse(ctx, "flown", f"change cabin of {res['reservation_id']}: a segment was flown")
        text.requests.append(facts)
        return
    diff = 0
    for f in res["flights"]:
        ctx.gold.call(
            "search_direct_flight", origin=f["origin"], destination=f["destination"], date=f["date"]
        )
        current = w.flights[f["flight_number"]]["dates"][f["date"]]["prices"][target]
        diff += (current - f["price"]) * pax
    pid, pay = update_payment(ctx, str(p["payment_mix"]), diff)
    facts["payment"], facts["charge"] = pay, max(0, diff)
    text.required.append(pay["fact"])
    same = [{"flight_number": f["flight_number"], "date": f["date"]} for f in res["flights"]]
    idx = ctx.gold.call(
        "update_reservation_flights",
        reservation_id=res["reservation_id"],
        cabin=target,
        flights=same,
        payment_id=pid,
    )
    alternatives = [{"value": c, "why": "cabin confusion"} for c in CABIN_WORDS if c != target]
    ctx.notes.choice(idx, "cabin", "cabin", target, alternatives)
    if diff:
        ctx.gold.say(f"${abs(diff)}")
    text.requests.append(facts)
