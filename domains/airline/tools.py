"""The 14 airline tools, behaving exactly as tau2-bench's airline tools do.

Conformance comes first: the agent must see the same data, the same errors and the same state
changes as in tau2, including tau2's quirks (`domains.airline.quirks`, each tested). So
the tools take the raw JSON arguments without coercion (tau2 calls the methods directly, which is
why, e.g., string bag counts fail with Python's own TypeError), check things in tau2's order, and
mutate the world at the same points (some errors leave partial changes behind, as in tau2).

The toolkit class is named `AirlineTools` because Python's argument errors name it
("AirlineTools.get_user_details() got an unexpected keyword argument 'verbose'") and those texts
must read as tau2's do.

The API deliberately does not enforce most of the policy (who may cancel, the basic-economy
rule, payment-method limits, free bags): the agent must, and the expected final state encodes
whether it should have acted.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from domains.airline.calculator import calculate as _calculate
from domains.airline.constants import (
    AIRPORTS,
    BAG_PRICE,
    CERTIFICATE_ID_NUMBERS,
    INSURANCE_PER_PASSENGER,
)
from domains.airline.data_model import (
    AirportCode,
    CabinClass,
    Certificate,
    DirectFlight,
    FlightDateStatusAvailable,
    FlightInfo,
    FlightType,
    Insurance,
    Passenger,
    Payment,
    Reservation,
    ReservationFlight,
    User,
)
from domains.airline.tool_base import AirlineToolBase, as_models
from domains.base import ToolKind, tool


class AirlineTools(AirlineToolBase):
    """tau2's airline tools over an `AirlineWorld` (`AirlineTools.on_fork(base)`: over a cheap
    copy-on-access fork of `base`, see `AirlineToolBase`)."""

    # --- the tools, in tau2's order --------------------------------------------------------------

    @tool(ToolKind.WRITE)
    def book_reservation(
        self,
        user_id: str,
        origin: str,
        destination: str,
        flight_type: FlightType,
        cabin: CabinClass,
        flights: list[FlightInfo | dict[str, Any]],
        passengers: list[Passenger | dict[str, Any]],
        payment_methods: list[Payment | dict[str, Any]],
        total_baggages: int,
        nonfree_baggages: int,
        insurance: Insurance,
    ) -> Reservation:
        """Create a new reservation for a user and charge it to their saved payment methods.

        Args:
            user_id: Id of the user making the booking, for example 'sara_doe_496'.
            origin: IATA code of the trip's starting airport, for example 'SFO'.
            destination: IATA code of the trip's final airport, for example 'JFK'.
            flight_type: 'one_way' or 'round_trip'.
            cabin: Cabin for every flight: 'basic_economy', 'economy' or 'business'.
            flights: Every flight of the trip, each as a flight number and a date.
            passengers: Every traveller, each with first name, last name and date of birth.
            payment_methods: How the total is split: payment method ids from the user's profile
                with the amount charged to each; the amounts must add up to the total.
            total_baggages: Number of checked bags on the reservation.
            nonfree_baggages: Number of those bags that are paid for.
            insurance: 'yes' to buy travel insurance, 'no' otherwise.
        """
        # Raw JSON in, so typed as Any: converted only when every item is an object (as tau2).
        legs: Any = as_models(flights, FlightInfo)
        people: Any = as_models(passengers, Passenger)
        lines: Any = as_models(payment_methods, Payment)
        user = self._get_user(user_id)
        reservation = Reservation(
            reservation_id=self._new_reservation_id(),
            user_id=user_id,
            origin=origin,
            destination=destination,
            flight_type=flight_type,
            cabin=cabin,
            flights=[],
            passengers=deepcopy(people),
            payment_history=deepcopy(lines),
            created_at=self.world.current_time,
            total_baggages=total_baggages,
            nonfree_baggages=nonfree_baggages,
            insurance=insurance,
        )

        total_price: Any = 0
        booked_days = []
        for info in legs:
            number, date = info.flight_number, info.date
            flight = self._get_flight(number)
            day = self._get_flight_instance(number, date)
            if not isinstance(day, FlightDateStatusAvailable):
                raise ValueError(f"Flight {number} not available on date {date}")
            if day.available_seats[cabin] < len(people):
                raise ValueError(f"Not enough seats on flight {number}")
            price = day.prices[cabin]
            reservation.flights.append(
                ReservationFlight(
                    origin=flight.origin,
                    destination=flight.destination,
                    flight_number=number,
                    date=date,
                    price=price,
                )
            )
            booked_days.append(day)
            total_price += price * len(people)
        if insurance == "yes":
            total_price += INSURANCE_PER_PASSENGER * len(people)
        total_price += BAG_PRICE * nonfree_baggages

        self._pay_booking(user, lines, total_price)

        for day in booked_days:
            day.available_seats[cabin] -= len(people)
        self.world.reservations[reservation.reservation_id] = reservation
        user.reservations.append(reservation.reservation_id)
        return reservation

    @tool(ToolKind.GENERIC)
    def calculate(self, expression: str) -> str:
        """Work out an arithmetic expression and return the result rounded to two decimals.

        Args:
            expression: The expression, for example '2 + 2'. Only digits, the operators + - * /,
                parentheses, dots and spaces are accepted.
        """
        return _calculate(expression)

    @tool(ToolKind.WRITE)
    def cancel_reservation(self, reservation_id: str) -> Reservation:
        """Cancel a whole reservation; every payment on it is refunded to the method it came from.

        Args:
            reservation_id: The reservation's id, for example 'ZFA04Y'.
        """
        reservation = self._get_reservation(reservation_id)
        refunds = [
            Payment(payment_id=line.payment_id, amount=-line.amount)
            for line in reservation.payment_history
        ]
        reservation.payment_history.extend(refunds)
        reservation.status = "cancelled"
        return reservation

    @tool(ToolKind.READ)
    def get_reservation_details(self, reservation_id: str) -> Reservation:
        """Look up a reservation: flights, passengers, payments, bags, insurance and status.

        Args:
            reservation_id: The reservation's id, for example '8JX2WO'.
        """
        return self._get_reservation(reservation_id)

    @tool(ToolKind.READ)
    def get_user_details(self, user_id: str) -> User:
        """Look up a user's profile: contact details, payment methods with balances, membership
        and the ids of their reservations.

        Args:
            user_id: The user's id, for example 'sara_doe_496'.
        """
        return self._get_user(user_id)

    @tool(ToolKind.READ)
    def list_all_airports(self) -> list[AirportCode]:
        """List every airport served, as IATA code and city."""
        return [AirportCode(iata=iata, city=city) for iata, city in AIRPORTS.items()]

    @tool(ToolKind.READ)
    def search_direct_flight(self, origin: str, destination: str, date: str) -> list[DirectFlight]:
        """Find the non-stop flights between two airports that can be booked on a given date.

        Args:
            origin: IATA code of the departure airport, for example 'JFK'.
            destination: IATA code of the arrival airport, for example 'LAX'.
            date: The travel date as YYYY-MM-DD, for example '2024-01-01'.
        """
        return self._search_direct(date=date, origin=origin, destination=destination)

    @tool(ToolKind.READ)
    def search_onestop_flight(
        self, origin: str, destination: str, date: str
    ) -> list[list[DirectFlight]]:
        """Find two-flight connections between two airports that can be booked, departing on a
        given date; each result is a pair [first leg, second leg].

        Args:
            origin: IATA code of the departure airport, for example 'JFK'.
            destination: IATA code of the final arrival airport, for example 'LAX'.
            date: The departure date as YYYY-MM-DD, for example '2024-05-01'.
        """
        pairs = []
        for first in self._search_direct(date=date, origin=origin, destination=None):
            first.date = date
            # tau2's next-day date: no zero padding, no month rollover (kept on purpose).
            second_date = (
                f"2024-05-{int(date[-2:]) + 1}"
                if "+1" in first.scheduled_arrival_time_est
                else date
            )
            for second in self._search_direct(
                date=second_date,
                origin=first.destination,
                destination=destination,
                leave_after=first.scheduled_arrival_time_est,
            ):
                second.date = second_date
                pairs.append([first, second])
        return pairs

    @tool(ToolKind.WRITE)
    def send_certificate(self, user_id: str, amount: int) -> str:
        """Give a user a travel certificate worth the given amount (compensation). Use with care.

        Args:
            user_id: The user's id, for example 'sara_doe_496'.
            amount: The certificate's value in dollars.
        """
        user = self._get_user(user_id)
        for payment_id in [f"certificate_{number}" for number in CERTIFICATE_ID_NUMBERS]:
            if payment_id not in user.payment_methods:
                user.payment_methods[payment_id] = Certificate(
                    id=payment_id, amount=amount, source="certificate"
                )
                return f"Certificate {payment_id} added to user {user_id} with amount {amount}."
        raise ValueError("Too many certificates")

    @tool(ToolKind.GENERIC)
    def transfer_to_human_agents(self, summary: str) -> str:
        """Hand the conversation over to a human agent, passing a summary of the issue. Only do
        this when the user asks for a human, or when the policy and these tools leave no way to
        solve the user's issue.

        Args:
            summary: A short summary of the user's issue.
        """
        return "Transfer successful"

    @tool(ToolKind.WRITE)
    def update_reservation_baggages(
        self,
        reservation_id: str,
        total_baggages: int,
        nonfree_baggages: int,
        payment_id: str,
    ) -> Reservation:
        """Change the checked-bag counts of a reservation, charging any added paid bags.

        Args:
            reservation_id: The reservation's id, for example 'ZFA04Y'.
            total_baggages: The new total number of checked bags.
            nonfree_baggages: The new number of paid checked bags.
            payment_id: Id of a payment method in the user's profile, for example
                'credit_card_7815826' or 'gift_card_7815826'.
        """
        reservation = self._get_reservation(reservation_id)
        user = self._get_user(reservation.user_id)
        added = max(0, nonfree_baggages - reservation.nonfree_baggages)
        self._charge_for_update(user, reservation, payment_id, BAG_PRICE * added)
        reservation.total_baggages = total_baggages
        reservation.nonfree_baggages = nonfree_baggages
        return reservation

    @tool(ToolKind.WRITE)
    def update_reservation_flights(
        self,
        reservation_id: str,
        cabin: CabinClass,
        flights: list[FlightInfo | dict[str, Any]],
        payment_id: str,
    ) -> Reservation:
        """Replace the flights and/or cabin of a reservation and settle the price difference.

        Args:
            reservation_id: The reservation's id, for example 'ZFA04Y'.
            cabin: The cabin for every flight after the change.
            flights: The complete new itinerary, each flight as a flight number and a date.
                Flights that stay the same must be listed too.
            payment_id: Id of a gift card or credit card in the user's profile that pays the
                difference or receives the refund, for example 'credit_card_7815826'.
        """
        legs: Any = as_models(flights, FlightInfo)
        reservation = self._get_reservation(reservation_id)
        user = self._get_user(reservation.user_id)
        new_flights, total_price = self._reprice(reservation, legs, cabin)

        self._charge_for_update(user, reservation, payment_id, total_price)
        reservation.flights = new_flights
        reservation.cabin = cabin
        return reservation

    @tool(ToolKind.WRITE)
    def update_reservation_passengers(
        self, reservation_id: str, passengers: list[Passenger | dict[str, Any]]
    ) -> Reservation:
        """Replace the passengers' details on a reservation; their number cannot change.

        Args:
            reservation_id: The reservation's id, for example 'ZFA04Y'.
            passengers: Every traveller, each with first name, last name and date of birth.
        """
        people: Any = as_models(passengers, Passenger)
        reservation = self._get_reservation(reservation_id)
        if len(people) != len(reservation.passengers):
            raise ValueError("Number of passengers does not match")
        reservation.passengers = deepcopy(people)
        return reservation

    @tool(ToolKind.READ)
    def get_flight_status(self, flight_number: str, date: str) -> str:
        """Tell the status of a flight on a date: available, on time, delayed, flying, landed or
        cancelled.

        Args:
            flight_number: The flight number, for example 'HAT001'.
            date: The date as YYYY-MM-DD.
        """
        status: str = self._get_flight_instance(flight_number, date).status
        return status
