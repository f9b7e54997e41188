"""A customer who does not take the refusal: insists, or tells a lie the record contradicts.

tau2's writers test an agent's hold on the policy under pressure: the customer insists after a
refusal ("I really need this"), or claims what would make the request allowed ("I booked it
this morning", "I have travel insurance", "a representative already approved it"). The claim
is always false in the built world (the builder checks the record before choosing it), so the
agent that verifies with its tools and keeps refusing is right, and the gold stays a refusal
with no write. This module only chooses what the customer will say (`pushback` lines on the
first request, played by the scripted customer after each refusal; and, where the lookups do
not name it, the write a yielding agent would make: `Task.meta["refused_call"]`); the wording
is the scenario's (`domains/airline/dag/scenario/pushback.py`).

Behaviour values (axis `behaviour`, first request only, on a refused request):
- insist: 2 to 5 insistences, then the customer accepts (on a refused cancellation, the first
  asks for a partial refund instead);
- lie: one false claim the record contradicts, then one more insistence, then acceptance;
- drop: a lone request with a price (a booking, paid bags, an upgrade); the customer's limit is
  under it, so once the agent quotes the price the customer drops the whole request;
- condition: a lone upgrade to business, economy instead if it costs more than the customer's
  limit (`condition.py`);
- human: a lone refused request; once refused, the customer asks to be transferred to a human
  agent, so the gold refuses (the reason said), then transfers (`Task.meta` transfer_expected);
- switch: a booking followed by other requests; when the agent asks to confirm the booking, the
  customer switches to its next request instead and leaves the booking for another call, so
  the gold makes no booking.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domains.airline.constants import COMPENSATION_PER_PASSENGER
from domains.airline.dag.build.condition import add_condition
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.timeline import NOW, stamp
from domains.airline.tools import AirlineTools
from domains.dag import BuildRejected

WRITES = AirlineTools.write_tools()

# The claims a customer may make per refusal reason, each with the record that makes it false.
CLAIMS: dict[str, tuple[str, ...]] = {
    "not_eligible": ("approved", "recent", "insured", "business"),
    "basic_economy": ("approved", "economy"),
    "flown": ("approved", "not_flown"),
    "passenger_count": ("approved",),
    "passenger_removal": ("approved",),
    "not_entitled": ("approved", "gold", "insured", "business"),
    "insurance_after_booking": ("approved", "insured"),
    "insurance_refund": ("approved",),
    "delay_kept": ("approved", "gold"),
    "not_disrupted": ("cancelled",),
    "bags_removed": ("approved",),
    "one_cabin": ("approved",),
    "route": ("approved",),
}


def add_pushback(ctx: Ctx, behaviour: str) -> None:
    """Give the first request its pushback (a refused request only; else nothing), or make it
    one the customer drops at the quoted price."""
    request = ctx.text.requests[0]
    if behaviour == "drop":
        _drop(ctx, request)
        return
    if behaviour == "condition":
        add_condition(ctx, request)
        return
    if behaviour == "switch":
        _switch(ctx, request)
        return
    if behaviour == "plain" or request.get("outcome") != "refused":
        return
    if behaviour == "human":
        _asks_human(ctx, request)
        return
    if behaviour == "insist":
        request["insists"] = ctx.rng.randint(2, 5)
        # A refund refused: the customer bargains for part of it (tau2 task 28: "ask for a 50%
        # refund or negotiate a minimum of 10%"); the policy has no partial refund either.
        request["bargains"] = request["kind"] == "cancel"
    if request["kind"] == "compensation":  # what a yielding agent would send
        res = ctx.world.reservations[str(request["res_id"])]
        rate = COMPENSATION_PER_PASSENGER[str(request["disruption"])]
        amount = rate * len(res["passengers"])
        ctx.notes.refused_call = {
            "name": "send_certificate",
            "arguments": {"user_id": ctx.world.user["user_id"], "amount": amount},
        }
    if behaviour != "lie":
        return
    reason = ctx.notes.refusal_codes[0]
    claims = [c for c in CLAIMS[reason] if _false(c, ctx, request)]
    request["claim"] = ctx.rng.choice(claims)
    request["insists"] = 1


def _asks_human(ctx: Ctx, request: dict[str, Any]) -> None:
    """The refusal stands; the customer asks for a human, and the transfer ends the call."""
    what = "; ".join(ctx.notes.refusals)
    at = ctx.gold.call(
        "transfer_to_human_agents",
        summary=f"User {ctx.world.user['user_id']} asked for a human agent after a refusal "
        f"({what}).",
    )
    ctx.gold.intent_calls[0].append(at)  # a lone request: the transfer answers it
    ctx.notes.transfer = True
    request["asks_human"] = True
    request["outcome"] = "transfer"


def _drop(ctx: Ctx, request: dict[str, Any]) -> None:
    """The customer's limit is under the price: the gold quotes it (the price stays a fact to
    say) and writes nothing; the write it would have made is `Task.meta["declined_call"]`."""
    charge = int(request.get("charge") or 0)
    if charge < 20:
        raise BuildRejected("nothing to pay, so no price to decline")
    writes = [i for i, c in enumerate(ctx.gold.calls) if c["name"] in WRITES]
    if len(writes) != 1:
        raise BuildRejected("a dropped request has exactly one write")
    _take_out(ctx, writes[0])
    request["drop_limit"] = max(10, int(charge * ctx.rng.uniform(0.5, 0.9)) // 10 * 10)


def _switch(ctx: Ctx, request: dict[str, Any]) -> None:
    """The customer leaves its booking unfinished for its next request (tau2 task 2): the gold
    makes the booking's searches but not the booking (`declined_call`: what an agent that
    finishes it anyway makes), and nothing about the booking is left to say."""
    first = ctx.gold.intent_calls[0]
    books = [i for i in first if ctx.gold.calls[i]["name"] == "book_reservation"]
    if request.get("kind") != "book" or len(books) != 1 or len(ctx.gold.intent_calls) < 2:
        raise BuildRejected("a switch leaves a booking for the next request")
    ctx.gold.communicate.remove(f"${request['charge']}")  # the booking's total, said first
    _take_out(ctx, books[0])
    request["switch"] = True


def _take_out(ctx: Ctx, i: int) -> None:
    """Golden write `i` is not made: it becomes `declined_call`, and its hints go with it."""
    ctx.notes.declined_call = ctx.gold.calls.pop(i)
    ctx.gold.intent_calls = [
        [j - (j > i) for j in group if j != i] for group in ctx.gold.intent_calls
    ]
    ctx.notes.choices = [
        {**c, "call": c["call"] - (c["call"] > i)} for c in ctx.notes.choices if c["call"] != i
    ]


def _false(claim: str, ctx: Ctx, request: dict[str, Any]) -> bool:
    """Whether the world's record contradicts the claim (only such claims are lies)."""
    user = ctx.world.user
    res = ctx.world.reservations.get(str(request.get("res_id") or ""))
    if claim == "approved":
        return True  # nothing in the record says so, and only the policy decides
    if claim == "gold":
        return bool(user["membership"] != "gold")
    if res is None:
        return False
    if claim == "recent":
        return bool(res["created_at"] < stamp(NOW - timedelta(days=1)))
    if claim == "insured":
        return bool(res["insurance"] == "no")
    if claim == "business":
        return bool(res["cabin"] != "business")
    if claim == "economy":
        return bool(res["cabin"] == "basic_economy")
    if claim == "not_flown":
        return True  # a flown segment is why the change is refused
    if claim == "cancelled":  # the reservation's flight the compensation is asked for
        leg = res["flights"][0]
        status = ctx.world.flights[leg["flight_number"]]["dates"][leg["date"]]
        return bool(status["status"] != "cancelled")
    return False
