"""The scripted customer: plays a task's `Script` (domains/scenario.py) without a model.

It behaves the way tau2's simulated user is told to, as far as rules can:
- opens with the first request's gist and gives details only when asked (the facts whose topic
  words the agent's question contains; everything about the current request when the question
  names none), saying so when it does not know something;
- when the agent asks to confirm an action, says yes only if the action is one it wants: the
  text names what the request wants (its reservation, its flights) and acts on none of what it
  would decline (another reservation, a look-alike flight, another cabin: naming one to say it
  stays as it is is fine, as a tau2 user would take it), and costs no more than its
  spending limit (it asks the price when none is stated; over a limit with a fallback, it asks
  for the fallback, which it then wants instead); otherwise it says no and restates;
  an offered transfer to a human is accepted only where the scenario expects one, and "could
  you confirm your user id?" is answered with the id; asked to confirm a request it leaves
  unfinished (`Request.switch`), it raises its next request instead, and says no to that
  request's action afterwards;
- when the agent refuses the current request, says that request's pushback lines one by one
  (an insistence, a false claim) before taking the refusal;
- raises its next request when the agent finishes one (or asks whether there is anything
  else), and ends with ###STOP### once every request was raised, ###TRANSFER### when the agent
  hands it to a human, ###OUT-OF-SCOPE### when it keeps being asked what it cannot answer.

It reads only the agent's words, never tool calls or results (as tau2's user), and keeps no
state: what it has already said is read back from the conversation, so a reply is a function of
(script, conversation, agent text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from domains.scenario import Fact, Request, Script
from mining.rollout.facts import amounts, mentions, tokens

STOP = "###STOP###"
TRANSFER = "###TRANSFER###"
OUT_OF_SCOPE = "###OUT-OF-SCOPE###"
ENDINGS = (STOP, TRANSFER, OUT_OF_SCOPE)

YES = "Yes, please go ahead."
CONFIRM = re.compile(
    r"\b(confirm|proceed|go ahead|shall i|should i|would you like me to|do you want me to|"
    r"yes/no|yes or no|is that (ok|okay|correct|right|fine))\b",
    re.IGNORECASE,
)
CLOSING = re.compile(
    r"anything else|something else|else i can (help|do)|further assist", re.IGNORECASE
)
HOLDING = re.compile(
    r"\b(one moment|just a moment|let me (check|look|see|pull)|please (wait|hold)|hold on)\b",
    re.IGNORECASE,
)
HANDED_OVER = re.compile(r"\btransferr?(ed|ing)?\b.*\bhuman\b|\bhuman agent\b", re.IGNORECASE)
REFUSED = re.compile(
    r"\b(cannot|can't|can not|unable to|not able to|not allowed|not permitted|not possible|"
    r"not eligible|ineligible|does not allow|doesn't allow|won't be able|no exception)",
    re.IGNORECASE,
)
# A confirmation is read part by part (sentences, clauses, list items), so that naming a thing
# in order to say it is left alone does not count as acting on it.
PARTS = re.compile(r"[.;:!?](?:\s+|$)|,\s+|\s+(?:and|but|while|whereas)\s+|\n+")
SPARED = re.compile(
    r"(?:\b(?:stays?|staying|remains?|remaining|unchanged|untouched|unaffected|"
    r"as (?:it|they) (?:is|are)|(?:leave|leaving|left|keep|keeping|kept) "
    r"(?:it|them|that|those|this|these|alone|as|your)|(?:leave|leaving|left) \S+ alone|"
    r"no changes?)|"
    r"(?:\bnot|n't|\bnever) (?:be )?(?:affect|change|cancel|touch|modif|include)\w*)\b",
    re.IGNORECASE,
)
NEXT = ("Thank you. I have one more request.", "Great, thanks. There's something else, too.")
NOT_AT_THAT_PRICE = "No, that is more than I'm willing to pay, so please don't do it."
LATER = "No, please leave that for now. I'll call back about it later."
MAX_SAME_ANSWERS = 2  # the same answer given this many times in a row: the third ends the call


def customer_reply(script: Script, conversation: Sequence[dict[str, Any]], agent_text: str) -> str:
    said = [str(m.get("content") or "") for m in conversation if m.get("role") == "user"]
    voiced = 1 + sum(1 for r in script.requests[1:] if any(r.ask in s for s in said))
    text = agent_text or ""
    current = script.requests[voiced - 1]
    pushed = sum(1 for line in current.pushback if line in said)
    if pushed < len(current.pushback) and REFUSED.search(text):
        return current.pushback[pushed]  # not taking the refusal yet
    asks_question = "?" in text and not CLOSING.search(text)
    if asks_question and CONFIRM.search(text):
        return judge(script, text, voiced, said)
    if asks_question:
        answer = answer_question(script, text, voiced)
        recent = said[-MAX_SAME_ANSWERS:]
        if len(recent) == MAX_SAME_ANSWERS and all(s == answer for s in recent):
            return f"Sorry, I can't help with that. {OUT_OF_SCOPE}"
        return answer
    if HANDED_OVER.search(text):
        return TRANSFER
    if HOLDING.search(text) and not CLOSING.search(text):
        return "Sure, take your time."
    if voiced < len(script.requests):
        return f"{NEXT[voiced % len(NEXT)]} {script.requests[voiced].ask}"
    return f"{script.farewell} {STOP}"


def judge(script: Script, text: str, voiced: int, said: Sequence[str] = ()) -> str:
    """Yes to an action the customer wants, no (and why) to one it does not; over its limit,
    its fallback instead when it has one (and from then on, the fallback is what it wants)."""
    named = [r for r in script.requests if any(mentions(text, w) for w in r.wants)]
    for request in named:
        switched = request.instead is not None and request.instead in said
        if _declined(request, text, switched):
            continue
        if request.switch is not None:
            return _switch(script, request, said)
        if request.max_charge is not None and not switched:
            stated = amounts(text)
            if not stated:
                return "How much will that cost me in total?"
            if max(stated) > request.max_charge:  # the largest amount stated: the total
                return request.instead or NOT_AT_THAT_PRICE
        return YES
    wrong = named or [r for r in script.requests if _declined(r, text)]
    if wrong:
        return f"No, that's not what I asked for. {restate(wrong[0])}".strip()
    if HANDED_OVER.search(text):  # an offered transfer: only where the scenario expects one
        if any(r.outcome == "transfer" for r in script.requests):
            return YES
        return "No, I don't want to be transferred. Please help me with it yourself."
    hits = _asked_facts(script, text, voiced)
    if hits:  # "could you confirm your user id?" asks for a fact, not for a yes
        return " ".join(dict.fromkeys(f.says for f in hits))
    current = script.requests[voiced - 1]
    if current.switch is not None:  # "shall I book it?" naming nothing: still the booking
        return _switch(script, current, said)
    return YES  # a yes/no question about no action in particular ("shall I look it up?")


def _switch(script: Script, request: Request, said: Sequence[str]) -> str:
    """Asked to confirm a request it leaves unfinished: the next request instead, and from
    then on no to that request's action."""
    assert request.switch is not None
    if any(request.switch in s for s in said):
        return LATER
    following = script.requests[script.requests.index(request) + 1]
    return f"{request.switch} {following.ask}"


def answer_question(script: Script, text: str, voiced: int) -> str:
    """The facts the question asks for; everything about the current request when it names
    none of them."""
    hits = _asked_facts(script, text, voiced)
    if hits:
        return " ".join(dict.fromkeys(f.says for f in hits))
    current = script.requests[voiced - 1]
    return restate(current) or f"I'm not sure what you need from me. {current.ask}"


def _asked_facts(script: Script, text: str, voiced: int) -> list[Fact]:
    """The facts (of the customer and of the requests raised so far) the text asks about."""
    pool: list[Fact] = [*script.identity]
    for request in script.requests[:voiced]:
        pool.extend(request.facts)
    return [f for f in pool if any(asks_about(text, topic) for topic in f.topics)]


def restate(request: Request) -> str:
    return " ".join(f.says for f in request.facts if f.known)


def asks_about(text: str, topic: str) -> bool:
    """The text contains the topic's words, a word of three letters or more also as the start
    of a longer one ("bag" in "bags", "passenger" in "passengers")."""
    have, want = tokens(text), tokens(topic)
    n = len(want)
    return bool(want) and any(
        all(_word(w, h) for w, h in zip(want, have[i : i + n], strict=True))
        for i in range(len(have) - n + 1)
    )


def _word(want: str, have: str) -> bool:
    return have == want or (len(want) >= 3 and have.startswith(want))


def _declined(request: Request, text: str, switched: bool = False) -> bool:
    """The action would touch something the customer does not want: a declined id, flight or
    cabin named in a part of the text that acts on it. A part saying the thing is left as it is
    ("your other reservation XYZ789 stays as it is") acts on nothing."""
    rejects = request.instead_rejects if switched else request.rejects
    acting = [part for part in PARTS.split(text) if not SPARED.search(part)]
    return any(mentions(part, x, request.keeps) for part in acting for x in rejects)
