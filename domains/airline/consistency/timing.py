"""Temporal coherence: schedules, statuses and actual times agree with each other and with the
world's current time; bookings are made before their flights leave; connections leave time to
change planes, and a flown connection's second leg leaves after the first one landed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from domains.airline.consistency.itinerary import (
    block,
    directions,
    minutes,
    moment,
    scheduled,
)
from domains.airline.data_model import (
    AirlineWorld,
    Flight,
    FlightDateStatusDelayed,
    FlightDateStatusFlying,
    FlightDateStatusLanded,
    FlightDateStatusOnTime,
    Reservation,
    ReservationFlight,
)
from domains.airline.network import MAX_LAYOVER, MIN_LAYOVER
from domains.base import Violation

EARLY = 30  # minutes a flight may leave before its scheduled time (tau2's data: 30)
LATE = 12 * 60  # a departure later than this after schedule is a different flight
ON_TIME = 30  # an "on time" estimate within this many minutes of the schedule
DELAYED = 15  # a "delayed" estimate at least this many minutes late
BLOCK_SLACK = 45  # actual gate-to-gate time within this many minutes of the scheduled one
BOOKING_HORIZON = 365  # days: nothing is booked further ahead than this

RULES = {
    "time.schedule": "schedules and dates parse; a flight arrives after it departs",
    "time.status": "a date's status agrees with the current time (only departed flights are "
    "flying or landed; only future departures are bookable, on time or delayed)",
    "time.actuals": f"actual and estimated times agree with the schedule and the status "
    f"(departure {EARLY} min early to {LATE // 60} h late, on time within {ON_TIME} min, delayed "
    f"{DELAYED}+ min, gate-to-gate within {BLOCK_SLACK} min of schedule)",
    "time.created": "a reservation is created before now and before its first flight departs",
    "time.connection": f"legs of one direction connect ({MIN_LAYOVER} min to {MAX_LAYOVER // 60} "
    "h between them; a flown leg leaves after the inbound leg landed)",
    "time.round_trip": "the return leaves after the outbound arrives",
}


def check(world: AirlineWorld) -> Iterator[Violation]:
    now = moment(world.current_time)
    if now is None:
        yield Violation("time.schedule", "world", f"current time {world.current_time!r}")
        return
    for fn, flight in world.flights.items():
        yield from _flight(fn, flight, now)
    for rid, res in world.reservations.items():
        yield from _reservation(world, rid, res, now)


def _flight(fn: str, flight: Flight, now: datetime) -> Iterator[Violation]:
    where = f"flights/{fn}"
    duration = block(flight)
    if duration is None or duration <= timedelta(0):
        yield Violation(
            "time.schedule",
            where,
            f"scheduled {flight.scheduled_departure_time_est}"
            f" to {flight.scheduled_arrival_time_est}",
        )
        return
    for date, entry in flight.dates.items():
        times = scheduled(flight, date)
        if times is None:
            yield Violation("time.schedule", where, f"date {date!r} is not YYYY-MM-DD")
            continue
        dep, _ = times
        for why in _status(entry, dep, duration, now):
            yield Violation(why[0], f"{where}/{date}", why[1])


def _status(
    entry: object, dep: datetime, duration: timedelta, now: datetime
) -> list[tuple[str, str]]:
    """(rule, why) for each way one date's status disagrees with the clock or the schedule."""
    status = getattr(entry, "status", "")
    if status == "cancelled":
        return []
    if status == "available":
        return (
            []
            if dep > now
            else [
                (
                    "time.status",
                    f"bookable, but it was scheduled to leave at {dep:%Y-%m-%d %H:%M}, before now",
                )
            ]
        )
    names = ("departure", "arrival")
    if isinstance(entry, FlightDateStatusOnTime | FlightDateStatusDelayed):
        texts = (entry.estimated_departure_time_est, entry.estimated_arrival_time_est)
    elif isinstance(entry, FlightDateStatusFlying):
        texts = (entry.actual_departure_time_est, entry.estimated_arrival_time_est)
    elif isinstance(entry, FlightDateStatusLanded):
        texts = (entry.actual_departure_time_est, entry.actual_arrival_time_est)
    else:
        return []
    left, arrives = moment(texts[0]), moment(texts[1])
    if left is None or arrives is None:
        name, text = (names[0], texts[0]) if left is None else (names[1], texts[1])
        return [("time.schedule", f"{status}: {name} {text!r} is not YYYY-MM-DDTHH:MM:SS")]
    out: list[tuple[str, str]] = []
    if status in ("on time", "delayed") and left <= now:
        out.append(
            (
                "time.status",
                f"{status}, but expected to leave at {left:%H:%M} on {left:%Y-%m-%d}, before now",
            )
        )
    if status == "flying" and not left <= now < arrives:
        out.append(
            (
                "time.status",
                f"flying, but it left at {left:%Y-%m-%d %H:%M} and lands at "
                f"{arrives:%Y-%m-%d %H:%M} (now is between them while flying)",
            )
        )
    if status == "landed" and arrives > now:
        out.append(
            ("time.status", f"landed, but it arrives at {arrives:%Y-%m-%d %H:%M}, after now")
        )
    late = minutes(left - dep)
    if status == "on time" and abs(late) > ON_TIME:
        out.append(("time.actuals", f"on time, but expected {late:+.0f} min off schedule"))
    elif status == "delayed" and not DELAYED <= late <= LATE:
        out.append(("time.actuals", f"delayed, but expected {late:+.0f} min off schedule"))
    elif status in ("flying", "landed") and not -EARLY <= late <= LATE:
        out.append(("time.actuals", f"{status}, but it left {late:+.0f} min off schedule"))
    gap = minutes((arrives - left) - duration)
    if abs(gap) > BLOCK_SLACK:
        out.append(
            (
                "time.actuals",
                f"{status}: gate to gate {minutes(arrives - left):.0f} min,"
                f" scheduled {minutes(duration):.0f}",
            )
        )
    return out


def _reservation(
    world: AirlineWorld, rid: str, res: Reservation, now: datetime
) -> Iterator[Violation]:
    where = f"reservations/{rid}"
    created = moment(res.created_at)
    if created is None:
        yield Violation("time.schedule", where, f"created_at {res.created_at!r}")
        return
    if created > now:
        yield Violation("time.created", where, f"created {res.created_at}, after now")
    elif created < now - timedelta(days=BOOKING_HORIZON):
        yield Violation("time.created", where, f"created {res.created_at}, over a year ago")
    departures = [t[0] for t in (_times(world, s) for s in res.flights) if t is not None]
    if departures and created >= min(departures):
        yield Violation(
            "time.created",
            where,
            f"created {res.created_at}, after its first "
            f"flight left ({min(departures):%Y-%m-%d %H:%M})",
        )
    parts = directions(res) or []
    for legs in parts:
        for first, second in zip(legs, legs[1:], strict=False):
            why = _connection(world, first, second)
            if why:
                yield Violation("time.connection", where, why)
    if len(parts) == 2:
        out, back = _times(world, parts[0][-1]), _times(world, parts[1][0])
        if (
            out is not None
            and back is not None
            and back[0] < out[1] + timedelta(minutes=MIN_LAYOVER)
        ):
            yield Violation(
                "time.round_trip",
                where,
                f"the return leaves {back[0]:%Y-%m-%d %H:%M}"
                f", before the outbound arrives ({out[1]:%Y-%m-%d %H:%M})",
            )


def _times(world: AirlineWorld, seg: ReservationFlight) -> tuple[datetime, datetime] | None:
    flight = world.flights.get(seg.flight_number)
    return None if flight is None else scheduled(flight, seg.date)


def _connection(
    world: AirlineWorld, first: ReservationFlight, second: ReservationFlight
) -> str | None:
    a, b = _times(world, first), _times(world, second)
    if a is None or b is None:
        return None
    layover = minutes(b[0] - a[1])
    names = f"{first.flight_number} -> {second.flight_number}"
    if not MIN_LAYOVER <= layover <= MAX_LAYOVER:
        return f"{names}: {layover:.0f} min to connect at {first.destination}"
    landed = _actual(world, first, arrival=True)
    leaves = _actual(world, second, arrival=False)
    if landed is not None and leaves is not None and leaves < landed:
        return (
            f"{names}: flown, but {second.flight_number} left at {leaves:%H:%M}, before "
            f"{first.flight_number} landed at {landed:%H:%M}"
        )
    return None


def _actual(world: AirlineWorld, seg: ReservationFlight, arrival: bool) -> datetime | None:
    """When a flown leg actually left (or arrived), if the world says."""
    entry = world.flights[seg.flight_number].dates.get(seg.date)
    if isinstance(entry, FlightDateStatusLanded):
        return moment(entry.actual_arrival_time_est if arrival else entry.actual_departure_time_est)
    if isinstance(entry, FlightDateStatusFlying):
        return moment(
            entry.estimated_arrival_time_est if arrival else entry.actual_departure_time_est
        )
    return None
