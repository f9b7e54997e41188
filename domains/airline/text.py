"""Airline task text: the customer's request in their own words, from seeded templates.

The builder has already formatted every fact (dates, places, card endings, balances) and listed
the ones the text must carry; these templates only choose the wording. They never state an
answer the agent must find (no flight number unless the customer names the flight, no totals).
"""

from __future__ import annotations

import random
from typing import Any

from domains.synthesis_spec import Built

OPENERS = (
    "Hi, this is {name}, user id {user_id}.",
    "Hello! My name is {name} and my user id is {user_id}.",
    "Hi there. I'm {name} (user id: {user_id}).",
)
LINKS = ("Also, ", "One more thing: ", "After that, ", "And then ")
CRITERIA = {
    "cheapest": ("the cheapest {stops} option", "whichever {stops} flight costs the least"),
    "shortest": ("the {stops} option with the shortest travel time", "the quickest {stops} option"),
    "earliest": ("the {stops} option that leaves earliest", "the earliest {stops} departure"),
}
STOPS = {"direct": "direct", "one_stop": "one-stop"}


def _people(travellers: list[dict[str, str]]) -> str:
    parts = [f"{t['first_name']} {t['last_name']} (born {t['dob']})" for t in travellers]
    if len(parts) == 1:
        return f"just me, {parts[0]}"
    return f"me, {parts[0]}, plus " + (
        parts[1] if len(parts) == 2 else ", ".join(parts[1:-1]) + f" and {parts[-1]}"
    )


def _pick(rng: random.Random, fact: dict[str, Any]) -> str:
    crit = fact["criterion"]
    stops = STOPS[fact["stops"]]
    if crit == "named":
        names = [" + ".join(legs) for legs in fact["named"]]
        return "flight " + " and, coming back, ".join(names)
    return rng.choice(CRITERIA[crit]).format(stops=stops)


def _which(fact: dict[str, Any]) -> str:
    if fact.get("reservation_id"):
        return f"reservation {fact['reservation_id']}"
    return (
        f"my trip from {fact['origin']} to {fact['destination']} on {fact['date']} "
        "(I don't have the reservation number handy)"
    )


def _book(rng: random.Random, f: dict[str, Any]) -> str:
    trip = "a round trip" if f["trip"] == "round_trip" else "a one-way trip"
    when = f"leaving {f['out_date']}" + (
        f" and returning {f['back_date']}" if f["back_date"] else ""
    )
    lines = [
        rng.choice(
            (
                f"I'd like to book {trip} from {f['origin']} to {f['destination']}, {when}.",
                f"I need {trip} from {f['origin']} to {f['destination']}, {when}.",
            )
        ),
        f"We want {f['cabin']} and I'd like {_pick(rng, f)}"
        + (" in each direction." if f["back_date"] and f["criterion"] != "named" else "."),
        f"Travellers: {_people(f['travellers'])}.",
    ]
    bags = f["bags"]
    lines.append(
        "We won't check any bags."
        if bags == 0
        else f"We'll check {bags} bag{'s' * (bags > 1)} in total."
    )
    lines.append(
        "Yes, please add travel insurance." if f["insurance"] == "yes" else "No travel insurance."
    )
    pay = f["payment"]
    if pay["mix"] == "card":
        lines.append(f"Please charge my {pay['card']}.")
    elif pay["mix"] == "card_gift":
        lines.append(
            f"Use the whole ${pay['gift_balance']} on my gift card first and put the rest on my "
            f"{pay['card']}."
        )
    elif pay["mix"] == "certificate":
        lines.append(
            f"I'd like to use my ${pay['certificate']} travel certificate, and anything it doesn't "
            f"cover can go on my {pay['card']}."
        )
    else:
        order = ", then ".join(f"the ${b} one" for b in pay["gift_balances"])
        lines.append(
            f"Pay only with my gift cards, in this order: {order}, with the last one covering "
            "whatever is left."
        )
    return " ".join(lines)


def _cancel(rng: random.Random, f: dict[str, Any]) -> str:
    return (
        f"{rng.choice(('Please cancel', 'I want to cancel', 'I need to cancel'))} {_which(f)}. "
        f"The reason: {f['reason']}."
    )


def _change_flights(rng: random.Random, f: dict[str, Any]) -> str:
    keep = " and keep my return flight as it is" if f["round_trip"] else ""
    pick = _pick(rng, f)
    return (
        f"I'd like to move the outbound flight of {_which(f)} to {f['new_date']}{keep}. "
        f"Same cabin, please, and pick {pick}. Charge or refund any difference to "
        f"{f['payment']['text']}."
    )


def _change_cabin(rng: random.Random, f: dict[str, Any]) -> str:
    return (
        f"{rng.choice(('Could you switch', 'I want to change'))} {_which(f)} to {f['cabin']} "
        f"on all flights? Use {f['payment']['text']} for any price difference."
    )


def _add_bags(rng: random.Random, f: dict[str, Any]) -> str:
    n = f["add"]
    return (
        f"I need to add {n} checked bag{'s' * (n > 1)} to {_which(f)}. "
        f"If there's a fee, put it on {f['payment']['text']}."
    )


def _change_passengers(rng: random.Random, f: dict[str, Any]) -> str:
    new = f["add"]
    who = f"{new['first_name']} {new['last_name']} (born {new['dob']})"
    if f["old"] is None:
        return f"I'd like to add one more passenger, {who}, to {_which(f)}."
    old = f"{f['old']['first_name']} {f['old']['last_name']}"
    return f"On {_which(f)}, please replace {old} with {who}; {old} can't make it."


def _compensation(rng: random.Random, f: dict[str, Any]) -> str:
    return (
        f"My flight {f['flight']} on {f['date']} ({_which(f)}) was cancelled and it ruined my "
        "plans. I'd like some compensation for that."
    )


def _status(rng: random.Random, f: dict[str, Any]) -> str:
    return rng.choice(
        (
            f"Can you tell me the status of flight {f['flight']} on {f['date']}?",
            f"What's going on with flight {f['flight']} on {f['date']}?",
        )
    )


TEMPLATES = {
    "book": _book,
    "cancel": _cancel,
    "change_flights": _change_flights,
    "change_cabin": _change_cabin,
    "add_bags": _add_bags,
    "change_passengers": _change_passengers,
    "compensation": _compensation,
    "flight_status": _status,
}


def task_text(built: Built, rng: random.Random) -> str:
    facts = built.text_facts
    requests = facts["requests"]
    parts = []
    if any(r["kind"] != "flight_status" for r in requests):
        parts.append(rng.choice(OPENERS).format(name=facts["name"], user_id=facts["user_id"]))
    for i, req in enumerate(requests):
        line = TEMPLATES[req["kind"]](rng, req)
        if i:
            head = line if line.startswith(("I ", "I'")) else line[0].lower() + line[1:]
            line = rng.choice(LINKS) + head
        parts.append(line)
    return " ".join(parts)
