"""World builder of the mock shop: one user, a few items and orders, plus distractors (and the
plan of its intents)."""

from __future__ import annotations

import random
from typing import Any

from domains.dag import Built, Walk
from domains.params import Point

NAMES = ("Ann", "Bob", "Cleo", "Dara", "Eli", "Fay")
ITEMS = ("lamp", "mug", "chair", "desk", "rug", "vase", "clock")
FEATURES = frozenset({"distractor_density"})  # what `build` puts in Built.features


def plan(point: Point, rng: random.Random) -> list[tuple[str, Point]]:
    out: list[tuple[str, Point]] = [(str(point["intent"]), dict(point))]
    if point["second_intent"] != "none":
        out.append((str(point["second_intent"]), {**point, "policy_trap": "no"}))
    return out


def build(walk: Walk, point: Point, rng: random.Random, pools: Any) -> Built:
    name = rng.choice(NAMES)
    uid = f"{name.lower()}_{rng.randint(1, 99)}"
    n_items = 2 + int(point["distractors"])
    names = rng.sample(ITEMS, n_items)
    prices = rng.sample(range(5, 60), n_items)
    items = dict(zip(names, prices, strict=True))
    user: dict[str, Any] = {"user_id": uid, "name": name, "balance": 0, "orders": []}
    orders: dict[str, Any] = {}
    golden: list[dict[str, Any]] = [{"name": "get_user", "arguments": {"user_id": uid}}]
    facts: dict[str, Any] = {"name": name, "user_id": uid, "requests": []}
    required, forbidden, communicate = [uid], [], []
    meta: dict[str, Any] = {"choices": [], "user_id": uid}
    # Existing orders first (ids O1..), so new orders get the next free id.
    cancels = [s for s in walk.segments if s.intent == "cancel"]
    for i in range(len(cancels) + int(point["distractors"])):
        oid = f"O{i + 1}"
        item = rng.choice(names)
        orders[oid] = {
            "order_id": oid,
            "user_id": uid,
            "item": item,
            "price": items[item],
            "status": "pending",
        }
        user["orders"].append(oid)
    for k, seg in enumerate(walk.segments):
        if seg.intent == "place":
            if seg.point["selection"] == "cheapest":
                item = min(items, key=lambda x: items[x])
                forbidden.append(item)
                facts["requests"].append({"kind": "place", "item": None})
            else:
                item = rng.choice(names)
                required.append(item)
                facts["requests"].append({"kind": "place", "item": item})
            user["balance"] += items[item] + rng.randint(0, 5)
            golden.append({"name": "place_order", "arguments": {"user_id": uid, "item": item}})
            meta["choices"].append(
                {
                    "call": len(golden) - 1,
                    "kind": "item",
                    "path": "item",
                    "gold": item,
                    "alternatives": [x for x in names if x != item],
                }
            )
            communicate.append(f"${items[item]}")
        else:
            nth = [s.intent for s in walk.segments[: k + 1]].count("cancel")
            oid = f"O{nth}"
            required.append(oid)
            golden.append({"name": "get_order", "arguments": {"order_id": oid}})
            if seg.point["policy_trap"] == "yes":
                orders[oid]["status"] = "cancelled"
                meta["refusal_reason"] = f"order {oid} is already cancelled"
                communicate.append("already cancelled")  # the reason, so silence fails
            else:
                golden.append({"name": "cancel_order", "arguments": {"order_id": oid}})
            facts["requests"].append({"kind": "cancel", "order_id": oid})
    refusal = not any(c["name"] in ("place_order", "cancel_order") for c in golden)
    world = {
        "users": {uid: user},
        "orders": orders,
        "items": items,
    }
    return Built(
        world=world,
        golden=golden,
        communicate=communicate,
        user_facts={"user_id": uid, "name": name},
        required_text=required,
        forbidden_text=forbidden,
        features={"distractor_density": float(point["distractors"])},
        meta=meta,
        refusal=refusal,
        text_facts=facts,
    )
