"""`toolmine replay`: run recorded tool calls on a world and print what the agent would see.

This is the conformance harness: the same calls on the same world must give tau2's responses and
final state. One `--calls` file is one session; `--cases` runs many sessions in one process, each
from a fresh copy of the world (or the case's own world), printing one JSON line per case.

Tool failures (unknown tool, bad arguments, a rule the tool enforces) are responses flagged as
errors, exactly as the agent would get them; only bad input to the command itself (unknown
domain, unreadable file, malformed line) stops it with one `error: ...` line.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from cli.main import app
from domains import registry
from domains.base import (
    Domain,
    ToolCall,
    Toolkit,
    ToolResult,
    World,
    WorldFileError,
    one_line_errors,
)
from mining.core.errors import UserError


def get_domain(name: str) -> Domain:
    try:
        return registry.get(name)
    except registry.UnknownDomainError as exc:
        raise UserError(str(exc)) from None


def load_world(domain: Domain, path: str | None) -> World:
    """The domain's world from `path` (None: its default world), errors as user errors."""
    try:
        return domain.load_world(path)
    except WorldFileError as exc:
        raise UserError(str(exc)) from None
    except (OSError, ValueError) as exc:  # domains without WorldFileError (e.g. mock)
        what = one_line_errors(exc) if isinstance(exc, ValidationError) else str(exc)
        raise UserError(f"cannot load {domain.name} world from {path}: {what}") from None


def parse_world_json(domain: Domain, data: Any, where: str) -> World:
    """A world given inline as JSON (a case's "world")."""
    try:
        return domain.world_type.from_json(data, source=where)
    except WorldFileError as exc:
        raise UserError(str(exc)) from None


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-blank line; a bad line is a user error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}, line {number}: not valid JSON ({exc})") from None


def parse_call(data: Any, where: str) -> ToolCall:
    """One call line: {"name": str, "arguments": {...}}; other keys (an id, a recorded response)
    are ignored. The arguments are passed on raw, so arguments the tool cannot take become an
    error response, not a command failure."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise UserError(f'{where}: expected {{"name": <tool name>, "arguments": {{...}}}}')
    return ToolCall.model_construct(name=data["name"], arguments=data.get("arguments", {}))


def session(domain: Domain, base: World) -> Toolkit:
    """A toolkit over a fresh copy of `base`. Toolkits that can work on a copy-on-access fork
    (airline) skip copying the whole world."""
    on_fork = getattr(domain.toolkit_type, "on_fork", None)
    if on_fork is not None:
        toolkit: Toolkit = on_fork(base)
        return toolkit
    return domain.toolkit(base.copy_world())


def run_calls(toolkit: Toolkit, calls: list[ToolCall]) -> list[ToolResult]:
    with warnings.catch_warnings():
        # A tool may store an unvalidated argument (as tau2's do); pydantic then warns when it
        # serialises it. The value is shown as is, which is what tau2 shows too.
        warnings.simplefilter("ignore")
        return [toolkit.call(call.name, call.arguments) for call in calls]


def changed_entities(before: World, after: World) -> dict[str, dict[str, Any]]:
    """Top-level entities whose JSON differs, by collection and id (None: removed). Entities
    still shared with `before` (identical objects) are unchanged by construction."""
    changed: dict[str, dict[str, Any]] = {}
    for name in type(after).model_fields:
        old, new = getattr(before, name), getattr(after, name)
        if not isinstance(new, dict):
            continue
        changed[name] = {}
        for key in [*new, *(k for k in old if k not in new)]:
            if key in old and key in new and old[key] is new[key]:
                continue
            new_json = _entity_json(new[key]) if key in new else None
            if key not in old or new_json != _entity_json(old[key]):
                changed[name][key] = new_json
    return changed


def _entity_json(entity: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return entity.model_dump() if isinstance(entity, BaseModel) else entity


def replay(domain: Domain, world: World, calls: list[ToolCall], changed_only: bool) -> dict:
    """Run one session and build its output object."""
    toolkit = session(domain, world)
    responses = run_calls(toolkit, calls)
    out: dict[str, Any] = {"responses": [r.model_dump() for r in responses]}
    if changed_only:
        out["changed"] = changed_entities(world, toolkit.world)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["final_world"] = toolkit.world.to_json()
    return out


class _Case(BaseModel):
    calls: list[ToolCall]
    world: World | None = None


def read_cases(domain: Domain, path: Path) -> list[_Case]:
    """All case lines, checked before anything runs (so bad input prints nothing else)."""
    cases = []
    for number, data in read_jsonl(path):
        where = f"{path}, line {number}"
        if not isinstance(data, dict) or not isinstance(data.get("calls"), list):
            raise UserError(f'{where}: expected {{"calls": [...], "world": optional}}')
        world = None
        if data.get("world") is not None:
            world = parse_world_json(domain, data["world"], where)
        calls = [parse_call(c, f"{where}, call {i + 1}") for i, c in enumerate(data["calls"])]
        cases.append(_Case.model_construct(calls=calls, world=world))
    return cases


@app.command("replay")
def replay_command(
    domain_name: Annotated[
        str, typer.Option("--domain", help="Domain name (see the registry).")
    ] = "airline",
    world_path: Annotated[
        str | None,
        typer.Option("--world", help="World JSON file (default: the domain's default world)."),
    ] = None,
    calls_path: Annotated[
        Path | None,
        typer.Option("--calls", help='JSONL, one {"name": ..., "arguments": {...}} per line.'),
    ] = None,
    cases_path: Annotated[
        Path | None,
        typer.Option("--cases", help='JSONL, one {"calls": [...], "world"?: {...}} per line.'),
    ] = None,
    changed_only: Annotated[
        bool,
        typer.Option("--changed-only", help="Print changed entities instead of the final world."),
    ] = False,
) -> None:
    """Replay tool calls on a world and print the responses and the final world as JSON.

    Example: toolmine replay --domain airline --calls calls.jsonl --changed-only
    """
    if (calls_path is None) == (cases_path is None):
        raise UserError("give exactly one of --calls CALLS.jsonl or --cases CASES.jsonl")
    domain = get_domain(domain_name)
    if calls_path is not None:
        calls = [
            parse_call(data, f"{calls_path}, line {number}")
            for number, data in read_jsonl(calls_path)
        ]
        base = load_world(domain, world_path)
        print(json.dumps(replay(domain, base, calls, changed_only)))
        return
    assert cases_path is not None
    cases = read_cases(domain, cases_path)
    default: World | None = None
    for case in cases:
        world = case.world
        if world is None:
            default = default if default is not None else load_world(domain, world_path)
            world = default
        print(json.dumps(replay(domain, world, case.calls, changed_only)))
