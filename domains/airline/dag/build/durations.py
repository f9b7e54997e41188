"""Axis `reservations=by_duration` of `cancel_all` (with `info=durations`): "cancel every
upcoming reservation that has a flight longer than H hours, and tell me the durations".

The customer's upcoming reservations fly routes of every length. The threshold H is a whole
number of hours drawn so that reservations fall on both sides of it and no flight is within 15
minutes of it (the answer never hangs on a rounding). The gold opens every reservation, states
the longest flight of each (from the schedule: arrival minus departure), and cancels each long
one the policy allows for a change of plans; a long one it does not allow stays, with the
reason said. Cancelling a short one is overreach.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import minutes
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.figures import upcoming
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.sets import PATHS, cancel_each, may_cancel, reservation_on_path
from domains.dag import BuildRejected, WalkSegment

THRESHOLDS = (2, 3, 4, 5)  # hours
MARGIN = 15  # minutes: no flight this close to the threshold


def longest_flight(w: Any, res: dict[str, Any]) -> int:
    """Minutes of the reservation's longest flight, by its schedule."""
    out = 0
    for f in res["flights"]:
        flight = w.flights[f["flight_number"]]
        dep = minutes(flight["scheduled_departure_time_est"])
        arr = minutes(flight["scheduled_arrival_time_est"])
        out = max(out, arr - dep)
    return out


def duration_words(m: int) -> list[str]:
    """How a duration is written: '4 hours 20 minutes', '4h 20m', '260 minutes', ... (the
    first is how the gold says it)."""
    h, r = divmod(m, 60)
    if not h:  # under an hour reads '50 minutes', never '0 hours 50 minutes'
        return [f"{r} minutes", f"{r} min", f"{r}m", f"0:{r:02d}", f"0h {r}m"]
    if not r:
        return [f"{h} hours" if h != 1 else "1 hour", f"{h}h", f"{m} minutes", f"{h}:00"]
    hours = f"{h} hour{'s' * (h != 1)}"
    return [
        f"{hours} {r} minutes",
        f"{hours} and {r} minutes",
        f"{h}h {r}m",
        f"{h}h{r}m",
        f"{h} hr {r} min",
        f"{h}h {r}min",
        f"{m} minutes",
        f"{h}:{r:02d}",
    ]


def reads_alike(a: int, b: int) -> bool:
    """Whether one duration is said inside the words for the other ('4 hours' in '4 hours 20
    minutes', '50 minutes' in '1 hour 50 minutes'): the verifier would take one stated for
    both."""
    (ha, ra), (hb, rb) = divmod(a, 60), divmod(b, 60)
    if a == b:
        return False
    return ((ra == 0 or rb == 0) and ha == hb) or ((ha == 0 or hb == 0) and ra == rb)


def build_cancel_long(ctx: Ctx, seg: WalkSegment) -> None:
    w, rng = ctx.world, ctx.rng
    pax = int(seg.point["passengers"])
    for _ in range(rng.randint(4, 5)):
        reservation_on_path(ctx, rng.choice(PATHS), pax)
    w.shuffle_reservations()
    mine = [w.reservations[r] for r in w.user["reservations"] if upcoming(w.reservations[r])]
    length = {r["reservation_id"]: longest_flight(w, r) for r in mine}
    if any(reads_alike(a, b) for a in length.values() for b in length.values()):
        raise BuildRejected("two durations read alike: stating one would state the other")
    hours = _threshold(ctx, list(length.values()), mine)
    ctx.lookup_user()
    for rid in w.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
    for r in mine:
        words = duration_words(length[r["reservation_id"]])
        ctx.gold.say(words[0], *words[1:])
    first = length[mine[0]["reservation_id"]]
    # A slip of half an hour in one subtraction (the sim targets' misstated fact).
    slip = first + 30 if not reads_alike(first, first + 30) else first - 30
    ctx.notes.wrong_facts = {duration_words(first)[0]: duration_words(slip)[0]}
    long = [r["reservation_id"] for r in mine if length[r["reservation_id"]] > hours * 60]
    allowed = [r for r in long if may_cancel(w, w.reservations[r])]
    cancel_each(ctx, allowed)
    kept = [r for r in long if r not in allowed]
    if kept:
        refuse(ctx, "not_eligible", f"cancel {', '.join(kept)}: not eligible (change of plans)")
    short = [r["reservation_id"] for r in mine if r["reservation_id"] not in long]
    ctx.notes.excluded_calls = [
        {"name": "cancel_reservation", "arguments": {"reservation_id": r}} for r in kept + short
    ]
    ctx.text.requests.append(
        {
            "kind": "cancel_all",
            "set": "by_duration",
            "info": "durations",
            "hours": hours,
            "reason": "change of plans",
            "wanted": long,
            "outcome": "done",
        }
    )


def _threshold(ctx: Ctx, lengths: list[int], mine: list[dict[str, Any]]) -> int:
    """A whole number of hours with a cancellable reservation above it, a cancellable one
    below it (the overreach an agent can make) and no flight near it."""
    w = ctx.world
    fits = []
    for h in THRESHOLDS:
        if any(abs(m - h * 60) < MARGIN for m in lengths):
            continue
        above = [r for r, m in zip(mine, lengths, strict=True) if m > h * 60]
        below = [r for r, m in zip(mine, lengths, strict=True) if m < h * 60]
        if any(may_cancel(w, r) for r in above) and any(may_cancel(w, r) for r in below):
            fits.append(h)
    if not fits:
        raise BuildRejected("no threshold splits the reservations")
    return int(ctx.rng.choice(fits))
