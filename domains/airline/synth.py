"""Airline world builder: a small, coherent world around a walk, with controlled distractors.

Given a walk (one segment per intent), the parameter point and a seeded rng, build only what the
task needs: one user (payment methods, saved passengers), the reservations the intents act on,
the flights those reservations and searches touch, plus distractors whose number follows
`distractor_density` (flights on the same route and date that are slightly worse on the chosen
criterion, a basic-economy / cabin look-alike, a cheaper flight without enough seats, other
reservations of the same user, extra cards, gift cards and certificates, passengers with similar
names). Worlds are a few KB to tens of KB.

The golden trajectory follows the policy: user lookup first, reservation lookups before changes,
searches before bookings, one certificate / one card / at most three gift cards, free bags by
membership and cabin, insurance at $30 per passenger, no change to basic economy, cancellation and
compensation eligibility. The answer is unique by construction (strict margins on the criterion,
one reservation per description) and checked again on the tools' own search results (`check`).

`meta["choices"]` lists, per golden call whose arguments came from a choice, the wrong values a
plausible mistake produces (a distractor flight, the cabin look-alike, a wrong payment split, a
wrong bag count, ...), so simulated targets can commit realistic errors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from domains.airline.params import DENSITY_COUNTS, FREE_BAGS, INTENTS, USES, chain
from domains.airline.pools import Pools, load_pools
from domains.airline.tools import AirlineTools
from domains.base import World
from domains.params import Point
from domains.synthesis_spec import BuildRejected, Built, Walk, WalkSegment

NOW = "2024-05-15T15:00:00"
TODAY = 15
INSURANCE_PRICE = 30
BAG_PRICE = 50
CABIN_WORDS = {"basic_economy": "basic economy", "economy": "economy", "business": "business"}
BASE_PRICE = {"basic_economy": (45, 170), "economy": (90, 320), "business": (320, 1150)}
NEIGHBOUR = {"economy": "basic_economy", "business": "economy"}
MONTH = "May"


def day(d: int) -> str:
    return f"2024-05-{d:02d}"


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def minutes(text: str) -> int:
    h, m = text[:5].split(":")
    extra = 24 * 60 if text.endswith("+1") else 0
    return int(h) * 60 + int(m) + extra


# --- planning --------------------------------------------------------------------------------


def plan(point: Point, rng: random.Random) -> list[tuple[str, Point]]:
    """The intents in order with one sub-point each. The first follows the point; later ones
    share passengers / trip type / stops / membership and draw valid values of the rest."""
    intents = chain(point)
    out: list[tuple[str, Point]] = [(intents[0], dict(point))]
    for pos, name in enumerate(intents[1:], start=2):
        sub: Point = dict(point)
        sub["intent"] = name
        sub["policy_trap"] = "no"
        sub["reservation_known"] = rng.choice(["yes", "no"]) if name in _RES_INTENTS else "yes"
        sub["selection"] = rng.choice(["cheapest", "shortest", "earliest", "named"])
        sub["insurance"] = rng.choice(["no", "yes"])
        cabins = ["economy", "business"] if name == "change_flights" else list(CABIN_WORDS)
        if name == "compensation" and sub["membership"] == "regular" and sub["insurance"] == "no":
            cabins = ["business"]
        sub["cabin"] = rng.choice(cabins)
        if name in ("change_flights", "change_cabin", "add_bags"):
            sub["payment_mix"] = rng.choice(["card", "gift_cards"])
        free = FREE_BAGS[str(sub["membership"])][str(sub["cabin"])]
        sub["bags"] = rng.choice(["free", "extra"] if free else ["extra"])
        sub["disruption"] = (
            rng.choice(["cancelled", "delayed"]) if name == "compensation" else "cancelled"
        )
        # A transfer ends the conversation: only the last request may need one.
        last = pos == len(intents)
        sub["flown"] = rng.choice(["no", "yes"]) if name == "cancel" and last else "no"
        if sub["flown"] == "yes":
            sub["trip_type"] = "round_trip"
        out.append((name, sub))
    return out


_RES_INTENTS = {i for i in INTENTS if i not in ("book", "flight_status")}


# --- the build context -----------------------------------------------------------------------


@dataclass
class Option:
    """One itinerary for one direction: its legs (flight numbers) and its metrics."""

    legs: list[str]
    date: str
    price: int  # per passenger in the requested cabin, all legs
    duration: int
    departure: int
    kind: str = "gold"


@dataclass
class Ctx:
    rng: random.Random
    pools: Pools
    point: Point
    k: int
    flights: dict[str, Any] = field(default_factory=dict)
    reservations: dict[str, Any] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    golden: list[dict[str, Any]] = field(default_factory=list)
    communicate: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    selections: list[dict[str, Any]] = field(default_factory=list)
    intent_calls: list[list[int]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    distractors: int = 0
    price_gaps: list[float] = field(default_factory=list)
    used_routes: set[tuple[str, str]] = field(default_factory=set)
    used_ids: set[str] = field(default_factory=set)
    user_looked_up: bool = False
    date_style: str = "words"
    place_style: str = "city"
    res_known: list[str] = field(default_factory=list)
    transfer: bool = False  # the correct outcome includes a transfer to a human agent
    delayed: bool = False  # a delayed-flight compensation is part of the task

    # -- formatting (the text must carry exactly these strings) --
    def date_text(self, date: str) -> str:
        if self.date_style == "iso":
            return date
        return f"{MONTH} {int(date[-2:])}"

    def place_text(self, code: str) -> str:
        city = self.pools.airports.get(code, code)
        if self.place_style == "code":
            return code
        if self.place_style == "both":
            return f"{city} ({code})"
        return city

    def call(self, name: str, **arguments: Any) -> int:
        self.golden.append({"name": name, "arguments": arguments})
        return len(self.golden) - 1

    def fresh(self, make: Any) -> str:
        for _ in range(1000):
            value = make()
            if value not in self.used_ids:
                self.used_ids.add(value)
                return str(value)
        raise BuildRejected("ran out of fresh ids")

    # -- entities --
    def flight_number(self) -> str:
        lo, hi = self.pools.flight_numbers

        def make() -> str:
            return f"HAT{self.rng.randint(lo, hi):03d}"

        for _ in range(1000):
            fn = self.fresh(make)
            if fn not in self.pools.used_flight_numbers:
                return fn
        raise BuildRejected("no free flight number")

    def reservation_id(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

        def make() -> str:
            rid = "".join(self.rng.choice(alphabet) for _ in range(6))
            return "XXXXXX" if rid.startswith("HATHA") else rid

        return self.fresh(make)

    def payment_id(self, source: str) -> str:
        def make() -> str:
            n = self.rng.randint(1_000_000, 9_999_999)
            return f"{source}_{n}"

        pid = self.fresh(make)
        if pid.startswith("certificate_32213"):  # send_certificate's own ids
            return self.payment_id(source)
        return pid

    def person(self, last: str | None = None) -> dict[str, str]:
        first = self.rng.choice(self.pools.first_names)
        last = last or self.rng.choice(self.pools.last_names)
        r = self.rng.randint
        dob = f"{r(1948, 2012)}-{r(1, 12):02d}-{r(1, 28):02d}"
        return {"first_name": first, "last_name": last, "dob": dob}

    def route(self, avoid: set[str] | None = None) -> tuple[str, str]:
        codes = sorted(set(self.pools.airports) - (avoid or set()))
        for _ in range(200):
            o, d = self.rng.sample(codes, 2)
            if (o, d) not in self.used_routes and (d, o) not in self.used_routes:
                self.used_routes.add((o, d))
                return o, d
        raise BuildRejected("no free route")

    def prices(self, cabin: str, price: int) -> dict[str, int]:
        r = self.rng.randint
        if cabin == "basic_economy":
            be = price
            eco = be + r(20, 90)
            bus = eco + r(200, 700)
        elif cabin == "economy":
            eco = price
            be = max(20, eco - r(20, 80))
            bus = eco + r(200, 700)
        else:
            bus = price
            eco = max(60, bus - r(200, 650))
            be = max(20, eco - r(20, 70))
            if not be < eco < bus:
                raise BuildRejected("price ladder")
        return {"basic_economy": be, "economy": eco, "business": bus}

    def seats(self, cabin: str, pax: int, enough: bool = True) -> dict[str, int]:
        s = {c: self.rng.randint(max(pax, 3), 20) for c in CABIN_WORDS}
        if not enough:
            s[cabin] = self.rng.randint(0, pax - 1)
        return s

    def add_flight(self, origin: str, dest: str, dep: int, dur: int, dates: dict[str, Any]) -> str:
        if dep + dur >= 24 * 60:
            raise BuildRejected("flight would land the next day")
        fn = self.flight_number()
        self.used_routes.add((origin, dest))
        self.flights[fn] = {
            "flight_number": fn,
            "origin": origin,
            "destination": dest,
            "scheduled_departure_time_est": hhmm(dep),
            "scheduled_arrival_time_est": hhmm(dep + dur),
            "dates": dates,
        }
        return fn

    def available(self, prices: dict[str, int], seats: dict[str, int]) -> dict[str, Any]:
        return {"status": "available", "available_seats": seats, "prices": prices}

    def add_payment(self, source: str, **fields: Any) -> str:
        pid = self.payment_id(source)
        self.user["payment_methods"][pid] = {"source": source, "id": pid, **fields}
        return pid

    def credit_card(self) -> str:
        brand = self.rng.choice(["visa", "mastercard"])
        return self.add_payment(
            "credit_card", brand=brand, last_four=f"{self.rng.randint(0, 9999):04d}"
        )

    def card_text(self, pid: str) -> str:
        pm = self.user["payment_methods"][pid]
        return f"{pm['brand'].capitalize()} card ending in {pm['last_four']}"

    def lookup_user(self) -> None:
        if not self.user_looked_up:
            self.call("get_user_details", user_id=self.user["user_id"])
            self.user_looked_up = True


# --- flights and searches --------------------------------------------------------------------


def _one_leg_times(ctx: Ctx, one_stop: bool) -> tuple[int, int, list[int]]:
    """(departure, total duration, [leg1 duration, layover, leg2 duration] or [duration])."""
    r = ctx.rng.randint
    if one_stop:
        legs = [5 * r(10, 44), 5 * r(7, 30), 5 * r(10, 44)]
        return 5 * r(60, 132), sum(legs), legs
    dur = 5 * r(12, 66)
    return 5 * r(66, 168), dur, [dur]


def _materialise(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    opt_prices: dict[str, int],
    dep: int,
    parts: list[int],
    seats: dict[str, int],
    hubs: list[str],
) -> list[str]:
    """Create the flights of one option; one-stop options get a hub of their own."""
    if len(parts) == 1:
        return [
            ctx.add_flight(origin, dest, dep, parts[0], {date: ctx.available(opt_prices, seats)})
        ]
    hub = hubs.pop()
    share = ctx.rng.uniform(0.35, 0.65)
    p1 = {c: max(10, round(v * share)) for c, v in opt_prices.items()}
    p2 = {c: opt_prices[c] - p1[c] for c in opt_prices}
    full = ctx.seats("economy", max(seats.values()) if seats else 1)
    leg1_seats, leg2_seats = (seats, full) if ctx.rng.random() < 0.5 else (full, seats)
    f1 = ctx.add_flight(origin, hub, dep, parts[0], {date: ctx.available(p1, leg1_seats)})
    f2 = ctx.add_flight(
        hub, dest, dep + parts[0] + parts[1], parts[2], {date: ctx.available(p2, leg2_seats)}
    )
    return [f1, f2]


def search_options(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    cabin: str,
    pax: int,
    criterion: str,
    one_stop: bool,
) -> tuple[Option, list[Option]]:
    """Gold option plus distractors on one route and date, with the gold strictly best on the
    criterion among the options that have enough seats. Records the search for `check`."""
    rng, k = ctx.rng, ctx.k
    avoid = {origin, dest} | {c for r in ctx.used_routes for c in r}
    hubs = [h for h in sorted(ctx.pools.airports) if h not in avoid]
    rng.shuffle(hubs)
    if one_stop and len(hubs) < k + 1:
        hubs = [h for h in sorted(ctx.pools.airports) if h not in (origin, dest)]
        rng.shuffle(hubs)
        if len(hubs) < k + 1:
            raise BuildRejected("not enough hubs for one-stop distractors")
    lo, hi = BASE_PRICE[cabin]
    gold_price = rng.randint(lo, hi) * (2 if one_stop else 1)
    dep, dur, parts = _one_leg_times(ctx, one_stop)
    if criterion == "earliest":
        dep = 5 * rng.randint(60, 96)
    gold_prices = ctx.prices(cabin, gold_price)
    legs = _materialise(
        ctx, origin, dest, date, gold_prices, dep, parts, ctx.seats(cabin, pax), hubs
    )
    gold = Option(legs, date, gold_price, dur, dep)
    others: list[Option] = []
    kinds = ["near"] * k
    if k >= 1 and criterion == "cheapest" and cabin in NEIGHBOUR:
        kinds[0] = "lookalike"
    if k >= 3 and criterion != "named":
        kinds[1] = "sold_out"
    for kind in kinds:
        d_dep, d_dur, d_parts = _one_leg_times(ctx, one_stop)
        price = rng.randint(lo, hi) * (2 if one_stop else 1)
        enough = True
        if criterion == "cheapest":
            price = gold_price + rng.randint(6, 90)
        elif criterion == "shortest":
            extra = 5 * rng.randint(3, 24)
            d_parts = _stretch(d_parts, dur + extra)
            d_dur = sum(d_parts)
        elif criterion == "earliest":
            d_dep = dep + 5 * rng.randint(4, 60)
        if kind == "sold_out":
            enough = False
            if criterion == "cheapest":
                price = max(20, gold_price - rng.randint(5, 40))
            elif criterion == "shortest":
                d_parts = _stretch(d_parts, max(60, dur - 5 * rng.randint(2, 8)))
                d_dur = sum(d_parts)
            elif criterion == "earliest":
                d_dep = dep - 5 * rng.randint(2, 12)
        prices = ctx.prices(cabin, price)
        if kind == "lookalike":
            # Cheapest overall in the neighbouring cabin, dearer in the requested one.
            n = NEIGHBOUR[cabin]
            prices[n] = max(15, gold_prices[n] - rng.randint(5, 40))
            prices["basic_economy"] = min(prices["basic_economy"], prices["economy"] - 10)
            if not prices[n] < prices[cabin]:
                kind = "near"
        try:
            d_legs = _materialise(
                ctx,
                origin,
                dest,
                date,
                prices,
                d_dep,
                d_parts,
                ctx.seats(cabin, pax, enough),
                hubs,
            )
        except BuildRejected:
            continue
        others.append(Option(d_legs, date, price, d_dur, d_dep, kind))
        ctx.distractors += 1
    if k >= 3:
        # Same route, another day, better on every count: only a date mix-up picks it.
        other_day = day(int(date[-2:]) + (1 if int(date[-2:]) < 30 else -1))
        p = max(20, gold_price - rng.randint(5, 30))
        ctx.add_flight(
            origin,
            dest,
            max(300, dep - 30),
            max(60, dur - 20),
            {other_day: ctx.available(ctx.prices(cabin, p), ctx.seats(cabin, pax))},
        )
        ctx.distractors += 1
    fair = [o for o in others if o.kind != "sold_out"]
    if fair and criterion != "named":
        metric = {"cheapest": "price", "shortest": "duration", "earliest": "departure"}[criterion]
        best = min(getattr(o, metric) for o in fair)
        ctx.price_gaps.append(
            min(1.0, (best - getattr(gold, metric)) / max(1, getattr(gold, metric)))
        )
    ctx.selections.append(
        {
            "tool": "search_onestop_flight" if one_stop else "search_direct_flight",
            "args": {"origin": origin, "destination": dest, "date": date},
            "criterion": criterion,
            "cabin": cabin,
            "pax": pax,
            "gold": legs,
        }
    )
    return gold, others


def _stretch(parts: list[int], total: int) -> list[int]:
    """Rescale leg durations (and layover) to a new total, in 5-minute steps."""
    if len(parts) == 1:
        return [total]
    lay = max(35, min(parts[1], total // 4))
    first = 5 * max(8, ((total - lay) // 2) // 5)
    return [first, lay, total - lay - first]


def _legs_json(ctx: Ctx, legs: list[str], date_of: dict[str, str]) -> list[dict[str, str]]:
    return [{"flight_number": fn, "date": date_of[fn]} for fn in legs]


def _leg_dates(ctx: Ctx, legs: list[str]) -> dict[str, str]:
    return {fn: next(iter(ctx.flights[fn]["dates"])) for fn in legs}


# --- reservations ------------------------------------------------------------------------------


def make_reservation(
    ctx: Ctx,
    *,
    cabin: str,
    trip: str,
    one_stop: bool,
    passengers: list[dict[str, str]],
    out_day: int,
    back_day: int | None,
    created_at: str,
    insurance: str,
    bags: int,
    pay_with: str,
    statuses: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An existing reservation (and its flights). `statuses` overrides the date status of
    segment i (e.g. cancelled or landed)."""
    origin, dest = ctx.route()
    pax = len(passengers)
    segments: list[tuple[str, str, int]] = []
    hubs = [h for h in sorted(ctx.pools.airports) if h not in (origin, dest)]
    ctx.rng.shuffle(hubs)
    hub = hubs[0]
    for a, b, d in [(origin, dest, out_day)] + ([(dest, origin, back_day)] if back_day else []):
        if one_stop:
            segments += [(a, hub, d), (hub, b, d)]
        else:
            segments.append((a, b, d))
    flights: list[dict[str, Any]] = []
    dep = 5 * ctx.rng.randint(66, 130)
    for i, (a, b, d) in enumerate(segments):
        lo, hi = BASE_PRICE[cabin]
        current = ctx.prices(cabin, ctx.rng.randint(lo, hi))
        status = (statuses or {}).get(i) or ctx.available(current, ctx.seats(cabin, pax))
        dur = 5 * ctx.rng.randint(14, 50)
        leg_dep = dep if i % 2 == 0 or not one_stop else dep + 300
        fn = ctx.add_flight(a, b, leg_dep, dur, {day(d): status})
        paid = current[cabin]
        if ctx.rng.random() < 0.3:
            paid = max(20, paid + ctx.rng.choice([-1, 1]) * ctx.rng.randint(8, 40))
        flights.append(
            {"origin": a, "destination": b, "flight_number": fn, "date": day(d), "price": paid}
        )
    total = sum(f["price"] for f in flights) * pax + (
        INSURANCE_PRICE * pax if insurance == "yes" else 0
    )
    rid = ctx.reservation_id()
    res = {
        "reservation_id": rid,
        "user_id": ctx.user["user_id"],
        "origin": origin,
        "destination": dest,
        "flight_type": trip,
        "cabin": cabin,
        "flights": flights,
        "passengers": passengers,
        "payment_history": [{"payment_id": pay_with, "amount": total}],
        "created_at": created_at,
        "total_baggages": bags,
        "nonfree_baggages": 0,
        "insurance": insurance,
    }
    ctx.reservations[rid] = res
    ctx.user["reservations"].append(rid)
    return res


def _created_long_ago(ctx: Ctx) -> str:
    d = ctx.rng.randint(1, 12)
    r = ctx.rng.randint
    return f"{day(d)}T{r(0, 23):02d}:{r(0, 59):02d}:{r(0, 59):02d}"


def _travellers(ctx: Ctx, pax: int) -> list[dict[str, str]]:
    me = {
        "first_name": ctx.user["name"]["first_name"],
        "last_name": ctx.user["name"]["last_name"],
        "dob": ctx.user["dob"],
    }
    return [me] + [ctx.person() for _ in range(pax - 1)]


def _target_reservation(ctx: Ctx, seg: WalkSegment, res: dict[str, Any]) -> dict[str, Any]:
    """Golden lookups for a reservation the customer quotes or only describes; returns the text
    facts that identify it."""
    rid = res["reservation_id"]
    if seg.point.get("reservation_known", "yes") == "yes":
        ctx.required.append(rid)
        ctx.res_known.append(rid)
        ctx.call("get_reservation_details", reservation_id=rid)
        return {"reservation_id": rid}
    # Unknown id: the agent opens the user's reservations in order until it finds this one.
    for other in ctx.user["reservations"]:
        ctx.call("get_reservation_details", reservation_id=other)
        if other == rid:
            break
    ctx.forbidden.append(rid)
    facts = {
        "origin": ctx.place_text(res["origin"]),
        "destination": ctx.place_text(res["destination"]),
        "date": ctx.date_text(res["flights"][0]["date"]),
    }
    ctx.required.extend(facts.values())
    return {"reservation_id": None, **facts}


def _distractor_reservations(ctx: Ctx, count: int, pax: int) -> None:
    for _ in range(count):
        cabin = ctx.rng.choice(list(CABIN_WORDS))
        back = ctx.rng.choice([None, 29, 30])
        make_reservation(
            ctx,
            cabin=cabin,
            trip="round_trip" if back else "one_way",
            one_stop=ctx.rng.random() < 0.3,
            passengers=_travellers(ctx, ctx.rng.randint(1, max(1, pax))),
            out_day=ctx.rng.randint(16, 27),
            back_day=back,
            created_at=_created_long_ago(ctx),
            insurance=ctx.rng.choice(["yes", "no"]),
            bags=ctx.rng.randint(0, 2),
            pay_with=ctx.credit_card() if ctx.rng.random() < 0.3 else _any_card(ctx),
        )
        ctx.distractors += 1


def _any_card(ctx: Ctx) -> str:
    cards = [p for p, m in ctx.user["payment_methods"].items() if m["source"] == "credit_card"]
    return cards[0] if cards else ctx.credit_card()


def _update_payment(ctx: Ctx, mix: str, need: int) -> tuple[str, dict[str, Any]]:
    """A payment method for a flight / cabin / bag change: a credit card or one gift card."""
    if mix == "gift_cards":
        balance = max(0, need) + ctx.rng.randint(20, 300)
        pid = ctx.add_payment("gift_card", amount=float(balance))
        return pid, {
            "kind": "gift_card",
            "text": f"my gift card (the one with ${balance} on it)",
            "fact": str(balance),
        }
    pid = ctx.credit_card()
    text = ctx.card_text(pid)
    return pid, {"kind": "card", "text": f"my {text}", "fact": text.split()[-1]}


# --- intents -----------------------------------------------------------------------------------


def _book(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop, criterion = p["stops"] == "one_stop", str(p["selection"])
    origin, dest = ctx.route()
    out_day = ctx.rng.randint(16, 26)
    back_day = ctx.rng.randint(out_day + 1, min(30, out_day + 6)) if trip == "round_trip" else None
    ctx.lookup_user()
    tool = "search_onestop_flight" if one_stop else "search_direct_flight"
    directions = [(origin, dest, day(out_day))]
    if back_day:
        directions.append((dest, origin, day(back_day)))
    golds: list[Option] = []
    alts: list[list[Option]] = []
    for a, b, d in directions:
        ctx.call(tool, origin=a, destination=b, date=d)
        gold, others = search_options(ctx, a, b, d, cabin, pax, criterion, one_stop)
        golds.append(gold)
        alts.append(others)
    travellers = _travellers(ctx, pax)
    for t in travellers[1:]:
        if ctx.rng.random() < 0.4:
            ctx.user["saved_passengers"].append(dict(t))
    if ctx.k >= 1:
        twin = ctx.person(last=travellers[-1]["last_name"])
        ctx.user["saved_passengers"].append(twin)  # similar name, not travelling
        ctx.distractors += 1
    membership = str(p["membership"])
    free = FREE_BAGS[membership][cabin] * pax
    bags_mode = str(p["bags"])
    if bags_mode == "none":
        total_bags = 0
    elif bags_mode == "free":
        total_bags = ctx.rng.randint(1, free)
    else:
        total_bags = free + ctx.rng.randint(1, 3)
    nonfree = max(0, total_bags - free)
    insurance = str(p["insurance"])
    fare = sum(g.price for g in golds) * pax
    total = fare + (INSURANCE_PRICE * pax if insurance == "yes" else 0) + BAG_PRICE * nonfree
    payments, pay_facts, wrong_splits = _book_payment(ctx, str(p["payment_mix"]), total)
    flights = [{"flight_number": fn, "date": g.date} for g in golds for fn in g.legs]
    idx = ctx.call(
        "book_reservation",
        user_id=ctx.user["user_id"],
        origin=origin,
        destination=dest,
        flight_type=trip,
        cabin=cabin,
        flights=flights,
        passengers=travellers,
        payment_methods=payments,
        total_baggages=total_bags,
        nonfree_baggages=nonfree,
        insurance=insurance,
    )
    for direction, others in enumerate(alts):
        alternatives = []
        for o in others:
            swapped = [
                {"flight_number": fn, "date": g.date}
                for j, g in enumerate(golds)
                for fn in (o.legs if j == direction else g.legs)
            ]
            alternatives.append({"value": swapped, "why": o.kind})
        if alternatives:
            ctx.choices.append(
                {
                    "call": idx,
                    "kind": "flight",
                    "path": "flights",
                    "direction": direction,
                    "gold": flights,
                    "alternatives": alternatives,
                }
            )
    wrong_cabins = [c for c in CABIN_WORDS if c != cabin]
    ctx.choices.append(
        {
            "call": idx,
            "kind": "cabin",
            "path": "cabin",
            "gold": cabin,
            "alternatives": [{"value": c, "why": "cabin confusion"} for c in wrong_cabins],
        }
    )
    if wrong_splits:
        ctx.choices.append(
            {
                "call": idx,
                "kind": "payment",
                "path": "payment_methods",
                "gold": payments,
                "alternatives": wrong_splits,
            }
        )
    bag_alts = sorted(
        {total_bags, max(0, total_bags - FREE_BAGS["regular"][cabin] * pax)} - {nonfree}
    )
    if bags_mode != "none":
        ctx.choices.append(
            {
                "call": idx,
                "kind": "bags",
                "path": "nonfree_baggages",
                "gold": nonfree,
                "alternatives": [{"value": v, "why": "bag count"} for v in bag_alts],
            }
        )
    if criterion != "named":
        ctx.forbidden.extend(fn for g in golds for fn in g.legs)
    ctx.communicate.append(str(total))
    facts: dict[str, Any] = {
        "kind": "book",
        "trip": trip,
        "origin": ctx.place_text(origin),
        "destination": ctx.place_text(dest),
        "out_date": ctx.date_text(day(out_day)),
        "back_date": ctx.date_text(day(back_day)) if back_day else None,
        "cabin": CABIN_WORDS[cabin],
        "stops": "one_stop" if one_stop else "direct",
        "criterion": criterion,
        "named": [list(g.legs) for g in golds] if criterion == "named" else None,
        "travellers": travellers,
        "bags": total_bags,
        "insurance": insurance,
        "payment": pay_facts,
    }
    ctx.required += [facts["origin"], facts["destination"], facts["out_date"], facts["cabin"]]
    if back_day:
        ctx.required.append(str(facts["back_date"]))
    for t in travellers:
        ctx.required += [t["first_name"], t["last_name"], t["dob"]]
    if criterion == "named":
        ctx.required.extend(fn for g in golds for fn in g.legs)
    ctx.requests.append(facts)


def _book_payment(
    ctx: Ctx, mix: str, total: int
) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """Payment split for a booking, the text that asks for it, and wrong splits."""
    rng = ctx.rng
    card = ctx.credit_card()
    card_text = ctx.card_text(card)
    facts: dict[str, Any] = {"mix": mix, "card": card_text}
    ctx.required.append(card_text.split()[-1])
    wrong: list[dict[str, Any]] = []
    if ctx.k >= 1:
        other = ctx.credit_card()
        ctx.distractors += 1
        wrong.append({"value": [{"payment_id": other, "amount": total}], "why": "other card"})
    if mix == "card":
        return [{"payment_id": card, "amount": total}], facts, wrong
    if mix == "card_gift":
        balance = rng.randint(max(1, total // 5), max(2, total * 4 // 5))
        gift = ctx.add_payment("gift_card", amount=float(balance))
        facts["gift_balance"] = balance
        ctx.required.append(str(balance))
        if ctx.k >= 2:
            ctx.add_payment("gift_card", amount=float(balance + rng.randint(15, 120)))
            ctx.distractors += 1
        wrong += [
            {"value": [{"payment_id": card, "amount": total}], "why": "gift card unused"},
            {
                "value": [
                    {"payment_id": gift, "amount": balance // 2},
                    {"payment_id": card, "amount": total - balance // 2},
                ],
                "why": "gift card partly used",
            },
        ]
        return (
            [
                {"payment_id": gift, "amount": balance},
                {"payment_id": card, "amount": total - balance},
            ],
            facts,
            wrong,
        )
    if mix == "certificate":
        amount = rng.choice([100, 150, 200, 250, 500])
        cert = ctx.add_payment("certificate", amount=float(amount))
        facts["certificate"] = amount
        ctx.required.append(str(amount))
        if ctx.k >= 1:
            other_amount = rng.choice([a for a in (100, 150, 200, 250, 500) if a != amount])
            other = ctx.add_payment("certificate", amount=float(other_amount))
            ctx.distractors += 1
            wrong.append(
                {
                    "value": [{"payment_id": other, "amount": min(other_amount, total)}]
                    + (
                        [{"payment_id": card, "amount": total - other_amount}]
                        if other_amount < total
                        else []
                    ),
                    "why": "other certificate",
                }
            )
        if amount >= total:
            return [{"payment_id": cert, "amount": total}], facts, wrong
        wrong.append(
            {"value": [{"payment_id": card, "amount": total}], "why": "certificate unused"}
        )
        return (
            [
                {"payment_id": cert, "amount": amount},
                {"payment_id": card, "amount": total - amount},
            ],
            facts,
            wrong,
        )
    # Several gift cards, used in the stated order; the last one covers the rest.
    n = rng.choice([2, 3])
    if total < 30 * n:
        raise BuildRejected("total too small to split over gift cards")
    cuts = sorted(rng.sample(range(10, total - 10), n - 1))
    used = [cuts[0]] + [b - a for a, b in zip(cuts, cuts[1:], strict=False)] + [total - cuts[-1]]
    balances = used[:-1] + [used[-1] + rng.randint(5, 150)]
    if len(set(balances)) < n:
        raise BuildRejected("gift card balances tie")
    ids = [ctx.add_payment("gift_card", amount=float(b)) for b in balances]
    facts["gift_balances"] = balances
    ctx.required.extend(str(b) for b in balances)
    # The card exists but is not part of this mix: the user pays with gift cards only.
    ctx.required.remove(card_text.split()[-1])
    facts["card"] = None
    if ctx.k >= 2:
        ctx.add_payment("gift_card", amount=float(rng.randint(10, 90)))  # a 4th card: <= 3 rule
        ctx.distractors += 1
    wrong.append({"value": [{"payment_id": ids[-1], "amount": total}], "why": "one gift card"})
    wrong.append(
        {
            "value": [{"payment_id": i, "amount": b} for i, b in zip(ids, balances, strict=True)],
            "why": "full balances",
        }
    )
    return [{"payment_id": i, "amount": u} for i, u in zip(ids, used, strict=True)], facts, wrong


def _cancel(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    if p.get("flown") == "yes":
        _cancel_flown(ctx, seg)
        return
    trap = p["policy_trap"] == "yes"
    cabin, insurance = str(p["cabin"]), str(p["insurance"])
    pax, trip = int(p["passengers"]), str(p["trip_type"])
    rng = ctx.rng
    created = _created_long_ago(ctx)
    statuses: dict[int, Any] = {}
    reason = "change of plans"
    if trap:
        path = "not_eligible"
        reason = rng.choice(["change of plans", "I found a better option elsewhere"])
    else:
        paths = ["24h", "airline_cancelled"]
        if cabin == "business":
            paths = ["business"]
        elif insurance == "yes":
            paths.append("insurance")
        path = rng.choice(paths)
        if path == "24h":
            created = rng.choice(
                [f"{day(14)}T{rng.randint(16, 23):02d}", f"{day(15)}T{rng.randint(0, 13):02d}"]
            )
            created += f":{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        elif path == "airline_cancelled":
            statuses[0] = {"status": "cancelled"}
            reason = "the airline cancelled my flight"
        elif path == "insurance":
            reason = rng.choice(
                ["I'm sick and can't travel", "a storm is forecast at my destination"]
            )
    out_day = rng.randint(17, 26)
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=p["stops"] == "one_stop",
        passengers=_travellers(ctx, pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if trip == "round_trip" else None,
        created_at=created,
        insurance=insurance,
        bags=rng.randint(0, pax),
        pay_with=_any_card(ctx)
        if rng.random() < 0.5
        else ctx.add_payment("gift_card", amount=float(rng.randint(0, 80))),
        statuses=statuses,
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    if path == "airline_cancelled":
        f = res["flights"][0]
        ctx.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
    if trap:
        ctx.refusals.append(f"cancel {res['reservation_id']}: not eligible ({reason})")
    else:
        idx = ctx.call("cancel_reservation", reservation_id=res["reservation_id"])
        _res_choice(ctx, idx, res)
    ctx.requests.append({"kind": "cancel", "reason": reason, "path": path, **facts})


def _landed(date: str, i: int) -> dict[str, Any]:
    return {
        "status": "landed",
        "actual_departure_time_est": f"{date}T0{7 + i}:0{i}:00",
        "actual_arrival_time_est": f"{date}T0{8 + i}:3{i}:00",
    }


def _cancel_flown(ctx: Ctx, seg: WalkSegment) -> None:
    """Cancel a round trip whose outbound was already flown: no agent may cancel it, so the
    correct action is a transfer to a human agent (and nothing in the world changes)."""
    p, rng = seg.point, ctx.rng
    pax, one_stop = int(p["passengers"]), p["stops"] == "one_stop"
    out_day, back_day = rng.randint(6, 13), rng.randint(17, 28)
    res = make_reservation(
        ctx,
        cabin=str(p["cabin"]),
        trip="round_trip",
        one_stop=one_stop,
        passengers=_travellers(ctx, pax),
        out_day=out_day,
        back_day=back_day,
        created_at=f"{day(out_day - rng.randint(2, 5))}T{rng.randint(8, 20):02d}:12:00",
        insurance=str(p["insurance"]),
        bags=rng.randint(0, pax),
        pay_with=_any_card(ctx),
        statuses={i: _landed(day(out_day), i) for i in range(2 if one_stop else 1)},
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    reason = rng.choice(["change of plans", "I can't make the return trip anymore"])
    rid = res["reservation_id"]
    ctx.call(
        "transfer_to_human_agents",
        summary=f"User {ctx.user['user_id']} wants to cancel reservation {rid}, "
        "whose outbound flight was already flown; agents cannot cancel it.",
    )
    ctx.transfer = True
    ctx.refusals.append(f"cancel {rid}: a flight was already flown (transfer to a human)")
    ctx.requests.append({"kind": "cancel", "reason": reason, "path": "flown", **facts})


def _res_choice(ctx: Ctx, idx: int, res: dict[str, Any]) -> None:
    others = [r for r in ctx.user["reservations"] if r != res["reservation_id"]]
    if others:
        ctx.choices.append(
            {
                "call": idx,
                "kind": "reservation",
                "path": "reservation_id",
                "gold": res["reservation_id"],
                "alternatives": [{"value": r, "why": "other reservation"} for r in others],
            }
        )


def _shuffle_reservations(ctx: Ctx) -> None:
    ctx.rng.shuffle(ctx.user["reservations"])


def _change_flights(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    trap = p["policy_trap"] == "yes"
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop, criterion = p["stops"] == "one_stop", str(p["selection"])
    rng = ctx.rng
    out_day = rng.randint(17, 24)
    back_day = rng.randint(out_day + 3, 30) if trip == "round_trip" else None
    new_day = rng.choice([d for d in range(16, (back_day or 31)) if d != out_day])
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=one_stop,
        passengers=_travellers(ctx, pax),
        out_day=out_day,
        back_day=back_day,
        created_at=_created_long_ago(ctx),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=_any_card(ctx),
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    n_out = 2 if one_stop else 1
    old_out = res["flights"][:n_out]
    kept = res["flights"][n_out:]
    facts.update(
        {
            "kind": "change_flights",
            "new_date": ctx.date_text(day(new_day)),
            "criterion": criterion,
            "stops": "one_stop" if one_stop else "direct",
            "round_trip": trip == "round_trip",
            "named": None,
        }
    )
    ctx.required.append(facts["new_date"])
    if not trap:
        tool = "search_onestop_flight" if one_stop else "search_direct_flight"
        ctx.call(tool, origin=res["origin"], destination=res["destination"], date=day(new_day))
    # The flights exist either way (a refusing agent may still search them).
    gold, others = search_options(
        ctx, res["origin"], res["destination"], day(new_day), cabin, pax, criterion, one_stop
    )
    if criterion == "named":
        facts["named"] = [list(gold.legs)]
        ctx.required.extend(gold.legs)
    if trap:
        _, facts["payment"] = _update_payment(ctx, str(p["payment_mix"]), 0)
        ctx.refusals.append(f"change flights of {res['reservation_id']}: basic economy")
        ctx.requests.append(facts)
        return
    diff = (gold.price - sum(f["price"] for f in old_out)) * pax
    pay_pid, pay = _update_payment(ctx, str(p["payment_mix"]), diff)
    facts["payment"] = pay
    ctx.required.append(pay["fact"])
    new_flights = [{"flight_number": fn, "date": gold.date} for fn in gold.legs] + [
        {"flight_number": f["flight_number"], "date": f["date"]} for f in kept
    ]
    idx = ctx.call(
        "update_reservation_flights",
        reservation_id=res["reservation_id"],
        cabin=cabin,
        flights=new_flights,
        payment_id=pay_pid,
    )
    alts = [
        {
            "value": [{"flight_number": fn, "date": o.date} for fn in o.legs]
            + new_flights[len(gold.legs) :],
            "why": o.kind,
        }
        for o in others
    ]
    if alts:
        ctx.choices.append(
            {
                "call": idx,
                "kind": "flight",
                "path": "flights",
                "gold": new_flights,
                "alternatives": alts,
            }
        )
    if criterion != "named":
        ctx.forbidden.extend(gold.legs)
    if diff:
        ctx.communicate.append(str(abs(diff)))
    ctx.requests.append(facts)


def _change_cabin(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    trap = p["policy_trap"] == "yes"
    target, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    one_stop = p["stops"] == "one_stop"
    rng = ctx.rng
    original = rng.choice([c for c in CABIN_WORDS if c != target])
    statuses: dict[int, Any] = {}
    back_day: int | None
    if trap:
        out_day, back_day = rng.randint(8, 13), rng.randint(17, 28)
        for i in range(2 if one_stop else 1):
            statuses[i] = {
                "status": "landed",
                "actual_departure_time_est": f"{day(out_day)}T0{7 + i}:0{i}:00",
                "actual_arrival_time_est": f"{day(out_day)}T0{8 + i}:3{i}:00",
            }
    else:
        out_day = rng.randint(16, 25)
        back_day = rng.randint(out_day + 1, 30) if trip == "round_trip" else None
    res = make_reservation(
        ctx,
        cabin=original,
        trip=trip,
        one_stop=one_stop,
        passengers=_travellers(ctx, pax),
        out_day=out_day,
        back_day=back_day,
        created_at=f"{day(min(out_day, 14) - 1 if out_day > 1 else 1)}T10:00:00",
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=_any_card(ctx),
        statuses=statuses,
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    facts.update({"kind": "change_cabin", "cabin": CABIN_WORDS[target]})
    ctx.required.append(CABIN_WORDS[target])
    if trap:
        _, facts["payment"] = _update_payment(ctx, str(p["payment_mix"]), 0)
        ctx.refusals.append(f"change cabin of {res['reservation_id']}: a segment was flown")
        ctx.requests.append(facts)
        return
    diff = 0
    for f in res["flights"]:
        ctx.call(
            "search_direct_flight", origin=f["origin"], destination=f["destination"], date=f["date"]
        )
        current = ctx.flights[f["flight_number"]]["dates"][f["date"]]["prices"][target]
        diff += (current - f["price"]) * pax
    pid, pay = _update_payment(ctx, str(p["payment_mix"]), diff)
    facts["payment"] = pay
    ctx.required.append(pay["fact"])
    same = [{"flight_number": f["flight_number"], "date": f["date"]} for f in res["flights"]]
    idx = ctx.call(
        "update_reservation_flights",
        reservation_id=res["reservation_id"],
        cabin=target,
        flights=same,
        payment_id=pid,
    )
    ctx.choices.append(
        {
            "call": idx,
            "kind": "cabin",
            "path": "cabin",
            "gold": target,
            "alternatives": [
                {"value": c, "why": "cabin confusion"} for c in CABIN_WORDS if c != target
            ],
        }
    )
    if diff:
        ctx.communicate.append(str(abs(diff)))
    ctx.requests.append(facts)


def _add_bags(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    cabin, pax, trip = str(p["cabin"]), int(p["passengers"]), str(p["trip_type"])
    rng = ctx.rng
    allowance = FREE_BAGS[str(ctx.user["membership"])][cabin]
    free = allowance * pax
    if p["bags"] == "free":
        if free < 1:
            raise BuildRejected("no free bag allowance")
        old = max(0, free - rng.randint(1, 3))
        add = rng.randint(1, free - old)
    else:
        old = max(0, free - rng.randint(0, 2))
        add = free - old + rng.randint(1, 2)
    new_total = old + add
    nonfree = max(0, new_total - free)
    fee = BAG_PRICE * nonfree
    out_day = rng.randint(16, 26)
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip=trip,
        one_stop=p["stops"] == "one_stop",
        passengers=_travellers(ctx, pax),
        out_day=out_day,
        back_day=rng.randint(out_day + 1, 30) if trip == "round_trip" else None,
        created_at=_created_long_ago(ctx),
        insurance=rng.choice(["yes", "no"]),
        bags=old,
        pay_with=_any_card(ctx),
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    pid, pay = _update_payment(ctx, str(p["payment_mix"]), fee)
    ctx.required.append(pay["fact"])
    idx = ctx.call(
        "update_reservation_baggages",
        reservation_id=res["reservation_id"],
        total_baggages=new_total,
        nonfree_baggages=nonfree,
        payment_id=pid,
    )
    wrong = sorted({add, max(0, new_total - max(0, allowance - 1) * pax), 0} - {nonfree})
    ctx.choices.append(
        {
            "call": idx,
            "kind": "bags",
            "path": "nonfree_baggages",
            "gold": nonfree,
            "alternatives": [{"value": v, "why": "free-bag miscount"} for v in wrong],
        }
    )
    if fee:
        ctx.communicate.append(str(fee))
    ctx.required.append(str(add))
    ctx.requests.append({"kind": "add_bags", "add": add, "payment": pay, **facts})


def _change_passengers(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    trap = p["policy_trap"] == "yes"
    pax, rng = int(p["passengers"]), ctx.rng
    travellers = _travellers(ctx, pax)
    if ctx.k >= 1 and pax >= 2:
        # A companion who shares the replaced passenger's surname.
        travellers[-1] = ctx.person(last=travellers[0]["last_name"])
        ctx.distractors += 1
    out_day = rng.randint(16, 26)
    res = make_reservation(
        ctx,
        cabin=rng.choice(list(CABIN_WORDS)),
        trip="one_way",
        one_stop=False,
        passengers=travellers,
        out_day=out_day,
        back_day=None,
        created_at=_created_long_ago(ctx),
        insurance=rng.choice(["yes", "no"]),
        bags=0,
        pay_with=_any_card(ctx),
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    newcomer = ctx.person()
    ctx.required += [newcomer["first_name"], newcomer["last_name"], newcomer["dob"]]
    if trap:
        ctx.refusals.append(f"passengers of {res['reservation_id']}: the count cannot change")
        ctx.requests.append({"kind": "change_passengers", "add": newcomer, "old": None, **facts})
        return
    j = 0 if pax == 1 else rng.randrange(pax)
    old = travellers[j]
    updated = [dict(t) for t in travellers]
    updated[j] = newcomer
    ctx.required += [old["first_name"], old["last_name"]]
    idx = ctx.call(
        "update_reservation_passengers", reservation_id=res["reservation_id"], passengers=updated
    )
    wrong = []
    for i in range(pax):
        if i != j:
            alt = [dict(t) for t in travellers]
            alt[i] = newcomer
            wrong.append({"value": alt, "why": "replaced the wrong passenger"})
    if wrong:
        ctx.choices.append(
            {
                "call": idx,
                "kind": "passenger",
                "path": "passengers",
                "gold": updated,
                "alternatives": wrong,
            }
        )
    ctx.requests.append({"kind": "change_passengers", "add": newcomer, "old": old, **facts})


def _compensation(ctx: Ctx, seg: WalkSegment) -> None:
    p = seg.point
    trap = p["policy_trap"] == "yes"
    cabin, insurance, pax = str(p["cabin"]), str(p["insurance"]), int(p["passengers"])
    rng = ctx.rng
    if (
        not trap
        and ctx.user["membership"] == "regular"
        and insurance == "no"
        and cabin != "business"
    ):
        raise BuildRejected("compensation would not be allowed")
    delayed = p.get("disruption") == "delayed"
    if delayed:
        # A delayed flight still ahead (today after now, or tomorrow); the user cancels, and the
        # cancellation itself must be allowed: business, or booked less than 24 hours ago.
        flight_day = rng.randint(15, 16)
        hour = rng.randint(17, 21)
        status: dict[str, Any] = {
            "status": "delayed",
            "estimated_departure_time_est": f"{day(flight_day)}T{hour}:{rng.randint(0, 5)}5:00",
            "estimated_arrival_time_est": f"{day(flight_day)}T{hour + 2}:{rng.randint(0, 5)}0:00",
        }
        if cabin == "business":
            created = _created_long_ago(ctx)
        else:
            created = rng.choice(
                [f"{day(14)}T{rng.randint(16, 23):02d}", f"{day(15)}T{rng.randint(0, 13):02d}"]
            )
            created += f":{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    else:
        flight_day = rng.randint(9, 14)
        status = {"status": "cancelled"}
        created = day(flight_day - rng.randint(3, 8)) + "T09:15:00"
    res = make_reservation(
        ctx,
        cabin=cabin,
        trip="one_way",
        one_stop=False,
        passengers=_travellers(ctx, pax),
        out_day=flight_day,
        back_day=None,
        created_at=created,
        insurance=insurance,
        bags=0,
        pay_with=_any_card(ctx),
        statuses={0: status},
    )
    _shuffle_reservations(ctx)
    ctx.lookup_user()
    facts = _target_reservation(ctx, seg, res)
    f = res["flights"][0]
    ctx.call("get_flight_status", flight_number=f["flight_number"], date=f["date"])
    per_passenger = 50 if delayed else 100
    amount = per_passenger * pax
    fdate = ctx.date_text(f["date"])
    ctx.required += [f["flight_number"], fdate]
    if delayed:
        ctx.delayed = True
        idx = ctx.call("cancel_reservation", reservation_id=res["reservation_id"])
        _res_choice(ctx, idx, res)
    if trap:
        ctx.refusals.append("compensation: regular member, no insurance, economy cabin")
    else:
        idx = ctx.call("send_certificate", user_id=ctx.user["user_id"], amount=amount)
        ctx.communicate.append(str(amount))
        wrong = {100, 50, per_passenger * (pax + 1), (150 - per_passenger) * pax} - {amount}
        ctx.choices.append(
            {
                "call": idx,
                "kind": "amount",
                "path": "amount",
                "gold": amount,
                "alternatives": [{"value": v, "why": "wrong amount"} for v in sorted(wrong)],
            }
        )
    ctx.requests.append(
        {
            "kind": "compensation",
            "flight": f["flight_number"],
            "date": fdate,
            "disruption": "delayed" if delayed else "cancelled",
            **facts,
        }
    )


def _flight_status(ctx: Ctx, seg: WalkSegment) -> None:
    rng = ctx.rng
    status = rng.choice(["delayed", "on time", "flying", "landed", "cancelled"])
    d = (
        day(TODAY)
        if status in ("delayed", "on time", "flying", "landed")
        else day(rng.randint(16, 22))
    )
    origin, dest = ctx.route()
    dep = 5 * rng.randint(90, 130)
    dur = 5 * rng.randint(14, 50)
    entry: dict[str, Any] = {"status": status}
    t = lambda m: f"{d}T{hhmm(m)}"  # noqa: E731
    if status in ("delayed", "on time"):
        shift = 5 * rng.randint(6, 40) if status == "delayed" else 0
        entry.update(
            estimated_departure_time_est=t(dep + shift),
            estimated_arrival_time_est=t(dep + dur + shift),
        )
    elif status == "flying":
        dep = 5 * rng.randint(150, 170)
        entry.update(actual_departure_time_est=t(dep + 5), estimated_arrival_time_est=t(dep + dur))
    elif status == "landed":
        dep = 5 * rng.randint(70, 140)
        entry.update(
            actual_departure_time_est=t(dep + 5), actual_arrival_time_est=t(dep + dur + 10)
        )
    dates: dict[str, Any] = {d: entry}
    # Other days of the same flight with other statuses: only a date mix-up reads them.
    for off in range(1, min(ctx.k, 4) + 1):
        other = day(int(d[-2:]) + off)
        prices = ctx.prices("economy", rng.randint(90, 300))
        dates[other] = ctx.available(prices, ctx.seats("economy", 1))
        ctx.distractors += 1
    fn = ctx.add_flight(origin, dest, dep, dur, dict(sorted(dates.items())))
    ctx.call("get_flight_status", flight_number=fn, date=d)
    ctx.communicate.append(status)
    fdate = ctx.date_text(d)
    ctx.required += [fn, fdate]
    ctx.requests.append({"kind": "flight_status", "flight": fn, "date": fdate})


BUILDERS = {
    "book": _book,
    "cancel": _cancel,
    "change_flights": _change_flights,
    "change_cabin": _change_cabin,
    "add_bags": _add_bags,
    "change_passengers": _change_passengers,
    "compensation": _compensation,
    "flight_status": _flight_status,
}


# --- the builder -------------------------------------------------------------------------------


def build(walk: Walk, point: Point, rng: random.Random, pools: Any) -> Built:
    pools = pools if isinstance(pools, Pools) else load_pools(None)
    ctx = Ctx(rng=rng, pools=pools, point=point, k=DENSITY_COUNTS[str(point["distractor_density"])])
    ctx.date_style = rng.choice(["words", "words", "iso"])
    ctx.place_style = rng.choice(["city", "code", "both"])
    first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
    uid = ctx.fresh(
        lambda: f"{first.lower()}_{last.lower().replace('-', '')}_{rng.randint(1000, 9999)}"
    )
    city, state, zip_code = rng.choice(pools.cities)
    ctx.user = {
        "user_id": uid,
        "name": {"first_name": first, "last_name": last},
        "address": {
            "address1": f"{rng.randint(10, 9999)} {rng.choice(pools.streets)}",
            "address2": rng.choice([None, f"Apt {rng.randint(1, 40)}"]),
            "city": city,
            "country": "USA",
            "state": state,
            "zip": zip_code,
        },
        "email": f"{uid.rsplit('_', 1)[0].replace('_', '.')}{rng.randint(10, 99)}@example.com",
        "dob": f"{rng.randint(1950, 2002)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "payment_methods": {},
        "saved_passengers": [],
        "membership": str(point["membership"]),
        "reservations": [],
    }
    _any_card(ctx)  # every profile has at least one card
    res_intents = [s for s in walk.segments if s.intent in _RES_INTENTS]
    pax = int(point["passengers"])
    n_res_distractors = min(ctx.k, 4) if res_intents else min(ctx.k, 1)
    _distractor_reservations(ctx, n_res_distractors, pax)
    if ctx.k >= 2:
        ctx.add_payment("certificate", amount=float(rng.choice([100, 150, 250])))
        ctx.distractors += 1
    for seg in walk.segments:
        start = len(ctx.golden)
        BUILDERS[seg.intent](ctx, seg)
        ctx.intent_calls.append(list(range(start, len(ctx.golden))))
    if any(s.intent != "flight_status" for s in walk.segments):
        ctx.required.insert(0, uid)
    writes = {
        "book_reservation",
        "cancel_reservation",
        "update_reservation_flights",
        "update_reservation_baggages",
        "update_reservation_passengers",
        "send_certificate",
    }
    refusal = not any(c["name"] in writes for c in ctx.golden)
    world = {"flights": ctx.flights, "users": {uid: ctx.user}, "reservations": ctx.reservations}
    facts = {
        "name": f"{first} {last}",
        "user_id": uid,
        "requests": ctx.requests,
        "membership": ctx.user["membership"],
    }
    user_facts = {"user_id": uid, "name": f"{first} {last}", "dob": ctx.user["dob"]}
    for i, rid in enumerate(ctx.res_known):
        user_facts[f"reservation_id_{i + 1}" if i else "reservation_id"] = rid
    return Built(
        world=world,
        golden=ctx.golden,
        communicate=ctx.communicate,
        user_facts=user_facts,
        required_text=_dedupe(ctx.required),
        # Amounts the agent must compute may not appear in the text (short numbers and status
        # words collide with dates and other requests by chance, so they are not checked).
        forbidden_text=_dedupe(
            [
                f
                for f in ctx.forbidden + [c for c in ctx.communicate if c.isdigit() and len(c) >= 3]
                if f not in ctx.required
            ]
        ),
        features=_features(ctx, walk, point),
        meta={
            "intents": walk.intents(),
            "intent_calls": ctx.intent_calls,
            "choices": ctx.choices,
            "selections": ctx.selections,
            "refusal_reason": "; ".join(ctx.refusals) or None,
            "transfer_expected": ctx.transfer,
            "user_id": uid,
            "reservation_ids": sorted(ctx.reservations),
            "pools": pools.source,
        },
        refusal=refusal,
        text_facts=facts,
    )


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _features(ctx: Ctx, walk: Walk, point: Point) -> dict[str, float]:
    p = point
    first = walk.segments[0].intent
    uses = USES[first]
    f: dict[str, float] = {
        "passengers": float(p["passengers"]),
        "distractor_density": float(list(DENSITY_COUNTS).index(str(p["distractor_density"]))),
        "distractors": float(ctx.distractors),
        # A flown flight to cancel is a trap too: the policy forbids the cancellation asked for.
        "policy_trap": float(p["policy_trap"] == "yes" or p.get("flown") == "yes"),
        "round_trip": float(p["trip_type"] == "round_trip"),
        "one_stop": float(p["stops"] == "one_stop"),
        "insurance": float(p["insurance"] == "yes"),
        "reservation_unknown": float(p["reservation_known"] == "no" and first in _RES_INTENTS),
        "user_reservations": float(len(ctx.user["reservations"])),
        "price_gap": round(min(ctx.price_gaps), 4) if ctx.price_gaps else 1.0,
        "payment_methods_used": float(
            max((len(c["arguments"].get("payment_methods", [])) for c in ctx.golden), default=0)
        ),
    }
    for c in CABIN_WORDS:
        f[f"cabin_{c}"] = float("cabin" in uses and p["cabin"] == c)
    for s in ("cheapest", "shortest", "earliest", "named"):
        f[f"selection_{s}"] = float("selection" in uses and p["selection"] == s)
    for m in ("card", "card_gift", "certificate", "gift_cards"):
        f[f"payment_mix_{m}"] = float("payment_mix" in uses and p["payment_mix"] == m)
    for m in ("regular", "silver", "gold"):
        f[f"membership_{m}"] = float(p["membership"] == m)
    f["transfer_expected"] = float(ctx.transfer)
    f["compensation_delayed"] = float(ctx.delayed)
    f["bags_extra"] = float("bags" in uses and p["bags"] == "extra")
    f["bags_free"] = float("bags" in uses and p["bags"] == "free")
    return f


# --- checks on the validated world ------------------------------------------------------------


def check(world: World, built: Built) -> list[str]:
    """Answer uniqueness, re-derived from the tools' own search results: for every recorded
    search, the gold itinerary is the only best one on the criterion among those with seats."""
    problems: list[str] = []
    tools = AirlineTools(world)  # type: ignore[arg-type]
    for sel in built.meta.get("selections", []):
        # The tool method itself, not `tools.call`: the JSON round trip of the results cost
        # as much as the search (the results are the same models either way).
        try:
            raw = getattr(tools, sel["tool"])(**sel["args"])
        except Exception as exc:  # a tool error, reported like the toolkit boundary would
            problems.append(f"search failed: Error: {exc}")
            continue
        options: list[list[dict[str, Any]]] = [
            [leg.model_dump() for leg in item] if isinstance(item, list) else [item.model_dump()]
            for item in raw
        ]
        cabin, pax = sel["cabin"], sel["pax"]
        usable = [o for o in options if all(leg["available_seats"][cabin] >= pax for leg in o)]
        legs_of = [[leg["flight_number"] for leg in o] for o in usable]
        if sel["gold"] not in legs_of:
            problems.append(f"gold itinerary {sel['gold']} not offered by {sel['tool']}")
            continue
        if sel["criterion"] == "named":
            continue

        values = [_metric(o, sel["criterion"], cabin) for o in usable]
        best = min(values)
        winners = [legs for legs, v in zip(legs_of, values, strict=True) if v == best]
        if winners != [sel["gold"]]:
            problems.append(f"{sel['criterion']} is not unique or not gold: {winners}")
    return problems


def _metric(option: list[dict[str, Any]], criterion: str, cabin: str) -> int:
    """Price, departure or duration of a searched itinerary (lower is better)."""
    if criterion == "cheapest":
        return sum(leg["prices"][cabin] for leg in option)
    if criterion == "earliest":
        return minutes(option[0]["scheduled_departure_time_est"])
    return minutes(option[-1]["scheduled_arrival_time_est"]) - minutes(
        option[0]["scheduled_departure_time_est"]
    )
