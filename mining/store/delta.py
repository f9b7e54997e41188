"""World deltas: a rollout's final world as the changes it made to the task's initial world.

A world is tens of KB and a rollout changes a handful of fields, so a rollout record carries the
delta instead of the whole final world across Temporal; the ledger, which already stores the
candidate's world, rebuilds the final world before storing it by content hash. Dicts are diffed
key by key (recursively); any other value that differs (lists included) is replaced whole.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, Field


class WorldDelta(BaseModel):
    """Paths to set (with their new values) and paths to remove; compact on the wire."""

    set: list[tuple[list[str], Any]] = Field(default_factory=list)
    unset: list[list[str]] = Field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.set or self.unset)


def diff(base: dict[str, Any], final: dict[str, Any]) -> WorldDelta:
    """The changes that turn `base` into `final` (empty when equal)."""
    out = WorldDelta()
    _diff(base, final, [], out)
    return out


def _diff(base: dict[str, Any], final: dict[str, Any], path: list[str], out: WorldDelta) -> None:
    for key in sorted(base.keys() - final.keys()):
        out.unset.append([*path, key])
    for key, new in final.items():
        if key not in base:
            out.set.append(([*path, key], new))
            continue
        old = base[key]
        if isinstance(old, dict) and isinstance(new, dict):
            _diff(old, new, [*path, key], out)
        elif old != new or type(old) is not type(new):
            out.set.append(([*path, key], new))


def apply(base: dict[str, Any], changes: WorldDelta) -> dict[str, Any]:
    """`base` with `changes` applied (a new dict; `base` is left alone)."""
    world = copy.deepcopy(base)
    for path in changes.unset:
        _parent(world, path).pop(path[-1], None)
    for path, value in changes.set:
        _parent(world, path)[path[-1]] = copy.deepcopy(value)
    return world


def _parent(world: dict[str, Any], path: list[str]) -> dict[str, Any]:
    if not path:
        raise ValueError("a world change needs a non-empty path")
    node = world
    for key in path[:-1]:
        node = node[key]
    return node
