"""The errors a simulated target commits, each a small edit of the oracle's plan.

The simulated agent starts from the task's golden trajectory (a `Draft`: planned calls plus how
the conversation ends) and each sampled error edits it the way a real model goes wrong. The
names come from the airline domain, where they were first modelled, and are the profile format
(profiles weight them by name); what each one edits comes from the domain:

- fabricate_payment_id (-> fabricated_id): skips the user lookup, invents a payment (or other)
  id, and gives up when the write fails;
- distractor_flight (-> distractor_chosen): picks a look-alike entity (airline: a flight or a
  reservation; mock: an item or an order);
- cabin_confusion (-> wrong_argument): uses a value the domain says is confused with the right
  one (airline: economy and basic economy);
- bag_miscount (-> wrong_argument): gets a count the domain says is miscounted off by one
  (airline: the bags to pay for);
- payment_split (-> wrong_argument): splits the amount between payment methods wrongly;
- drop_second_intent (-> missing_write): forgets the customer's second request;
- modify_basic_economy (-> policy_violation): on a refusal task, makes the forbidden change;
- needless_transfer (-> needless_transfer): transfers to a human although it could finish;
- stop_early (-> gave_up): stops before the first change;
- tool_error_loop (-> tool_error_loop): repeats a failing call until the error limit;
- skip_confirmation (-> policy_violation): makes a write without describing it and asking the
  customer first;
- yield_to_pressure (-> policy_violation): on a refusal task (nothing to write) whose customer
  insists or tells a lie (`Request.pushback`), gives in after the pushback and makes the
  forbidden change;
- ignore_decline (-> extra_write): the customer said no at the quoted price
  (`Task.meta["declined_call"]`), and it makes the change anyway;
- overreach (-> extra_write): applying a rule to a set, it also acts on one the rule
  leaves out (`Task.meta["excluded_calls"]`);
- misstate_fact (-> wrong_argument): states a plausible wrong value for a fact it must give
  (`Task.meta["wrong_facts"]`: e.g. a bag allowance by the tier the customer claimed);
- break_payment_rule (-> policy_violation): pays the way the customer asked where the policy
  forbids it (a `payment_rule` hint: both of two certificates on one booking);
- suboptimal_payment (-> wrong_argument): pays with a split the task's hints call wrong (kind
  `payment`) where the customer asked for the one that spends the least on its card;
- the errors against the customer's own requests of the conversation (a human agent asked
  for, a condition on the quoted price): see `behaviour_errors.py`.

An error applies only where the task gives it room (no confusion without a confusable
argument...). Wrong values come from the task's hints (`Task.meta["choices"]` of the kinds the
domain's `Mistakes.hint_kinds` names for the error) when the synthesizer provides them, else
from the world and the domain's `Mistakes`; a changed booking is repriced through
`Mistakes.reprice`, so the write succeeds and the state is wrong, as with a real model. The small
edits the errors are made of are in `mining.targets.sim.edits`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from domains.base import ToolCall
from mining.core.task import Task
from mining.targets.sim.behaviour_errors import ignore_human_request, misjudge_condition
from mining.targets.sim.draft import Ctx, Draft, Injector, PlannedCall
from mining.targets.sim.edits import (
    Choice,
    apply_choice,
    arg_leaves,
    fabricate_id,
    hinted_choices,
    is_write,
    meta_list,
    mistakes_of,
    own_args,
    reprice_after_edit,
    set_arg,
    transfer_tool_of,
    write_positions,
)

ID_LIKE = re.compile(r"^[A-Za-z_]*[A-Za-z0-9_]*\d[A-Za-z0-9_]*$")
LOOP_REPEATS = 12


# --- injectors -----------------------------------------------------------------------------


def fabricate_payment_id(draft: Draft, ctx: Ctx) -> bool:
    chosen: tuple[int, tuple[Any, ...], str] | None = None
    for i in write_positions(draft):
        leaves = list(arg_leaves(draft.calls[i].call.arguments))
        pay = [(p, v) for p, v in leaves if isinstance(v, str) and "payment" in str(p[0])]
        ids = [(p, v) for p, v in leaves if isinstance(v, str) and ID_LIKE.match(v)]
        options = pay or ids
        if options:
            path, value = ctx.rng.choice(options)
            chosen = (i, path, value)
            break
    if chosen is None:
        return False
    i, path, value = chosen
    args = own_args(draft.calls[i], "fabricate_payment_id")
    set_arg(args, path, fabricate_id(value, ctx))
    # The agent skipped the lookup that would have told it the real id, and gives up after
    # the write fails.
    draft.calls = [
        pc
        for j, pc in enumerate(draft.calls[: i + 1])
        if j == i or pc.write or "user" not in pc.call.name
    ]
    draft.ending = "give_up"
    return True


def _entity_alternatives(value: str, ctx: Ctx, args: dict[str, Any]) -> list[str]:
    """Look-alike entities of the same collection: sharing the domain's look-alike keys (the
    same owner, the same route), not cancelled."""
    for collection in ctx.world.values():
        if not isinstance(collection, dict) or value not in collection:
            continue
        entry = collection[value]
        if not isinstance(entry, dict):
            continue
        keys = [k for k in mistakes_of(ctx).look_alike_keys if k in entry]
        out = []
        for other, candidate in collection.items():
            if other == value or not isinstance(candidate, dict):
                continue
            if any(candidate.get(k) != entry.get(k) for k in keys):
                continue
            if candidate.get("status") == "cancelled":
                continue
            out.append(other)
        return sorted(out)
    return []


def distractor_flight(draft: Draft, ctx: Ctx) -> bool:
    mistakes = mistakes_of(ctx)
    hinted = hinted_choices(draft, ctx, "distractor_flight")
    if hinted:
        return apply_choice(draft, ctx, hinted, "distractor_flight")
    options: list[Choice] = []
    for i in write_positions(draft):
        args = draft.calls[i].call.arguments
        for path, value in arg_leaves(args):
            if not isinstance(value, str) or not ID_LIKE.match(value):
                continue
            alts = _entity_alternatives(value, ctx, args)
            date = None
            if len(path) >= 2 and isinstance(path[-2], int):
                parent: Any = args
                for key in path[:-1]:
                    parent = parent[key]
                date = parent.get("date") if isinstance(parent, dict) else None
            if date is not None and mistakes.bookable is not None:
                alts = [a for a in alts if mistakes.bookable(a, date, ctx.world, args)]
            if alts:
                options.append((i, path, alts))
    if not options:
        return False
    return apply_choice(draft, ctx, options, "distractor_flight")


def cabin_confusion(draft: Draft, ctx: Ctx) -> bool:
    hinted = hinted_choices(draft, ctx, "cabin_confusion")
    if hinted:
        return apply_choice(draft, ctx, hinted, "cabin_confusion")
    for i in write_positions(draft):
        for argument, swap in mistakes_of(ctx).confusions.items():
            if draft.calls[i].call.arguments.get(argument) in swap:
                args = own_args(draft.calls[i], "cabin_confusion")
                args[argument] = swap[args[argument]]
                reprice_after_edit(args, ctx)
                return True
    return False


def bag_miscount(draft: Draft, ctx: Ctx) -> bool:
    hinted = hinted_choices(draft, ctx, "bag_miscount")
    if hinted:
        return apply_choice(draft, ctx, hinted, "bag_miscount")
    for i in write_positions(draft):
        for count, total in mistakes_of(ctx).miscounts.items():
            value = draft.calls[i].call.arguments.get(count)
            if isinstance(value, int):
                args = own_args(draft.calls[i], "bag_miscount")
                step = 1 if value == 0 or ctx.rng.random() < 0.5 else -1
                args[count] = value + step
                if isinstance(args.get(total), int):
                    args[total] = max(args[total], args[count])
                reprice_after_edit(args, ctx)
                return True
    return False


def payment_split(draft: Draft, ctx: Ctx) -> bool:
    for i in write_positions(draft):
        methods = draft.calls[i].call.arguments.get("payment_methods")
        if not isinstance(methods, list) or len(methods) < 2:
            continue
        if not all(isinstance(m, dict) and isinstance(m.get("amount"), int) for m in methods):
            continue
        args = own_args(draft.calls[i], "payment_split")
        methods = args["payment_methods"]
        first, last = methods[0], methods[-1]
        delta = min(first["amount"] - 1, ctx.rng.randint(10, 80))
        if delta <= 0:
            delta = -min(last["amount"] - 1, ctx.rng.randint(10, 80))
            if delta >= 0:
                return False
        first["amount"] -= delta
        last["amount"] += delta
        return True
    return False


def drop_second_intent(draft: Draft, ctx: Ctx) -> bool:
    intent_calls = meta_list(ctx.task, "intent_calls")
    second = {int(i) for group in intent_calls[1:] for i in group}
    intents = ctx.task.intents or ctx.task.meta.get("intents") or []
    if len(intent_calls) < 2 and len(intents) == 1:
        return False
    if len(intent_calls) < 2:
        writes = [i for i, c in enumerate(ctx.task.golden_trajectory) if is_write(ctx, c.name)]
        if len(writes) < 2:
            return False
        second = set(range(writes[-2] + 1, len(ctx.task.golden_trajectory)))
    kept = [pc for pc in draft.calls if pc.golden_index not in second]
    dropped_writes = sum(1 for pc in draft.calls if pc.golden_index in second and pc.write)
    if not dropped_writes:
        return False
    draft.calls = kept
    draft.applied.append("drop_second_intent")
    return True


def modify_basic_economy(draft: Draft, ctx: Ctx) -> bool:
    if not ctx.task.refusal:
        return False
    raw = ctx.task.meta.get("forbidden_call") or ctx.task.meta.get("refused_call")
    call = ToolCall.model_validate(raw) if isinstance(raw, dict) else tempting_write(ctx.task)
    if call is None:
        return False
    transfer = transfer_tool_of(ctx)
    if any(c.name == transfer for c in ctx.task.golden_trajectory):
        # The answer was a transfer (e.g. a flown flight to cancel): the mistake is to make the
        # forbidden change instead of transferring.
        draft.calls = [pc for pc in draft.calls if pc.call.name != transfer]
    draft.calls.append(PlannedCall(call=call, write=True, tags=["modify_basic_economy"]))
    return True


def tempting_write(task: Task, calls: list[ToolCall] | None = None) -> ToolCall | None:
    """The write the customer asked for on a refusal task: a write tool whose parameters are
    all known from the golden lookups (get_reservation_details(r) -> cancel_reservation(r));
    `calls`: only these lookups (default: the whole golden trajectory)."""
    import inspect

    from domains import registry

    toolkit = registry.get(task.domain).toolkit_type
    known: dict[str, Any] = {}
    for call in task.golden_trajectory if calls is None else calls:
        known.update(call.arguments)
    for name in sorted(toolkit.write_tools()):
        params = [
            p for p in inspect.signature(toolkit.tool_functions()[name]).parameters if p != "self"
        ]
        if params and all(p in known for p in params):
            return ToolCall(name=name, arguments={p: known[p] for p in params})
    return None


def needless_transfer(draft: Draft, ctx: Ctx) -> bool:
    transfer_tool = transfer_tool_of(ctx)
    if transfer_tool is None or any(c.name == transfer_tool for c in ctx.task.golden_trajectory):
        return False
    writes = write_positions(draft)
    limit = writes[0] if writes else len(draft.calls)
    at = ctx.rng.randint(0, limit)
    summary = "The customer needs help that I cannot complete; transferring to a human agent."
    transfer = ToolCall(name=transfer_tool, arguments={"summary": summary})
    draft.calls = [*draft.calls[:at], PlannedCall(call=transfer, write=False)]
    draft.applied.append("needless_transfer")
    return True


def stop_early(draft: Draft, ctx: Ctx) -> bool:
    writes = write_positions(draft)
    if not writes:
        return False
    at = ctx.rng.randint(0, writes[0])
    draft.calls = draft.calls[:at]
    draft.ending = "give_up"
    draft.applied.append("stop_early")
    return True


def tool_error_loop(draft: Draft, ctx: Ctx) -> bool:
    candidates = [
        (i, p, v)
        for i, pc in enumerate(draft.calls)
        for p, v in arg_leaves(pc.call.arguments)
        if isinstance(v, str) and ID_LIKE.match(v)
    ]
    if not candidates:
        return False
    i, path, value = candidates[ctx.rng.randrange(len(candidates))]
    broken = ToolCall(
        name=draft.calls[i].call.name, arguments=copy.deepcopy(draft.calls[i].call.arguments)
    )
    set_arg(broken.arguments, path, fabricate_id(value, ctx))
    loop = [PlannedCall(call=broken, write=draft.calls[i].write) for _ in range(LOOP_REPEATS)]
    draft.calls = [*draft.calls[:i], *loop]
    draft.ending = "give_up"
    draft.applied.append("tool_error_loop")
    return True


def skip_confirmation(draft: Draft, ctx: Ctx) -> bool:
    writes = write_positions(draft)
    if not writes:
        return False
    draft.calls[writes[ctx.rng.randrange(len(writes))]].tags.append("skip_confirmation")
    return True


def yield_to_pressure(draft: Draft, ctx: Ctx) -> bool:
    scenario = ctx.task.user_scenario
    if not ctx.task.refusal or scenario is None or not scenario.script.requests[0].pushback:
        return False  # (in a chain with other writes, giving in reads as an extra write)
    if any("modify_basic_economy" in pc.tags for pc in draft.calls):
        return False  # it made the forbidden change already: there is nothing left to give in
    # The write the first request asked for, from that request's own lookups.
    groups = meta_list(ctx.task, "intent_calls")
    first = [ctx.task.golden_trajectory[int(i)] for i in (groups[0] if groups else [])]
    raw = ctx.task.meta.get("refused_call")
    call = ToolCall.model_validate(raw) if isinstance(raw, dict) else None
    call = call or tempting_write(ctx.task, first or None)
    if call is None or call in first or any(c.name == transfer_tool_of(ctx) for c in first):
        return False  # nothing the customer could push it into, or it is done anyway
    draft.calls.append(PlannedCall(call=call, write=True, tags=["yield_to_pressure"]))
    return True


def suboptimal_payment(draft: Draft, ctx: Ctx) -> bool:
    """Pays with a split the domain's hints call wrong (airline: the smaller certificate, the
    gift cards left unused, a fourth gift card) where the customer asked for the best one."""
    hinted = hinted_choices(draft, ctx, "suboptimal_payment")
    return bool(hinted) and apply_choice(draft, ctx, hinted, "suboptimal_payment")


def _plan_wide(name: str, meta_key: str) -> Injector:
    """An error the renderer plays from the task's meta (`meta_key`): it only marks the plan."""

    def inject(draft: Draft, ctx: Ctx) -> bool:
        if not isinstance(ctx.task.meta.get(meta_key), dict):
            return False
        draft.applied.append(name)
        return True

    return inject


ignore_decline = _plan_wide("ignore_decline", "declined_call")
misstate_fact = _plan_wide("misstate_fact", "wrong_facts")


def overreach(draft: Draft, ctx: Ctx) -> bool:
    excluded = meta_list(ctx.task, "excluded_calls")
    if not excluded:
        return False
    call = ToolCall.model_validate(excluded[ctx.rng.randrange(len(excluded))])
    draft.calls.append(PlannedCall(call=call, write=True, tags=["overreach"]))
    return True


def break_payment_rule(draft: Draft, ctx: Ctx) -> bool:
    hinted = hinted_choices(draft, ctx, "break_payment_rule")
    return bool(hinted) and apply_choice(draft, ctx, hinted, "break_payment_rule")


# Applied in this order: argument edits first, then structural cuts (which may hide them).
INJECTORS: dict[str, Injector] = {
    "fabricate_payment_id": fabricate_payment_id,
    "distractor_flight": distractor_flight,
    "cabin_confusion": cabin_confusion,
    "bag_miscount": bag_miscount,
    "payment_split": payment_split,
    "modify_basic_economy": modify_basic_economy,
    "drop_second_intent": drop_second_intent,
    "tool_error_loop": tool_error_loop,
    "needless_transfer": needless_transfer,
    "stop_early": stop_early,
    "skip_confirmation": skip_confirmation,
    "yield_to_pressure": yield_to_pressure,
    "ignore_decline": ignore_decline,
    "overreach": overreach,
    "misstate_fact": misstate_fact,
    "ignore_human_request": ignore_human_request,
    "break_payment_rule": break_payment_rule,
    "suboptimal_payment": suboptimal_payment,
    "misjudge_condition": misjudge_condition,  # new errors go last: they shift no other's draws
}
ERROR_NAMES: list[str] = list(INJECTORS)

# The analyst label each error should produce (used by `toolmine bench analyst`).
EXPECTED_LABEL: dict[str, str] = {
    "fabricate_payment_id": "fabricated_id",
    "distractor_flight": "distractor_chosen",
    "cabin_confusion": "wrong_argument",
    "bag_miscount": "wrong_argument",
    "payment_split": "wrong_argument",
    "drop_second_intent": "missing_write",
    "modify_basic_economy": "policy_violation",
    "needless_transfer": "needless_transfer",
    "stop_early": "gave_up",
    "tool_error_loop": "tool_error_loop",
    "skip_confirmation": "policy_violation",
    "yield_to_pressure": "policy_violation",
    "ignore_decline": "extra_write",
    "overreach": "extra_write",
    "misstate_fact": "wrong_argument",
    "ignore_human_request": "policy_violation",
    "break_payment_rule": "policy_violation",
    "suboptimal_payment": "wrong_argument",
    "misjudge_condition": "wrong_argument",
}


def effective_errors(draft: Draft) -> list[str]:
    """Errors whose effect survived later edits (a cut can remove an edited call)."""
    tagged = {t for pc in draft.calls for t in pc.tags}
    return [e for e in ERROR_NAMES if e in tagged or e in draft.applied]
