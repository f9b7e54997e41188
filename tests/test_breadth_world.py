"""Issue 19, the world and request half: two airports of one city, a second certificate the
policy refuses, a list of reservations, duplicate bookings, a total over the upcoming trips,
every business reservation downgraded, the ones with a long flight cancelled. Gold replays and
passes; the matching mistake fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domains.airline.constants import minutes
from domains.airline.dag.build.durations import reads_alike
from domains.airline.dag.check import usable_options
from domains.airline.data_model import AirlineWorld
from domains.airline.network import metro
from domains.airline.tools import AirlineTools
from mining.core.task import Task
from mining.dag.synthesize import Rejection, sample_tasks
from tests.pinned import forced_error as _forced
from tests.pinned import pinned_task as _task
from tests.pinned import score_of as _score


def _price(option: list[dict[str, Any]], cabin: str) -> int:
    return sum(leg["prices"][cabin] for leg in option)


def test_two_airports_of_a_city_the_cheapest_over_both_searches(tmp_path: Path) -> None:
    task = _task(intent="book", airports="alternative", n_intents=1, behaviour="plain")
    assert task.features["airports_alternative"] == 1.0
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    searches = [c for c in task.golden_trajectory if c.name.startswith("search_")]
    origins = [c.arguments["origin"] for c in searches]
    assert len(origins) == 2 and metro(origins[0]) == metro(origins[1]) != origins[0]
    assert book.arguments["origin"] in origins
    # The other airport's best option with seats costs more than the booked one.
    world = AirlineWorld.model_validate(task.world)
    cabin, pax = book.arguments["cabin"], len(book.arguments["passengers"])
    found = {
        c.arguments["origin"]: usable_options(AirlineTools(world), c.name, c.arguments, cabin, pax)
        for c in searches
    }
    other = next(o for o in origins if o != book.arguments["origin"])
    legs = [f["flight_number"] for f in book.arguments["flights"]]
    booked = next(
        o for o in found[book.arguments["origin"]] if [x["flight_number"] for x in o] == legs
    )
    assert min(_price(o, cabin) for o in found[other]) > _price(booked, cabin)
    scenario = task.user_scenario
    assert scenario is not None
    told = scenario.instructions.task_instructions
    assert all(code in told for code in origins) and "equally convenient" in told
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "distractor_flight")).passed


def test_two_certificates_asked_one_paid_and_the_rule_said(tmp_path: Path) -> None:
    task = _task(intent="book", payment_rule="two_certificates", n_intents=1, behaviour="plain")
    assert task.features["payment_two_certificates"] == 1.0
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    methods = task.world["users"][task.meta["user_id"]]["payment_methods"]
    held = [m for m in methods.values() if m["source"] == "certificate"]
    used = [m for m in book.arguments["payment_methods"] if m["payment_id"].startswith("cert")]
    assert len(held) >= 2 and len(used) == 1  # two on hand, one on the booking
    assert "one certificate" in task.communicate
    scenario = task.user_scenario
    assert scenario is not None
    told = scenario.instructions.task_instructions
    amount = int(methods[used[0]["payment_id"]]["amount"])
    fallback = f"${amount} one"
    assert "both your" in told and fallback in told
    assert _score(task, "sim:oracle").passed
    broken = _score(task, _forced(tmp_path, "break_payment_rule"))
    assert not broken.passed and not broken.state_match


def _cancelled(task: Task) -> set[str]:
    return {
        str(c.arguments["reservation_id"])
        for c in task.golden_trajectory
        if c.name == "cancel_reservation"
    }


def test_a_listed_set_cancels_the_allowed_ones_of_the_list_only(tmp_path: Path) -> None:
    task = _task(intent="cancel_all", reservations="listed", n_intents=1)
    assert task.features["reservations_listed"] == 1.0
    request = task.user_scenario.script.requests[0] if task.user_scenario else None
    assert request is not None
    listed = [r for r in task.meta["reservation_ids"] if r in request.ask]
    assert len(listed) >= 2
    cancelled = _cancelled(task)
    excluded = {c["arguments"]["reservation_id"] for c in task.meta["excluded_calls"]}
    assert cancelled and cancelled <= set(listed)
    # Left out: a listed one the policy keeps, and one the policy would allow but is not listed.
    assert excluded & set(listed) and excluded - set(listed)
    after = task.expected_final_world["reservations"]
    assert all(after[r].get("status") is None for r in excluded)
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "overreach")).passed


def test_duplicates_cancel_each_later_copy_and_keep_the_first(tmp_path: Path) -> None:
    task = _task(intent="cancel_all", reservations="duplicates", n_intents=1)
    assert task.features["reservations_duplicates"] == 1.0
    world = task.world["reservations"]

    def trip(rid: str) -> tuple[Any, ...]:
        res = world[rid]
        people = sorted((p["first_name"], p["last_name"]) for p in res["passengers"])
        return (tuple((f["flight_number"], f["date"]) for f in res["flights"]), tuple(people))

    cancelled = _cancelled(task)
    assert cancelled
    for rid in cancelled:
        twins = [r for r in world if r != rid and trip(r) == trip(rid)]
        assert len(twins) == 1 and world[twins[0]]["created_at"] < world[rid]["created_at"]
    kept = [c["arguments"]["reservation_id"] for c in task.meta["excluded_calls"]]
    flights = {trip(r)[0] for r in cancelled}
    # A booking of the same flights for other passengers is among what stays.
    assert any(trip(r)[0] in flights and trip(r) not in map(trip, cancelled) for r in kept)
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "overreach")).passed


def test_trip_costs_add_up_the_upcoming_reservations_only(tmp_path: Path) -> None:
    task = _task(intent="info", info="trip_costs", n_intents=1)
    assert task.features["info_over_reservations"] == 1.0
    mine = [task.world["reservations"][r] for r in task.meta["reservation_ids"]]
    ahead = [r for r in mine if min(f["date"] for f in r["flights"]) >= "2024-05-16"]
    assert len(ahead) < len(mine)  # a flown trip is there, and does not count
    total = sum(p["amount"] for r in ahead for p in r["payment_history"])
    assert task.communicate == [f"${round(total)}"]
    assert task.expected_final_world == task.world
    opened = {
        c.arguments["reservation_id"]
        for c in task.golden_trajectory
        if c.arguments.get("reservation_id")
    }
    assert opened == set(task.meta["reservation_ids"])
    assert _score(task, "sim:oracle").passed
    wrong = _score(task, _forced(tmp_path, "misstate_fact"))
    assert not wrong.passed and any("not communicated" in r for r in wrong.reasons)


def test_all_business_moves_to_economy_and_the_savings_are_said(tmp_path: Path) -> None:
    task = _task(intent="change_cabin", reservations="all_business", n_intents=1)
    assert task.params["info"] == "savings" and task.features["reservations_all_business"] == 1.0
    before, after = task.world["reservations"], task.expected_final_world["reservations"]
    mine = task.meta["reservation_ids"]
    ahead = [r for r in mine if min(f["date"] for f in before[r]["flights"]) >= "2024-05-16"]
    business = [r for r in ahead if before[r]["cabin"] == "business"]
    assert len(business) >= 2 and all(after[r]["cabin"] == "economy" for r in business)
    assert all(after[r] == before[r] for r in mine if r not in business)  # the rest untouched
    refunds = [
        -p["amount"]
        for r in business
        for p in after[r]["payment_history"][len(before[r]["payment_history"]) :]
    ]
    assert len(refunds) == len(business) and task.communicate == [f"${sum(refunds)}"]
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "misstate_fact")).passed
    assert not _score(task, _forced(tmp_path, "overreach")).passed


def test_by_duration_cancels_the_long_ones_and_states_each_duration(tmp_path: Path) -> None:
    task = _task(intent="cancel_all", reservations="by_duration", n_intents=1)
    assert task.params["info"] == "durations" and task.features["reservations_by_duration"] == 1.0
    hours = task.user_scenario.script.requests[0].ask if task.user_scenario else ""
    limit = 60 * next(int(w) for w in hours.split() if w.isdigit())
    world = task.world

    def longest(rid: str) -> int:
        legs = [world["flights"][f["flight_number"]] for f in world["reservations"][rid]["flights"]]
        return max(
            minutes(x["scheduled_arrival_time_est"]) - minutes(x["scheduled_departure_time_est"])
            for x in legs
        )

    cancelled = _cancelled(task)
    assert cancelled and all(longest(r) > limit for r in cancelled)
    spared = {c["arguments"]["reservation_id"] for c in task.meta["excluded_calls"]}
    assert any(longest(r) < limit for r in spared)  # a short one the rule leaves alone
    assert len(task.communicate) >= len(cancelled | spared)  # every duration is stated
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "overreach")).passed
    # A sim target can misstate a duration (half an hour off), and that fails.
    [(said, slipped)] = task.meta["wrong_facts"].items()
    assert said in task.communicate and slipped not in task.communicate
    assert not _score(task, _forced(tmp_path, "misstate_fact")).passed


def test_no_two_stated_durations_read_alike() -> None:
    """'4 hours' is found inside '4 hours 20 minutes' and '50 minutes' inside '1 hour 50
    minutes': a world with such a pair is not built (one stated would count for both; 12
    by_duration tasks of seed 3 held one before)."""
    assert reads_alike(240, 260) and reads_alike(260, 240) and reads_alike(50, 110)
    assert not reads_alike(250, 260) and not reads_alike(50, 50) and not reads_alike(100, 160)


@pytest.mark.slow  # 12 pinned tasks, a third of the candidates rejected: ~3 s
def test_sampled_durations_never_read_alike() -> None:
    for task in sample_tasks("airline", 12, 3, {"reservations": "by_duration"}):
        stated = [f for f in task.communicate if ("minute" in f or "hour" in f) and f != "24 hours"]
        assert not any(a != b and f" {a}" in f" {b}" for a in stated for b in stated), stated


def test_a_change_keeps_its_route_though_the_other_airport_is_cheaper(tmp_path: Path) -> None:
    task = _task(intent="change_flights", airports="alternative", n_intents=1, behaviour="plain")
    update = next(c for c in task.golden_trajectory if c.name == "update_reservation_flights")
    rid = update.arguments["reservation_id"]
    res = task.world["reservations"][rid]
    after = task.expected_final_world["reservations"][rid]
    assert (after["origin"], after["destination"]) == (res["origin"], res["destination"])
    legs = after["flights"][: len(update.arguments["flights"])]
    assert legs[0]["origin"] == res["origin"] or legs[-1]["destination"] == res["destination"]
    # On that date a flight with seats to (or from) the city's other airport is cheaper.
    world = AirlineWorld.model_validate(task.world)
    cabin, pax, date = after["cabin"], len(after["passengers"]), legs[0]["date"]
    gold = sum(f["price"] for f in legs)
    found = []
    for end in (res["origin"], res["destination"]):
        for twin in (c for c in ("JFK", "LGA", "EWR") if c != end and metro(end) == "New York"):
            a, b = (twin, res["destination"]) if end == res["origin"] else (res["origin"], twin)
            args = {"origin": a, "destination": b, "date": date}
            found += usable_options(AirlineTools(world), "search_direct_flight", args, cabin, pax)
            found += usable_options(AirlineTools(world), "search_onestop_flight", args, cabin, pax)
    assert found and min(_price(o, cabin) for o in found) < gold
    assert "origin" in task.communicate  # the rule is said (or 'destination')
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "distractor_flight")).passed


def test_every_all_business_task_fits_one_conversation() -> None:
    """Other bookings of the customer can be business too: a set too long for the turn limit
    is not built (six reservations once ran the oracle out of turns)."""
    fixed = {"intent": "change_cabin", "reservations": "all_business"}
    tasks = sample_tasks("airline", 15, 11, fixed_params=fixed)
    assert len(tasks) == 15
    for task in tasks:
        changes = [c for c in task.golden_trajectory if c.name == "update_reservation_flights"]
        assert 2 <= len(changes) <= 4
        assert _score(task, "sim:oracle").passed, task.task_id


def test_card_not_on_file_is_not_charged_the_card_on_file_pays(tmp_path: Path) -> None:
    task = _task(intent="book", payment_rule="card_not_on_file", n_intents=1, behaviour="plain")
    assert task.features["payment_card_not_on_file"] == 1.0
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    methods = task.world["users"][task.meta["user_id"]]["payment_methods"]
    charged = [methods[m["payment_id"]] for m in book.arguments["payment_methods"]]
    card = next(m for m in charged if m["source"] == "credit_card")
    scenario = task.user_scenario
    assert scenario is not None
    told = scenario.instructions.task_instructions
    asked = told.split("Your ")[1].split(" is new")[0]  # 'Visa card ending in 1234'
    held = {m.get("last_four") for m in methods.values()}
    assert asked[-4:] not in held and card["last_four"] in told  # the fallback is on file
    assert "on file" in task.communicate  # the rule is said
    assert _score(task, "sim:oracle").passed
    broken = _score(task, _forced(tmp_path, "break_payment_rule"))
    assert not broken.passed and not broken.state_match


def test_a_round_trips_return_flight_alone_moves_after_the_outbound(tmp_path: Path) -> None:
    """tau2 task 21: the policy allows changing one leg; the return moves to a day after the
    outbound, which stays as it was."""
    task = _task(intent="change_flights", leg="return", policy_trap="no", n_intents=1)
    assert task.features["leg_return"] == 1.0
    update = next(c for c in task.golden_trajectory if c.name == "update_reservation_flights")
    before = task.world["reservations"][update.arguments["reservation_id"]]["flights"]
    after = update.arguments["flights"]
    half = len(before) // 2
    assert [f["flight_number"] for f in after[:half]] == [f["flight_number"] for f in before[:half]]
    assert {f["date"] for f in after[half:]} != {f["date"] for f in before[half:]}
    assert max(f["date"] for f in after[:half]) < min(f["date"] for f in after[half:])
    search = next(c for c in task.golden_trajectory if c.name.startswith("search_"))
    assert search.arguments["destination"] == before[0]["origin"]  # the way back home
    scenario = task.user_scenario
    assert scenario is not None and "return flight" in scenario.instructions.reason_for_call
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "distractor_flight")).passed


def test_two_airports_searches_share_no_hub() -> None:
    """The search tool pairs any first leg into a hub with any second leg out of it: when the
    two airports' one-stop searches shared a hub, one's first leg and the other's second made
    a cheaper itinerary nobody built, and 28 of 128 candidates were rejected for it."""
    pins = {"airports": "alternative", "stops": "one_stop", "n_intents": 1}
    rejected: list[Rejection] = []
    tasks = sample_tasks("airline", 25, 7, pins, rejections=rejected)
    assert len(tasks) == 25
    assert not [r.reason for r in rejected if "is not unique or not gold" in r.reason]
    for task in tasks:
        tools = AirlineTools(AirlineWorld.model_validate(task.world))
        searched = [sel["args"] for sel in task.meta["selections"]]  # both airports' searches
        assert len(searched) == 2, task.task_id
        found = [tools.search_onestop_flight(**args) for args in searched]
        hubs = [{legs[0].destination for legs in options} for options in found]
        assert not hubs[0] & hubs[1], (task.task_id, hubs)
