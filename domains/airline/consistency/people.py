"""People: distinct travellers on a booking and in a profile, each one person (a passenger who
bears the booking user's name is the user, born the same day), with plausible dates of birth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from domains.airline.consistency.itinerary import calendar_day, moment
from domains.airline.data_model import AirlineWorld, Passenger
from domains.base import Violation

MAX_PASSENGERS = 5  # the policy's limit per reservation
ADULT = 18  # years: the holder of a profile books for others

RULES = {
    "people.passengers": f"a reservation carries 1-{MAX_PASSENGERS} passengers with distinct "
    "names; one named like the booking user is the user (same date of birth)",
    "people.saved": "a profile's saved passengers have distinct names",
    "people.dob": f"dates of birth are real dates in the past; a profile holder is {ADULT}+",
}


def check(world: AirlineWorld) -> Iterator[Violation]:
    now = moment(world.current_time) or datetime.max
    for uid, user in world.users.items():
        where = f"users/{uid}"
        born = calendar_day(user.dob)
        if born is None or born.replace(year=born.year + ADULT) > now:
            yield Violation("people.dob", where, f"profile holder born {user.dob!r}")
        dup = _repeated(user.saved_passengers)
        if dup:
            yield Violation("people.saved", where, f"{dup} is saved twice")
        yield from _births(where, user.saved_passengers, now)
    for rid, res in world.reservations.items():
        where = f"reservations/{rid}"
        if not 1 <= len(res.passengers) <= MAX_PASSENGERS:
            yield Violation("people.passengers", where, f"{len(res.passengers)} passengers")
        dup = _repeated(res.passengers)
        if dup:
            yield Violation("people.passengers", where, f"two passengers named {dup}")
        holder = world.users.get(res.user_id)
        if holder is not None:
            me = (holder.name.first_name, holder.name.last_name)
            for p in res.passengers:
                if (p.first_name, p.last_name) == me and p.dob != holder.dob:
                    yield Violation(
                        "people.passengers",
                        where,
                        f"passenger {' '.join(me)} born "
                        f"{p.dob}, but the booking user of that name was born "
                        f"{holder.dob}",
                    )
        yield from _births(where, res.passengers, now)


def _repeated(people: list[Passenger]) -> str | None:
    seen: set[tuple[str, str]] = set()
    for p in people:
        key = (p.first_name.strip().lower(), p.last_name.strip().lower())
        if key in seen:
            return f"{p.first_name} {p.last_name}"
        seen.add(key)
    return None


def _births(where: str, people: list[Passenger], now: datetime) -> Iterator[Violation]:
    for p in people:
        born = calendar_day(p.dob)
        if born is None or born > now:
            yield Violation("people.dob", where, f"{p.first_name} {p.last_name} born {p.dob!r}")
