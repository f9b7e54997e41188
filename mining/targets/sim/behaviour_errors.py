"""Errors a simulated target commits against what the customer asked of the conversation itself.

- ignore_human_request (-> policy_violation): the customer asked for a human agent after the
  refusal (`Request.pushback` of a task whose gold ends in the transfer); the agent keeps
  refusing instead of transferring;
- misjudge_condition (-> wrong_argument): the customer's choice depended on the quoted price
  (`Task.meta["condition_call"]`: the other branch's write); the agent makes that write instead
  of the one the condition picks.
"""

from __future__ import annotations

from domains.base import ToolCall
from mining.targets.sim.draft import Ctx, Draft


def ignore_human_request(draft: Draft, ctx: Ctx) -> bool:
    scenario = ctx.task.user_scenario
    if scenario is None or not scenario.script.requests[0].pushback:
        return False
    if not ctx.task.meta.get("transfer_expected"):
        return False
    from domains import registry

    transfer = registry.get(ctx.task.domain).transfer_tool()
    kept = [pc for pc in draft.calls if pc.call.name != transfer]
    if len(kept) == len(draft.calls):
        return False
    draft.calls = kept
    draft.applied.append("ignore_human_request")
    return True


def misjudge_condition(draft: Draft, ctx: Ctx) -> bool:
    raw = ctx.task.meta.get("condition_call")
    if not isinstance(raw, dict):
        return False
    other = ToolCall.model_validate(raw)
    for pc in draft.calls:
        if pc.write and pc.call.name == other.name:
            pc.call = other
            pc.tags.append("misjudge_condition")
            return True
    return False
