"""What every target (a real model behind litellm, or a simulated one) gives the rollout loop.

A target is a step function: it sees the whole conversation in the OpenAI chat shape plus the tool
schemas and returns its next turn. Tool-call arguments stay the raw text the model produced, so
that the rollout loop, not the target, decides how to answer arguments that are not JSON.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field


class RawToolCall(BaseModel):
    id: str
    name: str
    arguments: str = Field(description="the arguments exactly as the model wrote them")


class AgentTurn(BaseModel):
    content: str | None = None
    tool_calls: list[RawToolCall] = Field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0


class Agent(Protocol):
    def next_turn(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> AgentTurn:
        """The agent's next message given the conversation so far."""
        ...


def rough_tokens(text: str) -> int:
    """A provider-free token estimate (4 characters a token) for simulated targets."""
    return (len(text) + 3) // 4


# The agent's fixed opening line: the conversation always starts with it (as in tau2), so a
# stateless simulated agent can count its own moves from the transcript.
GREETING = "Hi! How can I help you today?"
