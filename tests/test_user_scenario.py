"""Tasks carry tau2-shaped user scenarios; the scripted customer and the LLM customer play them."""

from __future__ import annotations

from typing import Any

import pytest

from mining.core.task import Task
from mining.dag.synthesize import sample_tasks
from mining.llm.spec import parse_target
from mining.rollout.loop import run_rollout
from mining.rollout.scripted import OUT_OF_SCOPE, STOP, TRANSFER, YES, customer_reply
from mining.rollout.user import DeterministicUserProxy, LLMUserProxy, scenario_prompt
from mining.targets.base import GREETING
from tests.loopback_chat import ChatEndpoint
from tests.test_rollout_helpers import fake_completion


def _task(**fixed: Any) -> Task:
    tasks = sample_tasks("airline", 1, 11, fixed_params=fixed)
    assert tasks, fixed
    return tasks[0]


PROXY = DeterministicUserProxy()


def test_scenario_has_tau2s_shape_and_the_opening_is_not_every_fact() -> None:
    task = _task(intent="book", n_intents=2, second_intent="cancel", policy_trap="no")
    scenario = task.user_scenario
    assert scenario is not None
    shape = scenario.tau2()
    assert set(shape) == {"persona", "instructions"}
    assert set(shape["instructions"]) == {
        "domain",
        "reason_for_call",
        "known_info",
        "unknown_info",
        "task_instructions",
    }
    assert shape["instructions"]["domain"] == "airline"
    assert task.meta["user_id"] in shape["instructions"]["known_info"]
    opening = PROXY.opening(task)
    assert opening == scenario.script.opening
    assert task.meta["user_id"] not in opening and len(opening) < len(task.task_description) / 3
    assert opening in task.task_description  # the description starts where the customer does


def test_facts_are_given_when_asked_and_unknown_ones_admitted() -> None:
    task = _task(intent="cancel", n_intents=1, reservation_known="no", policy_trap="no", flown="no")
    uid = str(task.meta["user_id"])
    assert uid in PROXY.reply(task, [], "Could you give me your user ID, please?")
    answer = PROXY.reply(task, [], "What is the reservation number?")
    assert "don't have" in answer or "can't find" in answer
    rid = next(c for c in task.golden_trajectory if c.name == "cancel_reservation")
    assert rid.arguments["reservation_id"] not in answer
    reason = PROXY.reply(task, [], "May I ask the reason for the cancellation?")
    assert reason and uid not in reason and "?" not in reason
    # A question about nothing it knows: everything about the current request.
    everything = PROXY.reply(task, [], "Anything special I should know?")
    assert reason in everything


def test_confirms_only_the_action_it_asked_for() -> None:
    task = _task(
        intent="cancel",
        n_intents=1,
        reservation_known="yes",
        policy_trap="no",
        flown="no",
        distractor_density="high",
    )
    cancel = next(c for c in task.golden_trajectory if c.name == "cancel_reservation")
    rid = cancel.arguments["reservation_id"]
    others = [r for r in task.meta["reservation_ids"] if r != rid]
    assert others
    assert PROXY.reply(task, [], f"I'll cancel reservation {rid}. Confirm (yes/no)?") == YES
    no = PROXY.reply(task, [], f"I'll cancel reservation {others[0]}. Shall I proceed?")
    assert no.startswith("No") and rid in no  # and it says which one it meant


def test_a_spending_limit_is_kept() -> None:
    tasks = [
        t
        for t in sample_tasks(
            "airline", 80, 3, fixed_params={"intent": "add_bags", "bags": "extra"}
        )
        if t.user_scenario and t.user_scenario.script.requests[0].max_charge
    ]
    task = tasks[0]
    request = task.user_scenario.script.requests[0]  # type: ignore[union-attr]
    rid, limit = request.wants[0], int(request.max_charge or 0)
    ask = f"I'll add the bags to reservation {rid}. Shall I go ahead?"
    assert "how much" in PROXY.reply(task, [], ask).lower()
    assert PROXY.reply(task, [], ask.replace("?", f" for ${limit}?")) == YES
    assert PROXY.reply(task, [], ask.replace("?", f" for ${limit + 1:,}?")).startswith("No")
    assert f"${limit}" in task.user_scenario.instructions.task_instructions  # type: ignore[union-attr]


def test_requests_come_one_after_the_other_and_the_call_ends() -> None:
    task = _task(intent="cancel", n_intents=2, second_intent="add_bags", policy_trap="no")
    second = task.user_scenario.script.requests[1].ask  # type: ignore[union-attr]
    assert second not in PROXY.opening(task)
    closing = "Your reservation is cancelled. Is there anything else I can help you with?"
    raised = PROXY.reply(task, [], closing)
    assert second in raised and STOP not in raised
    history = [{"role": "user", "content": raised}]
    assert PROXY.reply(task, history, "The bags are added.").endswith(STOP)
    hold = "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON."
    assert PROXY.reply(task, history, hold) == TRANSFER
    assert "take your time" in PROXY.reply(task, [], "One moment, let me check that.")


def test_the_same_unanswerable_question_ends_out_of_scope() -> None:
    task = _task(intent="flight_status", n_intents=1)
    question = "What is your favourite colour?"
    first = PROXY.reply(task, [], question)
    history = [{"role": "user", "content": first}] * 2
    assert OUT_OF_SCOPE in PROXY.reply(task, history, question)


def test_llm_customer_through_litellm_plays_the_same_conversation() -> None:
    """A model answering as the script does (a loopback endpoint, reached through litellm for
    real) gives the same rollout as the scripted customer in-process."""
    task = _task(intent="cancel", n_intents=2, second_intent="add_bags", policy_trap="no")
    script = task.user_scenario.script  # type: ignore[union-attr]

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        *history, last = body["messages"][1:]  # the agent speaks as "user" to the customer
        if last["content"] == GREETING and not history:
            return {"role": "assistant", "content": script.opening}
        own = [
            {"role": "user", "content": m["content"]} for m in history if m["role"] == "assistant"
        ]
        return {"role": "assistant", "content": customer_reply(script, own, last["content"])}

    endpoint = ChatEndpoint(answer)
    try:
        model = LLMUserProxy(parse_target("openai/customer", api_base=endpoint.api_base))
        oracle = parse_target("sim:oracle")
        via_litellm = run_rollout(task, oracle, 0, 3, user=model)
        in_process = run_rollout(task, oracle, 0, 3)
    finally:
        endpoint.close()
    assert via_litellm.passed and in_process.passed
    texts = [(m.role, m.content) for m in via_litellm.trajectory.messages]
    assert texts == [(m.role, m.content) for m in in_process.trajectory.messages]
    system = endpoint.requests[0]["messages"][0]["content"]
    assert system == scenario_prompt(task) and len(endpoint.requests) >= 4


def test_llm_customer_gets_guidelines_and_scenario_and_opens_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    task = _task(intent="change_cabin", n_intents=1, policy_trap="no")
    seen = fake_completion(monkeypatch, 'Sure. "###STOP###"')
    proxy = LLMUserProxy(parse_target("openai/user-model"))
    assert proxy.opening(task) == "Sure. ###STOP###"
    system, first = seen[0]["messages"]
    assert first == {"role": "user", "content": GREETING}
    prompt = scenario_prompt(task)
    assert system["content"] == prompt
    instructions = task.user_scenario.instructions  # type: ignore[union-attr]
    assert instructions.reason_for_call in prompt and instructions.task_instructions in prompt
    for token in (STOP, TRANSFER, OUT_OF_SCOPE, "one short message at a time", "Never invent"):
        assert token.lower() in prompt.lower()
    assert seen[0]["num_retries"] == 0


def test_confirm_questions_that_ask_for_facts_or_offer_a_transfer() -> None:
    task = _task(
        intent="change_flights",
        n_intents=1,
        policy_trap="yes",
        cabin="basic_economy",
        behaviour="plain",  # (one who pushes back answers a refusal with its pushback)
    )
    uid = str(task.meta["user_id"])
    assert uid in PROXY.reply(task, [], "Could you confirm your user ID, please?")
    offer = "I can't change it. Would you like me to transfer you to a human agent?"
    assert PROXY.reply(task, [], offer).startswith("No")
    flown = _task(intent="cancel", n_intents=1, flown="yes")
    assert PROXY.reply(flown, [], offer) == YES
    assert PROXY.reply(task, [], "Shall I check the flights for you?") == YES
