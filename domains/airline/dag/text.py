"""Airline task text: the customer's request in their own words, from seeded templates.

The builder has already formatted every fact (dates, places, card endings, balances) and listed
the ones the text must carry; these templates only choose the wording. They never state an
answer the agent must find (no flight number unless the customer names the flight, no totals).
"""

from __future__ import annotations

import random
from typing import Any

from domains.dag import Built

OPENERS = (
    "Hi, this is {name}, user id {user_id}.",
    "Hello! My name is {name} and my user id is {user_id}.",
    "Hi there. I'm {name} (user id: {user_id}).",
    "Hey, {name} here. My user ID is {user_id}.",
    "Good afternoon, I'm {name}; you'll find me under user id {user_id}.",
    "Hi! {name} speaking, account {user_id}.",
)
LINKS = ("Also, ", "One more thing: ", "After that, ", "And then ", "Oh, and ", "Separately, ")
CRITERIA = {
    "cheapest": (
        "the cheapest {stops} option",
        "whichever {stops} flight costs the least",
        "the lowest-priced {stops} flight",
        "the {stops} one with the best price",
    ),
    "shortest": (
        "the {stops} option with the shortest travel time",
        "the quickest {stops} option",
        "whichever {stops} itinerary gets me there fastest",
        "the {stops} flight with the least time in transit",
    ),
    "earliest": (
        "the {stops} option that leaves earliest",
        "the earliest {stops} departure",
        "the first {stops} flight of the day",
        "whichever {stops} flight departs first",
    ),
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


def _which(rng: random.Random, fact: dict[str, Any]) -> str:
    if fact.get("reservation_id"):
        rid = fact["reservation_id"]
        return rng.choice(
            (
                f"reservation {rid}",
                f"my booking {rid}",
                f"my reservation (confirmation {rid})",
                f"booking number {rid}",
            )
        )
    trip = f"from {fact['origin']} to {fact['destination']} on {fact['date']}"
    return rng.choice(
        (
            f"my trip {trip} (I don't have the reservation number handy)",
            f"the booking I have {trip} - sorry, I can't find the confirmation number",
            f"my flight {trip}; I don't remember the reservation code",
        )
    )


def _book(rng: random.Random, f: dict[str, Any]) -> str:
    trip = "a round trip" if f["trip"] == "round_trip" else "a one-way trip"
    when = f"leaving {f['out_date']}" + (
        f" and returning {f['back_date']}" if f["back_date"] else ""
    )
    route = f"from {f['origin']} to {f['destination']}"
    each = " in each direction" if f["back_date"] and f["criterion"] != "named" else ""
    pick = _pick(rng, f)
    lines = [
        rng.choice(
            (
                f"I'd like to book {trip} {route}, {when}.",
                f"I need {trip} {route}, {when}.",
                f"Can you book me {trip} {route}? We'd be {when}.",
                f"I'm looking to fly {route}, {trip}, {when}.",
            )
        ),
        rng.choice(
            (
                f"We want {f['cabin']} and I'd like {pick}{each}.",
                f"Put us in {f['cabin']}, please, and go with {pick}{each}.",
                f"Cabin: {f['cabin']}. As for flights, I want {pick}{each}.",
            )
        ),
        rng.choice(
            (
                f"Travellers: {_people(f['travellers'])}.",
                f"Who's flying: {_people(f['travellers'])}.",
                f"The passengers are {_people(f['travellers'])}.",
            )
        ),
    ]
    bags = f["bags"]
    if bags == 0:
        lines.append(rng.choice(("We won't check any bags.", "No checked bags for us.")))
    else:
        s = "s" * (bags > 1)
        lines.append(
            rng.choice(
                (
                    f"We'll check {bags} bag{s} in total.",
                    f"There will be {bags} checked bag{s} altogether.",
                )
            )
        )
    if f["insurance"] == "yes":
        lines.append(rng.choice(("Yes, please add travel insurance.", "I do want insurance.")))
    else:
        lines.append(rng.choice(("No travel insurance.", "We'll skip the insurance.")))
    pay = f["payment"]
    if pay["mix"] == "card":
        lines.append(
            rng.choice(
                (
                    f"Please charge my {pay['card']}.",
                    f"I'll pay with my {pay['card']}.",
                    f"Put it all on my {pay['card']}.",
                )
            )
        )
    elif pay["mix"] == "card_gift":
        lines.append(
            rng.choice(
                (
                    f"Use the whole ${pay['gift_balance']} on my gift card first and put the "
                    f"rest on my {pay['card']}.",
                    f"I have a gift card with ${pay['gift_balance']} - use all of it, and the "
                    f"remainder goes on my {pay['card']}.",
                )
            )
        )
    elif pay["mix"] == "certificate":
        lines.append(
            rng.choice(
                (
                    f"I'd like to use my ${pay['certificate']} travel certificate, and anything "
                    f"it doesn't cover can go on my {pay['card']}.",
                    f"Apply my ${pay['certificate']} certificate first; if there's anything left "
                    f"to pay, use my {pay['card']}.",
                )
            )
        )
    else:
        order = ", then ".join(f"the ${b} one" for b in pay["gift_balances"])
        lines.append(
            rng.choice(
                (
                    f"Pay only with my gift cards, in this order: {order}, with the last one "
                    "covering whatever is left.",
                    f"I want to use gift cards only - {order} - and the last one pays the rest.",
                )
            )
        )
    return " ".join(lines)


def _cancel(rng: random.Random, f: dict[str, Any]) -> str:
    which = _which(rng, f)
    reason = f["reason"]
    return rng.choice(
        (
            f"Please cancel {which}. The reason: {reason}.",
            f"I want to cancel {which}. The reason: {reason}.",
            f"I need to cancel {which} - {reason}.",
            f"Could you cancel {which} for me? Reason: {reason}.",
            f"I'd like to call off {which}. Why? {reason[0].upper()}{reason[1:]}.",
        )
    )


def _change_flights(rng: random.Random, f: dict[str, Any]) -> str:
    keep = " and keep my return flight as it is" if f["round_trip"] else ""
    pick, which, pay = _pick(rng, f), _which(rng, f), f["payment"]["text"]
    return rng.choice(
        (
            f"I'd like to move the outbound flight of {which} to {f['new_date']}{keep}. "
            f"Same cabin, please, and pick {pick}. Charge or refund any difference to {pay}.",
            f"Can you change the outbound flight on {which} to {f['new_date']}{keep}? I want "
            f"{pick}, same cabin. Any difference goes on {pay}.",
            f"My plans shifted: the outbound of {which} needs to be on {f['new_date']} "
            f"instead{keep}. Go with {pick} and keep the cabin. Use {pay} for any difference.",
        )
    )


def _change_cabin(rng: random.Random, f: dict[str, Any]) -> str:
    which, pay, cabin = _which(rng, f), f["payment"]["text"], f["cabin"]
    return rng.choice(
        (
            f"Could you switch {which} to {cabin} on all flights? Use {pay} for any price "
            "difference.",
            f"I want to change {which} to {cabin} on all flights. Use {pay} for any price "
            "difference.",
            f"I'd like all the flights on {which} moved to {cabin}. Any difference can go on "
            f"{pay}.",
            f"Please change the cabin of {which} to {cabin} for every flight, and settle the "
            f"difference with {pay}.",
        )
    )


def _add_bags(rng: random.Random, f: dict[str, Any]) -> str:
    n, which, pay = f["add"], _which(rng, f), f["payment"]["text"]
    bags = f"{n} checked bag{'s' * (n > 1)}"
    return rng.choice(
        (
            f"I need to add {bags} to {which}. If there's a fee, put it on {pay}.",
            f"Can I add {bags} to {which}? Any fee goes on {pay}.",
            f"We're bringing more luggage: please add {bags} to {which} and charge any fee "
            f"to {pay}.",
        )
    )


def _change_passengers(rng: random.Random, f: dict[str, Any]) -> str:
    new = f["add"]
    who = f"{new['first_name']} {new['last_name']} (born {new['dob']})"
    which = _which(rng, f)
    if f["old"] is None:
        return rng.choice(
            (
                f"I'd like to add one more passenger, {who}, to {which}.",
                f"Can {who} join us on {which}? Please add them as an extra passenger.",
            )
        )
    old = f"{f['old']['first_name']} {f['old']['last_name']}"
    return rng.choice(
        (
            f"On {which}, please replace {old} with {who}; {old} can't make it.",
            f"{old} can't travel anymore, so {who} will take their place on {which}.",
            f"Please swap {old} for {who} on {which}.",
        )
    )


def _compensation(rng: random.Random, f: dict[str, Any]) -> str:
    which, flight, date = _which(rng, f), f["flight"], f["date"]
    if f.get("disruption") == "delayed":
        return rng.choice(
            (
                f"My flight {flight} on {date} ({which}) is badly delayed, so I want to cancel "
                "the whole reservation. I'd also like some compensation for the trouble.",
                f"Flight {flight} on {date} is delayed and that doesn't work for me: please "
                f"cancel {which}. I think I deserve compensation for this.",
                f"I'm fed up - flight {flight} on {date} is delayed. Cancel {which}, please, "
                "and I'd like something for the inconvenience.",
            )
        )
    return rng.choice(
        (
            f"My flight {flight} on {date} ({which}) was cancelled and it ruined my plans. I'd "
            "like some compensation for that.",
            f"You cancelled flight {flight} on {date} - that was on {which}. What can you offer "
            "me for it?",
            f"Flight {flight} on {date} got cancelled ({which}). I'd like to be compensated.",
        )
    )


def _status(rng: random.Random, f: dict[str, Any]) -> str:
    flight, date = f["flight"], f["date"]
    return rng.choice(
        (
            f"Can you tell me the status of flight {flight} on {date}?",
            f"What's going on with flight {flight} on {date}?",
            f"Is flight {flight} on {date} running on schedule?",
            f"I'm checking on flight {flight} for {date} - what's its status?",
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
