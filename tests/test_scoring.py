"""The verifier: gold and reordered-but-correct runs pass; each typical mistake fails."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from domains import registry
from domains.base import ToolCall, Transfer
from mining.core.task import Task
from mining.core.trajectory import Message, Trajectory
from mining.dag.synthesize import sample_tasks
from mining.dag.validate import load_world, replay
from mining.rollout.estimators import mean_over_tasks, pass_at_k, pass_hat_k
from mining.rollout.scoring import Score, score_rollout


def _task(**fixed: Any) -> Task:
    tasks = sample_tasks("airline", 1, 11, fixed_params=fixed)
    assert tasks, fixed
    return tasks[0]


def _run(task: Task, calls: list[ToolCall], say: str | None = None, confirm: bool = True) -> Score:
    """Score the calls made in a conversation: each write described and (when `confirm`)
    confirmed by the customer first, then `say` (default: every fact) at the end."""
    dom = registry.get("airline")
    world = load_world(dom, copy.deepcopy(task.world))
    toolkit = dom.toolkit(world)
    writes = dom.toolkit_type.write_tools()
    messages: list[Message] = []
    for i, c in enumerate(calls):
        if c.name in writes:
            ask = f"I will call {c.name} with {json.dumps(c.arguments)}. Do you confirm (yes/no)?"
            messages.append(Message(role="assistant", content=ask))
            messages.append(Message(role="user", content="Yes." if confirm else "Hmm."))
        result = toolkit.call(c.name, c.arguments)
        messages.append(Message(role="assistant", tool_calls=[c], tool_call_ids=[f"c{i}"]))
        messages.append(
            Message(role="tool", content=result.content, tool_call_id=f"c{i}", error=result.error)
        )
    text = say if say is not None else "Done. " + " ".join(task.communicate)
    messages.append(Message(role="assistant", content=text))
    return score_rollout(task, world.to_json(), Trajectory(messages=messages))


def _swap(task: Task, kind: str) -> list[ToolCall]:
    """The golden calls with the first alternative of the first choice of `kind` applied."""
    choice = next(c for c in task.meta["choices"] if c["kind"] == kind)
    calls = [c.model_copy(deep=True) for c in task.golden_trajectory]
    calls[choice["call"]].arguments[choice["path"]] = choice["alternatives"][0]["value"]
    return calls


BOOK = {
    "intent": "book",
    "n_intents": 1,
    "selection": "cheapest",
    "cabin": "economy",
    "payment_mix": "card_gift",
    "distractor_density": "medium",
}


def test_gold_passes_and_silence_fails_communicate() -> None:
    task = _task(**BOOK)
    score = _run(task, task.golden_trajectory)
    assert score.passed and score.reward == 1.0 and score.golden_writes_matched == 1.0
    assert score.tau2_passed
    quiet = _run(task, task.golden_trajectory, say="All set.")
    assert not quiet.passed and not quiet.communicated and quiet.state_match
    assert quiet.tau2_passed is False  # tau2's COMMUNICATE fails too


def test_reordered_payment_methods_still_pass() -> None:
    task = _task(**BOOK)
    calls = [c.model_copy(deep=True) for c in task.golden_trajectory]
    book = next(c for c in calls if c.name == "book_reservation")
    book.arguments["payment_methods"] = list(reversed(book.arguments["payment_methods"]))
    assert len(book.arguments["payment_methods"]) == 2
    score = _run(task, calls)
    # toolmine: the order of payment methods carries no meaning; tau2 hashes the stored order
    assert score.passed and score.tau2_passed is False


def test_swapped_passengers_pass_toolmine_and_fail_on_tau2s_terms() -> None:
    task = _task(**{**BOOK, "passengers": 2})
    calls = [c.model_copy(deep=True) for c in task.golden_trajectory]
    book = next(c for c in calls if c.name == "book_reservation")
    assert len(book.arguments["passengers"]) >= 2
    book.arguments["passengers"] = list(reversed(book.arguments["passengers"]))
    score = _run(task, calls)
    assert score.passed and score.state_match and score.tau2_passed is False


@pytest.mark.parametrize("kind", ["flight", "cabin", "payment"])
def test_wrong_choices_fail(kind: str) -> None:
    task = _task(**BOOK)
    score = _run(task, _swap(task, kind))
    assert not score.passed and not score.state_match
    assert score.golden_writes_matched == 0.0 and 0.0 <= score.reward < 1.0


def test_missing_second_intent_fails() -> None:
    task = _task(intent="cancel", n_intents=2, second_intent="add_bags", policy_trap="no")
    first = task.meta["intent_calls"][0]
    calls = [task.golden_trajectory[i] for i in first]
    score = _run(task, calls)
    assert not score.passed and score.golden_writes_matched == 0.5


def test_extra_write_fails_with_collateral_penalty() -> None:
    task = _task(intent="change_passengers", n_intents=1, policy_trap="no")
    uid = task.meta["user_id"]
    calls = [
        *task.golden_trajectory,
        ToolCall(name="send_certificate", arguments={"user_id": uid, "amount": 100}),
    ]
    score = _run(task, calls)
    assert not score.passed and score.collateral_penalty == 0.25


def test_refusal_task_fails_on_the_forbidden_write() -> None:
    task = _task(intent="cancel", n_intents=1, policy_trap="yes")
    assert task.refusal and task.meta["refusal_reason"]
    rid = task.meta["reservation_ids"][0]
    calls = [
        *task.golden_trajectory,
        ToolCall(name="cancel_reservation", arguments={"reservation_id": rid}),
    ]
    assert _run(task, task.golden_trajectory).passed
    assert not _run(task, calls).passed


def test_needless_transfer_fails() -> None:
    task = _task(intent="change_cabin", n_intents=1, policy_trap="no")
    calls = [
        *task.golden_trajectory,
        ToolCall(name="transfer_to_human_agents", arguments={"summary": "unsure"}),
    ]
    score = _run(task, calls)
    assert score.state_match and not score.passed and not score.policy_ok
    assert score.tau2_passed  # tau2 does not look at transfers
    assert score.transfer_penalty == 1.0
    assert any("transfer" in r for r in score.reasons)


def test_the_domain_names_its_transfer_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A transfer is a call of the domain's `Domain.transfer` tool, whatever its name."""
    task = _task(intent="change_cabin", n_intents=1, policy_trap="no")
    transfer = ToolCall(name="transfer_to_human_agents", arguments={"summary": "unsure"})
    airline = registry.get("airline")
    monkeypatch.setitem(registry._DOMAINS, "airline", dataclasses.replace(airline, transfer=None))
    assert _run(task, [*task.golden_trajectory, transfer]).passed  # no hand-off tool: a plain call
    renamed = Transfer(tool="get_user_details", message="hold on")
    monkeypatch.setitem(
        registry._DOMAINS, "airline", dataclasses.replace(airline, transfer=renamed)
    )
    score = _run(task, task.golden_trajectory)
    assert not score.passed and "policy: needless get_user_details" in score.reasons


def test_recorded_policy_violation_fails() -> None:
    task = _task(**BOOK)
    dom = registry.get("airline")
    final = replay(dom, load_world(dom, copy.deepcopy(task.world)), task.golden_trajectory)
    traj = Trajectory(messages=[Message(role="assistant", content=" ".join(task.communicate))])
    score = score_rollout(task, final.world.to_json(), traj, ["acted without confirmation"])
    assert score.state_match and not score.passed


def test_estimators() -> None:
    assert pass_hat_k(4, 2, 1) == 0.5 and pass_hat_k(4, 2, 2) == pytest.approx(1 / 6)
    assert pass_at_k(4, 1, 4) == 1.0 and pass_at_k(4, 0, 2) == 0.0
    assert pass_at_k(4, 1, 1) == 0.25
    assert mean_over_tasks([(4, 4), (4, 0)], 2) == 0.5
    with pytest.raises(ValueError):
        pass_hat_k(4, 5, 1)


def test_flown_cancel_requires_the_transfer() -> None:
    task = _task(intent="cancel", n_intents=1, flown="yes")
    assert task.meta["transfer_expected"] and task.refusal
    assert task.golden_trajectory[-1].name == "transfer_to_human_agents"
    gold = _run(task, task.golden_trajectory)
    assert gold.passed and gold.transfer_penalty == 0.0
    no_transfer = _run(task, task.golden_trajectory[:-1], say="I cannot cancel this booking.")
    assert not no_transfer.passed and no_transfer.state_match
    assert any("missing transfer" in r for r in no_transfer.reasons)
    rid = next(c for c in task.golden_trajectory if c.name == "get_reservation_details")
    cancel = ToolCall(name="cancel_reservation", arguments=dict(rid.arguments))
    assert not _run(task, [*task.golden_trajectory[:-1], cancel]).passed


@pytest.mark.parametrize("trap", ["no", "yes"])
def test_delayed_flight_compensation_comes_after_the_cancellation(trap: str) -> None:
    task = _task(intent="compensation", n_intents=1, disruption="delayed", policy_trap=trap)
    names = [c.name for c in task.golden_trajectory]
    assert "cancel_reservation" in names and not task.refusal
    pax = int(task.params["passengers"])
    if trap == "no":
        assert names[-2:] == ["cancel_reservation", "send_certificate"]
        assert task.golden_trajectory[-1].arguments["amount"] == 50 * pax
        assert _run(task, task.golden_trajectory).passed
        # The $100-per-passenger amount of a cancelled flight is a mistake here.
        assert not _run(task, _swap(task, "amount")).passed
    else:
        assert names[-1] == "cancel_reservation" and "send_certificate" not in names
        assert _run(task, task.golden_trajectory).passed


def test_doing_nothing_passes_no_task() -> None:
    """Silence, or an apology without the policy's reason, fails every kind of task."""
    tasks = sample_tasks("airline", 60, 5)
    for task in tasks:
        for say in ("", "I'm sorry, I can't help with that."):
            assert not _run(task, [], say=say).passed, task.task_id
    assert any(t.refusal for t in tasks)


def test_refusal_means_the_policy_forbids_the_request() -> None:
    status = _task(intent="flight_status", n_intents=1)
    assert not status.refusal and not status.meta["refusal_reason"] and status.communicate
    trap = _task(intent="change_flights", n_intents=1, policy_trap="yes", cabin="basic_economy")
    assert trap.refusal and trap.communicate == ["basic economy"]
    assert _run(trap, trap.golden_trajectory, say="Basic economy can't be changed.").passed
    assert not _run(trap, trap.golden_trajectory, say="Sorry, I can't change it.").passed


def test_parameters_are_recorded_per_request() -> None:
    task = _task(intent="cancel", n_intents=2, second_intent="book", policy_trap="no")
    requests = task.meta["requests"]
    assert [r["intent"] for r in requests] == task.intents == ["cancel", "book"]
    assert {"selection", "cabin", "payment_mix"} <= set(requests[1]["params"])
    assert "selection" not in requests[0]["params"]  # a cancellation picks no flight


def test_amounts_are_matched_with_their_units() -> None:
    task = _task(**BOOK)
    fact = task.communicate[0]
    assert fact.startswith("$")
    wrong = f"The total is ${fact[1:]}0."  # tau2's substring check would accept this
    assert not _run(task, task.golden_trajectory, say=wrong).passed
    spaced = f"The total is ${int(fact[1:]):,}.00."
    assert _run(task, task.golden_trajectory, say=spaced).passed


def test_a_write_needs_a_description_and_a_yes_since_the_last_write() -> None:
    task = _task(intent="cancel", n_intents=2, second_intent="add_bags", policy_trap="no")
    assert _run(task, task.golden_trajectory).passed
    unconfirmed = _run(task, task.golden_trajectory, confirm=False)
    assert not unconfirmed.passed and unconfirmed.state_match and unconfirmed.tau2_passed
    assert any("did not confirm" in v for v in unconfirmed.write_violations)
    # One yes does not cover two writes: the second one is asked for again.
    dom = registry.get("airline")
    world = load_world(dom, copy.deepcopy(task.world))
    kit, writes = dom.toolkit(world), dom.toolkit_type.write_tools()
    described = " ".join(json.dumps(c.arguments) for c in task.golden_trajectory)
    messages = [
        Message(role="assistant", content=f"I will do all of this: {described}. Confirm?"),
        Message(role="user", content="Yes, go ahead."),
    ]
    for i, c in enumerate(task.golden_trajectory):
        kit.call(c.name, c.arguments)
        messages.append(Message(role="assistant", tool_calls=[c], tool_call_ids=[f"c{i}"]))
        messages.append(Message(role="tool", content="ok", tool_call_id=f"c{i}"))
    messages.append(Message(role="assistant", content=" ".join(task.communicate)))
    score = score_rollout(task, world.to_json(), Trajectory(messages=messages))
    assert score.state_match and len(score.write_violations) == 1
    assert sum(c.name in writes for c in task.golden_trajectory) == 2


def test_a_vague_description_is_not_a_description() -> None:
    task = _task(intent="cancel", n_intents=1, policy_trap="no", flown="no")
    dom = registry.get("airline")
    world = load_world(dom, copy.deepcopy(task.world))
    messages = [
        Message(role="assistant", content="Shall I cancel your reservation? (yes/no)"),
        Message(role="user", content="Yes."),
    ]
    for c in task.golden_trajectory:
        dom.toolkit(world).call(c.name, c.arguments)
        messages.append(Message(role="assistant", tool_calls=[c]))
    messages.append(Message(role="assistant", content="Done."))
    score = score_rollout(task, world.to_json(), Trajectory(messages=messages))
    cancel = next(c for c in task.golden_trajectory if c.name == "cancel_reservation")
    rid = cancel.arguments["reservation_id"]
    assert not score.passed and score.state_match
    assert score.write_violations == [
        f"cancel_reservation: not described to the user first (stating {rid})"
    ]


def test_a_booking_paid_by_one_card_is_described_with_its_total() -> None:
    """The flights alone do not describe a booking: a quote of another one on the same flights
    (everyone, before the customer asked for itself alone) names them too."""
    from domains.airline.writes import names

    task = _task(intent="book", n_intents=1, payment_mix="card", payment_rule="none")
    book = next(c for c in task.golden_trajectory if c.name == "book_reservation")
    legs = [f["flight_number"] for f in book.arguments["flights"]]
    total = book.arguments["payment_methods"][0]["amount"]
    assert names(book, task.world) == [*legs, str(total)]
    split = book.model_copy(deep=True)
    split.arguments["payment_methods"] *= 2
    assert names(split, task.world) == legs  # a split's parts: no one wording is required


def test_the_reservation_is_opened_before_it_is_cancelled() -> None:
    task = _task(
        intent="cancel", n_intents=1, policy_trap="no", flown="no", reservation_known="yes"
    )
    calls = [c for c in task.golden_trajectory if c.name != "get_reservation_details"]
    score = _run(task, calls)
    assert score.state_match and not score.passed
    assert any("no get_reservation_details" in v for v in score.write_violations)


def test_a_refusal_allows_no_write() -> None:
    task = _task(intent="change_passengers", n_intents=1, policy_trap="yes")
    assert task.refusal
    rid = task.meta["reservation_ids"][0]
    write = ToolCall(name="cancel_reservation", arguments={"reservation_id": rid})
    score = _run(task, [*task.golden_trajectory, write], say="The number of passengers is fixed.")
    assert not score.passed
    assert any("policy refuses" in v for v in score.write_violations)


@pytest.mark.parametrize(
    ("say", "passes"),
    [
        ("I'm sorry, passengers cannot be removed from a reservation.", True),
        ("Unfortunately I can't remove a passenger once the trip is booked.", True),
        ("The number of passengers on a reservation cannot change.", True),
        ("I have looked at your reservation. Is there anything else?", False),
    ],
)
def test_a_removal_refusal_is_understood_in_removal_words(say: str, passes: bool) -> None:
    task = _task(intent="partial_change", n_intents=1, partial="remove_passenger")
    assert task.refusal
    assert _run(task, list(task.golden_trajectory), say=say).passed is passes
