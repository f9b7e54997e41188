"""One airline request as the customer plays it: how it is raised, its details, its instructions.

Each intent's function turns the builder's facts for one request into a `Part`: the scripted
customer's `Request` (first person: "I need to cancel a reservation.") and the tau2 scenario's
lines (second person: "You want to cancel your reservation 4WQ150."). Templates are tuples of
format strings whose slots are filled from `phrases`; the template test renders every template
of `TEMPLATES` with every variant of its slots.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from domains.airline.dag.scenario import phrases as ph
from domains.scenario import Fact, Request

RESERVATION = ["reservation", "booking", "confirmation", "trip", "which flight", "itinerary"]
PAY = ["pay", "payment", "card", "charge", "method", "gift", "certificate", "refund", "difference"]
DATES = ["date", "when", "day", "depart", "leave", "leaving", "return", "travel"]
CABIN = ["cabin", "class", "economy", "business", "fare"]
FLIGHT = ["which flight", "option", "prefer", "choose", "cheapest", "earliest", "fastest"]
FLIGHT += ["shortest", "direct", "nonstop", "stop", "connection", "flight number"]
PEOPLE = ["passenger", "traveller", "traveler", "who", "name", "birth", "dob", "people"]
PEOPLE += ["how many", "companion"]
BAGS = ["bag", "baggage", "luggage", "suitcase", "checked"]
INSURANCE = ["insurance", "insure", "protection"]
REASON = ["reason", "why", "cause"]
AIRPORT = ["airport", "which airport", "depart from", "leave from", "fly from", "fly out of"]

TEMPLATES: dict[str, tuple[str, ...]] = {
    "book_ask": (
        "I'd like to book a {trip} from {origin} to {destination}.",
        "I need to book a {trip} from {origin} to {destination}.",
        "Can you help me book a {trip} from {origin} to {destination}?",
    ),
    "book_dates": ("I want to leave on {out_date}.", "I'd fly out on {out_date}."),
    "book_dates_back": (
        "I want to leave on {out_date} and come back on {back_date}.",
        "I'd fly out on {out_date} and return on {back_date}.",
    ),
    "book_cabin": ("I'd like to fly {cabin}.", "{Cabin}, please."),
    "book_airports": (
        "{first} or {second}, either airport is fine: whichever has the cheaper flight.",
        "I can leave from {first} or {second}; please check both and take the cheaper one.",
    ),
    "change_airports": (
        "Flying {end} {first} or {second} is the same to me, if the other one is cheaper.",
        "I don't mind flying {end} {first} or {second}: whichever is cheaper.",
    ),
    "book_pick": ("Please pick {pick}{each}.", "I'd like {pick}{each}."),
    "cancel_ask": (
        "I need to cancel a reservation.",
        "I'd like to cancel one of my bookings.",
        "Could you cancel a trip for me?",
    ),
    "change_flights_ask": (
        "I need to change the date of one of my flights.",
        "I'd like to move a flight to another day.",
    ),
    "change_flights_date": (
        "The outbound flight needs to move to {new_date}{keep}.",
        "I'd like to fly out on {new_date} instead{keep}.",
    ),
    "change_return_date": (
        "The return flight needs to move to {new_date}, keeping my outbound flight as it is.",
        "I'd like to fly back on {new_date} instead; the outbound flight stays as it is.",
    ),
    "change_flights_pick": (
        "Please pick {pick}, in the same cabin.",
        "I'd like {pick}, keeping the same cabin.",
    ),
    "change_cabin_ask": (
        "I'd like to change the cabin on one of my reservations.",
        "I want to switch a booking to a different cabin.",
    ),
    "change_cabin_to": (
        "I want every flight on it in {cabin}.",
        "Please move all the flights to {cabin}.",
    ),
    "add_bags_ask": (
        "I need to add checked bags to a reservation.",
        "Can I add some luggage to one of my bookings?",
    ),
    "add_bags_count": ("I want to add {bags}.", "I need {bags} more."),
    "pay_change": (
        "Any difference can go on my {card}.",
        "Please use my {card} for any difference.",
    ),
    "pay_fee": ("Please charge any fee to my {card}.", "Any fee can go on my {card}."),
    "passengers_ask": (
        "I need to change a passenger on one of my reservations.",
        "One of the passengers on my booking can't travel anymore.",
    ),
    "passengers_swap": (
        "Please replace {old} with {new}.",
        "{new_name}, born {dob}, will travel instead of {old}.",
    ),
    "passengers_add_ask": (
        "I'd like to add a passenger to one of my reservations.",
        "Someone else wants to join one of my trips.",
    ),
    "passengers_add": (
        "Please add {new} as an extra passenger.",
        "{new_name}, born {dob}, would like to join as an extra passenger.",
    ),
    "compensation_cancelled": (
        "My flight {flight} on {date} was cancelled, and I'd like compensation for it.",
        "You cancelled my flight {flight} on {date}. I want to be compensated for that.",
    ),
    "compensation_delayed": (
        "My flight {flight} on {date} is delayed, so I want to cancel my reservation. I'd also "
        "like compensation for the trouble.",
        "Flight {flight} on {date} is delayed and that doesn't work for me. Please cancel the "
        "reservation; I think I deserve compensation too.",
    ),
    "compensation_flight": ("It's flight {flight} on {date}.", "The flight is {flight}."),
    "status_ask": (
        "Could you tell me the status of flight {flight} on {date}?",
        "What's the status of flight {flight} on {date}?",
        "Is flight {flight} on {date} running on time?",
    ),
}
# The cancellation reasons the builders give, as the customer says them and as they are told.
REASONS_SAID = {
    "change of plans": "My plans have changed.",
    "I found a better option elsewhere": "I found a better option elsewhere.",
    "the airline cancelled my flight": "The airline cancelled my flight.",
    "I'm sick and can't travel": "I'm sick and can't travel.",
    "a storm is forecast at my destination": "A storm is forecast at my destination.",
    "I can't make the return trip anymore": "I can't make the return trip anymore.",
}
REASONS_TOLD = {
    "change of plans": "your plans have changed",
    "I found a better option elsewhere": "you found a better option elsewhere",
    "the airline cancelled my flight": "the airline cancelled your flight",
    "I'm sick and can't travel": "you are sick and cannot travel",
    "a storm is forecast at my destination": "a storm is forecast at your destination",
    "I can't make the return trip anymore": "you cannot make the return trip anymore",
}


@dataclass
class Part:
    """One request: the scripted customer's side and the tau2 scenario's lines."""

    request: Request
    reason: str  # reason for the call, one sentence
    quoted: list[str] = field(default_factory=list)  # reservation numbers the customer knows
    unknown: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)  # task instructions, whole sentences


def say(rng: random.Random, key: str, **slots: str) -> str:
    return str(rng.choice(TEMPLATES[key])).format(**slots)


def sentence(text: str) -> str:
    """A phrase as a sentence: final period added, first letter capitalised (names never start
    in lower case, so this changes no name)."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def fact(says: str | list[str], topics: list[str], known: bool = True) -> Fact:
    lines = [says] if isinstance(says, str) else says
    return Fact(says=" ".join(sentence(s) for s in lines), topics=topics, known=known)


def request(kind: str, ask: str, facts: list[Fact], f: dict[str, Any]) -> Request:
    return Request(kind=kind, ask=ask, facts=facts, outcome=f.get("outcome", "done"))


def budget(rng: random.Random, f: dict[str, Any], what: str) -> tuple[int | None, list[str]]:
    """Half of the requests that cost money come with a spending limit above the real charge
    (so the correct action is within it): the customer agrees to nothing dearer."""
    charge = int(f.get("charge") or 0)
    if charge <= 0 or rng.random() < 0.5:
        return None, []
    limit = (charge // 50 + 1 + rng.randint(0, 3)) * 50
    return limit, [f"Only agree if {what} is no more than ${limit}."]


def priced(rng: random.Random, f: dict[str, Any], part: Part, what: str, told: list[str]) -> Part:
    """A change that may cost money: its instructions, a spending limit (sometimes) on `what`,
    and what to accept if the policy refuses it."""
    part.request.max_charge, condition = budget(rng, f, what)
    part.told = [*told, *condition, *outcome_lines(f)]
    return part


def reservation_facts(rng: random.Random, f: dict[str, Any]) -> tuple[list[Fact], Part]:
    """Which reservation: its id, or (when the customer does not have it) the trip. Returns the
    facts and a `Part` holding the number the customer quotes or the unknown line."""
    lines = Part(request=Request(kind="", ask="", outcome="done"), reason="")
    if f.get("reservation_id"):
        lines.quoted.append(str(f["reservation_id"]))
        return [fact(rng.choice(ph.reservation_facts_said(f)), RESERVATION)], lines
    admit, trip = rng.choice(ph.reservation_facts_said(f))
    lines.unknown.append(f"You do not remember the reservation number of {ph.your_reservation(f)}.")
    return [fact(admit, RESERVATION, known=False), fact(trip, RESERVATION)], lines


# What a refused request asks for, as the refusal line names it (two refused requests in one
# task would otherwise get the same line twice, neither saying which request it is about).
REFUSED_WHAT = {
    "cancel": "cancelling it",
    "change_flights": "the flight change",
    "change_cabin": "the cabin change",
    "add_bags": "adding the bags",
    "change_passengers": "the passenger change",
    "compensation": "compensation",
    "complaint": "compensation for the delay",
    "remove_passenger": "removing the passenger",
    "remove_bags": "removing the bags",
    "one_segment_cabin": "changing the cabin of one flight only",
    "change_route": "changing the destination",
    "add": "adding insurance now",
    "refund": "refunding the insurance",
}


def outcome_lines(f: dict[str, Any]) -> list[str]:
    outcome = f.get("outcome", "done")
    if outcome == "refused":
        kind = str(f.get("kind"))
        key = {"partial_change": f.get("partial"), "insurance": f.get("variant")}.get(kind, kind)
        what = REFUSED_WHAT.get(str(key), "this")
        return [
            f"If the agent explains that the policy does not allow {what}, accept it and move on."
        ]
    if outcome == "transfer":
        return ["If the agent says a human agent must handle this and transfers you, agree."]
    return []
