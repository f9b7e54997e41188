"""Every airline scenario template, with every variant of every slot, reads cleanly; so do the
phrases that fill the slots, the customer's composed replies, and sampled tasks' scenarios."""

from __future__ import annotations

import itertools
import random
import re
from string import Formatter
from typing import Any

import pytest

from domains.airline.constants import CABIN_WORDS
from domains.airline.dag.build.durations import duration_words
from domains.airline.dag.scenario import GREETINGS
from domains.airline.dag.scenario import phrases as ph
from domains.airline.dag.scenario.parts import (
    REASONS_SAID,
    REASONS_TOLD,
    TEMPLATES,
    outcome_lines,
    sentence,
)
from domains.scenario import Fact, Instructions, Request, Script, UserScenario
from mining.dag.synthesize import sample_tasks
from mining.dag.textcheck import defects, scenario_defects
from mining.rollout.scripted import NEXT

PEOPLE = [
    {"first_name": "Mia", "last_name": "Li", "dob": "1990-02-03"},
    {"first_name": "Noah", "last_name": "O'Brien-Smith", "dob": "1988-11-30"},
    {"first_name": "Ava", "last_name": "de Vries", "dob": "2001-05-05"},
    {"first_name": "Zoe", "last_name": "Li", "dob": "1962-07-14"},
    {"first_name": "Ola", "last_name": "Nakamura", "dob": "2010-01-09"},
]
NAMES = [ph.full_name(p) for p in PEOPLE]
ORIGINS = ["Boston", "BOS", "Boston (BOS)"]
DESTINATIONS = ["Las Vegas", "LAS", "Las Vegas (LAS)"]
DATES = ["May 21", "2024-05-21"]
PAYMENTS = [
    {"kind": "card", "text": "my Visa card ending in 0042", "fact": "0042"},
    {"kind": "card", "text": "my Mastercard card ending in 9911", "fact": "9911"},
    {"kind": "gift_card", "text": "", "fact": "180"},
]
BOOKING_PAYMENTS: list[dict[str, Any]] = [
    {"mix": "card", "card": "Visa card ending in 0042"},
    {"mix": "card_gift", "card": "Mastercard card ending in 9911", "gift_balance": 120},
    {"mix": "certificate", "card": "Visa card ending in 0042", "certificate": 250},
    {"mix": "gift_cards", "card": None, "gift_balances": [75, 180]},
    {"mix": "gift_cards", "card": None, "gift_balances": [75, 180, 33]},
]


def _choice_pairs() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for criterion in ("cheapest", "shortest", "earliest"):
        for stops in ("direct", "one_stop"):
            out += ph.flight_choice({"criterion": criterion, "stops": stops, "named": None})
    for named in ([["HAT301"]], [["HAT301", "HAT622"]], [["HAT301"], ["HAT455"]]):
        out += ph.flight_choice({"criterion": "named", "stops": "direct", "named": named})
    out += ph.flight_choice(
        {"criterion": "named", "stops": "one_stop", "named": [["HAT301", "HAT622"], ["HAT9"]]}
    )
    for back in (None, "May 25"):
        same = {"criterion": "same_as_before", "stops": "direct", "before": "May 4"}
        out += ph.flight_choice({**same, "back_date": back})
    return out


def _choices() -> list[str]:
    return [said for said, _ in _choice_pairs()]


def _trips() -> list[dict[str, Any]]:
    known = [{"reservation_id": "4WQ150"}]
    unknown = [
        {"reservation_id": None, "origin": o, "destination": d, "date": t}
        for o, d, t in zip(ORIGINS, DESTINATIONS, DATES * 2, strict=False)
    ]
    return known + unknown


SLOTS: dict[str, list[str]] = {
    "trip": ["round trip", "one-way trip"],
    "origin": ORIGINS,
    "destination": DESTINATIONS,
    "out_date": DATES,
    "back_date": ["May 25", "2024-05-25"],
    "new_date": DATES,
    "date": DATES,
    "cabin": list(CABIN_WORDS.values()),
    "Cabin": [c.capitalize() for c in CABIN_WORDS.values()],
    "pick": _choices(),
    "each": ["", " in each direction"],
    "keep": ["", ", keeping my return flight as it is"],
    "card": [ph.card_of(p) for p in PAYMENTS],
    "bags": ["1 checked bag", "3 checked bags"],
    "old": [*NAMES[:2], "me"],
    "new": [ph.born(p) for p in PEOPLE[2:]],
    "new_name": NAMES[2:],
    "dob": ["2001-05-05"],
    "flight": ["HAT301"],
    "first": ["JFK", "EWR"],
    "second": ["LGA", "JFK"],
    "end": ["to", "from"],
}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_with_every_slot_combination(key: str) -> None:
    rendered = 0
    for template in TEMPLATES[key]:
        slots = [name for _, name, _, _ in Formatter().parse(template) if name]
        assert set(slots) <= set(SLOTS), (key, slots)
        for combo in itertools.product(*(SLOTS[s] for s in slots)):
            values = dict(zip(slots, combo, strict=True))
            if values.get("old") and values.get("new_name") == values["old"]:
                continue
            text = template.format(**values)
            assert defects(text, NAMES) == [], (key, text)
            for greeting in GREETINGS:  # an ask opens the conversation after a greeting
                assert defects(f"{greeting} {text}", NAMES) == [], (key, text)
            rendered += 1
    assert rendered >= len(TEMPLATES[key])


def test_every_phrase_variant() -> None:
    texts: list[str] = []
    for n in range(1, 6):
        texts += ph.travellers_said(PEOPLE[:n]) + [ph.travellers_told(PEOPLE[:n])]
    for pay in BOOKING_PAYMENTS:
        texts += ph.booking_payment_said(pay) + [ph.booking_payment_told(pay)]
    for trip in _trips():
        texts += [s for variant in ph.reservation_facts_said(trip) for s in variant]
        texts += [f"Please cancel {r}." for r in ph.my_reservation(trip)]
        texts += [f"You want to cancel {ph.your_reservation(trip)}."]
    texts += list(REASONS_SAID.values())
    texts += [f"You want to cancel it because {why}." for why in REASONS_TOLD.values()]
    for text in texts:
        assert defects(sentence(text), NAMES) == [], text
    assert "Mastercard card" not in " ".join(texts)


def test_the_customers_composed_replies() -> None:
    for link, ask in itertools.product(NEXT, [t for v in TEMPLATES.values() for t in v]):
        text = f"{link} {ask}"
        if "{" not in text:
            assert defects(text, NAMES) == [], text


def test_sampled_scenarios_have_no_defects() -> None:
    tasks = sample_tasks("airline", 150, 21)
    assert len(tasks) == 150
    found = {t.task_id: scenario_defects(t) for t in tasks}
    assert {k: v for k, v in found.items() if v} == {}


FIRST_PERSON = re.compile(r"\b(I|I'm|I'd|I'll|I've|me|my|mine)\b")


def test_what_the_simulator_is_told_is_in_the_second_person() -> None:
    for said, told in _choice_pairs():
        assert not FIRST_PERSON.search(told), told
        assert said == told or FIRST_PERSON.search(said), said
    for params in ({"selection": "same_as_before"}, {}):
        for task in sample_tasks("airline", 40, 5, fixed_params=params):
            assert task.user_scenario is not None
            ins = task.user_scenario.instructions
            lines = [ins.reason_for_call, ins.known_info, ins.unknown_info, ins.task_instructions]
            for text in filter(None, lines):
                assert not FIRST_PERSON.search(text), text


def test_the_checker_catches_the_known_slips() -> None:
    names = ["Kasimir Nakashima", "Zelda Engstrom"]
    bad = {
        "kasimir Nakashima can't travel anymore.": "lower case",
        "Travellers: me, Zelda Engstrom, plus Zelda Engstrom.": "repeated",
        "Change my trip (from A to B (I don't have the number)).": "nested",
        "Hi, this is {name}.": "leftover slot",
        "Cancel it.. Thanks.": "doubled punctuation",
        "Cancel it , thanks.": "space before",
        "Please cancel the the trip.": "doubled word",
        "Thanks. please cancel it.": "lower case",
        "Charge None to my card.": "empty value",
        "My plans have changed: please cancel it. My plans have changed.": "repeated sentence",
        "My flight HAT975 on May 15 is delayed. It's flight HAT975 on May 15.": "repeated",
        "Accept it and move on.\n\nAccept it and move on.": "repeated sentence",
    }
    for text, kind in bad.items():
        assert any(kind in d for d in defects(text, names)), (text, defects(text, names))
    rng = random.Random(0)
    assert defects(f"{rng.choice(GREETINGS)} I need to cancel a reservation.", names) == []
    # Two requests may say alike what differs in them (no identifier, not word for word).
    fine = (
        "Flight HAT1 is late; I'd also like compensation. HAT2 is late too. I'd like compensation."
    )
    assert defects(fine, names) == []


def test_the_description_says_no_detail_its_ask_already_gave() -> None:
    """A fact that restates its own request's ask is left out of the description; the same
    words under another request stay (they are about something else)."""
    plans = Fact(says="My plans have changed.", topics=["why"])
    flight = Fact(says="It's flight HAT975 on May 15. I keep the trip.", topics=["flight"])
    scenario = UserScenario(
        instructions=Instructions(domain="airline", reason_for_call="r", task_instructions="t"),
        script=Script(
            opening="Hi. My plans have changed: please cancel all my trips.",
            requests=[
                Request(kind="cancel_all", ask="", facts=[plans], outcome="done"),
                Request(
                    kind="complaint",
                    ask="My flight HAT975 on May 15 is delayed.",
                    facts=[flight, plans],
                    outcome="refused",
                ),
            ],
        ),
    )
    assert scenario.description() == (
        "Hi. My plans have changed: please cancel all my trips. My flight HAT975 on May 15 is "
        "delayed. I keep the trip. My plans have changed."
    )


def test_each_refused_request_names_what_the_policy_refuses() -> None:
    kinds = [
        {"kind": "partial_change", "partial": p}
        for p in ("remove_passenger", "remove_bags", "one_segment_cabin", "change_route")
    ]
    kinds += [{"kind": "insurance", "variant": v} for v in ("add", "refund")]
    kinds += [{"kind": k} for k in ("cancel", "change_flights", "change_cabin", "add_bags")]
    kinds += [{"kind": k} for k in ("change_passengers", "compensation", "complaint")]
    lines = [outcome_lines({**f, "outcome": "refused"})[0] for f in kinds]
    assert len(set(lines)) == len(lines) and not any("allow this" in line for line in lines)


def test_a_duration_under_an_hour_reads_in_minutes() -> None:
    assert duration_words(50)[0] == "50 minutes" and "0 hours" not in " ".join(duration_words(50))
    assert duration_words(60)[0] == "1 hour" and duration_words(135)[0] == "2 hours 15 minutes"


def test_lists_use_semicolons_only_for_items_with_commas() -> None:
    assert ph.listing(["T647SP", "0JTXQS", "CLGJYF"]) == "T647SP, 0JTXQS, and CLGJYF"
    assert ph.listing(["T647SP", "0JTXQS"]) == "T647SP and 0JTXQS"
    group = ph.listing(["me, Mia Li (born 1990-02-03)", "Zoe Li (born 1962-07-14)", "Ola N"])
    assert group == "me, Mia Li (born 1990-02-03); Zoe Li (born 1962-07-14); and Ola N"
