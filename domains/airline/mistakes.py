"""The airline's mistakes, as simulated targets commit them and the failure analyst names them
(the `Domain.mistakes` hook).

Look-alikes are flights and reservations (the same owner or the same route; a passenger too, for
the analyst); an agent confuses economy with basic economy and miscounts the bags it must pay
for. A simulated target that picks the wrong cabin, flight or bag count still prices the
itinerary it chose, as a real model would: the booking's payments are made to add up again, so
the write succeeds and leaves a wrong state (instead of failing on a payment mismatch, which
would be a different mistake). A look-alike flight is bookable only if it is available that day
with seats for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domains.airline.constants import BAG_PRICE, INSURANCE_PER_PASSENGER
from domains.base import Mistakes


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


def flight_bookable(
    flight: str, date: Any, world: Mapping[str, Any], args: Mapping[str, Any]
) -> bool:
    """Whether a look-alike flight could be booked on `date` for the write's cabin and
    passengers (anything that is not a flight of this world is left alone)."""
    try:
        info = world["flights"][flight]["dates"][date]
    except (KeyError, TypeError):
        return True
    if info.get("status") != "available":
        return False
    cabin = args.get("cabin")
    need = len(args.get("passengers") or []) or 1
    return cabin is None or int(info.get("available_seats", {}).get(cabin, 0)) >= need


MISTAKES = Mistakes(
    hint_kinds={
        "distractor_flight": frozenset({"flight", "reservation"}),
        "cabin_confusion": frozenset({"cabin"}),
        "bag_miscount": frozenset({"bags"}),
        "break_payment_rule": frozenset({"payment_rule"}),
        "suboptimal_payment": frozenset({"payment"}),
    },
    look_alike_kinds=frozenset({"flight", "reservation", "passenger"}),
    look_alike_keys=("user_id", "origin", "destination"),
    confusions={"cabin": {"economy": "basic_economy", "basic_economy": "economy"}},
    miscounts={"nonfree_baggages": "total_baggages"},
    reprice=reprice,
    bookable=flight_bookable,
)
