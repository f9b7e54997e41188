"""Verifier assertions on a world's file form: derive them from a change, apply them, read paths.

A verifier says what the final state must be as `equals(path, value)` / `absent(path)`
assertions. Applying them to the initial world gives the expected final world, so a rollout is
judged by the same strict state comparison as a DAG task (everything asserted holds, nothing
else changed). Paths are [collection, id] or [collection, id, field]: the granularity at which
a domain's `reach` table says which tools can change what.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, Field

_MISSING = object()


class Assertion(BaseModel):
    op: Literal["equals", "absent"]
    path: list[str] = Field(min_length=2, max_length=3)
    value: Any = None

    def describe(self) -> str:
        where = ".".join(self.path)
        return f"{where} is absent" if self.op == "absent" else f"{where} == {self.value!r}"


def get_path(world: dict[str, Any], path: list[str]) -> Any:
    """The value at `path` (a module-private sentinel when any step is missing)."""
    node: Any = world
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return _MISSING
        node = node[step]
    return node


def exists(world: dict[str, Any], path: list[str]) -> bool:
    return get_path(world, path) is not _MISSING


def diff(initial: dict[str, Any], final: dict[str, Any]) -> list[Assertion]:
    """The assertions that turn `initial` into `final` (entity level for new or removed
    entities, field level for changed ones), in a stable order."""
    out: list[Assertion] = []
    for collection in sorted(set(initial) | set(final)):
        before, after = initial.get(collection, {}), final.get(collection, {})
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        for key in sorted(set(before) | set(after)):
            if key not in after:
                out.append(Assertion(op="absent", path=[collection, key]))
            elif key not in before:
                out.append(Assertion(op="equals", path=[collection, key], value=after[key]))
            elif before[key] != after[key]:
                old, new = before[key], after[key]
                for fld in sorted(set(old) | set(new)):
                    if old.get(fld, _MISSING) != new.get(fld, _MISSING):
                        out.append(
                            Assertion(op="equals", path=[collection, key, fld], value=new.get(fld))
                        )
    return out


def apply(initial: dict[str, Any], assertions: list[Assertion]) -> dict[str, Any]:
    """The expected final world: `initial` with every assertion made true."""
    world = copy.deepcopy(initial)
    for a in assertions:
        parent: Any = world
        for step in a.path[:-1]:
            parent = parent.setdefault(step, {})
        if a.op == "absent":
            parent.pop(a.path[-1], None)
        else:
            parent[a.path[-1]] = copy.deepcopy(a.value)
    return world
