"""Figures computed over several reservations (axis `info` of the `info` intent; the single
figures, bag allowance and balances, are `build/answers.py`):

- trip_costs: the total the customer paid for its upcoming reservations (the amounts charged
  for each, insurance included, as their payment histories show). Trips already flown are left
  out: counting them is the plausible wrong figure. Every reservation must be opened, and
  nothing is written, so the verifier checks the stated total.
"""

from __future__ import annotations

from typing import Any

from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.reservations import flown, make_reservation
from domains.airline.dag.build.sets import PATHS, reservation_on_path
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import WalkSegment

TOMORROW = "2024-05-16"  # upcoming: every flight from tomorrow on (today's may be flown)


def upcoming(res: dict[str, Any]) -> bool:
    return min(f["date"] for f in res["flights"]) >= TOMORROW and not res.get("status")


def paid(res: dict[str, Any]) -> int:
    return round(sum(p["amount"] for p in res["payment_history"]))


def build_trip_costs(ctx: Ctx, seg: WalkSegment) -> None:
    w, rng = ctx.world, ctx.rng
    pax = int(seg.point["passengers"])
    for _ in range(rng.randint(2, 3)):
        reservation_on_path(ctx, rng.choice(PATHS), rng.randint(1, pax))
    for _ in range(rng.randint(1, 2)):  # already flown: not part of the answer
        out_day = rng.randint(3, 12)
        make_reservation(
            ctx,
            cabin=rng.choice(["basic_economy", "economy", "business"]),
            trip="one_way",
            one_stop=False,
            passengers=w.travellers(rng.randint(1, pax)),
            out_day=out_day,
            back_day=None,
            created_at=created_long_ago(rng, out_day),
            insurance=rng.choice(["yes", "no"]),
            bags=0,
            pay_with=w.initial_payment(),
            statuses={0: flown(ctx)},
        )
    w.shuffle_reservations()
    ctx.lookup_user()
    for rid in w.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
    mine = [w.reservations[r] for r in w.user["reservations"]]
    total = sum(paid(r) for r in mine if upcoming(r))
    everything = sum(paid(r) for r in mine)
    ctx.gold.say(f"${total}")
    ctx.notes.wrong_facts = {f"${total}": f"${everything}"}  # the flown trips counted too
    ctx.text.requests.append({"kind": "info", "info": "trip_costs", "outcome": "info"})
