"""What the airline policy asks around a write, and how a careful agent describes one.

The policy: before any change the agent lists the action's details and gets the user's explicit
yes; it looks the user up before booking or paying from the user's profile, and opens the
reservation before changing or cancelling it. `WRITE_POLICY` (the `Domain.write_policy` hook)
tells the strict verifier what a description must state and which reads must come first;
`describe` (the `Domain.describe` hook) is what a simulated target says before asking, with the
charge or refund found by running the write on a throw-away fork of the world.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domains.airline.constants import CABIN_WORDS
from domains.airline.data_model import AirlineWorld
from domains.airline.tools import AirlineTools
from domains.base import ToolCall, World, WritePolicy


def names(call: ToolCall, world: Mapping[str, Any]) -> list[str]:
    """What a description of the write must state: the reservation it changes, the flights it
    books or moves to, a new cabin, new passengers' names, a certificate's amount; and a booking
    paid by one method, its total (so a quote of another booking on the same flights, such as
    the one a customer turned down for everyone before asking for itself alone, does not
    describe it; a split payment's parts may be described in many ways, so none is required)."""
    args = call.arguments
    rid = str(args.get("reservation_id", ""))
    old = (world.get("reservations") or {}).get(rid) or {}
    if call.name == "book_reservation":
        flights = [str(f.get("flight_number")) for f in _list(args.get("flights"))]
        methods = _list(args.get("payment_methods"))
        if len(methods) != 1:
            return flights
        total = f"{float(methods[0].get('amount') or 0):.2f}".rstrip("0").rstrip(".")
        return [*flights, total]  # a bare number: stated with or without its unit
    if call.name == "send_certificate":
        return [str(args.get("amount"))]
    out = [rid]
    if call.name == "update_reservation_flights":
        before = {f.get("flight_number") for f in old.get("flights", [])}
        out += [
            str(f.get("flight_number"))
            for f in _list(args.get("flights"))
            if f.get("flight_number") not in before
        ]
        if args.get("cabin") != old.get("cabin"):
            out.append(CABIN_WORDS.get(str(args.get("cabin")), str(args.get("cabin"))))
    if call.name == "update_reservation_passengers":
        before_names = {
            (p.get("first_name"), p.get("last_name")) for p in old.get("passengers", [])
        }
        for p in _list(args.get("passengers")):
            if (p.get("first_name"), p.get("last_name")) not in before_names:
                out += [str(p.get("first_name")), str(p.get("last_name"))]
    return out


def lookups(call: ToolCall, world: Mapping[str, Any]) -> list[ToolCall]:
    """The reads the policy needs before the write: the user (booking, paying from the profile,
    compensation) and the reservation being changed."""
    args = call.arguments
    needed: list[ToolCall] = []
    rid = args.get("reservation_id")
    if rid is not None:
        needed.append(ToolCall(name="get_reservation_details", arguments={"reservation_id": rid}))
    user = args.get("user_id")
    if user is None and "payment_id" in args:
        user = ((world.get("reservations") or {}).get(str(rid)) or {}).get("user_id")
    if user is not None:
        needed.append(ToolCall(name="get_user_details", arguments={"user_id": user}))
    return needed


WRITE_POLICY = WritePolicy(names=names, lookups=lookups)


def describe(call: ToolCall, world: World) -> str:
    """The write in words, with what it costs (computed on a fork: `world` is not changed)."""
    args = call.arguments
    rid = args.get("reservation_id")
    if call.name == "book_reservation":
        return _booking(args)
    if call.name == "cancel_reservation":
        return f"cancel reservation {rid}; the refund goes back to the original payment methods"
    if call.name == "send_certificate":
        return f"issue a travel certificate of ${args.get('amount')} to user {args.get('user_id')}"
    if call.name == "update_reservation_passengers":
        people = "; ".join(_person(p) for p in _list(args.get("passengers")))
        return f"update the passengers of reservation {rid} to: {people}"
    money = _charge(call, world)
    if call.name == "update_reservation_flights":
        legs = ", ".join(_leg(f) for f in _list(args.get("flights")))
        cabin = CABIN_WORDS.get(str(args.get("cabin")), str(args.get("cabin")))
        return f"change reservation {rid} to flights {legs} in {cabin}; {money}"
    if call.name == "update_reservation_baggages":
        return (
            f"update reservation {rid} to {args.get('total_baggages')} checked bags, "
            f"{args.get('nonfree_baggages')} of them paid; {money}"
        )
    return f"{call.name} with {args}"


def _booking(args: Mapping[str, Any]) -> str:
    trip = "round-trip" if args.get("flight_type") == "round_trip" else "one-way"
    legs = ", ".join(_leg(f) for f in _list(args.get("flights")))
    people = "; ".join(_person(p) for p in _list(args.get("passengers")))
    methods = _list(args.get("payment_methods"))
    total = sum(int(m.get("amount") or 0) for m in methods)
    paid = ", ".join(f"${m.get('amount')} with {m.get('payment_id')}" for m in methods)
    insurance = "travel insurance" if args.get("insurance") == "yes" else "no travel insurance"
    cabin = CABIN_WORDS.get(str(args.get("cabin")), str(args.get("cabin")))
    return (
        f"book a {trip} trip from {args.get('origin')} to {args.get('destination')} in {cabin} "
        f"on flights {legs} for {people}, with {args.get('total_baggages')} checked bags "
        f"({args.get('nonfree_baggages')} paid) and {insurance}; the total is ${total}, "
        f"paid {paid}"
    )


def _charge(call: ToolCall, world: World) -> str:
    """What the change costs: run it on a fork and read the payment it records."""
    if not isinstance(world, AirlineWorld):
        return "the price difference is settled with the payment method you chose"
    rid = str(call.arguments.get("reservation_id"))
    fork = AirlineTools.on_fork(world)
    before = len(world.reservations[rid].payment_history) if rid in world.reservations else 0
    result = fork.call(call.name, call.arguments)
    if result.error:
        return "the price difference is settled with the payment method you chose"
    after = fork.world.reservations[rid].payment_history  # type: ignore[attr-defined]
    amount = sum(p.amount for p in after[before:])
    method = call.arguments.get("payment_id")
    if amount > 0:
        return f"${amount} will be charged to {method}"
    if amount < 0:
        return f"${-amount} will be refunded to {method}"
    return "there is nothing to pay"


def _leg(f: Mapping[str, Any]) -> str:
    return f"{f.get('flight_number')} on {f.get('date')}"


def _person(p: Mapping[str, Any]) -> str:
    return f"{p.get('first_name')} {p.get('last_name')} (born {p.get('dob')})"


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
