"""The world under construction: its entities, and fresh ids, people, routes, fares and seats.

Every intent builder adds to one `WorldDraft`: the customer (`user`), the reservations it acts
on and the flights they and the searches touch; `others` are the other customers in the world.
Ids and people's names are unique across the whole world (and ids clear of the ones the tools
hand out), and a trip's route is not reused, so no two entities can be mistaken for each other
by accident; look-alikes are only the distractors the builders add on purpose.

Routes, block times and fares come from the airline's network model (`domains/airline/
network.py`), the same one the consistency checker holds worlds to.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domains.airline.constants import CABINS, CERTIFICATE_AMOUNTS, hhmm
from domains.airline.dag.pools import Pools
from domains.airline.network import (
    block_minutes,
    connected_routes,
    fare_band,
    fare_ladder,
    hubs,
    miles,
)
from domains.dag import BuildRejected

LAST_ARRIVAL = 23 * 60 + 55  # synthesized flights land before midnight (no "+1" schedules)
GIFT_CARD_MAX = 300  # tau2's largest gift card balance
# How initial bookings are paid: tau2's own world pays about half of them with gift cards.
GIFT_CARD_SHARE = 0.45


@dataclass
class WorldDraft:
    rng: random.Random
    pools: Pools
    flights: dict[str, Any] = field(default_factory=dict)
    reservations: dict[str, Any] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    others: dict[str, Any] = field(default_factory=dict)  # other customers, by user id
    used_routes: set[tuple[str, str]] = field(default_factory=set)
    used_ids: set[str] = field(default_factory=set)
    used_names: set[tuple[str, str]] = field(default_factory=set)
    # (source, amount) of the customer's gift cards and certificates the task text quotes: no
    # other of the customer's cards may hold that amount, or "my $250 certificate" is ambiguous.
    named: set[tuple[str, int]] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        """The world in its file form (the engine writes it in the model's canonical form)."""
        return {
            "flights": self.flights,
            "users": {self.user["user_id"]: self.user, **self.others},
            "reservations": self.reservations,
        }

    # -- ids --
    def fresh(self, make: Any) -> str:
        for _ in range(1000):
            value = make()
            if value not in self.used_ids:
                self.used_ids.add(value)
                return str(value)
        raise BuildRejected("ran out of fresh ids")

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
            # The booking tool's own ids (constants.NEW_RESERVATION_IDS) start with HATHA.
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

    # -- people --
    def name(self, last: str | None = None) -> tuple[str, str]:
        """A full name nobody in the world has yet (`last` pins the surname: a relative)."""
        for _ in range(200):
            first = self.rng.choice(self.pools.first_names)
            full = (first, last or self.rng.choice(self.pools.last_names))
            if full not in self.used_names:
                self.used_names.add(full)
                return full
        raise BuildRejected("ran out of distinct names")

    def new_user(self, membership: str, last: str | None = None) -> dict[str, Any]:
        """A customer profile (no payment methods, passengers or reservations yet)."""
        rng, pools = self.rng, self.pools
        first, last = self.name(last)
        uid = self.fresh(
            lambda: f"{first.lower()}_{last.lower().replace('-', '')}_{rng.randint(1000, 9999)}"
        )
        city, state, zip_code = rng.choice(pools.cities)
        return {
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
            "membership": membership,
            "reservations": [],
        }

    def create_user(self, membership: str) -> str:
        """The customer whose request the task is; returns the user id."""
        self.user = self.new_user(membership)
        return str(self.user["user_id"])

    def person(self, last: str | None = None) -> dict[str, str]:
        first, last = self.name(last)
        r = self.rng.randint
        dob = f"{r(1948, 2012)}-{r(1, 12):02d}-{r(1, 28):02d}"
        return {"first_name": first, "last_name": last, "dob": dob}

    def travellers(self, pax: int, user: dict[str, Any] | None = None) -> list[dict[str, str]]:
        """The profile holder (the customer by default) first, then `pax - 1` companions."""
        holder = user or self.user
        me = {
            "first_name": holder["name"]["first_name"],
            "last_name": holder["name"]["last_name"],
            "dob": holder["dob"],
        }
        return [me] + [self.person() for _ in range(pax - 1)]

    def shuffle_reservations(self) -> None:
        """The user's reservation list in no telling order (the target is not always last)."""
        self.rng.shuffle(self.user["reservations"])

    # -- payment methods --
    def add_payment(self, source: str, user: dict[str, Any] | None = None, **fields: Any) -> str:
        pid = self.payment_id(source)
        (user or self.user)["payment_methods"][pid] = {"source": source, "id": pid, **fields}
        return pid

    def credit_card(self, user: dict[str, Any] | None = None) -> str:
        """A new card; the customer's cards differ in their last four digits (the text quotes
        them)."""
        held = {m.get("last_four") for m in (user or self.user)["payment_methods"].values()}
        last_four = f"{self.rng.randint(0, 9999):04d}"
        while last_four in held:
            last_four = f"{self.rng.randint(0, 9999):04d}"
        brand = self.rng.choice(["visa", "mastercard"])
        return self.add_payment("credit_card", user, brand=brand, last_four=last_four)

    def held_amounts(self, source: str) -> set[int]:
        """Amounts of the customer's gift cards or certificates."""
        methods = self.user["payment_methods"].values()
        return {int(m["amount"]) for m in methods if m["source"] == source}

    def stored_value(
        self, source: str, amount: int, user: dict[str, Any] | None = None, named: bool = False
    ) -> str:
        """A gift card or certificate holding `amount`. For the customer, a `named` one (the
        text quotes its amount) must be the only one of its amount; any other one steers clear
        of the named amounts (a gift card's balance moves by a dollar, a certificate takes
        another value)."""
        if user is None or user is self.user:
            if named:
                if amount in self.held_amounts(source):
                    raise BuildRejected(f"the customer already holds a {source} of ${amount}")
                self.named.add((source, amount))
            elif source == "gift_card":
                while (source, amount) in self.named:
                    amount = amount - 1 if amount else 1
            else:
                spare = [a for a in CERTIFICATE_AMOUNTS if (source, a) not in self.named]
                amount = amount if (source, amount) not in self.named else self.rng.choice(spare)
        return self.add_payment(source, user, amount=float(amount))

    def spare_balance(self, lo: int, hi: int) -> int:
        """A gift card balance in [lo, hi] none of the customer's gift cards holds."""
        for _ in range(50):
            balance = self.rng.randint(lo, hi)
            if balance not in self.held_amounts("gift_card"):
                return balance
        raise BuildRejected(f"the customer's gift cards hold every balance from ${lo} to ${hi}")

    def gift_card(
        self, balance: int, user: dict[str, Any] | None = None, named: bool = False
    ) -> str:
        return self.stored_value("gift_card", balance, user, named)

    def certificate(
        self, amount: int, user: dict[str, Any] | None = None, named: bool = False
    ) -> str:
        return self.stored_value("certificate", amount, user, named)

    def any_card(self, user: dict[str, Any] | None = None) -> str:
        """The profile's first credit card (a new one if there is none)."""
        methods = (user or self.user)["payment_methods"].items()
        cards = [p for p, m in methods if m["source"] == "credit_card"]
        return cards[0] if cards else self.credit_card(user)

    def initial_payment(self, user: dict[str, Any] | None = None) -> str:
        """How an existing booking was paid: a gift card (its balance now whatever is left) or
        the profile's credit card, in about tau2's proportions."""
        if self.rng.random() < GIFT_CARD_SHARE:
            return self.gift_card(self.rng.randint(0, GIFT_CARD_MAX), user)
        return self.any_card(user)

    def card_text(self, pid: str) -> str:
        pm = self.user["payment_methods"][pid]
        return f"{pm['brand'].capitalize()} card ending in {pm['last_four']}"

    # -- routes and flights --
    def route(
        self, hubs_needed: int = 0, fits: Callable[[str, str], bool] | None = None
    ) -> tuple[str, str]:
        """A route of the network not used yet (in either direction); with `hubs_needed`, one
        with at least that many sensible one-stop connections; with `fits`, one it accepts."""
        used = self.used_routes
        candidates = connected_routes(tuple(sorted(self.pools.airports)), hubs_needed)

        def free(a: str, b: str) -> bool:
            return (a, b) not in used and (b, a) not in used and (fits is None or fits(a, b))

        # A few random picks find a free route almost always (a world uses a few dozen of the
        # network's 374); the full scan is the fallback. Scanning every time was a tenth of
        # synthesis time.
        if not candidates:
            raise BuildRejected("no route with enough connections")
        for _ in range(20):
            o, d = self.rng.choice(candidates)
            if free(o, d):
                break
        else:
            left = [r for r in candidates if free(*r)]
            if not left:
                raise BuildRejected("no free route")
            o, d = self.rng.choice(left)
        self.used_routes.add((o, d))
        return o, d

    def hubs(self, origin: str, dest: str) -> list[str]:
        """Connection airports for origin-dest in a random order, unused legs first."""
        found = list(hubs(origin, dest, tuple(sorted(self.pools.airports))))
        self.rng.shuffle(found)
        used = self.used_routes
        return sorted(found, key=lambda h: ((origin, h) in used) + ((h, dest) in used))

    def price(self, cabin: str, origin: str, dest: str, t: float) -> int:
        """The fare at relative position `t` (0: lowest, 1: highest) of the cabin's band."""
        lo, hi = fare_band(cabin, miles(origin, dest))
        return round(lo + t * (hi - lo))

    def prices(self, origin: str, dest: str, cabin: str, price: int) -> dict[str, int]:
        """A fare ladder (basic economy < economy < business) with `price` in `cabin`."""
        lo, hi = fare_band(cabin, miles(origin, dest))
        if not lo <= price <= hi:
            raise BuildRejected(f"{cabin} fare ${price} off the band of {origin}-{dest}")
        return fare_ladder(self.rng, miles(origin, dest), cabin, price)

    def seats(self, cabin: str, pax: int, enough: bool = True) -> dict[str, int]:
        s = {c: self.rng.randint(max(pax, 3), 20) for c in CABINS}
        if not enough:
            s[cabin] = self.rng.randint(0, pax - 1)
        return s

    def available(self, prices: dict[str, int], seats: dict[str, int]) -> dict[str, Any]:
        return {"status": "available", "available_seats": seats, "prices": prices}

    def latest_departure(self, total: int) -> int:
        """The latest departure (minutes after midnight) of a trip taking `total` minutes."""
        return LAST_ARRIVAL - total

    def add_flight(
        self, origin: str, dest: str, dep: int, dates: dict[str, Any], extra: int = 0
    ) -> str:
        """A flight on the route's timetable block time (plus `extra` minutes of padding)."""
        dur = block_minutes(origin, dest) + extra
        if dep < 5 * 60 or dep + dur > LAST_ARRIVAL:
            raise BuildRejected("flight would leave before 05:00 or land after midnight")
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
