"""The environment behind a toolmine verifiers export (the `verifiers` library's classic API).

An exported environment package is a thin `load_environment(...)` over `build_environment` here,
so training runs the very tools, user simulator and scoring a harvest measured its tasks with:
- dataset rows: the prompt (the policy as system prompt, tau2's greeting, the customer's opening)
  and the task itself as JSON in `info`;
- a tool environment over the domain's toolkit: each rollout works on its own copy of the task's
  world, tool failures come back as error messages, as in a harvest;
- a user simulator playing the task's customer when the agent writes text (toolmine's
  deterministic one by default, or a model through litellm);
- a rubric whose reward is the strict pass, with the dense components (needless-transfer penalty
  included) and the tau2-compatible verdict as zero-weight metrics.
A `sim:<profile>` model (against `toolmine sim-server`) gets the task with each request, as
toolmine's own rollouts send it, so the whole loop runs offline.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import verifiers as vf
from datasets import Dataset

from domains import registry
from domains.base import ToolCall
from mining.core.trajectory import Message, Trajectory
from mining.reports.export import ExportRow
from mining.rollout.loop import AGENT_INSTRUCTIONS, PREMATURE, to_openai
from mining.rollout.scoring import Score, score_rollout
from mining.rollout.user import ENDINGS, DeterministicUserProxy, LLMUserProxy, UserProxy
from mining.targets import GREETING
from mining.targets.litellm_target import SIM_BODY_FIELD, encode_task

DENSE = ("golden_writes_matched", "state_similarity", "collateral_penalty", "efficiency")


def read_rows(path: Path) -> list[ExportRow]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ExportRow.model_validate_json(line) for line in lines if line.strip()]


def dataset_rows(rows: list[ExportRow]) -> list[dict[str, Any]]:
    """One dataset row per task: the opening of the conversation, and the task in `info`."""
    out = []
    for row in rows:
        policy = registry.get(row.domain).policy
        out.append(
            {
                "prompt": [
                    {"role": "system", "content": AGENT_INSTRUCTIONS.format(policy=policy)},
                    {"role": "assistant", "content": GREETING},
                    {"role": "user", "content": DeterministicUserProxy().opening(row.task())},
                ],
                "answer": "",
                "info": row.model_dump_json(),  # JSON text: tasks differ in shape
            }
        )
    return out


def _trajectory(messages: list[Any]) -> Trajectory:
    """verifiers' messages as toolmine's trajectory (what scoring and the user proxy read)."""
    out: list[Message] = []
    for m in messages:
        role = m.role if hasattr(m, "role") else m["role"]
        content = m.content if hasattr(m, "content") else m.get("content")
        text = content if isinstance(content, str) or content is None else str(content)
        if role == "assistant" and getattr(m, "tool_calls", None):
            calls = [ToolCall(name=c.name, arguments=_arguments(c.arguments)) for c in m.tool_calls]
            ids = [c.id for c in m.tool_calls]
            out.append(Message(role="assistant", content=text, tool_calls=calls, tool_call_ids=ids))
        elif role == "tool":
            out.append(Message(role="tool", content=text, tool_call_id=m.tool_call_id))
        elif role in ("system", "user", "assistant"):
            out.append(Message(role=role, content=text))
    return Trajectory(messages=out)


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {"_raw_arguments": raw}
    return value if isinstance(value, dict) else {"_raw_arguments": raw}


class ToolmineEnv(vf.MultiTurnEnv):
    """A toolmine task as a multi-turn tool environment with a simulated customer."""

    def __init__(self, rows: list[ExportRow], user: UserProxy, max_turns: int = 30) -> None:
        domains = {r.domain for r in rows}
        if len(domains) != 1:
            raise ValueError(f"one domain per environment, got {sorted(domains)}")
        self.domain = registry.get(domains.pop())
        self.user = user
        self._rollouts: Counter[str] = Counter()  # rollout index per task (simulated targets)
        tools = [
            vf.Tool(
                name=s["function"]["name"],
                description=s["function"]["description"],
                parameters=s["function"]["parameters"],
            )
            for s in self.domain.tool_schemas()
        ]
        data = Dataset.from_list(dataset_rows(rows))
        super().__init__(
            dataset=data,
            eval_dataset=data,
            tool_defs=tools,
            rubric=toolmine_rubric(),
            max_turns=max_turns,
        )

    async def setup_state(self, state: vf.State) -> vf.State:
        row = ExportRow.model_validate(state["info"])
        task = row.task()
        world = self.domain.world_type.model_validate(task.world)  # this rollout's own copy
        state["toolmine"] = {
            "task": task,
            "toolkit": self.domain.toolkit(world),
            "violations": [],
            "termination": None,
        }
        if "sim:" in str(state["model"]):  # the stateless simulated target needs the task
            index = self._rollouts[row.task_id]
            self._rollouts[row.task_id] += 1
            sampling = dict(state.get("sampling_args") or {})
            body = dict(sampling.get("extra_body") or {})
            body[SIM_BODY_FIELD] = {"task": encode_task(task), "seed": task.seed, "index": index}
            state["sampling_args"] = {**sampling, "extra_body": body}
        return state

    async def env_response(self, messages: vf.Messages, state: vf.State, **kwargs: Any) -> Any:
        run = state["toolmine"]
        last = messages[-1]
        calls = getattr(last, "tool_calls", None) or []
        if calls:
            if len(calls) > 1:
                run["violations"].append(f"{len(calls)} tool calls in one turn")
            replies = []
            for call in calls:
                result = run["toolkit"].call(call.name, _arguments(call.arguments))
                replies.append(vf.ToolMessage(tool_call_id=call.id, content=result.content))
                if call.name == self.domain.transfer_tool() and not result.error:
                    run["termination"] = "transfer"
            if run["termination"] == "transfer":
                state["final_env_response"] = replies
            return replies
        text = last.content if isinstance(last.content, str) else ""
        conversation = to_openai(_trajectory(messages).messages)
        answer = await asyncio.to_thread(self.user.reply, run["task"], conversation, text)
        reply = [vf.UserMessage(content=answer)]
        if any(ending in answer for ending in ENDINGS):
            run["termination"] = "done"
            state["final_env_response"] = reply
        return reply


def rollout_score(state: vf.State) -> Score:
    """toolmine's score of the finished rollout, computed once per state."""
    run = state["toolmine"]
    if "score" not in run:
        messages = list(state["prompt"]) + list(state.get("completion") or [])
        score = score_rollout(
            run["task"], run["toolkit"].world.to_json(), _trajectory(messages), run["violations"]
        )
        ended = run["termination"] or "max_turns"
        if ended in PREMATURE:  # as in a harvest (and tau2): a cut-short run does not pass
            score = score.model_copy(update={"passed": False, "tau2_passed": False})
        run["score"] = score
    result: Score = run["score"]
    return result


async def strict_pass(state: vf.State) -> float:
    return 1.0 if rollout_score(state).passed else 0.0


async def tau2_pass(state: vf.State) -> float:
    return 1.0 if rollout_score(state).tau2_passed else 0.0


async def needless_transfer_penalty(state: vf.State) -> float:
    return rollout_score(state).transfer_penalty


async def shaped_reward(state: vf.State) -> float:
    return rollout_score(state).reward


def _component(name: str) -> Any:
    async def metric(state: vf.State) -> float:
        return float(getattr(rollout_score(state), name))

    metric.__name__ = name
    return metric


def toolmine_rubric() -> vf.Rubric:
    """Reward = strict pass; everything else is a zero-weight metric."""
    rubric = vf.Rubric(funcs=[strict_pass], weights=[1.0])
    for metric in (
        tau2_pass,
        needless_transfer_penalty,
        shaped_reward,
        *(_component(n) for n in DENSE),
    ):
        rubric.add_metric(metric, weight=0.0)
    return rubric


def build_environment(
    tasks_file: Path,
    user_model: str | None = None,
    user_api_base: str | None = None,
    max_turns: int = 30,
) -> ToolmineEnv:
    """The environment over the exported tasks; `user_model` (a litellm name) plays the customer
    instead of toolmine's deterministic user proxy."""
    from mining.llm.spec import parse_target

    user: UserProxy = DeterministicUserProxy()
    if user_model:
        user = LLMUserProxy(parse_target(user_model, api_base=user_api_base))
    return ToolmineEnv(read_rows(tasks_file), user, max_turns=max_turns)
