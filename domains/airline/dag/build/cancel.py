"""Intent `cancel`: cancel a reservation when the policy allows it, refuse when it does not, and
hand a reservation with a flown flight to a human agent.

Allowed paths: booked within the last 24 hours, the airline cancelled a flight, business cabin,
or travel insurance with a covered reason. A policy trap is a reservation none of these covers.
"""

from __future__ import annotations

from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import (
    Status,
    cancelled,
    flown,
    make_reservation,
    reservation_choice,
    target_reservation,
)
from domains.airline.dag.build.timeline import created_long_ago, created_within_a_day
from domains.dag import WalkSegment


def build_cancel(ctx: Ctx, seg: WalkSegment) -> None:
    p, w = seg.point, ctx.world
    if p.get("flown") == "yes":
        _cancel_flown(ctx, seg)
        return
    trap = p["policy_trap"] == "yes"
    cabin, insurance = str(p["cabin"]), str(p["insurance"])
    pax, trip = int(p["passengers"]), str(p["trip_type"])
    rng = ctx.rng
    out_day = rng.randint(17, 26)
    created = created_long_ago(rng, out_day)
    statuses: dict[int, Status] = {}
    reason = "change of plans"
    if trap:
        path = "not_eligible"
        reason = rng.choice(["change of plans", "I found a better option elsewhere"])
    else:
        paths = ["24h", "airline_cancelled"]
        if cabin == "business":
            paths = ["business"]
        elif insurance == "yes":
            paths.append("insurance")
        path = rng.choice(paths)
        if path == "24h":
            created = created_within_a_day(rng)
        elif path == "airline_cancelled":
            statuses[0] = cancelled
            reason = "the airline cancelled my flight"
        elif path == "insurance":
            reason = rng.choice(
                ["I'm sick and can't travel", "a storm is forecast at my destination"]
            )
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=p["stops"] == "one_stop",
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if trip == "round_trip" else None,
        created_at=created,
        insurance=insurance,
        bags=rng.randint(0, pax),
        pay_with=w.initial_payment(),
        statuses=statuses,
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    if path == "airline_cancelled":
        f = res["flights"][0]
        ctx.gold.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
    if trap:
        refuse(ctx, "not_eligible", f"cancel {res['reservation_id']}: not eligible ({reason})")
    else:
        idx = ctx.gold.call("cancel_reservation", reservation_id=res["reservation_id"])
        reservation_choice(ctx, idx, res)
    outcome = "refused" if trap else "done"
    request = {"kind": "cancel", "reason": reason, "path": path, "outcome": outcome}
    ctx.text.requests.append({**request, **facts})


def _cancel_flown(ctx: Ctx, seg: WalkSegment) -> None:
    """Cancel a round trip whose outbound was already flown: no agent may cancel it, so the
    correct action is a transfer to a human agent (and nothing in the world changes)."""
    p, rng, w = seg.point, ctx.rng, ctx.world
    pax, one_stop = int(p["passengers"]), p["stops"] == "one_stop"
    out_day, back_day = rng.randint(6, 13), rng.randint(17, 28)
    res = make_reservation(
        ctx,
        cabin=str(p["cabin"]),
        trip="round_trip",
        one_stop=one_stop,
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=back_day,
        created_at=created_long_ago(rng, out_day),
        insurance=str(p["insurance"]),
        bags=rng.randint(0, pax),
        pay_with=w.initial_payment(),
        statuses={i: flown(ctx) for i in range(2 if one_stop else 1)},
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    reason = rng.choice(["change of plans", "I can't make the return trip anymore"])
    rid = res["reservation_id"]
    ctx.gold.call(
        "transfer_to_human_agents",
        summary=f"User {w.user['user_id']} wants to cancel reservation {rid}, "
        "whose outbound flight was already flown; agents cannot cancel it.",
    )
    ctx.notes.transfer = True
    # The reason is said too (before the transfer), so a transfer alone, without telling the
    # customer why, is not enough (and doing nothing fails on tau2's terms as well).
    refuse(ctx, "flown", f"cancel {rid}: a flight was already flown (transfer to a human)")
    request = {"kind": "cancel", "reason": reason, "path": "flown", "outcome": "transfer"}
    ctx.text.requests.append({**request, **facts})
