"""The customer side of a rollout.

Two customers play a task's user scenario (`Task.user_scenario`, see domains/scenario.py):
- `DeterministicUserProxy` (the default) follows the scenario's script with rules
  (mining/rollout/scripted.py), so rollouts are reproducible and cost nothing;
- `LLMUserProxy` gives a real model the scenario as tau2 writes it and guidelines in the spirit
  of tau2's user simulator (litellm, same `ModelSpec` as targets).
Both end the conversation with ###STOP### (done), ###TRANSFER### (handed to a human) or
###OUT-OF-SCOPE### (the scenario gives no way on), as tau2's user does.

A task without a scenario (worlds built by a model, history recorded before scenarios existed)
is played from its text and facts: the text opens the conversation, a confirmation gets a yes,
a question gets the facts (twice at most), anything else ends the call.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from mining.core.task import Task
from mining.llm.errors import classify
from mining.llm.quiet import litellm_module
from mining.llm.spec import ModelSpec
from mining.rollout.scripted import (
    CLOSING,
    CONFIRM,
    ENDINGS,
    OUT_OF_SCOPE,
    STOP,
    TRANSFER,
    customer_reply,
)
from mining.targets.base import GREETING

__all__ = [
    "ENDINGS",
    "OUT_OF_SCOPE",
    "STOP",
    "TRANSFER",
    "DeterministicUserProxy",
    "LLMUserProxy",
    "UserProxy",
    "scenario_prompt",
]

_FACT_REPLY = "Sure. Here are my details: "


class UserProxy(Protocol):
    def opening(self, task: Task) -> str: ...

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        """The customer's answer to the agent's last text message."""
        ...


class DeterministicUserProxy:
    max_fact_replies = 2  # tasks without a scenario only

    def opening(self, task: Task) -> str:
        if task.user_scenario is not None:
            return task.user_scenario.script.opening
        return task.task_description

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        if task.user_scenario is not None:
            return customer_reply(task.user_scenario.script, conversation, agent_text)
        return self._unscripted(task, conversation, agent_text or "")

    def _unscripted(self, task: Task, conversation: list[dict[str, Any]], text: str) -> str:
        if CONFIRM.search(text) and not CLOSING.search(text):
            return "Yes, please go ahead."
        if "?" in text and not CLOSING.search(text):
            given = sum(
                1
                for m in conversation
                if m.get("role") == "user" and str(m.get("content", "")).startswith(_FACT_REPLY)
            )
            if given < self.max_fact_replies:
                facts = "; ".join(f"{k}: {v}" for k, v in task.user_facts.items())
                return _FACT_REPLY + (facts or task.task_description)
        return f"That's all, thank you. {STOP}"


GUIDELINES = f"""You are playing a customer who contacts a company's customer-service agent in
a chat. The scenario below says who you are, why you are getting in
touch, what you know, what you do not know, and how you behave. Stay in that role.

- Send one short message at a time, in plain words, as a customer would type it.
- Follow the scenario closely. Never invent anything it does not give you: no ids, names,
  dates, amounts or preferences of your own. If the agent asks for something you do not know,
  say that you do not know or do not have it.
- Do not say everything at once. Start with why you are getting in touch and hand over details
  only when the agent asks for them. Raise your requests one after the other, in order.
- Before the agent changes anything it should tell you exactly what it will do and ask you.
  Say yes only if that is what you want and any condition in your instructions holds;
  otherwise say no and say what you want instead.
- Do not make up new requests and do not ask for anything the scenario does not mention.
- When everything you came for is done, or the agent has clearly explained why it cannot be
  done, end the chat: reply with {STOP} alone.
- If the agent hands you over to a human agent, reply with {TRANSFER} alone.
- If the scenario does not tell you how to go on, reply with {OUT_OF_SCOPE} alone."""


def scenario_prompt(task: Task) -> str:
    """The simulated customer's system prompt: the guidelines, then the task's scenario."""
    if task.user_scenario is not None:
        ins = task.user_scenario.instructions
        parts = [f"Persona: {task.user_scenario.persona}"] if task.user_scenario.persona else []
        parts += [f"Reason for the call:\n{ins.reason_for_call}"]
        if ins.known_info:
            parts.append(f"What you know:\n{ins.known_info}")
        if ins.unknown_info:
            parts.append(f"What you do not know:\n{ins.unknown_info}")
        parts.append(f"How you behave:\n{ins.task_instructions}")
        scenario = "\n\n".join(parts)
    else:
        facts = "; ".join(f"{k}: {v}" for k, v in task.user_facts.items()) or "none"
        scenario = f"Your request:\n{task.task_description}\n\nWhat you know:\n{facts}"
    return f"{GUIDELINES}\n\n<scenario>\n{scenario}\n</scenario>"


class LLMUserProxy:
    """A real model playing the customer (roles flipped: the agent's messages are its input)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    def opening(self, task: Task) -> str:
        if task.user_scenario is None:
            return task.task_description
        return self._complete(task, [], GREETING)

    def reply(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        return self._complete(task, conversation, agent_text)

    def _complete(self, task: Task, conversation: list[dict[str, Any]], agent_text: str) -> str:
        litellm = litellm_module()

        messages: list[dict[str, Any]] = [{"role": "system", "content": scenario_prompt(task)}]
        for m in conversation:
            if m.get("role") == "user" and m.get("content"):
                messages.append({"role": "assistant", "content": m["content"]})
            elif m.get("role") == "assistant" and m.get("content") and not m.get("tool_calls"):
                messages.append({"role": "user", "content": m["content"]})
        messages.append({"role": "user", "content": agent_text or "(no reply)"})
        kwargs = self.spec.completion_options()
        kwargs.setdefault("temperature", 0.0)
        try:
            response = litellm.completion(
                model=self.spec.model,
                messages=messages,
                num_retries=0,
                timeout=self.spec.timeout_s,
                **kwargs,
            )
        except Exception as exc:
            raise classify(exc, self.spec.model) from exc
        content = response.choices[0].message.content  # type: ignore[union-attr]
        return _one_ending(str(content or STOP))


def _one_ending(text: str) -> str:
    """A model sometimes writes an ending token with extra words or quotes around it; keep its
    words and the first token, as one recognisable ending."""
    for token in ENDINGS:
        if token in text:
            words = re.sub(r"[\"'`]*###[A-Z-]+###[\"'`]*", "", text).strip()
            return f"{words} {token}".strip()
    return text
