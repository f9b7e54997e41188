"""The customer's side of information-only questions and of a rule over all its reservations
(`build/answers.py`).

An information question ends when the agent has stated the number; the customer never says it
(it does not know it). With a false claim (gold membership the record does not show), the claim
is part of the question, and the customer accepts the record's answer. The customer cancelling
every upcoming reservation confirms each cancellation the agent proposes: it wants them all
gone; the policy, not the customer, decides which may go.
"""

from __future__ import annotations

import random
from typing import Any

from domains.airline.dag.scenario import phrases as ph
from domains.airline.dag.scenario.parts import (
    CABIN,
    PAY,
    PEOPLE,
    REASON,
    RESERVATION,
    Part,
    fact,
    request,
    reservation_facts,
)

BALANCES = ["balance", "gift", "certificate", "how much", "sum", "total"]
COSTS = ["which", "upcoming", "flown", "past", "insurance", "include", "count", "total"]
LONG = ["which", "long", "longer", "hours", "duration", "count", "layover"]
DUPLICATE = ["duplicate", "copy", "copies", "twice", "which one", "keep", "first", "later"]


def info(rng: random.Random, f: dict[str, Any]) -> Part:
    if f["info"] == "trip_costs":
        return _trip_costs(rng, f)
    if f["info"] == "balances":
        ask = rng.choice(
            (
                "How much do I have in total on my gift cards, and in total on my travel "
                "certificates?",
                "Could you tell me the sum of my gift card balances and the sum of my certificate "
                "balances?",
            )
        )
        wants = "I'd like the two totals, not each card one by one."
        part = Part(
            request=request("info", ask, [fact(wants, BALANCES)], f),
            reason="You want to know the total balance of your gift cards and the total of your "
            "travel certificates.",
            told=["If the agent lists each balance, ask for the two sums."],
        )
        return part
    facts, part = reservation_facts(rng, f)
    yours = ph.your_reservation(f)
    ask = rng.choice(
        (
            "How many checked bags can I bring for free on one of my reservations, in total?",
            "I need to know the total number of free checked bags my reservation allows.",
        )
    )
    told = ["You want the number as a figure."]
    if f.get("claim") == "gold":
        ask += " I'm a gold member, so it should be generous."
        told.append(
            "You believe you are a gold member (the record may say otherwise); accept the "
            "agent's answer if it explains your actual tier."
        )
    part.request = request("info", ask, facts, f)
    part.reason = f"You want to know how many checked bags {yours} allows for free in total."
    part.told = told
    return part


def cancel_all(rng: random.Random, f: dict[str, Any]) -> Part:
    if f.get("set") == "listed":
        return _cancel_listed(rng, f)
    if f.get("set") == "duplicates":
        return _cancel_duplicates(rng, f)
    if f.get("set") == "by_duration":
        return _cancel_long(rng, f)
    ask = rng.choice(
        (
            "My plans have changed: please cancel all of my upcoming reservations.",
            "I need to cancel every upcoming trip I have booked; my plans changed.",
        )
    )
    facts = [fact("My plans have changed.", REASON)]
    return Part(
        request=request("cancel_all", ask, facts, f),
        reason="Your plans have changed and you want every upcoming reservation cancelled.",
        told=[
            "Let the agent find your reservations. If the agent says some cannot be cancelled "
            "for a change of plans, accept it; cancel the others."
        ],
    )


def _cancel_listed(rng: random.Random, f: dict[str, Any]) -> Part:
    ids = ph.listing(list(f["listed"]))
    ask = rng.choice(
        (
            f"My plans have changed: please cancel my reservations {ids}.",
            f"I need to cancel these bookings, my plans changed: {ids}.",
        )
    )
    facts = [
        fact("My plans have changed.", REASON),
        fact(f"The reservations are {ids}.", RESERVATION),
    ]
    return Part(
        request=request("cancel_all", ask, facts, f),
        reason=f"Your plans have changed and you want your reservations {ids} cancelled.",
        told=[
            "Only those reservations: leave your other bookings as they are. If the agent says "
            "some of them cannot be cancelled for a change of plans, accept it; cancel the others."
        ],
    )


def _cancel_duplicates(rng: random.Random, f: dict[str, Any]) -> Part:
    ask = rng.choice(
        (
            "My assistant booked some of my trips twice by mistake. Could you find the duplicate "
            "bookings and cancel them?",
            "I think a few of my trips got booked twice in a mix-up. Please cancel the extra "
            "bookings.",
        )
    )
    rule = (
        "A duplicate has the same flights and the same passengers. Keep the booking made first "
        "and cancel the later copy."
    )
    others = "Bookings of the same flights for other passengers are not duplicates."
    return Part(
        request=request(
            "cancel_all", ask, [fact(rule, DUPLICATE), fact(others, PEOPLE + ["other"])], f
        ),
        reason="Your assistant booked some of your trips twice, and you want the copies cancelled.",
        told=[
            "You do not know which reservations are duplicates: let the agent find them. "
            f"{rule} {others} Leave those, and every other booking, as they are."
        ],
    )


def _trip_costs(rng: random.Random, f: dict[str, Any]) -> Part:
    ask = rng.choice(
        (
            "How much have I paid in total for my upcoming trips?",
            "Could you add up what I paid for all the flights I still have coming up?",
        )
    )
    which = (
        "Only the trips still ahead of me, with everything I was charged for each, insurance "
        "included; not the ones I already flew."
    )
    return Part(
        request=request("info", ask, [fact(which, COSTS)], f),
        reason="You want to know the total you paid for your upcoming reservations.",
        told=[
            "You want one total: what you were charged for each upcoming reservation, insurance "
            "included, added up. Trips you already flew do not count."
        ],
    )


def downgrade_all(rng: random.Random, f: dict[str, Any]) -> Part:
    ask = rng.choice(
        (
            "Money is tight at the moment: I'd like to downgrade all my business class bookings "
            "to economy, and to know how much I save in total.",
            "Could you move every business reservation I have to economy? I need to save money, "
            "so please tell me the total I get back.",
        )
    )
    keep = "Keep the same flights and passengers; only the cabin changes to economy."
    refund = "Please refund each difference to whatever I paid that booking with."
    return Part(
        request=request(
            "change_cabin",
            ask,
            [fact(keep, CABIN + ["flight", "passenger"]), fact(refund, PAY)],
            f,
        ),
        reason="You want every upcoming business reservation moved to economy, on the same "
        "flights, and to know how much you saved in total.",
        told=[
            f"{keep} Refunds go back to the payment method of each reservation. You want to know "
            "how much you saved in total (one figure; after the changes is fine). Leave bookings "
            "in other cabins, and trips you already flew, as they are."
        ],
    )


def _cancel_long(rng: random.Random, f: dict[str, Any]) -> Part:
    hours = int(f["hours"])
    ask = rng.choice(
        (
            f"My plans have changed: please cancel every upcoming reservation of mine that has a "
            f"flight longer than {hours} hours, and tell me how long the flights are.",
            f"I'd like to cancel all my upcoming trips with any flight over {hours} hours. Could "
            "you tell me the flight durations too?",
        )
    )
    rule = (
        f"A reservation counts if any one of its flights is scheduled for more than {hours} hours."
    )
    return Part(
        request=request(
            "cancel_all",
            ask,
            [fact("My plans have changed.", REASON), fact(rule, LONG)],
            f,
        ),
        reason=f"Your plans have changed, and you want every upcoming reservation with a flight "
        f"longer than {hours} hours cancelled. You need the agent to tell you the durations.",
        told=[
            f"{rule} Let the agent find them and tell you the durations; keep the others. If "
            "the agent says some cannot be cancelled for a change of plans, accept it."
        ],
    )
