"""The airline assertion language: what a verifier may say about the final state, and how.

A verifier is a list of assertions `equals(path, value)` / `absent(path)` on the world's file
form, `path` = [collection, id] (a whole entity: a new reservation) or [collection, id, field]
(one field: a reservation's flights, cabin, status, payment history or bags; a user's payment
methods (balances, certificates) or reservations; a flight's dates (seats)). `REACH` says which
write tools can change each of them, so an assertion no tool can make true is caught before any
target run; `INTENT_TOOLS` says which write tools each request may use, so an asserted change
that no request of the scenario asks for (a goodwill certificate nobody was owed) is caught too.

`check` is the airline's own scenario check (policy and ambiguity lint); the domain's world
consistency checker joins it here when it exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

BOOK, CANCEL = "book_reservation", "cancel_reservation"
FLIGHTS, BAGS = "update_reservation_flights", "update_reservation_baggages"
PASSENGERS, CERTIFICATE = "update_reservation_passengers", "send_certificate"
TRANSFER = "transfer_to_human_agents"

REACH: dict[tuple[str, str], frozenset[str]] = {
    ("reservations", "*"): frozenset({BOOK}),
    ("reservations", "flights"): frozenset({FLIGHTS}),
    ("reservations", "cabin"): frozenset({FLIGHTS}),
    ("reservations", "status"): frozenset({CANCEL}),
    ("reservations", "payment_history"): frozenset({CANCEL, FLIGHTS, BAGS}),
    ("reservations", "total_baggages"): frozenset({BAGS}),
    ("reservations", "nonfree_baggages"): frozenset({BAGS}),
    ("reservations", "passengers"): frozenset({PASSENGERS}),
    ("users", "payment_methods"): frozenset({BOOK, FLIGHTS, BAGS, CERTIFICATE}),
    ("users", "reservations"): frozenset({BOOK}),
    ("flights", "dates"): frozenset({BOOK}),
}

INTENT_TOOLS: dict[str, frozenset[str]] = {
    "book": frozenset({BOOK}),
    "cancel": frozenset({CANCEL, TRANSFER}),
    "change_flights": frozenset({FLIGHTS}),
    "change_cabin": frozenset({FLIGHTS}),
    "add_bags": frozenset({BAGS}),
    "change_passengers": frozenset({PASSENGERS}),
    "compensation": frozenset({CERTIFICATE, CANCEL}),
    "flight_status": frozenset(),
    # Requests the policy always refuses, and answers from the record: nothing to write.
    "insurance": frozenset(),
    "complaint": frozenset(),
    "partial_change": frozenset(),
    "info": frozenset(),
    "cancel_all": frozenset({CANCEL}),
}


def named_entities(meta: Mapping[str, Any], golden: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Paths of the entities a synthesized scenario names: its user, its reservations, and the
    payment methods and flights its golden calls use."""
    paths: list[list[str]] = []
    user = meta.get("user_id")
    if user:
        paths.append(["users", str(user)])
    paths += [["reservations", str(r)] for r in meta.get("reservation_ids", [])]
    for call in golden:
        args = call.get("arguments", {})
        pids = [str(p["payment_id"]) for p in args.get("payment_methods", []) or []]
        if args.get("payment_id"):
            pids.append(str(args["payment_id"]))
        paths += [["users", str(args.get("user_id") or user), "payment_methods", p] for p in pids]
        paths += [["flights", str(f["flight_number"])] for f in args.get("flights", []) or []]
    unique: list[list[str]] = []
    for p in paths:
        if p not in unique:
            unique.append(p)
    return unique


def _day_key(flight: Mapping[str, Any], date: str) -> tuple[Any, ...]:
    day = flight.get("dates", {}).get(date, {})
    return (
        flight.get("origin"),
        flight.get("destination"),
        flight.get("scheduled_departure_time_est"),
        flight.get("scheduled_arrival_time_est"),
        tuple(sorted((day.get("prices") or {}).items())),
    )


def ambiguous_flights(world: Mapping[str, Any]) -> list[str]:
    """Flights no search can tell apart: same route, date, times and prices as another."""
    seen: dict[tuple[Any, ...], str] = {}
    problems = []
    for number, flight in sorted(world.get("flights", {}).items()):
        for date in sorted(flight.get("dates", {})):
            key = (date, *_day_key(flight, date))
            if key in seen:
                problems.append(
                    f"ambiguous: flights {seen[key]} and {number} on {date} are identical to a "
                    "customer (route, times, prices)"
                )
            else:
                seen[key] = number
    return problems


def invariants(world: Mapping[str, Any], label: str) -> list[str]:
    """State no tool sequence can produce: negative seats or balances."""
    problems = []
    for number, flight in world.get("flights", {}).items():
        for date, day in flight.get("dates", {}).items():
            for cabin, seats in (day.get("available_seats") or {}).items():
                if isinstance(seats, int | float) and seats < 0:
                    problems.append(f"{label}: flight {number} on {date} has {seats} {cabin} seats")
    for uid, user in world.get("users", {}).items():
        for pid, method in user.get("payment_methods", {}).items():
            amount = method.get("amount")
            if isinstance(amount, int | float) and amount < 0:
                problems.append(f"{label}: {uid}'s {pid} has a negative balance ({amount})")
    return problems


def seats_never_freed(world: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """No airline tool frees a seat (a booking takes seats; neither a flight change nor a
    cancellation gives them back), so an expected state with more free seats is unreachable."""
    problems = []
    for number, flight in expected.get("flights", {}).items():
        before = world.get("flights", {}).get(number, {}).get("dates", {})
        for date, day in flight.get("dates", {}).items():
            had = (before.get(date) or {}).get("available_seats") or {}
            for cabin, seats in (day.get("available_seats") or {}).items():
                if cabin in had and isinstance(seats, int | float) and seats > had[cabin]:
                    problems.append(
                        f"expected {seats} free {cabin} seats on {number} {date}, but the world "
                        f"has {had[cabin]} and no tool frees seats"
                    )
    return problems


def unowed_certificates(
    world: Mapping[str, Any], expected: Mapping[str, Any], intents: Sequence[str]
) -> list[str]:
    """Policy: a certificate is issued only as compensation, so a verifier that expects a new
    one while no request asks for compensation contradicts the policy."""
    if "compensation" in intents:
        return []
    problems = []
    for uid, user in expected.get("users", {}).items():
        before = world.get("users", {}).get(uid, {}).get("payment_methods", {})
        for pid, method in user.get("payment_methods", {}).items():
            if method.get("source") == "certificate" and pid not in before:
                problems.append(
                    f"policy: certificate {pid} for {uid} is expected, but no request asks for "
                    "compensation"
                )
    return problems


def check(
    world: dict[str, Any],
    expected: dict[str, Any],
    solution: Sequence[Mapping[str, Any]] | None,
    intents: Sequence[str],
) -> list[str]:
    """The airline's scenario lint (beside the generic checks of mining/wg/consistency.py)."""
    return (
        ambiguous_flights(world)
        + invariants(world, "world")
        + invariants(expected, "expected")
        + seats_never_freed(world, expected)
        + unowed_certificates(world, expected, intents)
    )
