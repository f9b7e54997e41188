"""The numeric features of an airline task (`Task.features`), read by simulated targets' profiles
and by analysis.

On top of the engine's own (n_intents, walk_length, golden_calls, golden_writes, refusal,
world_kb, intent_<name>), an airline task has (0/1 unless noted): passengers (count),
distractor_density (0..3), distractors (count of distractor entities), policy_trap (a flown
flight to cancel counts), round_trip, one_stop, insurance, reservation_unknown,
user_reservations (count), price_gap (relative gap between the gold flight and the nearest
distractor on the criterion, 0..1; 1 when there is no competitor), payment_methods_used (count),
cabin_basic_economy / _economy / _business, selection_cheapest / _shortest / _earliest / _named
/ _second_cheapest / _time_window / _same_as_before,
payment_mix_card / _card_gift / _certificate / _gift_cards / _optimise,
membership_regular / _silver / _gold, transfer_expected, compensation_delayed, bags_extra,
bags_free, user_insists (the customer insists after the refusal), user_lies (it claims what the
record contradicts), user_claims_disruption (it asks compensation for a flight it says was
cancelled, whose status says it was not),
user_drops (it drops the request at the quoted price), airports_alternative (two airports of
the customer's city to search), user_asks_human (it asks for a human agent once refused),
payment_two_certificates (two certificates asked, one allowed), payment_card_not_on_file (a
card the profile does not hold asked), reservations_listed /
_duplicates / _all_business / _by_duration (a rule over the reservations the customer lists,
its duplicate bookings, its business ones, or the ones with a long flight),
info_over_reservations (a figure over several reservations), user_condition (the customer's
choice depends on the quoted price), user_switches (it leaves its booking unfinished for its
next request), leg_return (a round trip's return flight moved, not the outbound). Axis
features are 1 only when the first intent uses that axis.
"""

from __future__ import annotations

from domains.airline.constants import CABINS
from domains.airline.dag.build.context import Ctx
from domains.airline.dag.graph import RESERVATION_INTENTS
from domains.airline.dag.params import DENSITY_COUNTS, SELECTIONS, USES
from domains.dag import Walk
from domains.params import Point

PAYMENT_MIXES = ("card", "card_gift", "certificate", "gift_cards", "optimise")
MEMBERSHIPS = ("regular", "silver", "gold")
OVER_RESERVATIONS = (
    "trip_costs",
    "savings",
    "durations",
)  # figures summed over several reservations
# Every name `task_features` sets (the DagSpec's declaration; a contract test holds them equal).
FEATURES = frozenset(
    {
        "passengers",
        "distractor_density",
        "distractors",
        "policy_trap",
        "round_trip",
        "one_stop",
        "insurance",
        "reservation_unknown",
        "user_reservations",
        "price_gap",
        "payment_methods_used",
        "transfer_expected",
        "compensation_delayed",
        "bags_extra",
        "bags_free",
        "user_insists",
        "user_lies",
        "user_claims_disruption",
        "user_drops",
        "airports_alternative",
        "user_asks_human",
        "user_condition",
        "user_switches",
        "leg_return",
        "payment_two_certificates",
        "payment_card_not_on_file",
        "reservations_listed",
        "reservations_duplicates",
        "reservations_all_business",
        "reservations_by_duration",
        "info_over_reservations",
        *(f"cabin_{c}" for c in CABINS),
        *(f"selection_{s}" for s in SELECTIONS),
        *(f"payment_mix_{m}" for m in PAYMENT_MIXES),
        *(f"membership_{m}" for m in MEMBERSHIPS),
    }
)


def task_features(ctx: Ctx, walk: Walk, point: Point) -> dict[str, float]:
    p, notes = point, ctx.notes
    first = walk.segments[0].intent
    on_reservation = first in RESERVATION_INTENTS
    uses = USES[first]
    f: dict[str, float] = {
        "passengers": float(p["passengers"]),
        "distractor_density": float(list(DENSITY_COUNTS).index(str(p["distractor_density"]))),
        "distractors": float(notes.distractors),
        # A flown flight to cancel is a trap too: the policy forbids the cancellation asked for.
        "policy_trap": float(p["policy_trap"] == "yes" or p.get("flown") == "yes"),
        "round_trip": float(p["trip_type"] == "round_trip"),
        "one_stop": float(p["stops"] == "one_stop"),
        "insurance": float(p["insurance"] == "yes"),
        "reservation_unknown": float(p["reservation_known"] == "no" and on_reservation),
        "user_reservations": float(len(ctx.world.user["reservations"])),
        "price_gap": round(min(notes.price_gaps), 4) if notes.price_gaps else 1.0,
        "payment_methods_used": float(
            max((len(c["arguments"].get("payment_methods", [])) for c in ctx.gold.calls), default=0)
        ),
    }
    for c in CABINS:
        f[f"cabin_{c}"] = float("cabin" in uses and p["cabin"] == c)
    for s in SELECTIONS:
        f[f"selection_{s}"] = float("selection" in uses and p["selection"] == s)
    for m in PAYMENT_MIXES:
        f[f"payment_mix_{m}"] = float("payment_mix" in uses and p["payment_mix"] == m)
    for m in MEMBERSHIPS:
        f[f"membership_{m}"] = float(p["membership"] == m)
    f["transfer_expected"] = float(notes.transfer)
    f["compensation_delayed"] = float(notes.delayed)
    f["bags_extra"] = float("bags" in uses and p["bags"] == "extra")
    f["bags_free"] = float("bags" in uses and p["bags"] == "free")
    first_request = ctx.text.requests[0] if ctx.text.requests else {}
    f["user_insists"] = float(bool(first_request.get("insists")))
    f["user_lies"] = float(bool(first_request.get("claim")))
    f["user_claims_disruption"] = float(bool(first_request.get("actual")))
    f["user_drops"] = float(bool(first_request.get("drop_limit")))
    f["airports_alternative"] = float(bool(first_request.get("airports")))
    f["user_asks_human"] = float(bool(first_request.get("asks_human")))
    f["user_condition"] = float(bool(first_request.get("condition_limit")))
    f["user_switches"] = float(bool(first_request.get("switch")))
    f["leg_return"] = float(first_request.get("leg") == "return")
    for rule in ("listed", "duplicates", "all_business", "by_duration"):
        f[f"reservations_{rule}"] = float(first_request.get("set") == rule)
    f["info_over_reservations"] = float(first_request.get("info") in OVER_RESERVATIONS)
    f["payment_two_certificates"] = float(
        bool((first_request.get("payment") or {}).get("fallback"))
    )
    f["payment_card_not_on_file"] = float(
        bool((first_request.get("payment") or {}).get("card_asked"))
    )
    return f
