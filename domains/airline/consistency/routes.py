"""Route realism: flights join known airports of different cities, one-stop trips do not wander,
and a route's scheduled duration fits its distance and is the same (give or take) on every
flight of that route direction."""

from __future__ import annotations

from collections.abc import Iterator

from domains.airline.consistency.itinerary import block, directions, minutes
from domains.airline.data_model import AirlineWorld
from domains.airline.network import (
    BLOCK_RATIO,
    COORDINATES,
    DETOUR_RATIO,
    detour,
    model_block,
    route_spread,
    same_metro,
)
from domains.base import Violation

RULES = {
    "route.airport": "flights and trips use known airports (the network's twenty)",
    "route.same_metro": "no flight or trip joins two airports of one city (JFK, LGA, EWR)",
    "route.detour": f"a one-stop direction flies at most {DETOUR_RATIO}x the direct distance",
    "duration.block": f"a scheduled duration is {BLOCK_RATIO[0]}-{BLOCK_RATIO[1]}x the distance "
    "model's (40 min + 480 mph)",
    "duration.route": "flights of one route direction have one duration (small spread)",
}


def check(world: AirlineWorld) -> Iterator[Violation]:
    by_route: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for fn, flight in world.flights.items():
        where, a, b = f"flights/{fn}", flight.origin, flight.destination
        unknown = [c for c in (a, b) if c not in COORDINATES]
        if unknown:
            yield Violation("route.airport", where, f"unknown airport {unknown[0]}")
            continue
        if same_metro(a, b):
            yield Violation("route.same_metro", where, f"{a} and {b} serve one city")
            continue
        duration = block(flight)
        if duration is None:
            continue  # the timing rules report a schedule that does not parse
        got, model = minutes(duration), model_block(a, b)
        lo, hi = BLOCK_RATIO
        if not lo * model <= got <= hi * model:
            yield Violation(
                "duration.block",
                where,
                f"{a}-{b} is scheduled {got:.0f} min; its "
                f"{model_block(a, b) - 40:.0f}-minute cruise model allows "
                f"{lo * model:.0f}-{hi * model:.0f}",
            )
        by_route.setdefault((a, b), []).append((got, fn))
    for (a, b), timed in sorted(by_route.items()):
        (short, fs), (long, fl) = min(timed), max(timed)
        if long - short > route_spread(int(short)):
            yield Violation(
                "duration.route",
                f"flights/{fl}",
                f"{a}-{b} takes {long:.0f} min "
                f"but {fs} takes {short:.0f} (at most {route_spread(int(short))} "
                "apart on one route direction)",
            )
    for rid in world.reservations:
        yield from _trip(world, rid)


def _trip(world: AirlineWorld, rid: str) -> Iterator[Violation]:
    res, where = world.reservations[rid], f"reservations/{rid}"
    codes = {res.origin, res.destination} | {
        c for s in res.flights for c in (s.origin, s.destination)
    }
    unknown = sorted(c for c in codes if c not in COORDINATES)
    if unknown:
        yield Violation("route.airport", where, f"unknown airport {unknown[0]}")
        return
    if res.origin != res.destination and same_metro(res.origin, res.destination):
        yield Violation(
            "route.same_metro", where, f"{res.origin} and {res.destination} serve one city"
        )
    for legs in directions(res) or []:
        path = [legs[0].origin] + [leg.destination for leg in legs]
        if len(legs) > 1 and detour(path) > DETOUR_RATIO:
            yield Violation(
                "route.detour",
                where,
                f"{'-'.join(path)} flies {detour(path):.2f}x "
                f"the direct distance (at most {DETOUR_RATIO})",
            )
