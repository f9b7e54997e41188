"""Shared helpers for rollout tests (no tests here): mock tasks, a scripted agent, profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domains import registry
from domains.base import ToolCall
from mining.core.task import Task
from mining.dag.synthesize import Rejection, synthesize_candidate
from mining.targets.base import AgentTurn, RawToolCall

PLACE = {
    "intent": "place",
    "second_intent": "none",
    "selection": "named",
    "policy_trap": "no",
    "distractors": 1,
}


def mock_task(params: dict[str, Any] | None = None, seed: int = 3, task_id: str = "t1") -> Task:
    result = synthesize_candidate("mock", {**PLACE, **(params or {})}, seed, task_id)
    assert not isinstance(result, Rejection), result
    return result


def call(name: str, arguments: Any, call_id: str = "c") -> AgentTurn:
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return AgentTurn(tool_calls=[RawToolCall(id=call_id, name=name, arguments=raw)])


def say(text: str | None) -> AgentTurn:
    return AgentTurn(content=text)


def confirmed(name: str, arguments: dict[str, Any], call_id: str = "c") -> list[AgentTurn]:
    """A write as a careful agent makes it: described and the customer asked, then made."""
    ask = f"I will call {name} with {json.dumps(arguments)}. Do you confirm (yes/no)?"
    return [say(ask), call(name, arguments, call_id)]


def careful_turns(task: Task, calls: list[ToolCall]) -> list[AgentTurn]:
    """The calls as a careful agent makes them: each write described and confirmed first."""
    writes = registry.get(task.domain).toolkit_type.write_tools()
    turns: list[AgentTurn] = []
    for i, c in enumerate(calls):
        if c.name in writes:
            turns += confirmed(c.name, c.arguments, f"g{i}")
        else:
            turns.append(call(c.name, c.arguments, f"g{i}"))
    return turns


def golden_turns(task: Task, upto: int | None = None) -> list[AgentTurn]:
    """The task's gold calls (the first `upto`), made carefully."""
    return careful_turns(task, task.golden_trajectory[:upto])


class ScriptedAgent:
    """Plays a fixed list of turns, then says goodbye."""

    def __init__(self, turns: list[AgentTurn]) -> None:
        self.turns = list(turns)
        self.seen: list[list[dict[str, Any]]] = []

    def next_turn(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> AgentTurn:
        self.seen.append(messages)
        return self.turns.pop(0) if self.turns else say("Goodbye, have a nice day.")


def fake_completion(monkeypatch: Any, content: str) -> list[dict[str, Any]]:
    """Replace litellm.completion by a fake that answers `content`; returns the calls' kwargs."""
    import litellm

    seen: list[dict[str, Any]] = []

    class _Resp:
        class _C:
            class message:  # noqa: N801 - mimics litellm's shape
                pass

        choices = [_C()]

    _Resp._C.message.content = content  # type: ignore[attr-defined]

    def fake(**kwargs: Any) -> _Resp:
        seen.append(kwargs)
        return _Resp()

    monkeypatch.setattr(litellm, "completion", fake)
    return seen


def write_profile(path: Path, errors: dict[str, Any], name: str = "test") -> str:
    path.write_text(json.dumps({"name": name, "errors": errors}))
    return f"sim:file:{path}"
