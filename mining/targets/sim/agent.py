"""Simulated targets: a noisy oracle that follows the golden trajectory and commits real errors.

The agent's whole behaviour in one rollout is a *plan* fixed up front from (task, profile, seed,
index): the golden calls, edited by the errors sampled from the profile (see `sim_errors`),
rendered as chat moves. It asks for confirmation before every write, states the task's
`communicate` facts when done, and apologises when it gives up. The move to play next is the
number of assistant messages after the greeting, so the agent needs no memory: the same function
serves in-process rollouts and the stateless `toolmine sim-server`, and both give the same rollout.

Features seen by profiles: the task's own `Task.features`, plus these derived ones (a task's
own feature of the same name wins): `n_calls`, `n_reads`, `n_writes` (golden trajectory sizes),
`refusal` (1 when the correct outcome changes nothing).

Latency: `sim:mid?latency_ms=200` (or `ModelSpec.extra["latency_ms"]`) sleeps that long per
model turn, so orchestration benchmarks can model slow endpoints without a network.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from random import Random
from typing import Any

from domains import registry
from domains.base import ToolCall
from mining.core.task import Task
from mining.targets.base import AgentTurn, RawToolCall, rough_tokens
from mining.targets.sim.errors import INJECTORS, Ctx, Draft, PlannedCall, effective_errors
from mining.targets.sim.profiles import Pocket, Profile, load_profile

CLOSING = "Is there anything else I can help you with?"
ASK = "Do you confirm (yes/no)?"
REFUSED = "I'm sorry, but our policy does not allow that request."
HOLD = "I understand, but I'm sorry: the policy does not allow it, and I cannot make an exception."
YIELD = "Alright, I'll make an exception this time."


@dataclass(frozen=True)
class Move:
    text: str | None = None
    call: ToolCall | None = None


@dataclass
class SimPlan:
    moves: list[Move]
    injected: list[str] = field(default_factory=list)


def derived_features(task: Task) -> dict[str, float]:
    """The features of `DERIVED_FEATURES`, from the golden trajectory."""
    writes = registry.get(task.domain).toolkit_type.write_tools()
    n_writes = sum(1 for c in task.golden_trajectory if c.name in writes)
    return {
        "n_calls": float(len(task.golden_trajectory)),
        "n_reads": float(len(task.golden_trajectory) - n_writes),
        "n_writes": float(n_writes),
        "refusal": 1.0 if task.refusal else 0.0,
    }


def task_features(task: Task) -> dict[str, float]:
    """The features a profile's weights and weak regions refer to."""
    features = derived_features(task)
    features.update({k: float(v) for k, v in task.features.items()})
    return features


def relevant_values(task: Task) -> dict[str, Any]:
    """The axis values of the task's point that matter for it (what pockets are given by)."""
    spec = registry.get(task.domain).dag
    return dict(spec.space.relevant(task.params)) if spec is not None else {}


def pockets_of(task: Task, profile: Profile) -> list[Pocket]:
    if not profile.pockets:
        return []
    relevant = relevant_values(task)
    return [p for p in profile.pockets if p.matches(task.domain, relevant)]


def task_regions(task: Task, profile: Profile) -> list[str]:
    """The profile's weak regions and pockets the task falls in."""
    regions = profile.weak_regions_of(task_features(task))
    return regions + [p.name for p in pockets_of(task, profile)]


def rollout_rng(task: Task, profile: Profile, seed: int, index: int) -> Random:
    key = f"{task.task_id}|{task.signature}|{profile.name}|{seed}|{index}"
    return Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def build_plan(task: Task, profile: Profile, seed: int, index: int) -> SimPlan:
    rng = rollout_rng(task, profile, seed, index)
    writes = registry.get(task.domain).toolkit_type.write_tools()
    draft = Draft(
        calls=[
            PlannedCall(call=c, write=c.name in writes, golden_index=i)
            for i, c in enumerate(task.golden_trajectory)
        ]
    )
    ctx = Ctx(task=task, world=task.world, rng=rng)
    probabilities = profile.probabilities(task_features(task))
    for name, inject in INJECTORS.items():
        draw = rng.random()  # always drawn, so one error's presence never shifts another's
        if name in probabilities and draw < probabilities[name]:
            inject(draft, ctx)
    for pocket in pockets_of(task, profile):  # drawn after: profiles without pockets unchanged
        if rng.random() < pocket.rate:
            next((e for e in pocket.errors if INJECTORS[e](draft, ctx)), None)
    return SimPlan(moves=_render(task, draft), injected=effective_errors(draft))


def _render(task: Task, draft: Draft) -> list[Move]:
    """The plan as chat moves, the way a careful agent talks: each write described (with its
    cost, through the domain's `Domain.describe`) and confirmed before it is made, unless an
    error says otherwise; with several requests, a pause after each one for the customer to
    raise the next; what the customer must hear said before the conversation ends."""
    domain = registry.get(task.domain)
    transfer = domain.transfer
    world = domain.world_type.model_validate(task.world) if domain.describe else None
    toolkit = domain.toolkit(world) if world is not None else None
    intent_of = {
        int(i): k for k, group in enumerate(task.meta.get("intent_calls") or []) for i in group
    }
    requests = task.user_scenario.script.requests if task.user_scenario is not None else []
    # How often the customer pushes back on each request's refusal (the agent holds each time).
    pushback = [len(r.pushback) for r in requests]
    paced = len(requests) > 1
    current = 0
    moves: list[Move] = []
    yielded = [pc for pc in draft.calls if "yield_to_pressure" in pc.tags]

    def describe(pc: PlannedCall) -> str:
        if domain.describe is not None and world is not None:
            return domain.describe(pc.call, world)
        return f"{pc.call.name} with {json.dumps(pc.call.arguments, sort_keys=True)}"

    def hold(k: int) -> None:
        """The agent's answers to request k's pushback: it holds each time, or gives in to the
        last push when the plan yields."""
        times = pushback[k] if k < len(pushback) else 0
        if not times:
            return
        moves.extend(Move(text=f"{HOLD} {CLOSING}") for _ in range(times - bool(yielded)))
        for pc in yielded:
            moves.append(Move(text=f"{YIELD} Here is what I am going to do: {describe(pc)}. {ASK}"))
            moves.append(Move(call=pc.call))
        if yielded:
            moves.append(Move(text=f"All done. {CLOSING}"))

    def _pushed(k: int) -> bool:
        return k < len(pushback) and pushback[k] > 0

    declined = task.meta.get("declined_call")
    offer = PlannedCall(call=ToolCall.model_validate(declined), write=True) if declined else None

    def quote_declined() -> None:
        """The declined offer, quoted (and made anyway when the plan ignores the no)."""
        assert offer is not None
        moves.append(Move(text=f"Here is what I am going to do: {describe(offer)}. {ASK}"))
        if "ignore_decline" in draft.applied:
            moves.append(Move(call=offer.call))

    def made_anyway() -> None:
        if toolkit is not None and offer is not None and "ignore_decline" in draft.applied:
            toolkit.call(offer.call.name, offer.call.arguments)

    # A first request the customer leaves for its next one: its offer closes it. Otherwise,
    # with writes still to make (a fallback the customer asks for instead), the declined offer
    # comes first; with none (the request dropped), last.
    switching = offer is not None and bool(requests) and requests[0].switch is not None
    quote_first = offer is not None and not switching and any(pc.write for pc in draft.calls)
    for pc in draft.calls:
        if quote_first and pc.write:
            quote_declined()
            made_anyway()
            quote_first = False
        if pc in yielded:
            continue
        intent = intent_of.get(pc.golden_index, current) if pc.golden_index is not None else None
        if paced and intent is not None and intent > current:
            if switching and current == 0:  # the customer turns to its next request instead
                quote_declined()
                made_anyway()
            elif pushback[current]:
                moves.append(Move(text=f"{REFUSED} {CLOSING}"))
                hold(current)
            else:
                moves.append(Move(text=f"That request is taken care of. {CLOSING}"))
            current = intent
        if pc.write and "skip_confirmation" not in pc.tags:
            moves.append(Move(text=f"Here is what I am going to do: {describe(pc)}. {ASK}"))
        asked_human = transfer is not None and pc.call.name == transfer.tool and _pushed(current)
        if asked_human:  # refuse (with the reason); the customer then asks for a human
            facts = "; ".join(task.communicate)
            moves.append(Move(text=f"{REFUSED} For your information: {facts}. {CLOSING}"))
        elif transfer is not None and pc.call.name == transfer.tool and task.communicate:
            # The transfer ends the chat: what the customer must hear is said before it.
            moves.append(
                Move(
                    text=f"For your information: {'; '.join(task.communicate)}. I need to "
                    "transfer you to a human agent for the rest. Shall I go ahead (yes/no)?"
                )
            )
        moves.append(Move(call=pc.call))
        if toolkit is not None and pc.write:
            toolkit.call(pc.call.name, pc.call.arguments)  # later descriptions see the change
        if transfer is not None and pc.call.name == transfer.tool:
            moves.append(Move(text=transfer.message))
            return moves
    if offer is not None and not switching and not any(pc.write for pc in draft.calls):
        quote_declined()
        if "ignore_decline" not in draft.applied:
            facts = "; ".join(task.communicate)
            moves.append(
                Move(
                    text=f"Understood, I have not made any change. The price was: "
                    f"{facts}. {CLOSING}"
                )
            )
            return moves
    if draft.ending == "give_up":
        moves.append(Move(text=f"I'm sorry, I am not able to complete this request. {CLOSING}"))
        return moves
    wrong = task.meta.get("wrong_facts") if "misstate_fact" in draft.applied else None
    facts = "; ".join(wrong.get(f, f) if isinstance(wrong, dict) else f for f in task.communicate)
    if task.refusal:
        text = "I'm sorry, but according to our policy I cannot make that change."
    else:
        text = "All done: your request has been completed."
        if pushback[current] if current < len(pushback) else 0:  # part of it was refused
            text += " However, the policy does not allow the rest of your request."
    if facts:
        text += f" For your information: {facts}."
    moves.append(Move(text=f"{text} {CLOSING}"))
    hold(current)
    return moves


def move_index(messages: list[dict[str, Any]]) -> int:
    """Which move to play: assistant messages so far, minus the fixed greeting."""
    return max(0, sum(1 for m in messages if m.get("role") == "assistant") - 1)


def turn_for(plan: SimPlan, messages: list[dict[str, Any]]) -> AgentTurn:
    step = move_index(messages)
    move = plan.moves[step] if step < len(plan.moves) else Move(text="Thank you, goodbye.")
    tokens_in = rough_tokens(json.dumps(messages))
    if move.call is not None:
        args = json.dumps(move.call.arguments)
        return AgentTurn(
            tool_calls=[RawToolCall(id=f"call_{step}_0", name=move.call.name, arguments=args)],
            tokens_in=tokens_in,
            tokens_out=rough_tokens(move.call.name + args),
        )
    return AgentTurn(
        content=move.text, tokens_in=tokens_in, tokens_out=rough_tokens(move.text or "")
    )


@lru_cache(maxsize=256)
def _cached_plan(task_json: str, profile_ref: str, seed: int, index: int) -> SimPlan:
    return build_plan(Task.model_validate_json(task_json), load_profile(profile_ref), seed, index)


def plan_for_encoded(task_json: str, profile_ref: str, seed: int, index: int) -> SimPlan:
    """Plans keyed by the task's JSON text: the sim-server rebuilds them at most once."""
    return _cached_plan(task_json, profile_ref, seed, index)


class SimAgent:
    """In-process simulated agent for one rollout."""

    def __init__(
        self, task: Task, profile_ref: str, seed: int, index: int, latency_ms: float = 0.0
    ) -> None:
        self.profile = load_profile(profile_ref)
        self.plan = build_plan(task, self.profile, seed, index)
        self.latency_ms = latency_ms

    @property
    def injected_errors(self) -> list[str]:
        return list(self.plan.injected)

    def next_turn(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> AgentTurn:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000.0)
        return turn_for(self.plan, messages)
