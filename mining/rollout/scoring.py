"""Scoring of one rollout against its task: a strict pass/fail plus dense components.

Strict pass (the mining criterion) = the canonical final world equals the expected one (the
domain's `canonical()` makes order-free collections order-insensitive, so listing payment methods
in another order does not fail a correct run), every `communicate` fact was stated by the
assistant (as whole tokens with units, `mining/rollout/facts.py`: "$50" is not found in "$1,500";
a fact's accepted other wordings are `task.meta["communicate_alternatives"]`), every successful
write was described and then confirmed by the customer after the previous one, with the reads the
policy requires done before it, and none on a refusal task (`mining/rollout/compliance.py`:
`write_violations`), and no other policy violation (recorded
violations, a transfer to a human when the task does not call for one, or no transfer when it
does: `task.meta["transfer_expected"]`).

Dense components (for analysis and shaped rewards; all in [0, 1]):
- golden_writes_matched: share of golden write calls the agent made with equal arguments;
- state_similarity: Jaccard overlap of the (path, value) leaves of final vs expected world;
- collateral_penalty: 0.25 per agent write that matches no golden write, capped at 1;
- efficiency: golden call count / agent call count, capped at 1;
- transfer_penalty: 1 for a needless transfer to a human agent (the domain's `Domain.transfer`
  tool), else 0.
`reward` is 1.0 on a strict pass; otherwise a shaped value below 1:
0.5 golden_writes_matched + 0.3 state_similarity + 0.2 efficiency
- 0.3 collateral_penalty - 0.5 transfer_penalty, clipped to [0, 0.9].

`tau2_passed` is the verdict on tau2-bench's terms, recorded beside toolmine's so pass rates can
be quoted either way: the final world's DB hash (computed as tau2 computes it, so the order of
passengers, payments and bookings matters) equals the expected world's, and every fact was said;
transfers and policy violations do not count (tau2's DB x COMMUNICATE reward ignores them).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from domains import registry
from domains.base import ToolCall, ToolKind, World
from mining.core.task import Task
from mining.core.trajectory import Trajectory
from mining.rollout.compliance import write_violations
from mining.rollout.facts import said


class Score(BaseModel):
    passed: bool
    state_match: bool
    communicated: bool
    policy_ok: bool
    golden_writes_matched: float
    state_similarity: float
    collateral_penalty: float
    efficiency: float
    transfer_penalty: float
    reward: float
    reasons: list[str] = Field(default_factory=list, description="why it did not pass")
    write_violations: list[str] = Field(
        default_factory=list,
        description="writes not described and confirmed, without required lookups, or on a "
        "refusal task",
    )
    tau2_passed: bool | None = Field(
        default=None, description="the verdict on tau2's terms (None: scored before it existed)"
    )


def said_as_tau2(texts: list[str], fact: str) -> bool:
    """tau2's COMMUNICATE check: case-insensitive substring of an assistant text, no commas."""
    f = fact.lower().replace(",", "")
    return any(f in t.lower().replace(",", "") for t in texts)


def unsaid(task: Task, texts: list[str]) -> list[str]:
    """The task's facts no assistant text states (in any accepted wording)."""
    other = task.meta.get("communicate_alternatives") or {}
    return [f for f in task.communicate if not said(texts, f, other.get(f, ()))]


def _norm(value: Any) -> Any:
    """Argument normal form: lists compared as multisets (their order rarely matters for a write
    to be 'the same call'; the strict state check still catches order that matters)."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((_norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _key(call: ToolCall) -> str:
    return json.dumps([call.name, _norm(call.arguments)], sort_keys=True, default=str)


def _leaves(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        out: set[str] = set()
        for k, v in value.items():
            out |= _leaves(v, f"{path}/{k}")
        return out or {f"{path}={{}}"}
    if isinstance(value, list):
        out = set()
        for i, v in enumerate(value):
            out |= _leaves(v, f"{path}[{i}]")
        return out or {f"{path}=[]"}
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {f"{path}={json.dumps(value)}"}


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    la, lb = _leaves(a), _leaves(b)
    union = la | lb
    return 1.0 if not union else len(la & lb) / len(union)


def canonical_of(domain: str, world: dict[str, Any]) -> dict[str, Any]:
    dom = registry.get(domain)
    return dom.world_type.model_validate(world).canonical()


def tau2_db_hash(world: World) -> str:
    """tau2's DB hash: sha256 of the world's model dump as JSON with sorted keys (and tau2's
    default separators); lists keep their order."""
    text = json.dumps(world.tau2_dump(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def tau2_verdict(final: World | None, expected: World, said_all: bool) -> bool:
    """Pass on tau2's terms: equal DB hashes and every fact said (a final world that does not
    load, None here, fails as tau2's replay would)."""
    return final is not None and said_all and tau2_db_hash(final) == tau2_db_hash(expected)


def score_rollout(
    task: Task,
    final_world: dict[str, Any],
    trajectory: Trajectory,
    policy_violations: list[str] | None = None,
) -> Score:
    """Score one rollout. Never raises on a bad final world: it just fails the state check."""
    dom = registry.get(task.domain)
    reasons: list[str] = []
    expected_world = dom.world_type.model_validate(task.expected_final_world)
    expected = expected_world.canonical()
    final_loaded: World | None = None
    try:
        final_loaded = dom.world_type.model_validate(final_world)
        final = final_loaded.canonical()
    except ValidationError as exc:
        final = final_world
        reasons.append(f"final world does not load: {str(exc).splitlines()[0]}")
    state_match = final == expected
    if not state_match:
        reasons.append("final world differs from the expected one")

    texts = trajectory.assistant_texts()
    missing = unsaid(task, texts)
    if missing:
        reasons.append(f"not communicated: {', '.join(missing)}")

    calls = trajectory.tool_calls()
    violations = list(policy_violations or [])
    transfer_tool = dom.transfer_tool()
    transferred = transfer_tool is not None and any(c.name == transfer_tool for c in calls)
    transfer_expected = bool(task.meta.get("transfer_expected", False))
    needless_transfer = transferred and not transfer_expected
    if needless_transfer:
        violations.append(f"needless {transfer_tool}")
    if transfer_expected and not transferred:
        # The policy leaves a human agent as the only way (e.g. a flown flight to cancel).
        violations.append(f"missing {transfer_tool or 'transfer'} (the policy requires one)")
    writes_wrong = write_violations(task, trajectory, dom)
    violations.extend(writes_wrong)
    reasons.extend(f"policy: {v}" for v in violations)

    def is_write(name: str) -> bool:
        try:
            return dom.toolkit_type.tool_kind(name) is ToolKind.WRITE
        except KeyError:
            return False

    gold_writes = Counter(_key(c) for c in task.golden_trajectory if is_write(c.name))
    agent_writes = Counter(_key(c) for c in calls if is_write(c.name))
    matched = sum((gold_writes & agent_writes).values())
    n_gold = sum(gold_writes.values())
    extra = sum((agent_writes - gold_writes).values())
    writes_matched = 1.0 if n_gold == 0 else matched / n_gold
    collateral = min(1.0, 0.25 * extra)
    efficiency = min(1.0, len(task.golden_trajectory) / len(calls)) if calls else 1.0
    if not task.golden_trajectory and not calls:
        efficiency = 1.0
    transfer_penalty = 1.0 if needless_transfer else 0.0
    sim = 1.0 if state_match else similarity(final, expected)

    passed = state_match and not missing and not violations
    if passed:
        reward = 1.0
    else:
        shaped = (
            0.5 * writes_matched
            + 0.3 * sim
            + 0.2 * efficiency
            - 0.3 * collateral
            - 0.5 * transfer_penalty
        )
        reward = round(max(0.0, min(0.9, shaped)), 4)
    return Score(
        passed=passed,
        state_match=state_match,
        communicated=not missing,
        policy_ok=not violations,
        golden_writes_matched=round(writes_matched, 4),
        state_similarity=round(sim, 4),
        collateral_penalty=collateral,
        efficiency=round(efficiency, 4),
        transfer_penalty=transfer_penalty,
        reward=reward,
        reasons=reasons,
        write_violations=writes_wrong,
        tau2_passed=tau2_verdict(
            final_loaded, expected_world, all(said_as_tau2(texts, f) for f in task.communicate)
        ),
    )
