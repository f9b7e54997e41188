"""Which values the airline space's request axes allow, given the axes drawn before them: the
part of a partial change, the figure an information request asks for, the airports of the
customer's city, a payment rule, the set of reservations a rule covers, and which leg of a
round trip a flight change moves (their meanings: the
docstring of `domains/airline/dag/params.py`, which declares the axes in `SPACE`). These axes
come after every older axis and stay out of signatures at their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping

from domains.params import Value

PARTIALS = ("remove_passenger", "remove_bags", "one_segment_cabin", "change_route")
# information-only answers (build/answers.py, build/figures.py)
INFOS = ("bag_allowance", "balances", "trip_costs")
# A total over every reservation reads them all as the call starts: a request on its own.
CHAINED_INFOS = ("bag_allowance", "balances")


def partial_choices(p: Mapping[str, Value]) -> list[Value]:
    """The partial changes a reservation of this shape can be asked (one passenger of several,
    one segment of several)."""
    if p["intent"] != "partial_change":
        return ["none"]
    out: list[Value] = ["remove_bags", "change_route"]
    if int(p["passengers"]) >= 2:
        out.append("remove_passenger")
    if p["trip_type"] == "round_trip" or p["stops"] == "one_stop":
        out.append("one_segment_cabin")
    return out


def partial_relevant(p: Mapping[str, Value]) -> bool:
    return p.get("partial", "none") != "none"


def info_choices(p: Mapping[str, Value]) -> list[Value]:
    if _downgrade_alone(p):
        return ["none", "savings"]  # with reservations=all_business: the total refunded
    if p["intent"] == "cancel_all":
        return ["none", "durations"]  # with reservations=by_duration: the flights' lengths
    if p["intent"] != "info":
        return ["none"]
    return list(INFOS if p["n_intents"] == 1 else CHAINED_INFOS)


# savings (with reservations=all_business) fits a narrow corner: drawn there three times in four
INFO_WEIGHTS = (1.0, *(1.0 for _ in INFOS), 3.0, 1.0)


def _downgrade_alone(p: Mapping[str, Value]) -> bool:
    """A lone move to economy the policy allows (what all_business asks of every business one)."""
    alone = p["n_intents"] == 1 and p["policy_trap"] == "no"
    return alone and p["intent"] == "change_cabin" and p["cabin"] == "economy"


def info_relevant(p: Mapping[str, Value]) -> bool:
    return p.get("info", "none") != "none"


def airports_choices(p: Mapping[str, Value]) -> list[Value]:
    """A one-way trip picked by price may involve two airports of the customer's city: a
    booking takes the cheapest over both searches, a flight change keeps its route however
    cheap the other airport is (build/airports.py)."""
    by_price = p["selection"] == "cheapest" and p["trip_type"] == "one_way"
    book = p["intent"] == "book"
    change = p["intent"] == "change_flights" and p["policy_trap"] == "no"
    return ["one", "alternative"] if by_price and (book or change) else ["one"]


def payment_rule_choices(p: Mapping[str, Value]) -> list[Value]:
    """A booking paid with a certificate may be asked with two; one paid with a card, with a
    card that is not on file (build/payment_rules.py)."""
    if p["intent"] != "book" or p["behaviour"] == "switch":  # (a booking left unpaid)
        return ["none"]
    if p["payment_mix"] == "certificate":
        return ["none", "two_certificates"]
    # (a booking dropped at its price never comes to the card, so it is not asked there)
    if p["payment_mix"] in ("card", "card_gift") and p["behaviour"] != "drop":
        return ["none", "card_not_on_file"]
    return ["none"]


def reservations_choices(p: Mapping[str, Value]) -> list[Value]:
    """Which reservations a rule over a set covers (build/answers.py, build/sets.py,
    build/downgrade.py)."""
    if p["info"] == "durations":
        return ["by_duration"]
    if p["intent"] == "cancel_all":
        return ["every", "listed", "duplicates"]
    return ["all_business"] if p["info"] == "savings" else ["every"]


def leg_choices(p: Mapping[str, Value]) -> list[Value]:
    """A round trip's flight change may move the return flight instead of the outbound
    (build/change_flights.py; one airport: the other airport's rule is about the outbound)."""
    round_trip = p["intent"] == "change_flights" and p["trip_type"] == "round_trip"
    return ["outbound", "return"] if round_trip and p["airports"] == "one" else ["outbound"]


def away_from_default(axis: str, default: Value):  # type: ignore[no-untyped-def]
    """Relevant only away from its default: a point that existed before the axis keeps its
    signature and fingerprint."""

    def check(p: Mapping[str, Value]) -> bool:
        return p.get(axis, default) != default

    return check
