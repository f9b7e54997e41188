"""How the consistency rules read a world: a reservation's itinerary split into directions, and
the times of a flight on a date. Malformed values come back as None, so each rule can report
what it is about and move on (the rule for the malformed value reports that once).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from domains.airline.data_model import Flight, Reservation, ReservationFlight


def moment(text: str) -> datetime | None:
    """A `YYYY-MM-DDTHH:MM:SS` time, or None if it is not one."""
    return _iso(text) if len(text) == 19 and text[10] == "T" else None


def calendar_day(text: str) -> datetime | None:
    """A `YYYY-MM-DD` date (as its midnight), or None if it is not one."""
    return _iso(text) if len(text) == 10 else None


def _iso(text: str) -> datetime | None:
    # fromisoformat is C and fast (strptime made the timing rules take seconds on tau2's world);
    # the callers' shape tests keep it from accepting ISO's other forms.
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)  # a world repeats few schedule strings; parsing was hot
def clock(text: str) -> timedelta | None:
    """A scheduled time `HH:MM:SS` (`+1`: the next day) as the offset from the date's midnight."""
    base, plus = (text[:-2], 1) if text.endswith("+1") else (text, 0)
    parts = base.split(":")
    if len(parts) != 3 or not all(len(x) == 2 and x.isdigit() for x in parts):
        return None
    h, m, sec = (int(x) for x in parts)
    if h > 23 or m > 59 or sec > 59:
        return None
    return timedelta(days=plus, hours=h, minutes=m, seconds=sec)


def block(flight: Flight) -> timedelta | None:
    """Scheduled gate-to-gate time (None if the schedule does not parse)."""
    dep, arr = clock(flight.scheduled_departure_time_est), clock(flight.scheduled_arrival_time_est)
    return None if dep is None or arr is None else arr - dep


def scheduled(flight: Flight, date: str) -> tuple[datetime, datetime] | None:
    """Scheduled departure and arrival of `flight` on `date`."""
    d = calendar_day(date)
    dep, arr = clock(flight.scheduled_departure_time_est), clock(flight.scheduled_arrival_time_est)
    if d is None or dep is None or arr is None:
        return None
    return d + dep, d + arr


def minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def directions(res: Reservation) -> list[list[ReservationFlight]] | None:
    """The reservation's segments as its directions (outbound, then return for a round trip),
    each a chain of legs from one end of the trip to the other; None if they do not chain so."""
    ends = [res.destination] if res.flight_type == "one_way" else [res.destination, res.origin]
    legs = list(res.flights)
    out: list[list[ReservationFlight]] = []
    at = res.origin
    for end in ends:
        chain: list[ReservationFlight] = []
        while legs and (not chain or chain[-1].destination != end):
            leg = legs.pop(0)
            if leg.origin != at:
                return None
            chain.append(leg)
            at = leg.destination
        if not chain or at != end:
            return None
        out.append(chain)
    return None if legs else out
