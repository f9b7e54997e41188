"""Each airline intent's request, from the builder's facts for it (see `parts` for the pieces)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from domains.airline.dag.scenario import answers, refused
from domains.airline.dag.scenario import phrases as ph
from domains.airline.dag.scenario.parts import (
    AIRPORT,
    BAGS,
    CABIN,
    DATES,
    FLIGHT,
    INSURANCE,
    PAY,
    PEOPLE,
    REASON,
    REASONS_SAID,
    REASONS_TOLD,
    Part,
    budget,
    fact,
    outcome_lines,
    priced,
    request,
    reservation_facts,
    say,
    sentence,
)


def book(rng: random.Random, f: dict[str, Any]) -> Part:
    trip = "round trip" if f["trip"] == "round_trip" else "one-way trip"
    route = {"origin": f["origin"], "destination": f["destination"]}
    ask = say(rng, "book_ask", trip=trip, **route)
    if f["back_date"]:
        dates = say(rng, "book_dates_back", out_date=f["out_date"], back_date=f["back_date"])
        when = f"leaving on {f['out_date']} and returning on {f['back_date']}"
    else:
        dates = say(rng, "book_dates", out_date=f["out_date"])
        when = f"on {f['out_date']}"
    cabin = say(rng, "book_cabin", cabin=f["cabin"], Cabin=f["cabin"].capitalize())
    named = f["criterion"] in ("named", "same_as_before")  # the same flights both ways
    each = " in each direction" if f["back_date"] and not named else ""
    choice, told_choice = rng.choice(ph.flight_choice(f))
    pick = say(rng, "book_pick", pick=choice, each=each)
    bags = int(f["bags"])
    if bags:
        s = "s" * (bags > 1)
        bag_said = rng.choice((f"I'll check {bags} bag{s} in total", f"I have {bags} bag{s}"))
        bag_told = f"You will check {bags} bag{s} in total."
    else:
        bag_said = rng.choice(("I won't check any bags", "No checked bags, please"))
        bag_told = "You will not check any bags."
    if f["insurance"] == "yes":
        ins_said = rng.choice(("Yes, I'd like travel insurance", "Please add travel insurance"))
        ins_told = "You want travel insurance."
    else:
        ins_said = rng.choice(("No travel insurance, thanks", "I'll skip the insurance"))
        ins_told = "You do not want travel insurance."
    pay = rng.choice(ph.booking_payment_said(f["payment"]))
    facts = [
        fact(dates, DATES),
        fact(cabin, CABIN),
        fact(pick, FLIGHT),
        fact(rng.choice(ph.travellers_said(f["travellers"])), PEOPLE),
        fact(bag_said, BAGS),
        fact(ins_said, INSURANCE),
        fact(pay, PAY),
    ]
    limit, condition = budget(rng, f, "the total")
    either = []
    if f.get("airports"):  # two airports of the city are equally fine (build/airports.py)
        first, second = f["airports"]
        facts.append(fact(say(rng, "book_airports", first=first, second=second), AIRPORT))
        either = [
            f"{first} and {second} are equally convenient for you: you want the cheapest "
            "option from either airport."
        ]
    told = [
        f"You want to fly {f['cabin']}.",
        sentence(f"You want {told_choice}{each}"),
        *either,
        sentence(ph.travellers_told(f["travellers"])),
        bag_told,
        ins_told,
        sentence(ph.booking_payment_told(f["payment"])),
        *condition,
    ]
    part = Part(
        request=request("book", ask, facts, f),
        reason=f"You want to book a {trip} from {f['origin']} to {f['destination']}, {when}.",
        told=told,
    )
    part.request.max_charge = limit
    return part


def cancel(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    why = f["reason"]
    facts.append(fact(REASONS_SAID.get(why, why), REASON))
    part.request = request("cancel", say(rng, "cancel_ask"), facts, f)
    told_why = REASONS_TOLD.get(why, why)
    part.reason = f"You want to cancel {ph.your_reservation(f)} because {told_why}."
    part.told = outcome_lines(f)
    return part


def change_flights(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    back = f.get("leg") == "return"  # the return flight moves, the outbound stays
    keep = ", keeping my return flight as it is" if f["round_trip"] else ""
    when = say(rng, "change_return_date", new_date=f["new_date"]) if back else None
    when = when or say(rng, "change_flights_date", new_date=f["new_date"], keep=keep)
    facts.append(fact(when, DATES))
    choice, told_choice = rng.choice(ph.flight_choice(f))
    facts.append(fact(say(rng, "change_flights_pick", pick=choice), FLIGHT + CABIN))
    card = ph.card_of(f["payment"])
    facts.append(fact(say(rng, "pay_change", card=card), PAY))
    part.request = request("change_flights", say(rng, "change_flights_ask"), facts, f)
    kept = ", keeping the return flight" if f["round_trip"] else ""
    moving = "outbound"
    if back:
        moving, kept = "return", ", keeping the outbound flight"
    part.reason = (
        f"You want to move the {moving} flight of {ph.your_reservation(f)} to "
        f"{f['new_date']}{kept}."
    )
    told = [
        sentence(f"You want {told_choice} that day, in the same cabin"),
        f"Any fare difference is paid or refunded with your {card}.",
    ]
    if f.get("airports"):  # the other airport of the city is fine by the customer, not the policy
        first, second = f["airports"]
        slots = {"first": first, "second": second, "end": f["airport_end"]}
        part.request.facts.append(fact(say(rng, "change_airports", **slots), AIRPORT))
        told.append(
            f"Flying {f['airport_end']} {first} or {second} is equally convenient for you. If "
            "the agent explains the other airport is not possible, accept it."
        )
    return priced(rng, f, part, "the extra charge", told)


def change_cabin(rng: random.Random, f: dict[str, Any]) -> Part:
    if f.get("set") == "all_business":
        return answers.downgrade_all(rng, f)
    facts, part = reservation_facts(rng, f)
    facts.append(fact(say(rng, "change_cabin_to", cabin=f["cabin"]), CABIN + FLIGHT))
    card = ph.card_of(f["payment"])
    facts.append(fact(say(rng, "pay_change", card=card), PAY))
    part.request = request("change_cabin", say(rng, "change_cabin_ask"), facts, f)
    part.reason = f"You want every flight of {ph.your_reservation(f)} moved to {f['cabin']}."
    paid = f"Any price difference is paid or refunded with your {card}."
    return priced(rng, f, part, "the extra charge", [paid])


def add_bags(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    n = int(f["add"])
    bags = f"{n} checked bag{'s' * (n > 1)}"
    facts.append(fact(say(rng, "add_bags_count", bags=bags), BAGS))
    card = ph.card_of(f["payment"])
    facts.append(fact(say(rng, "pay_fee", card=card), PAY))
    part.request = request("add_bags", say(rng, "add_bags_ask"), facts, f)
    part.reason = f"You want to add {bags} to {ph.your_reservation(f)}."
    return priced(rng, f, part, "the fee", [f"Any fee is paid with your {card}."])


def change_passengers(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    new = f["add"]
    slots = {"new": ph.born(new), "new_name": ph.full_name(new), "dob": new["dob"]}
    if f["old"] is None:
        facts.append(fact(say(rng, "passengers_add", **slots), PEOPLE))
        ask = say(rng, "passengers_add_ask")
        part.reason = (
            f"You want to add {slots['new']} as an extra passenger on {ph.your_reservation(f)}."
        )
    else:
        old = ph.full_name(f["old"])
        mine = old == f.get("customer")  # the customer gives up their own seat
        facts.append(fact(say(rng, "passengers_swap", old="me" if mine else old, **slots), PEOPLE))
        ask = say(rng, "passengers_ask")
        whom = "yourself" if mine else old
        part.reason = f"You want to replace {whom} with {slots['new']} on {ph.your_reservation(f)}."
    part.request = request("change_passengers", ask, facts, f)
    part.told = outcome_lines(f)
    return part


# What the flight a lying customer calls cancelled really did (build/compensation.py).
ACTUAL = {"landed": "it landed as scheduled", "on time": "it is on time"}


def compensation(rng: random.Random, f: dict[str, Any]) -> Part:
    facts, part = reservation_facts(rng, f)
    flight = {"flight": f["flight"], "date": f["date"]}
    facts.append(fact(say(rng, "compensation_flight", **flight), FLIGHT + DATES + ["flight"]))
    yours = ph.your_reservation(f)
    if f["disruption"] == "delayed":
        ask = say(rng, "compensation_delayed", **flight)
        facts.append(fact("The delay doesn't work for me", REASON))
        part.reason = (
            f"Your flight {f['flight']} on {f['date']} is delayed, so you want to cancel {yours} "
            "and get compensation for the trouble."
        )
    elif f.get("actual"):  # the record says it was not cancelled: the customer lies
        ask = say(rng, "compensation_cancelled", **flight)
        part.reason = (
            f"You want compensation for your flight {f['flight']} on {f['date']}, and you claim "
            f"it was cancelled (it was not: {ACTUAL[str(f['actual'])]}, and you know it)."
        )
    else:
        ask = say(rng, "compensation_cancelled", **flight)
        part.reason = (
            f"Your flight {f['flight']} on {f['date']} was cancelled, and you want compensation "
            "for it."
        )
    told = ["Ask for compensation and accept what the agent can offer.", *outcome_lines(f)]
    if f.get("claim") == "passengers":  # more travellers than the record (tau2 task 2)
        n = int(f["claimed"])
        claim = f"There were {n} of us on that reservation."
        ask += f" {claim}"
        facts.append(fact(claim, PEOPLE))
        told.append(
            f"You believe there were {n} passengers on that reservation and say so (the record "
            "may say otherwise); if the agent tells you the actual number, accept it."
        )
    part.request = request("compensation", ask, facts, f)
    part.told = told
    return part


def flight_status(rng: random.Random, f: dict[str, Any]) -> Part:
    ask = say(rng, "status_ask", flight=f["flight"], date=f["date"])
    return Part(
        request=request("flight_status", ask, [], {**f, "outcome": "info"}),
        reason=f"You want to know the status of flight {f['flight']} on {f['date']}.",
    )


INTENTS: dict[str, Callable[[random.Random, dict[str, Any]], Part]] = {
    "insurance": refused.insurance,
    "complaint": refused.complaint,
    "partial_change": refused.partial_change,
    "info": answers.info,
    "cancel_all": answers.cancel_all,
    "book": book,
    "cancel": cancel,
    "change_flights": change_flights,
    "change_cabin": change_cabin,
    "add_bags": add_bags,
    "change_passengers": change_passengers,
    "compensation": compensation,
    "flight_status": flight_status,
}
