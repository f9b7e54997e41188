"""Axis `payment_rule=two_certificates`: a booking the customer wants paid with two certificates.

The policy allows one travel certificate per reservation. The customer holds two and asks to use
both, with a fallback for when only one can be used (the larger one, or the smaller one: drawn,
so "the larger" is not a rule an agent can learn instead of reading the instructions); the card
pays the rest. The gold uses the fallback certificate and the card, and the agent must say why
(the one-certificate rule is a fact to communicate). Paying with both certificates, which the
booking tool itself lets through, is the recorded wrong choice (kind `payment_rule`).
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
