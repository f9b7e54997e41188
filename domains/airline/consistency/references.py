"""Referential integrity: every id a world uses names an entity that exists and agrees with it.

Keys equal ids; users and reservations point at each other; a reservation's segments name
flights that operate on their dates between the segment's airports, and chain from the trip's
origin to its destination (and back, for a round trip); payments come from the booking user's
own payment methods.
"""

from __future__ import annotations

from collections.abc import Iterator

from domains.airline.consistency.itinerary import directions
from domains.airline.data_model import AirlineWorld
from domains.base import Violation

RULES = {
    "ref.ids": "an entity's key is its own id; a payment method's id starts with its kind",
    "ref.user_reservations": "a user lists exactly the reservations booked under their id",
    "ref.segment_flight": "a segment names a flight that flies its airports on its date",
    "ref.payment_method": "payments come from the booking user's payment methods (a used "
    "certificate is consumed: gone from the profile)",
    "ref.itinerary": "segments chain from the trip's origin to its destination (and back for a "
    "round trip), one stop at most each way",
}


def check(world: AirlineWorld) -> Iterator[Violation]:
    yield from _ids(world)
    yield from _user_reservations(world)
    for rid, res in world.reservations.items():
        where = f"reservations/{rid}"
        for i, seg in enumerate(res.flights):
            flight = world.flights.get(seg.flight_number)
            if flight is None:
                yield Violation(
                    "ref.segment_flight",
                    where,
                    f"segment {i} names unknown flight {seg.flight_number}",
                )
            elif (flight.origin, flight.destination) != (seg.origin, seg.destination):
                yield Violation(
                    "ref.segment_flight",
                    where,
                    f"segment {i} says {seg.flight_number}"
                    f" flies {seg.origin}-{seg.destination}; it flies "
                    f"{flight.origin}-{flight.destination}",
                )
            elif seg.date not in flight.dates:
                yield Violation(
                    "ref.segment_flight", where, f"{seg.flight_number} does not fly on {seg.date}"
                )
        yield from _payments(world, rid)
        yield from _itinerary(world, rid)


def _ids(world: AirlineWorld) -> Iterator[Violation]:
    for key, flight in world.flights.items():
        if key != flight.flight_number:
            yield Violation("ref.ids", f"flights/{key}", f"holds flight {flight.flight_number}")
    for key, res in world.reservations.items():
        if key != res.reservation_id:
            yield Violation("ref.ids", f"reservations/{key}", f"holds {res.reservation_id}")
    for key, user in world.users.items():
        if key != user.user_id:
            yield Violation("ref.ids", f"users/{key}", f"holds user {user.user_id}")
        for pid, method in user.payment_methods.items():
            if pid != method.id or not pid.startswith(f"{method.source}_"):
                yield Violation(
                    "ref.ids",
                    f"users/{key}/payment_methods/{pid}",
                    f"holds {method.source} {method.id}",
                )


def _user_reservations(world: AirlineWorld) -> Iterator[Violation]:
    booked: dict[str, set[str]] = {}
    for rid, res in world.reservations.items():
        booked.setdefault(res.user_id, set()).add(rid)
        if res.user_id not in world.users:
            yield Violation(
                "ref.user_reservations",
                f"reservations/{rid}",
                f"booked by unknown user {res.user_id}",
            )
    for uid, user in world.users.items():
        listed = set(user.reservations)
        for rid in sorted(listed - booked.get(uid, set())):
            why = (
                "no such reservation"
                if rid not in world.reservations
                else (f"it was booked by {world.reservations[rid].user_id}")
            )
            yield Violation("ref.user_reservations", f"users/{uid}", f"lists {rid}: {why}")
        for rid in sorted(booked.get(uid, set()) - listed):
            yield Violation(
                "ref.user_reservations",
                f"users/{uid}",
                f"does not list {rid}, booked under their id",
            )
        if len(user.reservations) != len(listed):
            yield Violation("ref.user_reservations", f"users/{uid}", "lists a reservation twice")


def _payments(world: AirlineWorld, rid: str) -> Iterator[Violation]:
    res = world.reservations[rid]
    user = world.users.get(res.user_id)
    if user is None:
        return
    for line in res.payment_history:
        pid = line.payment_id
        held = pid in user.payment_methods
        if pid.startswith("certificate_"):
            if held and line.amount > 0:
                yield Violation(
                    "ref.payment_method",
                    f"reservations/{rid}",
                    f"paid with {pid}, which is still in the profile (a certificate is used up)",
                )
        elif not held:
            yield Violation(
                "ref.payment_method",
                f"reservations/{rid}",
                f"paid with {pid}, which {res.user_id} does not hold",
            )


def _itinerary(world: AirlineWorld, rid: str) -> Iterator[Violation]:
    res = world.reservations[rid]
    where = f"reservations/{rid}"
    if res.origin == res.destination:
        yield Violation("ref.itinerary", where, f"the trip begins and ends at {res.origin}")
        return
    parts = directions(res)
    if parts is not None and all(len(p) <= 2 for p in parts):
        return
    legs = " ".join(f"{s.origin}-{s.destination}" for s in res.flights) or "(none)"
    why = (
        f"{res.flight_type} {res.origin}-{res.destination} does not match its segments {legs}"
        if parts is None
        else f"more than one stop each way: {legs}"
    )
    yield Violation("ref.itinerary", where, why)
