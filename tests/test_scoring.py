"""The verifier: gold and reordered-but-correct runs pass; each typical mistake fails."""

from __future__ import annotations

import copy
import dataclasses
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


def _run(task: Task, calls: list[ToolCall], say: str | None = None) -> Score:
    dom = registry.get("airline")
    world = load_world(dom, copy.deepcopy(task.world))
    final = replay(dom, world, calls).world.to_json()
    messages = [Message(role="assistant", tool_calls=[c]) for c in calls]
    text = say if say is not None else "Done. " + " ".join(task.communicate)
    messages.append(Message(role="assistant", content=text))
    return score_rollout(task, final, Trajectory(messages=messages))


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
