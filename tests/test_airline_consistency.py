"""The airline world consistency checker: a consistent world passes, each rule has a world that
breaks it and is caught naming that rule, and tau2's own world breaks only the rules whose
exceptions are explained (`TAU2_EXCEPTIONS`)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from domains import registry
from domains.airline import load_world, parse_world
from domains.airline.consistency import RULES, TAU2_EXCEPTIONS, check_world
from domains.base import Violation

Mutation = Callable[[dict[str, Any]], None]


def _available(basic: int, eco: int, business: int, seats: int = 9) -> dict[str, Any]:
    return {
        "status": "available",
        "available_seats": {"basic_economy": seats, "economy": seats, "business": seats},
        "prices": {"basic_economy": basic, "economy": eco, "business": business},
    }


def _flight(fn: str, a: str, b: str, dep: str, arr: str, dates: dict[str, Any]) -> dict[str, Any]:
    return {
        "flight_number": fn,
        "origin": a,
        "destination": b,
        "scheduled_departure_time_est": dep,
        "scheduled_arrival_time_est": arr,
        "dates": dates,
    }


def _segment(fn: str, a: str, b: str, date: str, price: int) -> dict[str, Any]:
    return {"origin": a, "destination": b, "flight_number": fn, "date": date, "price": price}


ME = {"first_name": "Avery", "last_name": "Ashdown", "dob": "1980-04-02"}
FRIEND = {"first_name": "Bram", "last_name": "Calloway", "dob": "1983-11-20"}


def consistent_world() -> dict[str, Any]:
    """A small world that keeps every rule: a round trip BOS-SFO via ORD, a flown one-way."""
    landed = {
        "status": "landed",
        "actual_departure_time_est": "2024-05-10T08:07:00",
        "actual_arrival_time_est": "2024-05-10T10:29:00",
    }
    return {
        "flights": {
            "HAT301": _flight(
                "HAT301",
                "BOS",
                "ORD",
                "08:00:00",
                "10:25:00",
                {"2024-05-10": landed, "2024-05-20": _available(120, 160, 450)},
            ),
            "HAT302": _flight(
                "HAT302",
                "ORD",
                "SFO",
                "11:30:00",
                "16:00:00",
                {"2024-05-20": _available(150, 210, 560)},
            ),
            "HAT303": _flight(
                "HAT303",
                "SFO",
                "BOS",
                "09:00:00",
                "15:25:00",
                {"2024-05-25": _available(200, 260, 700)},
            ),
        },  # fmt: skip
        "users": {
            "avery_ashdown_1234": {
                "user_id": "avery_ashdown_1234",
                "name": {"first_name": "Avery", "last_name": "Ashdown"},
                "address": {
                    "address1": "12 Juniper Lane",
                    "city": "Portland",
                    "country": "USA",
                    "state": "OR",
                    "zip": "97205",
                },
                "email": "avery.ashdown@example.com",
                "dob": ME["dob"],
                "payment_methods": {
                    "credit_card_1111111": {
                        "source": "credit_card",
                        "id": "credit_card_1111111",
                        "brand": "visa",
                        "last_four": "4242",
                    },
                    "gift_card_2222222": {
                        "source": "gift_card",
                        "id": "gift_card_2222222",
                        "amount": 120.0,
                    },
                    "certificate_3333333": {
                        "source": "certificate",
                        "id": "certificate_3333333",
                        "amount": 150.0,
                    },
                },
                "saved_passengers": [dict(FRIEND)],
                "membership": "silver",
                "reservations": ["RT0001", "OW0002"],
            }
        },
        "reservations": {
            "RT0001": {
                "reservation_id": "RT0001",
                "user_id": "avery_ashdown_1234",
                "origin": "BOS",
                "destination": "SFO",
                "flight_type": "round_trip",
                "cabin": "economy",
                "flights": [
                    _segment("HAT301", "BOS", "ORD", "2024-05-20", 160),
                    _segment("HAT302", "ORD", "SFO", "2024-05-20", 210),
                    _segment("HAT303", "SFO", "BOS", "2024-05-25", 260),
                ],
                "passengers": [dict(ME), dict(FRIEND)],
                "payment_history": [{"payment_id": "credit_card_1111111", "amount": 1320}],
                "created_at": "2024-05-01T10:12:13",
                "total_baggages": 1,
                "nonfree_baggages": 0,
                "insurance": "yes",
            },
            "OW0002": {
                "reservation_id": "OW0002",
                "user_id": "avery_ashdown_1234",
                "origin": "BOS",
                "destination": "ORD",
                "flight_type": "one_way",
                "cabin": "basic_economy",
                "flights": [_segment("HAT301", "BOS", "ORD", "2024-05-10", 100)],
                "passengers": [dict(ME)],
                "payment_history": [{"payment_id": "gift_card_2222222", "amount": 150}],
                "created_at": "2024-04-22T19:41:05",
                "total_baggages": 1,
                "nonfree_baggages": 1,
                "insurance": "no",
            },
        },
    }


def _rules(world: dict[str, Any]) -> set[str]:
    return {v.rule for v in check_world(parse_world(world))}


def test_a_consistent_world_passes() -> None:
    assert check_world(parse_world(consistent_world())) == []


def test_the_airline_domain_carries_the_checker() -> None:
    assert registry.get("airline").consistency is check_world


# --- one broken world per rule ----------------------------------------------------------------


def _flights(w: dict[str, Any]) -> dict[str, Any]:
    return w["flights"]


def _user(w: dict[str, Any]) -> dict[str, Any]:
    return w["users"]["avery_ashdown_1234"]


def _rt(w: dict[str, Any]) -> dict[str, Any]:
    return w["reservations"]["RT0001"]


def _ow(w: dict[str, Any]) -> dict[str, Any]:
    return w["reservations"]["OW0002"]


def _key_is_not_the_id(w: dict[str, Any]) -> None:
    _user(w)["payment_methods"]["gift_card_2222222"]["id"] = "gift_card_2222223"


def _list_unknown_reservation(w: dict[str, Any]) -> None:
    _user(w)["reservations"].append("NOPE00")


def _segment_on_a_day_without_the_flight(w: dict[str, Any]) -> None:
    _rt(w)["flights"][2]["date"] = "2024-05-26"


def _pay_with_someone_elses_card(w: dict[str, Any]) -> None:
    _rt(w)["payment_history"][0]["payment_id"] = "credit_card_9999999"


def _certificate_used_but_kept(w: dict[str, Any]) -> None:
    _ow(w)["payment_history"][0]["payment_id"] = "certificate_3333333"


def _trip_that_does_not_chain(w: dict[str, Any]) -> None:
    _ow(w)["destination"] = "SFO"


def _unknown_airport(w: dict[str, Any]) -> None:
    _flights(w)["HAT310"] = _flight("HAT310", "BOS", "YYZ", "08:00:00", "09:40:00", {})


def _same_city(w: dict[str, Any]) -> None:
    _flights(w)["HAT310"] = _flight("HAT310", "JFK", "LGA", "08:00:00", "08:45:00", {})


def _detour(w: dict[str, Any]) -> None:
    """BOS to PHL by way of Chicago: 5.5 times the direct distance."""
    _flights(w)["HAT310"] = _flight(
        "HAT310", "ORD", "PHL", "12:00:00", "14:00:00", {"2024-05-20": _available(90, 130, 400)}
    )
    w["reservations"]["OW0003"] = {
        **copy.deepcopy(_ow(w)),
        "reservation_id": "OW0003",
        "destination": "PHL",
        "flights": [
            _segment("HAT301", "BOS", "ORD", "2024-05-20", 120),
            _segment("HAT310", "ORD", "PHL", "2024-05-20", 90),
        ],
        "payment_history": [{"payment_id": "gift_card_2222222", "amount": 260}],
    }
    _user(w)["reservations"].append("OW0003")


def _too_fast(w: dict[str, Any]) -> None:
    _flights(w)["HAT302"]["scheduled_arrival_time_est"] = "12:40:00"  # ORD-SFO in 70 minutes


def _two_durations_on_one_route(w: dict[str, Any]) -> None:
    _flights(w)["HAT310"] = _flight(
        "HAT310", "BOS", "ORD", "13:00:00", "15:55:00", {"2024-05-20": _available(99, 140, 420)}
    )


def _unreadable_date(w: dict[str, Any]) -> None:
    _flights(w)["HAT303"]["dates"]["2024-5-26"] = _available(200, 260, 700)


def _bookable_in_the_past(w: dict[str, Any]) -> None:
    _flights(w)["HAT303"]["dates"]["2024-05-12"] = _available(200, 260, 700)


def _landed_before_the_schedule(w: dict[str, Any]) -> None:
    _flights(w)["HAT301"]["dates"]["2024-05-10"].update(
        actual_departure_time_est="2024-05-10T06:00:00",
        actual_arrival_time_est="2024-05-10T08:25:00",
    )


def _created_after_now(w: dict[str, Any]) -> None:
    _rt(w)["created_at"] = "2024-05-16T09:00:00"


def _created_after_departure(w: dict[str, Any]) -> None:
    _ow(w)["created_at"] = "2024-05-10T12:30:00"


def _ten_minute_connection(w: dict[str, Any]) -> None:
    _flights(w)["HAT302"].update(
        scheduled_departure_time_est="10:35:00", scheduled_arrival_time_est="15:05:00"
    )


def _flown_connection_out_of_order(w: dict[str, Any]) -> None:
    """Both legs flown on May 10, the second leaving before the (late) first one landed."""
    _flights(w)["HAT301"]["dates"]["2024-05-10"].update(
        actual_departure_time_est="2024-05-10T09:05:00",
        actual_arrival_time_est="2024-05-10T11:29:00",
    )
    _flights(w)["HAT302"]["dates"]["2024-05-10"] = {
        "status": "landed",
        "actual_departure_time_est": "2024-05-10T11:10:00",
        "actual_arrival_time_est": "2024-05-10T15:40:00",
    }
    ow = _ow(w)
    ow["destination"] = "SFO"
    ow["flights"].append(_segment("HAT302", "ORD", "SFO", "2024-05-10", 120))
    ow["payment_history"][0]["amount"] = 270


def _return_before_arrival(w: dict[str, Any]) -> None:
    _flights(w)["HAT303"]["dates"] = {"2024-05-20": _available(200, 260, 700)}
    _rt(w)["flights"][2]["date"] = "2024-05-20"


def _basic_dearer_than_economy(w: dict[str, Any]) -> None:
    _flights(w)["HAT301"]["dates"]["2024-05-20"]["prices"]["basic_economy"] = 170


def _business_out_of_band(w: dict[str, Any]) -> None:
    _flights(w)["HAT301"]["dates"]["2024-05-20"]["prices"]["business"] = 2000


def _negative_seats(w: dict[str, Any]) -> None:
    _flights(w)["HAT302"]["dates"]["2024-05-20"]["available_seats"]["economy"] = -1


def _payments_do_not_add_up(w: dict[str, Any]) -> None:
    _rt(w)["payment_history"][0]["amount"] = 1300


def _rich_gift_card(w: dict[str, Any]) -> None:
    _user(w)["payment_methods"]["gift_card_2222222"]["amount"] = 3714.0


def _odd_certificate(w: dict[str, Any]) -> None:
    _user(w)["payment_methods"]["certificate_3333333"]["amount"] = 120.0


def _namesake_passenger(w: dict[str, Any]) -> None:
    _rt(w)["passengers"][1] = {**ME, "dob": "2001-01-01"}


def _saved_twice(w: dict[str, Any]) -> None:
    _user(w)["saved_passengers"].append(dict(FRIEND))


def _minor_holds_a_profile(w: dict[str, Any]) -> None:
    _user(w)["dob"] = "2010-06-01"
    for res in w["reservations"].values():
        res["passengers"][0]["dob"] = "2010-06-01"


BROKEN: dict[str, Mutation] = {
    "ref.ids": _key_is_not_the_id,
    "ref.user_reservations": _list_unknown_reservation,
    "ref.segment_flight": _segment_on_a_day_without_the_flight,
    "ref.payment_method": _pay_with_someone_elses_card,
    "ref.itinerary": _trip_that_does_not_chain,
    "route.airport": _unknown_airport,
    "route.same_metro": _same_city,
    "route.detour": _detour,
    "duration.block": _too_fast,
    "duration.route": _two_durations_on_one_route,
    "time.schedule": _unreadable_date,
    "time.status": _bookable_in_the_past,
    "time.actuals": _landed_before_the_schedule,
    "time.created": _created_after_departure,
    "time.connection": _ten_minute_connection,
    "time.round_trip": _return_before_arrival,
    "fare.ladder": _basic_dearer_than_economy,
    "fare.band": _business_out_of_band,
    "flight.seats": _negative_seats,
    "payment.total": _payments_do_not_add_up,
    "balance.gift_card": _rich_gift_card,
    "balance.certificate": _odd_certificate,
    "people.passengers": _namesake_passenger,
    "people.saved": _saved_twice,
    "people.dob": _minor_holds_a_profile,
}
# More worlds for rules with more than one way to break them: (rule, mutation).
MORE: list[tuple[str, Mutation]] = [
    ("ref.payment_method", _certificate_used_but_kept),
    ("time.created", _created_after_now),
    ("time.connection", _flown_connection_out_of_order),
]


def test_every_rule_has_a_world_that_breaks_it() -> None:
    assert set(BROKEN) == set(RULES)


@pytest.mark.parametrize(
    ("rule", "mutate"), list(BROKEN.items()) + MORE, ids=lambda x: x if isinstance(x, str) else ""
)
def test_each_broken_world_is_caught_by_its_rule_alone(rule: str, mutate: Mutation) -> None:
    world = consistent_world()
    mutate(world)
    violations = check_world(parse_world(world))
    assert {v.rule for v in violations} == {rule}, [str(v) for v in violations]
    for v in violations:
        assert v.entity.split("/")[0] in ("flights", "users", "reservations")
        assert v.why and str(v) == f"{v.rule} {v.entity}: {v.why}"


def test_a_violation_names_the_entity_and_why() -> None:
    world = consistent_world()
    _same_city(world)
    (v,) = check_world(parse_world(world))
    assert v == Violation("route.same_metro", "flights/HAT310", "JFK and LGA serve one city")


def test_the_checker_reads_airline_worlds_only() -> None:
    from domains.mock import DOMAIN as MOCK

    with pytest.raises(TypeError, match="airline worlds"):
        check_world(MOCK.load_world(None))


# --- tau2's own world -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tau2_violations(tau2_dir: Any) -> list[Violation]:
    return check_world(load_world(str(tau2_dir / "db.json")))


def test_tau2_breaks_only_the_explained_rules(tau2_violations: list[Violation]) -> None:
    """Pinned so that a change to a rule that changes its verdict on tau2 is a deliberate one."""
    counts = Counter(v.rule for v in tau2_violations)
    assert set(counts) == set(TAU2_EXCEPTIONS)
    assert counts == {
        "fare.band": 8181,
        "route.detour": 1456,
        "time.connection": 517,
        "ref.itinerary": 68,
        "route.same_metro": 31,
        "time.round_trip": 25,
        "time.created": 20,
        "people.passengers": 8,
        "time.status": 1,
        "payment.total": 1,
    }


def test_tau2_single_edits_are_the_only_ones_of_their_kind(
    tau2_violations: list[Violation],
) -> None:
    def entities(rule: str) -> set[str]:
        return {v.entity for v in tau2_violations if v.rule == rule}

    assert entities("time.status") == {"flights/HAT018/2024-05-11"}
    assert entities("payment.total") == {"reservations/K1NW8N"}
    assert entities("people.passengers") == {
        f"reservations/{r}" for r in ("3IV8Y2", "EIPS3W", "4SW7R4", "H2MJ0L", "MBCCBE", "HG8X9P")
    }
