"""The build context: what the intent builders of one task share, in four small groups.

- `world` (`WorldDraft`): the entities being built;
- `gold` (`Gold`): the golden calls in order and what the agent must say;
- `text` (`Wording`): how the task text writes facts, and which strings it must (not) carry;
- `notes` (`Notes`): what a simulated target and the task's features need to know (the wrong
  values a plausible mistake picks, the searches to re-check, refusals, distractor counts).

One seeded rng drives all of them, and builders draw from it in a fixed order, so the same seed
gives the same task.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from domains.airline.constants import MONTH_NAME
from domains.airline.dag.build.world import WorldDraft


@dataclass
class Gold:
    """The golden trajectory (reads included, so simulated targets can follow it)."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    communicate: list[str] = field(default_factory=list)  # facts the agent must say
    alternatives: dict[str, list[str]] = field(default_factory=dict)  # other wordings of a fact
    intent_calls: list[list[int]] = field(default_factory=list)  # call indexes per intent
    user_looked_up: bool = False

    def say(self, fact: str, *alternatives: str) -> None:
        """A fact the agent must state (in any of the accepted wordings)."""
        self.communicate.append(fact)
        if alternatives:
            self.alternatives[fact] = list(alternatives)

    def call(self, name: str, **arguments: Any) -> int:
        """Append a golden call; returns its index (what `Notes.choices` point at)."""
        self.calls.append({"name": name, "arguments": arguments})
        return len(self.calls) - 1


@dataclass
class Wording:
    """How facts are written in the task text (one style per task), and the strings the text
    must carry (`required`) or must not reveal (`forbidden`); `requests` are the per-intent facts
    the text templates read."""

    airports: dict[str, str]
    date_style: str = "words"
    place_style: str = "city"
    required: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    known_reservations: list[str] = field(default_factory=list)  # ids the customer quotes
    after: int | None = None  # a time window's start (minutes after midnight), one per task

    def date_text(self, date: str) -> str:
        if self.date_style == "iso":
            return date
        return f"{MONTH_NAME} {int(date[-2:])}"

    def clock_text(self, minutes: int) -> str:
        """'9am', '12pm', '1pm' (window starts are whole hours)."""
        hour = minutes // 60
        return f"{(hour - 1) % 12 + 1}{'am' if hour < 12 else 'pm'}"

    def place_text(self, code: str) -> str:
        city = self.airports.get(code, code)
        if self.place_style == "code":
            return code
        if self.place_style == "both":
            return f"{city} ({code})"
        return city


@dataclass
class Notes:
    """What the task records beyond its world, gold and text (see `Task.meta`, `features`)."""

    choices: list[dict[str, Any]] = field(default_factory=list)  # meta["choices"]
    selections: list[dict[str, Any]] = field(default_factory=list)  # searches `check` redoes
    refusals: list[str] = field(default_factory=list)
    refusal_codes: list[str] = field(default_factory=list)  # `refusals.REASONS` keys, in order
    distractors: int = 0
    price_gaps: list[float] = field(default_factory=list)
    transfer: bool = False  # the correct outcome includes a transfer to a human agent
    delayed: bool = False  # a delayed-flight compensation is part of the task
    refused_call: dict[str, Any] | None = None  # the write a tempted agent makes on a refusal
    declined_call: dict[str, Any] | None = None  # the write a customer declined at its price
    condition_call: dict[str, Any] | None = None  # the other branch of a customer's condition
    excluded_calls: list[dict[str, Any]] = field(default_factory=list)  # writes a rule leaves out
    wrong_facts: dict[str, str] = field(default_factory=dict)  # a fact and a plausible wrong value

    def choice(self, call: int, kind: str, path: str, gold: Any, alternatives: list[Any]) -> None:
        """Record the wrong values a plausible mistake puts in golden call `call`'s `path`."""
        self.choices.append(
            {"call": call, "kind": kind, "path": path, "gold": gold, "alternatives": alternatives}
        )


@dataclass
class Ctx:
    rng: random.Random
    k: int  # distractors per choice (the point's distractor_density)
    world: WorldDraft
    gold: Gold
    text: Wording
    notes: Notes

    def lookup_user(self) -> None:
        """The user lookup, once per task (later intents reuse it)."""
        if not self.gold.user_looked_up:
            self.gold.call("get_user_details", user_id=self.world.user["user_id"])
            self.gold.user_looked_up = True
