"""World of the mock shop: users with a balance, orders that are pending or cancelled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domains.base import World


class MockUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str
    name: str
    balance: int
    orders: list[str]  # order ids; order carries no meaning (sorted in the canonical form)


class MockOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_id: str
    user_id: str
    item: str
    price: int
    status: Literal["pending", "cancelled"] = "pending"


class MockWorld(World):
    users: dict[str, MockUser]
    orders: dict[str, MockOrder]
    items: dict[str, int]  # item name -> price

    def canonical(self) -> dict[str, Any]:
        data = self.to_json()
        for user in data["users"].values():
            user["orders"] = sorted(user["orders"])
        return data


def default_world() -> MockWorld:
    return MockWorld.model_validate(
        {
            "users": {
                "ann_1": {"user_id": "ann_1", "name": "Ann", "balance": 100, "orders": ["O1"]},
                "bob_2": {"user_id": "bob_2", "name": "Bob", "balance": 20, "orders": ["O2"]},
            },
            "orders": {
                "O1": {"order_id": "O1", "user_id": "ann_1", "item": "lamp", "price": 30},
                "O2": {"order_id": "O2", "user_id": "bob_2", "item": "mug", "price": 8},
            },
            "items": {"lamp": 30, "mug": 8, "chair": 45},
        }
    )


def load_world(path: str | None) -> MockWorld:
    if path is None:
        return default_world()
    return MockWorld.model_validate(json.loads(Path(path).read_text()))
