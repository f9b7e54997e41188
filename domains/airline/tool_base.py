"""What the airline tools share: entity lookups with tau2's messages, copy-on-access forks of a
world, and the common steps of searching flights, pricing a changed itinerary and paying for a
booking or a change.

`tools.py` defines the 14 tools on top of `AirlineToolBase`. The tools themselves must be
methods of `AirlineTools` (Python's argument errors name the class a method is defined on, and
those texts must read as tau2's do); these helpers are never called with an agent's arguments
directly, so where they live does not show.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

from domains.airline.constants import NEW_RESERVATION_IDS
from domains.airline.data_model import (
    AirlineWorld,
    DirectFlight,
    Flight,
    FlightDateStatusAvailable,
    Payment,
    Reservation,
    ReservationFlight,
    User,
    fast_deepcopy,
)
from domains.base import Toolkit, ToolResult


def as_models(items: Any, model: type[Any]) -> Any:
    """tau2's argument conversion: build models only if *every* item is a JSON object (so an
    empty list stays empty and a list with a stray string is passed on raw, failing later)."""
    if all(isinstance(item, dict) for item in items):
        return [model(**item) for item in items]
    return items


class AirlineToolBase(Toolkit):
    """What tau2's airline tools share over an `AirlineWorld` (no tools of its own).

    `on_fork(base)` gives a toolkit over a cheap fork of `base`: entities are shared until the
    toolkit first touches them, then copied (copy on access), so replaying calls on many fresh
    copies of a 7 MB world costs almost nothing. The base must not change meanwhile.
    """

    world: AirlineWorld

    def __init__(self, world: AirlineWorld, *, shared_with: AirlineWorld | None = None) -> None:
        super().__init__(world)
        self._shared_with = shared_with

    def call(self, name: str, arguments: dict[str, Any] | None = None) -> ToolResult:
        with warnings.catch_warnings():
            # Unvalidated values a tool stored (as tau2's tools do) are shown as they are;
            # pydantic's serializer warning about them is noise here.
            warnings.filterwarnings("ignore", message="Pydantic serializer warnings")
            return super().call(name, arguments)

    @classmethod
    def on_fork(cls, base: AirlineWorld) -> Self:
        fork = AirlineWorld.model_construct(
            flights=dict(base.flights),
            users=dict(base.users),
            reservations=dict(base.reservations),
            current_time=base.current_time,
        )
        return cls(fork, shared_with=base)

    # --- lookups (exact keys, tau2's messages) -----------------------------------------------

    def _own(self, collection: str, key: Any) -> Any:
        """The world's entity, copied first if it is still shared with the fork's base."""
        entities: dict[str, Any] = getattr(self.world, collection)
        entity = entities[key]
        base = self._shared_with
        if base is not None and getattr(base, collection).get(key) is entity:
            entity = fast_deepcopy(entity)
            entities[key] = entity
        return entity

    def _get_user(self, user_id: Any) -> User:
        if user_id not in self.world.users:
            raise ValueError(f"User {user_id} not found")
        user: User = self._own("users", user_id)
        return user

    def _get_reservation(self, reservation_id: Any) -> Reservation:
        if reservation_id not in self.world.reservations:
            raise ValueError(f"Reservation {reservation_id} not found")
        reservation: Reservation = self._own("reservations", reservation_id)
        return reservation

    def _get_flight(self, flight_number: Any) -> Flight:
        if flight_number not in self.world.flights:
            raise ValueError(f"Flight {flight_number} not found")
        flight: Flight = self._own("flights", flight_number)
        return flight

    def _get_flight_instance(self, flight_number: Any, date: Any) -> Any:
        flight = self._get_flight(flight_number)
        if date not in flight.dates:
            raise ValueError(f"Flight {flight_number} not found on date {date}")
        return flight.dates[date]

    def _new_reservation_id(self) -> str:
        for reservation_id in NEW_RESERVATION_IDS:
            if reservation_id not in self.world.reservations:
                return reservation_id
        raise ValueError("Too many reservations")

    def _search_direct(
        self,
        date: Any,
        origin: Any = None,
        destination: Any = None,
        leave_after: Any = None,
    ) -> list[DirectFlight]:
        """Bookable flights on `date`; None means "any" for origin, destination, leave_after.
        Reads only, so it looks at the world's flights without taking copies."""
        found = []
        for flight in self.world.flights.values():
            if (
                (origin is None or flight.origin == origin)
                and (destination is None or flight.destination == destination)
                and (date in flight.dates)
                and (flight.dates[date].status == "available")
                and (leave_after is None or flight.scheduled_departure_time_est >= leave_after)
            ):
                day = flight.dates[date]
                found.append(
                    DirectFlight(
                        flight_number=flight.flight_number,
                        origin=flight.origin,
                        destination=flight.destination,
                        status="available",
                        scheduled_departure_time_est=flight.scheduled_departure_time_est,
                        scheduled_arrival_time_est=flight.scheduled_arrival_time_est,
                        available_seats=day.available_seats,  # type: ignore[union-attr]
                        prices=day.prices,  # type: ignore[union-attr]
                    )
                )
        return found

    def _charge_for_update(
        self, user: User, reservation: Reservation, payment_id: Any, amount: Any
    ) -> None:
        """Take `amount` (negative = refund) from one saved gift card or credit card and add the
        payment line to the reservation. Always checks the method, even for a zero amount (which
        adds no line)."""
        if payment_id not in user.payment_methods:
            raise ValueError("Payment method not found")
        method: Any = user.payment_methods[payment_id]
        if method.source == "certificate":
            raise ValueError("Certificate cannot be used to update reservation")
        if method.source == "gift_card" and method.amount < amount:
            raise ValueError("Gift card balance is not enough")
        if method.source == "gift_card":
            method.amount -= amount
        if amount != 0:
            reservation.payment_history.append(Payment(payment_id=payment_id, amount=amount))

    def _pay_booking(self, user: User, lines: Any, total_price: Any) -> None:
        """Check every payment line of a new booking (method known, balance enough, the sum
        right), then take the money. A certificate goes whole (its remainder is forfeited)."""
        for line in lines:
            payment_id, amount = line.payment_id, line.amount
            if payment_id not in user.payment_methods:
                raise ValueError(f"Payment method {payment_id} not found")
            method: Any = user.payment_methods[payment_id]
            if method.source in {"gift_card", "certificate"}:
                if method.amount < amount:
                    raise ValueError(f"Not enough balance in payment method {payment_id}")
        paid = sum(line.amount for line in lines)
        if paid != total_price:
            raise ValueError(
                f"Payment amount does not add up, total price is {total_price}, but paid {paid}"
            )
        for line in lines:
            payment_id, amount = line.payment_id, line.amount
            method = user.payment_methods[payment_id]
            if method.source == "gift_card":
                method.amount -= amount
            elif method.source == "certificate":
                user.payment_methods.pop(payment_id)

    def _reprice(
        self, reservation: Reservation, legs: Any, cabin: Any
    ) -> tuple[list[ReservationFlight], Any]:
        """A changed itinerary's segments and the price difference for all travellers: a
        segment keeps its old price only if the same flight and date is booked and the cabin
        is unchanged; any other is priced (and checked) anew."""
        travellers = len(reservation.passengers)
        total_price: Any = 0
        new_flights = []
        for info in legs:
            number, date = info.flight_number, info.date
            kept = next(
                (
                    segment
                    for segment in reservation.flights
                    if segment.flight_number == number
                    and segment.date == date
                    and cabin == reservation.cabin
                ),
                None,
            )
            if kept:
                total_price += kept.price * travellers
                new_flights.append(kept)
                continue
            flight = self._get_flight(number)
            day = self._get_flight_instance(number, date)
            if not isinstance(day, FlightDateStatusAvailable):
                raise ValueError(f"Flight {number} not available on date {date}")
            if day.available_seats[cabin] < travellers:
                raise ValueError(f"Not enough seats on flight {number}")
            segment = ReservationFlight(
                flight_number=number,
                date=date,
                price=day.prices[cabin],
                origin=flight.origin,
                destination=flight.destination,
            )
            total_price += segment.price * travellers
            new_flights.append(segment)
        total_price -= sum(segment.price for segment in reservation.flights) * travellers
        return new_flights, total_price
