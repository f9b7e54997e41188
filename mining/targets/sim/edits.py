"""The small edits simulated errors are made of: finding a planned call's argument leaves and
setting one, giving a planned call its own argument copy, inventing an id the world does not
hold, using the synthesizer's hints (`Task.meta["choices"]`) of the kinds the domain names for an
error, and letting the domain reprice a write after an edit. Shared by the injectors of
`mining.targets.sim.errors`."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

from domains.base import Mistakes, ToolCall
from mining.core.task import Task
from mining.targets.sim.draft import Ctx, Draft, PlannedCall

Choice = tuple[int, tuple[Any, ...], list[Any]]
"""A hinted wrong choice: (draft position, argument path, wrong alternatives)."""


def arg_leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from arg_leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from arg_leaves(v, (*path, i))
    else:
        yield path, value


def set_arg(args: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = args
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def own_args(pc: PlannedCall, tag: str) -> dict[str, Any]:
    """Give the planned call its own argument copy (golden calls are shared) and tag it."""
    pc.call = ToolCall(name=pc.call.name, arguments=copy.deepcopy(pc.call.arguments))
    pc.tags.append(tag)
    return pc.call.arguments


def write_positions(draft: Draft) -> list[int]:
    return [i for i, pc in enumerate(draft.calls) if pc.write]


def world_text(ctx: Ctx) -> str:
    if not ctx.text:
        ctx.text = json.dumps(ctx.world)
    return ctx.text


def fabricate_id(value: str, ctx: Ctx) -> str:
    match = re.match(r"^(.*?)(\d+)$", value)
    prefix, digits = (match.group(1), len(match.group(2))) if match else (value + "_", 6)
    text = world_text(ctx)
    for _ in range(50):
        candidate = prefix + "".join(str(ctx.rng.randrange(10)) for _ in range(max(digits, 3)))
        if candidate != value and candidate not in text:
            return candidate
    return prefix + "9" * (digits + 3)


def mistakes_of(ctx: Ctx) -> Mistakes:
    """What the task's domain says about its mistakes (look-alikes, confusions, pricing)."""
    from domains import registry

    return registry.get(ctx.task.domain).mistakes


def reprice_after_edit(args: dict[str, Any], ctx: Ctx) -> None:
    """After an argument edit, let the domain make the write's payments add up again (a real
    model prices the itinerary it chose), so the write succeeds and leaves a wrong state."""
    reprice = mistakes_of(ctx).reprice
    if reprice is not None:
        reprice(args, ctx.world)


def meta_list(task: Task, *keys: str) -> list[Any]:
    for key in keys:
        value = task.meta.get(key)
        if isinstance(value, list) and value:
            return value
    return []


def path_of(raw: Any) -> tuple[Any, ...]:
    """A choice's `path`: an argument name, a dotted path ("flights.0.flight_number") or a list."""
    if isinstance(raw, list | tuple):
        return tuple(raw)
    parts = str(raw).split(".")
    return tuple(int(p) if p.isdigit() else p for p in parts)


def hinted_choices(draft: Draft, ctx: Ctx, error: str) -> list[Choice]:
    """Synthesizer hints (`Task.meta["choices"]`) that `error` may use (of the kinds the domain
    names for it) and that point at planned calls: (draft position, argument path, wrong
    alternatives)."""
    kinds = mistakes_of(ctx).hint_kinds.get(error, frozenset())
    out = []
    position = {
        pc.golden_index: i for i, pc in enumerate(draft.calls) if pc.golden_index is not None
    }
    for choice in meta_list(ctx.task, "choices"):
        if not isinstance(choice, dict) or choice.get("kind") not in kinds:
            continue
        call = choice.get("call")
        i = position.get(call) if isinstance(call, int) else None
        alternatives = [
            a["value"] if isinstance(a, dict) and "value" in a else a
            for a in choice.get("alternatives") or []
        ]
        alternatives = [a for a in alternatives if a != choice.get("gold")]
        if i is not None and alternatives and choice.get("path") is not None:
            out.append((i, path_of(choice["path"]), alternatives))
    return out


def apply_choice(draft: Draft, ctx: Ctx, options: list[Choice], tag: str) -> bool:
    i, path, alternatives = options[ctx.rng.randrange(len(options))]
    args = own_args(draft.calls[i], tag)
    try:
        set_arg(args, path, copy.deepcopy(alternatives[ctx.rng.randrange(len(alternatives))]))
    except (KeyError, IndexError, TypeError):
        draft.calls[i].tags.remove(tag)
        return False
    reprice_after_edit(args, ctx)
    return True


def is_write(ctx: Ctx, name: str) -> bool:
    from domains import registry

    return name in registry.get(ctx.task.domain).toolkit_type.write_tools()


def transfer_tool_of(ctx: Ctx) -> str | None:
    """The domain's hand-off-to-a-human tool (None: it has none, so no transfer mistake)."""
    from domains import registry

    return registry.get(ctx.task.domain).transfer_tool()
