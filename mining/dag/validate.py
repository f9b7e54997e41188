"""Validation of a synthesized candidate before anyone spends a rollout on it.

A candidate is kept only if: its world loads in the domain's model and passes the domain's world
consistency checker (before and after the golden trajectory); its golden trajectory replays
without a single tool error; the final state equals the initial one for a refusal; a task whose
gold makes no write still asks for something a do-nothing agent cannot give (a fact to state or
a transfer), so doing nothing never passes; the task text carries every required fact and leaks
none of the answers; and the domain's own checks (e.g. answer uniqueness) pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from domains.base import Domain, ToolCall, ToolKind, World
from domains.dag import Built, DagSpec


@dataclass
class ReplayResult:
    world: World
    outputs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_world(domain: Domain, world: dict[str, Any]) -> World:
    return domain.world_type.model_validate(world)


def replay(
    domain: Domain, world: World, calls: Sequence[ToolCall | dict[str, Any]]
) -> ReplayResult:
    """Run calls in order on `world` (changed in place). Errors are collected, not raised."""
    toolkit = domain.toolkit(world)
    result = ReplayResult(world=world)
    for i, call in enumerate(calls):
        tc = call if isinstance(call, ToolCall) else ToolCall.model_validate(call)
        out = toolkit.call(tc.name, tc.arguments)
        result.outputs.append(out.content)
        if out.error:
            result.errors.append(f"call {i} {tc.name}: {out.content}")
    return result


def _replay_errors(domain: Domain, world: World, calls: Sequence[dict[str, Any]]) -> list[str]:
    """`replay(...).errors` without rendering each tool's output as JSON (validation needs only
    the errors and the final world; rendering was a tenth of synthesis time). Same boundary
    rules as `Toolkit.call`: unknown tool and raised errors become `Error: ...` messages."""
    toolkit = domain.toolkit(world)
    known = toolkit.tool_functions()
    errors: list[str] = []
    for i, call in enumerate(calls):
        name = call["name"]
        if name not in known:
            errors.append(f"call {i} {name}: Error: Tool '{name}' not found.")
            continue
        try:
            getattr(toolkit, name)(**(call.get("arguments") or {}))
        except Exception as exc:  # the toolkit boundary, as in Toolkit.call
            errors.append(f"call {i} {name}: Error: {exc}")
    return errors


def mentions(text: str, fact: str) -> bool:
    """Case-insensitive containment; numbers must stand alone (so '30' is not found in '1300')."""
    low, f = text.lower().replace(",", ""), fact.lower().replace(",", "")
    if not _NUMBER.fullmatch(f):
        return f in low
    # Plain scanning instead of a per-fact regex: thousands of distinct patterns would churn
    # the `re` module's cache (this check runs on every synthesized candidate).
    start = low.find(f)
    while start >= 0:
        end = start + len(f)
        before = low[start - 1] if start else ""
        after = low[end] if end < len(low) else ""
        if not (before.isdecimal() or before == ".") and not after.isdecimal():
            return True
        start = low.find(f, start + 1)
    return False


_NUMBER = re.compile(r"[\d.]+")


INCONSISTENT = "consistency"  # how a problem found by the domain's consistency checker begins


def consistency_problems(domain: Domain, world: World, label: str = "") -> list[str]:
    """The domain's consistency checker's findings on `world`, as problems."""
    if domain.consistency is None:
        return []
    return [f"{INCONSISTENT}{label}: {v}" for v in domain.consistency(world)]


def validate(
    domain: Domain, spec: DagSpec, built: Built, text: str, shown: str | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """(initial world, expected final world, both in the canonical file form; problems). No
    problems means the candidate is valid. `text` must carry the required facts; `shown`
    (default: `text`), everything the customer may say, must leak none of the answers. A world
    the consistency checker flags is rejected for that alone (the rest is not checked)."""
    try:
        world = load_world(domain, built.world)
    except ValidationError as exc:
        return None, None, [f"world does not load: {str(exc).splitlines()[0]}"]
    problems = consistency_problems(domain, world)
    if problems:
        return None, None, problems
    for fact in built.required_text:
        if not mentions(text, fact):
            problems.append(f"task text lacks required fact {fact!r}")
    for fact in built.forbidden_text:
        if mentions(text if shown is None else shown, fact):
            problems.append(f"task text leaks the answer {fact!r}")
    if spec.check is not None:
        # Domain checks only read, so they run on the initial world before the replay.
        problems.extend(spec.check(world, built))
    if problems:
        return None, None, problems
    # A refusal must leave the world as it was (compared in file form: reads never reorder
    # anything). The initial dump is also the task's world in canonical form.
    writes = [c for c in built.golden if _is_write(domain, c["name"])]
    initial = world.to_json()
    problems.extend(_replay_errors(domain, world, built.golden))
    problems.extend(consistency_problems(domain, world, " (expected world)"))
    final = world.to_json()
    if built.refusal:
        if writes:
            problems.append("refusal task has write calls in its golden trajectory")
        if final != initial:
            problems.append("refusal task changes the world")
    if not writes and not built.communicate and not built.meta.get("transfer_expected"):
        problems.append("no write, no fact to state and no transfer: doing nothing would pass")
    return initial, final, problems


def _is_write(domain: Domain, name: str) -> bool:
    try:
        return domain.toolkit_type.tool_kind(name) is ToolKind.WRITE
    except KeyError:
        return False
