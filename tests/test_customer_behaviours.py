"""Issue 19's customer behaviours: a customer who asks for a human agent once refused, a
condition on a quoted price, the same flight as last time, a payment made to go as far as it
can. Each is built, played by the scripted customer, and verified: the gold passes, the
matching mistake fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import RolloutResult, run_rollout
from mining.rollout.scripted import TRANSFER, customer_reply


def _task(seed: int = 4, **fixed: Any) -> Task:
    tasks = sample_tasks("airline", 1, seed, fixed_params=fixed)
    assert tasks, fixed
    return tasks[0]


def _run(task: Task, target: str) -> RolloutResult:
    result = run_rollout(task, parse_target(target), 0, 1)
    assert result.score is not None
    return result


def _forced(tmp_path: Path, error: str) -> str:
    path = tmp_path / f"{error}.json"
    path.write_text(json.dumps({"name": error, "errors": {error: {"base_logit": 20.0}}}))
    return f"sim:file:{path}"


@pytest.mark.parametrize("intent", ["cancel", "change_flights", "partial_change", "insurance"])
def test_a_customer_who_asks_for_a_human_is_transferred(intent: str, tmp_path: Path) -> None:
    task = _task(intent=intent, policy_trap="yes", behaviour="human", n_intents=1)
    assert task.meta["transfer_expected"] and task.refusal
    assert task.features["user_asks_human"] == 1.0
    assert task.golden_trajectory[-1].name == "transfer_to_human_agents"
    assert task.user_scenario is not None
    told = task.user_scenario.instructions.task_instructions
    assert "ask to be transferred to a human agent" in told and "Do not ask" not in told
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    said = [m.content for m in gold.trajectory.messages if m.role == "user"]
    assert task.user_scenario.script.requests[0].pushback[0] in said  # it asked, then was moved
    kept = _run(task, _forced(tmp_path, "ignore_human_request"))
    assert kept.score is not None and not kept.score.passed
    assert any("missing transfer" in r for r in kept.score.reasons)


def test_the_customer_asks_for_a_human_after_the_refusal_only() -> None:
    task = _task(intent="cancel", policy_trap="yes", behaviour="human", n_intents=1)
    assert task.user_scenario is not None
    script = task.user_scenario.script
    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    refusal = "I'm sorry, but I cannot cancel this reservation under our policy."
    asked = customer_reply(script, convo, refusal)
    assert "human agent" in asked
    convo += [{"role": "assistant", "content": refusal}, {"role": "user", "content": asked}]
    moved = "You are being transferred to a human agent. Please hold on."
    assert customer_reply(script, convo, moved) == TRANSFER


def _best_split(task: Task, card: str, total: int) -> list[tuple[str, int]]:
    """The split that spends least on the card, re-derived from the world: the largest
    certificate (one per reservation), then the three largest gift cards, the rest on the card."""
    methods = task.world["users"][task.meta["user_id"]]["payment_methods"]

    def held(source: str) -> list[tuple[str, int]]:
        out = [(p, int(m["amount"])) for p, m in methods.items() if m["source"] == source]
        return sorted((h for h in out if h[1] > 0), key=lambda h: -h[1])

    lines = [held("certificate")[0], *held("gift_card")[:3]]
    return [*lines, (card, total - sum(a for _, a in lines))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_optimised_payment_spends_least_on_the_card(seed: int, tmp_path: Path) -> None:
    task = _task(seed, intent="book", payment_mix="optimise", behaviour="plain", n_intents=1)
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    paid = [(m["payment_id"], m["amount"]) for m in book.arguments["payment_methods"]]
    total = sum(a for _, a in paid)
    assert paid == _best_split(task, paid[-1][0], total)
    assert f"${paid[-1][1]}" in task.communicate  # the card's charge is said
    assert task.features["payment_mix_optimise"] == 1.0
    assert task.user_scenario is not None
    told = task.user_scenario.instructions.task_instructions
    assert "as much as possible" in told and str(paid[-1][1]) not in told
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    wasteful = _run(task, _forced(tmp_path, "suboptimal_payment"))
    assert wasteful.score is not None and not wasteful.score.state_match


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_the_same_flight_as_last_time_is_found_from_the_earlier_trip(
    seed: int, tmp_path: Path
) -> None:
    fixed = {"selection": "same_as_before", "behaviour": "plain", "distractor_density": "low"}
    task = _task(seed, intent="book", n_intents=1, **fixed)
    calls = task.golden_trajectory
    book = next(c for c in calls if c.name == "book_reservation")
    looked = next(i for i, c in enumerate(calls) if c.name == "get_reservation_details")
    assert looked < min(i for i, c in enumerate(calls) if c.name.startswith("search_"))
    earlier = task.world["reservations"][calls[looked].arguments["reservation_id"]]
    assert earlier["user_id"] == task.meta["user_id"]
    wanted = [f["flight_number"] for f in book.arguments["flights"]]
    assert [f["flight_number"] for f in earlier["flights"]] == wanted
    flights = task.world["flights"]
    assert all(flights[f["flight_number"]]["dates"][f["date"]]["status"] == "landed"
               for f in earlier["flights"])  # fmt: skip
    look_alikes = [
        r for r in task.world["reservations"].values()
        if r["user_id"] == task.meta["user_id"] and r is not earlier
        and r["origin"] == earlier["origin"] and r["destination"] == earlier["destination"]
    ]  # fmt: skip
    assert look_alikes and all(
        [f["flight_number"] for f in r["flights"]] != wanted for r in look_alikes
    )  # another trip on the route: the date the customer gives decides
    assert task.user_scenario is not None
    texts = " ".join(task.user_scenario.texts())
    assert not any(fn in texts for fn in wanted)
    assert task.features["selection_same_as_before"] == 1.0
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    other = _run(task, _forced(tmp_path, "distractor_flight"))
    assert other.score is not None and not other.score.passed


UPGRADE = {"intent": "change_cabin", "cabin": "business"}


def _conditional(met: bool, **fixed: Any) -> Task:
    """A lone request with a condition on its price (default: an upgrade to business), met or
    not."""
    for seed in range(40):
        task = _task(seed, n_intents=1, behaviour="condition", **(fixed or UPGRADE))
        if ("declined_call" not in task.meta) == met:
            return task
    raise AssertionError(f"no task with the condition {'met' if met else 'unmet'}: {fixed}")


@pytest.mark.parametrize("met", [True, False])
def test_a_condition_on_the_quoted_price_picks_the_write(met: bool, tmp_path: Path) -> None:
    task = _conditional(met)
    assert task.features["user_condition"] == 1.0 and task.user_scenario is not None
    request = task.user_scenario.script.requests[0]
    price = int(task.communicate[0].lstrip("$"))  # the upgrade's price is always quoted
    assert request.max_charge is not None and (price <= request.max_charge) == met
    rid = next(c for c in task.golden_trajectory if c.name.startswith("update_")).arguments
    cabin = task.expected_final_world["reservations"][rid["reservation_id"]]["cabin"]
    assert cabin == ("business" if met else "economy")
    assert task.meta["condition_call"]["arguments"]["cabin"] == ("economy" if met else "business")
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    said = [m.content for m in gold.trajectory.messages if m.role == "user"]
    assert (request.instead in said) is not met  # over the limit it asked for economy
    wrong = _run(task, _forced(tmp_path, "misjudge_condition"))
    assert wrong.score is not None and not wrong.score.passed


def test_the_customer_takes_its_fallback_over_the_limit() -> None:
    task = _conditional(met=False)
    assert task.user_scenario is not None
    script = task.user_scenario.script
    request = script.requests[0]
    assert request.max_charge is not None and request.instead
    limit = request.max_charge

    def offer(cabin: str, amount: int) -> str:
        return (
            f"I will change reservation {request.wants[0]} to {cabin}; the difference is "
            f"${amount}. Shall I proceed?"
        )

    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    assert customer_reply(script, convo, offer("business", limit + 40)) == request.instead
    convo += [
        {"role": "assistant", "content": offer("business", limit + 40)},
        {"role": "user", "content": request.instead},
    ]
    assert customer_reply(script, convo, offer("economy", 90)).startswith("Yes")
    assert customer_reply(script, convo, offer("business", limit + 40)).startswith("No")
    assert customer_reply(script, convo[:1], offer("business", limit)).startswith("Yes")
    assert customer_reply(script, convo[:1], offer("economy", 90)).startswith("No")


@pytest.mark.parametrize("met", [True, False])
def test_a_booking_over_the_limit_is_made_for_the_customer_alone(met: bool, tmp_path: Path) -> None:
    task = _conditional(met, intent="book", payment_mix="card")  # companions too (tau2 task 8)
    assert task.features["user_condition"] == 1.0 and task.user_scenario is not None
    request = task.user_scenario.script.requests[0]
    asked = task.meta["condition_call"] if met else task.meta["declined_call"]
    everyone = asked["arguments"]["passengers"] if not met else None
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    travelling = book.arguments["passengers"]
    total = int(task.communicate[-1 - (not met)].lstrip("$"))  # the total for everyone
    assert request.max_charge is not None and (total <= request.max_charge) == met
    if met:
        assert len(travelling) >= 2 and len(asked["arguments"]["passengers"]) == 1
    else:
        assert everyone is not None and len(everyone) >= 2
        assert travelling == everyone[:1]  # the customer alone, on the same flights
        assert book.arguments["flights"] == asked["arguments"]["flights"]
        share = book.arguments["payment_methods"][0]["amount"]
        assert f"${share}" in task.communicate and share * len(everyone) == total
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    said = [m.content for m in gold.trajectory.messages if m.role == "user"]
    assert (request.instead in said) is not met
    wrong = _run(task, _forced(tmp_path, "misjudge_condition"))
    assert wrong.score is not None and not wrong.score.passed
    if not met:  # once it asked to travel alone, a booking naming a companion is declined
        script = task.user_scenario.script
        convo: list[dict[str, Any]] = [
            {"role": "user", "content": script.opening},
            {"role": "assistant", "content": f"The total is ${total}. Shall I book it?"},
            {"role": "user", "content": request.instead},
        ]
        companion = f"{everyone[1]['first_name']} {everyone[1]['last_name']}"  # type: ignore[index]
        legs = ", ".join(f["flight_number"] for f in book.arguments["flights"])
        offer = f"I will book flights {legs} for you and {companion}. Shall I proceed?"
        assert customer_reply(script, convo, offer).startswith("No")
        alone = f"I will book flights {legs} for you alone. Shall I proceed?"
        assert customer_reply(script, convo, alone).startswith("Yes")


def test_a_booking_left_for_the_next_request_is_not_made(tmp_path: Path) -> None:
    """tau2 task 2: halfway through a booking the customer turns to something else and leaves
    the booking for another call; the agent that books it anyway fails."""
    task = _task(intent="book", behaviour="switch", n_intents=2)
    assert task.features["user_switches"] == 1.0 and task.user_scenario is not None
    assert task.meta["declined_call"]["name"] == "book_reservation"
    assert all(c.name != "book_reservation" for c in task.golden_trajectory)
    script = task.user_scenario.script
    booking, following = script.requests[0], script.requests[1]
    assert booking.switch is not None and booking.max_charge is None
    legs = ", ".join(f["flight_number"] for f in task.meta["declined_call"]["arguments"]["flights"])
    offer = f"I will book flights {legs} for you. Shall I proceed?"
    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    turned = customer_reply(script, convo, offer)
    assert turned == f"{booking.switch} {following.ask}"
    convo += [{"role": "assistant", "content": offer}, {"role": "user", "content": turned}]
    assert customer_reply(script, convo, offer).startswith("No")  # left for another call
    told = task.user_scenario.instructions.task_instructions
    assert "something else" in told and "call back" in told
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed, gold.score
    assert any(m.content == turned for m in gold.trajectory.messages if m.role == "user")
    anyway = _run(task, _forced(tmp_path, "ignore_decline"))
    assert anyway.score is not None and not anyway.score.passed


def test_a_claimed_passenger_count_is_checked_against_the_record(tmp_path: Path) -> None:
    """tau2 task 2: the customer says more people travelled than the reservation holds; the
    certificate follows the record and the agent says the count it found."""
    task = _task(intent="compensation", behaviour="lie", policy_trap="no", n_intents=1)
    assert task.features["user_lies"] == 1.0 and task.user_scenario is not None
    res = next(c for c in task.golden_trajectory if "reservation_id" in c.arguments)
    pax = len(task.world["reservations"][res.arguments["reservation_id"]]["passengers"])
    certificate = next(c for c in task.golden_trajectory if c.name == "send_certificate")
    assert certificate.arguments["amount"] in (50 * pax, 100 * pax)  # per passenger on record
    assert f"{pax} passenger{'s' * (pax != 1)}" in task.communicate
    said = task.user_scenario.script.requests[0].ask
    assert f"There were {pax + 1} of us" in said
    assert _run(task, "sim:oracle").score.passed  # type: ignore[union-attr]
    believed = _run(task, _forced(tmp_path, "misstate_fact"))
    assert believed.score is not None and not believed.score.passed


def test_a_confirmation_may_name_a_reservation_it_leaves_alone() -> None:
    """A tau2 user accepts "I'll cancel ABC123; your other reservation XYZ789 stays as it is":
    only a confirmation that would act on something it did not ask for is declined."""
    task = _task(intent="cancel", n_intents=1, policy_trap="no", distractor_density="high")
    assert task.user_scenario is not None
    script = task.user_scenario.script
    want = script.requests[0].wants[0]
    user = task.world["users"][task.meta["user_id"]]
    other = next(r for r in user["reservations"] if r != want)
    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    kept = (
        f"I will cancel reservation {want}; your other reservation {other} stays as it is. "
        "Shall I proceed?",
        f"I will cancel {want}, and {other} won't be affected. Do you confirm?",
        f"Cancelling {want} now; I'll leave {other} alone. Shall I go ahead?",
    )
    for offer in kept:
        assert customer_reply(script, convo, offer).startswith("Yes"), offer
    sloppy = (
        f"I will cancel reservations {want} and {other}. Shall I proceed?",
        f"I will cancel {want}, {other} as well. Do you confirm?",
        f"I will cancel {want}; {other} will be cancelled too. Shall I go ahead?",
    )
    for offer in sloppy:
        assert customer_reply(script, convo, offer).startswith("No"), offer


def test_a_refused_refund_is_bargained_down_and_still_refused(tmp_path: Path) -> None:
    """tau2 task 28: refused a cancellation, the customer asks for half, or 10%, of it; the
    policy has no partial refund, so the agent holds."""
    from domains.airline.dag.scenario.pushback import BARGAIN

    task = _task(intent="cancel", behaviour="insist", policy_trap="yes", n_intents=1)
    assert task.user_scenario is not None
    script = task.user_scenario.script
    assert script.requests[0].pushback[0] == BARGAIN
    assert "partial refund" in task.user_scenario.instructions.task_instructions
    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    assert customer_reply(script, convo, "Sorry, I cannot cancel it under our policy.") == BARGAIN
    gold = _run(task, "sim:oracle")
    assert gold.score is not None and gold.score.passed
    assert any(m.content == BARGAIN for m in gold.trajectory.messages if m.role == "user")
    yielded = _run(task, _forced(tmp_path, "yield_to_pressure"))
    assert yielded.score is not None and not yielded.score.passed


@pytest.mark.parametrize("met", [True, False])
def test_how_a_booking_is_paid_depends_on_its_total(met: bool, tmp_path: Path) -> None:
    """tau2 task 25: a certificate if the total is over the customer's limit, else the gift card
    (then the card either way)."""
    for seed in range(40):
        task = _task(seed, intent="book", behaviour="condition", payment_mix="card_gift")
        book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
        first = book.arguments["payment_methods"][0]["payment_id"]
        if first.startswith("certificate") == met:
            break
    else:
        raise AssertionError("no such booking")
    assert task.features["user_condition"] == 1.0 and task.user_scenario is not None
    total = sum(m["amount"] for m in book.arguments["payment_methods"])
    told = task.user_scenario.instructions.task_instructions
    limit = int(told.split("If the total is more than $")[1].split(",")[0])
    assert (total > limit) == met  # over the limit: the certificate
    other = task.meta["condition_call"]["arguments"]["payment_methods"]
    assert other[0]["payment_id"].startswith("gift_card" if met else "certificate")
    assert _run(task, "sim:oracle").score.passed  # type: ignore[union-attr]
    wrong = _run(task, _forced(tmp_path, "misjudge_condition"))
    assert wrong.score is not None and not wrong.score.passed


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_cancellation_the_record_does_not_show_is_refused(seed: int, tmp_path: Path) -> None:
    """Issue 19 item 1: the customer asks compensation for a flight it says was cancelled; the
    status says it landed or is on time. The gold checks it, says so and sends nothing; a
    target that believes the claim and sends the certificate fails, and so does one that
    states the status wrong."""
    task = _task(seed, intent="compensation", disruption="none", n_intents=1)
    assert task.refusal and task.params["behaviour"] == "lie"
    assert task.features["user_lies"] == 1.0 and task.features["user_claims_disruption"] == 1.0
    names = [c.name for c in task.golden_trajectory]
    assert "get_flight_status" in names and "send_certificate" not in names
    status_call = next(c for c in task.golden_trajectory if c.name == "get_flight_status")
    flight = task.world["flights"][status_call.arguments["flight_number"]]
    actual = flight["dates"][status_call.arguments["date"]]["status"]
    assert actual in ("landed", "on time") and actual in task.communicate
    assert task.expected_final_world == task.world
    assert task.user_scenario is not None
    script = task.user_scenario.script.requests[0]
    assert "cancelled" in script.ask and "my flight was cancelled" in script.pushback[0]
    assert _run(task, "sim:oracle").score.passed  # type: ignore[union-attr]
    believed = _run(task, _forced(tmp_path, "modify_basic_economy"))
    assert believed.score is not None and not believed.score.passed
    sent = [c for c in believed.trajectory.tool_calls() if c.name == "send_certificate"]
    assert sent
    misstated = _run(task, _forced(tmp_path, "misstate_fact"))  # "cancelled" for the status
    assert misstated.score is not None and not misstated.score.passed
