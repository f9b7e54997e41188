"""One rollout: a target agent works one task against a private copy of the task's world.

The agent sees the domain policy as its system prompt and the tools as OpenAI schemas; a user
proxy plays the customer. The loop ends when the customer is done (`done`), the agent transfers to
a human (`transfer`), the turn budget runs out (`max_turns`) or tool errors pile up (`error_limit`).
Whatever the model produces is recorded, never fatal: unknown tools, arguments that are not JSON
or of the wrong type, empty and oversized replies become tool errors or `anomalies`. Parallel
tool calls run in order and count as a policy violation. Only provider failures escape, as
`ProviderError`, for the orchestrator to retry.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from domains import registry
from domains.base import ToolCall, Toolkit
from mining.core.task import Task
from mining.core.trajectory import MAX_TURNS, Message, Trajectory
from mining.llm.errors import ProviderError
from mining.llm.spec import ModelSpec
from mining.rollout.scoring import Score, score_rollout
from mining.rollout.user import ENDINGS, DeterministicUserProxy, UserProxy
from mining.targets import GREETING, Agent, AgentTurn, make_agent

AGENT_INSTRUCTIONS = """You are a customer service agent. Follow the policy below exactly.
In each turn, either send a message to the customer or make one tool call, never both.
Use only the information the customer gives you and what the tools return.

<policy>
{policy}
</policy>"""

MAX_CONTENT_CHARS = 20_000  # a longer reply is cut (and the cut recorded) to keep payloads small
MAX_ARGUMENT_CHARS = 100_000
MAX_EMPTY_REPLIES = 3
PREMATURE = {"max_turns", "error_limit", "empty_replies", "agent_error"}
RAW_ARGUMENTS_KEY = "_raw_arguments"  # recorded in place of arguments that are not a JSON object


class RolloutResult(BaseModel):
    task_id: str
    index: int
    seed: int
    target: str = ""
    trajectory: Trajectory
    final_world: dict[str, Any]
    score: Score | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    latency_s: float = 0.0
    turns: int = 0
    termination: str = Field(description="done | transfer | max_turns | error_limit | ...")
    error: str | None = Field(default=None, description="infrastructure error text")
    injected_errors: list[str] = Field(
        default_factory=list, description="simulated targets only; never shown to the analyst"
    )
    policy_violations: list[str] = Field(default_factory=list)
    anomalies: list[str] = Field(
        default_factory=list, description="malformed model output that was handled"
    )

    @property
    def passed(self) -> bool:
        return bool(self.score and self.score.passed)


def to_openai(messages: list[Message]) -> list[dict[str, Any]]:
    """The trajectory in the chat-completions shape sent to the model."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "assistant" and m.tool_calls:
            calls = []
            for call_id, call in zip(m.tool_call_ids, m.tool_calls, strict=False):
                raw = call.arguments.get(RAW_ARGUMENTS_KEY)
                arguments = raw if isinstance(raw, str) else json.dumps(call.arguments)
                calls.append(
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": arguments},
                    }
                )
            out.append({"role": "assistant", "content": m.content, "tool_calls": calls})
        elif m.role == "tool":
            out.append({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content or ""})
        else:
            out.append({"role": m.role, "content": m.content or ""})
    return out


@functools.cache
def tool_schemas(domain: str) -> list[dict[str, Any]]:
    """The domain's tool schemas, built once per process (building them costs ~0.1 s)."""
    return registry.get(domain).tool_schemas()


def _parse_arguments(raw: str) -> tuple[dict[str, Any], str | None]:
    """(arguments, error text). Empty means no arguments, as providers send for no-arg tools."""
    if len(raw) > MAX_ARGUMENT_CHARS:
        return {RAW_ARGUMENTS_KEY: raw[:2000]}, f"arguments are too long ({len(raw)} characters)"
    if not raw.strip():
        return {}, None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {RAW_ARGUMENTS_KEY: raw[:2000]}, f"arguments are not valid JSON ({exc.msg})"
    if not isinstance(value, dict):
        return {RAW_ARGUMENTS_KEY: raw[:2000]}, "arguments must be a JSON object"
    return value, None


class _Loop:
    """The mutable state of one rollout, kept apart from the public function for readability."""

    def __init__(
        self,
        task: Task,
        toolkit: Toolkit,
        user: UserProxy,
        max_errors: int,
        transfer_tool: str | None = None,
    ) -> None:
        self.task = task
        self.toolkit = toolkit
        self.transfer_tool = transfer_tool  # a successful call of it ends the rollout
        self.user = user
        self.max_errors = max_errors
        self.messages: list[Message] = []
        self.tool_errors = 0
        self.empty_replies = 0
        self.violations: list[str] = []
        self.anomalies: list[str] = []
        self.termination: str | None = None

    def record_turn(self, turn: AgentTurn, turn_no: int) -> None:
        content = turn.content
        if content is not None and len(content) > MAX_CONTENT_CHARS:
            self.anomalies.append(f"turn {turn_no}: reply of {len(content)} characters cut")
            content = content[:MAX_CONTENT_CHARS] + " [cut]"
        if not turn.tool_calls:
            self._text_turn(content, turn_no)
            return
        self.empty_replies = 0
        if len(turn.tool_calls) > 1:
            self.violations.append(f"turn {turn_no}: {len(turn.tool_calls)} tool calls in one turn")
        calls: list[ToolCall] = []
        parsed: list[tuple[str, dict[str, Any], str | None]] = []
        ids: list[str] = []
        for i, raw in enumerate(turn.tool_calls):
            name = raw.name or ""
            arguments, problem = _parse_arguments(raw.arguments)
            calls.append(ToolCall(name=name, arguments=arguments))
            parsed.append((name, arguments, problem))
            ids.append(raw.id or f"call_{turn_no}_{i}")
        self.messages.append(
            Message(role="assistant", content=content, tool_calls=calls, tool_call_ids=ids)
        )
        for call_id, (name, arguments, problem) in zip(ids, parsed, strict=True):
            if problem is not None:
                self.anomalies.append(f"turn {turn_no}: {name}: {problem}")
                result_text, is_error = f"Error: {problem}", True
            else:
                result = self.toolkit.call(name, arguments)
                result_text, is_error = result.content, result.error
            self.messages.append(
                Message(
                    role="tool",
                    content=result_text,
                    tool_call_id=call_id,
                    name=name,
                    error=is_error,
                )
            )
            if is_error:
                self.tool_errors += 1
            elif name == self.transfer_tool:
                self.termination = "transfer"
        if self.termination is None and self.tool_errors >= self.max_errors:
            self.termination = "error_limit"

    def _text_turn(self, content: str | None, turn_no: int) -> None:
        self.messages.append(Message(role="assistant", content=content or ""))
        if not (content or "").strip():
            self.anomalies.append(f"turn {turn_no}: empty reply")
            self.empty_replies += 1
            if self.empty_replies >= MAX_EMPTY_REPLIES:
                self.termination = "empty_replies"
                return
            self.messages.append(
                Message(role="user", content="Sorry, I did not get any answer. Are you there?")
            )
            return
        self.empty_replies = 0
        answer = self.user.reply(self.task, to_openai(self.messages), content or "")
        self.messages.append(Message(role="user", content=answer))
        if any(ending in answer for ending in ENDINGS):  # stop, transfer or out of scope
            self.termination = "done"


def run_rollout(
    task: Task,
    target: ModelSpec,
    index: int,
    seed: int,
    on_turn: Callable[[int], None] | None = None,
    max_turns: int = MAX_TURNS,
    *,
    user: UserProxy | None = None,
    max_errors: int = 10,
    agent: Agent | None = None,
) -> RolloutResult:
    """Run one rollout and score it. Deterministic for simulated targets. Raises ProviderError
    only for endpoint failures; `agent` overrides the target's agent (tests, scripted agents)."""
    domain = registry.get(task.domain)
    world = domain.world_type.model_validate(task.world)  # a private copy
    toolkit = domain.toolkit(world)
    tools = tool_schemas(task.domain)
    proxy = user or DeterministicUserProxy()
    loop = _Loop(task, toolkit, proxy, max_errors, domain.transfer_tool())
    loop.messages = [
        Message(role="system", content=AGENT_INSTRUCTIONS.format(policy=domain.policy)),
        Message(role="assistant", content=GREETING),
        Message(role="user", content=proxy.opening(task)),
    ]
    started = time.monotonic()
    tokens_in = tokens_out = turns = 0
    cost = 0.0
    error: str | None = None
    the_agent = agent or make_agent(target, task, seed, index)
    while loop.termination is None:
        if turns >= max_turns:
            loop.termination = "max_turns"
            break
        try:
            turn = the_agent.next_turn(to_openai(loop.messages), tools)
        except ProviderError:
            raise
        except Exception as exc:  # a bug in an agent adapter is recorded, not fatal
            loop.termination = "agent_error"
            error = f"{type(exc).__name__}: {exc}"
            break
        turns += 1
        tokens_in += turn.tokens_in
        tokens_out += turn.tokens_out
        cost += turn.cost
        loop.record_turn(turn, turns)
        if on_turn is not None:
            on_turn(turns)
    trajectory = Trajectory(messages=loop.messages)
    final_world = toolkit.world.to_json()
    score = score_rollout(task, final_world, trajectory, loop.violations)
    if loop.termination in PREMATURE:  # as in tau2: a conversation cut short does not pass
        score = score.model_copy(
            update={
                "passed": False,
                "tau2_passed": False,  # tau2 grades only conversations that ended properly
                "reward": min(score.reward, 0.9),
                "reasons": [*score.reasons, f"ended prematurely: {loop.termination}"],
            }
        )
    injected = list(getattr(the_agent, "injected_errors", []) or [])
    if not injected and "sim:" in target.model and not target.is_sim and agent is None:
        injected = _sim_injected(task, target, seed, index)
    return RolloutResult(
        task_id=task.task_id,
        index=index,
        seed=seed,
        target=target.model,
        trajectory=trajectory,
        final_world=final_world,
        score=score,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost=cost,
        latency_s=round(time.monotonic() - started, 4),
        turns=turns,
        termination=loop.termination or "done",
        error=error,
        injected_errors=injected,
        policy_violations=loop.violations,
        anomalies=loop.anomalies,
    )


def _sim_injected(task: Task, target: ModelSpec, seed: int, index: int) -> list[str]:
    """For `openai/sim:...` behind sim-server: the same plan, rebuilt here, names the errors."""
    from mining.llm.spec import sim_profile_of
    from mining.targets.sim.agent import build_plan
    from mining.targets.sim.profiles import load_profile

    profile_ref = sim_profile_of(target.model).split("?", 1)[0]
    return build_plan(task, load_profile(profile_ref), seed, index).injected
