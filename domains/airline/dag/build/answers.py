"""Requests answered with information only, and a rule applied to a set of reservations.

`info` (axis `info`): the agent looks the facts up and states a number; nothing is written, so
the verifier checks the communicated value (a do-nothing or guessing agent fails):
- bag_allowance: the free checked bags a reservation allows in total (by the user's membership,
  the cabin and the passengers; with `behaviour=lie` the customer claims gold membership the
  record does not show, and the record's tier decides);
- balances: the sum of the user's gift-card balances and the sum of its certificates;
- trip_costs: a total over the user's upcoming reservations (`build/figures.py`).

`cancel_all`: "cancel all my upcoming reservations" for a change of plans: the gold opens every
reservation of the user and cancels each one the policy allows (booked within 24 hours, business,
or with a flight the airline cancelled) and no other, and says why the others stay.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import FREE_BAGS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.durations import build_cancel_long
from domains.airline.dag.build.figures import TOMORROW, build_trip_costs
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.refused import customer_reservation
from domains.airline.dag.build.reservations import target_reservation
from domains.airline.dag.build.sets import (
    PATHS,
    build_cancel_duplicates,
    build_cancel_listed,
    cancel_each,
    may_cancel,
    reservation_on_path,
)
from domains.dag import BuildRejected, WalkSegment


def build_info(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, rng = seg.point, ctx.world, ctx.rng
    if p["info"] == "trip_costs":
        build_trip_costs(ctx, seg)
        return
    if p["info"] == "balances":
        customer_reservation(ctx, seg)  # a customer with bookings, as every customer has
        for _ in range(rng.randint(2, 3)):
            w.gift_card(rng.randint(20, 290))
        for _ in range(rng.randint(1, 2)):
            w.certificate(rng.choice([100, 150, 250, 500]))
        ctx.lookup_user()
        methods = w.user["payment_methods"].values()
        gift = round(sum(m["amount"] for m in methods if m["source"] == "gift_card"))
        certs = round(sum(m["amount"] for m in methods if m["source"] == "certificate"))
        ctx.gold.say(f"${gift}")
        ctx.gold.say(f"${certs}")
        largest = max(round(m["amount"]) for m in methods if m["source"] == "gift_card")
        ctx.notes.wrong_facts = {f"${gift}": f"${largest}"}  # one card's balance, not the sum
        ctx.text.requests.append({"kind": "info", "info": "balances", "outcome": "info"})
        return
    pax = int(p["passengers"])
    res = customer_reservation(ctx, seg, trip="one_way", one_stop=False, bags=0)
    facts = target_reservation(ctx, seg, res)
    n = FREE_BAGS[str(w.user["membership"])][res["cabin"]] * pax
    bags = f"{n} bag{'s' * (n != 1)}"
    ctx.gold.say(
        bags,
        f"{n} checked bag{'s' * (n != 1)}",
        f"{n} free checked",
        f"{n} free bag",
        f"{n} in total",
    )
    request: dict[str, Any] = {"kind": "info", "info": "bag_allowance", "outcome": "info"}
    # The plausible wrong figure: by the tier the customer claims, or one bag per passenger off.
    wrong = n + pax
    if p.get("behaviour") == "lie":
        request["claim"] = "gold"  # the record says otherwise (membership is not gold)
        wrong = FREE_BAGS["gold"][res["cabin"]] * pax
    ctx.notes.wrong_facts = {bags: f"{wrong} bag{'s' * (wrong != 1)}"}
    ctx.text.requests.append({**request, **facts})


# Rules over other sets of reservations than every upcoming one (axis `reservations`).
SET_RULES = {
    "listed": build_cancel_listed,
    "duplicates": build_cancel_duplicates,
    "by_duration": build_cancel_long,
}


def build_cancel_all(ctx: Ctx, seg: WalkSegment) -> None:
    rule = seg.point.get("reservations", "every")
    if rule != "every":
        SET_RULES[str(rule)](ctx, seg)
        return
    p, w, rng = seg.point, ctx.world, ctx.rng
    pax = int(p["passengers"])
    n = rng.randint(3, 4)
    paths = list(PATHS)
    chosen = ["not_eligible", rng.choice(paths[:3])] + [rng.choice(paths) for _ in range(n - 2)]
    rng.shuffle(chosen)
    for path in chosen:
        reservation_on_path(ctx, path, pax)
    w.shuffle_reservations()
    ctx.lookup_user()
    upcoming, allowed = [], []
    for rid in w.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
        res = w.reservations[rid]
        if min(f["date"] for f in res["flights"]) < TOMORROW or res.get("status"):
            continue
        upcoming.append(rid)
        if may_cancel(w, res):
            allowed.append(rid)
    if not allowed or len(allowed) == len(upcoming):
        raise BuildRejected("the set needs reservations on both sides of the rule")
    cancel_each(ctx, allowed)
    kept = [r for r in upcoming if r not in allowed]
    refuse(ctx, "not_eligible", f"cancel {', '.join(kept)}: not eligible (change of plans)")
    ctx.notes.excluded_calls = [
        {"name": "cancel_reservation", "arguments": {"reservation_id": r}} for r in kept
    ]
    ctx.text.requests.append(
        {"kind": "cancel_all", "reason": "change of plans", "wanted": upcoming, "outcome": "done"}
    )
