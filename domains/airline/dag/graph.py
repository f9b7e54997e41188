"""The airline tool dependency DAG and its named intents.

Nodes are the 14 tools plus the reasoning steps an agent performs between them (find the
reservation, compare prices / durations / departures, compute a total, a fare difference or bag
fees, check an eligibility rule) and two outcomes (refuse, report a status). Edges say what feeds
what; `when` conditions tie branches to the parameter point (direct vs one-stop search, the
selection criterion, a policy trap leading to a refusal, a known vs unknown reservation id).
"""

from __future__ import annotations

import networkx as nx

from domains.dag import IntentSpec

TOOLS = (
    "get_user_details",
    "get_reservation_details",
    "list_all_airports",
    "search_direct_flight",
    "search_onestop_flight",
    "get_flight_status",
    "calculate",
    "transfer_to_human_agents",
    "book_reservation",
    "cancel_reservation",
    "update_reservation_flights",
    "update_reservation_baggages",
    "update_reservation_passengers",
    "send_certificate",
)
REASONS = (
    "find_reservation",
    "compare_prices",
    "compare_durations",
    "compare_departures",
    "match_named_flight",
    "compute_total",
    "compute_fare_difference",
    "compute_bag_fees",
    "check_cancel_eligibility",
    "check_modify_eligibility",
    "check_cabin_change_eligibility",
    "check_passenger_count",
    "check_compensation_eligibility",
    "check_insurance_rule",
    "check_change_rules",
    "check_delay_claim",
    "count_bag_allowance",
    "sum_balances",
    "review_reservations",
    "sum_trip_costs",
)
OUTCOMES = ("refuse", "report_status", "answer")

RESERVATION_INTENTS = frozenset(
    {"cancel", "change_flights", "change_cabin", "add_bags", "change_passengers", "compensation"}
    | {"insurance", "complaint", "partial_change", "info"}
)
SEARCH_INTENTS = frozenset({"book", "change_flights"})
COMPARE = {
    "cheapest": "compare_prices",
    "shortest": "compare_durations",
    "earliest": "compare_departures",
    "named": "match_named_flight",
    "second_cheapest": "compare_prices",
    "time_window": "compare_prices",
    "same_as_before": "match_named_flight",  # named by an earlier trip the agent looks up
}

INTENTS: dict[str, IntentSpec] = {
    "book": IntentSpec("book", "get_user_details", frozenset({"book_reservation"}), "book a trip"),
    "cancel": IntentSpec(
        "cancel",
        "get_user_details",
        frozenset({"cancel_reservation", "refuse", "transfer_to_human_agents"}),
        "cancel (a reservation with a flown flight goes to a human agent)",
    ),
    "change_flights": IntentSpec(
        "change_flights",
        "get_user_details",
        frozenset({"update_reservation_flights", "refuse"}),
        "move a trip to another flight",
    ),
    "change_cabin": IntentSpec(
        "change_cabin",
        "get_user_details",
        frozenset({"update_reservation_flights", "refuse"}),
        "change the cabin of a reservation",
    ),
    "add_bags": IntentSpec(
        "add_bags", "get_user_details", frozenset({"update_reservation_baggages"}), "add bags"
    ),
    "change_passengers": IntentSpec(
        "change_passengers",
        "get_user_details",
        frozenset({"update_reservation_passengers", "refuse"}),
        "replace a passenger's details",
    ),
    "compensation": IntentSpec(
        "compensation",
        "get_user_details",
        frozenset({"send_certificate", "refuse"}),
        "ask for compensation for a cancelled flight, or for a delayed one while cancelling",
    ),
    "flight_status": IntentSpec(
        "flight_status", "get_flight_status", frozenset({"report_status"}), "ask a flight's status"
    ),
    "insurance": IntentSpec(
        "insurance",
        "get_user_details",
        frozenset({"refuse"}),
        "add insurance to a booking, or refund it alone (refused)",
    ),
    "complaint": IntentSpec(
        "complaint",
        "get_user_details",
        frozenset({"refuse"}),
        "complain about a delay and keep the trip (no compensation is due)",
    ),
    "partial_change": IntentSpec(
        "partial_change",
        "get_user_details",
        frozenset({"refuse"}),
        "a partial change the policy forbids (a passenger, bags, one segment, the route)",
    ),
    "info": IntentSpec(
        "info", "get_user_details", frozenset({"answer"}), "a figure from the record, no write"
    ),
    "cancel_all": IntentSpec(
        "cancel_all",
        "get_user_details",
        frozenset({"cancel_reservation"}),
        "cancel every upcoming reservation the policy allows, and no other",
    ),
}


def build_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(TOOLS, kind="tool")
    g.add_nodes_from(REASONS, kind="reason")
    g.add_nodes_from(OUTCOMES, kind="outcome")

    def edge(a: str, b: str, feeds: str, intents=None, **when: set[str]) -> None:  # type: ignore[no-untyped-def]
        g.add_edge(a, b, feeds=feeds, intents=intents, when=when or None)

    res = RESERVATION_INTENTS
    # Finding the reservation: quoted by the customer, or found among the user's reservations.
    edge(
        "get_user_details",
        "get_reservation_details",
        "reservation_id",
        res,
        reservation_known={"yes"},
    )
    edge("get_user_details", "find_reservation", "user.reservations", res, reservation_known={"no"})
    edge("find_reservation", "get_reservation_details", "reservation_id", res)
    # Searching and choosing a flight (booking, and changing flights).
    for tool_name, stops in (
        ("search_direct_flight", "direct"),
        ("search_onestop_flight", "one_stop"),
    ):
        edge("get_user_details", tool_name, "who is travelling", {"book"}, stops={stops})
        edge(
            "check_modify_eligibility",
            tool_name,
            "origin, destination",
            {"change_flights"},
            stops={stops},
            policy_trap={"no"},
        )
        for node in dict.fromkeys(COMPARE.values()):
            criteria = {c for c, n in COMPARE.items() if n == node}
            edge(tool_name, node, "flights, prices, seats", SEARCH_INTENTS, selection=criteria)
    for node in COMPARE.values():
        edge(node, "compute_total", "chosen flights", {"book"})
        edge(node, "compute_fare_difference", "chosen flights", {"change_flights"})
    edge("compute_total", "book_reservation", "payment split, bags, insurance", {"book"})
    # Cancel.
    edge(
        "get_reservation_details",
        "check_cancel_eligibility",
        "cabin, insurance, created_at",
        {"cancel"},
    )
    edge(
        "check_cancel_eligibility",
        "cancel_reservation",
        "eligible",
        {"cancel"},
        policy_trap={"no"},
        flown={"no"},
    )
    edge(
        "check_cancel_eligibility",
        "transfer_to_human_agents",
        "a flight was flown",
        {"cancel"},
        flown={"yes"},
    )
    edge("check_cancel_eligibility", "refuse", "not eligible", {"cancel"}, policy_trap={"yes"})
    # Change flights.
    edge("get_reservation_details", "check_modify_eligibility", "cabin", {"change_flights"})
    edge(
        "check_modify_eligibility",
        "refuse",
        "basic economy",
        {"change_flights"},
        policy_trap={"yes"},
    )
    edge(
        "compute_fare_difference",
        "update_reservation_flights",
        "payment id, new flights",
        {"change_flights", "change_cabin"},
    )
    # Change cabin.
    edge(
        "get_reservation_details",
        "check_cabin_change_eligibility",
        "flights flown?",
        {"change_cabin"},
    )
    edge(
        "check_cabin_change_eligibility",
        "refuse",
        "a segment was flown",
        {"change_cabin"},
        policy_trap={"yes"},
    )
    edge(
        "check_cabin_change_eligibility",
        "search_direct_flight",
        "segments",
        {"change_cabin"},
        policy_trap={"no"},
    )
    edge("search_direct_flight", "compute_fare_difference", "current prices", {"change_cabin"})
    # Bags.
    edge("get_reservation_details", "compute_bag_fees", "cabin, passengers, bags", {"add_bags"})
    edge("compute_bag_fees", "update_reservation_baggages", "total, nonfree", {"add_bags"})
    # Passengers.
    edge("get_reservation_details", "check_passenger_count", "passengers", {"change_passengers"})
    edge(
        "check_passenger_count",
        "update_reservation_passengers",
        "same count",
        {"change_passengers"},
        policy_trap={"no"},
    )
    edge(
        "check_passenger_count",
        "refuse",
        "count would change",
        {"change_passengers"},
        policy_trap={"yes"},
    )
    # Compensation.
    edge("get_reservation_details", "get_flight_status", "flights", {"compensation", "complaint"})
    edge("get_flight_status", "check_compensation_eligibility", "cancelled?", {"compensation"})
    for source, disruption in (
        ("check_compensation_eligibility", "cancelled"),
        # A delay is compensated only after the cancellation the user also asks for.
        ("cancel_reservation", "delayed"),
    ):
        edge(
            source,
            "send_certificate",
            "amount",
            {"compensation"},
            policy_trap={"no"},
            disruption={disruption},
        )
        # (a flight that flew, or flies, as scheduled: nothing to compensate, whoever asks)
        undisrupted = {"none"} if disruption == "cancelled" else set()
        edge(
            source,
            "refuse",
            "not eligible",
            {"compensation"},
            policy_trap={"yes"},
            disruption={disruption} | undisrupted,
        )
    edge(
        "check_compensation_eligibility",
        "cancel_reservation",
        "delayed: the user cancels",
        {"compensation"},
        disruption={"delayed"},
    )
    # Requests always refused: insurance after booking, a delay kept, partial changes.
    edge("get_reservation_details", "check_insurance_rule", "insurance", {"insurance"})
    edge("check_insurance_rule", "refuse", "only with the booking", {"insurance"})
    edge("get_flight_status", "check_delay_claim", "delayed", {"complaint"})
    edge("check_delay_claim", "refuse", "trip kept: nothing due", {"complaint"})
    edge(
        "get_reservation_details",
        "check_change_rules",
        "passengers, bags, cabin, route",
        {"partial_change"},
    )
    edge("check_change_rules", "refuse", "not allowed in part", {"partial_change"})
    # Information only, and a rule over every reservation.
    edge(
        "get_reservation_details",
        "count_bag_allowance",
        "membership, cabin, passengers",
        {"info"},
        info={"bag_allowance"},
    )
    edge("count_bag_allowance", "answer", "free bags", {"info"})
    edge("get_user_details", "sum_balances", "payment methods", {"info"}, info={"balances"})
    edge("sum_balances", "answer", "two sums", {"info"})
    edge(
        "get_reservation_details",
        "sum_trip_costs",
        "what each upcoming one cost",
        {"info"},
        info={"trip_costs"},
    )
    edge("sum_trip_costs", "answer", "one total", {"info"})
    edge("get_user_details", "review_reservations", "every reservation", {"cancel_all"})
    edge("review_reservations", "cancel_reservation", "each one allowed", {"cancel_all"})
    # Flight status.
    edge("get_flight_status", "report_status", "status", {"flight_status"})
    return g  # fmt: skip
