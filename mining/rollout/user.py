"""The customer side of a rollout.

The default proxy is deterministic, so rollouts are reproducible and cost nothing: it opens with
the task text, says yes when the agent asks for confirmation, restates the task's facts when the
agent asks for information (twice at most), and otherwise ends the conversation with `###STOP###`.
`LLMUserProxy` plays the customer with a real model instead (litellm, same `ModelSpec`).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from mining.core.task import Task
from mining.llm.errors import classify
from mining.llm.quiet import litellm_module
from mining.llm.spec import ModelSpec

STOP = "###STOP###"

_CONFIRM = re.compile(
    r"\b(confirm|proceed|go ahead|shall i|should i|would you like me to|do you want me to|"
    r"yes/no|yes or no)\b",
    re.IGNORECASE,
)
_CLOSING = re.compile(r"anything else|something else|else i can (help|do)", re.IGNORECASE)
_FACT_REPLY = "Sure. Here are my details: "


class UserProxy(Protocol):
    def opening(self, task: Task) -> str: ...

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        """The customer's answer to the agent's last text message."""
        ...


class DeterministicUserProxy:
    max_fact_replies = 2

    def opening(self, task: Task) -> str:
        return task.task_description

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        text = agent_text or ""
        if _CONFIRM.search(text) and not _CLOSING.search(text):
            return "Yes, please go ahead."
        if "?" in text and not _CLOSING.search(text):
            given = sum(
                1
                for m in conversation
                if m.get("role") == "user" and str(m.get("content", "")).startswith(_FACT_REPLY)
            )
            if given < self.max_fact_replies:
                facts = "; ".join(f"{k}: {v}" for k, v in task.user_facts.items())
                return _FACT_REPLY + (facts or task.task_description)
        return f"That's all, thank you. {STOP}"


_USER_PROMPT = """You are a customer talking to a customer-service agent. Your goal:
{goal}
Facts you know (give them only when asked): {facts}
Write one short message at a time, never invent facts. When the agent asks you to confirm an
action that matches your goal, say yes. When your goal is met or cannot be met, reply with
exactly {stop}."""


class LLMUserProxy:
    """A real model playing the customer (roles flipped: the agent's messages are its input)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    def opening(self, task: Task) -> str:
        return task.task_description

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        litellm = litellm_module()

        facts = "; ".join(f"{k}: {v}" for k, v in task.user_facts.items()) or "none"
        messages: list[dict[str, Any]] = [
            {
                "role": "system",
                "content": _USER_PROMPT.format(goal=task.task_description, facts=facts, stop=STOP),
            }
        ]
        for m in conversation:
            if m.get("role") == "user" and m.get("content"):
                messages.append({"role": "assistant", "content": m["content"]})
            elif m.get("role") == "assistant" and m.get("content") and not m.get("tool_calls"):
                messages.append({"role": "user", "content": m["content"]})
        messages.append({"role": "user", "content": agent_text or "(no reply)"})
        kwargs: dict[str, Any] = dict(self.spec.extra)
        if self.spec.api_base:
            kwargs["api_base"] = self.spec.api_base
        try:
            response = litellm.completion(
                model=self.spec.model,
                messages=messages,
                num_retries=0,
                timeout=self.spec.timeout_s,
                temperature=self.spec.temperature if self.spec.temperature is not None else 0.0,
                **kwargs,
            )
        except Exception as exc:
            raise classify(exc, self.spec.model) from exc
        content = response.choices[0].message.content  # type: ignore[union-attr]
        return str(content or STOP)
