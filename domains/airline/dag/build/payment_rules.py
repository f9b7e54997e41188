"""Axis `payment_rule`: a booking the customer wants paid in a way the policy forbids.

two_certificates: the policy allows one travel certificate per reservation. The customer holds
two and asks to use both, with a fallback for when only one can be used (the larger one, or the
smaller one: drawn, so "the larger" is not a rule an agent can learn instead of reading the
instructions); the card pays the rest. The gold uses the fallback certificate and the card, and
the agent must say why (the one-certificate rule is a fact to communicate). Paying with both
certificates, which the booking tool itself lets through, is the recorded wrong choice (kind
`payment_rule`).

card_not_on_file: the customer names a credit card that is not in its profile (the policy takes
only payment methods already on file) and says which card on file to use if that one cannot be.
The gold pays with that card and the agent says why; charging the card the customer named (an
id the agent can only make up, which the booking tool rejects) is the wrong choice.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import CERTIFICATE_AMOUNTS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.dag import BuildRejected

Payments = list[dict[str, Any]]


def two_certificates(
    ctx: Ctx, card: str, total: int, facts: dict[str, Any]
) -> tuple[Payments, Payments]:
    """(gold split, splits a careless agent makes); fills the customer's payment facts."""
    rng, w = ctx.rng, ctx.world
    spare = [a for a in CERTIFICATE_AMOUNTS if a not in w.held_amounts("certificate")]
    if len(spare) < 2:
        raise BuildRejected("the customer holds certificates of almost every amount")
    small, large = sorted(rng.sample(spare, 2))
    ids = {a: w.certificate(a, named=True) for a in (small, large)}
    keep = large if rng.random() < 0.65 else small
    facts["certificates"] = [small, large] if rng.random() < 0.5 else [large, small]
    facts["fallback"] = keep
    ctx.text.required += [str(small), str(large)]
    refuse(ctx, "one_certificate", f"pay with ${small} and ${large} certificates: one per booking")
    gold = _in_order(card, total, [(ids[keep], keep)])
    other = small if keep == large else large
    both = _in_order(card, total, [(ids[large], large), (ids[small], small)])
    wrong = [{"value": both, "why": "two certificates"}]
    swapped = [{"value": _in_order(card, total, [(ids[other], other)]), "why": "other certificate"}]
    return gold, wrong + swapped


def card_not_on_file(ctx: Ctx, card: str, gold: Payments, facts: dict[str, Any]) -> Payments:
    """The splits a careless agent makes; names the customer's card that is not on file (the
    `card` on file becomes its fallback, which the gold keeps)."""
    w = ctx.world
    held = {m.get("last_four") for m in w.user["payment_methods"].values()}
    last_four = f"{ctx.rng.randint(0, 9999):04d}"
    while last_four in held:
        last_four = f"{ctx.rng.randint(0, 9999):04d}"
    brand = ctx.rng.choice(["Visa", "Mastercard", "American Express"])
    asked = f"{brand} card ending in {last_four}"
    facts["card_asked"] = asked
    ctx.text.required.append(last_four)
    refuse(ctx, "not_on_file", f"charge the {asked}: not in the profile")
    made_up = w.payment_id("credit_card")  # the id an agent would invent for the card
    charged = [{**m, "payment_id": made_up} if m["payment_id"] == card else m for m in gold]
    return [{"value": charged, "why": "card not on file"}]


def _in_order(card: str, total: int, certificates: list[tuple[str, int]]) -> Payments:
    """Certificates first, each up to its amount, then the card for what is left."""
    out: Payments = []
    left = total
    for pid, amount in certificates:
        if left <= 0:
            break
        used = min(amount, left)
        out.append({"payment_id": pid, "amount": used})
        left -= used
    if left > 0:
        out.append({"payment_id": card, "amount": left})
    return out
