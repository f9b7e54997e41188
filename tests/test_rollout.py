"""The rollout loop: termination, determinism, and malformed model output recorded, not fatal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mining.llm.errors import ProviderError
from mining.llm.spec import parse_target
from mining.rollout.loop import RAW_ARGUMENTS_KEY, run_rollout
from mining.targets.base import AgentTurn, RawToolCall
from tests.test_rollout_helpers import (
    ScriptedAgent,
    call,
    fake_completion,
    golden_turns,
    mock_task,
    say,
    write_profile,
)

SIM = parse_target("sim:strong")


def _golden_turns(task):  # type: ignore[no-untyped-def]
    return golden_turns(task)


def test_scripted_golden_run_passes_and_is_recorded() -> None:
    task = mock_task()
    turns = _golden_turns(task) + [say(f"Done. It cost {', '.join(task.communicate)}.")]
    seen: list[int] = []
    result = run_rollout(task, SIM, 0, 1, on_turn=seen.append, agent=ScriptedAgent(turns))
    assert result.passed, result.score
    assert result.termination == "done"
    assert seen == list(range(1, result.turns + 1))
    assert [c.name for c in result.trajectory.tool_calls()] == [
        c.name for c in task.golden_trajectory
    ]
    assert result.final_world != task.world


def test_perfect_sim_passes_and_rollouts_are_deterministic(tmp_path: Path) -> None:
    task = mock_task({"second_intent": "cancel"})
    perfect = parse_target(write_profile(tmp_path / "p.json", {}))
    a = run_rollout(task, perfect, 0, 5)
    assert a.passed and a.injected_errors == []
    weak = parse_target("sim:weak")
    runs = [run_rollout(task, weak, i, 5) for i in range(6)]
    again = [run_rollout(task, weak, i, 5) for i in range(6)]
    for x, y in zip(runs, again, strict=True):
        assert x.model_dump(exclude={"latency_s"}) == y.model_dump(exclude={"latency_s"})


def test_unknown_tool_is_a_tool_error() -> None:
    task = mock_task()
    result = run_rollout(task, SIM, 0, 1, agent=ScriptedAgent([call("teleport", {"to": "x"})]))
    tool_msgs = [m for m in result.trajectory.messages if m.role == "tool"]
    assert tool_msgs[0].error and "not found" in (tool_msgs[0].content or "")
    assert result.termination == "done" and not result.passed


def test_broken_json_arguments_are_recorded() -> None:
    task = mock_task()
    agent = ScriptedAgent([call("get_user", '{"user_id": "ann_1"')])
    result = run_rollout(task, SIM, 0, 1, agent=agent)
    recorded = result.trajectory.tool_calls()[0]
    assert recorded.arguments == {RAW_ARGUMENTS_KEY: '{"user_id": "ann_1"'}
    tool_msg = next(m for m in result.trajectory.messages if m.role == "tool")
    assert tool_msg.error and "not valid JSON" in (tool_msg.content or "")
    assert any("not valid JSON" in a for a in result.anomalies)
    # the raw text goes back to the model unchanged on the next turn
    resent = agent.seen[1][3]["tool_calls"][0]["function"]["arguments"]
    assert resent == '{"user_id": "ann_1"'


@pytest.mark.parametrize("arguments", ['["a", "b"]', '"just text"'])
def test_arguments_that_are_not_an_object(arguments: str) -> None:
    result = run_rollout(mock_task(), SIM, 0, 1, agent=ScriptedAgent([call("get_user", arguments)]))
    tool_msg = next(m for m in result.trajectory.messages if m.role == "tool")
    assert tool_msg.error and "JSON object" in (tool_msg.content or "")


def test_wrong_argument_types_are_tool_errors() -> None:
    task = mock_task()
    turns = [call("place_order", {"user_id": 123, "item": ["lamp"]}), call("get_user", {})]
    result = run_rollout(task, SIM, 0, 1, agent=ScriptedAgent(turns))
    tool_msgs = [m for m in result.trajectory.messages if m.role == "tool"]
    assert [m.error for m in tool_msgs] == [True, True]
    assert result.final_world == task.world


def test_empty_replies_are_recorded_and_end_the_rollout() -> None:
    result = run_rollout(mock_task(), SIM, 0, 1, agent=ScriptedAgent([say(None)] * 5))
    assert result.termination == "empty_replies"
    assert sum("empty reply" in a for a in result.anomalies) == 3
    assert not result.passed


def test_one_megabyte_reply_is_cut_and_answered() -> None:
    huge = "x" * (1 << 20)
    result = run_rollout(mock_task(), SIM, 0, 1, agent=ScriptedAgent([say(huge)]))
    texts = result.trajectory.assistant_texts()
    assert len(texts[1]) < 25_000 and texts[1].endswith("[cut]")
    assert any("cut" in a for a in result.anomalies)
    assert result.termination == "done"


def test_huge_arguments_are_refused() -> None:
    turn = call("get_user", {"user_id": "y" * 200_000})
    result = run_rollout(mock_task(), SIM, 0, 1, agent=ScriptedAgent([turn]))
    tool_msg = next(m for m in result.trajectory.messages if m.role == "tool")
    assert tool_msg.error and "too long" in (tool_msg.content or "")


def test_parallel_calls_run_in_order_and_violate_policy() -> None:
    task = mock_task()
    turns = [
        AgentTurn(
            tool_calls=[
                RawToolCall(
                    id=f"p{i}", name=c.name, arguments=__import__("json").dumps(c.arguments)
                )
                for i, c in enumerate(task.golden_trajectory)
            ]
        ),
        say(f"Done: {' '.join(task.communicate)}"),
    ]
    result = run_rollout(task, SIM, 0, 1, agent=ScriptedAgent(turns))
    assert result.policy_violations and "tool calls in one turn" in result.policy_violations[0]
    assert result.score is not None and result.score.state_match and not result.passed
    ids = [m.tool_call_id for m in result.trajectory.messages if m.role == "tool"]
    assert ids == [f"p{i}" for i in range(len(task.golden_trajectory))]


def test_max_turns_and_error_limit() -> None:
    task = mock_task()
    looping = ScriptedAgent([call("get_user", {"user_id": "ann_1"})] * 50)
    result = run_rollout(task, SIM, 0, 1, max_turns=5, agent=looping)
    assert result.termination == "max_turns" and result.turns == 5 and not result.passed
    failing = ScriptedAgent([call("get_user", {"user_id": "nobody_0"})] * 50)
    result = run_rollout(task, SIM, 0, 1, agent=failing, max_errors=4)
    assert result.termination == "error_limit" and result.turns == 4
    assert result.score is not None and not result.passed


def test_transfer_ends_the_rollout() -> None:
    agent = ScriptedAgent([call("transfer_to_human_agents", {"summary": "help"}), say("hi")])
    result = run_rollout(mock_task(), SIM, 0, 1, agent=agent)
    assert result.termination == "transfer" and result.turns == 1 and not result.passed


def test_provider_errors_propagate_other_agent_failures_are_recorded() -> None:
    class Failing:
        def __init__(self, exc: Exception) -> None:
            self.exc = exc

        def next_turn(self, messages, tools):  # type: ignore[no-untyped-def]
            raise self.exc

    with pytest.raises(ProviderError):
        run_rollout(mock_task(), SIM, 0, 1, agent=Failing(ProviderError("m: 429", retryable=True)))
    result = run_rollout(mock_task(), SIM, 0, 1, agent=Failing(RuntimeError("adapter bug")))
    assert result.termination == "agent_error" and "adapter bug" in (result.error or "")


def test_deterministic_user_proxy() -> None:
    from mining.rollout.user import STOP, DeterministicUserProxy

    task = mock_task()
    proxy = DeterministicUserProxy()
    assert proxy.opening(task) == task.task_description
    assert proxy.reply(task, [], "Shall I place the order? (yes/no)").startswith("Yes")
    asked = proxy.reply(task, [], "What is your user id?")
    assert str(task.meta["user_id"]) in asked
    history = [{"role": "user", "content": asked}] * 2
    assert STOP in proxy.reply(task, history, "What is your user id?")  # restated twice at most
    assert STOP in proxy.reply(task, [], "Done. Is there anything else I can help you with?")


def test_llm_user_proxy_uses_litellm_with_flipped_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    from mining.rollout.user import LLMUserProxy

    calls = fake_completion(monkeypatch, "yes please")
    proxy = LLMUserProxy(parse_target("openai/user-model"))
    convo = [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi there"}]
    assert proxy.reply(mock_task(), convo, "Confirm?") == "yes please"
    messages: Any = calls[0]["messages"]
    roles = [m["role"] for m in messages]
    assert roles == ["system", "assistant", "user", "user"] and calls[0]["num_retries"] == 0
