"""The policy around writes, checked on the conversation: described, confirmed, looked up first.

A write is compliant only if, in the turns since the previous successful write, the agent
described it (one of its messages states everything the domain's `WritePolicy.names` lists for
this call: the reservation, the new flights, the amount, ...) and the customer then confirmed
(a later customer message that says yes and asks nothing back), and every read the policy
requires before it (`WritePolicy.lookups`) succeeded earlier in the conversation. A refusal task
allows no successful write at all. Failed writes change nothing and are not judged.

Only the conversation is read (what a replay of the recorded rollout gives), so history can be
re-scored offline.
"""

from __future__ import annotations

import re

from domains.base import Domain, ToolCall, ToolKind, WritePolicy
from mining.core.task import Task
from mining.core.trajectory import Trajectory
from mining.rollout.facts import mentions

YES = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|ok|okay|alright|all right|please do|please go ahead|go ahead|"
    r"please proceed|proceed|confirm(ed)?|i confirm|correct|that'?s (right|correct|fine)|"
    r"sounds good|absolutely|of course|do it)\b",
    re.IGNORECASE,
)


def confirms(text: str) -> bool:
    """The customer says yes (and does not ask anything back)."""
    return bool(YES.search(text)) and "?" not in text


def calls_with_outcomes(trajectory: Trajectory) -> list[tuple[int, ToolCall, bool]]:
    """(message index, call, succeeded) for every tool call, paired with its tool message."""
    out: list[tuple[int, ToolCall, bool]] = []
    pending: list[tuple[int, ToolCall]] = []
    for i, m in enumerate(trajectory.messages):
        if m.role == "assistant":
            pending.extend((i, c) for c in m.tool_calls)
        elif m.role == "tool" and pending:
            at, call = pending.pop(0)
            out.append((at, call, not m.error))
    return out


def write_violations(task: Task, trajectory: Trajectory, domain: Domain) -> list[str]:
    """Why the rollout's writes break the policy (empty: they do not)."""
    policy = domain.write_policy
    kinds = domain.toolkit_type

    def kind(name: str) -> ToolKind | None:
        try:
            return kinds.tool_kind(name)
        except KeyError:
            return None

    # A call without a recorded tool message counts as made (a trajectory written by hand).
    outcomes = {id(call): ok for _, call, ok in calls_with_outcomes(trajectory)}
    problems: list[str] = []
    reads: list[ToolCall] = []
    window: list[tuple[str, str]] = []  # (role, text) since the last successful write
    for m in trajectory.messages:
        if m.role in ("assistant", "user") and m.content:
            window.append((m.role, m.content))
        for call in m.tool_calls if m.role == "assistant" else []:
            if not outcomes.get(id(call), True):
                continue
            if kind(call.name) is not ToolKind.WRITE:
                reads.append(call)
                continue
            if task.refusal:
                problems.append(f"{call.name}: a write, where the policy refuses the request")
            if policy is not None:
                problems += _unconfirmed(call, window, policy.names(call, task.world), policy)
                problems += _missing_reads(call, reads, policy.lookups(call, task.world))
            window = []
    return problems


def _unconfirmed(
    call: ToolCall, window: list[tuple[str, str]], names: list[str], policy: WritePolicy
) -> list[str]:
    if not policy.confirm:
        return []
    described = [
        i
        for i, (role, text) in enumerate(window)
        if role == "assistant" and all(mentions(text, n) for n in names)
    ]
    if not described:
        stated = ", ".join(names) or "its details"
        return [f"{call.name}: not described to the user first (stating {stated})"]
    if not any(role == "user" and confirms(text) for role, text in window[described[0] + 1 :]):
        return [f"{call.name}: the user did not confirm it after it was described"]
    return []


def _missing_reads(call: ToolCall, reads: list[ToolCall], needed: list[ToolCall]) -> list[str]:
    missing = [
        need
        for need in needed
        if not any(
            r.name == need.name and all(r.arguments.get(k) == v for k, v in need.arguments.items())
            for r in reads
        )
    ]
    return [f"{call.name}: no {n.name}({_args(n)}) before it" for n in missing]


def _args(call: ToolCall) -> str:
    return ", ".join(f"{k}={v}" for k, v in call.arguments.items())
