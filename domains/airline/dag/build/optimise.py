"""Payment mix `optimise`: the customer asks for its stored value to go as far as it can.

"Use my certificates as much as possible, then my gift cards, and put the rest on my card"
(tau2 tasks 14 and 23): the agent must read every payment method of the profile and apply the
policy's limits itself. One certificate per reservation, so the largest one (used whole: the
total is above it); then up to three gift cards, so the three largest, each used whole; the card
pays what is left, and the customer wants to hear that amount. The builder adds two
certificates and one or two gift cards sized under the booking's total (beside whatever the
profile already holds: a fourth gift card makes the three-card limit matter) and rejects a
world where the answer would not be unique (a tie for the largest certificate or for the third
gift card) or where stored value alone would cover the total.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import CERTIFICATE_AMOUNTS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.world import GIFT_CARD_MAX
from domains.dag import BuildRejected

Payments = list[dict[str, Any]]
MAX_GIFT_CARDS = 3  # per reservation (policy)
MIN_ON_CARD = 20  # the card pays at least this much, so no stored value is used in part


def optimised_payment(
    ctx: Ctx, card: str, total: int, facts: dict[str, Any], wrong: Payments
) -> tuple[Payments, dict[str, Any], Payments]:
    """The split that puts the least on the card, its wrong variants, and the facts."""
    w, rng = ctx.world, ctx.rng
    room = total - MIN_ON_CARD
    spare = [a for a in CERTIFICATE_AMOUNTS if a not in w.held_amounts("certificate")]
    fitting = [a for a in spare if a <= room * 0.6]
    if not fitting:
        raise BuildRejected(f"no certificate fits under a ${total} booking")
    for amount in rng.sample(fitting, min(2, len(fitting))):
        w.certificate(amount)
    certs = _held(ctx, "certificate")
    best = certs[0]
    if len(certs) > 1 and certs[1][1] == best[1]:
        raise BuildRejected("two certificates tie for the largest")
    left = room - best[1] - sum(b for _, b in _held(ctx, "gift_card")[:MAX_GIFT_CARDS])
    for _ in range(rng.choice([1, 2])):
        if left < 10:
            break
        balance = w.spare_balance(10, min(GIFT_CARD_MAX, left))
        w.gift_card(balance)
        left -= balance
    gifts = _held(ctx, "gift_card")
    if ctx.k >= 2 and len(gifts) == MAX_GIFT_CARDS:  # a fourth, smaller one: the limit matters
        w.gift_card(w.spare_balance(5, max(5, gifts[-1][1] - 1)))
        ctx.notes.distractors += 1
        gifts = _held(ctx, "gift_card")
    used = gifts[:MAX_GIFT_CARDS]
    if len(gifts) > MAX_GIFT_CARDS and gifts[MAX_GIFT_CARDS][1] == used[-1][1]:
        raise BuildRejected("two gift cards tie for the third largest")
    rest = total - best[1] - sum(b for _, b in used)
    if rest < MIN_ON_CARD:
        raise BuildRejected(f"stored value covers ${total - rest} of ${total}")
    split = [
        {"payment_id": best[0], "amount": best[1]},
        *({"payment_id": pid, "amount": b} for pid, b in used),
        {"payment_id": card, "amount": rest},
    ]
    facts["on_card"] = rest  # a fact to say, after the total (`build_book`)
    wrong += _wrong_splits(certs, gifts, card, total)
    return split, facts, wrong


def _held(ctx: Ctx, source: str) -> list[tuple[str, int]]:
    """The customer's methods of a source holding money, largest first."""
    methods = ctx.world.user["payment_methods"].items()
    held = [(pid, int(m["amount"])) for pid, m in methods if m["source"] == source]
    return sorted((h for h in held if h[1] > 0), key=lambda h: -h[1])


def _wrong_splits(
    certs: list[tuple[str, int]], gifts: list[tuple[str, int]], card: str, total: int
) -> Payments:
    """What a careless agent pays with: the smaller certificate, no gift cards, every gift
    card (over the limit), or the card alone."""
    out: Payments = [{"value": [{"payment_id": card, "amount": total}], "why": "card only"}]

    def with_card(lines: list[tuple[str, int]], why: str) -> None:
        rest = total - sum(b for _, b in lines)
        if rest > 0:
            value = [{"payment_id": p, "amount": b} for p, b in lines]
            out.append({"value": [*value, {"payment_id": card, "amount": rest}], "why": why})

    top = gifts[:MAX_GIFT_CARDS]
    if len(certs) > 1:
        with_card([certs[1], *top], "smaller certificate")
    with_card([certs[0]], "gift cards unused")
    if len(gifts) > MAX_GIFT_CARDS:
        with_card([certs[0], *gifts], "more than three gift cards")
    return out
