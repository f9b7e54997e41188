"""The conversation of one rollout, in the OpenAI chat shape the agent sees.

Scoring, the failure analyst, the store and exports all read this one model, so a rollout can be
re-scored offline from what was recorded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domains.base import ToolCall

# Agent turns a rollout gets by default (tau2 counts steps likewise); synthesis builds no task
# whose gold conversation needs more.
MAX_TURNS = 30


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list, description="assistant only")
    tool_call_ids: list[str] = Field(default_factory=list, description="ids, same order")
    tool_call_id: str | None = Field(default=None, description="tool only: the call answered")
    name: str | None = Field(default=None, description="tool only: the tool's name")
    error: bool = Field(default=False, description="tool only: the tool answered with an error")


class Trajectory(BaseModel):
    messages: list[Message] = Field(default_factory=list)

    def tool_calls(self) -> list[ToolCall]:
        """Every tool call the agent made, in order."""
        return [call for m in self.messages if m.role == "assistant" for call in m.tool_calls]

    def assistant_texts(self) -> list[str]:
        return [m.content for m in self.messages if m.role == "assistant" and m.content]

    def tool_errors(self) -> int:
        return sum(1 for m in self.messages if m.role == "tool" and m.error)
