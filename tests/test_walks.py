"""Walks on tool graphs: conditioned on the point, merged on shared prefixes, signed stably."""

from __future__ import annotations

import random

import networkx as nx

from domains.airline.dag.graph import INTENTS, build_graph
from domains.dag import Walk, WalkSegment
from domains.params import Point
from mining.dag.walks import check_walk, intent_paths, sample_walk, walk_signature

GRAPH = build_graph()


def test_graph_is_a_dag_with_every_tool() -> None:
    assert nx.is_directed_acyclic_graph(GRAPH)
    assert {n for n, d in GRAPH.nodes(data=True) if d["kind"] == "tool"} >= {
        "book_reservation",
        "update_reservation_flights",
        "send_certificate",
    }


def test_point_conditions_the_walk() -> None:
    trap = {"policy_trap": "yes", "reservation_known": "yes"}
    assert intent_paths(GRAPH, INTENTS["cancel"], trap) == [
        ["get_user_details", "get_reservation_details", "check_cancel_eligibility", "refuse"]
    ]
    book = {"stops": "one_stop", "selection": "cheapest"}
    assert intent_paths(GRAPH, INTENTS["book"], book) == [
        [
            "get_user_details",
            "search_onestop_flight",
            "compare_prices",
            "compute_total",
            "book_reservation",
        ]
    ]
    unknown = {"policy_trap": "no", "reservation_known": "no"}
    (path,) = intent_paths(GRAPH, INTENTS["add_bags"], unknown)
    assert path[:3] == ["get_user_details", "find_reservation", "get_reservation_details"]


def test_flown_cancel_transfers_and_delayed_compensation_cancels_first() -> None:
    flown = {"policy_trap": "no", "reservation_known": "yes", "flown": "yes"}
    assert intent_paths(GRAPH, INTENTS["cancel"], flown) == [
        [
            "get_user_details",
            "get_reservation_details",
            "check_cancel_eligibility",
            "transfer_to_human_agents",
        ]
    ]
    for trap, end in (("no", "send_certificate"), ("yes", "refuse")):
        point = {"policy_trap": trap, "reservation_known": "yes", "disruption": "delayed"}
        (path,) = intent_paths(GRAPH, INTENTS["compensation"], point)
        assert path[-3:] == ["check_compensation_eligibility", "cancel_reservation", end]
        point["disruption"] = "cancelled"
        (path,) = intent_paths(GRAPH, INTENTS["compensation"], point)
        assert path[-2:] == ["check_compensation_eligibility", end]
    # A cancellation the flight's status contradicts: checked, then refused.
    point = {"policy_trap": "yes", "reservation_known": "yes", "disruption": "none"}
    (path,) = intent_paths(GRAPH, INTENTS["compensation"], point)
    assert path[-3:] == ["get_flight_status", "check_compensation_eligibility", "refuse"]


def test_multi_intent_chain_shares_the_user_lookup() -> None:
    plan: list[tuple[str, Point]] = [
        ("cancel", {"policy_trap": "no", "reservation_known": "yes", "flown": "no"}),
        ("book", {"stops": "direct", "selection": "earliest"}),
    ]
    walk = sample_walk(GRAPH, INTENTS, plan, random.Random(0))
    nodes = walk.nodes()
    assert nodes.count("get_user_details") == 1
    assert nodes[-1] == "book_reservation" and "cancel_reservation" in nodes
    assert check_walk(GRAPH, walk) == []


def test_check_walk_rejects_a_missing_edge_and_signature_is_stable() -> None:
    bad = Walk(segments=(WalkSegment("book", ("get_user_details", "book_reservation"), {}),))
    assert check_walk(GRAPH, bad) == ["book: no edge get_user_details -> book_reservation"]
    good = Walk(
        segments=(WalkSegment("flight_status", ("get_flight_status", "report_status"), {}),)
    )
    a = walk_signature("airline", good, {"x": 1, "y": 2})
    assert a == walk_signature("airline", good, {"y": 2, "x": 1})
    assert a != walk_signature("airline", good, {"x": 2, "y": 2})
