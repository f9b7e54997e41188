"""The mock shop domain that backs the core tests: its tools, errors and world."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domains import registry
from domains.mock import MockTools, MockWorld, default_world
from domains.mock.data_model import load_world


@pytest.fixture
def tools() -> MockTools:
    return MockTools(default_world())


def test_registered() -> None:
    assert registry.get("mock").world_type is MockWorld
    assert "mock" in registry.names()


def test_reads(tools: MockTools) -> None:
    assert json.loads(tools.call("get_user", {"user_id": "ann_1"}).content)["balance"] == 100
    assert json.loads(tools.call("get_order", {"order_id": "O2"}).content)["item"] == "mug"
    missing = tools.call("get_user", {"user_id": "zed"})
    assert (missing.content, missing.error) == ("Error: User zed not found", True)


def test_place_order_charges_the_balance(tools: MockTools) -> None:
    order = json.loads(tools.call("place_order", {"user_id": "ann_1", "item": "chair"}).content)
    assert order == {
        "order_id": "O3",
        "user_id": "ann_1",
        "item": "chair",
        "price": 45,
        "status": "pending",
    }
    assert tools.world.users["ann_1"].balance == 55
    assert tools.world.users["ann_1"].orders == ["O1", "O3"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"user_id": "bob_2", "item": "chair"}, "Error: Not enough balance"),
        ({"user_id": "ann_1", "item": "sofa"}, "Error: Item sofa not found"),
        ({"user_id": "zed", "item": "mug"}, "Error: User zed not found"),
    ],
)
def test_place_order_rejections(tools: MockTools, arguments: dict, message: str) -> None:
    before = tools.world.to_json()
    result = tools.call("place_order", arguments)
    assert (result.content, result.error) == (message, True)
    assert tools.world.to_json() == before


def test_cancel_refunds_once(tools: MockTools) -> None:
    assert not tools.call("cancel_order", {"order_id": "O1"}).error
    assert tools.world.users["ann_1"].balance == 130
    again = tools.call("cancel_order", {"order_id": "O1"})
    assert (again.content, again.error) == ("Error: Order O1 is not pending", True)
    assert tools.world.users["ann_1"].balance == 130


def test_boundary_errors_are_data(tools: MockTools) -> None:
    unknown = tools.call("refund_everything", {})
    assert (unknown.content, unknown.error) == ("Error: Tool 'refund_everything' not found.", True)
    extra = tools.call("get_user", {"user_id": "ann_1", "x": 1})
    assert extra.error and "unexpected keyword argument 'x'" in extra.content
    assert tools.call("transfer_to_human_agents", {"summary": "s"}).content == "Transfer successful"


def test_canonical_ignores_order_id_order() -> None:
    a = default_world()
    b = default_world()
    a.users["ann_1"].orders = ["O1", "O9"]
    b.users["ann_1"].orders = ["O9", "O1"]
    assert a.canonical() == b.canonical()
    assert a.to_json() != b.to_json()


def test_world_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(default_world().to_json()))
    assert load_world(str(path)) == default_world()
    assert load_world(None) == default_world()


def test_copy_is_independent() -> None:
    world = default_world()
    copy = world.copy_world()
    MockTools(copy).call("cancel_order", {"order_id": "O1"})
    assert world.orders["O1"].status == "pending"
