"""Why a rollout failed: a label from a fixed taxonomy, with the evidence (which call, which field).

The deterministic analyst compares the agent's tool calls with the golden trajectory and the
synthesizer's hints (`Task.meta["choices"]`, `intent_calls`), never with a simulated target's
injected errors (those are kept apart so `toolmine bench analyst` can score this module).
Priority of the top label, most specific first: needless_transfer, tool_error_loop,
fabricated_id, distractor_chosen, wrong_argument, policy_violation, extra_write, gave_up,
missing_write, missing_lookup. An optional LLM analyst (litellm, structured output) adds a
one-paragraph observation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domains import registry
from domains.base import ToolCall
from mining.core.task import Task
from mining.llm.spec import ModelSpec
from mining.llm.structured import call_structured
from mining.rollout.loop import RolloutResult
from mining.rollout.scoring import unsaid


class FailureLabel(StrEnum):
    missing_lookup = "missing_lookup"
    fabricated_id = "fabricated_id"
    distractor_chosen = "distractor_chosen"
    wrong_argument = "wrong_argument"
    missing_write = "missing_write"
    extra_write = "extra_write"
    policy_violation = "policy_violation"
    needless_transfer = "needless_transfer"
    tool_error_loop = "tool_error_loop"
    gave_up = "gave_up"


PRIORITY: list[FailureLabel] = [
    FailureLabel.needless_transfer,
    FailureLabel.tool_error_loop,
    FailureLabel.fabricated_id,
    FailureLabel.distractor_chosen,
    FailureLabel.wrong_argument,
    FailureLabel.policy_violation,
    FailureLabel.extra_write,
    FailureLabel.gave_up,
    FailureLabel.missing_write,
    FailureLabel.missing_lookup,
]


UNLABELLED = "unlabelled"


def unlabelled(reasons: list[str]) -> str:
    """The label of a failed rollout the taxonomy does not explain: the verifier check it failed
    ("unlabelled: not communicated"), so a summary says what went wrong rather than None."""
    if not reasons:
        return UNLABELLED
    check = reasons[0].split(":", 1)[0].removesuffix(" from the expected one")
    return f"{UNLABELLED}: {check}"


class Evidence(BaseModel):
    call_index: int | None = Field(default=None, description="index among the agent's calls")
    tool: str | None = None
    field: str | None = Field(default=None, description="argument path, e.g. flights[0].date")
    expected: Any = None
    actual: Any = None


class LabelEvidence(BaseModel):
    label: FailureLabel
    evidence: Evidence = Field(default_factory=Evidence)


class Analysis(BaseModel):
    labels: list[LabelEvidence] = Field(default_factory=list)
    top_label: FailureLabel | None = None
    observation: str | None = None


ID_LIKE = re.compile(r"^[A-Za-z_]*[A-Za-z0-9_]*\d[A-Za-z0-9_]*$")
GAVE_UP = re.compile(r"\b(not able|unable|can(?:no|')t (?:complete|help|do)|sorry)\b", re.I)
LOOP_RUN = 3


def _norm(value: Any) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in sorted(v.items())}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    return json.dumps(plain(value), sort_keys=True, default=str)


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_leaves(v, f"{path}[{i}]"))
        return out
    return {path: value}


class _Calls:
    """The agent's calls with their results, indexed like `Trajectory.tool_calls()`."""

    def __init__(self, rollout: RolloutResult) -> None:
        self.calls: list[ToolCall] = []
        self.errors: list[bool] = []
        self.outputs: list[str] = []
        results = {m.tool_call_id: m for m in rollout.trajectory.messages if m.role == "tool"}
        for m in rollout.trajectory.messages:
            if m.role != "assistant":
                continue
            for j, call in enumerate(m.tool_calls):
                res = results.get(m.tool_call_ids[j]) if j < len(m.tool_call_ids) else None
                self.calls.append(call)
                self.errors.append(bool(res and res.error))
                self.outputs.append((res.content or "") if res else "")


def analyze(
    task: Task,
    rollout: RolloutResult,
    llm: ModelSpec | None = None,
    completion: Callable[..., Any] | None = None,
) -> Analysis:
    """Label a rollout's failure (an empty Analysis for a pass). With `llm`, a model adds a
    free-text observation (`completion` replaces litellm.completion, for tests)."""
    if rollout.score is not None and rollout.score.passed:
        return Analysis()
    labels = _labels(task, rollout)
    ordered = sorted(labels, key=lambda le: PRIORITY.index(le.label))
    analysis = Analysis(labels=ordered, top_label=ordered[0].label if ordered else None)
    if llm is not None:
        analysis.observation = llm_observation(task, rollout, analysis, llm, completion)
    return analysis


def _labels(task: Task, rollout: RolloutResult) -> list[LabelEvidence]:
    domain = registry.get(task.domain)
    toolkit, transfer_tool = domain.toolkit_type, domain.transfer_tool()
    writes = toolkit.write_tools()
    agent = _Calls(rollout)
    out: list[LabelEvidence] = []

    def add(label: FailureLabel, **evidence: Any) -> None:
        out.append(LabelEvidence(label=label, evidence=Evidence(**evidence)))

    golden_transfer = any(c.name == transfer_tool for c in task.golden_trajectory)
    for i, call in enumerate(agent.calls):
        if (
            transfer_tool is not None
            and call.name == transfer_tool
            and not golden_transfer
            and not task.meta.get("transfer_expected", False)
        ):
            add(FailureLabel.needless_transfer, call_index=i, tool=call.name)
            break

    run_start, run = 0, 0
    for i, call in enumerate(agent.calls):
        same = i > 0 and agent.errors[i - 1] and call.name == agent.calls[i - 1].name
        run = (run + 1 if same else 1) if agent.errors[i] else 0
        if run == 1:
            run_start = i
        if run == LOOP_RUN or (rollout.termination == "error_limit" and i == len(agent.calls) - 1):
            add(
                FailureLabel.tool_error_loop,
                call_index=run_start,
                tool=call.name,
                actual=agent.outputs[run_start][:200],
            )
            break

    gold_writes = [(gi, c) for gi, c in enumerate(task.golden_trajectory) if c.name in writes]
    agent_writes = [i for i, c in enumerate(agent.calls) if c.name in writes]
    used: set[int] = set()
    missing: list[tuple[int, ToolCall]] = []
    for gi, gold in gold_writes:  # exact, successful matches first
        match = next(
            (
                i
                for i in agent_writes
                if i not in used
                and not agent.errors[i]
                and agent.calls[i].name == gold.name
                and _norm(agent.calls[i].arguments) == _norm(gold.arguments)
            ),
            None,
        )
        if match is None:
            missing.append((gi, gold))
        else:
            used.add(match)
    known = json.dumps(task.world) + task.task_description + json.dumps(task.user_facts)
    unmatched_gold: list[tuple[int, ToolCall]] = []
    for gi, gold in missing:
        candidate = next(
            (i for i in agent_writes if i not in used and agent.calls[i].name == gold.name), None
        )
        if candidate is None:
            unmatched_gold.append((gi, gold))
            continue
        used.add(candidate)
        seen = known + "".join(agent.outputs[:candidate])
        label = _diff_label(task, gi, gold, agent.calls[candidate], seen)
        if label is not None:
            out.append(
                label.model_copy(
                    update={
                        "evidence": label.evidence.model_copy(
                            update={"call_index": candidate, "tool": gold.name}
                        )
                    }
                )
            )

    for i in agent_writes:
        if i in used:
            continue
        if task.refusal:
            add(
                FailureLabel.policy_violation,
                call_index=i,
                tool=agent.calls[i].name,
                actual=agent.calls[i].arguments,
            )
        elif not agent.errors[i]:
            add(
                FailureLabel.extra_write,
                call_index=i,
                tool=agent.calls[i].name,
                actual=agent.calls[i].arguments,
            )
    for violation in rollout.policy_violations:
        add(FailureLabel.policy_violation, actual=violation)
    for violation in rollout.score.write_violations if rollout.score is not None else []:
        if not task.refusal:  # a write on a refusal task is labelled above, with its call
            add(FailureLabel.policy_violation, actual=violation)

    if unmatched_gold:
        texts = rollout.trajectory.assistant_texts()
        attempted = any(not agent.errors[i] for i in agent_writes)
        if (
            not attempted
            and texts
            and GAVE_UP.search(texts[-1])
            and not _later_intents_only(task, unmatched_gold, agent)
        ):
            add(FailureLabel.gave_up, actual=texts[-1][:200])
        for gi, gold in unmatched_gold:
            add(
                FailureLabel.missing_write,
                tool=gold.name,
                expected=gold.arguments,
                field=f"golden[{gi}]",
            )

    _missing_lookups(task, agent, writes, add)
    if not out and rollout.score is not None and not rollout.score.communicated:
        facts = unsaid(task, rollout.trajectory.assistant_texts())
        add(FailureLabel.wrong_argument, field="communicate", expected=facts)
    return out


def _later_intents_only(task: Task, missing: list[tuple[int, ToolCall]], agent: _Calls) -> bool:
    """True when the agent did all of the first intent and only later intents' writes are
    missing: a dropped request, not giving up."""
    groups = task.meta.get("intent_calls")
    if not isinstance(groups, list) or len(groups) < 2:
        return False
    first = {int(i) for i in groups[0]}
    if any(gi in first for gi, _ in missing):
        return False
    done = {_norm([c.name, c.arguments]) for c in agent.calls}
    return all(
        _norm([task.golden_trajectory[i].name, task.golden_trajectory[i].arguments]) in done
        for i in first
        if i < len(task.golden_trajectory)
    )


def _diff_label(
    task: Task, gi: int, gold: ToolCall, actual: ToolCall, seen: str
) -> LabelEvidence | None:
    exp, act = _leaves(gold.arguments), _leaves(actual.arguments)
    diffs = [
        (p, exp.get(p), act.get(p))
        for p in sorted(set(exp) | set(act), key=lambda p: (p not in exp, p))
        if _norm(exp.get(p)) != _norm(act.get(p))
    ]
    if not diffs:
        return None
    look_alikes = registry.get(task.domain).mistakes.look_alike_kinds
    hinted: dict[str, str] = {}
    for choice in task.meta.get("choices") or []:
        if isinstance(choice, dict) and choice.get("call") == gi:
            hinted[str(choice.get("path")).split(".")[0]] = str(choice.get("kind"))
    best: LabelEvidence | None = None
    for path, expected, value in diffs:
        if isinstance(value, str) and ID_LIKE.match(value) and value not in seen:
            label = FailureLabel.fabricated_id
        elif hinted.get(re.split(r"[.\[]", path)[0]) in look_alikes or (
            isinstance(value, str) and ID_LIKE.match(value) and value != expected
        ):
            label = FailureLabel.distractor_chosen
        else:
            label = FailureLabel.wrong_argument
        candidate = LabelEvidence(
            label=label, evidence=Evidence(field=path, expected=expected, actual=value)
        )
        if best is None or PRIORITY.index(label) < PRIORITY.index(best.label):
            best = candidate
    return best


def _missing_lookups(task: Task, agent: _Calls, writes: set[str], add: Callable[..., None]) -> None:
    """A golden lookup (a read) that the agent never made before its first write."""
    first_write = next((i for i, c in enumerate(agent.calls) if c.name in writes), None)
    if first_write is None:
        return
    before = {_norm([c.name, c.arguments]) for c in agent.calls[:first_write]}
    for gold in task.golden_trajectory:
        if gold.name in writes:
            break
        if _norm([gold.name, gold.arguments]) not in before:
            add(
                FailureLabel.missing_lookup,
                call_index=first_write,
                tool=gold.name,
                expected=gold.arguments,
            )
            return


# --- optional LLM observation ------------------------------------------------------------------


class _Observation(BaseModel):
    observation: str = Field(description="two or three sentences on why the agent failed")


_SYSTEM = "You review failed tool-use attempts. Answer with the JSON object the schema asks for."
_PROMPT = """You review a customer-service agent's failed attempt at a tool-use task.
Task (customer's words): {task}
Golden tool calls: {golden}
Agent's tool calls and results: {calls}
Agent's messages: {texts}
Deterministic labels: {labels}
In two or three sentences, say what the agent did wrong and where."""


def llm_observation(
    task: Task,
    rollout: RolloutResult,
    analysis: Analysis,
    spec: ModelSpec,
    completion: Callable[..., Any] | None = None,
) -> str | None:
    """One litellm call with a structured output schema. Sees only task and trajectory."""
    agent = _Calls(rollout)
    prompt = _PROMPT.format(
        task=task.task_description,
        golden=json.dumps([c.model_dump() for c in task.golden_trajectory])[:6000],
        calls=json.dumps(
            [
                {"call": c.model_dump(), "error": e, "result": o[:300]}
                for c, e, o in zip(agent.calls, agent.errors, agent.outputs, strict=True)
            ]
        )[:8000],
        texts=json.dumps(rollout.trajectory.assistant_texts())[:4000],
        labels=json.dumps([le.model_dump(mode="json") for le in analysis.labels])[:2000],
    )
    try:
        answer = call_structured(spec, _Observation, _SYSTEM, prompt, completion=completion)
        return answer.observation
    except Exception as exc:  # the observation is optional: a failure is noted, not raised
        return f"(LLM analyst unavailable: {type(exc).__name__})"
