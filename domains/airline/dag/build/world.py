"""The world under construction: its entities, and fresh ids, routes, fares and seats for them.

Every intent builder adds to one `WorldDraft`: the customer (`user`), the reservations it acts
on and the flights they and the searches touch. Ids are unique across the whole world (and clear
of the ones the tools hand out), and routes are not reused, so no two entities can be mistaken
for each other by accident; look-alikes are only the distractors the builders add on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from domains.airline.constants import CABIN_WORDS, hhmm
from domains.airline.dag.pools import Pools
from domains.dag import BuildRejected


@dataclass
class WorldDraft:
    rng: random.Random
    pools: Pools
    flights: dict[str, Any] = field(default_factory=dict)
    reservations: dict[str, Any] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    used_routes: set[tuple[str, str]] = field(default_factory=set)
    used_ids: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        """The world in its file form."""
        return {
            "flights": self.flights,
            "users": {self.user["user_id"]: self.user},
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

    # -- the customer --
    def create_user(self, membership: str) -> str:
        """The customer whose request the task is; returns the user id."""
        rng, pools = self.rng, self.pools
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        uid = self.fresh(
            lambda: f"{first.lower()}_{last.lower().replace('-', '')}_{rng.randint(1000, 9999)}"
        )
        city, state, zip_code = rng.choice(pools.cities)
        self.user = {
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
        return uid

    def person(self, last: str | None = None) -> dict[str, str]:
        first = self.rng.choice(self.pools.first_names)
        last = last or self.rng.choice(self.pools.last_names)
        r = self.rng.randint
        dob = f"{r(1948, 2012)}-{r(1, 12):02d}-{r(1, 28):02d}"
        return {"first_name": first, "last_name": last, "dob": dob}

    def travellers(self, pax: int) -> list[dict[str, str]]:
        """The customer first, then `pax - 1` companions."""
        me = {
            "first_name": self.user["name"]["first_name"],
            "last_name": self.user["name"]["last_name"],
            "dob": self.user["dob"],
        }
        return [me] + [self.person() for _ in range(pax - 1)]

    def shuffle_reservations(self) -> None:
        """The user's reservation list in no telling order (the target is not always last)."""
        self.rng.shuffle(self.user["reservations"])

    # -- payment methods --
    def add_payment(self, source: str, **fields: Any) -> str:
        pid = self.payment_id(source)
        self.user["payment_methods"][pid] = {"source": source, "id": pid, **fields}
        return pid

    def credit_card(self) -> str:
        brand = self.rng.choice(["visa", "mastercard"])
        return self.add_payment(
            "credit_card", brand=brand, last_four=f"{self.rng.randint(0, 9999):04d}"
        )

    def any_card(self) -> str:
        """The user's first credit card (a new one if there is none)."""
        methods = self.user["payment_methods"].items()
        cards = [p for p, m in methods if m["source"] == "credit_card"]
        return cards[0] if cards else self.credit_card()

    def card_text(self, pid: str) -> str:
        pm = self.user["payment_methods"][pid]
        return f"{pm['brand'].capitalize()} card ending in {pm['last_four']}"

    # -- flights --
    def route(self, avoid: set[str] | None = None) -> tuple[str, str]:
        codes = sorted(set(self.pools.airports) - (avoid or set()))
        for _ in range(200):
            o, d = self.rng.sample(codes, 2)
            if (o, d) not in self.used_routes and (d, o) not in self.used_routes:
                self.used_routes.add((o, d))
                return o, d
        raise BuildRejected("no free route")

    def prices(self, cabin: str, price: int) -> dict[str, int]:
        """A fare ladder (basic economy < economy < business) with `price` in `cabin`."""
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

    def available(self, prices: dict[str, int], seats: dict[str, int]) -> dict[str, Any]:
        return {"status": "available", "available_seats": seats, "prices": prices}

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
