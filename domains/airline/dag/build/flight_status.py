"""Intent `flight_status`: report a flight's status on a date (no user lookup, no write).

The status is one of the five a date can have; with distractors, other days of the same flight
have other statuses, so only a date mix-up reads them.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import TODAY, day
from domains.airline.dag.build import timeline
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import STATUS_WORDS
from domains.airline.dag.build.world import LAST_ARRIVAL
from domains.airline.network import block_minutes
from domains.dag import WalkSegment

NOW = 15 * 60  # tau2's "now", 15:00, in minutes after midnight


def build_flight_status(ctx: Ctx, seg: WalkSegment) -> None:
    rng, w = ctx.rng, ctx.world
    status = rng.choice(["delayed", "on time", "flying", "landed", "cancelled"])
    d = day(TODAY) if status != "cancelled" else day(rng.randint(16, 22))
    origin, dest = w.route()
    dur = block_minutes(origin, dest)
    last = LAST_ARRIVAL - dur
    # The schedule each status allows today (the status must agree with the clock).
    lo, hi = {
        "landed": (6 * 60, NOW - dur - 55),  # up to 35 min late, 15 slower: landed by now
        "flying": (NOW + 20 - dur, NOW - 25),
        "on time": (NOW + 10, last),
        "delayed": (12 * 60, last),
        "cancelled": (6 * 60, last),
    }[status]
    dep = 5 * rng.randint(lo // 5, max(lo, hi) // 5)
    entry: dict[str, Any] = {"status": status}
    if status != "cancelled":
        least = max(30, NOW + 10 - dep)  # a delayed flight leaves after now
        late = 5 * rng.randint(least // 5, max(least, 240) // 5) if status == "delayed" else 0
        entry = timeline.status_on(rng, status, d, dep, dur, late)
    dates: dict[str, Any] = {d: entry}
    # Other days of the same flight with other statuses: only a date mix-up reads them.
    for off in range(1, min(ctx.k, 4) + 1):
        other = day(int(d[-2:]) + off)
        fare = w.price("economy", origin, dest, rng.uniform(0.1, 0.9))
        dates[other] = w.available(w.prices(origin, dest, "economy", fare), w.seats("economy", 1))
        ctx.notes.distractors += 1
    fn = w.add_flight(origin, dest, dep, dict(sorted(dates.items())))
    ctx.gold.call("get_flight_status", flight_number=fn, date=d)
    ctx.gold.say(*STATUS_WORDS[status])
    fdate = ctx.text.date_text(d)
    ctx.text.required += [fn, fdate]
    ctx.text.requests.append({"kind": "flight_status", "flight": fn, "date": fdate})
