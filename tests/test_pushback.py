"""A customer who insists or lies after a refusal: built, scripted, played, verified (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domains.airline.dag.build.timeline import NOW
from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.rollout.scripted import customer_reply
from mining.targets.sim.agent import build_plan
from mining.targets.sim.profiles import load_profile

TRAPS = ("cancel", "change_flights", "change_cabin", "change_passengers", "compensation")


def _task(seed: int = 5, **fixed: Any) -> Task:
    tasks = sample_tasks("airline", 1, seed, fixed_params=fixed)
    assert tasks, fixed
    return tasks[0]


@pytest.mark.parametrize("intent", TRAPS)
@pytest.mark.parametrize("behaviour", ["insist", "lie"])
def test_gold_holds_the_refusal_through_the_pushback(intent: str, behaviour: str) -> None:
    task = _task(intent=intent, policy_trap="yes", behaviour=behaviour, n_intents=1)
    script = task.user_scenario.script if task.user_scenario else None
    assert script is not None
    pushback = script.requests[0].pushback
    assert len(pushback) == (2 if behaviour == "lie" else len(pushback)) and len(pushback) >= 2
    assert task.features["user_insists"] == 1.0
    assert task.features["user_lies"] == (1.0 if behaviour == "lie" else 0.0)
    told = task.user_scenario.instructions.task_instructions if task.user_scenario else ""
    assert "insist" in told and ("not true" in told) == (behaviour == "lie")
    gold = run_rollout(task, parse_target("sim:oracle"), 0, 1)
    assert gold.score is not None and gold.score.passed, gold.score
    said = [m.content for m in gold.trajectory.messages if m.role == "user"]
    assert all(line in said for line in pushback)  # every push was voiced, the gold held
    assert task.expected_final_world == task.world or not task.refusal


def test_the_lie_is_false_in_the_world() -> None:
    for seed in range(12):
        task = _task(seed, intent="cancel", policy_trap="yes", behaviour="lie", n_intents=1)
        claim = task.user_scenario.script.requests[0].pushback[0] if task.user_scenario else ""
        rid = next(
            c.arguments["reservation_id"]
            for c in task.golden_trajectory
            if c.name == "get_reservation_details"
            and c.arguments["reservation_id"] in task.meta["reservation_ids"]
            and task.world["reservations"][c.arguments["reservation_id"]]["user_id"]
            == task.meta["user_id"]
        )
        res = task.world["reservations"][rid]
        if "insurance" in claim:
            assert res["insurance"] == "no"
        if "few hours ago" in claim:
            assert res["created_at"] < (NOW.replace(hour=0)).isoformat()
        if "business" in claim:
            assert res["cabin"] != "business"


def test_the_customer_pushes_back_then_accepts() -> None:
    task = _task(intent="cancel", policy_trap="yes", behaviour="insist", n_intents=1)
    assert task.user_scenario is not None
    script = task.user_scenario.script
    pushback = script.requests[0].pushback
    convo: list[dict[str, Any]] = [{"role": "user", "content": script.opening}]
    refusal = "I'm sorry, but I cannot cancel this reservation under our policy."
    for line in pushback:
        reply = customer_reply(script, convo, refusal)
        assert reply == line
        convo += [{"role": "assistant", "content": refusal}, {"role": "user", "content": reply}]
    final = customer_reply(script, convo, f"{refusal} Is there anything else?")
    assert final.endswith("###STOP###")


def test_a_yielding_agent_fails_and_a_do_nothing_agent_fails(tmp_path: Path) -> None:
    task = _task(intent="change_cabin", policy_trap="yes", behaviour="lie", n_intents=1)
    profile = {
        "name": "yields",
        "errors": {"yield_to_pressure": {"base_logit": 20.0}},
    }
    path = tmp_path / "yields.json"
    path.write_text(json.dumps(profile))
    plan = build_plan(task, load_profile(f"file:{path}"), 0, 0)
    assert plan.injected == ["yield_to_pressure"]
    yielded = run_rollout(task, parse_target(f"sim:file:{path}"), 0, 0)
    assert yielded.score is not None and not yielded.score.passed
    assert any("refusal" in r or "differs" in r for r in yielded.score.reasons)
    # An agent that says nothing useful (no refusal reason) fails too.
    silent = _silent(task)
    assert not silent.passed and silent.reasons


def _silent(task: Task):  # type: ignore[no-untyped-def]
    from mining.bench.verifier import rescore
    from mining.core.trajectory import Message

    messages = [
        Message(role="assistant", content="Hi! How can I help you today?"),
        Message(role="user", content="I need help."),
        Message(role="assistant", content="Sorry, I cannot help with that."),
    ]
    return rescore(task, messages)


def test_plain_points_keep_their_signature() -> None:
    """`behaviour=plain` stays out of signatures, so tasks that existed before it keep their
    fingerprints."""
    from mining.dag.synthesize import synthesize_candidate

    task = _task(intent="cancel", policy_trap="yes", behaviour="plain", n_intents=1)
    assert "behaviour" not in task.meta["requests"][0]["params"]
    pushy = synthesize_candidate("airline", {**task.params, "behaviour": "insist"}, task.seed, "x")
    assert isinstance(pushy, Task) and pushy.signature != task.signature
    assert pushy.meta["requests"][0]["params"]["behaviour"] == "insist"
    # The world and gold are the plain task's: pushback only adds what the customer says.
    assert pushy.world == task.world and pushy.golden_trajectory == task.golden_trajectory
