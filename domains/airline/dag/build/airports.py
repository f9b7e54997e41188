"""Axis `airports=alternative`: a one-way booking by price from a city with two airports.

The customer lives in a city that several airports serve (New York: JFK, LGA, EWR) and names
two of them as equally convenient. The agent must search both and book the cheapest option over
the two searches: the first airport's best is dearer than the second's, so an agent that stops
after one search (or books from the airport named first) books the wrong flights. Which airport
the customer names first is drawn, so the order of the words does not give the answer away.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def twin_route_fits(a: str, b: str, airports: tuple[str, ...], hubs_needed: int) -> bool:
    """Whether `a` has a twin airport that also flies to `b` (through enough hubs)."""
    return any(len(hubs(t, b, airports)) >= hubs_needed for t in twins(a, airports))


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
    choices = [t for t in twins(origin, airports) if len(hubs(t, dest, airports)) >= hubs_needed]
    if not choices:
        raise BuildRejected(f"no other airport of {metro(origin)} flies to {dest}")
    alt = ctx.rng.choice(choices)
    w.used_routes.add((alt, dest))
    ctx.gold.call(search_tool(one_stop), origin=origin, destination=dest, date=date)
    best, rest = search_options(ctx, origin, dest, date, cabin, pax, "cheapest", one_stop, budget)
    rival_search = ctx.notes.selections[-1]["args"]
    cap = best.price - MARGIN if budget is None else min(budget, best.price - MARGIN)
    ctx.gold.call(search_tool(one_stop), origin=alt, destination=dest, date=date)
    gold, others = search_options(ctx, alt, dest, date, cabin, pax, "cheapest", one_stop, cap)
    # `check` runs the other airport's search again: nothing there with seats is as cheap.
    ctx.notes.selections[-1]["rivals"] = rival_search
    best.kind = "other_airport"
    rivals = [best, *(o for o in rest if o.kind != "sold_out")]
    return TwoAirports(gold=alt, other=origin, rivals=rivals), gold, [*rivals, *others]
