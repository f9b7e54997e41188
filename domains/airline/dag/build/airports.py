"""Axis `airports=alternative`: a city with two airports, on a one-way trip picked by price.

The customer lives in a city that several airports serve (New York: JFK, LGA, EWR) and names
two of them as equally convenient. Which airport the customer names first is drawn, so the
order of the words does not give the answer away.
- book: the agent must search both and book the cheapest option over the two searches: the
  first airport's best is dearer than the second's, so an agent that stops after one search
  books the wrong flights;
- change_flights: the reservation's end in that city may not change (the policy forbids a new
  origin or destination), and the other airport has a cheaper flight that day: the gold keeps
  the route, takes the cheapest on it, and says why (tau2's task of the kind tests exactly this).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.search import Option, search_options, search_tool
from domains.airline.network import COORDINATES, hubs, metro
from domains.dag import BuildRejected

# The alternative's best undercuts the first airport's best by at least this much (per seat).
MARGIN = 6


@dataclass
class TwoAirports:
    """The airport the gold leaves from, the one that loses, and the losing airport's options."""

    gold: str
    other: str
    rivals: list[Option]


def twins(code: str, airports: tuple[str, ...]) -> list[str]:
    """Other airports of `airports` serving the same city as `code`."""
    return [c for c in airports if c != code and c in COORDINATES and metro(c) == metro(code)]


Route = tuple[str, str]


def spare_hubs(
    first: Route, second: Route, airports: tuple[str, ...], needed: int
) -> frozenset[str]:
    """Hubs the first route's search leaves to the second's (the hubs the first route cannot
    use before the others). The two routes share an end: a hub both searches connect through
    lets the search tool pair one search's first leg with the other's second, an itinerary
    nobody built (it undercut the gold in 22% of one-stop candidates)."""
    mine = set(hubs(*first, airports))
    theirs = sorted(hubs(*second, airports), key=lambda h: h in mine)
    return frozenset(theirs[:needed])


def routes_fit(first: Route, second: Route, airports: tuple[str, ...], needed: int) -> bool:
    """Whether both routes' searches find enough hubs without sharing one."""
    if len(hubs(*second, airports)) < needed:
        return False
    spared = spare_hubs(first, second, airports, needed)
    return len(set(hubs(*first, airports)) - spared) >= needed


def hubs_taken(w: Any, options: list[Option]) -> frozenset[str]:
    """The hubs the one-stop options connect through."""
    return frozenset(w.flights[o.legs[0]]["destination"] for o in options if len(o.legs) == 2)


def twin_route_fits(a: str, b: str, airports: tuple[str, ...], hubs_needed: int) -> bool:
    """Whether `a` has a twin airport that also flies to `b`, both through enough hubs."""
    return any(routes_fit((a, b), (t, b), airports, hubs_needed) for t in twins(a, airports))


def twin_end_fits(a: str, b: str, airports: tuple[str, ...], hubs_needed: int) -> bool:
    """Whether an end of a-b has a twin airport that the trip could fly from or to instead."""
    found = twin_end({"origin": a, "destination": b}, airports)
    return found is not None and routes_fit((a, b), twin_route(a, b, *found), airports, hubs_needed)


def twin_route(origin: str, dest: str, end: str, twin: str) -> Route:
    """The route with `end` of origin-dest replaced by its twin airport."""
    return (origin, twin) if end == dest else (twin, dest)


def search_both(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    cabin: str,
    pax: int,
    one_stop: bool,
    hubs_needed: int,
    budget: int | None,
) -> tuple[TwoAirports, Option, list[Option]]:
    """Search from `origin` and from a twin of it; the twin's search holds the gold, strictly
    cheaper than anything with seats from `origin`. Records both golden searches."""
    w = ctx.world
    airports = tuple(sorted(w.pools.airports))
    route = (origin, dest)
    choices = [
        t for t in twins(origin, airports) if routes_fit(route, (t, dest), airports, hubs_needed)
    ]
    if not choices:
        raise BuildRejected(f"no other airport of {metro(origin)} flies to {dest}")
    alt = ctx.rng.choice(choices)
    w.used_routes.add((alt, dest))
    spared = spare_hubs(route, (alt, dest), airports, hubs_needed)
    ctx.gold.call(search_tool(one_stop), origin=origin, destination=dest, date=date)
    best, rest = search_options(
        ctx, origin, dest, date, cabin, pax, "cheapest", one_stop, budget, spared
    )
    rival_search = ctx.notes.selections[-1]["args"]
    cap = best.price - MARGIN if budget is None else min(budget, best.price - MARGIN)
    ctx.gold.call(search_tool(one_stop), origin=alt, destination=dest, date=date)
    taken = hubs_taken(w, [best, *rest])
    gold, others = search_options(
        ctx, alt, dest, date, cabin, pax, "cheapest", one_stop, cap, taken
    )
    # `check` runs the other airport's search again: nothing there with seats is as cheap.
    ctx.notes.selections[-1]["rivals"] = rival_search
    best.kind = "other_airport"
    rivals = [best, *(o for o in rest if o.kind != "sold_out")]
    return TwoAirports(gold=alt, other=origin, rivals=rivals), gold, [*rivals, *others]


def twin_end(res: dict[str, Any], airports: tuple[str, ...]) -> tuple[str, str] | None:
    """(the reservation's end served by another airport too, that other airport)."""
    for end in (res["destination"], res["origin"]):
        found = twins(end, airports)
        if found:
            return end, found[0]
    return None  # (the route was drawn with `twin_end_fits`: not reached)


def cheaper_elsewhere(
    ctx: Ctx,
    res: dict[str, Any],
    date: str,
    cabin: str,
    pax: int,
    one_stop: bool,
    gold: Option,
    searched: list[Option],
) -> tuple[list[str], list[Option]]:
    """Options from (or to) the other airport of the reservation's city, the best of them
    cheaper than the gold (through none of the hubs of the gold's search, `gold` and
    `searched`); returns the two airports in the customer's order and the options."""
    airports = tuple(sorted(ctx.world.pools.airports))
    found = twin_end(res, airports)
    if found is None:
        raise BuildRejected("the reservation's route has no end with a second airport")
    end, twin = found
    a, b = twin_route(res["origin"], res["destination"], end, twin)
    if (a, b) in ctx.world.used_routes or len(hubs(a, b, airports)) < (ctx.k + 1) * one_stop:
        raise BuildRejected(f"no free route {a}-{b}")
    ctx.world.used_routes.add((a, b))
    taken = hubs_taken(ctx.world, [gold, *searched])
    best, rest = search_options(
        ctx, a, b, date, cabin, pax, "cheapest", one_stop, gold.price - MARGIN, taken
    )
    best.kind = "other_airport"
    return ctx.rng.sample([end, twin], 2), [best, *(o for o in rest if o.kind != "sold_out")]
