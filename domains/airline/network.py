"""The airline's route network as a model of the real one: where the airports are, how far apart,
how long a flight takes, which connections make sense and what a seat costs.

World synthesis draws routes, block times and fares from here, and the world consistency checker
(`domains/airline/consistency/`) holds every world to the same model, so no world can fly JFK to
LGA, LAX to BOS in 70 minutes, DFW to IAH by way of SEA, or sell basic economy for more than
business. Airport coordinates are public facts (reference points, to 0.01 degree); the block-time
and fare formulas are this project's own fits: block times agree with tau2's timetable, fares
scale with distance as US domestic fares do (tau2's own fares do not, see the checker's notes).
"""

from __future__ import annotations

import functools
import math
import random

from domains.airline.constants import CABINS

# --- where the airports are -------------------------------------------------------------------

COORDINATES: dict[str, tuple[float, float]] = {
    "ATL": (33.64, -84.43), "BOS": (42.37, -71.01), "CLT": (35.21, -80.94),
    "DEN": (39.86, -104.67), "DFW": (32.90, -97.04), "DTW": (42.21, -83.35),
    "EWR": (40.69, -74.17), "IAH": (29.98, -95.34), "JFK": (40.64, -73.78),
    "LAS": (36.08, -115.15), "LAX": (33.94, -118.41), "LGA": (40.78, -73.87),
    "MCO": (28.43, -81.31), "MIA": (25.80, -80.29), "MSP": (44.88, -93.22),
    "ORD": (41.98, -87.90), "PHL": (39.87, -75.24), "PHX": (33.43, -112.01),
    "SEA": (47.45, -122.31), "SFO": (37.62, -122.38),
}  # fmt: skip
# Airports that serve one city: nobody flies between them.
METROS = {"JFK": "New York", "LGA": "New York", "EWR": "New York"}

EARTH_RADIUS_MILES = 3958.8


def metro(code: str) -> str:
    return METROS.get(code, code)


def same_metro(a: str, b: str) -> bool:
    return metro(a) == metro(b)


@functools.cache
def miles(a: str, b: str) -> float:
    """Great-circle distance between two known airports, in statute miles."""
    (lat1, lon1), (lat2, lon2) = COORDINATES[a], COORDINATES[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


@functools.cache
def routes(airports: tuple[str, ...] | None = None) -> tuple[tuple[str, str], ...]:
    """Every directed pair of known airports (of `airports`, if given) a flight may connect: no
    same-metro pairs."""
    codes = sorted(COORDINATES if airports is None else set(airports) & set(COORDINATES))
    return tuple((a, b) for a in codes for b in codes if not same_metro(a, b))


# --- how long a flight takes ------------------------------------------------------------------

# A scheduled block time outside this ratio to the distance model is unrealistic; tau2's own
# timetable lies within 0.63-1.22 of it.
BLOCK_RATIO = (0.6, 1.5)


def model_block(a: str, b: str) -> float:
    """Expected gate-to-gate minutes: 40 for taxi, climb and descent, then 480 mph."""
    return 40 + miles(a, b) / 8


def route_spread(block: int) -> int:
    """How far apart (minutes) the scheduled durations of flights on one route direction may
    be: timetables pad some departures a little, never by hours."""
    return max(20, block // 8)


@functools.cache
def block_minutes(a: str, b: str) -> int:
    """The timetable block time of a route direction (5-minute steps): the distance model times
    a per-route factor (0.93-1.05, fixed per route so every world agrees), westbound a little
    slower than eastbound (the jet stream)."""
    factor = 0.93 + (sum(map(ord, a + b)) * 7 % 13) / 100
    if COORDINATES[b][1] < COORDINATES[a][1] and miles(a, b) > 500:
        factor += 0.04
    return 5 * round(model_block(a, b) * factor / 5)


# --- which connections make sense ---------------------------------------------------------------

MIN_LAYOVER = 30  # minutes between a leg's arrival and the next leg's departure, at least
MAX_LAYOVER = 12 * 60  # beyond this a "connection" is two trips
# A one-stop itinerary may fly at most this much farther than the direct distance.
DETOUR_RATIO = 1.35


def detour(path: list[str]) -> float:
    """Miles flown along `path` over the direct distance of its ends (inf if the ends meet)."""
    flown = sum(miles(x, y) for x, y in zip(path, path[1:], strict=False))
    direct = miles(path[0], path[-1])
    return flown / direct if direct else math.inf


@functools.cache
def connected_routes(airports: tuple[str, ...], hubs_needed: int) -> tuple[tuple[str, str], ...]:
    """The routes of `airports` with at least `hubs_needed` sensible one-stop connections."""
    return tuple(r for r in routes(airports) if len(hubs(*r, airports)) >= hubs_needed)


@functools.cache
def hubs(a: str, b: str, airports: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Airports (of `airports`, if given) a one-stop itinerary from a to b may connect through,
    sorted by name."""
    codes = sorted(COORDINATES if airports is None else set(airports) & set(COORDINATES))
    return tuple(
        h
        for h in codes
        if metro(h) not in (metro(a), metro(b)) and detour([a, h, b]) <= DETOUR_RATIO
    )


# --- what a seat costs --------------------------------------------------------------------------

# Per-passenger fare of one flight, by cabin: (base, per mile) of the lowest and highest
# realistic fare. US domestic fares grow with distance; a band is wide, since fares also swing
# with demand.
FARE_BANDS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "basic_economy": ((39, 0.035), (119, 0.12)),
    "economy": ((59, 0.05), (189, 0.16)),
    "business": ((179, 0.14), (549, 0.45)),
}


def fare_band(cabin: str, distance: float) -> tuple[int, int]:
    """(lowest, highest) realistic fare of one flight of `distance` miles in `cabin`."""
    (lo0, lo1), (hi0, hi1) = FARE_BANDS[cabin]
    return math.ceil(lo0 + lo1 * distance), math.floor(hi0 + hi1 * distance)


def fare_floor(cabin: str, a: str, b: str, one_stop: bool) -> int:
    """The lowest realistic fare from a to b in `cabin`: direct, or through the cheapest hub."""
    if not one_stop:
        return fare_band(cabin, miles(a, b))[0]
    floors = [
        fare_band(cabin, miles(a, h))[0] + fare_band(cabin, miles(h, b))[0] for h in hubs(a, b)
    ]
    return min(floors, default=10**6)


# How the cabins' fares on one flight relate: basic economy and business as multiples of economy.
LADDER = {"basic_economy": (0.62, 0.85), "business": (2.0, 3.2)}


def fare_ladder(rng: random.Random, distance: float, cabin: str, price: int) -> dict[str, int]:
    """Fares of all cabins on one flight, `price` in `cabin`, each in its band and strictly
    ordered (basic economy < economy < business). `price` must lie in its cabin's band."""
    if cabin == "economy":
        eco = price
    else:
        lo, hi = LADDER[cabin]
        eco = round(price / rng.uniform(lo, hi))
    eco_lo, eco_hi = fare_band("economy", distance)
    eco = min(max(eco, eco_lo), eco_hi)
    if cabin == "basic_economy":
        eco = max(eco, price + 10)
    elif cabin == "business":
        eco = min(eco, price - 50)
    fares = {"economy": eco}
    for other in ("basic_economy", "business"):
        lo, hi = LADDER[other]
        band_lo, band_hi = fare_band(other, distance)
        fares[other] = min(max(round(eco * rng.uniform(lo, hi)), band_lo), band_hi)
    fares[cabin] = price
    fares["basic_economy"] = min(fares["basic_economy"], fares["economy"] - 10)
    fares["business"] = max(fares["business"], fares["economy"] + 50)
    return {c: fares[c] for c in CABINS}
