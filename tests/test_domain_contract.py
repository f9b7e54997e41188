"""Registry-wide contract: every registered domain honours the domain contract.

Each check is parametrized over `domains.registry.names()`, so a new domain is covered by being
registered. To add a check, write a test taking `domain` (and `world` when it needs one);
`world` is the domain's default world, skipped with a reason when the domain has none here.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from domains import registry
from domains.base import Domain, ToolKind, World, WorldFileError, parse_docstring

NAMES = registry.names()


@pytest.fixture(params=NAMES)
def domain(request: pytest.FixtureRequest) -> Domain:
    return registry.get(request.param)


_WORLDS: dict[str, World] = {}


@pytest.fixture
def world(domain: Domain) -> World:
    """The domain's default world, loaded once per session (tests must not change it)."""
    if domain.name not in _WORLDS:
        try:
            _WORLDS[domain.name] = domain.load_world(None)
        except WorldFileError as exc:
            pytest.skip(f"{domain.name}: no default world here ({exc})")
    return _WORLDS[domain.name]


def test_registry_lists_airline_and_mock() -> None:
    assert {"airline", "mock"} <= set(NAMES)
    with pytest.raises(registry.UnknownDomainError, match="allowed: airline"):
        registry.get("nope")


def test_domain_spec(domain: Domain) -> None:
    assert domain.name and domain.summary and domain.policy.strip()
    assert issubclass(domain.world_type, World)
    assert domain.toolkit_type.tool_names(), "a domain has tools"


def test_hooks_name_the_domains_own_tools(domain: Domain) -> None:
    if domain.transfer is not None:
        assert domain.transfer.tool in domain.toolkit_type.tool_names()
        assert domain.transfer.message.strip()
    if domain.dag is not None:
        tool_nodes = {n for n, kind in domain.dag.graph().nodes(data="kind") if kind == "tool"}
        assert tool_nodes <= set(domain.toolkit_type.tool_names())


def test_every_tool_has_a_schema_and_docstring(domain: Domain) -> None:
    schemas = {s["function"]["name"]: s for s in domain.tool_schemas()}
    assert list(schemas) == domain.toolkit_type.tool_names()
    for name, fn in domain.toolkit_type.tool_functions().items():
        assert isinstance(domain.toolkit_type.tool_kind(name), ToolKind)
        description, arg_docs = parse_docstring(fn.__doc__)
        assert description, f"{domain.name}.{name} has no description"
        params = [p for p in inspect.signature(fn).parameters if p != "self"]
        assert set(arg_docs) == set(params), f"{domain.name}.{name}: document every argument"
        schema = schemas[name]
        assert schema["type"] == "function"
        assert schema["function"]["description"] == description
        assert list(schema["function"]["parameters"]["properties"]) == params
        for param in params:
            assert schema["function"]["parameters"]["properties"][param].get("description")


def test_every_domain_has_write_tools_and_reads(domain: Domain) -> None:
    kinds = {domain.toolkit_type.tool_kind(n) for n in domain.toolkit_type.tool_names()}
    assert {ToolKind.READ, ToolKind.WRITE} <= kinds


def test_world_round_trips(domain: Domain, world: World) -> None:
    data = world.to_json()
    again = domain.world_type.from_json(data)
    assert again.to_json() == data
    assert again.canonical() == world.canonical()


def _parts(value: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    """Every model, non-empty list and non-empty dict inside a world, with how deep it sits (the
    world's own fields: 1)."""
    if isinstance(value, BaseModel):
        if depth:
            yield depth, value
        for name in type(value).model_fields:
            yield from _parts(getattr(value, name), depth + 1)
    elif isinstance(value, (list, dict)) and value:
        yield depth, value
        for item in value.values() if isinstance(value, dict) else value:
            yield from _parts(item, depth + 1)


def _change(part: Any) -> int:
    """Change a part in place (a record's text and number fields, a container's items); return
    how many values changed."""
    if not isinstance(part, BaseModel):
        part.clear()
        return 1
    changed = 0
    for name, value in part.__dict__.items():
        if isinstance(value, str):
            part.__dict__[name] = value + "~"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            part.__dict__[name] = value + 1
        else:
            continue
        changed += 1
    return changed


def test_copy_is_equal_and_independent(domain: Domain, world: World) -> None:
    before = world.to_json()
    copy = world.copy_world()
    assert copy.canonical() == world.canonical()
    # Change the copy in place, the deepest parts first (a record's fields, its own lists, then
    # the records, then the world's tables): a copy sharing any part with the world, at any
    # depth, would change the world too.
    parts = list(_parts(copy))
    assert max(d for d, _ in parts) >= 3, "the world should have nested parts to check"
    for depth in sorted({d for d, _ in parts}, reverse=True):
        assert sum(_change(part) for d, part in parts if d == depth), f"nothing at depth {depth}"
        assert world.to_json() == before, f"changing the copy at depth {depth} changed the world"


def test_unknown_tool_is_an_error_not_a_crash(domain: Domain, world: World) -> None:
    toolkit = domain.toolkit(world.copy_world())
    result = toolkit.call("no_such_tool", {})
    assert result.error and result.content == "Error: Tool 'no_such_tool' not found."
    for name in toolkit.tool_names():
        # Garbage arguments never escape the toolkit boundary.
        bad: Any = {"__bogus__": object()}
        assert toolkit.call(name, bad).error


# --- DAG synthesis (domains with a `Domain.dag` hook) ------------------------------------------


def _synthesis_tasks(domain: Domain, n: int, seed: int) -> list[Any]:
    from mining.dag.synthesize import sample_tasks

    if domain.dag is None:
        pytest.skip(f"{domain.name}: no DAG synthesis")
    tasks = sample_tasks(domain.name, n, seed)
    assert len(tasks) == n
    return tasks


def test_synthesized_gold_replays_to_the_expected_world(domain: Domain) -> None:
    from mining.dag.validate import load_world, replay

    for task in _synthesis_tasks(domain, 30, 17):
        world = load_world(domain, task.world)
        result = replay(domain, world, task.golden_trajectory)  # through Toolkit.call
        assert result.errors == [], task.task_id
        assert result.world.to_json() == task.expected_final_world, task.task_id
        expected = domain.world_type.model_validate(task.expected_final_world).canonical()
        assert result.world.canonical() == expected
        changed = result.world.to_json() != load_world(domain, task.world).to_json()
        if task.refusal:
            assert not changed, f"{task.task_id}: a refusal leaves the world as it was"
            assert task.meta.get("refusal_reason"), task.task_id
        if not changed:  # doing nothing must fail: a fact to state or a transfer is asked for
            assert task.communicate or task.meta.get("transfer_expected"), task.task_id


def test_synthesis_is_deterministic_per_seed(domain: Domain) -> None:
    first = [t.model_dump_json() for t in _synthesis_tasks(domain, 8, 23)]
    again = [t.model_dump_json() for t in _synthesis_tasks(domain, 8, 23)]
    assert first == again
    other = [t.model_dump_json() for t in _synthesis_tasks(domain, 8, 24)]
    assert other != first
