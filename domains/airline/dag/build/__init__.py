"""Airline world builder: a small, coherent world around a walk, with controlled distractors.

Given a walk (one segment per intent), the parameter point and a seeded rng, build only what the
task needs: the customer (payment methods, saved passengers), the reservations the intents act
on, the flights those reservations and searches touch, one to three other customers with their
own bookings on those flights (`others`), plus distractors whose number follows
`distractor_density` (flights on the same route and date that are slightly worse on the chosen
criterion, a basic-economy / cabin look-alike, a cheaper flight without enough seats, other
reservations of the same user, extra cards, gift cards and certificates, passengers with similar
names). Worlds are a few KB to tens of KB. One module per intent; `context`, `world`, `search`,
`reservations` and `timeline` are what they share. Routes, block times and fares come from the
airline's network model, so every world passes the consistency checker
(`domains/airline/consistency/`), which the engine runs on every candidate.

The golden trajectory follows the policy: user lookup first, reservation lookups before changes,
searches before bookings, one certificate / one card / at most three gift cards, free bags by
membership and cabin, insurance per passenger, no change to basic economy, cancellation and
compensation eligibility. The answer is unique by construction (strict margins on the criterion,
one reservation per description) and checked again on the tools' own search results
(`domains/airline/dag/check.py`).

`meta["choices"]` lists, per golden call whose arguments came from a choice, the wrong values a
plausible mistake produces (a distractor flight, the cabin look-alike, a wrong payment split, a
wrong bag count, ...), so simulated targets can commit realistic errors.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from domains.airline.dag.build.add_bags import build_add_bags
from domains.airline.dag.build.answers import build_cancel_all, build_info
from domains.airline.dag.build.book import build_book
from domains.airline.dag.build.cancel import build_cancel
from domains.airline.dag.build.change_cabin import build_change_cabin
from domains.airline.dag.build.change_flights import build_change_flights
from domains.airline.dag.build.change_passengers import build_change_passengers
from domains.airline.dag.build.compensation import build_compensation
from domains.airline.dag.build.context import Ctx, Gold, Notes, Wording
from domains.airline.dag.build.features import task_features
from domains.airline.dag.build.flight_status import build_flight_status
from domains.airline.dag.build.others import other_customers
from domains.airline.dag.build.pushback import add_pushback
from domains.airline.dag.build.refused import build_complaint, build_insurance, build_partial_change
from domains.airline.dag.build.reservations import distractor_reservations
from domains.airline.dag.build.world import WorldDraft
from domains.airline.dag.graph import RESERVATION_INTENTS
from domains.airline.dag.params import DENSITY_COUNTS
from domains.airline.dag.pools import Pools, load_pools
from domains.airline.tools import AirlineTools
from domains.dag import Built, Walk, WalkSegment
from domains.params import Point

BUILDERS: dict[str, Callable[[Ctx, WalkSegment], None]] = {
    "book": build_book,
    "cancel": build_cancel,
    "change_flights": build_change_flights,
    "change_cabin": build_change_cabin,
    "add_bags": build_add_bags,
    "change_passengers": build_change_passengers,
    "compensation": build_compensation,
    "flight_status": build_flight_status,
    "insurance": build_insurance,
    "complaint": build_complaint,
    "partial_change": build_partial_change,
    "info": build_info,
    "cancel_all": build_cancel_all,
}


def build(walk: Walk, point: Point, rng: random.Random, pools: Any) -> Built:
    pools = pools if isinstance(pools, Pools) else load_pools(None)
    ctx = Ctx(
        rng=rng,
        k=DENSITY_COUNTS[str(point["distractor_density"])],
        world=WorldDraft(rng=rng, pools=pools),
        gold=Gold(),
        text=Wording(airports=pools.airports),
        notes=Notes(),
    )
    ctx.text.date_style = rng.choice(["words", "words", "iso"])
    ctx.text.place_style = rng.choice(["city", "code", "both"])
    w = ctx.world
    uid = w.create_user(str(point["membership"]))
    w.any_card()  # every profile has at least one card
    res_intents = [s for s in walk.segments if s.intent in RESERVATION_INTENTS]
    pax = int(point["passengers"])
    n_res_distractors = min(ctx.k, 4) if res_intents else min(ctx.k, 1)
    distractor_reservations(ctx, n_res_distractors, pax)
    if ctx.k >= 2:
        w.certificate(rng.choice([100, 150, 250]))
        ctx.notes.distractors += 1
    for seg in walk.segments:
        start = len(ctx.gold.calls)
        BUILDERS[seg.intent](ctx, seg)
        ctx.gold.intent_calls.append(list(range(start, len(ctx.gold.calls))))
    other_customers(ctx)
    add_pushback(ctx, str(point.get("behaviour", "plain")))  # draws last: same world as plain
    if any(s.intent != "flight_status" for s in walk.segments):
        ctx.text.required.insert(0, uid)
    return _built(ctx, walk, point, pools)


def _built(ctx: Ctx, walk: Walk, point: Point, pools: Pools) -> Built:
    gold, text, notes, user = ctx.gold, ctx.text, ctx.notes, ctx.world.user
    uid = user["user_id"]
    name = f"{user['name']['first_name']} {user['name']['last_name']}"
    writes = AirlineTools.write_tools()
    # A refusal: the policy forbids what was asked, so the correct outcome changes nothing (a
    # status question changes nothing either, but nothing was refused).
    refusal = bool(notes.refusals) and not any(c["name"] in writes for c in gold.calls)
    facts = {
        "name": name,
        "user_id": uid,
        "requests": text.requests,
        "membership": user["membership"],
    }
    user_facts = {"user_id": uid, "name": name, "dob": user["dob"]}
    for i, rid in enumerate(text.known_reservations):
        user_facts[f"reservation_id_{i + 1}" if i else "reservation_id"] = rid
    # Amounts the agent must compute may not appear in the text (short numbers and status words
    # collide with dates and other requests by chance, so they are not checked).
    computed = [c for c in (f.lstrip("$") for f in gold.communicate) if c.isdigit() and len(c) >= 3]
    return Built(
        world=ctx.world.to_json(),
        golden=gold.calls,
        communicate=gold.communicate,
        user_facts=user_facts,
        required_text=_dedupe(text.required),
        forbidden_text=_dedupe([f for f in text.forbidden + computed if f not in text.required]),
        features=task_features(ctx, walk, point),
        meta={
            "intents": walk.intents(),
            "intent_calls": gold.intent_calls,
            "choices": notes.choices,
            "selections": notes.selections,
            "refusal_reason": "; ".join(notes.refusals) or None,
            "communicate_alternatives": gold.alternatives,
            "transfer_expected": notes.transfer,
            "user_id": uid,
            "reservation_ids": sorted(user["reservations"]),
            "pools": pools.source,
            **({"refused_call": notes.refused_call} if notes.refused_call else {}),
            **({"declined_call": notes.declined_call} if notes.declined_call else {}),
            **({"condition_call": notes.condition_call} if notes.condition_call else {}),
            **({"excluded_calls": notes.excluded_calls} if notes.excluded_calls else {}),
            **({"wrong_facts": notes.wrong_facts} if notes.wrong_facts else {}),
        },
        refusal=refusal,
        text_facts=facts,
    )


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
