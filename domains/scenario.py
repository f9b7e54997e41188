"""The customer's side of a task: tau2's user scenario, plus the script a scripted customer follows.

tau2-bench gives its user simulator a scenario: an optional persona and instructions split into
the reason for the call, what the customer knows, what they do not know, and how to behave
(conditions included, such as "only if the fee is under $X"). Every synthesized task carries
one in that shape (`UserScenario.tau2()` is exactly tau2's `user_scenario`), for an LLM playing
the customer and for exports.

The same content is also cut into a `Script` that a deterministic customer can act on without
a model: the opening line, each request as first raised, each fact with the question words
that ask for it (or the admission that the customer does not know it), and what the customer
wants done, so an action the agent proposes can be confirmed when it matches and declined when
it does not. The script never reaches the agent or an export; it is how the offline customer
plays the scenario.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["done", "refused", "transfer", "info"]

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[\w$'-]+(?:[.,]\d+)*")
# Words that carry nothing on their own: "It's flight HAT975 on May 15." says nothing that
# "My flight HAT975 on May 15 is delayed." did not.
FILLER = frozenset("a an the it it's its is are was this that on of my i".split())


def words(text: str) -> list[str]:
    """The text's words, lower-cased, amounts and dates kept whole ('$1,200', '2024-05-15')."""
    return _WORD.findall(text.lower())


def restates(sentence: str, earlier: str) -> bool:
    """Whether `sentence` adds nothing to the sentence `earlier`: each of its words but fillers
    is already there."""
    return set(words(sentence)) - FILLER <= set(words(earlier))


def news(says: str, said: str) -> str:
    """The sentences of `says` that no sentence of `said` already states."""
    before = [s for s in SENTENCE_END.split(said) if s]
    kept = [s for s in SENTENCE_END.split(says) if not any(restates(s, b) for b in before)]
    return " ".join(s for s in kept if s)


class Instructions(BaseModel):
    """tau2's structured user instructions (second person: "You want to ...")."""

    domain: str
    reason_for_call: str
    known_info: str | None = None
    unknown_info: str | None = None
    task_instructions: str


class Fact(BaseModel):
    """Something the agent may ask the customer, and the customer's answer."""

    says: str = Field(description="the customer's answer, one or more whole sentences")
    topics: list[str] = Field(description="words of a question that asks for this fact")
    known: bool = Field(default=True, description="False: `says` admits not knowing it")


class Request(BaseModel):
    """One thing the customer wants, as the scripted customer plays it."""

    kind: str = Field(description="the intent")
    ask: str = Field(description="how the customer first raises it (whole sentences)")
    facts: list[Fact] = Field(default_factory=list, description="its details, given when asked")
    wants: list[str] = Field(
        default_factory=list,
        description="strings naming an action the customer wants (an id, a flight number)",
    )
    rejects: list[str] = Field(
        default_factory=list,
        description="strings naming an action the customer does not want (another "
        "reservation, a look-alike flight, another cabin)",
    )
    keeps: list[str] = Field(
        default_factory=list,
        description="phrases hidden before looking for `rejects` (e.g. 'basic economy' when "
        "'economy' is rejected)",
    )
    max_charge: int | None = Field(
        default=None, description="the customer agrees to pay at most this much (dollars)"
    )
    outcome: Outcome = Field(description="what the policy makes of it")
    instead: str | None = Field(
        default=None,
        description="what the customer says when the quoted price is over `max_charge` and it "
        "wants its fallback instead (after which the fallback is what it wants)",
    )
    instead_rejects: list[str] = Field(
        default_factory=list,
        description="what it declines once it has asked for its fallback (replaces `rejects`)",
    )
    pushback: list[str] = Field(
        default_factory=list,
        description="what the customer says after each refusal, in order (an insistence, a "
        "false claim), before accepting it",
    )
    switch: str | None = Field(
        default=None,
        description="what the customer says instead of confirming this request's action: it "
        "leaves the request unfinished, raises the next one, and afterwards declines the action",
    )


class Script(BaseModel):
    opening: str = Field(description="the customer's first message: the first request's gist")
    identity: list[Fact] = Field(default_factory=list, description="who the customer is")
    requests: list[Request]
    farewell: str = "That's all I needed. Thank you!"


class UserScenario(BaseModel):
    persona: str | None = None
    instructions: Instructions
    script: Script

    def tau2(self) -> dict[str, Any]:
        """tau2-bench's `user_scenario` object."""
        return {"persona": self.persona, "instructions": self.instructions.model_dump()}

    def description(self) -> str:
        """Everything the customer wants and knows, in their words: the opening, then each
        request with the details they would give, less what its ask already said ("My plans
        have changed: cancel ..." needs no "My plans have changed." after it)."""
        parts = [self.script.opening, *(f.says for f in self.script.identity)]
        for i, request in enumerate(self.script.requests):
            asked = request.ask if i else self.script.opening
            if i:
                parts.append(asked)
            parts.extend(news(f.says, asked) for f in request.facts if f.known)
        return " ".join(p for p in parts if p)

    def texts(self) -> list[str]:
        """Every text of the scenario (what must not leak an answer)."""
        ins = self.instructions
        texts = [ins.reason_for_call, ins.known_info or "", ins.unknown_info or ""]
        texts += [ins.task_instructions, self.persona or "", self.script.opening]
        texts += [f.says for f in self.script.identity]
        for request in self.script.requests:
            texts += [request.ask, *(f.says for f in request.facts)]
        return [t for t in texts if t]
