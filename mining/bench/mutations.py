"""Edits of a gold conversation, each the way a wrong agent goes wrong (or a harmless variant).

A gold run is the oracle's conversation with the scripted customer (every write described and
confirmed, the facts stated). Each mutation returns an edited copy of its messages, or None when
the task gives it no room (no write to drop the confirmation of, no amount to get wrong, ...).
`BREAKING` mutations must fail the strict verifier; `NEUTRAL` ones change nothing that matters
and must pass. Tool results are not edited here: the suite replays the calls afterwards.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from domains import registry
from domains.base import ToolCall, ToolKind
from mining.core.task import Task
from mining.core.trajectory import Message
from mining.rollout.compliance import confirms
from mining.targets.sim.errors import tempting_write

Messages = list[Message]
Mutation = Callable[[Task, Messages], Messages | None]


def _is(task: Task, call: ToolCall, kind: ToolKind) -> bool:
    try:
        return registry.get(task.domain).toolkit_type.tool_kind(call.name) is kind
    except KeyError:
        return False


def _calls(messages: Messages) -> list[tuple[int, ToolCall]]:
    return [(i, c) for i, m in enumerate(messages) if m.role == "assistant" for c in m.tool_calls]


def _writes(task: Task, messages: Messages) -> list[int]:
    return [i for i, c in _calls(messages) if _is(task, c, ToolKind.WRITE)]


def _exchange(task: Task, messages: Messages) -> tuple[int, int] | None:
    """(description, confirmation) message indexes before the first write."""
    writes = _writes(task, messages)
    if not writes:
        return None
    yes = [
        i for i in range(writes[0]) if messages[i].role == "user" and confirms(_text(messages[i]))
    ]
    if not yes:
        return None
    said = [i for i in range(yes[-1]) if messages[i].role == "assistant" and messages[i].content]
    return (said[-1], yes[-1]) if said else None


def _text(m: Message) -> str:
    return m.content or ""


def _call_pair(call: ToolCall, call_id: str) -> Messages:
    """An agent's call and a placeholder result (the suite replays it)."""
    return [
        Message(role="assistant", tool_calls=[call], tool_call_ids=[call_id]),
        Message(role="tool", content="", tool_call_id=call_id, name=call.name),
    ]


def _rejected(task: Task, call: ToolCall) -> bool:
    domain = registry.get(task.domain)
    return (
        domain.toolkit(domain.world_type.model_validate(task.world))
        .call(call.name, call.arguments)
        .error
    )


def _last_text(messages: Messages) -> int:
    return max(i for i, m in enumerate(messages) if m.role == "assistant" and m.content)


def _edit_texts(messages: Messages, edit: Callable[[str], str]) -> Messages:
    out = copy.deepcopy(messages)
    for m in out:
        if m.role == "assistant" and m.content:
            m.content = edit(m.content)
    return out


def _money(task: Task) -> list[str]:
    return [f for f in task.communicate if re.fullmatch(r"\$\d+", f)]


# --- breaking: the verifier must fail these ---------------------------------------------------


def drop_confirmation(task: Task, messages: Messages) -> Messages | None:
    found = _exchange(task, messages)
    if found is None:
        return None
    return [m for i, m in enumerate(messages) if i not in found]


def _reworded(task: Task, messages: Messages, which: int, text: str) -> Messages | None:
    """The exchange before the first write with its description (0) or answer (1) reworded."""
    found = _exchange(task, messages)
    if found is None:
        return None
    out = copy.deepcopy(messages)
    out[found[which]].content = text
    return out


def declined(task: Task, messages: Messages) -> Messages | None:
    return _reworded(task, messages, 1, "No, please don't do that.")


def vague_description(task: Task, messages: Messages) -> Messages | None:
    text = "I can take care of that for you. Shall I go ahead (yes/no)?"
    return _reworded(task, messages, 0, text)


def wrong_amount(task: Task, messages: Messages) -> Messages | None:
    """Every amount the agent must state, said ten times too high ("$50" -> "$500"): tau2's
    substring check still finds the right one inside it."""
    facts = _money(task)
    if not facts:
        return None
    pattern = re.compile("|".join(re.escape(f) + r"(?!\d)" for f in facts))
    return _edit_texts(messages, lambda t: pattern.sub(lambda m: m.group(0) + "0", t))


def unsaid_facts(task: Task, messages: Messages) -> Messages | None:
    """The agent never states the facts (a closing apology instead)."""
    if not task.communicate:
        return None
    other = task.meta.get("communicate_alternatives") or {}
    wordings = [w for f in task.communicate for w in (f, *other.get(f, ()))]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(wordings, key=len, reverse=True)))
    out = _edit_texts(messages, lambda t: pattern.sub("that", t))
    out[_last_text(out)].content = "I'm sorry for the trouble. Is there anything else?"
    return out


def skip_lookup(task: Task, messages: Messages) -> Messages | None:
    """The read the policy needs before the first write that needs one is never made."""
    policy = registry.get(task.domain).write_policy
    if policy is None:
        return None
    for at, write in [(i, c) for i, c in _calls(messages) if _is(task, c, ToolKind.WRITE)]:
        for need in policy.lookups(write, task.world):
            reads = [
                i
                for i, c in _calls(messages[:at])
                if c.name == need.name
                and all(c.arguments.get(k) == v for k, v in need.arguments.items())
            ]
            if reads:
                drop = set(reads) | {i + 1 for i in reads}  # each call and its result
                return [m for i, m in enumerate(messages) if i not in drop]
    return None


def write_on_refusal(task: Task, messages: Messages) -> Messages | None:
    """On a refusal, the forbidden write anyway, described and confirmed (where the tool lets it
    through: a write the tool itself rejects changes nothing and is no write). The task's own
    `refused_call` first (a certificate for a refused compensation, whose amount no lookup
    names), else a write the lookups make possible."""
    raw = task.meta.get("refused_call") if task.refusal else None
    call = ToolCall.model_validate(raw) if isinstance(raw, dict) else None
    call = call or (tempting_write(task) if task.refusal else None)
    if call is None or _rejected(task, call):
        return None
    at = _last_text(messages)
    ask = f"I will {call.name} with {call.arguments}. Do you confirm (yes/no)?"
    inserted = [
        Message(role="assistant", content=ask),
        Message(role="user", content="Yes, please go ahead."),
        *_call_pair(call, "mutant_write"),
    ]
    return [*messages[:at], *inserted, *messages[at:]]


def needless_transfer(task: Task, messages: Messages) -> Messages | None:
    transfer = registry.get(task.domain).transfer
    if transfer is None or task.meta.get("transfer_expected"):
        return None
    call = ToolCall(name=transfer.tool, arguments={"summary": "The customer needs more help."})
    at = _last_text(messages)
    return [*messages[:at], *_call_pair(call, "mutant_transfer"), *messages[at:]]


def missing_transfer(task: Task, messages: Messages) -> Messages | None:
    transfer = registry.get(task.domain).transfer_tool()
    found = [i for i, c in _calls(messages) if c.name == transfer]
    if not task.meta.get("transfer_expected") or not found:
        return None
    drop = {found[0], found[0] + 1}
    return [m for i, m in enumerate(messages) if i not in drop]


def wrong_choice(task: Task, messages: Messages) -> Messages | None:
    """A write made with a plausible wrong value (the builder's alternatives), described as made
    and confirmed, so only the outcome is wrong."""
    calls = _calls(messages)
    domain = registry.get(task.domain)
    for choice in task.meta.get("choices") or []:
        index, path = choice.get("call"), choice.get("path")
        if not isinstance(index, int) or index >= len(calls) or not choice.get("alternatives"):
            continue
        if not isinstance(path, str) or "." in path:
            continue
        at, call = calls[index]
        wrong = ToolCall(name=call.name, arguments=copy.deepcopy(call.arguments))
        first = choice["alternatives"][0]  # {"value", "why"}, or the value itself
        value = first["value"] if isinstance(first, dict) and "value" in first else first
        wrong.arguments[path] = copy.deepcopy(value)
        if domain.mistakes.reprice is not None:
            domain.mistakes.reprice(wrong.arguments, task.world)
        out = copy.deepcopy(messages)
        out[at].tool_calls = [wrong]
        said = [i for i in range(at) if out[i].role == "assistant" and out[i].content]
        if said:
            out[said[-1]].content = f"I will {wrong.name} with {wrong.arguments}. Confirm (yes/no)?"
        return out
    return None


def do_nothing(task: Task, messages: Messages) -> Messages | None:
    opening = [m for m in messages if m.role in ("system", "user")][:2]
    greeting = next(m for m in messages if m.role == "assistant")
    return [
        opening[0],
        greeting,
        opening[1],
        Message(role="assistant", content="I'm sorry, I can't help with that. Anything else?"),
        Message(role="user", content="No, thanks. ###STOP###"),
    ]


# --- neutral: the verifier must pass these -----------------------------------------------------


def amounts_reformatted(task: Task, messages: Messages) -> Messages | None:
    """Amounts written with thousands separators and cents ("$1786" -> "$1,786.00")."""
    facts = _money(task)
    if not facts:
        return None
    pattern = re.compile("|".join(re.escape(f) + r"(?!\d)" for f in facts))
    return _edit_texts(messages, lambda t: pattern.sub(lambda m: f"${int(m.group(0)[1:]):,}.00", t))


def other_yes(task: Task, messages: Messages) -> Messages | None:
    out = copy.deepcopy(messages)
    changed = False
    for m in out:
        if m.role == "user" and confirms(_text(m)):
            m.content, changed = "Sure, that works for me.", True
    return out if changed else None


def extra_read(task: Task, messages: Messages) -> Messages | None:
    """A harmless extra lookup: the first read made twice."""
    reads = [(i, c) for i, c in _calls(messages) if _is(task, c, ToolKind.READ)]
    if not reads:
        return None
    at, call = reads[0]
    return [*messages[: at + 2], *_call_pair(call, "mutant_read"), *messages[at + 2 :]]


BREAKING: dict[str, Mutation] = {
    "drop_confirmation": drop_confirmation,
    "declined": declined,
    "vague_description": vague_description,
    "wrong_amount": wrong_amount,
    "unsaid_facts": unsaid_facts,
    "skip_lookup": skip_lookup,
    "write_on_refusal": write_on_refusal,
    "needless_transfer": needless_transfer,
    "missing_transfer": missing_transfer,
    "wrong_choice": wrong_choice,
    "do_nothing": do_nothing,
}
NEUTRAL: dict[str, Mutation] = {
    "amounts_reformatted": amounts_reformatted,
    "other_yes": other_yes,
    "extra_read": extra_read,
}
