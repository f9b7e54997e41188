"""Requests the policy always refuses (issue 19): insurance after booking, a delay complaint with
the trip kept, partial changes. Gold replays and passes; silence, a write and yielding fail."""

from __future__ import annotations

from typing import Any

import pytest

from mining.bench.verifier import rescore
from mining.core.task import Task
from mining.core.trajectory import Message
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.rollout.scripted import customer_reply

KINDS: list[dict[str, Any]] = [
    {"intent": "insurance"},
    {"intent": "complaint"},
    *(
        {"intent": "partial_change", "partial": p}
        for p in ("remove_passenger", "remove_bags", "one_segment_cabin", "change_route")
    ),
]


def _task(seed: int = 3, **fixed: Any) -> Task:
    tasks = sample_tasks("airline", 1, seed, fixed_params={"n_intents": 1, **fixed})
    assert tasks, fixed
    return tasks[0]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.get("partial", k["intent"]))
def test_gold_refuses_says_why_and_changes_nothing(kind: dict[str, Any]) -> None:
    task = _task(**kind)
    assert task.refusal and task.params["policy_trap"] == "yes"
    assert task.expected_final_world == task.world
    assert task.communicate  # the reason must be said
    gold = run_rollout(task, parse_target("sim:oracle"), 0, 1)
    assert gold.score is not None and gold.score.passed, gold.score and gold.score.reasons
    silent = rescore(
        task,
        [
            Message(role="assistant", content="Hi! How can I help you today?"),
            Message(role="user", content=task.user_scenario.script.opening)
            if task.user_scenario
            else Message(role="user", content="Hi"),
            Message(role="assistant", content="Sorry, I can't do that."),
        ],
    )
    assert not silent.passed and any("not communicated" in r for r in silent.reasons)


@pytest.mark.parametrize("intent", ["complaint", "insurance", "partial_change"])
def test_an_agent_that_gives_in_fails(intent: str) -> None:
    task = _task(intent=intent, behaviour="lie")
    weak = [run_rollout(task, parse_target("sim:weak"), i, 1) for i in range(4)]
    assert all(r.score is not None and not r.score.passed for r in weak)
    assert any(
        "modify_basic_economy" in r.injected_errors or "yield_to_pressure" in r.injected_errors
        for r in weak
    )


def test_the_complaining_customer_keeps_the_trip() -> None:
    task = _task(intent="complaint")
    assert task.user_scenario is not None
    script = task.user_scenario.script
    rid = task.meta["reservation_ids"][0]
    offer = f"Would you like me to cancel reservation {rid} so I can offer compensation? (yes/no)"
    reply = customer_reply(script, [{"role": "user", "content": script.opening}], offer)
    assert reply.startswith("No")
    asked = customer_reply(script, [], "Do you want to change or cancel your trip?")
    assert "keeping my trip" in asked


def test_complaint_sends_no_certificate_and_a_yield_would() -> None:
    task = _task(intent="complaint", behaviour="insist")
    assert not any(c.name == "send_certificate" for c in task.golden_trajectory)
    assert task.meta["refused_call"]["name"] == "send_certificate"
