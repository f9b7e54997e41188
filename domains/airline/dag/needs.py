"""What a tau2 airline task tests, as `axis=value` needs (`params derive` checks them on the space).

A human-written task tests more than its intents: a customer who lies or insists, a condition
on a quoted price, a request the policy forbids in part, an answer with no write, a rule over a
set of reservations, a search constraint. This module reads those from the task's text (the
purpose its writers gave, the customer's instructions) and its gold actions, without looking at
which axes exist: `params derive` (`missing_needs` in `cli/params_cmd.py`) then reports a task
as expressible only when every need is a value of the space, and names the missing ones.
Keyword heuristics, one rule per need; each rule's comment says what it reads.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

# (need, pattern over the lower-cased purpose + instructions)
TEXT_NEEDS: tuple[tuple[str, str], ...] = (
    # a booking left unfinished for another request (a change of topic halfway through); first:
    # it is what such a task is about, more than the claims it also makes
    ("behaviour=switch", r"change of topic|halfway through the book|abruptly mention"),
    # the customer insists after a refusal
    ("behaviour=insist", r"\binsist|persisten|do not take no|adamant|be insistent|coercion"),
    # a false claim the agent must check against the record
    (
        "behaviour=lie",
        r"\blying\b|\blies\b|make up a story|this is incorrect|pretty sure that you're|"
        r"representative approved|claiming to be|insist that you (are|booked|'ve)|"
        r"in spite of what the user is saying|valued gold member|you were told that",
    ),
    # the whole request is dropped at a scripted point (a price over budget)
    ("behaviour=drop", r"cancel the entire request"),
    # "if the price is over $X, do Y instead": an alternative conditioned on a quoted amount
    (
        "behaviour=condition",
        r"if and only if the price is|if the costs? (are|is) greater|if the price is higher|"
        r"only book the new flight if|less than \$\d+ for the master",
    ),
    # insurance added (or refunded) after booking
    ("intent=insurance", r"add(ed)? insurance|refund for the insurance|cancel the insurance"),
    # a complaint about a delay, with no change or cancellation (so no compensation)
    ("intent=complaint", r"complain|frustrated with the delayed"),
    # partial changes the policy forbids
    ("partial=remove_passenger", r"remove (passenger|ethan|sophia|a passenger)"),
    ("partial=remove_bags", r"remove (your |the )?checked bag|remove bags"),
    ("partial=change_route", r"origin / destination|modify origin|to a nonstop flight from atl"),
    (
        "partial=one_segment_cabin",
        r"only some of the flights|only one leg|keep economy for the return|for only one of",
    ),
    # information-only answers
    ("info=bag_allowance", r"number of suitcases"),
    ("info=balances", r"sum of (the )?gift card balances"),
    ("info=savings", r"saved in total|total savings"),
    ("info=durations", r"flight durations|reason about durations"),
    ("info=trip_costs", r"total cost of those flights"),
    # rules over a set of reservations
    ("intent=cancel_all", r"cancel all (of )?(your|my) upcoming"),
    ("reservations=all_business", r"downgrade all business"),
    ("reservations=duplicates", r"find duplicates|multiple flights for the same day"),
    ("reservations=by_duration", r"longer than \d+ hours"),
    # payment rules and optimisation
    ("payment_rule=two_certificates", r"two certificates|three certificates|one-certificate"),
    # a payment method the profile does not hold
    (
        "payment_rule=card_not_on_file",
        r"not (on file|in (your|the user's) profile)|new credit card",
    ),
    ("payment_mix=optimise", r"certificates as much as possible|maximize use of gift card"),
    # search constraints
    ("selection=second_cheapest", r"second cheapest"),
    (
        "selection=time_window",
        r"do not want to fly before|departing after|arrive before \d|within 3-4 hours",
    ),
    ("selection=same_as_before", r"exact same flight|exactly the same as your current"),
    ("airports=alternative", r"ewr and phl|either ewr or jfk|multiple airports"),
    # a round trip's return flight moved, the outbound kept
    ("leg=return", r"change the return flights?\b|return flights needs? also"),
)
# A transfer the customer asked for (an explicit request for a human) is right in the gold.
ASKS_HUMAN = re.compile(r"ask to be transferred|you ask to be transferred")


def _text(task: Mapping[str, Any]) -> str:
    purpose = str((task.get("description") or {}).get("purpose") or "")
    ins = (task.get("user_scenario") or {}).get("instructions")
    body = "\n".join(str(v) for v in ins.values()) if isinstance(ins, dict) else str(ins or "")
    return f"{purpose}\n{body}".lower()


def task_needs(task: Mapping[str, Any], intents: list[str]) -> list[str]:
    """The `axis=value` needs of one tau2 task (`intents`: the ones `derive_point` read)."""
    text = _text(task)
    needs = [need for need, pattern in TEXT_NEEDS if re.search(pattern, text)]
    actions = (task.get("evaluation_criteria") or {}).get("actions") or []
    names = [a.get("name") for a in actions]
    if "transfer_to_human_agents" in names and ASKS_HUMAN.search(text):
        needs.append("behaviour=human")
    # The same write on several reservations is a rule over a set (unless the text said which).
    per_write = Counter(
        n for n in names if n in ("cancel_reservation", "update_reservation_flights")
    )
    rids = {
        a["arguments"].get("reservation_id")
        for a in actions
        if a.get("name") in ("cancel_reservation", "update_reservation_flights")
    }
    if any(c >= 2 for c in per_write.values()) and len(rids) >= 2:
        if not any(n.startswith("reservations=") for n in needs):
            needs.append("reservations=listed")
    bookings = names.count("book_reservation")
    if bookings >= 2:
        needs.append(f"bookings={bookings}")
    writes = [n for n in names if n and not n.startswith(("get_", "search_", "list_", "calc"))]
    if len(set(intents) - {"?"}) > 3 or len(writes) > 3 and "reservations=" not in str(needs):
        needs.append(f"n_intents={max(len(set(intents)), len(writes))}")
    return list(dict.fromkeys(needs))
