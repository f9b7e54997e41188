"""When things happen in a synthesized world: booking times and the status of a flight on a date,
all drawn around tau2's clock (2024-05-15 15:00 EST).

Times are spread to the second over realistic ranges, so no clock time identifies the intent a
reservation serves (every cabin change used to be booked at 10:00:00 sharp); statuses follow the
flight's own schedule (a landed flight left within half an hour of its timetable and took about
its block time; a delayed one has not left yet), so they pass the consistency checker's timing
rules by construction.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from domains.airline.constants import DEFAULT_CURRENT_TIME, day

NOW = datetime.fromisoformat(DEFAULT_CURRENT_TIME)
ISO = "%Y-%m-%dT%H:%M:%S"
BOOKING_WINDOW = timedelta(days=60)  # how far ahead of travel people book, at most


def stamp(t: datetime) -> str:
    return t.strftime(ISO)


def departure(date: str, dep: int) -> datetime:
    """The moment a flight scheduled at `dep` minutes after midnight leaves on `date`."""
    return datetime.fromisoformat(date) + timedelta(minutes=dep)


def _between(rng: random.Random, earliest: datetime, latest: datetime) -> datetime:
    span = max(0, int((latest - earliest).total_seconds()))
    return earliest + timedelta(seconds=rng.randint(0, span))


def created_long_ago(rng: random.Random, first_day: int) -> str:
    """A booking time more than a day before now (outside the free-cancellation window), and
    before the trip's first flight day; anywhere in the two months before that."""
    latest = min(NOW - timedelta(hours=25), datetime.fromisoformat(day(first_day)))
    latest -= timedelta(minutes=30)
    return stamp(_between(rng, latest - BOOKING_WINDOW, latest))


def created_within_a_day(rng: random.Random) -> str:
    """A booking time less than 24 hours before now (so a cancellation is free)."""
    return stamp(_between(rng, NOW - timedelta(hours=23, minutes=50), NOW - timedelta(minutes=5)))


# --- a flight's status on one date -------------------------------------------------------------


# Which of a status's two times are actual and which estimated, and how far from the schedule
# they fall: minutes late leaving, minutes slower than the block time.
STATUS_TIMES = {
    "landed": ("actual", "actual", (-8, 35), (-15, 15)),
    "flying": ("actual", "estimated", (-5, 25), (-10, 10)),
    "on time": ("estimated", "estimated", (-5, 10), (-10, 5)),
    "delayed": ("estimated", "estimated", (0, 0), (0, 0)),
}


def status_on(
    rng: random.Random, status: str, date: str, dep: int, dur: int, late: int = 0
) -> dict[str, Any]:
    """`status` (landed, flying, on time or delayed by `late` minutes) of a flight scheduled at
    `dep` for `dur` minutes on `date`: a landed flight left within minutes of its timetable and
    took about its block time; a delayed one leaves `late` minutes after its schedule."""
    left_kind, arrival_kind, leave, slower = STATUS_TIMES[status]
    leaves = departure(date, dep) + timedelta(minutes=late + rng.randint(*leave))
    arrives = leaves + timedelta(minutes=dur + rng.randint(*slower))
    return {
        "status": status,
        f"{left_kind}_departure_time_est": stamp(leaves),
        f"{arrival_kind}_arrival_time_est": stamp(arrives),
    }
