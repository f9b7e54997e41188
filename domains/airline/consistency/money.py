"""Fares, seats, payments and balances: prices in realistic per-cabin bands for the distance flown
and ordered by cabin, seat counts that make sense, payments that add up to what was bought, and
gift cards and certificates holding the amounts such things hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from domains.airline.constants import BAG_PRICE, CABINS, INSURANCE_PER_PASSENGER
from domains.airline.data_model import AirlineWorld, FlightDateStatusAvailable
from domains.airline.network import COORDINATES, fare_band, miles
from domains.base import Violation

GIFT_CARD_MAX = 300  # tau2's largest gift card balance
CERTIFICATE_STEP, CERTIFICATE_MAX = 50, 500  # tau2's are 100/150/250/500; compensation 50 x pax
SEATS_MAX = 400  # seats left in one cabin of one flight, at most

RULES = {
    "fare.ladder": "on a bookable date, basic economy < economy < business",
    "fare.band": "fares and prices paid lie in the cabin's band for the distance flown",
    "flight.seats": f"seats left per cabin are 0-{SEATS_MAX}",
    "payment.total": "a reservation's payments add up to its fares x passengers, insurance and "
    "paid bags (to zero once cancelled)",
    "balance.gift_card": f"a gift card holds $0-{GIFT_CARD_MAX}, plus any refunds credited to it",
    "balance.certificate": f"a certificate is worth a multiple of ${CERTIFICATE_STEP} up to "
    f"${CERTIFICATE_MAX}",
}


def check(world: AirlineWorld) -> Iterator[Violation]:
    yield from _fares(world)
    yield from _reservations(world)
    yield from _balances(world)


def _distance(a: str, b: str) -> float | None:
    return miles(a, b) if a in COORDINATES and b in COORDINATES and a != b else None


def _fares(world: AirlineWorld) -> Iterator[Violation]:
    for fn, flight in world.flights.items():
        dist = _distance(flight.origin, flight.destination)
        for date, entry in flight.dates.items():
            if not isinstance(entry, FlightDateStatusAvailable):
                continue
            where, prices = f"flights/{fn}/{date}", entry.prices
            seats = [
                f"{c} {n}" for c, n in entry.available_seats.items() if not 0 <= n <= SEATS_MAX
            ]
            if seats:
                yield Violation("flight.seats", where, f"{seats[0]} seats left")
            if set(prices) != set(CABINS):
                yield Violation(
                    "fare.ladder", where, f"prices for {sorted(prices)}, not every cabin"
                )
                continue
            if not prices["basic_economy"] < prices["economy"] < prices["business"]:
                yield Violation(
                    "fare.ladder",
                    where,
                    "basic economy / economy / business cost "
                    f"{prices['basic_economy']} / {prices['economy']} / "
                    f"{prices['business']}",
                )
            if dist is None:
                continue
            for cabin, price in prices.items():
                lo, hi = fare_band(cabin, dist)
                if not lo <= price <= hi:
                    yield Violation(
                        "fare.band",
                        where,
                        f"{cabin} ${price} on {dist:.0f} miles (band ${lo}-{hi})",
                    )


def _reservations(world: AirlineWorld) -> Iterator[Violation]:
    for rid, res in world.reservations.items():
        where, pax = f"reservations/{rid}", len(res.passengers)
        for seg in res.flights:
            dist = _distance(seg.origin, seg.destination)
            if dist is None:
                continue
            lo, hi = fare_band(res.cabin, dist)
            if not lo <= seg.price <= hi:
                yield Violation(
                    "fare.band",
                    where,
                    f"paid ${seg.price} for {res.cabin} "
                    f"{seg.flight_number} on {dist:.0f} miles (band ${lo}-{hi})",
                )
        paid = sum(line.amount for line in res.payment_history)
        owed = (
            sum(seg.price for seg in res.flights) * pax
            + (INSURANCE_PER_PASSENGER * pax if res.insurance == "yes" else 0)
            + BAG_PRICE * res.nonfree_baggages
        )
        if res.status == "cancelled":
            owed = 0
        if paid != owed:
            yield Violation(
                "payment.total",
                where,
                f"payments add up to ${paid}; fares, insurance and bags come to ${owed}",
            )
        if res.nonfree_baggages > res.total_baggages or res.nonfree_baggages < 0:
            yield Violation(
                "payment.total", where, f"{res.nonfree_baggages} paid bags of {res.total_baggages}"
            )


def _balances(world: AirlineWorld) -> Iterator[Violation]:
    refunded: dict[str, int] = defaultdict(int)
    for res in world.reservations.values():
        for line in res.payment_history:
            if line.amount < 0:
                refunded[line.payment_id] -= line.amount
    for uid, user in world.users.items():
        for pid, method in user.payment_methods.items():
            where = f"users/{uid}/payment_methods/{pid}"
            amount = getattr(method, "amount", None)
            if method.source == "gift_card" and amount is not None:
                cap = GIFT_CARD_MAX + refunded[pid]
                if not 0 <= amount <= cap:
                    yield Violation(
                        "balance.gift_card",
                        where,
                        f"balance ${amount:g} (realistic:"
                        f" $0-{GIFT_CARD_MAX}, plus ${refunded[pid]} refunded to it)",
                    )
            elif method.source == "certificate" and amount is not None:
                if not (0 < amount <= CERTIFICATE_MAX and amount % CERTIFICATE_STEP == 0):
                    yield Violation("balance.certificate", where, f"worth ${amount:g}")
