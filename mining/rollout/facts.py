"""Whether a text states a fact: whole tokens, numbers normalised, units kept.

tau2 checks a fact by case-insensitive substring with commas removed, so "50" is found in
"$1,500" and "cancelled" in nearly any refusal. Here the text and the fact are both reduced to
tokens first and the fact must appear as a run of whole tokens:

- case is folded, US/UK spellings of the same word agree ("canceled" = "cancelled");
- numbers lose thousands separators and trailing zero decimals ("$1,786.00" = "$1786");
- a money unit sticks to its number: "$50", "50 dollars", "50 USD" and "USD 50" all give the
  token "$50", and a fact "$50" needs that unit (a bare "50" in the text does not state it),
  while a bare fact "50" accepts the number with or without a unit;
- hours agree however they are written ("24-hour" = "24 hours" = "24 hrs");
- hyphens and underscores separate words ("on-time" = "on time", "basic_economy" = "basic
  economy").

The same tokens serve the strict verifier (facts said, writes described) and the deterministic
customer (which action the agent proposes, what it costs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_SPELLINGS = {
    "canceled": "cancelled",
    "canceling": "cancelling",
    "cancelation": "cancellation",
    "cancelations": "cancellations",
    "traveler": "traveller",
    "travelers": "travellers",
    "traveled": "travelled",
    "traveling": "travelling",
}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_MONEY_AFTER = re.compile(r"(?<![\w$.])(\d+(?:\.\d+)?)\s*(?:usd|dollars?|bucks)\b")
_MONEY_BEFORE = re.compile(r"\b(?:usd|us\$)\s*(\d+(?:\.\d+)?)")
_DOLLAR_SPACE = re.compile(r"\$\s+(?=\d)")
_HOURS = re.compile(r"(\d+)[\s-]*(?:hours?|hrs?)\b")
_ZERO_DECIMALS = re.compile(r"(\d+)\.0+(?!\d)")
_TRAILING_ZEROS = re.compile(r"(\d+\.\d*?)0+(?!\d)")
_SEPARATORS = re.compile(r"[-_/]")
_TOKEN = re.compile(r"\$?[a-z0-9]+(?:\.\d+)?")


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """The normalised tokens of a text (see the module docstring)."""
    low = text.lower()
    low = _THOUSANDS.sub("", low)
    low = _DOLLAR_SPACE.sub("$", low)
    low = _MONEY_AFTER.sub(r"$\1", low)
    low = _MONEY_BEFORE.sub(r"$\1", low)
    low = _HOURS.sub(r"\1 hour", low)
    low = _ZERO_DECIMALS.sub(r"\1", low)
    low = _TRAILING_ZEROS.sub(r"\1", low)
    low = _SEPARATORS.sub(" ", low)
    return tuple(_SPELLINGS.get(t, t) for t in _TOKEN.findall(low))


def _same(fact_token: str, text_token: str) -> bool:
    """A bare number in a fact accepts the number with a unit; anything else must be equal."""
    if fact_token == text_token:
        return True
    return fact_token[:1].isdigit() and text_token == "$" + fact_token


def spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase's tokens occur as a run of whole tokens in the text (token indexes)."""
    have, want = tokens(text), tokens(phrase)
    if not want:
        return []
    n = len(want)
    return [
        (i, i + n)
        for i in range(len(have) - n + 1)
        if all(_same(w, h) for w, h in zip(want, have[i : i + n], strict=True))
    ]


def mentions(text: str, phrase: str, masks: Iterable[str] = ()) -> bool:
    """The text states the phrase, outside any occurrence of a mask phrase (so "economy" is
    not found in "basic economy" when "basic economy" is masked)."""
    found = spans(text, phrase)
    if not found:
        return False
    hidden = [s for m in masks for s in spans(text, m)]
    return any(not any(a <= i and j <= b for a, b in hidden) for i, j in found)


def said(texts: Sequence[str], fact: str, alternatives: Iterable[str] = ()) -> bool:
    """Some text states the fact, or one of its accepted alternative wordings."""
    options = [fact, *alternatives]
    return any(mentions(t, option) for t in texts for option in options)


def amounts(text: str) -> list[float]:
    """The money amounts a text states (in dollars)."""
    return [float(t[1:]) for t in tokens(text) if t.startswith("$") and t[1:2].isdigit()]
