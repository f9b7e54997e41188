"""Airline user scenarios: what the customer wants and knows, as tau2 writes it, plus the script.

The builder has already formatted every fact (dates, places, card endings, balances); this
package only chooses the wording, seeded. The customer opens with a greeting and the gist of
the first request, gives details when asked, raises later requests one after the other, and
knows what it wants done: the ids and flight numbers of the right action (`wants`, taken from
the gold calls) and those of the plausible wrong ones (`rejects`: the user's other
reservations, the look-alike flights the builder added, the other cabins). Nothing here states
an answer the agent must find (no total, no flight number unless the customer names the flight);
spending limits are above the real charge.
"""

from __future__ import annotations

import random
from typing import Any

from domains.airline.constants import CABIN_WORDS
from domains.airline.dag.scenario.intents import INTENTS
from domains.airline.dag.scenario.parts import Part
from domains.airline.dag.scenario.pushback import add_pushback
from domains.airline.tools import AirlineTools
from domains.dag import Built
from domains.scenario import Fact, Instructions, Script, UserScenario

GREETINGS = ("Hi!", "Hello.", "Hi there.", "Good afternoon.", "Hello, I hope you can help me.")
IDENTITY = ["user id", "userid", "user", "name", "account", "id", "identify", "who"]
NUMBERS = {2: "two", 3: "three"}
GENERAL = (
    "Start with why you are calling; give other details only when the agent asks for them.",
    "Confirm an action only if it is exactly what you asked for.",
    "When all your requests are handled, end the conversation.",
)


def build_scenario(built: Built, rng: random.Random) -> UserScenario:
    facts = built.text_facts
    name, uid = facts["name"], facts["user_id"]
    parts = [INTENTS[r["kind"]](rng, {**r, "customer": name}) for r in facts["requests"]]
    for i, part in enumerate(parts):
        _targets(part, built, i, facts["requests"][i])
        add_pushback(rng, part, facts["requests"][i])
    reasons = [p.reason for p in parts]
    if len(parts) > 1:
        reasons.insert(0, f"You have {NUMBERS[len(parts)]} requests, to raise one after the other.")
    known = [f"You are {name}.", f"Your user id is {uid}."]
    quoted = list(dict.fromkeys(rid for p in parts for rid in p.quoted))
    if len(quoted) == 1:
        known.append(f"Your reservation number is {quoted[0]}.")
    elif quoted:
        known.append(f"Your reservation numbers are {', '.join(quoted[:-1])} and {quoted[-1]}.")
    unknown = [line for p in parts for line in p.unknown]
    # One paragraph per request, in the order of the reasons; then how to behave.
    told = [" ".join(p.told) for p in parts if p.told]
    behave = list(GENERAL)
    if not any(p.request.outcome == "transfer" for p in parts):
        behave.insert(2, "Do not ask to be transferred to a human agent.")
    told.append(" ".join(behave))
    return UserScenario(
        instructions=Instructions(
            domain="airline",
            reason_for_call="\n\n".join(reasons),
            known_info="\n".join(known),
            unknown_info="\n".join(unknown) or None,
            task_instructions="\n\n".join(told),
        ),
        script=Script(
            opening=f"{rng.choice(GREETINGS)} {parts[0].request.ask}",
            identity=[Fact(says=f"My name is {name} and my user id is {uid}.", topics=IDENTITY)],
            requests=[p.request for p in parts],
        ),
    )


def task_text(built: Built, rng: random.Random) -> str:
    """The customer's whole request in their words (the task's description)."""
    return build_scenario(built, rng).description()


def _targets(part: Part, built: Built, index: int, f: dict[str, Any]) -> None:
    """What the customer wants done for request `index` (ids and flight numbers of its gold
    writes; the reservation even when the policy refuses the change) and what it would decline."""
    req = part.request
    calls = set(built.meta["intent_calls"][index])
    writes = AirlineTools.write_tools()
    wants: list[str] = [f["res_id"]] if f.get("res_id") else []
    wants += [str(r) for r in f.get("wanted") or []]  # a request on a set wants each of them
    declined = built.meta.get("declined_call") if index == 0 else None
    for call in [*(built.golden[i] for i in sorted(calls)), *([declined] if declined else [])]:
        if call["name"] not in writes:
            continue
        args = call["arguments"]
        wants += [str(args["reservation_id"])] if "reservation_id" in args else []
        wants += [str(leg["flight_number"]) for leg in args.get("flights") or []]
        wants += ["certificate"] if call["name"] == "send_certificate" else []
    wants = list(dict.fromkeys(wants))
    user = built.world["users"][built.text_facts["user_id"]]
    rejects = [*req.rejects, *(r for r in user["reservations"] if r not in wants)]
    for choice in built.meta.get("choices", []):
        if choice["call"] in calls and choice["kind"] == "flight":
            for alt in choice["alternatives"]:
                rejects += [str(leg["flight_number"]) for leg in alt["value"]]
    cabin = _cabin(built, req.kind, f)
    if cabin:
        rejects += [w for w in CABIN_WORDS.values() if w != cabin]
        req.keeps = [cabin, "business days"]
    req.wants = wants
    req.rejects = [r for r in dict.fromkeys(rejects) if r not in wants]


def _cabin(built: Built, kind: str, f: dict[str, Any]) -> str | None:
    """The cabin a booking or a flight change must keep (a change of cabin names two)."""
    if kind == "book":
        return str(f["cabin"])
    if kind == "change_flights" and f.get("res_id"):
        return CABIN_WORDS[built.world["reservations"][f["res_id"]]["cabin"]]
    return None
