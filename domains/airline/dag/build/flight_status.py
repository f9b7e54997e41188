"""Intent `flight_status`: report a flight's status on a date (no user lookup, no write).

The status is one of the five a date can have; with distractors, other days of the same flight
have other statuses, so only a date mix-up reads them.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import TODAY, day, hhmm
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import STATUS_WORDS
from domains.dag import WalkSegment


def build_flight_status(ctx: Ctx, seg: WalkSegment) -> None:
    rng, w = ctx.rng, ctx.world
    status = rng.choice(["delayed", "on time", "flying", "landed", "cancelled"])
    d = (
        day(TODAY)
        if status in ("delayed", "on time", "flying", "landed")
        else day(rng.randint(16, 22))
    )
    origin, dest = w.route()
    dep = 5 * rng.randint(90, 130)
    dur = 5 * rng.randint(14, 50)
    entry: dict[str, Any] = {"status": status}

    def at(minutes: int) -> str:
        return f"{d}T{hhmm(minutes)}"

    if status in ("delayed", "on time"):
        shift = 5 * rng.randint(6, 40) if status == "delayed" else 0
        entry.update(
            estimated_departure_time_est=at(dep + shift),
            estimated_arrival_time_est=at(dep + dur + shift),
        )
    elif status == "flying":
        dep = 5 * rng.randint(150, 170)
        entry.update(
            actual_departure_time_est=at(dep + 5), estimated_arrival_time_est=at(dep + dur)
        )
    elif status == "landed":
        dep = 5 * rng.randint(70, 140)
        entry.update(
            actual_departure_time_est=at(dep + 5), actual_arrival_time_est=at(dep + dur + 10)
        )
    dates: dict[str, Any] = {d: entry}
    # Other days of the same flight with other statuses: only a date mix-up reads them.
    for off in range(1, min(ctx.k, 4) + 1):
        other = day(int(d[-2:]) + off)
        prices = w.prices("economy", rng.randint(90, 300))
        dates[other] = w.available(prices, w.seats("economy", 1))
        ctx.notes.distractors += 1
    fn = w.add_flight(origin, dest, dep, dur, dict(sorted(dates.items())))
    ctx.gold.call("get_flight_status", flight_number=fn, date=d)
    ctx.gold.say(*STATUS_WORDS[status])
    fdate = ctx.text.date_text(d)
    ctx.text.required += [fn, fdate]
    ctx.text.requests.append({"kind": "flight_status", "flight": fn, "date": fdate})
