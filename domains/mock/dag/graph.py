"""Tool dependency DAG of the mock shop: two intents (place an order, cancel an order)."""

from __future__ import annotations

import networkx as nx

from domains.dag import IntentSpec

INTENTS: dict[str, IntentSpec] = {
    "place": IntentSpec("place", "get_user", frozenset({"place_order"}), "buy one item"),
    "cancel": IntentSpec(
        "cancel", "get_user", frozenset({"cancel_order", "refuse"}), "cancel a pending order"
    ),
}


def build_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for name in ("get_user", "get_order", "place_order", "cancel_order"):
        g.add_node(name, kind="tool")
    g.add_node("choose_item", kind="reason")
    g.add_node("check_cancellable", kind="reason")
    g.add_node("refuse", kind="outcome")
    g.add_edge("get_user", "choose_item", feeds="user.balance", intents={"place"})
    g.add_edge("choose_item", "place_order", feeds="item")
    g.add_edge("get_user", "get_order", feeds="user.orders", intents={"cancel"})
    g.add_edge("get_order", "check_cancellable", feeds="order.status")
    g.add_edge("check_cancellable", "cancel_order", feeds="order_id", when={"policy_trap": {"no"}})
    g.add_edge("check_cancellable", "refuse", when={"policy_trap": {"yes"}})
    return g
