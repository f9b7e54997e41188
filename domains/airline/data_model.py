"""The airline world: flights with per-date status, users with payment methods, reservations.

The models mirror tau2-bench's airline database field for field (names, order, types), because
three things depend on that: tau2's `db.json` must load unchanged and dump back equal, tool
responses must serialise with the same key order, and pydantic's validation messages (which
tau2's tools pass on to the agent) name the model class and the field.

Extra keys inside entities are ignored, as in tau2 (an agent may send a passenger with a stray
"seat" field and the tool accepts it); a *world file* is stricter: `load_world_file` rejects any
key the model does not know, at any depth, and unknown top-level keys are always rejected.

Orders that carry no meaning (see `AirlineWorld.canonical`):
- a user's `reservations` id list: a set of ids, appended to in booking order only by accident;
- a user's `payment_methods`: a dict keyed by id;
- a user's `saved_passengers` and a reservation's `passengers`: a set of people;
- a reservation's `payment_history`: a ledger whose sum and entries matter, not their sequence.
A reservation's `flights` keep their order: it is the itinerary (outbound before return).

The current time is a world setting (`current_time`, default tau2's 2024-05-15T15:00:00 EST). It
stays out of the file form while it has the default, so tau2's file round-trips unchanged, and it
travels with copies and JSON when it does not.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticSerializationError

from domains.airline.constants import DEFAULT_CURRENT_TIME
from domains.base import World, WorldFileError, one_line_errors

CabinClass = Literal["business", "economy", "basic_economy"]
Cabin = CabinClass
FlightType = Literal["round_trip", "one_way"]
Insurance = Literal["yes", "no"]
MembershipLevel = Literal["gold", "silver", "regular"]

COLLECTIONS = ("flights", "users", "reservations")


# --- people and money -------------------------------------------------------------------------


class Name(BaseModel):
    first_name: str = Field(description="First name")
    last_name: str = Field(description="Last name")


class Address(BaseModel):
    address1: str = Field(description="Street line")
    address2: str | None = Field(default=None, description="Second street line, if any")
    city: str = Field(description="City")
    country: str = Field(description="Country")
    state: str = Field(description="State or province")
    zip: str = Field(description="Postal code")


class Payment(BaseModel):
    """One line of a reservation's payment history (negative = refund); also a booking's payment
    split as the agent sends it."""

    payment_id: str = Field(description="Id of a payment method in the user's profile")
    amount: int = Field(description="Amount in whole dollars")


class PaymentMethodBase(BaseModel):
    source: str = Field(description="Kind of payment method")
    id: str = Field(description="Payment method id, such as 'credit_card_4421486'")


class CreditCard(PaymentMethodBase):
    source: Literal["credit_card"] = Field(description="Always 'credit_card'")
    brand: str = Field(description="Card brand, such as 'visa'")
    last_four: str = Field(description="Last four digits of the card number")


class GiftCard(PaymentMethodBase):
    source: Literal["gift_card"] = Field(description="Always 'gift_card'")
    amount: float = Field(description="Remaining balance in dollars")
    id: str = Field(description="Gift card id, such as 'gift_card_5309492'")


class Certificate(PaymentMethodBase):
    source: Literal["certificate"] = Field(description="Always 'certificate'")
    amount: float = Field(description="Value in dollars (a remainder is forfeited on use)")


PaymentMethod = Annotated[CreditCard | GiftCard | Certificate, Field(discriminator="source")]


class Passenger(BaseModel):
    first_name: str = Field(description="The passenger's first name")
    last_name: str = Field(description="The passenger's last name")
    dob: str = Field(description="The passenger's date of birth, YYYY-MM-DD")


# --- flights ----------------------------------------------------------------------------------

SeatCounts = dict[CabinClass, int]
SeatPrices = dict[CabinClass, int]


class FlightDateStatusAvailable(BaseModel):
    """The only bookable status: seats left and the current price per cabin."""

    status: Literal["available"] = Field(description="Bookable")
    available_seats: SeatCounts = Field(description="Seats left per cabin")
    prices: SeatPrices = Field(description="Price per passenger per cabin, whole dollars")


class FlightDateStatusOnTime(BaseModel):
    status: Literal["on time"] = Field(description="Not departed yet, on schedule")
    estimated_departure_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")
    estimated_arrival_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")


class FlightDateStatusFlying(BaseModel):
    status: Literal["flying"] = Field(description="Departed, not landed")
    actual_departure_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")
    estimated_arrival_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")


class FlightDateStatusLanded(BaseModel):
    status: Literal["landed"] = Field(description="Flown")
    actual_departure_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")
    actual_arrival_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")


class FlightDateStatusCancelled(BaseModel):
    status: Literal["cancelled"] = Field(description="Cancelled by the airline")


class FlightDateStatusDelayed(BaseModel):
    status: Literal["delayed"] = Field(description="Not departed yet, late")
    estimated_departure_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")
    estimated_arrival_time_est: str = Field(description="YYYY-MM-DDTHH:MM:SS, EST")


FlightDateStatus = Annotated[
    FlightDateStatusAvailable
    | FlightDateStatusLanded
    | FlightDateStatusCancelled
    | FlightDateStatusDelayed
    | FlightDateStatusFlying
    | FlightDateStatusOnTime,
    Field(discriminator="status"),
]


class FlightBase(BaseModel):
    flight_number: str = Field(description="Flight number, such as 'HAT001'")
    origin: str = Field(description="Origin airport (IATA)")
    destination: str = Field(description="Destination airport (IATA)")


class Flight(FlightBase):
    """A scheduled flight; `dates` holds its status on each day it operates."""

    scheduled_departure_time_est: str = Field(description="HH:MM:SS, EST")
    scheduled_arrival_time_est: str = Field(description="HH:MM:SS, EST; '+1' = next day")
    dates: dict[str, FlightDateStatus] = Field(description="Status per date (YYYY-MM-DD)")


class DirectFlight(FlightBase):
    """A search result: one bookable flight on one date."""

    status: Literal["available"] = Field(description="Always 'available'")
    scheduled_departure_time_est: str = Field(description="HH:MM:SS, EST")
    scheduled_arrival_time_est: str = Field(description="HH:MM:SS, EST; '+1' = next day")
    date: str | None = Field(default=None, description="Date of this leg (set by one-stop search)")
    available_seats: SeatCounts = Field(description="Seats left per cabin")
    prices: SeatPrices = Field(description="Price per passenger per cabin")


class FlightInfo(BaseModel):
    """A flight on a date, as the agent names it when booking or changing flights."""

    flight_number: str = Field(description="Flight number, such as 'HAT001'.")
    date: str = Field(description="Date of the flight, YYYY-MM-DD, such as '2024-05-01'.")


class AirportCode(BaseModel):
    iata: str = Field(description="IATA code")
    city: str = Field(description="City")


# --- users and reservations -------------------------------------------------------------------


class User(BaseModel):
    user_id: str = Field(description="User id, such as 'mia_li_3668'")
    name: Name = Field(description="Full name")
    address: Address = Field(description="Postal address")
    email: str = Field(description="Email address")
    dob: str = Field(description="Date of birth, YYYY-MM-DD")
    payment_methods: dict[str, PaymentMethod] = Field(description="Saved payment methods by id")
    saved_passengers: list[Passenger] = Field(description="Saved passengers")
    membership: MembershipLevel = Field(description="Membership tier")
    reservations: list[str] = Field(description="Ids of the user's reservations")


class ReservationFlight(FlightBase):
    """One segment of a reservation, at the price paid per passenger."""

    date: str = Field(description="YYYY-MM-DD")
    price: int = Field(description="Price paid per passenger, whole dollars")


class Reservation(BaseModel):
    reservation_id: str = Field(description="Reservation id, such as '4WQ150'")
    user_id: str = Field(description="Id of the booking user")
    origin: str = Field(description="Trip origin (IATA)")
    destination: str = Field(description="Trip destination (IATA)")
    flight_type: FlightType = Field(description="One way or round trip")
    cabin: CabinClass = Field(description="Cabin of every segment")
    flights: list[ReservationFlight] = Field(description="Segments, in travel order")
    passengers: list[Passenger] = Field(description="Travellers")
    payment_history: list[Payment] = Field(description="Payments and refunds")
    created_at: str = Field(description="Booking time, YYYY-MM-DDTHH:MM:SS (EST)")
    total_baggages: int = Field(description="Checked bags in total")
    nonfree_baggages: int = Field(description="Checked bags paid for")
    insurance: Insurance = Field(description="Travel insurance bought")
    status: Literal["cancelled"] | None = Field(default=None, description="'cancelled' or null")


# --- the world --------------------------------------------------------------------------------


class AirlineWorld(World):
    """The whole airline database plus the world's current time."""

    flights: dict[str, Flight]
    users: dict[str, User]
    reservations: dict[str, Reservation]
    current_time: str = DEFAULT_CURRENT_TIME

    @field_validator("current_time")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")  # raises ValueError with the format
        return value

    @classmethod
    def from_json(cls, data: Any, source: str = "world") -> AirlineWorld:
        """A world from its file form. Stricter than the models: a key the models do not know,
        at any depth, is rejected (the models ignore unknown keys inside entities, as tau2's do
        for tool arguments, but a typo in a hand-edited world must not vanish silently)."""
        if not isinstance(data, dict):
            raise WorldFileError(f"{source}: a world is a JSON object, got {type(data).__name__}")
        try:
            world = cls.model_validate(data)
        except ValidationError as exc:
            problems = one_line_errors(exc)
            raise WorldFileError(f"{source} is not a valid airline world: {problems}") from None
        known = {**world.tau2_dump(), "current_time": world.current_time}
        unknown = _unknown_key(data, known, "")
        if unknown:
            raise WorldFileError(f"{source}: unknown field {unknown!r} in the airline world")
        return world

    def tau2_dump(self) -> dict[str, Any]:
        """Exactly what tau2's `FlightDB.model_dump()` gives: every reservation carries `status`
        (null unless cancelled), payment-method amounts are floats, no current time."""
        # warnings=False: a tool may store an unvalidated argument (as tau2's do); it is dumped
        # as it is, like tau2 dumps it, without pydantic's serializer warning.
        return self.model_dump(include=set(COLLECTIONS), warnings=False)

    def to_json(self) -> dict[str, Any]:
        """The file form: tau2's db.json shape (null-valued keys left out), plus `current_time`
        only when it is not the default."""
        try:
            # Fast path (pydantic drops the nulls itself): exact when every stored value has
            # its declared type, since the only nullable values are then optional model fields.
            # A value a tool stored unvalidated raises here and takes the general path.
            data = self.model_dump(include=set(COLLECTIONS), exclude_none=True, warnings="error")
        except PydanticSerializationError:
            data = strip_nulls(self.tau2_dump())
        if self.current_time != DEFAULT_CURRENT_TIME:
            data["current_time"] = self.current_time
        return data

    def entity_json(self) -> dict[str, dict[str, Any]]:
        """Collection -> id -> entity, each in the form the tools show it (tau2's model dump)."""
        return self.tau2_dump()

    def canonical(self) -> dict[str, Any]:
        """Pass-criterion form: the file form with order-free collections sorted (see the module
        docstring) and money as floats, so 150 and 150.0 compare equal."""
        data = self.to_json()
        for user in data["users"].values():
            user["reservations"] = sorted(user["reservations"])
            user["saved_passengers"] = _sorted_records(user["saved_passengers"])
            for method in user["payment_methods"].values():
                if "amount" in method:
                    method["amount"] = float(method["amount"])
        for reservation in data["reservations"].values():
            reservation["passengers"] = _sorted_records(reservation["passengers"])
            reservation["payment_history"] = _sorted_records(reservation["payment_history"])
        return data

    def copy_world(self) -> AirlineWorld:
        """A deep copy, about ten times faster than `model_copy(deep=True)` on tau2's world."""
        return fast_deepcopy(self)


def tau2_sha256(world: AirlineWorld, *, drop_nulls: bool = False) -> str:
    """tau2's DB hash form: sorted keys, compact separators, sha256 of the UTF-8 bytes."""
    data = world.tau2_dump()
    if drop_nulls:
        data = strip_nulls(data)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _unknown_key(raw: Any, known: Any, path: str) -> str | None:
    """First path (a.b[0].c) present in `raw` but absent from the model's own dump of it."""
    if isinstance(raw, dict) and isinstance(known, dict):
        for key, value in raw.items():
            here = f"{path}.{key}" if path else str(key)
            if key not in known:
                return here
            found = _unknown_key(value, known[key], here)
            if found:
                return found
    elif isinstance(raw, list) and isinstance(known, list):
        for index, (item, known_item) in enumerate(zip(raw, known, strict=False)):
            found = _unknown_key(item, known_item, f"{path}[{index}]")
            if found:
                return found
    return None


def strip_nulls(value: Any) -> Any:
    """`value` with null-valued dict keys removed at any depth (lists keep their nulls)."""
    if isinstance(value, dict):
        return _strip_dict(value)
    if isinstance(value, list):
        return _strip_list(value)
    return value


# Speed: recurse only into containers (a world dump has ~400 leaves per entity, and a call per
# leaf made `to_json` the single largest cost of task synthesis).
def _strip_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    out = {}
    for k, v in value.items():
        if v is None:
            continue
        if isinstance(v, dict):
            v = _strip_dict(v)
        elif isinstance(v, list):
            v = _strip_list(v)
        out[k] = v
    return out


def _strip_list(value: list[Any]) -> list[Any]:
    return [
        _strip_dict(v) if isinstance(v, dict) else _strip_list(v) if isinstance(v, list) else v
        for v in value
    ]


def _sorted_records(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))


# --- fast deep copy ---------------------------------------------------------------------------

_ATOMS = (str, int, float, bool, type(None))
_set = object.__setattr__


def fast_deepcopy(value: Any) -> Any:
    """Deep-copy plain JSON-like data and pydantic models without `copy.deepcopy`'s memo and
    reduce machinery. Field values are copied as they are (no re-validation), so a value a tool
    stored unvalidated survives the copy unchanged, as it would with `deepcopy`."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: fast_deepcopy(v) for k, v in value.items()}
    if kind is list:
        return [fast_deepcopy(v) for v in value]
    if isinstance(value, BaseModel):
        new = object.__new__(kind)
        _set(new, "__dict__", {k: fast_deepcopy(v) for k, v in value.__dict__.items()})
        _set(new, "__pydantic_fields_set__", set(value.__pydantic_fields_set__))
        extra = value.__pydantic_extra__
        _set(new, "__pydantic_extra__", None if extra is None else fast_deepcopy(extra))
        private = value.__pydantic_private__
        _set(new, "__pydantic_private__", None if private is None else copy.deepcopy(private))
        return new
    return copy.deepcopy(value)
