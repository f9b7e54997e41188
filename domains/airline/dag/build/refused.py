"""Requests the policy always refuses: insurance after booking, a delay complaint with no change,
and the partial changes no agent may make.

tau2's writers test these because a helpful agent is tempted to act: add the insurance the
customer "thought they had", compensate a delay the customer is upset about, or make the part
of a change that is easy (drop one passenger, remove a bag, upgrade one segment, move the trip to
another city). The gold is the lookups that show what the record says, then a refusal with its
reason said (the verifier fails a silent refusal and any write); nothing in the world changes.

- `insurance`: add travel insurance to a booked reservation, or have the insurance refunded
  without cancelling (insurance is bought with the booking only);
- `complaint`: a flight of the reservation is delayed, the customer complains and asks for
  compensation but keeps the trip (a delay is compensated only with a change or cancellation);
- `partial_change` (axis `partial`): remove one passenger (the count is fixed), remove checked
  bags (they can only be added), change the cabin of one segment (one cabin per reservation),
  change the origin or destination (only flights may change, not the route).
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import CABIN_WORDS, COMPENSATION_PER_PASSENGER
from domains.airline.dag.build import timeline
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import make_reservation, target_reservation
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import WalkSegment


def customer_reservation(ctx: Ctx, seg: WalkSegment, **shape: Any) -> dict[str, Any]:
    """The customer's upcoming reservation the request is about (the point's shape unless
    `shape` overrides it), and the golden lookups that find it."""
    p, w, rng = seg.point, ctx.world, ctx.rng
    pax, trip = int(p["passengers"]), str(shape.pop("trip", p["trip_type"]))
    out_day = int(shape.pop("out_day", rng.randint(16, 26)))
    res = make_reservation(
        ctx,
        cabin=str(shape.pop("cabin", p["cabin"])),
        trip=trip,
        one_stop=bool(shape.pop("one_stop", p["stops"] == "one_stop")),
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if trip == "round_trip" else None,
        created_at=created_long_ago(rng, out_day),
        insurance=str(shape.pop("insurance", rng.choice(["yes", "no"]))),
        bags=int(shape.pop("bags", rng.randint(0, pax))),
        pay_with=w.initial_payment(),
        **shape,
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    return res


def build_insurance(ctx: Ctx, seg: WalkSegment) -> None:
    refund = ctx.rng.random() < 0.5
    res = customer_reservation(ctx, seg, insurance="yes" if refund else "no")
    facts = target_reservation(ctx, seg, res)
    rid = res["reservation_id"]
    if refund:
        refuse(ctx, "insurance_refund", f"insurance of {rid}: not refundable on its own")
    else:
        refuse(ctx, "insurance_after_booking", f"insurance on {rid}: only with the booking")
    variant = "refund" if refund else "add"
    ctx.text.requests.append(
        {"kind": "insurance", "variant": variant, "outcome": "refused", **facts}
    )


def build_complaint(ctx: Ctx, seg: WalkSegment) -> None:
    rng = ctx.rng
    flight_day = rng.randint(15, 16)
    late = 5 * rng.randint(9, 48)

    def late_by(date: str, dep: int, dur: int) -> dict[str, Any]:
        return timeline.status_on(rng, "delayed", date, dep, dur, late)

    departs = (16 * 60, 20 * 60) if flight_day == 15 else (6 * 60, 20 * 60)
    res = customer_reservation(
        ctx,
        seg,
        trip="one_way",
        one_stop=False,
        out_day=flight_day,
        statuses={0: late_by},
        departure=departs,
    )
    facts = target_reservation(ctx, seg, res)
    f = res["flights"][0]
    ctx.gold.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
    fdate = ctx.text.date_text(f["date"])
    ctx.text.required += [f["flight_number"], fdate]
    refuse(ctx, "delay_kept", f"complaint about {f['flight_number']}: delayed, trip kept")
    # What an agent moved by the complaint sends: the delay rate, as if the trip were changed.
    amount = COMPENSATION_PER_PASSENGER["delayed"] * len(res["passengers"])
    ctx.notes.refused_call = {
        "name": "send_certificate",
        "arguments": {"user_id": ctx.world.user["user_id"], "amount": amount},
    }
    request = {"kind": "complaint", "flight": f["flight_number"], "date": fdate}
    ctx.text.requests.append({**request, "outcome": "refused", **facts})


def build_partial_change(ctx: Ctx, seg: WalkSegment) -> None:
    p, rng = seg.point, ctx.rng
    partial = str(p["partial"])
    shape: dict[str, Any] = {}
    if partial == "remove_bags":
        shape["bags"] = rng.randint(1, int(p["passengers"]) + 1)
    res = customer_reservation(ctx, seg, **shape)
    facts = target_reservation(ctx, seg, res)
    rid = res["reservation_id"]
    request: dict[str, Any] = {"kind": "partial_change", "partial": partial, "outcome": "refused"}
    if partial == "remove_passenger":
        who = res["passengers"][-1]
        request["passenger"] = f"{who['first_name']} {who['last_name']}"
        ctx.text.required.append(who["first_name"])
        refuse(ctx, "passenger_removal", f"passengers of {rid}: the count cannot change")
    elif partial == "remove_bags":
        request["bags"] = res["total_baggages"]
        card = next(
            pid
            for pid, m in ctx.world.user["payment_methods"].items()
            if m["source"] == "credit_card"
        )
        ctx.notes.refused_call = {
            "name": "update_reservation_baggages",
            "arguments": {
                "reservation_id": rid,
                "total_baggages": 0,
                "nonfree_baggages": 0,
                "payment_id": card,
            },
        }
        refuse(ctx, "bags_removed", f"bags of {rid}: they can be added, never removed")
    elif partial == "one_segment_cabin":
        others = [c for c in CABIN_WORDS if c != res["cabin"]]
        request["cabin"] = CABIN_WORDS[rng.choice(others)]
        request["segment"] = res["flights"][0]["flight_number"]
        ctx.text.required.append(request["segment"])
        refuse(ctx, "one_cabin", f"cabin of one segment of {rid}: one cabin per reservation")
    else:
        airports = sorted(set(ctx.text.airports) - {res["origin"], res["destination"]})
        request["new_destination"] = ctx.text.place_text(rng.choice(airports))
        refuse(ctx, "route", f"destination of {rid}: only flights may change, not the route")
    ctx.text.requests.append({**request, **facts})
