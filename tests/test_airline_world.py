"""The airline world model: tau2's file round-trips, strict world files, the canonical form,
the current-time setting, copies and forks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domains.airline import (
    DEFAULT_CURRENT_TIME,
    DOMAIN,
    AirlineTools,
    AirlineWorld,
    default_world_path,
    load_world,
    policy_text,
)
from domains.base import WorldFileError
from mining.core import paths
from tests.test_airline_tools import small_world


def test_tau2_db_round_trips(tau2_dir: Path, airline_world: AirlineWorld) -> None:
    raw = json.loads((tau2_dir / "db.json").read_text())
    assert airline_world.to_json() == raw
    assert AirlineWorld.from_json(airline_world.to_json()) == airline_world


def test_tau2_dump_carries_null_status_and_float_balances(airline_world: AirlineWorld) -> None:
    dump = airline_world.tau2_dump()
    assert set(dump) == {"flights", "users", "reservations"}
    assert dump["reservations"]["4WQ150"]["status"] is None
    assert dump["users"]["mia_li_3668"]["payment_methods"]["certificate_4856383"]["amount"] == 100.0
    assert "status" not in airline_world.to_json()["reservations"]["4WQ150"]


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(WorldFileError, match="Extra inputs are not permitted"):
        AirlineWorld.from_json({**small_world(), "airports": {}})
    world = small_world()
    world["reservations"]["R1"]["passengers"][0]["seat"] = "1A"
    with pytest.raises(
        WorldFileError, match=r"unknown field 'reservations.R1.passengers\[0\].seat'"
    ):
        AirlineWorld.from_json(world)
    world = small_world()
    world["users"]["ann_1"]["membership"] = "platinum"
    with pytest.raises(WorldFileError, match="membership"):
        AirlineWorld.from_json(world)
    with pytest.raises(WorldFileError, match="a world is a JSON object"):
        AirlineWorld.from_json([])


def test_flight_statuses_and_payment_methods_are_discriminated() -> None:
    world = AirlineWorld.from_json(small_world())
    days = world.flights["HAT001"].dates
    assert type(days["2024-05-10"]).__name__ == "FlightDateStatusLanded"
    assert type(days["2024-05-20"]).__name__ == "FlightDateStatusAvailable"
    methods = world.users["ann_1"].payment_methods
    assert [type(m).__name__ for m in methods.values()] == ["CreditCard", "GiftCard", "Certificate"]
    bad = small_world()
    bad["flights"]["HAT001"]["dates"]["2024-05-21"] = {"status": "boarding"}
    with pytest.raises(WorldFileError, match="boarding"):
        AirlineWorld.from_json(bad)


def test_current_time_is_a_world_setting() -> None:
    world = AirlineWorld.from_json(small_world())
    assert world.current_time == DEFAULT_CURRENT_TIME == "2024-05-15T15:00:00"
    assert "current_time" not in world.to_json()  # tau2's file shape while it is the default
    later = AirlineWorld.from_json({**small_world(), "current_time": "2024-05-20T08:00:00"})
    assert later.to_json()["current_time"] == "2024-05-20T08:00:00"
    assert later.copy_world().current_time == "2024-05-20T08:00:00"
    assert AirlineWorld.from_json(later.to_json()).current_time == "2024-05-20T08:00:00"
    assert later.canonical() != world.canonical()
    with pytest.raises(WorldFileError, match="current_time"):
        AirlineWorld.from_json({**small_world(), "current_time": "tomorrow"})


def test_policy_states_the_worlds_time() -> None:
    assert "2024-05-15 15:00:00 EST" in DOMAIN.policy
    assert "2024-05-20 08:00:00 EST" in policy_text("2024-05-20T08:00:00")
    assert "{current_time}" not in DOMAIN.policy


@pytest.mark.parametrize(
    "fact",
    [
        "$50",
        "$30 per passenger",
        "$100 per passenger",
        "$50 per passenger",
        "five",
        "24 hours",
        "5 to 7 business days",
        "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.",
        "| regular | 0 | 1 | 2 |",
        "| silver | 1 | 2 | 3 |",
        "| gold | 2 | 3 | 4 |",
        "no more than **one** travel certificate, **one** credit card and **three**",
    ],
)
def test_policy_states_tau2s_numbers(fact: str) -> None:
    assert fact in DOMAIN.policy


def test_constants_are_the_policys_numbers() -> None:
    """The one definition of each amount the tools charge and tasks expect is the policy's."""
    from domains.airline import constants as c

    assert f"${c.BAG_PRICE}" in DOMAIN.policy
    assert f"${c.INSURANCE_PER_PASSENGER} per passenger" in DOMAIN.policy
    for amount in c.COMPENSATION_PER_PASSENGER.values():
        assert f"${amount} per passenger" in DOMAIN.policy
    for tier, bags in c.FREE_BAGS.items():
        assert f"| {tier} | " + " | ".join(str(bags[cabin]) for cabin in c.CABINS) in DOMAIN.policy
    assert DOMAIN.transfer is not None and DOMAIN.transfer.message == c.TRANSFER_MESSAGE
    assert c.TRANSFER_MESSAGE in DOMAIN.policy
    assert c.DEFAULT_CURRENT_TIME.replace("T", " ") + " EST" in DOMAIN.policy


def _reordered(data: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    user = data["users"]["ann_1"]
    user["reservations"] = ["HATHAT", "R1"]
    user["payment_methods"] = dict(reversed(list(user["payment_methods"].items())))
    return data


def test_canonical_ignores_orders_without_meaning() -> None:
    a = small_world()
    a["users"]["ann_1"]["reservations"] = ["R1", "HATHAT"]
    a["reservations"]["R1"]["payment_history"].append({"payment_id": "gift_card_1", "amount": 5})
    b = _reordered(a)
    b["reservations"]["R1"]["payment_history"].reverse()
    b["reservations"]["R1"]["passengers"].reverse()
    assert AirlineWorld.from_json(a).canonical() == AirlineWorld.from_json(b).canonical()


def test_canonical_keeps_the_itinerary_order_and_amounts() -> None:
    a = small_world()
    b = small_world()
    b["reservations"]["R1"]["flights"].reverse()
    assert AirlineWorld.from_json(a).canonical() != AirlineWorld.from_json(b).canonical()
    c = small_world()
    c["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] = 199.0
    assert AirlineWorld.from_json(a).canonical() != AirlineWorld.from_json(c).canonical()
    d = small_world()
    d["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] = 200  # int == float
    assert AirlineWorld.from_json(a).canonical() == AirlineWorld.from_json(d).canonical()


def test_copy_is_deep_and_keeps_raw_values() -> None:
    world = AirlineWorld.from_json(small_world())
    tools = AirlineTools(world)
    # tau2 stores an unvalidated total_baggages; a copy must keep it as it is.
    tools.call(
        "update_reservation_baggages",
        {
            "reservation_id": "R1",
            "total_baggages": "3",
            "nonfree_baggages": 0,
            "payment_id": "credit_card_1",
        },
    )
    copy = world.copy_world()
    assert copy == world and copy is not world
    assert copy.reservations["R1"].total_baggages == "3"
    AirlineTools(copy).call("cancel_reservation", {"reservation_id": "R1"})
    assert world.reservations["R1"].status is None
    copy.flights["HAT001"].dates["2024-05-20"].available_seats["economy"] = 0  # type: ignore[union-attr]
    assert world.flights["HAT001"].dates["2024-05-20"].available_seats["economy"] == 3  # type: ignore[union-attr]


def test_fork_leaves_the_base_untouched() -> None:
    base = AirlineWorld.from_json(small_world())
    before = base.tau2_dump()
    tools = AirlineTools.on_fork(base)
    calls: list[tuple[str, dict[str, Any]]] = [
        (
            "book_reservation",
            {
                "user_id": "ann_1",
                "origin": "JFK",
                "destination": "ORD",
                "flight_type": "one_way",
                "cabin": "economy",
                "flights": [{"flight_number": "HAT001", "date": "2024-05-20"}],
                "passengers": [{"first_name": "A", "last_name": "B", "dob": "2000-01-01"}],
                "payment_methods": [{"payment_id": "gift_card_1", "amount": 100}],
                "total_baggages": 0,
                "nonfree_baggages": 0,
                "insurance": "no",
            },
        ),
        ("cancel_reservation", {"reservation_id": "R1"}),
        ("send_certificate", {"user_id": "bob_2", "amount": 5}),
        (
            "update_reservation_baggages",
            {
                "reservation_id": "R2",
                "total_baggages": 1,
                "nonfree_baggages": 0,
                "payment_id": "credit_card_2",
            },
        ),
    ]
    for name, arguments in calls:
        assert not tools.call(name, arguments).error
    assert base.tau2_dump() == before
    after = tools.world.tau2_dump()
    assert after["reservations"]["R1"]["status"] == "cancelled"
    assert after["users"]["ann_1"]["payment_methods"]["gift_card_1"]["amount"] == 100.0
    assert after["flights"]["HAT001"]["dates"]["2024-05-20"]["available_seats"]["economy"] == 2
    # The fork's state equals the same calls on a full copy.
    full = AirlineTools(base.copy_world())
    for name, arguments in calls:
        full.call(name, arguments)
    assert full.world.tau2_dump() == after


def test_load_world_errors_name_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(WorldFileError, match=f"cannot read world file {missing}"):
        load_world(str(missing))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(WorldFileError, match=f"world file {bad} is not valid JSON"):
        load_world(str(bad))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"flights": {}, "users": {}}))
    with pytest.raises(WorldFileError, match=f"{wrong} is not a valid airline world"):
        load_world(str(wrong))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small_world()))
    assert load_world(str(good)).users["bob_2"].membership == "regular"


def test_default_world_missing_says_pass_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOOLMINE_TAU2_DIR", str(tmp_path))
    with pytest.raises(WorldFileError, match="pass --world"):
        load_world(None)


def test_default_world_path_follows_mining_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_world_path() == paths.TAU2_AIRLINE_DIR / "db.json"
    monkeypatch.delenv("TOOLMINE_TAU2_DIR", raising=False)
    assert default_world_path() == paths.REPO_ROOT.parent / "shared/data/tau2-airline/db.json"
