"""Intent `book`: search each direction, pick by the criterion, book with the right bags,
insurance and payment split.

The customer states route, dates, cabin, travellers, bags, insurance and how to pay; the agent
must find the gold flights (the only best ones with seats), count free bags by membership and
cabin, and split the payment as asked (one card; a gift card used whole then a card; a
certificate then a card; several gift cards in the stated order; or, `optimise`, as much stored
value as the policy allows, see `optimise.py`).
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import (
    BAG_PRICE,
    CABIN_WORDS,
    CERTIFICATE_AMOUNTS,
    FREE_BAGS,
    INSURANCE_PER_PASSENGER,
    MAX_BAGS_PER_PASSENGER,
    day,
)
from domains.airline.dag.build.airports import TwoAirports, search_both, twin_route_fits
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.optimise import optimised_payment
from domains.airline.dag.build.payment_rules import card_not_on_file, two_certificates
from domains.airline.dag.build.same_flight import SAME_AS_BEFORE, earlier_trip
from domains.airline.dag.build.search import BEATEN_BY, Option, search_options, search_tool
from domains.airline.dag.build.world import GIFT_CARD_MAX
from domains.airline.network import fare_floor, metro
from domains.dag import BuildRejected, WalkSegment

Payments = list[dict[str, Any]]
# the wrong splits that do what the customer asked where the policy forbids it
RULE_BROKEN = ("two certificates", "card not on file")


def build_book(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, text = seg.point, ctx.world, ctx.text
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop, criterion = p["stops"] == "one_stop", str(p["selection"])
    # Gift cards alone ($300 each, three at most) pay only for cheap seats: a short trip at a
    # fare near the bottom of its band.
    budget = None
    if p["payment_mix"] == "gift_cards":
        room = 3 * GIFT_CARD_MAX - 20 - INSURANCE_PER_PASSENGER * pax - 3 * BAG_PRICE
        budget = room // (pax * (2 if trip == "round_trip" else 1))

    options = ctx.k + 1 + (criterion in BEATEN_BY)  # one hub per one-stop option
    hubs_needed = options if one_stop else 0
    two_airports = p.get("airports") == "alternative"
    airports = tuple(sorted(w.pools.airports))

    def affordable(a: str, b: str) -> bool:
        if two_airports and not twin_route_fits(a, b, airports, hubs_needed):
            return False
        return budget is None or fare_floor(cabin, a, b, one_stop) * 1.25 <= budget

    origin, dest = w.route(hubs_needed=hubs_needed, fits=affordable)
    out_day = ctx.rng.randint(16, 26)
    back_day = ctx.rng.randint(out_day + 1, min(30, out_day + 6)) if trip == "round_trip" else None
    ctx.lookup_user()
    first_search = len(ctx.gold.calls)
    # The earlier trip names the flights: no criterion picks them from the search.
    searched = "named" if criterion == SAME_AS_BEFORE else criterion
    directions = [(origin, dest, day(out_day))]
    if back_day:
        directions.append((dest, origin, day(back_day)))
    golds: list[Option] = []
    alts: list[list[Option]] = []
    pair: TwoAirports | None = None
    for a, b, d in directions:
        if two_airports:  # one way: the only direction leaves from one of two airports
            pair, gold, others = search_both(
                ctx, a, b, d, cabin, pax, one_stop, hubs_needed, budget
            )
            origin = pair.gold
        else:
            ctx.gold.call(search_tool(one_stop), origin=a, destination=b, date=d)
            gold, others = search_options(ctx, a, b, d, cabin, pax, searched, one_stop, budget)
        golds.append(gold)
        alts.append(others)
    travellers = w.travellers(pax)
    for t in travellers[1:]:
        if ctx.rng.random() < 0.4:
            w.user["saved_passengers"].append(dict(t))
    if ctx.k >= 1:
        twin = w.person(last=travellers[-1]["last_name"])
        w.user["saved_passengers"].append(twin)  # similar name, not travelling
        ctx.notes.distractors += 1
    before: dict[str, Any] = {}
    if criterion == SAME_AS_BEFORE:  # looked up before the search that finds its flights again
        before = earlier_trip(ctx, golds, alts, cabin, trip, travellers[0])
        lookup = {"reservation_id": before["before_id"]}
        ctx.gold.calls.insert(
            first_search, {"name": "get_reservation_details", "arguments": lookup}
        )
        text.required.append(before["before"])
    membership = str(p["membership"])
    free = FREE_BAGS[membership][cabin] * pax
    bags_mode = str(p["bags"])
    if bags_mode == "none":
        total_bags = 0
    elif bags_mode == "free":
        total_bags = ctx.rng.randint(1, min(free, 2 * pax))
    else:  # over the allowance, within a realistic pile (params.bag_modes)
        total_bags = free + ctx.rng.randint(1, min(3, MAX_BAGS_PER_PASSENGER * pax - free))
    nonfree = max(0, total_bags - free)
    insurance = str(p["insurance"])
    fare = sum(g.price for g in golds) * pax
    extras = (INSURANCE_PER_PASSENGER * pax if insurance == "yes" else 0) + BAG_PRICE * nonfree
    total = fare + extras
    rule = str(p.get("payment_rule", "none"))
    payments, pay_facts, wrong_splits = _book_payment(ctx, str(p["payment_mix"]), total, rule)
    flights = [{"flight_number": fn, "date": g.date} for g in golds for fn in g.legs]
    idx = ctx.gold.call(
        "book_reservation",
        user_id=w.user["user_id"],
        origin=origin,
        destination=dest,
        flight_type=trip,
        cabin=cabin,
        flights=flights,
        passengers=travellers,
        payment_methods=payments,
        total_baggages=total_bags,
        nonfree_baggages=nonfree,
        insurance=insurance,
    )
    for direction, others in enumerate(alts):
        alternatives = []
        for o in others:
            swapped = [
                {"flight_number": fn, "date": g.date}
                for j, g in enumerate(golds)
                for fn in (o.legs if j == direction else g.legs)
            ]
            alternatives.append({"value": swapped, "why": o.kind})
        if alternatives:
            ctx.notes.choices.append(
                {
                    "call": idx,
                    "kind": "flight",
                    "path": "flights",
                    "direction": direction,
                    "gold": flights,
                    "alternatives": alternatives,
                }
            )
    wrong_cabins = [c for c in CABIN_WORDS if c != cabin]
    cabin_alts = [{"value": c, "why": "cabin confusion"} for c in wrong_cabins]
    ctx.notes.choice(idx, "cabin", "cabin", cabin, cabin_alts)
    if wrong_splits:
        ctx.notes.choice(idx, "payment", "payment_methods", payments, wrong_splits)
    breaking = [s for s in wrong_splits if s["why"] in RULE_BROKEN]
    if breaking:  # what the customer asked for and the policy forbids
        ctx.notes.choice(idx, "payment_rule", "payment_methods", payments, breaking)
    bag_alts = sorted(
        {total_bags, max(0, total_bags - FREE_BAGS["regular"][cabin] * pax)} - {nonfree}
    )
    if bags_mode != "none":
        wrong_bags = [{"value": v, "why": "bag count"} for v in bag_alts]
        ctx.notes.choice(idx, "bags", "nonfree_baggages", nonfree, wrong_bags)
    if criterion != "named":
        text.forbidden.extend(fn for g in golds for fn in g.legs)
    ctx.gold.say(f"${total}")
    if "on_card" in pay_facts:  # the customer asked what the card will be charged
        ctx.gold.say(f"${pay_facts['on_card']}")
    facts: dict[str, Any] = {
        "kind": "book",
        "trip": trip,
        "origin": text.place_text(origin),
        "destination": text.place_text(dest),
        "out_date": text.date_text(day(out_day)),
        "back_date": text.date_text(day(back_day)) if back_day else None,
        "cabin": CABIN_WORDS[cabin],
        "stops": "one_stop" if one_stop else "direct",
        "criterion": criterion,
        "named": [list(g.legs) for g in golds] if criterion == "named" else None,
        "before": before.get("before"),
        "travellers": travellers,
        "bags": total_bags,
        "insurance": insurance,
        "payment": pay_facts,
        "charge": total,
    }
    if text.after is not None:
        facts["after"] = text.clock_text(text.after)
    if pair is not None:  # named in a drawn order: the first named is not the answer's tell
        named = ctx.rng.sample([pair.gold, pair.other], 2)
        facts["airports"] = named
        facts["origin"] = f"{metro(origin)} ({named[0]} or {named[1]})"
        text.required += named
    text.required += [facts["origin"], facts["destination"], facts["out_date"], facts["cabin"]]
    if back_day:
        text.required.append(str(facts["back_date"]))
    for t in travellers:
        text.required += [t["first_name"], t["last_name"], t["dob"]]
    if criterion == "named":
        text.required.extend(fn for g in golds for fn in g.legs)
    text.requests.append(facts)


def _book_payment(
    ctx: Ctx, mix: str, total: int, rule: str
) -> tuple[Payments, dict[str, Any], Payments]:
    """Payment split for a booking, the text that asks for it, and wrong splits."""
    w = ctx.world
    card = w.credit_card()
    card_text = w.card_text(card)
    facts: dict[str, Any] = {"mix": mix, "card": card_text}
    ctx.text.required.append(card_text.split()[-1])
    wrong: Payments = []
    if ctx.k >= 1:
        other = w.credit_card()
        ctx.notes.distractors += 1
        wrong.append({"value": [{"payment_id": other, "amount": total}], "why": "other card"})
    if mix in ("card", "card_gift"):
        split: Payments = [{"payment_id": card, "amount": total}]
        if mix == "card_gift":
            split, facts, wrong = _gift_then_card(ctx, card, total, facts, wrong)
        if rule == "card_not_on_file":
            wrong += card_not_on_file(ctx, card, split, facts)
        return split, facts, wrong
    if mix == "certificate" and rule == "two_certificates":
        split, wrong_rule = two_certificates(ctx, card, total, facts)
        return split, facts, wrong + wrong_rule
    if mix == "certificate":
        return _certificate_then_card(ctx, card, total, facts, wrong)
    if mix == "optimise":
        return optimised_payment(ctx, card, total, facts, wrong)
    ctx.text.required.remove(card_text.split()[-1])
    facts["card"] = None  # the card exists but is not part of this mix: gift cards only
    return _gift_cards(ctx, total, facts, wrong)


def _gift_then_card(
    ctx: Ctx, card: str, total: int, facts: dict[str, Any], wrong: Payments
) -> tuple[Payments, dict[str, Any], Payments]:
    """A gift card used whole, the rest on the card. Its balance is what gift cards hold, drawn
    independently of the total (a balance proportional to the price would hint at it)."""
    rng, w = ctx.rng, ctx.world
    if total < 20:
        raise BuildRejected("total too small to split")
    balance = w.spare_balance(10, min(GIFT_CARD_MAX, total - 1))
    gift = w.gift_card(balance, named=True)
    facts["gift_balance"] = balance
    ctx.text.required.append(str(balance))
    if ctx.k >= 2:
        w.gift_card(rng.choice([b for b in range(0, GIFT_CARD_MAX + 1, 5) if b != balance]))
        ctx.notes.distractors += 1
    wrong += [
        {"value": [{"payment_id": card, "amount": total}], "why": "gift card unused"},
        {
            "value": [
                {"payment_id": gift, "amount": balance // 2},
                {"payment_id": card, "amount": total - balance // 2},
            ],
            "why": "gift card partly used",
        },
    ]
    split = [
        {"payment_id": gift, "amount": balance},
        {"payment_id": card, "amount": total - balance},
    ]
    return split, facts, wrong


def _certificate_then_card(
    ctx: Ctx, card: str, total: int, facts: dict[str, Any], wrong: Payments
) -> tuple[Payments, dict[str, Any], Payments]:
    """A travel certificate first, the rest (if any) on the card."""
    rng, w = ctx.rng, ctx.world
    spare = [a for a in CERTIFICATE_AMOUNTS if a not in w.held_amounts("certificate")]
    if not spare:
        raise BuildRejected("the customer holds a certificate of every amount")
    amount = rng.choice(spare)
    cert = w.certificate(amount, named=True)
    facts["certificate"] = amount
    ctx.text.required.append(str(amount))
    if ctx.k >= 1:
        other_amount = rng.choice([a for a in CERTIFICATE_AMOUNTS if a != amount])
        other = w.certificate(other_amount)
        ctx.notes.distractors += 1
        rest = [{"payment_id": card, "amount": total - other_amount}]
        if other_amount >= total:
            rest = []
        wrong.append(
            {
                "value": [{"payment_id": other, "amount": min(other_amount, total)}] + rest,
                "why": "other certificate",
            }
        )
    if amount >= total:
        return [{"payment_id": cert, "amount": total}], facts, wrong
    wrong.append({"value": [{"payment_id": card, "amount": total}], "why": "certificate unused"})
    split = [
        {"payment_id": cert, "amount": amount},
        {"payment_id": card, "amount": total - amount},
    ]
    return split, facts, wrong


def _gift_cards(
    ctx: Ctx, total: int, facts: dict[str, Any], wrong: Payments
) -> tuple[Payments, dict[str, Any], Payments]:
    """Several gift cards, used in the stated order: all but the last used whole, the last one
    covers the rest. Each holds at most what tau2's gift cards hold ($300)."""
    rng, w = ctx.rng, ctx.world
    n = rng.choice([2, 3])
    if total > GIFT_CARD_MAX * n - 20:
        n = 3
    if total > GIFT_CARD_MAX * n - 20 or total < 30 * n:
        raise BuildRejected(f"gift cards cannot cover ${total}")
    used: list[int] = []
    for i in range(n - 1):
        rest = total - sum(used)
        left = n - 1 - i  # cards after this one, the last of which keeps some balance
        lo = max(10, rest - GIFT_CARD_MAX * left + 10)
        hi = min(GIFT_CARD_MAX, rest - 10 * left)
        if hi < lo:
            raise BuildRejected(f"gift cards cannot cover ${total}")
        used.append(rng.randint(lo, hi))
    used.append(total - sum(used))
    balances = used[:-1] + [rng.randint(used[-1], GIFT_CARD_MAX)]
    if len(set(balances)) < n:
        raise BuildRejected("gift card balances tie")
    ids = [w.gift_card(b, named=True) for b in balances]
    facts["gift_balances"] = balances
    ctx.text.required.extend(str(b) for b in balances)
    if ctx.k >= 2:
        w.gift_card(rng.randint(10, 90))  # a 4th card: <= 3 rule
        ctx.notes.distractors += 1
    wrong.append({"value": [{"payment_id": ids[-1], "amount": total}], "why": "one gift card"})
    wrong.append(
        {
            "value": [{"payment_id": i, "amount": b} for i, b in zip(ids, balances, strict=True)],
            "why": "full balances",
        }
    )
    return [{"payment_id": i, "amount": u} for i, u in zip(ids, used, strict=True)], facts, wrong
