"""Phrases the airline scenario templates are built from: who travels, which trip, how to pay.

Every function returns all the ways it can put a thing (the caller draws one with the task's
rng), so the template test can render every template with every variant of every slot. Rules
that keep the splices grammatical: a phrase is a noun phrase or a whole sentence, never ends
in punctuation, never changes the case of a name, and parentheses appear only inside a single
phrase (a place "Boston (BOS)", a birth date), never around a slot.
"""

from __future__ import annotations

from typing import Any

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def full_name(person: dict[str, str]) -> str:
    return f"{person['first_name']} {person['last_name']}"


def born(person: dict[str, str]) -> str:
    """A person with their date of birth: 'Ava Stone (born 1990-01-02)'."""
    return f"{full_name(person)} (born {person['dob']})"


def listing(items: list[str]) -> str:
    """'A', 'A and B', 'A, B, and C'; 'A; B; and C' when an item has commas or parentheses
    of its own (a person with a date of birth)."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    sep = "; " if any("," in i or "(" in i for i in items) else ", "
    return sep.join(items[:-1]) + f"{sep}and {items[-1]}"


def travellers_said(travellers: list[dict[str, str]]) -> list[str]:
    """The customer (listed first) and companions, as the customer says it (sentences)."""
    me = travellers[0]
    if len(travellers) == 1:
        return [
            f"I'm the only passenger: {born(me)}",
            f"It's just me travelling, {born(me)}",
        ]
    others = [born(t) for t in travellers[1:]]
    count = NUMBER_WORDS[len(travellers)]
    group = f"me, {born(me)}, and {others[0]}"
    if len(others) > 1:
        group = listing([f"me, {born(me)}", *others])
    return [f"There are {count} of us: {group}", f"The passengers are {group}"]


def travellers_told(travellers: list[dict[str, str]]) -> str:
    """The same, told to the customer ("You travel ...")."""
    if len(travellers) == 1:
        return f"You travel alone; your date of birth is {travellers[0]['dob']}"
    you = f"you (born {travellers[0]['dob']})"
    return "The passengers are " + listing([you, *(born(t) for t in travellers[1:])])


def trip_route(f: dict[str, Any]) -> str:
    """A reservation described by its route and first date: 'from Boston to Denver on May 21'."""
    return f"from {f['origin']} to {f['destination']} on {f['date']}"


def my_reservation(f: dict[str, Any]) -> list[str]:
    """A reservation as the customer refers to it (noun phrases)."""
    if f.get("reservation_id"):
        rid = f["reservation_id"]
        return [f"reservation {rid}", f"my reservation {rid}", f"booking {rid}"]
    route = trip_route(f)
    return [f"my trip {route}", f"my booking {route}", f"the reservation for my flight {route}"]


def your_reservation(f: dict[str, Any]) -> str:
    """The same, told to the customer."""
    if f.get("reservation_id"):
        return f"your reservation {f['reservation_id']}"
    return f"your trip {trip_route(f)}"


def reservation_facts_said(f: dict[str, Any]) -> list[list[str]]:
    """What the customer answers when asked which reservation: the id, or that they do not know
    it plus the trip. Each variant is a list of sentences."""
    if f.get("reservation_id"):
        rid = f["reservation_id"]
        return [
            [f"The reservation number is {rid}"],
            [f"It's reservation {rid}"],
            [f"My confirmation number is {rid}"],
        ]
    route = trip_route(f)
    return [
        ["I don't have the reservation number, sorry", f"It's my trip {route}"],
        ["I can't find my confirmation number", f"It's the booking {route}"],
    ]


CRITERIA: dict[str, tuple[str, ...]] = {
    "cheapest": ("the cheapest {stops} flight", "the lowest-priced {stops} option"),
    "shortest": ("the {stops} option with the shortest travel time", "the quickest {stops} option"),
    "earliest": ("the earliest {stops} departure", "the {stops} flight that leaves first"),
    "second_cheapest": (
        "the second-cheapest {stops} flight (the cheapest one is never great)",
        "the {stops} option that is second-lowest in price",
    ),
    "time_window": (
        "the cheapest {stops} flight leaving at {after} or later",
        "the lowest-priced {stops} option that departs no earlier than {after}",
    ),
}
STOPS = {"direct": "direct", "one_stop": "one-stop"}


def flight_choice(f: dict[str, Any]) -> list[tuple[str, str]]:
    """Which flight the customer wants, as noun phrases (said by the customer, told to the
    simulator in the second person): a criterion, or the flights they name."""
    if f["criterion"] == "named":
        named = [f"flight{'s' * (len(legs) > 1)} {' and '.join(legs)}" for legs in f["named"]]
        if len(named) == 1:
            return [(named[0], named[0])]
        both = f"{named[0]} on the way out and {named[1]} on the way back"
        return [(both, both)]
    if f["criterion"] == "same_as_before":  # the flights of an earlier trip, on new dates
        s = "s" * (f["stops"] == "one_stop" or bool(f.get("back_date")))
        before = f["before"]
        return [
            (
                f"the exact same flight{s} as on my trip of {before}",
                f"the exact same flight{s} as on your trip of {before}",
            ),
            (f"the same flight{s} I flew on {before}", f"the same flight{s} you flew on {before}"),
        ]
    stops = STOPS[f["stops"]]
    phrases = [c.format(stops=stops, after=f.get("after", "")) for c in CRITERIA[f["criterion"]]]
    return [(p, p) for p in phrases]


def card(text: str) -> str:
    """A credit card as the builder names it ('Visa card ending in 1234'), without the
    doubled word of 'Mastercard card'."""
    return text.replace("Mastercard card", "Mastercard")


def card_of(pay: dict[str, Any]) -> str:
    """The payment method of a change (a card or one gift card), as a noun phrase without 'my'."""
    if pay["kind"] == "gift_card":
        return f"gift card with ${pay['fact']} on it"
    return card(str(pay["text"]).removeprefix("my "))


# The customer's fallback when the card it names is not on file (payment_rule=card_not_on_file).
NOT_ON_FILE_SAID = "If that card can't be used, put it on my {method} instead"
NOT_ON_FILE_TOLD = (
    "Your {asked} is new and not saved in your profile. If the agent says it cannot be used, "
    "you want your {method} used in its place"
)


def booking_payment_said(pay: dict[str, Any]) -> list[str]:
    """How the customer wants a booking paid (sentences)."""
    mix, method = pay["mix"], card(str(pay.get("card")))
    if pay.get("card_asked"):  # a card not on file first, the card on file if it cannot be
        asked = card(str(pay["card_asked"]))
        plain = booking_payment_said({**pay, "card_asked": None})
        fallback = NOT_ON_FILE_SAID.format(method=method)
        return [f"{s.replace(method, asked)}. {fallback}" for s in plain]
    if mix == "card":
        return [f"Please charge my {method}", f"I'll pay with my {method}"]
    if mix == "card_gift" and pay.get("by_price"):
        limit, cert, gift = (
            pay["by_price"]["limit"],
            pay["by_price"]["certificate"],
            pay["gift_balance"],
        )
        return [
            f"If the total is more than ${limit}, please use my ${cert} travel certificate and "
            f"put the rest on my {method}. Otherwise, use the whole ${gift} on my gift card "
            f"first and put the rest on my {method}",
        ]
    if mix == "card_gift":
        gift = pay["gift_balance"]
        return [
            f"Please use the whole ${gift} on my gift card first and put the rest on my {method}",
            f"I have a gift card with ${gift} on it; use all of it, and the rest goes on my "
            f"{method}",
        ]
    if mix == "certificate" and pay.get("certificates"):
        a, b = pay["certificates"]
        fallback = f"If only one can be used, take the ${pay['fallback']} one"
        return [
            f"Please use both my ${a} and ${b} travel certificates and put the rest on my "
            f"{method}. {fallback}",
            f"I'd like to pay with my two certificates, ${a} and ${b}, and the rest with my "
            f"{method}. {fallback}",
        ]
    if mix == "certificate":
        cert = pay["certificate"]
        return [
            f"Please use my ${cert} travel certificate, and put anything it doesn't cover on my "
            f"{method}",
            f"I'd like to apply my ${cert} certificate first and pay whatever is left with my "
            f"{method}",
        ]
    if mix == "optimise":
        return [
            f"Please use my travel certificates as much as possible, then my gift cards as much "
            f"as possible, and put the rest on my {method}. How much will go on the card?",
            f"I want to put as little as possible on my {method}: use my certificates first, then "
            "my gift cards, as far as they go. Please tell me what the card will be charged",
        ]
    order = ", then ".join(f"the ${b} one" for b in pay["gift_balances"])
    return [
        f"Please pay with my gift cards only, in this order: {order}, with the last one covering "
        "whatever is left",
        f"I want to use gift cards only, {order}, and the last one pays the rest",
    ]


def booking_payment_told(pay: dict[str, Any]) -> str:
    mix, method = pay["mix"], card(str(pay.get("card")))
    if pay.get("card_asked"):
        asked = card(str(pay["card_asked"]))
        plain = booking_payment_told({**pay, "card_asked": None}).replace(method, asked)
        return f"{plain}. {NOT_ON_FILE_TOLD.format(asked=asked, method=method)}"
    if mix == "card":
        return f"You pay with your {method}"
    if mix == "card_gift" and pay.get("by_price"):
        limit, cert = pay["by_price"]["limit"], pay["by_price"]["certificate"]
        return (
            f"If the total is more than ${limit}, you want to use your ${cert} travel "
            f"certificate and pay the rest with your {method}; otherwise, you want to use the "
            f"whole ${pay['gift_balance']} on your gift card first and pay the rest with your "
            f"{method}"
        )
    if mix == "card_gift":
        return (
            f"You want to use the whole ${pay['gift_balance']} on your gift card first and pay "
            f"the rest with your {method}"
        )
    if mix == "certificate" and pay.get("certificates"):
        a, b = pay["certificates"]
        return (
            f"You want to use both your ${a} and ${b} travel certificates and pay the rest with "
            f"your {method}. If only one certificate can be used, you want to use the "
            f"${pay['fallback']} one"
        )
    if mix == "certificate":
        return (
            f"You want to use your ${pay['certificate']} travel certificate and pay anything it "
            f"does not cover with your {method}"
        )
    if mix == "optimise":
        return (
            "For payment, you want your travel certificates used as much as possible, then your "
            f"gift cards as much as possible, and the rest on your {method}; you want to know how "
            "much the card will be charged"
        )
    order = ", then ".join(f"the ${b} one" for b in pay["gift_balances"])
    return f"You pay with gift cards only, in this order: {order}; the last one pays the rest"
