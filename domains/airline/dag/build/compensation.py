"""Intent `compensation`: a certificate for a cancelled flight, or for a delayed one that the user
cancels (the cancellation first, then the certificate), per passenger.

Compensation is for silver or gold members, insured travellers or business passengers; a policy
trap is a regular member without insurance in an economy cabin (refused; a delayed flight is
still cancelled). With `behaviour=lie` on an allowed compensation, the customer claims one more
traveller than the record: the certificate follows the record and the agent says the count.
With `disruption=none` (a refusal, the customer lying), the customer claims a cancellation the
record does not show: the flight landed as scheduled, or is on time today; the agent checks its
status, says it, and sends nothing (`_not_disrupted`).
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import COMPENSATION_PER_PASSENGER
from domains.airline.dag.build import timeline
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.build.refusals import STATUS_WORDS, refuse
from domains.airline.dag.build.reservations import (
    Status,
    cancelled,
    make_reservation,
    reservation_choice,
    target_reservation,
)
from domains.airline.dag.build.timeline import created_long_ago, created_within_a_day
from domains.dag import BuildRejected, WalkSegment


def build_compensation(ctx: Ctx, seg: WalkSegment) -> None:
    p, w, text = seg.point, ctx.world, ctx.text
    trap = p["policy_trap"] == "yes"
    cabin, insurance, pax = str(p["cabin"]), str(p["insurance"]), int(p["passengers"])
    rng = ctx.rng
    # An undisrupted flight is refused for that alone: the customer is otherwise entitled.
    undisrupted = p.get("disruption") == "none"
    entitled_needed = not trap or undisrupted
    regular_economy = w.user["membership"] == "regular" and insurance == "no"
    if entitled_needed and regular_economy and cabin != "business":
        raise BuildRejected("compensation would not be allowed")
    delayed = p.get("disruption") == "delayed"
    statuses: dict[int, Status]
    actual = rng.choice(["landed", "on time"]) if undisrupted else None
    if actual is not None:
        # Landed on a past day, or on time later today: cancelled, says the customer.
        today, status = actual == "on time", actual
        flight_day = 15 if today else rng.randint(9, 14)
        departs = (16 * 60, 20 * 60) if today else None
        created = created_long_ago(rng, flight_day)

        def as_scheduled(date: str, dep: int, dur: int) -> dict[str, Any]:
            return timeline.status_on(rng, status, date, dep, dur)

        statuses = {0: as_scheduled}
    elif delayed:
        # A delayed flight still ahead (later today, or tomorrow); the user cancels, and the
        # cancellation itself must be allowed: business, or booked less than 24 hours ago.
        flight_day = rng.randint(15, 16)
        late = 5 * rng.randint(9, 48)

        def late_by(date: str, dep: int, dur: int) -> dict[str, Any]:
            return timeline.status_on(rng, "delayed", date, dep, dur, late)

        statuses = {0: late_by}
        departs = (16 * 60, 20 * 60) if flight_day == 15 else (6 * 60, 20 * 60)
        created = (
            created_long_ago(rng, flight_day) if cabin == "business" else created_within_a_day(rng)
        )
    else:
        flight_day = rng.randint(9, 14)
        statuses = {0: cancelled}
        departs = None
        created = created_long_ago(rng, flight_day)
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip="one_way",
        one_stop=False,
        passengers=w.travellers(pax),
        out_day=flight_day,
        back_day=None,
        created_at=created,
        insurance=insurance,
        bags=0,
        pay_with=w.initial_payment(),
        statuses=statuses,
        departure=departs,
    )
    w.shuffle_reservations()
    ctx.lookup_user()
    facts = target_reservation(ctx, seg, res)
    f = res["flights"][0]
    ctx.gold.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
    if actual is not None:
        _not_disrupted(ctx, f, actual, facts)
        return
    disruption = "delayed" if delayed else "cancelled"
    per_passenger = COMPENSATION_PER_PASSENGER[disruption]
    amount = per_passenger * pax
    fdate = text.date_text(f["date"])
    text.required += [f["flight_number"], fdate]
    if delayed:
        ctx.notes.delayed = True
        idx = ctx.gold.call("cancel_reservation", reservation_id=res["reservation_id"])
        reservation_choice(ctx, idx, res)
    if trap:
        refuse(ctx, "not_entitled", "compensation: regular member, no insurance, economy cabin")
    else:
        idx = ctx.gold.call("send_certificate", user_id=w.user["user_id"], amount=amount)
        ctx.gold.say(f"${amount}")
        # Plausible wrong amounts: the other disruption's rate, one passenger too many.
        other_rate = sum(COMPENSATION_PER_PASSENGER.values()) - per_passenger
        rates = set(COMPENSATION_PER_PASSENGER.values())
        wrong = (rates | {per_passenger * (pax + 1), other_rate * pax}) - {amount}
        alternatives = [{"value": v, "why": "wrong amount"} for v in sorted(wrong)]
        ctx.notes.choice(idx, "amount", "amount", amount, alternatives)
    flight = f["flight_number"]
    request = {"kind": "compensation", "flight": flight, "date": fdate, "disruption": disruption}
    if p.get("behaviour") == "lie" and not trap:
        _claimed_count(ctx, request, pax, per_passenger)
    request["outcome"] = "refused" if trap else "done"
    text.requests.append({**request, **facts})


NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _claimed_count(ctx: Ctx, request: dict[str, Any], pax: int, per_passenger: int) -> None:
    """The customer claims one traveller more than the reservation holds (tau2 task 2): the
    certificate follows the record, and the agent states the count it found."""
    s = "s" * (pax != 1)
    counted = f"{pax} passenger{s}"
    ctx.gold.say(
        counted,
        f"{NUMBER_WORDS[pax]} passenger{s}",
        f"{pax} traveller{s}",
        f"{NUMBER_WORDS[pax]} traveller{s}",
        f"{pax} {'people' if pax != 1 else 'person'}",
    )
    request["claim"] = "passengers"
    request["claimed"] = pax + 1
    ctx.notes.wrong_facts[counted] = f"{pax + 1} passengers"  # the count the customer claimed
    ctx.notes.wrong_facts[f"${per_passenger * pax}"] = f"${per_passenger * (pax + 1)}"


def _not_disrupted(ctx: Ctx, f: dict[str, Any], actual: str, facts: dict[str, Any]) -> None:
    """The customer claims the flight was cancelled; its status says `actual`. The gold refuses
    (no certificate) and says the status and that there was no cancellation."""
    flight, fdate = f["flight_number"], ctx.text.date_text(f["date"])
    ctx.text.required += [flight, fdate]
    refuse(ctx, "not_disrupted", f"compensation for {flight}: {actual}, not cancelled")
    ctx.gold.say(*STATUS_WORDS[actual])
    ctx.notes.wrong_facts[STATUS_WORDS[actual][0]] = "cancelled"  # what a believer would say
    request = {"kind": "compensation", "flight": flight, "date": fdate, "disruption": "cancelled"}
    ctx.text.requests.append({**request, "actual": actual, "outcome": "refused", **facts})
