"""How the offline world actor breaks airline worlds the way LLM world generation does.

Each breaker takes a coherent synthesized scenario (world, the builder's golden calls, its meta)
and returns it broken, with the solution a careless world actor would propose, or None when the
break does not apply to that scenario. The golden calls stay what a competent agent would do in
the broken world (simulated targets and the simulated oracle follow them), so a broken world
fails both the target and the oracle unless a consistency check stops it first:
- dangling_reference: the reservation (or payment method, or flight) the scenario is about is
  missing from the world;
- unsatisfiable_request: the flight has no seats left, or the gift card too small a balance;
- ambiguous_duplicate: a flight identical to the customer's choice under another number; the
  verifier expects the look-alike, a competent agent takes the one the search lists first;
- policy_contradiction: the verifier expects what the policy forbids (cancelling a protected
  reservation, or a goodwill certificate nobody is owed).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from typing import Any

from domains.airline.wg.assertions import BOOK, CANCEL, CERTIFICATE, FLIGHTS
from domains.wg import Breaker, Broken

Calls = list[dict[str, Any]]


def _first(golden: Calls, names: set[str]) -> tuple[int, dict[str, Any]] | None:
    for i, call in enumerate(golden):
        if call["name"] in names:
            return i, call
    return None


def dangling_reference(
    world: dict[str, Any], golden: Calls, meta: Mapping[str, Any], rng: random.Random
) -> Broken | None:
    out = copy.deepcopy(world)
    used = {str(a) for c in golden for a in c.get("arguments", {}).values() if isinstance(a, str)}
    reservations = [r for r in meta.get("reservation_ids", []) if r in used]
    if reservations:
        rid = rng.choice(reservations)
        out["reservations"].pop(rid, None)
        return Broken(out, copy.deepcopy(golden), True, f"reservation {rid} missing")
    found = _first(golden, {BOOK})
    if found is not None:
        args = found[1]["arguments"]
        pid = str(args["payment_methods"][0]["payment_id"])
        out["users"][str(args["user_id"])]["payment_methods"].pop(pid, None)
        return Broken(out, copy.deepcopy(golden), True, f"payment method {pid} missing")
    numbers = [c["arguments"]["flight_number"] for c in golden if "flight_number" in c["arguments"]]
    if numbers:
        out["flights"].pop(numbers[0], None)
        return Broken(out, copy.deepcopy(golden), True, f"flight {numbers[0]} missing")
    return None


def unsatisfiable_request(
    world: dict[str, Any], golden: Calls, meta: Mapping[str, Any], rng: random.Random
) -> Broken | None:
    found = _first(golden, {BOOK})
    if found is None:
        return None
    out = copy.deepcopy(world)
    args = found[1]["arguments"]
    gift = [
        p
        for p in args["payment_methods"]
        if out["users"][args["user_id"]]["payment_methods"][p["payment_id"]]["source"]
        == "gift_card"
    ]
    if gift and rng.random() < 0.5:
        pid = gift[0]["payment_id"]
        out["users"][args["user_id"]]["payment_methods"][pid]["amount"] = 1.0
        return Broken(out, copy.deepcopy(golden), True, f"gift card {pid} balance too small")
    leg = args["flights"][0]
    day = out["flights"][leg["flight_number"]]["dates"][leg["date"]]
    day["available_seats"][args["cabin"]] = 0
    return Broken(out, copy.deepcopy(golden), True, f"flight {leg['flight_number']} is full")


def ambiguous_duplicate(
    world: dict[str, Any], golden: Calls, meta: Mapping[str, Any], rng: random.Random
) -> Broken | None:
    found = _first(golden, {BOOK, FLIGHTS})
    if found is None:
        return None
    index, call = found
    out = copy.deepcopy(world)
    number = call["arguments"]["flights"][0]["flight_number"]
    twin = f"HAT{rng.randint(1000, 9999)}"
    while twin in out["flights"]:
        twin = f"HAT{rng.randint(1000, 9999)}"
    out["flights"][twin] = {**copy.deepcopy(out["flights"][number]), "flight_number": twin}
    solution = copy.deepcopy(golden)
    solution[index]["arguments"]["flights"][0]["flight_number"] = twin
    return Broken(out, solution, False, f"flight {twin} duplicates {number}")


def policy_contradiction(
    world: dict[str, Any], golden: Calls, meta: Mapping[str, Any], rng: random.Random
) -> Broken | None:
    solution = copy.deepcopy(golden)
    intents = list(meta.get("intents", []))
    reservations = list(meta.get("reservation_ids", []))
    if intents[:1] == ["cancel"] and meta.get("refusal_reason") and reservations:
        rid = reservations[0]
        solution.append({"name": CANCEL, "arguments": {"reservation_id": rid}})
        return Broken(copy.deepcopy(world), solution, False, f"cancels protected {rid}")
    user = meta.get("user_id")
    if not user:
        return None
    amount = 100 * rng.randint(1, 3)
    solution.append({"name": CERTIFICATE, "arguments": {"user_id": user, "amount": amount}})
    return Broken(copy.deepcopy(world), solution, False, f"unowed ${amount} certificate")


BREAKERS: dict[str, Breaker] = {
    "dangling_reference": dangling_reference,
    "unsatisfiable_request": unsatisfiable_request,
    "ambiguous_duplicate": ambiguous_duplicate,
    "policy_contradiction": policy_contradiction,
}
