"""Task text of the mock shop: seeded templates in the customer's voice."""

from __future__ import annotations

import random

from domains.dag import Built

OPENERS = ("Hi, this is {name} (user id {user_id}).", "Hello! I'm {name}, user id {user_id}.")


def task_text(built: Built, rng: random.Random) -> str:
    f = built.text_facts
    parts = [rng.choice(OPENERS).format(name=f["name"], user_id=f["user_id"])]
    for i, req in enumerate(f["requests"]):
        if req["kind"] == "place":
            if req["item"] is None:
                line = "I want to buy your cheapest item."
            else:
                line = f"I'd like to order a {req['item']}."
        else:
            line = f"Please cancel my order {req['order_id']}."
        parts.append(f"Also, {line[0].lower()}{line[1:]}" if i else line)
    return " ".join(parts)
