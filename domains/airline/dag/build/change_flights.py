"""Intent `change_flights`: move a reservation's outbound to another date, picking the new flight
by the criterion, same cabin, paying or refunding the fare difference. With `leg=return` (a round
trip), the return flight moves instead, to a day after the outbound (tau2 task 21: the policy
allows changing one leg, and the new return must still come after the outbound).

A policy trap is a basic-economy reservation (it cannot be modified): the agent must refuse; the
new date's flights exist anyway, since a refusing agent may still search them.
"""

from __future__ import annotations

from domains.airline.constants import day
from domains.airline.dag.build.airports import (
    cheaper_elsewhere,
    spare_hubs,
    twin_end,
    twin_end_fits,
    twin_route,
)
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import (
    make_reservation,
    target_reservation,
    update_payment,
)
from domains.airline.dag.build.search import BEATEN_BY, Option, search_options, search_tool
from domains.airline.dag.build.timeline import created_long_ago
from domains.airline.dag.build.world import GIFT_CARD_MAX
from domains.dag import WalkSegment


def build_change_flights(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, text = seg.point, ctx.world, ctx.text
    trap = p["policy_trap"] == "yes"
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop, criterion = p["stops"] == "one_stop", str(p["selection"])
    rng = ctx.rng
    out_day = rng.randint(17, 24)
    back_day = rng.randint(out_day + 3, 30) if trip == "round_trip" else None
    new_day = rng.choice([d for d in range(16, (back_day or 31)) if d != out_day])
    back = p.get("leg") == "return" and back_day is not None
    if back:  # a day after the outbound, not the return's own
        new_day = rng.choice([d for d in range(out_day + 1, 31) if d != back_day])
    hubs_needed = ctx.k + 1 + (criterion in BEATEN_BY)  # a hub per option of the search
    two_airports = p.get("airports") == "alternative"
    airports = tuple(sorted(w.pools.airports))
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=one_stop,
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=back_day,
        created_at=created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=w.initial_payment(),
        hubs_needed=hubs_needed,
        fits=(lambda a, b: twin_end_fits(a, b, airports, hubs_needed)) if two_airports else None,
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    n_out = 2 if one_stop else 1
    old_out = res["flights"][:n_out]  # the legs that move
    kept = res["flights"][n_out:]
    origin, dest = res["origin"], res["destination"]
    if back:
        old_out, kept = res["flights"][n_out:], res["flights"][:n_out]
        origin, dest = dest, origin
        facts["leg"] = "return"
    facts.update(
        {
            "kind": "change_flights",
            "new_date": text.date_text(day(new_day)),
            "criterion": criterion,
            "stops": "one_stop" if one_stop else "direct",
            "round_trip": trip == "round_trip",
            "named": None,
        }
    )
    text.required.append(facts["new_date"])
    if not trap:
        ctx.gold.call(search_tool(one_stop), origin=origin, destination=dest, date=day(new_day))
    # One gift card ($300 at most) pays only a small fare difference.
    old_fare = sum(f["price"] for f in old_out)
    cap = old_fare + GIFT_CARD_MAX // pax if p["payment_mix"] == "gift_cards" else None
    spared: frozenset[str] = frozenset()
    found = twin_end(res, airports) if two_airports else None
    if found is not None:  # hubs left to the search from (or to) the other airport
        other = twin_route(res["origin"], res["destination"], *found)
        spared = spare_hubs((res["origin"], res["destination"]), other, airports, hubs_needed)
    gold, others = search_options(
        ctx, origin, dest, day(new_day), cabin, pax, criterion, one_stop, cap, spared
    )
    if criterion == "named":
        facts["named"] = [list(gold.legs)]
        text.required.extend(gold.legs)
    if criterion == "time_window" and text.after is not None:
        facts["after"] = text.clock_text(text.after)
    if trap:
        _, facts["payment"] = update_payment(ctx, str(p["payment_mix"]), 0)
        facts["outcome"] = "refused"
        refuse(ctx, "basic_economy", f"change flights of {res['reservation_id']}: basic economy")
        text.requests.append(facts)
        return
    if two_airports:  # cheaper from (or to) the other airport, which the route may not change to
        facts["airports"], elsewhere = cheaper_elsewhere(
            ctx, res, day(new_day), cabin, pax, one_stop, gold, others
        )
        others = [*others, *elsewhere]
        facts["airport_end"] = "to" if res["destination"] in facts["airports"] else "from"
        refuse(ctx, "route", f"change {res['reservation_id']} to the other airport: route kept")
    diff = (gold.price - old_fare) * pax
    pay_pid, pay = update_payment(ctx, str(p["payment_mix"]), diff)
    facts["payment"], facts["charge"] = pay, max(0, diff)
    text.required.append(pay["fact"])
    moved = [{"flight_number": fn, "date": gold.date} for fn in gold.legs]
    stay = [{"flight_number": f["flight_number"], "date": f["date"]} for f in kept]
    new_flights = stay + moved if back else moved + stay
    idx = ctx.gold.call(
        "update_reservation_flights",
        reservation_id=res["reservation_id"],
        cabin=cabin,
        flights=new_flights,
        payment_id=pay_pid,
    )

    def with_legs(o: Option) -> list[dict[str, str]]:
        legs = [{"flight_number": fn, "date": o.date} for fn in o.legs]
        return stay + legs if back else legs + stay

    alts = [{"value": with_legs(o), "why": o.kind} for o in others]
    if alts:
        ctx.notes.choice(idx, "flight", "flights", new_flights, alts)
    if criterion != "named":
        text.forbidden.extend(gold.legs)
    if diff:
        ctx.gold.say(f"${abs(diff)}")
    text.requests.append(facts)
