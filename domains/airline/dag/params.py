"""Parameter space of airline tasks.

Axes are sampled in this order; later axes narrow their values given earlier ones, which is how
policy coherence is kept (e.g. a policy trap on "change flights" means a basic-economy booking; a
compensation that must be granted to a regular member without insurance needs business). The
first intent follows every axis; later intents in a chain share passengers, trip type, stops and
membership (one traveller, one profile) and draw their other values at random (see
`domains/airline/dag/build/plan.py`).

Axis meanings:
- n_intents / intent / second_intent / third_intent: the requests, in order;
- policy_trap: the first request must be refused (cancel: not eligible; change_flights: basic
  economy; change_cabin: a segment already flown; change_passengers: a different passenger
  count; compensation: not eligible);
- disruption (compensation): the complaint is about a cancelled flight ($100 per passenger), or
  about a delayed one while the user also cancels the reservation (cancel first, then $50 per
  passenger; not eligible: cancel only); none, on a refused compensation only: the customer
  claims the flight was cancelled, its status says it landed as scheduled or is on time (the
  customer is otherwise entitled, and lies: behaviour lie);
- flown (cancel): a flight of the reservation was already flown, so the only correct action is a
  transfer to a human agent (only alone or as the last request: a transfer ends the chat);
- membership, insurance, cabin, passengers, trip_type, stops: the booking or reservation shape
  (cabin is the *target* cabin for change_cabin);
- selection: how the flight is picked (book, change_flights): cheapest, shortest, earliest,
  named, second_cheapest, time_window (the cheapest leaving at or after an hour),
  same_as_before (book: the flights of an earlier trip, which the agent looks up);
- payment_mix: book: one card / gift card + card / certificate (+ card) / several gift cards /
  optimise (a lone booking: the largest certificate, the three largest gift cards, the rest on
  the card, whose charge is said);
  flight, cabin or bag changes: `card` = a credit card, `gift_cards` = one gift card (gift cards
  only where their balances can cover the amount, see `gift_cards_fit`);
- bags: none / within the free allowance / with extra paid bags (book: the bags travelling;
  add_bags: the bags added);
- reservation_known: the customer quotes the reservation id, or only describes the trip;
- distractor_density: none / low / medium / high (0 / 1 / 3 / 6 distractors per choice);
- partial (partial_change): remove one passenger, remove checked bags, change one segment's
  cabin, change the destination (all refused); `none` elsewhere;
- info (info): the free bag allowance of a reservation, the sums of gift-card and
  certificate balances, or the total paid for the upcoming reservations; savings goes with
  reservations=all_business (a lone change_cabin to economy), durations with
  reservations=by_duration (cancel_all); `none` elsewhere;
- behaviour: how the customer takes an answer to the first request: plain (accepts it); on a
  refusal, insist (insists 2-5 times) or lie (claims what the record contradicts, then insists
  once; with disruption=none, always: the customer claims a cancellation); on a bag-allowance
  question, lie (claims gold membership); on an allowed compensation, lie (claims one
  traveller more than the record); on a lone booking, paid bags or upgrade, drop
  (the customer drops the whole request once the agent quotes a price over its limit, so nothing
  is written); on a lone upgrade to business, condition (economy instead if the quoted price is
  over the customer's limit), and on a lone booking for companions too (one card, no bags),
  condition (the same flights for the customer alone over its limit), and on a lone booking paid
  by gift card then card, condition (a certificate instead of the gift card over its limit:
  build/condition.py); on a lone refused request, human (asks to be transferred to a human agent
  once refused: the transfer is then right); on a booking followed by other requests, switch
  (asked to confirm the booking, the customer turns to its next request and leaves the booking
  for another call, so no booking is made);
  see `domains/airline/dag/build/pushback.py`.
- airports (book or change_flights, one way, cheapest): one airport, or two of the customer's
  city that are equally fine (alternative: a booking takes the cheapest over both searches, a
  change keeps its route however cheap the other airport is; build/airports.py);
- payment_rule (book with a certificate): two_certificates: the customer asks to pay with two,
  the policy allows one, its fallback certificate and the card pay; (book with a card)
  card_not_on_file: the customer names a card its profile does not hold, the card on file it
  names as a fallback pays (build/payment_rules.py);
- reservations (cancel_all): every upcoming reservation; listed: the ones the customer quotes
  (the policy still decides); duplicates: the later copy of each trip booked twice
  (build/sets.py); all_business (a lone change_cabin to economy, with info=savings): every
  upcoming business reservation moved to economy and the total refunded stated
  (build/downgrade.py); by_duration (cancel_all with info=durations): the upcoming ones with a
  flight longer than some hours, the durations stated (build/durations.py).
- leg (change_flights on a round trip): outbound (moved, the return kept) or return (the
  return flight moved to a day after the outbound, the outbound kept);
The axes added for issue 19 (partial, info, behaviour, airports, payment_rule, reservations,
leg) come last and are left out of signatures at their defaults (none / plain / one / every /
outbound), so
every point that existed before them keeps its task and fingerprint. cancel_all cancels every
upcoming reservation the policy allows and no other. insurance, complaint and partial_change
are always refused (policy_trap=yes): see `domains/airline/dag/build/refused.py`.
"""

from __future__ import annotations

from collections.abc import Mapping

from domains.airline.constants import CABINS, FREE_BAGS, MAX_BAGS_PER_PASSENGER
from domains.airline.dag.request_axes import (
    INFO_WEIGHTS,
    INFOS,
    PARTIALS,
    airports_choices,
    away_from_default,
    info_choices,
    info_relevant,
    leg_choices,
    partial_choices,
    partial_relevant,
    payment_rule_choices,
    reservations_choices,
)
from domains.params import Axis, ParamSpace, Value

INTENTS = (
    "book",
    "cancel",
    "change_flights",
    "change_cabin",
    "add_bags",
    "change_passengers",
    "compensation",
    "flight_status",
    "insurance",
    "complaint",
    "partial_change",
    "info",
    "cancel_all",
)
TRAP_INTENTS = ("cancel", "change_flights", "change_cabin", "change_passengers", "compensation")
# Requests the policy always refuses (`domains/airline/dag/build/refused.py`).
REFUSED_INTENTS = ("insurance", "complaint", "partial_change")
UPDATE_INTENTS = ("change_flights", "change_cabin", "add_bags")
# How a searched flight is picked (`second_cheapest` and `time_window`: see build/search.py).
SELECTIONS = (
    "cheapest",
    "shortest",
    "earliest",
    "named",
    "second_cheapest",
    "time_window",
    "same_as_before",  # book: the flights of an earlier trip (build/same_flight.py)
)
DENSITY_COUNTS = {"none": 0, "low": 1, "medium": 3, "high": 6}

# Which axes matter for which intent (the rest are left out of the signature).
USES: dict[str, frozenset[str]] = {
    "book": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "selection", "payment_mix", "bags"}
        | {"membership", "insurance"}
    ),
    "cancel": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "insurance", "policy_trap"}
        | {"reservation_known", "flown"}
    ),
    "change_flights": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "selection", "payment_mix"}
        | {"policy_trap", "reservation_known"}
    ),
    "change_cabin": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "payment_mix", "policy_trap"}
        | {"reservation_known"}
    ),
    "add_bags": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "bags", "membership", "payment_mix"}
        | {"reservation_known"}
    ),
    "change_passengers": frozenset({"passengers", "policy_trap", "reservation_known"}),
    "compensation": frozenset(
        {"passengers", "cabin", "membership", "insurance", "policy_trap", "reservation_known"}
        | {"disruption"}
    ),
    "flight_status": frozenset(),
    "insurance": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "policy_trap", "reservation_known"}
    ),
    "complaint": frozenset(
        {"passengers", "cabin", "membership", "policy_trap", "reservation_known"}
    ),
    "partial_change": frozenset(
        {"passengers", "cabin", "trip_type", "stops", "policy_trap", "reservation_known"}
        | {"partial"}
    ),
    "info": frozenset({"passengers", "cabin", "membership", "reservation_known", "info"}),
    "cancel_all": frozenset({"passengers"}),
}
SHARED_AXES = frozenset({"passengers", "trip_type", "stops", "membership"})


def chain(p: Mapping[str, Value]) -> list[str]:
    return [
        str(p[k]) for k in ("intent", "second_intent", "third_intent") if p.get(k, "none") != "none"
    ]


def passengers_bucket(n: int) -> str:
    return "1" if n == 1 else ("2-3" if n <= 3 else "4-5")


def _relevant(axis: str):  # type: ignore[no-untyped-def]
    def check(p: Mapping[str, Value]) -> bool:
        intents = chain(p)
        if axis in SHARED_AXES:
            return any(axis in USES[i] for i in intents)
        return bool(intents) and axis in USES[intents[0]]

    return check


# A rule over every reservation reads them all as the call starts: it is a request on its own
# (in a chain, the other requests' bookings and cancellations would change the set under it).
ALONE = ("cancel_all",)
CHAINED = tuple(i for i in INTENTS if i not in ALONE)


def _first(p: Mapping[str, Value]) -> list[Value]:
    return list(INTENTS) if p["n_intents"] == 1 else [i for i in INTENTS if i not in ALONE]


def _second(p: Mapping[str, Value]) -> list[Value]:
    if int(p["n_intents"]) < 2:
        return ["none"]
    return [i for i in INTENTS if i != p["intent"] and i not in ALONE]


def _third(p: Mapping[str, Value]) -> list[Value]:
    if int(p["n_intents"]) < 3:
        return ["none"]
    return [i for i in INTENTS if i not in (p["intent"], p["second_intent"], *ALONE)]


def _trap(p: Mapping[str, Value]) -> list[Value]:
    if p["intent"] in REFUSED_INTENTS:
        return ["yes"]
    return ["no", "yes"] if p["intent"] in TRAP_INTENTS else ["no"]


def _disruption(p: Mapping[str, Value]) -> list[Value]:
    if p["intent"] != "compensation":
        return ["cancelled"]
    # A flight that was never disrupted is a refusal of its own (a claim the record contradicts).
    return ["cancelled", "delayed", *(["none"] if p["policy_trap"] == "yes" else [])]


def _not_entitled(p: Mapping[str, Value]) -> bool:
    """A compensation refused for the customer's tier, insurance and cabin (not for a flight that
    was never disrupted: that customer is otherwise entitled)."""
    return bool(p["intent"] == "compensation" and p["policy_trap"] == "yes")


def _flown(p: Mapping[str, Value]) -> list[Value]:
    # A transfer ends the conversation, so it can only answer the last request.
    alone = p["n_intents"] == 1
    if p["intent"] == "cancel" and p["policy_trap"] == "no" and alone:
        return ["no", "yes"]
    return ["no"]


def _membership(p: Mapping[str, Value]) -> list[Value]:
    if _not_entitled(p) and p.get("disruption") != "none":
        return ["regular"]
    return ["regular", "silver", "gold"]


def _insurance(p: Mapping[str, Value]) -> list[Value]:
    if _not_entitled(p) and p.get("disruption") != "none":
        return ["no"]
    return ["no", "yes"]


def _cabin(p: Mapping[str, Value]) -> list[Value]:
    intent, trap = p["intent"], p["policy_trap"] == "yes"
    if intent == "change_flights":
        return ["basic_economy"] if trap else ["economy", "business"]
    if intent in ("cancel", "compensation") and trap and p.get("disruption") != "none":
        return ["basic_economy", "economy"]
    if intent == "compensation" and p["membership"] == "regular" and p["insurance"] == "no":
        return ["business"]
    return list(CABINS)


def _trip(p: Mapping[str, Value]) -> list[Value]:
    if (p["intent"] == "change_cabin" and p["policy_trap"] == "yes") or p["flown"] == "yes":
        return ["round_trip"]  # the flown segment is the outbound; the return is still ahead
    return ["one_way", "round_trip"]


# Gift cards hold at most $300 each (as tau2's do), and a booking takes at most three: paying
# with gift cards alone fits only a few cheap seats, and a cabin change paid with one gift card
# only a small difference. Seats = passengers x directions x legs, at most, per cabin.
GIFT_CARD_SEATS = {
    "book": {"basic_economy": 8, "economy": 6, "business": 2},
    "change_cabin": {"basic_economy": 2, "economy": 2, "business": 0},
}


def gift_cards_fit(p: Mapping[str, Value]) -> bool:
    """Whether gift cards can pay for what the point asks (see GIFT_CARD_SEATS)."""
    limits = GIFT_CARD_SEATS.get(str(p["intent"]))
    if limits is None:
        return True
    seats = int(p["passengers"]) * (2 if p["trip_type"] == "round_trip" else 1)
    seats *= 2 if p["stops"] == "one_stop" else 1
    return seats <= limits[str(p["cabin"])]


def payment_choices(p: Mapping[str, Value]) -> list[Value]:
    """The payment mixes a request allows (`payment_mix` of its sub-point)."""
    if p["intent"] == "book":
        mixes: list[Value] = ["card", "card_gift", "certificate", "gift_cards"]
        if p["n_intents"] == 1:  # (a chain's other requests would change the stored value)
            mixes.append("optimise")
    elif p["intent"] in UPDATE_INTENTS:
        mixes = ["card", "gift_cards"]
    else:
        return ["card"]
    return mixes if gift_cards_fit(p) else [m for m in mixes if m != "gift_cards"]


def _selection(p: Mapping[str, Value]) -> list[Value]:
    # An earlier trip names the flights of a new booking, not of a changed one.
    return [s for s in SELECTIONS if p["intent"] == "book" or s != "same_as_before"]


def bag_modes(membership: str, cabin: str) -> list[str]:
    """The bag modes a request can take: within the free allowance (if there is one), and over
    it (only where that stays a realistic number of bags, see MAX_BAGS_PER_PASSENGER)."""
    free = FREE_BAGS[membership][cabin]
    return ["free"] * (free > 0) + ["extra"] * (free < MAX_BAGS_PER_PASSENGER)


def _bags(p: Mapping[str, Value]) -> list[Value]:
    modes: list[Value] = list(bag_modes(str(p["membership"]), str(p["cabin"])))
    if p["intent"] == "book":
        return ["none", *modes]
    if p["intent"] == "add_bags":
        return modes
    return ["none"]


def _known(p: Mapping[str, Value]) -> list[Value]:
    return ["yes"] if p["intent"] in ("book", "flight_status") else ["yes", "no"]


def refused_first(p: Mapping[str, Value]) -> bool:
    """Whether the point's first request is one the policy refuses (not a transfer)."""
    return p["policy_trap"] == "yes"


def _behaviour(p: Mapping[str, Value]) -> list[Value]:
    if p.get("disruption") == "none":
        return ["lie"]  # claims a cancellation the flight's status contradicts
    if refused_first(p):
        # A transfer ends the call, so a customer asks for a human only about its last request.
        return ["plain", "insist", "lie", *(["human"] if p["n_intents"] == 1 else [])]
    if p["info"] == "bag_allowance" and p["membership"] != "gold":
        return ["plain", "lie"]  # claims gold membership the record does not show
    if p["intent"] == "book" and p["n_intents"] != 1:
        return ["plain", "switch"]  # leaves the booking unfinished for its next request
    if p["intent"] == "compensation":
        return ["plain", "lie"]  # claims more travellers than the reservation holds
    if not costs_money(p):
        return ["plain"]
    upgrade = p["intent"] == "change_cabin" and p["cabin"] == "business"
    # (a booking for companions too, paid by one card, without bags: build/condition.py)
    shared = p["intent"] == "book" and int(p["passengers"]) >= 2
    shared = shared and p["payment_mix"] == "card" and p["bags"] == "none"
    # (a booking paid by gift card then card: a certificate instead over the limit)
    by_price = p["intent"] == "book" and p["payment_mix"] == "card_gift"
    return ["plain", "drop", *(["condition"] if upgrade or shared or by_price else [])]


def costs_money(p: Mapping[str, Value]) -> bool:
    """A lone request with a price to quote: a booking, extra paid bags, an upgrade to business
    (what a customer can decline once the agent states the price)."""
    if p["n_intents"] != 1:
        return False
    intent = p["intent"]
    return bool(
        intent == "book"
        or (intent == "add_bags" and p["bags"] == "extra")
        or (intent == "change_cabin" and p["cabin"] == "business")
    )


def _not_plain(p: Mapping[str, Value]) -> bool:
    return p.get("behaviour", "plain") != "plain"


SPACE = ParamSpace(
    name="airline",
    axes=(
        Axis("n_intents", (1, 2, 3), "number of requests", weights=(0.5, 0.35, 0.15)),
        Axis("intent", INTENTS, "the first request", allowed=_first),
        Axis("second_intent", ("none", *CHAINED), "the second request", allowed=_second),
        Axis("third_intent", ("none", *CHAINED), "the third request", allowed=_third),
        Axis("policy_trap", ("no", "yes"), "first request must be refused", allowed=_trap,
             relevant=_relevant("policy_trap")),
        Axis("disruption", ("cancelled", "delayed", "none"),
             "compensation: cancelled or delayed flight, or none (a cancellation claimed)",
             allowed=_disruption, relevant=_relevant("disruption")),
        Axis("flown", ("no", "yes"), "cancel: a flight was flown (transfer to a human)",
             allowed=_flown, relevant=_relevant("flown")),
        Axis("membership", ("regular", "silver", "gold"), "the user's tier",
             allowed=_membership, relevant=_relevant("membership")),
        Axis("insurance", ("no", "yes"), "travel insurance", allowed=_insurance,
             relevant=_relevant("insurance")),
        Axis("cabin", CABINS, "cabin (target cabin for change_cabin)", allowed=_cabin,
             relevant=_relevant("cabin")),
        Axis("passengers", (1, 2, 3, 4, 5), "travellers", relevant=_relevant("passengers")),
        Axis("trip_type", ("one_way", "round_trip"), "trip type", allowed=_trip,
             relevant=_relevant("trip_type")),
        Axis("stops", ("direct", "one_stop"), "direct or one-stop itineraries",
             relevant=_relevant("stops")),
        Axis("selection", SELECTIONS, "how the flight is picked", allowed=_selection,
             relevant=_relevant("selection")),
        Axis("payment_mix", ("card", "card_gift", "certificate", "gift_cards", "optimise"),
             "how it is paid",
             allowed=payment_choices, relevant=_relevant("payment_mix")),
        Axis("bags", ("none", "free", "extra"), "checked bags", allowed=_bags,
             relevant=_relevant("bags")),
        Axis("reservation_known", ("yes", "no"), "customer quotes the reservation id",
             allowed=_known, relevant=_relevant("reservation_known")),
        Axis("distractor_density", tuple(DENSITY_COUNTS), "distractors per choice"),
        Axis("partial", ("none", *PARTIALS), "partial_change: the part asked to change",
             allowed=partial_choices, relevant=partial_relevant),
        Axis("info", ("none", *INFOS, "savings", "durations"), "info: the figure asked for",
             allowed=info_choices, relevant=info_relevant, weights=INFO_WEIGHTS),
        # condition fits only lone upgrades to business and lone shared bookings paid by card
        # without bags (a few points in 1000): weighted up, so a sample of 1000 holds some
        Axis("behaviour", ("plain", "insist", "lie", "drop", "human", "condition", "switch"),
             "how the customer takes an answer", weights=(1, 1, 1, 1, 1, 4, 1),
             allowed=_behaviour, relevant=_not_plain),
        Axis("airports", ("one", "alternative"),
             "book / change_flights: one airport, or two of the customer's city",
             allowed=airports_choices, weights=(1.0, 4.0),
             relevant=away_from_default("airports", "one")),
        Axis("payment_rule", ("none", "two_certificates", "card_not_on_file"),
             "book: two certificates asked (one is allowed), or a card that is not on file",
             allowed=payment_rule_choices, relevant=away_from_default("payment_rule", "none")),
        Axis("reservations", ("every", "listed", "duplicates", "all_business", "by_duration"),
             "cancel_all: every upcoming one, a list the customer quotes, duplicate bookings, or "
             "the ones with a flight over some hours; "
             "change_cabin: every business reservation to economy",
             allowed=reservations_choices, relevant=away_from_default("reservations", "every")),
        Axis("leg", ("outbound", "return"),
             "change_flights on a round trip: the outbound moves, or the return flight only",
             allowed=leg_choices, relevant=away_from_default("leg", "outbound")),
    ),
    cell_axes=("intent", "second_intent", "policy_trap", "cabin", "passengers"),
    buckets={"passengers": lambda n: passengers_bucket(int(n))},
)  # fmt: skip
