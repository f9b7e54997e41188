"""A real model behind litellm.

Called with `num_retries=0` and an explicit timeout: the orchestrator owns retries. Provider
failures become `ProviderError`. When the model name contains `sim:` (e.g. `openai/sim:mid` against
`toolmine sim-server`), the task travels with each request in the `toolmine_sim` body field so the
stateless server can play the simulated agent; real providers never receive it.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from mining.core.task import Task
from mining.llm.errors import ProviderError, classify
from mining.llm.quiet import litellm_module
from mining.llm.spec import ModelSpec
from mining.targets.base import AgentTurn, RawToolCall

SIM_BODY_FIELD = "toolmine_sim"


def encode_task(task: Task) -> str:
    """Task -> compact text (gzip + base64 of its JSON) for the `toolmine_sim` field."""
    return base64.b64encode(gzip.compress(task.model_dump_json().encode(), mtime=0)).decode()


def decode_task(text: str) -> Task:
    return Task.model_validate_json(gzip.decompress(base64.b64decode(text)))


class LiteLLMAgent:
    """One rollout's agent for a litellm model."""

    def __init__(self, spec: ModelSpec, task: Task, seed: int, index: int) -> None:
        self.spec = spec
        self._sim_body: dict[str, Any] | None = None
        if "sim:" in spec.model:
            self._sim_body = {"task": encode_task(task), "seed": seed, "index": index}

    def next_turn(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> AgentTurn:
        litellm = litellm_module()
        kwargs = self.spec.completion_options()
        if self._sim_body is not None:
            kwargs["extra_body"] = {SIM_BODY_FIELD: self._sim_body}
        try:
            response = litellm.completion(
                model=self.spec.model,
                messages=messages,
                tools=tools or None,
                num_retries=0,
                timeout=self.spec.timeout_s,
                **kwargs,
            )
        except Exception as exc:  # every provider failure is classified, none escapes raw
            raise classify(exc, self.spec.model) from exc
        return _to_turn(response, self.spec.model)


def _to_turn(response: Any, model: str) -> AgentTurn:
    try:
        choice = response.choices[0]
        message = choice.message
    except (AttributeError, IndexError) as exc:
        raise ProviderError(f"{model}: response has no choices", retryable=True) from exc
    calls: list[RawToolCall] = []
    for i, call in enumerate(getattr(message, "tool_calls", None) or []):
        function = getattr(call, "function", None)
        name = getattr(function, "name", None) or ""
        arguments = getattr(function, "arguments", None)
        if not isinstance(arguments, str):
            arguments = "" if arguments is None else str(arguments)
        calls.append(
            RawToolCall(id=getattr(call, "id", None) or f"call_{i}", name=name, arguments=arguments)
        )
    usage = getattr(response, "usage", None)
    cost = 0.0
    hidden = getattr(response, "_hidden_params", None) or {}
    if isinstance(hidden, dict) and hidden.get("response_cost"):
        cost = float(hidden["response_cost"])
    return AgentTurn(
        content=getattr(message, "content", None),
        tool_calls=calls,
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        cost=cost,
    )
