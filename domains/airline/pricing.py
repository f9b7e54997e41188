"""What a booking costs at the world's prices, and how a mistaken booking is paid (the
`Domain.reprice` hook).

A simulated target that picks the wrong cabin, flight or bag count still prices the itinerary
it chose, as a real model would: the booking's payments are made to add up again, so the write
succeeds and leaves a wrong state (instead of failing on a payment mismatch, which would be a
different mistake).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domains.airline.constants import BAG_PRICE, INSURANCE_PER_PASSENGER


def booking_total(args: Mapping[str, Any], flights: Mapping[str, Any]) -> int:
    """The price of `book_reservation` arguments at the world's fares: every leg for every
    passenger in the cabin, insurance per passenger, and the bags beyond the free ones."""
    n = len(args.get("passengers") or [])
    cabin = args["cabin"]
    total = 0
    for leg in args.get("flights") or []:
        total += int(flights[leg["flight_number"]]["dates"][leg["date"]]["prices"][cabin]) * n
    if args.get("insurance") == "yes":
        total += INSURANCE_PER_PASSENGER * n
    total += BAG_PRICE * int(args.get("nonfree_baggages") or 0)
    return total


def reprice(args: dict[str, Any], world: Mapping[str, Any]) -> None:
    """Make a booking's `payment_methods` add up to its total again (in place), moving the
    difference onto the last method that stays positive. Anything else is left alone."""
    flights = world.get("flights")
    methods = args.get("payment_methods")
    if not isinstance(flights, dict) or not isinstance(methods, list) or not methods:
        return
    try:
        diff = booking_total(args, flights) - sum(int(m["amount"]) for m in methods)
    except (KeyError, TypeError, ValueError):
        return
    for m in reversed(methods):
        if int(m["amount"]) + diff > 0:
            m["amount"] = int(m["amount"]) + diff
            return
