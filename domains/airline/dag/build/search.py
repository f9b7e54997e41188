"""Flights a search finds: the gold itinerary and distractors that lose on the customer's criterion.

Shared by the intents that search (book, change flights). On one route and date, the gold option
is strictly best on the criterion (cheapest, shortest, earliest) among the options with enough
seats; distractors are slightly worse (`near`), cheaper in the neighbouring cabin only
(`lookalike`), better but without seats (`sold_out`), or better on another day. Each search is
recorded in `Notes.selections` so `check` can re-derive the answer from the tools' own results.
"""

from __future__ import annotations

from dataclasses import dataclass

from domains.airline.constants import FARE_BANDS, day
from domains.airline.dag.build.context import Ctx
from domains.dag import BuildRejected

# The cabin a "cheapest" distractor undercuts: a customer who wants economy must not be sold
# the basic-economy fare, nor a business customer the economy one.
NEIGHBOUR = {"economy": "basic_economy", "business": "economy"}


@dataclass
class Option:
    """One itinerary for one direction: its legs (flight numbers) and its metrics."""

    legs: list[str]
    date: str
    price: int  # per passenger in the requested cabin, all legs
    duration: int
    departure: int
    kind: str = "gold"


def search_tool(one_stop: bool) -> str:
    return "search_onestop_flight" if one_stop else "search_direct_flight"


def _one_leg_times(ctx: Ctx, one_stop: bool) -> tuple[int, int, list[int]]:
    """(departure, total duration, [leg1 duration, layover, leg2 duration] or [duration])."""
    r = ctx.rng.randint
    if one_stop:
        legs = [5 * r(10, 44), 5 * r(7, 30), 5 * r(10, 44)]
        return 5 * r(60, 132), sum(legs), legs
    dur = 5 * r(12, 66)
    return 5 * r(66, 168), dur, [dur]


def _materialise(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    opt_prices: dict[str, int],
    dep: int,
    parts: list[int],
    seats: dict[str, int],
    hubs: list[str],
) -> list[str]:
    """Create the flights of one option; one-stop options get a hub of their own."""
    w = ctx.world
    if len(parts) == 1:
        return [w.add_flight(origin, dest, dep, parts[0], {date: w.available(opt_prices, seats)})]
    hub = hubs.pop()
    share = ctx.rng.uniform(0.35, 0.65)
    p1 = {c: max(10, round(v * share)) for c, v in opt_prices.items()}
    p2 = {c: opt_prices[c] - p1[c] for c in opt_prices}
    full = w.seats("economy", max(seats.values()) if seats else 1)
    leg1_seats, leg2_seats = (seats, full) if ctx.rng.random() < 0.5 else (full, seats)
    f1 = w.add_flight(origin, hub, dep, parts[0], {date: w.available(p1, leg1_seats)})
    f2 = w.add_flight(
        hub, dest, dep + parts[0] + parts[1], parts[2], {date: w.available(p2, leg2_seats)}
    )
    return [f1, f2]


def _stretch(parts: list[int], total: int) -> list[int]:
    """Rescale leg durations (and layover) to a new total, in 5-minute steps."""
    if len(parts) == 1:
        return [total]
    lay = max(35, min(parts[1], total // 4))
    first = 5 * max(8, ((total - lay) // 2) // 5)
    return [first, lay, total - lay - first]


def search_options(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    cabin: str,
    pax: int,
    criterion: str,
    one_stop: bool,
) -> tuple[Option, list[Option]]:
    """Gold option plus distractors on one route and date, with the gold strictly best on the
    criterion among the options that have enough seats. Records the search for `check`."""
    rng, k, w = ctx.rng, ctx.k, ctx.world
    avoid = {origin, dest} | {c for r in w.used_routes for c in r}
    hubs = [h for h in sorted(w.pools.airports) if h not in avoid]
    rng.shuffle(hubs)
    if one_stop and len(hubs) < k + 1:
        hubs = [h for h in sorted(w.pools.airports) if h not in (origin, dest)]
        rng.shuffle(hubs)
        if len(hubs) < k + 1:
            raise BuildRejected("not enough hubs for one-stop distractors")
    lo, hi = FARE_BANDS[cabin]
    gold_price = rng.randint(lo, hi) * (2 if one_stop else 1)
    dep, dur, parts = _one_leg_times(ctx, one_stop)
    if criterion == "earliest":
        dep = 5 * rng.randint(60, 96)
    gold_prices = w.prices(cabin, gold_price)
    legs = _materialise(ctx, origin, dest, date, gold_prices, dep, parts, w.seats(cabin, pax), hubs)
    gold = Option(legs, date, gold_price, dur, dep)
    others: list[Option] = []
    kinds = ["near"] * k
    if k >= 1 and criterion == "cheapest" and cabin in NEIGHBOUR:
        kinds[0] = "lookalike"
    if k >= 3 and criterion != "named":
        kinds[1] = "sold_out"
    for kind in kinds:
        d_dep, d_dur, d_parts = _one_leg_times(ctx, one_stop)
        price = rng.randint(lo, hi) * (2 if one_stop else 1)
        enough = True
        if criterion == "cheapest":
            price = gold_price + rng.randint(6, 90)
        elif criterion == "shortest":
            extra = 5 * rng.randint(3, 24)
            d_parts = _stretch(d_parts, dur + extra)
            d_dur = sum(d_parts)
        elif criterion == "earliest":
            d_dep = dep + 5 * rng.randint(4, 60)
        if kind == "sold_out":
            enough = False
            if criterion == "cheapest":
                price = max(20, gold_price - rng.randint(5, 40))
            elif criterion == "shortest":
                d_parts = _stretch(d_parts, max(60, dur - 5 * rng.randint(2, 8)))
                d_dur = sum(d_parts)
            elif criterion == "earliest":
                d_dep = dep - 5 * rng.randint(2, 12)
        prices = w.prices(cabin, price)
        if kind == "lookalike":
            # Cheapest overall in the neighbouring cabin, dearer in the requested one.
            n = NEIGHBOUR[cabin]
            prices[n] = max(15, gold_prices[n] - rng.randint(5, 40))
            prices["basic_economy"] = min(prices["basic_economy"], prices["economy"] - 10)
            if not prices[n] < prices[cabin]:
                kind = "near"
        seats = w.seats(cabin, pax, enough)
        try:
            d_legs = _materialise(ctx, origin, dest, date, prices, d_dep, d_parts, seats, hubs)
        except BuildRejected:
            continue
        others.append(Option(d_legs, date, price, d_dur, d_dep, kind))
        ctx.notes.distractors += 1
    if k >= 3:
        # Same route, another day, better on every count: only a date mix-up picks it.
        other_day = day(int(date[-2:]) + (1 if int(date[-2:]) < 30 else -1))
        p = max(20, gold_price - rng.randint(5, 30))
        w.add_flight(
            origin,
            dest,
            max(300, dep - 30),
            max(60, dur - 20),
            {other_day: w.available(w.prices(cabin, p), w.seats(cabin, pax))},
        )
        ctx.notes.distractors += 1
    fair = [o for o in others if o.kind != "sold_out"]
    if fair and criterion != "named":
        metric = {"cheapest": "price", "shortest": "duration", "earliest": "departure"}[criterion]
        best = min(getattr(o, metric) for o in fair)
        ctx.notes.price_gaps.append(
            min(1.0, (best - getattr(gold, metric)) / max(1, getattr(gold, metric)))
        )
    ctx.notes.selections.append(
        {
            "tool": search_tool(one_stop),
            "args": {"origin": origin, "destination": dest, "date": date},
            "criterion": criterion,
            "cabin": cabin,
            "pax": pax,
            "gold": legs,
        }
    )
    return gold, others
