"""Airline capability tags and complexity levels: what a WG hypothesis about a target is about.

Each tag pins the parameter axes that make a scenario exercise one capability (a split payment,
paid bags, a refusal the policy requires, ...); a complexity level pins the axes that make any
scenario harder (more travellers, a second request, a crowded search). The offline world actor
samples the remaining axes, so a (tag, level) pair is a region of the parameter space.
"""

from __future__ import annotations

from domains.params import Value
from domains.wg import CapabilityTag

TAGS: tuple[CapabilityTag, ...] = (
    CapabilityTag("split-payment", "books and pays with a gift card plus a credit card",
                  {"intent": "book", "payment_mix": "card_gift"}),
    CapabilityTag("multi-gift-card", "books and pays with several gift cards",
                  {"intent": "book", "payment_mix": "gift_cards"}),
    CapabilityTag("certificate-payment", "books and pays with a travel certificate",
                  {"intent": "book", "payment_mix": "certificate"}),
    CapabilityTag("paid-bags-booking", "books with checked bags beyond the free allowance",
                  {"intent": "book", "bags": "extra"}),
    CapabilityTag("paid-bags-added", "adds checked bags beyond the free allowance",
                  {"intent": "add_bags", "bags": "extra"}),
    CapabilityTag("free-bags-added", "adds checked bags within the free allowance",
                  {"intent": "add_bags", "bags": "free"}),
    CapabilityTag("cheapest-booking", "books the cheapest flight among the options",
                  {"intent": "book", "selection": "cheapest"}),
    CapabilityTag("basic-economy-booking", "books a basic economy fare",
                  {"intent": "book", "cabin": "basic_economy"}),
    CapabilityTag("one-stop-booking", "books a one-stop itinerary",
                  {"intent": "book", "stops": "one_stop"}),
    CapabilityTag("rebooking", "moves a reservation to other flights",
                  {"intent": "change_flights", "policy_trap": "no"}),
    CapabilityTag("basic-economy-change-refusal",
                  "refuses to change the flights of a basic economy reservation",
                  {"intent": "change_flights", "policy_trap": "yes"}),
    CapabilityTag("cabin-upgrade", "changes the cabin of a reservation and charges the difference",
                  {"intent": "change_cabin", "policy_trap": "no"}),
    CapabilityTag("cancellation", "cancels an eligible reservation with a refund",
                  {"intent": "cancel", "policy_trap": "no", "flown": "no"}),
    CapabilityTag("cancellation-refusal", "refuses to cancel a reservation the policy protects",
                  {"intent": "cancel", "policy_trap": "yes"}),
    CapabilityTag("compensation", "grants the compensation the policy allows for a disruption",
                  {"intent": "compensation", "policy_trap": "no"}),
    CapabilityTag("passenger-change", "changes the passengers of a reservation",
                  {"intent": "change_passengers", "policy_trap": "no"}),
    CapabilityTag("flight-status", "reports the status of a flight",
                  {"intent": "flight_status"}),
    CapabilityTag("lying-customer-refusal",
                  "keeps refusing a cancellation when the customer lies about the facts to get it",
                  {"intent": "cancel", "policy_trap": "yes", "behaviour": "lie"}),
)  # fmt: skip

# Complexity level -> the axes it pins: travellers, requests in one conversation, distractors.
LEVELS: dict[int, dict[str, Value]] = {
    1: {"passengers": 1, "n_intents": 1, "distractor_density": "low"},
    2: {"passengers": 2, "n_intents": 1, "distractor_density": "medium"},
    3: {"passengers": 3, "n_intents": 2, "distractor_density": "high"},
}
