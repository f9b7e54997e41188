"""Rules over a set of reservations other than "every upcoming one" (axis `reservations` of
`cancel_all`; `every` is `build/answers.py`):

- listed: the customer quotes two or three reservation ids to cancel for a change of plans; the
  gold opens each, cancels the ones the policy allows and says why the others stay. The customer
  holds other reservations the policy would let go too: cancelling one of those is overreach;
- duplicates: an assistant booked some trips twice (the same flights for the same passengers,
  the copy made in the last day); the customer wants each copy cancelled and the first booking
  kept. A booking of the same flights for other passengers is no copy, nor is the original.
  Every copy is cancellable (booked within 24 hours), so the skill is finding them.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import refuse
from domains.airline.dag.build.reservations import cancelled, make_reservation
from domains.airline.dag.build.timeline import NOW, created_long_ago, created_within_a_day, stamp
from domains.dag import BuildRejected, WalkSegment

# How a reservation comes to be cancellable for a change of plans, or not.
ALLOWED_PATHS = ("24h", "business", "airline_cancelled")
PATHS = (*ALLOWED_PATHS, "not_eligible")


def reservation_on_path(ctx: Ctx, path: str, pax: int) -> dict[str, Any]:
    """A one-way upcoming reservation that the cancellation rule treats as `path` says."""
    w, rng = ctx.world, ctx.rng
    out_day = rng.randint(17, 28)
    cabin = "business" if path == "business" else rng.choice(["basic_economy", "economy"])
    return make_reservation(
        ctx,
        cabin=cabin,
        trip="one_way",
        one_stop=False,
        passengers=w.travellers(pax),
        out_day=out_day,
        back_day=None,
        created_at=created_within_a_day(rng) if path == "24h" else created_long_ago(rng, out_day),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=w.initial_payment(),
        statuses={0: cancelled} if path == "airline_cancelled" else {},
    )


def may_cancel(w: Any, res: dict[str, Any]) -> bool:
    """The policy's cancellation rule for a change of plans (insurance does not cover it)."""
    recent = res["created_at"] >= stamp(NOW - timedelta(days=1))
    return bool(recent or airline_cancelled(w, res) or res["cabin"] == "business")


def airline_cancelled(w: Any, res: dict[str, Any]) -> bool:
    return any(
        w.flights[f["flight_number"]]["dates"][f["date"]]["status"] == "cancelled"
        for f in res["flights"]
    )


def cancel_each(ctx: Ctx, rids: list[str]) -> None:
    """Golden cancellations (a flight the airline cancelled is checked first: it is the reason)."""
    w = ctx.world
    for rid in rids:
        res = w.reservations[rid]
        if airline_cancelled(w, res):
            f = res["flights"][0]
            ctx.gold.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
        ctx.gold.call("cancel_reservation", reservation_id=rid)


def _excluded(rids: list[str]) -> list[dict[str, Any]]:
    return [{"name": "cancel_reservation", "arguments": {"reservation_id": r}} for r in rids]


def build_cancel_listed(ctx: Ctx, seg: WalkSegment) -> None:
    w, rng = ctx.world, ctx.rng
    pax = int(seg.point["passengers"])
    paths = ["not_eligible", rng.choice(ALLOWED_PATHS)]
    paths += [rng.choice(PATHS)] if rng.random() < 0.5 else []
    rng.shuffle(paths)
    listed = [reservation_on_path(ctx, path, pax)["reservation_id"] for path in paths]
    # Not on the list, and the policy would let them go: only the list is asked for.
    spared = [
        reservation_on_path(ctx, rng.choice(ALLOWED_PATHS), pax)["reservation_id"]
        for _ in range(rng.randint(1, 2))
    ]
    w.shuffle_reservations()
    ctx.lookup_user()
    for rid in listed:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
    allowed = [r for r in listed if may_cancel(w, w.reservations[r])]
    kept = [r for r in listed if r not in allowed]
    cancel_each(ctx, allowed)
    refuse(ctx, "not_eligible", f"cancel {', '.join(kept)}: not eligible (change of plans)")
    ctx.notes.excluded_calls = _excluded(kept + spared)
    ctx.text.required += listed
    ctx.text.known_reservations += listed
    ctx.text.requests.append(
        {
            "kind": "cancel_all",
            "set": "listed",
            "listed": listed,
            "reason": "change of plans",
            "wanted": listed,
            "outcome": "done",
        }
    )


def build_cancel_duplicates(ctx: Ctx, seg: WalkSegment) -> None:
    w, rng = ctx.world, ctx.rng
    pax = int(seg.point["passengers"])
    originals, copies = [], []
    for _ in range(rng.randint(1, 2)):
        first = reservation_on_path(ctx, rng.choice(["not_eligible", "business"]), pax)
        originals.append(first["reservation_id"])
        copies.append(_copy(ctx, first, first["passengers"])["reservation_id"])
    # The same flights booked for other travellers, in the last day too: not a copy.
    others = [w.person() for _ in range(pax)]
    lookalike = _copy(ctx, w.reservations[originals[0]], others)["reservation_id"]
    w.shuffle_reservations()
    ctx.lookup_user()
    for rid in w.user["reservations"]:
        ctx.gold.call("get_reservation_details", reservation_id=rid)
    ordered = [r for r in w.user["reservations"] if r in copies]
    cancel_each(ctx, ordered)
    ctx.notes.excluded_calls = _excluded([*originals, lookalike])
    ctx.text.requests.append(
        {"kind": "cancel_all", "set": "duplicates", "wanted": ordered, "outcome": "done"}
    )


def _copy(ctx: Ctx, res: dict[str, Any], passengers: list[dict[str, str]]) -> dict[str, Any]:
    """The same flights booked again in the last day (paid by the way bookings are paid)."""
    w = ctx.world
    if len(w.user["reservations"]) > 8:
        raise BuildRejected("too many reservations for one customer")
    dup = copy.deepcopy(res)
    rid = w.reservation_id()
    dup["reservation_id"] = rid
    dup["passengers"] = copy.deepcopy(passengers)
    dup["created_at"] = created_within_a_day(ctx.rng)
    paid = res["payment_history"][0]["amount"]
    dup["payment_history"] = [{"payment_id": w.initial_payment(), "amount": paid}]
    w.reservations[rid] = dup
    w.user["reservations"].append(rid)
    return dup
