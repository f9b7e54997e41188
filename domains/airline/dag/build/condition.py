"""Behaviour `condition`: the customer's choice depends on the price the agent quotes.

"Upgrade me to business; if that costs more than $X, move me to economy instead" (tau2 tasks
8, 12, 14, 25 condition a booking or an upgrade on a quoted amount). Two forms, each with a
limit drawn on either side of the price:
- a lone upgrade of a basic-economy reservation to business: under the limit the gold is the
  upgrade; over it the gold quotes the business price and, as the customer then asks, moves
  every flight to economy (both amounts are facts to say);
- a lone booking for the customer and companions (tau2 task 8: "if and only if the price is
  above $X, drop the second passenger and book only for yourself"): under the limit the gold
  books everyone; over it the gold quotes the total and books the same flights for the customer
  alone (both totals are facts to say).
- a lone booking paid by a gift card then a card (tau2 task 25: "use your certificate if the
  price is higher than $X, otherwise the gift card and credit card"): over the limit the gold
  pays with the customer's certificate and the card, under it with the gift card and the card.
The other branch's write is `Task.meta["condition_call"]` (what an agent that misjudges the
condition makes); the declined write, when over the limit, is also `declined_call` (the offer
the customer turns down).
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import CERTIFICATE_AMOUNTS
from domains.airline.dag.build.context import Ctx
from domains.dag import BuildRejected

FALLBACK = "economy"


def add_condition(ctx: Ctx, request: dict[str, Any]) -> None:
    """Draw the limit and, over it, put the fallback write in the asked one's place."""
    if request.get("kind") == "book" and request["payment"]["mix"] == "card_gift":
        _pay_by_price(ctx, request)
        return
    if request.get("kind") == "book":
        _book_alone(ctx, request)
        return
    if request.get("kind") != "change_cabin" or request.get("cabin") != "business":
        raise BuildRejected("a condition is drawn on an upgrade to business")
    at = next(i for i, c in enumerate(ctx.gold.calls) if c["name"] == "update_reservation_flights")
    upgrade = ctx.gold.calls[at]
    res = ctx.world.reservations[upgrade["arguments"]["reservation_id"]]
    if res["cabin"] != "basic_economy":
        raise BuildRejected("economy is a fallback only from basic economy")
    price, rng = int(request.get("charge") or 0), ctx.rng
    if price < 40:
        raise BuildRejected("an upgrade this cheap leaves no room for a limit under it")
    fallback = {**upgrade, "arguments": {**upgrade["arguments"], "cabin": FALLBACK}}
    met = rng.random() < 0.5
    if met:
        request["condition_limit"] = (price // 50 + 1 + rng.randint(0, 3)) * 50
        ctx.notes.condition_call = fallback
        return
    request["condition_limit"] = max(10, int(price * rng.uniform(0.5, 0.9)) // 10 * 10)
    ctx.gold.calls[at] = fallback
    ctx.notes.condition_call = ctx.notes.declined_call = upgrade
    pax = len(res["passengers"])
    flights = ctx.world.flights
    diff = sum(
        (flights[f["flight_number"]]["dates"][f["date"]]["prices"][FALLBACK] - f["price"]) * pax
        for f in res["flights"]
    )
    if diff:
        ctx.gold.say(f"${abs(diff)}")
    for choice in ctx.notes.choices:
        if choice["call"] == at and choice["path"] == "cabin":
            choice["gold"] = FALLBACK
            choice["alternatives"] = [{"value": c, "why": "cabin confusion"}
                                      for c in ("basic_economy", "business")]  # fmt: skip
    request["fallback"] = FALLBACK


def _book_alone(ctx: Ctx, request: dict[str, Any]) -> None:
    """Everyone under the limit; over it, the same flights for the customer alone (its share of
    the total: a card pays, no bags, insurance per passenger, so the total splits evenly)."""
    at = next(i for i, c in enumerate(ctx.gold.calls) if c["name"] == "book_reservation")
    booking = ctx.gold.calls[at]
    args = booking["arguments"]
    pax, total = len(args["passengers"]), int(request["charge"])
    methods = args["payment_methods"]
    if pax < 2 or args["total_baggages"] or len(methods) != 1 or total % pax:
        raise BuildRejected("a booking for others too, paid by one card, without bags")
    share = total // pax
    lo, hi = -(-share // 10) * 10, (total - 1) // 10 * 10
    if lo > hi:
        raise BuildRejected("no round limit between the customer's share and the total")
    alone_args = {
        **args,
        "passengers": args["passengers"][:1],  # the profile holder travels first
        "payment_methods": [{**methods[0], "amount": share}],
    }
    alone = {**booking, "arguments": alone_args}
    rng = ctx.rng
    if rng.random() < 0.5:  # met: the total is within the limit
        request["condition_limit"] = (total // 50 + 1 + rng.randint(0, 3)) * 50
        ctx.notes.condition_call = alone
        return
    request["condition_limit"] = rng.randrange(lo, hi + 1, 10)
    ctx.gold.calls[at] = alone
    ctx.notes.condition_call = ctx.notes.declined_call = booking
    ctx.gold.say(f"${share}")
    for choice in ctx.notes.choices:  # wrong payments of the booking, at the customer's share
        if choice["call"] == at and choice["path"] == "payment_methods":
            choice["gold"] = alone_args["payment_methods"]
            for alt in choice["alternatives"]:
                alt["value"] = [{**m, "amount": m["amount"] * share // total} for m in alt["value"]]
    request["fallback"] = "alone"


def _pay_by_price(ctx: Ctx, request: dict[str, Any]) -> None:
    """How the booking is paid depends on its total: a certificate (then the card) over the
    limit, the gift card (then the card) under it."""
    at = next(i for i, c in enumerate(ctx.gold.calls) if c["name"] == "book_reservation")
    booking = ctx.gold.calls[at]
    gift_split = booking["arguments"]["payment_methods"]
    card = gift_split[-1]["payment_id"]
    total, w, rng = int(request["charge"]), ctx.world, ctx.rng
    spare = [a for a in CERTIFICATE_AMOUNTS if a not in w.held_amounts("certificate")]
    if total < 40 or not spare:
        raise BuildRejected("no room for a limit under the total, or no certificate to draw")
    amount = rng.choice(spare)
    cert = w.certificate(amount, named=True)
    used = min(amount, total)
    cert_split = [{"payment_id": cert, "amount": used}]
    cert_split += [{"payment_id": card, "amount": total - used}] if total > used else []
    over = rng.random() < 0.5
    if over:
        limit = max(10, int(total * rng.uniform(0.5, 0.9)) // 10 * 10)
        gold, other = cert_split, gift_split
    else:
        limit = (total // 50 + 1 + rng.randint(0, 3)) * 50
        gold, other = gift_split, cert_split
    ctx.gold.calls[at] = {**booking, "arguments": {**booking["arguments"], "payment_methods": gold}}
    ctx.notes.condition_call = {
        **booking,
        "arguments": {**booking["arguments"], "payment_methods": other},
    }
    for choice in ctx.notes.choices:  # the payment hints around the gold split
        if choice["call"] == at and choice["path"] == "payment_methods":
            wrong = [a for a in choice["alternatives"] if a["value"] != gold]
            if choice["kind"] == "payment":
                wrong.append({"value": other, "why": "condition"})
            choice["gold"], choice["alternatives"] = gold, wrong
    request["condition_limit"] = limit
    request["payment"]["by_price"] = {"limit": limit, "certificate": amount}
    ctx.text.required += [str(amount), str(limit)]
