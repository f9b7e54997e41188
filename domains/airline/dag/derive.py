"""Heuristic mapping of tau2 airline tasks onto this domain's parameter axes (`params derive`).

Per task, from its gold actions and the customer's instructions:
- intents: each write action names one (book_reservation -> book, cancel_reservation -> cancel,
  update_reservation_flights -> change_cabin when the instructions talk about the cabin / an
  upgrade and change_flights otherwise, update_reservation_baggages -> add_bags,
  update_reservation_passengers -> change_passengers, send_certificate -> compensation); a request
  found in the instructions (keywords) without its write is the same intent with policy_trap=yes;
  instructions asking about a flight's status add flight_status;
- passengers, cabin, trip_type, insurance, bags (none / free / extra from nonfree_baggages),
  payment_mix (from the payment-method id prefixes) come from book_reservation / update arguments;
- stops: two flights per direction -> one_stop;
- selection: "cheapest"/"lowest", "shortest"/"fastest", "earliest" in the instructions, else named
  when a flight number is quoted;
- reservation_known: a 6-character reservation id appears in the instructions;
- disruption (compensation): delayed when the instructions talk of a delay, none when the
  customer makes up a cancelled flight (tau2 task 4: a refused compensation, the customer
  lying, whatever else it says about cancelling), else cancelled;
- flown (cancel): yes when the gold actions hand the cancellation to a human agent instead of
  cancelling (what the policy asks once a flight of the reservation was flown).
Axes that cannot be read from the task file (membership, distractor_density) are "?".
Each point also lists under "needs" what else the task tests, as `axis=value` strings
(`domains/airline/dag/needs.py`); `params derive` counts a task as expressible when every need
is a value of the space. A need on an axis (behaviour, selection, payment_mix, partial, info,
airports, payment_rule, reservations, leg) also sets that axis (behaviour is plain without one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from domains.airline.dag.needs import task_needs

WRITE_INTENT = {
    "book_reservation": "book",
    "cancel_reservation": "cancel",
    "update_reservation_baggages": "add_bags",
    "update_reservation_passengers": "change_passengers",
    "send_certificate": "compensation",
}
KEYWORDS = {
    "book": r"\bbook\b",
    "cancel": r"\bcancel",
    "change_flights": r"\b(change|modify|move|switch)\b[^.]*\bflight",
    "change_cabin": r"\b(upgrade|downgrade|cabin)\b",
    "add_bags": r"\b(bag|baggage|luggage|suitcase)",
    "change_passengers": r"\bpassenger",
    "compensation": r"\b(compensat|certificate|voucher)",
    "flight_status": r"\bstatus\b",
}
# Axes a need may name (`needs.py`); the other needs (intents, counts) are read elsewhere.
NEED_AXES = frozenset(
    {"behaviour", "selection", "payment_mix", "partial", "info", "airports", "payment_rule"}
    | {"reservations", "leg"}
)
# A cancellation the customer invents to get compensated (tau2 task 4's "make up a story").
MADE_UP_CANCELLATION = re.compile(r"make up a story[^.]*\bcancel")
RES_ID = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6}\b")


def _instructions(task: Mapping[str, Any]) -> str:
    scenario = task.get("user_scenario") or {}
    ins = scenario.get("instructions")
    if isinstance(ins, dict):
        return "\n".join(str(v) for v in ins.values() if isinstance(v, str))
    return str(ins or "")


def derive_point(task: Mapping[str, Any]) -> dict[str, Any]:
    text = _instructions(task)
    low = text.lower()
    actions = (task.get("evaluation_criteria") or {}).get("actions") or []
    intents: list[str] = []
    point: dict[str, Any] = {"membership": "?", "distractor_density": "?"}
    for action in actions:
        name, args = action.get("name"), action.get("arguments") or {}
        intent = WRITE_INTENT.get(name)
        if name == "update_reservation_flights":
            intent = (
                "change_cabin" if re.search(KEYWORDS["change_cabin"], low) else "change_flights"
            )
        if intent and intent not in intents:
            intents.append(intent)
        if "cabin" in args:
            point.setdefault("cabin", args["cabin"])
        if "passengers" in args:
            point.setdefault("passengers", len(args["passengers"]))
        if name == "book_reservation":
            point["trip_type"] = args.get("flight_type", "?")
            legs = len(args.get("flights", []))
            per_direction = legs / (2 if args.get("flight_type") == "round_trip" else 1)
            point["stops"] = "one_stop" if per_direction >= 2 else "direct"
            point["insurance"] = args.get("insurance", "?")
            nonfree, total = args.get("nonfree_baggages", 0), args.get("total_baggages", 0)
            point["bags"] = "extra" if nonfree else ("free" if total else "none")
            sources = sorted(
                {p["payment_id"].rsplit("_", 1)[0] for p in args.get("payment_methods", [])}
            )
            if "certificate" in sources:
                point["payment_mix"] = "certificate"
            elif "gift_card" in sources:
                point["payment_mix"] = "card_gift" if "credit_card" in sources else "gift_cards"
            else:
                point["payment_mix"] = "card"
    trap = False
    invented = bool(MADE_UP_CANCELLATION.search(low))
    if invented and not intents:  # the story's cancellation is not a request to cancel
        intents, trap = ["compensation"], True
    for intent, pattern in KEYWORDS.items():
        if intent not in intents and re.search(pattern, low):
            if intent == "flight_status":
                intents.append(intent)
            elif not intents and intent in ("cancel", "compensation", "change_flights"):
                intents.append(intent)
                trap = True
    if not intents:
        intents = ["?"]
    point["n_intents"] = min(3, len(intents))
    point["intent"] = intents[0]
    point["second_intent"] = intents[1] if len(intents) > 1 else "none"
    point["third_intent"] = intents[2] if len(intents) > 2 else "none"
    names = [a.get("name") for a in actions]
    handed_over = "transfer_to_human_agents" in names and "cancel_reservation" not in names
    if point["intent"] == "cancel" and handed_over:
        trap = False  # not a refusal: the flown case, which only a human agent may cancel
    point["policy_trap"] = "yes" if trap else "no"
    if "cheapest" in low or "lowest" in low:
        point["selection"] = "cheapest"
    elif "shortest" in low or "fastest" in low:
        point["selection"] = "shortest"
    elif "earliest" in low:
        point["selection"] = "earliest"
    elif re.search(r"\bHAT\d{3}\b", text):
        point["selection"] = "named"
    point["reservation_known"] = "yes" if RES_ID.search(text) else "no"
    if "compensation" in intents:
        point["disruption"] = "delayed" if re.search(r"\bdelay", low) else "cancelled"
        if invented and point["intent"] == "compensation":
            point["disruption"] = "none"
    if point["intent"] == "cancel":
        point["flown"] = "yes" if handed_over else "no"
    point["needs"] = task_needs(task, intents)
    # What the task tests beyond its intents, as the values of the axes it names (the first
    # need per axis; it outranks what the gold actions suggest: the flights of an earlier trip
    # are quoted by number in the booking, an optimised payment uses a certificate).
    named: set[str] = set()
    for need in point["needs"]:
        axis, _, value = need.partition("=")
        if axis in NEED_AXES and axis not in named:
            point[axis] = value
            named.add(axis)
    point.setdefault("behaviour", "plain")
    if point.get("disruption") == "none":
        point["behaviour"] = "lie"  # the only behaviour of a made-up cancellation
    if intents == ["?"] and not any(n.startswith(("intent=", "info=")) for n in point["needs"]):
        point["needs"].append("intent=?")  # a request none of the rules recognises
    return point


def derive_points(tasks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [derive_point(t) for t in tasks]
