"""Each airline tool's rules and tau2 quirks, on a small hand-made world with known numbers.

Expected texts and state changes follow tau2-bench's airline tools (read from its source); the
recorded tau2 outputs are checked in test_airline_conformance.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from domains.airline import AirlineTools, AirlineWorld

ECONOMY_DAY = {
    "status": "available",
    "available_seats": {"basic_economy": 9, "economy": 3, "business": 2},
    "prices": {"basic_economy": 50, "economy": 100, "business": 300},
}


def _available(seats: int, basic: int, economy: int, business: int) -> dict[str, Any]:
    return {
        "status": "available",
        "available_seats": {"basic_economy": seats, "economy": seats, "business": seats},
        "prices": {"basic_economy": basic, "economy": economy, "business": business},
    }


def _flight(number: str, origin: str, destination: str, dep: str, arr: str, dates: dict) -> dict:
    return {
        "flight_number": number,
        "origin": origin,
        "destination": destination,
        "scheduled_departure_time_est": dep,
        "scheduled_arrival_time_est": arr,
        "dates": dates,
    }


def small_world() -> dict[str, Any]:
    landed = {
        "status": "landed",
        "actual_departure_time_est": "2024-05-10T08:05:00",
        "actual_arrival_time_est": "2024-05-10T10:01:00",
    }
    return {
        "flights": {
            "HAT001": _flight(
                "HAT001",
                "JFK",
                "ORD",
                "08:00:00",
                "10:00:00",
                {
                    "2024-05-10": landed,
                    "2024-05-15": {
                        "status": "flying",
                        "actual_departure_time_est": "2024-05-15T08:00:00",
                        "estimated_arrival_time_est": "2024-05-15T10:00:00",
                    },
                    "2024-05-20": ECONOMY_DAY,
                    "2024-05-21": {"status": "cancelled"},
                    "2024-05-22": _available(0, 60, 110, 310),
                },
            ),
            # Departs exactly when HAT001 lands: a zero-minute connection (tau2 allows it).
            "HAT002": _flight(
                "HAT002",
                "ORD",
                "LAX",
                "10:00:00",
                "13:00:00",
                {"2024-05-20": _available(5, 40, 90, 250)},
            ),
            # Overnight: arrives "+1", so the one-stop search looks for the next leg a day later.
            "HAT003": _flight(
                "HAT003",
                "LAX",
                "JFK",
                "22:00:00",
                "06:00:00+1",
                {
                    d: _available(4, 70, 150, 400)
                    for d in ("2024-05-08", "2024-05-20", "2024-05-30")
                },
            ),
            "HAT004": _flight(
                "HAT004",
                "JFK",
                "LAX",
                "07:00:00",
                "09:00:00",
                {d: _available(4, 70, 150, 400) for d in ("2024-05-09", "2024-05-21")},
            ),
            # Leaves ORD before HAT001 lands: never a connection for it.
            "HAT005": _flight(
                "HAT005",
                "ORD",
                "LAX",
                "09:00:00",
                "12:00:00",
                {"2024-05-20": _available(5, 45, 95, 260)},
            ),
        },
        "users": {
            "ann_1": {
                "user_id": "ann_1",
                "name": {"first_name": "Ann", "last_name": "Lee"},
                "address": {
                    "address1": "1 Main St",
                    "address2": None,
                    "city": "Austin",
                    "country": "USA",
                    "state": "TX",
                    "zip": "78701",
                },
                "email": "ann@example.com",
                "dob": "1980-01-01",
                "payment_methods": {
                    "credit_card_1": {
                        "source": "credit_card",
                        "id": "credit_card_1",
                        "brand": "visa",
                        "last_four": "1111",
                    },
                    "gift_card_1": {"source": "gift_card", "id": "gift_card_1", "amount": 200.0},
                    "certificate_1": {
                        "source": "certificate",
                        "id": "certificate_1",
                        "amount": 150.0,
                    },
                },
                "saved_passengers": [
                    {"first_name": "Cal", "last_name": "Lee", "dob": "2010-02-02"}
                ],
                "membership": "gold",
                "reservations": ["R1"],
            },
            "bob_2": {
                "user_id": "bob_2",
                "name": {"first_name": "Bob", "last_name": "Ray"},
                "address": {
                    "address1": "2 Oak St",
                    "address2": "Apt 3",
                    "city": "Boston",
                    "country": "USA",
                    "state": "MA",
                    "zip": "02101",
                },
                "email": "bob@example.com",
                "dob": "1975-05-05",
                "payment_methods": {
                    "credit_card_2": {
                        "source": "credit_card",
                        "id": "credit_card_2",
                        "brand": "mastercard",
                        "last_four": "2222",
                    },
                    "gift_card_2": {"source": "gift_card", "id": "gift_card_2", "amount": 10.0},
                },
                "saved_passengers": [],
                "membership": "regular",
                "reservations": ["R2"],
            },
        },
        "reservations": {
            # HAT001 was bought at 80 (its economy price is 100 now): a kept segment stays at 80.
            "R1": {
                "reservation_id": "R1",
                "user_id": "ann_1",
                "origin": "JFK",
                "destination": "LAX",
                "flight_type": "one_way",
                "cabin": "economy",
                "flights": [
                    {
                        "flight_number": "HAT001",
                        "origin": "JFK",
                        "destination": "ORD",
                        "date": "2024-05-20",
                        "price": 80,
                    },
                    {
                        "flight_number": "HAT002",
                        "origin": "ORD",
                        "destination": "LAX",
                        "date": "2024-05-20",
                        "price": 90,
                    },
                ],
                "passengers": [
                    {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-01"},
                    {"first_name": "Cal", "last_name": "Lee", "dob": "2010-02-02"},
                ],
                "payment_history": [{"payment_id": "credit_card_1", "amount": 340}],
                "created_at": "2024-05-14T10:00:00",
                "total_baggages": 1,
                "nonfree_baggages": 0,
                "insurance": "no",
            },
            # Flown (HAT001 landed on 05-10), paid by gift card.
            "R2": {
                "reservation_id": "R2",
                "user_id": "bob_2",
                "origin": "JFK",
                "destination": "ORD",
                "flight_type": "one_way",
                "cabin": "basic_economy",
                "flights": [
                    {
                        "flight_number": "HAT001",
                        "origin": "JFK",
                        "destination": "ORD",
                        "date": "2024-05-10",
                        "price": 45,
                    }
                ],
                "passengers": [{"first_name": "Bob", "last_name": "Ray", "dob": "1975-05-05"}],
                "payment_history": [{"payment_id": "gift_card_2", "amount": 45}],
                "created_at": "2024-05-01T09:00:00",
                "total_baggages": 0,
                "nonfree_baggages": 0,
                "insurance": "yes",
            },
        },
    }


@pytest.fixture
def tools() -> AirlineTools:
    return AirlineTools(AirlineWorld.from_json(small_world()))


def ok(tools: AirlineTools, name: str, **arguments: Any) -> Any:
    result = tools.call(name, arguments)
    assert not result.error, result.content
    try:
        return json.loads(result.content)
    except json.JSONDecodeError:
        return result.content


def err(tools: AirlineTools, name: str, **arguments: Any) -> str:
    result = tools.call(name, arguments)
    assert result.error, result.content
    assert result.content.startswith("Error: ")
    return result.content.removeprefix("Error: ")


def booking(**overrides: Any) -> dict[str, Any]:
    """A valid booking for ann_1: HAT001 economy on 05-20, one passenger, $100 by credit card."""
    args: dict[str, Any] = {
        "user_id": "ann_1",
        "origin": "JFK",
        "destination": "ORD",
        "flight_type": "one_way",
        "cabin": "economy",
        "flights": [{"flight_number": "HAT001", "date": "2024-05-20"}],
        "passengers": [{"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-01"}],
        "payment_methods": [{"payment_id": "credit_card_1", "amount": 100}],
        "total_baggages": 0,
        "nonfree_baggages": 0,
        "insurance": "no",
    }
    args.update(overrides)
    return args


def state(tools: AirlineTools) -> dict[str, Any]:
    return tools.world.tau2_dump()


# --- toolkit boundary ---------------------------------------------------------------------------


def test_unknown_tool_is_an_error_response(tools: AirlineTools) -> None:
    assert err(tools, "think", thought="hm") == "Tool 'think' not found."
    assert err(tools, "_get_user", user_id="ann_1") == "Tool '_get_user' not found."


def test_python_argument_errors_name_the_toolkit(tools: AirlineTools) -> None:
    assert err(tools, "get_user_details", user_id="ann_1", verbose=True) == (
        "AirlineTools.get_user_details() got an unexpected keyword argument 'verbose'"
    )
    assert err(tools, "get_user_details") == (
        "AirlineTools.get_user_details() missing 1 required positional argument: 'user_id'"
    )


def test_arguments_are_not_coerced(tools: AirlineTools) -> None:
    assert err(tools, "get_user_details", user_id=["ann_1"]) == "unhashable type: 'list'"
    assert err(tools, "get_reservation_details", reservation_id=1) == "Reservation 1 not found"


# --- reads --------------------------------------------------------------------------------------


def test_lookups_are_exact(tools: AirlineTools) -> None:
    assert ok(tools, "get_user_details", user_id="ann_1")["membership"] == "gold"
    assert err(tools, "get_user_details", user_id="Ann_1") == "User Ann_1 not found"
    assert ok(tools, "get_reservation_details", reservation_id="R1")["status"] is None
    assert err(tools, "get_reservation_details", reservation_id="r1") == "Reservation r1 not found"


def test_get_flight_status(tools: AirlineTools) -> None:
    assert ok(tools, "get_flight_status", flight_number="HAT001", date="2024-05-10") == "landed"
    assert ok(tools, "get_flight_status", flight_number="HAT001", date="2024-05-15") == "flying"
    assert ok(tools, "get_flight_status", flight_number="HAT001", date="2024-05-21") == "cancelled"
    assert err(tools, "get_flight_status", flight_number="HAT009", date="2024-05-20") == (
        "Flight HAT009 not found"
    )
    assert err(tools, "get_flight_status", flight_number="HAT001", date="2024-05-23") == (
        "Flight HAT001 not found on date 2024-05-23"
    )


def test_list_all_airports(tools: AirlineTools) -> None:
    airports = ok(tools, "list_all_airports")
    assert len(airports) == 20
    assert airports[0] == {"iata": "SFO", "city": "San Francisco"}
    assert airports[-1] == {"iata": "LGA", "city": "LaGuardia"}


def test_search_direct_flight(tools: AirlineTools) -> None:
    found = ok(tools, "search_direct_flight", origin="JFK", destination="ORD", date="2024-05-20")
    assert found == [
        {
            "flight_number": "HAT001",
            "origin": "JFK",
            "destination": "ORD",
            "status": "available",
            "scheduled_departure_time_est": "08:00:00",
            "scheduled_arrival_time_est": "10:00:00",
            "date": None,
            **{k: v for k, v in ECONOMY_DAY.items() if k != "status"},
        }
    ]
    for date in ("2024-05-10", "2024-05-15", "2024-05-21", "2024-06-01"):  # not bookable / absent
        assert ok(tools, "search_direct_flight", origin="JFK", destination="ORD", date=date) == []


def test_search_direct_flight_null_origin_matches_any(tools: AirlineTools) -> None:
    found = ok(tools, "search_direct_flight", origin=None, destination="LAX", date="2024-05-20")
    assert [f["flight_number"] for f in found] == ["HAT002", "HAT005"]


def test_search_onestop_flight_pairs_and_zero_minute_layover(tools: AirlineTools) -> None:
    pairs = ok(tools, "search_onestop_flight", origin="JFK", destination="LAX", date="2024-05-20")
    # HAT005 leaves ORD before HAT001 lands; HAT002 leaves exactly when it lands.
    assert [[a["flight_number"], b["flight_number"]] for a, b in pairs] == [["HAT001", "HAT002"]]
    assert [pairs[0][0]["date"], pairs[0][1]["date"]] == ["2024-05-20", "2024-05-20"]


def test_search_onestop_flight_overnight_first_leg(tools: AirlineTools) -> None:
    pairs = ok(tools, "search_onestop_flight", origin="LAX", destination="LAX", date="2024-05-20")
    assert [(a["flight_number"], b["flight_number"], b["date"]) for a, b in pairs] == [
        ("HAT003", "HAT004", "2024-05-21")
    ]
    # tau2 builds the next day without zero padding ("2024-05-9") and as "2024-05-31" on the
    # 30th, so these connections exist but are not found.
    for date in ("2024-05-08", "2024-05-30"):
        assert ok(tools, "search_onestop_flight", origin="LAX", destination="LAX", date=date) == []


def test_transfer_changes_nothing(tools: AirlineTools) -> None:
    before = state(tools)
    assert ok(tools, "transfer_to_human_agents", summary="wants a refund") == "Transfer successful"
    assert state(tools) == before


# --- book_reservation -------------------------------------------------------------------------


def test_book_charges_insurance_bags_and_takes_certificate_whole(tools: AirlineTools) -> None:
    # 100 fare + 30 insurance + 50 for one paid bag = 180: certificate 150 (of 150) + gift card 30.
    reservation = ok(
        tools,
        "book_reservation",
        **booking(
            insurance="yes",
            total_baggages=3,
            nonfree_baggages=1,
            payment_methods=[
                {"payment_id": "certificate_1", "amount": 150},
                {"payment_id": "gift_card_1", "amount": 30},
            ],
        ),
    )
    assert reservation["reservation_id"] == "HATHAT"
    assert reservation["created_at"] == "2024-05-15T15:00:00"
    assert reservation["status"] is None
    assert reservation["flights"] == [
        {
            "flight_number": "HAT001",
            "origin": "JFK",
            "destination": "ORD",
            "date": "2024-05-20",
            "price": 100,
        }
    ]
    assert reservation["payment_history"] == [
        {"payment_id": "certificate_1", "amount": 150},
        {"payment_id": "gift_card_1", "amount": 30},
    ]
    user = state(tools)["users"]["ann_1"]
    assert "certificate_1" not in user["payment_methods"]
    assert user["payment_methods"]["gift_card_1"]["amount"] == 170.0
    assert user["reservations"] == ["R1", "HATHAT"]
    seats = state(tools)["flights"]["HAT001"]["dates"]["2024-05-20"]["available_seats"]
    assert seats == {"basic_economy": 9, "economy": 2, "business": 2}


def test_book_certificate_remainder_is_forfeited(tools: AirlineTools) -> None:
    ok(
        tools,
        "book_reservation",
        **booking(
            payment_methods=[
                {"payment_id": "certificate_1", "amount": 60},
                {"payment_id": "credit_card_1", "amount": 40},
            ]
        ),
    )
    assert "certificate_1" not in state(tools)["users"]["ann_1"]["payment_methods"]


def test_book_ids_run_out_after_three(tools: AirlineTools) -> None:
    ids = [ok(tools, "book_reservation", **booking())["reservation_id"] for _ in range(3)]
    assert ids == ["HATHAT", "HATHAU", "HATHAV"]
    before = state(tools)
    assert err(tools, "book_reservation", **booking()) == "Too many reservations"
    assert state(tools) == before


def test_book_uses_the_worlds_current_time() -> None:
    world = AirlineWorld.from_json({**small_world(), "current_time": "2024-05-18T09:30:00"})
    tools = AirlineTools(world)
    assert ok(tools, "book_reservation", **booking())["created_at"] == "2024-05-18T09:30:00"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"payment_methods": [{"payment_id": "credit_card_1", "amount": 90}]},
            "Payment amount does not add up, total price is 100, but paid 90",
        ),
        (
            {"nonfree_baggages": 1},
            "Payment amount does not add up, total price is 150, but paid 100",
        ),
        ({"insurance": "yes"}, "Payment amount does not add up, total price is 130, but paid 100"),
        (
            {"payment_methods": [{"payment_id": "credit_card_2", "amount": 100}]},
            "Payment method credit_card_2 not found",
        ),
        (
            {"payment_methods": [{"payment_id": "certificate_1", "amount": 151}]},
            "Not enough balance in payment method certificate_1",
        ),
        (
            {"user_id": "bob_2", "payment_methods": [{"payment_id": "gift_card_2", "amount": 100}]},
            "Not enough balance in payment method gift_card_2",
        ),
        ({"user_id": "nobody"}, "User nobody not found"),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-21"}]},
            "Flight HAT001 not available on date 2024-05-21",
        ),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-10"}]},
            "Flight HAT001 not available on date 2024-05-10",
        ),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-15"}]},
            "Flight HAT001 not available on date 2024-05-15",
        ),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-06-01"}]},
            "Flight HAT001 not found on date 2024-06-01",
        ),
        (
            {"flights": [{"flight_number": "HAT999", "date": "2024-05-20"}]},
            "Flight HAT999 not found",
        ),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-22"}]},
            "Not enough seats on flight HAT001",
        ),
        (
            {
                "cabin": "business",
                "passengers": [
                    {"first_name": "P", "last_name": str(i), "dob": "2000-01-01"} for i in range(3)
                ],
            },
            "Not enough seats on flight HAT001",
        ),
        ({"nonfree_baggages": "1"}, "unsupported operand type(s) for +=: 'int' and 'str'"),
        (
            {"flights": [{"flight_number": "HAT001", "date": "2024-05-20"}, "HAT002"]},
            "'dict' object has no attribute 'flight_number'",
        ),
    ],
)
def test_book_rejections_leave_the_world_alone(
    tools: AirlineTools, overrides: dict[str, Any], message: str
) -> None:
    before = state(tools)
    assert err(tools, "book_reservation", **booking(**overrides)) == message
    assert state(tools) == before


def test_book_validation_messages_are_pydantics(tools: AirlineTools) -> None:
    text = err(tools, "book_reservation", **booking(flight_type="multi_city"))
    assert text.startswith(
        "1 validation error for Reservation\nflight_type\n"
        "  Input should be 'round_trip' or 'one_way' [type=literal_error, "
        "input_value='multi_city', input_type=str]\n"
    )
    assert "https://errors.pydantic.dev/2.12/v/literal_error" in text
    text = err(
        tools, "book_reservation", **booking(passengers=[{"first_name": "A", "last_name": "B"}])
    )
    assert text.startswith("1 validation error for Passenger\ndob\n  Field required [type=missing")
    text = err(
        tools,
        "book_reservation",
        **booking(payment_methods=[{"payment_id": "credit_card_1", "amount": 99.5}]),
    )
    assert text.startswith(
        "1 validation error for Payment\namount\n"
        "  Input should be a valid integer, got a number with a fractional part"
    )


def test_book_same_gift_card_twice_can_go_negative(tools: AirlineTools) -> None:
    # Each line is checked against the balance on its own: 150 <= 200 twice, 300 taken.
    ok(
        tools,
        "book_reservation",
        **booking(
            cabin="business",
            payment_methods=[
                {"payment_id": "gift_card_1", "amount": 150},
                {"payment_id": "gift_card_1", "amount": 150},
            ],
        ),
    )
    assert state(tools)["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] == -100.0


def test_book_same_certificate_twice_fails_after_removing_it(tools: AirlineTools) -> None:
    before = state(tools)
    text = err(
        tools,
        "book_reservation",
        **booking(
            payment_methods=[
                {"payment_id": "certificate_1", "amount": 50},
                {"payment_id": "certificate_1", "amount": 50},
            ]
        ),
    )
    assert text == "'certificate_1'"
    after = state(tools)
    assert "certificate_1" not in after["users"]["ann_1"]["payment_methods"]  # partial change
    assert after["reservations"] == before["reservations"]
    assert after["flights"] == before["flights"]


def test_book_checks_no_policy(tools: AirlineTools) -> None:
    """No route, trip type, passenger-count, payment-mix or free-bag checks; no flights = $0."""
    reservation = ok(
        tools,
        "book_reservation",
        **booking(
            origin="XXX",
            destination="YYY",
            flight_type="round_trip",
            flights=[],
            payment_methods=[],
        ),
    )
    assert (reservation["flights"], reservation["payment_history"]) == ([], [])
    six = [{"first_name": "P", "last_name": str(i), "dob": "2000-01-01"} for i in range(6)]
    ok(
        tools,
        "book_reservation",
        **booking(
            cabin="basic_economy",
            passengers=six,
            payment_methods=[{"payment_id": "credit_card_1", "amount": 300}],
        ),
    )


# --- cancel_reservation -----------------------------------------------------------------------


def test_cancel_refunds_every_payment_and_keeps_seats_and_balances(tools: AirlineTools) -> None:
    before = state(tools)
    reservation = ok(tools, "cancel_reservation", reservation_id="R2")
    assert reservation["status"] == "cancelled"
    assert reservation["payment_history"] == [
        {"payment_id": "gift_card_2", "amount": 45},
        {"payment_id": "gift_card_2", "amount": -45},
    ]
    after = state(tools)
    assert after["users"] == before["users"]  # the gift card is not credited back
    assert after["flights"] == before["flights"]  # no seats released


def test_cancel_twice_negates_the_whole_history_again(tools: AirlineTools) -> None:
    ok(tools, "cancel_reservation", reservation_id="R1")
    history = ok(tools, "cancel_reservation", reservation_id="R1")["payment_history"]
    assert [line["amount"] for line in history] == [340, -340, -340, 340]


def test_cancel_of_a_new_booking_keeps_its_seats_taken(tools: AirlineTools) -> None:
    ok(tools, "book_reservation", **booking())
    ok(tools, "cancel_reservation", reservation_id="HATHAT")
    seats = state(tools)["flights"]["HAT001"]["dates"]["2024-05-20"]["available_seats"]
    assert seats["economy"] == 2
    assert err(tools, "cancel_reservation", reservation_id="") == "Reservation  not found"


# --- update_reservation_flights ---------------------------------------------------------------

R1_FLIGHTS = [
    {"flight_number": "HAT001", "date": "2024-05-20"},
    {"flight_number": "HAT002", "date": "2024-05-20"},
]


def test_change_flights_keeps_old_price_of_kept_segment(tools: AirlineTools) -> None:
    # HAT001 kept at 80 (now 100); HAT005 new at 95: (80 + 95 - 80 - 90) * 2 passengers = 10.
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="economy",
        flights=[R1_FLIGHTS[0], {"flight_number": "HAT005", "date": "2024-05-20"}],
        payment_id="credit_card_1",
    )
    assert [f["price"] for f in reservation["flights"]] == [80, 95]
    assert reservation["payment_history"][-1] == {"payment_id": "credit_card_1", "amount": 10}
    seats = state(tools)["flights"]["HAT005"]["dates"]["2024-05-20"]["available_seats"]
    assert seats["economy"] == 5  # seat counts untouched


def test_cabin_change_reprices_every_segment(tools: AirlineTools) -> None:
    # business 300 + 250, two passengers, minus 340 paid = 760.
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="business",
        flights=R1_FLIGHTS,
        payment_id="credit_card_1",
    )
    assert reservation["cabin"] == "business"
    assert [f["price"] for f in reservation["flights"]] == [300, 250]
    assert reservation["payment_history"][-1]["amount"] == 760


def test_downgrade_refund_raises_gift_card_balance(tools: AirlineTools) -> None:
    # basic economy 50 + 40, two passengers, minus 340 = -160: refunded onto the gift card.
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="basic_economy",
        flights=R1_FLIGHTS,
        payment_id="gift_card_1",
    )
    assert reservation["payment_history"][-1] == {"payment_id": "gift_card_1", "amount": -160}
    assert state(tools)["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] == 360.0


def test_no_difference_adds_no_payment_line(tools: AirlineTools) -> None:
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="economy",
        flights=R1_FLIGHTS,
        payment_id="gift_card_1",
    )
    assert reservation["payment_history"] == [{"payment_id": "credit_card_1", "amount": 340}]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"cabin": "economy", "payment_id": "certificate_1"},
            "Certificate cannot be used to update reservation",
        ),
        ({"cabin": "economy", "payment_id": "credit_card_2"}, "Payment method not found"),
        ({"cabin": "business", "payment_id": "gift_card_1"}, "Gift card balance is not enough"),
        ({"cabin": "first", "payment_id": "credit_card_1"}, "'first'"),
        (
            {
                "cabin": "economy",
                "payment_id": "credit_card_1",
                "flights": [{"flight_number": "HAT001", "date": "2024-05-22"}],
            },
            "Not enough seats on flight HAT001",
        ),
        (
            {
                "cabin": "economy",
                "payment_id": "credit_card_1",
                "flights": [{"flight_number": "HAT001", "date": "2024-05-21"}],
            },
            "Flight HAT001 not available on date 2024-05-21",
        ),
        (
            {"cabin": "economy", "payment_id": "credit_card_1", "reservation_id": "R9"},
            "Reservation R9 not found",
        ),
        (
            {
                "cabin": "economy",
                "payment_id": "credit_card_1",
                "flights": [{"date": "2024-05-20"}],
            },
            "1 validation error for FlightInfo\nflight_number\n  Field required",
        ),
    ],
)
def test_change_flights_rejections(
    tools: AirlineTools, arguments: dict[str, Any], message: str
) -> None:
    before = state(tools)
    call = {"reservation_id": "R1", "flights": R1_FLIGHTS, **arguments}
    assert err(tools, "update_reservation_flights", **call).startswith(message)
    assert state(tools) == before


def test_cabin_change_with_a_flown_segment_fails_as_not_available(tools: AirlineTools) -> None:
    flown = [{"flight_number": "HAT001", "date": "2024-05-10"}]
    assert (
        err(
            tools,
            "update_reservation_flights",
            reservation_id="R2",
            cabin="economy",
            flights=flown,
            payment_id="credit_card_2",
        )
        == "Flight HAT001 not available on date 2024-05-10"
    )
    # Same cabin: the flown segment is simply kept (basic economy is not protected either).
    ok(
        tools,
        "update_reservation_flights",
        reservation_id="R2",
        cabin="basic_economy",
        flights=flown,
        payment_id="credit_card_2",
    )


def test_change_flights_works_on_cancelled_and_accepts_any_route(tools: AirlineTools) -> None:
    ok(tools, "cancel_reservation", reservation_id="R1")
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="economy",
        flights=[{"flight_number": "HAT003", "date": "2024-05-20"}],
        payment_id="credit_card_1",
    )
    assert reservation["status"] == "cancelled"
    assert reservation["flights"][0]["origin"] == "LAX"  # reservation still says JFK -> LAX
    assert reservation["payment_history"][-1]["amount"] == 150 * 2 - 340


def test_empty_itinerary_refunds_everything(tools: AirlineTools) -> None:
    reservation = ok(
        tools,
        "update_reservation_flights",
        reservation_id="R1",
        cabin="economy",
        flights=[],
        payment_id="credit_card_1",
    )
    assert reservation["flights"] == []
    assert reservation["payment_history"][-1]["amount"] == -340


# --- update_reservation_baggages --------------------------------------------------------------


def test_add_bags_charges_only_new_nonfree_bags(tools: AirlineTools) -> None:
    reservation = ok(
        tools,
        "update_reservation_baggages",
        reservation_id="R1",
        total_baggages=3,
        nonfree_baggages=2,
        payment_id="credit_card_1",
    )
    assert (reservation["total_baggages"], reservation["nonfree_baggages"]) == (3, 2)
    assert reservation["payment_history"][-1] == {"payment_id": "credit_card_1", "amount": 100}
    # Removing bags is accepted and refunds nothing; negative counts too.
    for total, nonfree in ((1, 0), (-1, -2)):
        reservation = ok(
            tools,
            "update_reservation_baggages",
            reservation_id="R1",
            total_baggages=total,
            nonfree_baggages=nonfree,
            payment_id="credit_card_1",
        )
        assert (reservation["total_baggages"], reservation["nonfree_baggages"]) == (total, nonfree)
        assert len(reservation["payment_history"]) == 2


def test_bags_on_gift_card_to_zero(tools: AirlineTools) -> None:
    ok(
        tools,
        "update_reservation_baggages",
        reservation_id="R1",
        total_baggages=5,
        nonfree_baggages=4,
        payment_id="gift_card_1",
    )
    assert state(tools)["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] == 0.0


@pytest.mark.parametrize(
    ("reservation_id", "nonfree", "payment_id", "message"),
    [
        ("R1", 0, "certificate_1", "Certificate cannot be used to update reservation"),
        ("R1", 1, "credit_card_2", "Payment method not found"),
        ("R2", 1, "gift_card_2", "Gift card balance is not enough"),
        ("R1", "1", "credit_card_1", "unsupported operand type(s) for -: 'str' and 'int'"),
        ("R0", 1, "credit_card_1", "Reservation R0 not found"),
    ],
)
def test_bag_rejections(
    tools: AirlineTools, reservation_id: str, nonfree: Any, payment_id: str, message: str
) -> None:
    before = state(tools)
    text = err(
        tools,
        "update_reservation_baggages",
        reservation_id=reservation_id,
        total_baggages=2,
        nonfree_baggages=nonfree,
        payment_id=payment_id,
    )
    assert text == message
    assert state(tools) == before


def test_fractional_bag_charge_fails_after_taking_gift_card_money(tools: AirlineTools) -> None:
    text = err(
        tools,
        "update_reservation_baggages",
        reservation_id="R1",
        total_baggages=2,
        nonfree_baggages=1.01,
        payment_id="gift_card_1",
    )
    assert text.startswith("1 validation error for Payment\namount\n")
    assert state(tools)["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] == 149.5


# --- update_reservation_passengers ------------------------------------------------------------


def test_replace_passengers_same_count(tools: AirlineTools) -> None:
    new = [
        {"first_name": "Cal", "last_name": "Lee", "dob": "2010-02-02", "seat": "1A"},
        {"first_name": "Dee", "last_name": "Lee", "dob": "2012-03-03"},
    ]
    reservation = ok(tools, "update_reservation_passengers", reservation_id="R1", passengers=new)
    assert reservation["passengers"] == [
        {"first_name": "Cal", "last_name": "Lee", "dob": "2010-02-02"},  # extra field dropped
        {"first_name": "Dee", "last_name": "Lee", "dob": "2012-03-03"},
    ]


def test_passenger_count_cannot_change(tools: AirlineTools) -> None:
    one = [{"first_name": "Cal", "last_name": "Lee", "dob": "2010-02-02"}]
    assert err(tools, "update_reservation_passengers", reservation_id="R1", passengers=one) == (
        "Number of passengers does not match"
    )


def test_passengers_are_validated_before_the_lookup(tools: AirlineTools) -> None:
    text = err(tools, "update_reservation_passengers", reservation_id="NOPE", passengers=[{"x": 1}])
    assert text.startswith("3 validation errors for Passenger\nfirst_name\n  Field required")
    assert err(tools, "update_reservation_passengers", reservation_id="NOPE", passengers=[]) == (
        "Reservation NOPE not found"
    )


# --- send_certificate -------------------------------------------------------------------------


def test_send_certificate_ids_amounts_and_limit(tools: AirlineTools) -> None:
    messages = [
        ok(tools, "send_certificate", user_id="bob_2", amount=amount) for amount in (100, 12.5, "7")
    ]
    assert messages == [
        "Certificate certificate_3221322 added to user bob_2 with amount 100.",
        "Certificate certificate_3221323 added to user bob_2 with amount 12.5.",
        "Certificate certificate_3221324 added to user bob_2 with amount 7.",
    ]
    methods = state(tools)["users"]["bob_2"]["payment_methods"]
    assert [methods[f"certificate_322132{i}"]["amount"] for i in (2, 3, 4)] == [100.0, 12.5, 7.0]
    before = state(tools)
    assert err(tools, "send_certificate", user_id="bob_2", amount=50) == "Too many certificates"
    assert state(tools) == before
    # Ids are per user: another user starts again at certificate_3221322.
    assert ok(tools, "send_certificate", user_id="ann_1", amount=-5).startswith(
        "Certificate certificate_3221322 added to user ann_1 with amount -5."
    )


def test_send_certificate_rejections(tools: AirlineTools) -> None:
    assert err(tools, "send_certificate", user_id="nobody", amount=1) == "User nobody not found"
    assert err(tools, "send_certificate", user_id="bob_2", amount="lots").startswith(
        "1 validation error for Certificate\namount\n  Input should be a valid number"
    )
