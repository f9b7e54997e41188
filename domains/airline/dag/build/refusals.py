"""What the agent must say when the policy refuses a request, and what a flight status is called.

A refusal changes nothing in the world, so without a fact to state a do-nothing agent (or one
that only apologises) would pass it. Each refusal therefore adds its policy reason to the facts
the agent must communicate: the first wording is the one exported (tau2's `communicate_info`),
the others state the same reason in words agents commonly use (`Task.meta`'s
`communicate_alternatives`).
"""

from __future__ import annotations

from domains.airline.dag.build.context import Ctx

REASONS: dict[str, tuple[str, ...]] = {
    # booked more than a day ago, no covered reason, not business, flight not cancelled
    "not_eligible": ("24 hours", "insurance", "business class", "business cabin"),
    "basic_economy": ("basic economy",),
    "flown": (
        "flown",
        "already departed",
        "already taken",
        "already used",
        "already travelled",
        "already flew",
        "has departed",
    ),
    "passenger_count": (
        "number of passengers",
        "passenger count",
        "add a passenger",
        "add passengers",
        "adding a passenger",
        "adding passengers",
        "add another passenger",
        "additional passenger",
        "extra passenger",
    ),
    # the same rule asked the other way: a passenger taken off (tau2: the number cannot change)
    "passenger_removal": (
        "number of passengers",
        "passenger count",
        "cannot remove",
        "can't remove",
        "unable to remove",
        "not able to remove",
        "not possible to remove",
        "not allowed to remove",
        "cannot be removed",
        "can't be removed",
    ),
    # compensation: a regular member without insurance in (basic) economy
    "not_entitled": ("regular", "membership", "insurance"),
    # compensation asked for a flight the record shows flew (or flies) as scheduled
    "not_disrupted": (
        "not cancelled",
        "wasn't cancelled",
        "never cancelled",
        "not been cancelled",
        "hasn't been cancelled",
        "no cancellation",
        "not disrupted",
        "no disruption",
        "as scheduled",
        "operated",
    ),
    "insurance_after_booking": (
        "at the time of booking",
        "when booking",
        "after the booking",
        "after booking",
        "only be purchased",
        "only be bought",
        "only be added",
    ),
    "insurance_refund": (
        "refunded on its own",
        "refunded separately",
        "cannot be refunded",
        "can't be refunded",
        "not refundable",
        "non-refundable",
        "cannot be removed",
        "can't be removed",
    ),
    # a delay is compensated only with a change or cancellation, and the customer keeps the trip
    "delay_kept": (
        "change or cancel",
        "changed or cancelled",
        "modify or cancel",
        "cancel or change",
    ),
    "bags_removed": (
        "never removed",
        "cannot be removed",
        "can't be removed",
        "only be added",
        "cannot remove",
        "can't remove",
        "unable to remove",
        "not able to remove",
    ),
    "one_cabin": (
        "same cabin",
        "one cabin",
        "all flights",
        "every flight",
        "all segments",
        "whole reservation",
        "entire reservation",
    ),
    "route": ("origin", "destination"),
    "one_certificate": (
        "one certificate",
        "one travel certificate",
        "single certificate",
        "single travel certificate",
        "more than one certificate",
        "more than one travel certificate",
        "two certificates",
        "multiple certificates",
    ),
    # the policy takes only payment methods already in the user's profile
    "not_on_file": (
        "on file",
        "in your profile",
        "in the profile",
        "saved to your profile",
        "saved in your profile",
        "stored in your profile",
        "not in your account",
        "added to your profile",
    ),
}

# A flight status as the tool returns it, and other words for it.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "available": ("available", "scheduled"),
    "on time": ("on time", "on schedule"),
    "delayed": ("delayed",),
    "cancelled": ("cancelled",),
    "flying": ("flying", "in the air", "in flight", "en route", "airborne"),
    "landed": ("landed", "arrived"),
}


def refuse(ctx: Ctx, reason: str, note: str) -> None:
    """Record a refused request (`note` says which and why) and the reason the agent must give."""
    ctx.notes.refusals.append(note)
    ctx.notes.refusal_codes.append(reason)
    ctx.gold.say(*REASONS[reason])
