"""Synthesized airline worlds look like an airline's data, across many tasks: other customers in
every world, tau2's payment mix, one timetable, booking times and balances that give nothing
away, one canonical JSON form, and the consistency checker's verdict on every world."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest

from domains.airline import parse_world
from domains.airline.consistency import check_world
from domains.airline.consistency.itinerary import block
from domains.airline.entities import task_entities
from domains.airline.network import route_spread
from mining.core.task import Task
from mining.dag.synthesize import Rejection, sample_tasks


@pytest.fixture(scope="module")
def sampled() -> tuple[list[Task], list[Rejection]]:
    rejections: list[Rejection] = []
    return sample_tasks("airline", 200, 11, rejections=rejections), rejections


@pytest.fixture(scope="module")
def tasks(sampled: tuple[list[Task], list[Rejection]]) -> list[Task]:
    return sampled[0]


def _initial_reservations(tasks: list[Task]) -> list[dict[str, Any]]:
    return [r for t in tasks for r in t.world["reservations"].values()]


def test_every_world_and_expected_world_is_consistent(
    sampled: tuple[list[Task], list[Rejection]],
) -> None:
    tasks, rejections = sampled
    assert len(tasks) == 200
    for t in tasks:
        for world in (t.world, t.expected_final_world):
            assert check_world(parse_world(world)) == [], t.task_id
    assert not [r.reason for r in rejections if r.inconsistent]


def test_every_world_holds_other_customers_with_their_own_bookings(tasks: list[Task]) -> None:
    for t in tasks:
        others = {u: v for u, v in t.world["users"].items() if u != t.meta["user_id"]}
        assert 1 <= len(others) <= 3, t.task_id
        for uid, user in others.items():
            assert user["reservations"] and user["payment_methods"], t.task_id
            for rid in user["reservations"]:
                assert t.world["reservations"][rid]["user_id"] == uid
        # The task is about its customer, not about everyone in its world.
        people, _ = task_entities(t.model_dump(mode="json"))
        name = t.world["users"][t.meta["user_id"]]["name"]
        assert people == {f"{name['first_name']} {name['last_name']}"}


def test_initial_bookings_are_paid_as_tau2s_are(tasks: list[Task]) -> None:
    """tau2's world pays 48% of its reservations with a gift card, the rest by credit card."""
    sources = Counter(
        r["payment_history"][0]["payment_id"].rsplit("_", 1)[0]
        for r in _initial_reservations(tasks)
    )
    share = sources["gift_card"] / sum(sources.values())
    assert 0.3 <= share <= 0.6, sources
    assert sources["credit_card"] + sources["gift_card"] == sum(sources.values())


def test_booking_times_identify_no_intent(tasks: list[Task]) -> None:
    """Creation times are spread to the second: no clock time repeats across reservations (they
    once were 10:00:00 for every cabin change and 09:15:00 for every compensation)."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for t in tasks:
        for r in t.world["reservations"].values():
            by_intent[t.intents[0]].append(r["created_at"][11:])
    for intent, clocks in by_intent.items():
        top = Counter(clocks).most_common(1)[0][1]
        assert top <= max(2, len(clocks) // 50), (intent, Counter(clocks).most_common(3))


def test_gift_card_balances_do_not_give_the_amount_away(tasks: list[Task]) -> None:
    """A gift card that pays part of a booking or a change holds what gift cards hold, not the
    amount plus a little: what is left on it afterwards is not near zero by construction."""
    left = []
    for t in tasks:
        uid = t.meta["user_id"]
        before = t.world["users"][uid]["payment_methods"]
        after = t.expected_final_world["users"][uid]["payment_methods"]
        for call in t.golden_trajectory:
            paid = [m["payment_id"] for m in call.arguments.get("payment_methods", [])]
            paid += [call.arguments.get("payment_id", "")]
            for pid in paid:
                if pid.startswith("gift_card") and pid in after:
                    assert before[pid]["amount"] <= 300
                    if 0 < after[pid]["amount"] < before[pid]["amount"]:
                        left.append(after[pid]["amount"])
    assert len(left) >= 5
    assert statistics.median(left) > 30 and max(left) > 100, sorted(left)


def test_one_timetable_across_worlds(tasks: list[Task]) -> None:
    """Every world flies a route direction in (about) the same time, like a real timetable."""
    durations: dict[tuple[str, str], set[float]] = defaultdict(set)
    for t in tasks:
        for f in parse_world(t.world).flights.values():
            minutes = block(f)
            assert minutes is not None
            durations[f.origin, f.destination].add(minutes.total_seconds() / 60)
    assert len(durations) > 100
    for route, seen in durations.items():
        assert max(seen) - min(seen) <= route_spread(int(min(seen))), (route, sorted(seen))


def test_world_and_expected_world_share_one_canonical_json_form(tasks: list[Task]) -> None:
    for t in tasks:
        assert t.world == parse_world(t.world).to_json()
        assert t.expected_final_world == parse_world(t.expected_final_world).to_json()
        if t.refusal:
            assert t.world == t.expected_final_world


def test_what_the_customer_quotes_names_one_payment_method(tasks: list[Task]) -> None:
    """ "My $250 certificate", "my gift card with $87 on it", "my Visa ending in 4242": each
    amount or card ending the customer may quote belongs to one of their payment methods."""
    for t in tasks:
        methods = t.world["users"][t.meta["user_id"]]["payment_methods"].values()
        keys = [(m["source"], m.get("amount", m.get("last_four"))) for m in methods]
        quoted = set()
        for call in t.golden_trajectory:
            pays = [m["payment_id"] for m in call.arguments.get("payment_methods", [])]
            pays += [call.arguments.get("payment_id", "")]
            quoted |= {
                p for p in pays if p in t.world["users"][t.meta["user_id"]]["payment_methods"]
            }
        for pid in quoted:
            m = t.world["users"][t.meta["user_id"]]["payment_methods"][pid]
            key = (m["source"], m.get("amount", m.get("last_four")))
            assert keys.count(key) == 1, (t.task_id, key)


@pytest.mark.parametrize("intent", ["book", "add_bags"])
def test_bag_counts_stay_a_realistic_pile(intent: str) -> None:
    """tau2's world never holds more than 2 bags per passenger; ours at most one more, also for
    the largest allowances (a gold business party of five once booked 21 bags)."""
    tasks = sample_tasks("airline", 120, 3, fixed_params={"intent": intent, "n_intents": 1})
    assert len(tasks) == 120
    extra = 0
    for t in tasks:
        for world in (t.world, t.expected_final_world):
            for r in world["reservations"].values():
                assert r["total_baggages"] <= 3 * len(r["passengers"]), (t.task_id, r)
        extra += t.params["bags"] == "extra"
    assert extra > 10  # bags over the allowance are still drawn
