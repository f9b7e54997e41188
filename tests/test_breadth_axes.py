"""Issue 19's other axes: search constraints, a request dropped at its price, information-only
answers, a rule over every reservation. Gold replays and passes; the matching mistake fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domains.airline.constants import minutes
from domains.airline.data_model import AirlineWorld
from domains.airline.tools import AirlineTools
from tests.pinned import forced_error as _forced
from tests.pinned import pinned_task as _task
from tests.pinned import score_of as _score


@pytest.mark.parametrize("intent", ["book", "change_flights"])
@pytest.mark.parametrize("selection", ["second_cheapest", "time_window"])
def test_search_constraints_have_one_answer_and_a_tempting_cheaper_one(
    intent: str, selection: str, tmp_path: Path
) -> None:
    task = _task(
        intent=intent, selection=selection, policy_trap="no", n_intents=1, behaviour="plain"
    )
    sel = task.meta["selections"][0]
    world = AirlineWorld.model_validate(task.world)
    found = getattr(AirlineTools(world), sel["tool"])(**sel["args"])
    cabin = sel["cabin"]
    options = [[leg.model_dump() for leg in o] if isinstance(o, list) else [o.model_dump()]
               for o in found]  # fmt: skip
    options = [o for o in options if all(x["available_seats"][cabin] >= sel["pax"] for x in o)]
    price = {tuple(x["flight_number"] for x in o): sum(x["prices"][cabin] for x in o)
             for o in options}  # fmt: skip
    gold = price[tuple(sel["gold"])]
    cheaper = [legs for legs, p in price.items() if p < gold]
    assert cheaper  # the option a careless agent takes
    if selection == "time_window":
        starts = {tuple(x["flight_number"] for x in o): o[0]["scheduled_departure_time_est"]
                  for o in options}  # fmt: skip
        assert all(minutes(starts[legs]) < sel["after"] for legs in cheaper)
        told = task.user_scenario.instructions.task_instructions if task.user_scenario else ""
        assert "or later" in told or "no earlier than" in told
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "distractor_flight")).passed


@pytest.mark.parametrize("intent", ["book", "add_bags", "change_cabin"])
def test_a_request_dropped_at_its_price_writes_nothing(intent: str, tmp_path: Path) -> None:
    fixed: dict[str, Any] = {"intent": intent, "behaviour": "drop", "n_intents": 1}
    task = _task(4, **fixed, policy_trap="no")
    assert task.expected_final_world == task.world and task.meta["declined_call"]
    assert task.features["user_drops"] == 1.0
    request = task.user_scenario.script.requests[0] if task.user_scenario else None
    assert request is not None and request.max_charge is not None
    price = int(task.communicate[0].lstrip("$"))
    assert request.max_charge < price
    assert _score(task, "sim:oracle").passed
    ignored = _score(task, _forced(tmp_path, "ignore_decline"))
    assert not ignored.passed and not ignored.state_match


@pytest.mark.parametrize("info", ["bag_allowance", "balances"])
def test_information_answers_are_checked_by_value(info: str, tmp_path: Path) -> None:
    task = _task(intent="info", info=info, n_intents=1)
    assert task.communicate and task.expected_final_world == task.world
    assert _score(task, "sim:oracle").passed
    wrong = _score(task, _forced(tmp_path, "misstate_fact"))
    assert not wrong.passed and any("not communicated" in r for r in wrong.reasons)


def test_a_claimed_tier_does_not_change_the_allowance() -> None:
    task = _task(intent="info", info="bag_allowance", behaviour="lie", n_intents=1)
    assert task.features["user_lies"] == 1.0
    assert task.user_scenario and "gold member" in task.user_scenario.script.opening
    assert task.world["users"][task.meta["user_id"]]["membership"] != "gold"
    assert task.meta["wrong_facts"][task.communicate[0]] != task.communicate[0]


def test_cancel_all_cancels_every_allowed_reservation_and_no_other(tmp_path: Path) -> None:
    task = _task(intent="cancel_all", n_intents=1)
    cancelled = {
        c.arguments["reservation_id"]
        for c in task.golden_trajectory
        if c.name == "cancel_reservation"
    }
    kept = {c["arguments"]["reservation_id"] for c in task.meta["excluded_calls"]}
    assert cancelled and kept and not cancelled & kept
    after = task.expected_final_world["reservations"]
    assert all(after[r].get("status") == "cancelled" for r in cancelled)
    assert all(after[r].get("status") is None for r in kept)
    assert _score(task, "sim:oracle").passed
    assert not _score(task, _forced(tmp_path, "overreach")).passed
