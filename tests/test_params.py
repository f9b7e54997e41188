"""Parameter spaces: sampling gives valid points, bad input names the axis and allowed values."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from domains.airline.dag.params import SPACE, gift_cards_fit
from domains.params import PINNED_ATTEMPTS, ParamError


def test_samples_are_valid_and_cover_every_value() -> None:
    seen: dict[str, set[object]] = {a.name: set() for a in SPACE.axes}
    for i in range(1500):
        point = SPACE.sample(random.Random(i))
        assert SPACE.validate(point) == point
        for k, v in point.items():
            seen[k].add(v)
    for axis in SPACE.axes:
        assert seen[axis.name] == set(axis.values), axis.name


def test_fixed_axes_are_respected() -> None:
    point = SPACE.sample(random.Random(3), {"intent": "book", "passengers": 5})
    assert point["intent"] == "book" and point["passengers"] == 5


def test_a_pinned_axis_is_drawn_around_until_the_earlier_axes_fit_it() -> None:
    """Gift cards ($300 at most, three at most) pay only small bookings: pinning them redraws
    cabin and passengers until they fit, rather than failing on an unlucky draw."""
    for i in range(40):
        point = SPACE.sample(random.Random(i), {"intent": "book", "payment_mix": "gift_cards"})
        assert point["payment_mix"] == "gift_cards" and gift_cards_fit(point)
    with pytest.raises(ParamError, match="'gift_cards' for axis 'payment_mix' does not go with"):
        SPACE.sample(
            random.Random(0),
            {"intent": "book", "cabin": "business", "passengers": 5, "payment_mix": "gift_cards"},
        )


def test_rare_pins_are_drawn_and_pins_no_point_holds_are_named() -> None:
    """`--param behaviour=condition` fits few draws (a lone upgrade or a shared booking):
    pinned sampling draws long enough to find it; pins that never go together are refused
    naming the pin, the pins before it and the values its axis takes beside them."""
    SPACE.check_pins({"behaviour": "condition"}, random.Random(0))
    for seed in range(3):
        point = SPACE.sample(random.Random(seed), {"behaviour": "condition"}, PINNED_ATTEMPTS)
        assert point["behaviour"] == "condition"
    pins = {"cabin": "business", "intent": "change_flights", "policy_trap": "yes"}
    with pytest.raises(ParamError) as refused:
        SPACE.check_pins(pins, random.Random(0), 4000)
    assert str(refused.value) == (
        "no task of the space has cabin=business with intent=change_flights policy_trap=yes; "
        "with intent=change_flights policy_trap=yes, cabin takes: basic_economy"
    )


def test_unknown_axis_value_and_bad_syntax_are_named() -> None:
    with pytest.raises(ParamError, match="unknown axis 'colour'; allowed: n_intents"):
        SPACE.parse_assignments(["colour=red"])
    with pytest.raises(ParamError, match="unknown value 'first' for axis 'cabin'; allowed: basic_"):
        SPACE.parse_assignments(["cabin=first"])
    with pytest.raises(ParamError, match="expected axis=value"):
        SPACE.parse_assignments(["cabin"])
    assert SPACE.parse_assignments(["passengers=3"]) == {"passengers": 3}


def test_incoherent_combination_is_refused_with_allowed_values() -> None:
    # A policy trap on "change flights" is a basic-economy booking: no other cabin goes with it.
    with pytest.raises(ParamError, match="allowed there: basic_economy"):
        SPACE.sample(
            random.Random(0),
            {"intent": "change_flights", "policy_trap": "yes", "cabin": "business"},
        )
    # A booking dropped at its price never comes to paying: no card not on file asked there.
    with pytest.raises(ParamError, match="allowed there: none"):
        SPACE.sample(
            random.Random(0),
            {"intent": "book", "n_intents": 1, "behaviour": "drop", "payment_mix": "card",
             "payment_rule": "card_not_on_file"},
        )  # fmt: skip
    point = SPACE.sample(random.Random(0), {"intent": "book"})
    point["second_intent"] = "book"
    with pytest.raises(ParamError, match="second_intent"):
        SPACE.validate(point)


def test_cell_is_coarse_and_signature_axes_drop_irrelevant_ones() -> None:
    point = SPACE.sample(random.Random(1), {"intent": "flight_status", "n_intents": 1})
    assert SPACE.cell(point).startswith("intent=flight_status|second_intent=none")
    relevant = SPACE.relevant(point)
    assert "cabin" not in relevant and "payment_mix" not in relevant
    point5 = SPACE.sample(random.Random(1), {"intent": "book", "passengers": 5})
    assert "passengers=4-5" in SPACE.cell(point5)


def _tau2_task(instructions: str, actions: list[dict]) -> dict:
    """A task shaped like tau2's tasks.json (just the fields `params derive` reads)."""
    return {
        "user_scenario": {"instructions": {"task_instructions": instructions}},
        "evaluation_criteria": {"actions": actions},
    }


def test_derive_reads_disruption_and_flown() -> None:
    from domains.airline.dag.derive import derive_point

    delayed = _tau2_task(
        "Your flight was delayed; ask for compensation.",
        [{"name": "send_certificate", "arguments": {"user_id": "u", "amount": 50}}],
    )
    cancelled = _tau2_task(
        "Your flight was cancelled; ask for compensation.",
        [{"name": "send_certificate", "arguments": {"user_id": "u", "amount": 100}}],
    )
    flown = _tau2_task(
        "You want to cancel reservation ABC123.", [{"name": "transfer_to_human_agents"}]
    )
    cancel = _tau2_task(
        "You want to cancel reservation ABC123.",
        [{"name": "cancel_reservation", "arguments": {"reservation_id": "ABC123"}}],
    )
    invented = _tau2_task(
        "You make up a story about a flight last week which was canceled, and want compensation.",
        [{"name": "get_user_details", "arguments": {"user_id": "u"}}],
    )
    made_up = derive_point(invented)
    assert made_up["intent"] == "compensation" and made_up["policy_trap"] == "yes"
    assert made_up["disruption"] == "none" and made_up["behaviour"] == "lie"
    assert derive_point(delayed)["disruption"] == "delayed"
    assert derive_point(cancelled)["disruption"] == "cancelled"
    assert derive_point(flown)["flown"] == "yes"
    assert derive_point(flown)["policy_trap"] == "no"
    assert derive_point(cancel)["flown"] == "no"
    assert "flown" not in derive_point(delayed)


def test_derive_lists_what_a_task_tests_beyond_its_intents() -> None:
    from cli.params_cmd import missing_needs
    from domains.airline.dag.derive import derive_point

    pushy = _tau2_task(
        "You want to cancel reservation ABC123. Insist that you booked it 10 hours ago.", []
    )
    sets = _tau2_task(
        "You want to downgrade all business flights to economy.",
        [
            {"name": "update_reservation_flights", "arguments": {"reservation_id": r}}
            for r in ("ABC123", "DEF456")
        ],
    )
    needs = derive_point(pushy)["needs"]
    assert {"behaviour=insist", "behaviour=lie"} <= set(needs)
    assert derive_point(sets)["needs"] == ["reservations=all_business"]
    values = {"behaviour": ("plain", "insist"), "intent": ("cancel",)}
    assert missing_needs(["behaviour=insist", "behaviour=lie", "intent=cancel"], values) == [
        "behaviour=lie"
    ]


def test_derive_counts_the_tau2_tasks_it_expresses(tau2_dir: Path) -> None:
    """Every tau2 task is either expressed or named with what it misses."""
    from typer.testing import CliRunner

    from cli.main import app

    tasks = str(tau2_dir / "tasks.json")
    result = CliRunner().invoke(app, ["params", "derive", "--tasks", tasks, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["expressed"] + len(data["not_expressed"]) == 50
    assert all(data["not_expressed"].values())


def test_derive_maps_the_customer_behaviours_onto_their_axes(tau2_dir: Path) -> None:
    """tau2's conditions on a quoted price, a request for a human, the same flight as last time,
    an optimised payment and a change of topic mid-booking are values of the space, and each
    task is mapped onto them."""
    from cli.params_cmd import missing_needs
    from domains.airline.dag.derive import derive_point
    from domains.airline.dag.params import SPACE

    tasks = {str(t["id"]): t for t in json.loads((tau2_dir / "tasks.json").read_text())}
    point = {tid: derive_point(tasks[tid]) for tid in ("2", "8", "12", "13", "14", "21", "25")}
    assert point["21"]["leg"] == "return"  # the return flights of a round trip changed
    assert point["2"]["behaviour"] == "switch"  # halfway through a booking, a complaint
    assert point["8"]["behaviour"] == "condition" and point["12"]["behaviour"] == "condition"
    assert point["8"]["selection"] == "same_as_before"
    assert point["13"]["behaviour"] == "human"
    assert point["14"]["payment_mix"] == "optimise"
    assert point["25"]["selection"] == "same_as_before"
    values = {a.name: a.values for a in SPACE.axes}
    assert all(not missing_needs(p["needs"], values) for p in point.values())
