"""The customer's side of the requests the policy always refuses (`build/refused.py`).

Each asks for what the customer believes is fair (insurance they meant to buy, compensation for a
delay, one passenger or bag fewer, one segment upgraded, another destination) and accepts the
refusal once the agent explains it. A delay complaint declines any change or cancellation the
agent offers: the customer keeps the trip, which is why nothing is due.
"""

from __future__ import annotations

import random
from typing import Any

from domains.airline.dag.scenario import phrases as ph
from domains.airline.dag.scenario.parts import (
    BAGS,
    CABIN,
    FLIGHT,
    INSURANCE,
    PEOPLE,
    REASON,
    Part,
    fact,
    outcome_lines,
    request,
    reservation_facts,
)

KEEP = ["change", "cancel", "rebook", "modify", "keep", "instead", "refund"]
PLACE = ["destination", "where", "city", "airport", "route", "fly to", "going"]


def insurance(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    yours = ph.your_reservation(f)
    if f["variant"] == "refund":
        ask = rng.choice(
            (
                "I'd like a refund for the travel insurance on one of my bookings.",
                "I want to cancel the travel insurance I bought and get my money back.",
            )
        )
        facts.append(fact("I want to keep the flights; only the insurance should go.", KEEP))
        part.reason = f"You want the travel insurance of {yours} refunded, keeping the flights."
    else:
        ask = rng.choice(
            (
                "I'd like to add travel insurance to one of my reservations.",
                "I thought I had added travel insurance to my trip, but it isn't showing up.",
            )
        )
        facts.append(fact("I want travel insurance for everyone on it.", INSURANCE))
        part.reason = f"You want travel insurance added to {yours}."
    part.request = request("insurance", ask, facts, f)
    part.told = outcome_lines(f)
    return part


def complaint(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    flight = {"flight": f["flight"], "date": f["date"]}
    ask = rng.choice(
        (
            "My flight {flight} on {date} is delayed and I'm very unhappy about it. I'd like "
            "compensation.",
            "I want to complain: flight {flight} on {date} is delayed. What will you do for me?",
        )
    ).format(**flight)
    facts.append(fact(f"It's flight {f['flight']} on {f['date']}.", [*FLIGHT, "date", "flight"]))
    keep = "I don't want to change or cancel anything; I'm keeping my trip as it is."
    facts.append(fact(keep, [*KEEP, *REASON]))
    part.request = request("complaint", ask, facts, f)
    part.request.rejects = ["cancel", "change"]  # the trip stays as it is
    part.reason = (
        f"Your flight {f['flight']} on {f['date']} is delayed; you complain and ask for "
        "compensation, but you keep the trip as it is."
    )
    part.told = [
        "Do not change or cancel the reservation, whatever the agent offers.",
        *outcome_lines(f),
    ]
    return part


def partial_change(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    yours, kind = ph.your_reservation(f), f["partial"]
    if kind == "remove_passenger":
        who = f["passenger"]
        ask = "I need to remove a passenger from one of my reservations."
        facts.append(fact(f"{who} can't come anymore, so please take them off.", PEOPLE))
        part.reason = f"You want {who} removed from {yours}; the others still travel."
    elif kind == "remove_bags":
        n = int(f["bags"])
        bags = f"{n} checked bag{'s' * (n > 1)}"
        ask = "I'd like to remove the checked bags from one of my reservations."
        facts.append(fact(f"I don't need the {bags} anymore and want a refund for them.", BAGS))
        part.reason = f"You want the {bags} of {yours} removed and refunded."
    elif kind == "one_segment_cabin":
        ask = "I'd like to change the cabin of just one flight on my reservation."
        line = (
            f"Only flight {f['segment']} should move to {f['cabin']}; the other flights stay "
            "as they are."
        )
        facts.append(fact(line, [*CABIN, *FLIGHT]))
        part.reason = f"You want only flight {f['segment']} of {yours} moved to {f['cabin']}."
    else:
        ask = "I need to change where one of my trips goes."
        line = f"I want to fly to {f['new_destination']} instead, on the same dates."
        facts.append(fact(line, PLACE))
        part.reason = f"You want {yours} to go to {f['new_destination']} instead, same dates."
    part.request = request("partial_change", ask, facts, f)
    part.told = outcome_lines(f)
    return part
