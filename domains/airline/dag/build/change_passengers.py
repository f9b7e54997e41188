"""Intent `change_passengers`: replace one passenger's details on a reservation.

The number of passengers cannot change: a policy trap is a request to add one more (refused).
With distractors, a companion shares the surname of the passenger being replaced.
"""

from __future__ import annotations

from domains.airline.constants import CABIN_WORDS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import (
    make_reservation,
    target_reservation,
)
from domains.airline.dag.build.timeline import created_long_ago
from domains.dag import WalkSegment


def build_change_passengers(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, text = seg.point, ctx.world, ctx.text
    trap = p["policy_trap"] == "yes"
    pax, rng = int(p["passengers"]), ctx.rng
    travellers = w.travellers(pax)
    if ctx.k >= 1 and pax >= 2:
        # A companion who shares the replaced passenger's surname.
        travellers[-1] = w.person(last=travellers[0]["last_name"])
        ctx.notes.distractors += 1
    out_day = rng.randint(16, 26)
    res = make_reservation(
        ctx,
        cabin=rng.choice(list(CABIN_WORDS)),
        trip="one_way",
        one_stop=False,
        passengers=travellers,
        out_day=out_day,
        back_day=None,
        created_at=created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=w.initial_payment(),
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    newcomer = w.person()
    text.required += [newcomer["first_name"], newcomer["last_name"], newcomer["dob"]]
    if trap:
        note = f"passengers of {res['reservation_id']}: the count cannot change"
        refuse(ctx, "passenger_count", note)
        request = {"kind": "change_passengers", "add": newcomer, "old": None}
        text.requests.append({**request, "outcome": "refused", **facts})
        return
    j = 0 if pax == 1 else rng.randrange(pax)
    old = travellers[j]
    updated = [dict(t) for t in travellers]
    updated[j] = newcomer
    text.required += [old["first_name"], old["last_name"]]
    idx = ctx.gold.call(
        "update_reservation_passengers", reservation_id=res["reservation_id"], passengers=updated
    )
    wrong = []
    for i in range(pax):
        if i != j:
            alt = [dict(t) for t in travellers]
            alt[i] = newcomer
            wrong.append({"value": alt, "why": "replaced the wrong passenger"})
    if wrong:
        ctx.notes.choice(idx, "passenger", "passengers", updated, wrong)
    text.requests.append({"kind": "change_passengers", "add": newcomer, "old": old, **facts})
