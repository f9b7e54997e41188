"""Flights a search finds: the gold itinerary and distractors that lose on the customer's criterion.

Shared by the intents that search (book, change flights). On one route and date, the gold option
is strictly best on the criterion (cheapest, shortest, earliest) among the options with enough
seats; distractors are slightly worse (`near`), cheaper in the neighbouring cabin only
(`lookalike`), better but without seats (`sold_out`), or better on another day; under
`second_cheapest` one option is cheaper (`cheaper`), under `time_window` one cheaper option
leaves before the customer's time (`early`). Each search is
recorded in `Notes.selections` so `check` can re-derive the answer from the tools' own results.

Options are real itineraries of the network: direct flights keep their route's timetable block
time (padded by at most the route's spread, so "shortest" among directs is minutes, not hours),
one-stop options connect through a hub that keeps the detour within bounds (one hub per option, so
the tool cannot pair one option's first leg with another's second), and every fare lies in its
cabin's band for the distance flown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domains.airline.constants import day
from domains.airline.dag.build.context import Ctx
from domains.airline.network import block_minutes, fare_band, miles, route_spread
from domains.dag import BuildRejected

# The cabin a "cheapest" distractor undercuts: a customer who wants economy must not be sold
# the basic-economy fare, nor a business customer the economy one.
NEIGHBOUR = {"economy": "basic_economy", "business": "economy"}
EARLIEST_DEPARTURE = 6 * 60
# Criteria on price: the cheapest; the second cheapest (one option is cheaper still, and the
# customer does not want it); the cheapest leaving at or after a time (a cheaper one leaves
# before it). Each of the last two adds the option that beats the gold on price alone.
PRICED = ("cheapest", "second_cheapest", "time_window")
BEATEN_BY = {"second_cheapest": "cheaper", "time_window": "early"}
WINDOW_STARTS = (9, 10, 11, 12, 13)  # "leaving at or after 11am": hours the customer names


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
class Shape:
    """An option before it has flights: airports, padding per leg, layover, departure, price."""

    kind: str
    path: list[str]
    extras: list[int]
    layover: int = 0
    dep: int = 0
    price: int = 0
    fares: list[dict[str, int]] = field(default_factory=list)

    def leg_minutes(self, i: int) -> int:
        return block_minutes(self.path[i], self.path[i + 1]) + self.extras[i]

    @property
    def total(self) -> int:
        return sum(self.leg_minutes(i) for i in range(len(self.extras))) + self.layover

    def hops(self) -> list[tuple[str, str]]:
        """(origin, destination) of each leg."""
        return list(zip(self.path, self.path[1:], strict=False))

    def bands(self, cabin: str) -> list[tuple[int, int]]:
        """(lowest, highest) fare of each leg in `cabin`."""
        return [fare_band(cabin, miles(a, b)) for a, b in self.hops()]

    def band(self, cabin: str) -> tuple[int, int]:
        """(lowest, highest) price of the whole option in `cabin`."""
        bands = self.bands(cabin)
        return sum(lo for lo, _ in bands), sum(hi for _, hi in bands)


def search_tool(one_stop: bool) -> str:
    return "search_onestop_flight" if one_stop else "search_direct_flight"


def search_options(
    ctx: Ctx,
    origin: str,
    dest: str,
    date: str,
    cabin: str,
    pax: int,
    criterion: str,
    one_stop: bool,
    max_price: int | None = None,
    avoid: frozenset[str] = frozenset(),
) -> tuple[Option, list[Option]]:
    """Gold option plus distractors on one route and date, with the gold strictly best on the
    criterion among the options that have enough seats, its fare at most `max_price` (when what
    pays for it is limited), connecting through none of the hubs in `avoid`. Records the search
    for `check`."""
    k = ctx.k
    kinds = ["gold"] + ["near"] * k
    if k >= 1 and criterion == "cheapest" and cabin in NEIGHBOUR:
        kinds[1] = "lookalike"
    if k >= 3 and criterion != "named":
        kinds[2] = "sold_out"
    if criterion in BEATEN_BY:
        kinds.insert(1, BEATEN_BY[criterion])
    shapes = _shapes(ctx, origin, dest, kinds, one_stop, avoid)
    _time(ctx, shapes, criterion)
    _price(ctx, shapes, cabin, criterion, max_price)
    options = [_materialise(ctx, s, date, cabin, pax) for s in shapes]
    gold, others = options[0], options[1:]
    ctx.notes.distractors += len(others)
    if k >= 3:
        _other_day(ctx, origin, dest, date, shapes[0], cabin, pax)
    fair = [o for o in others if o.kind not in ("sold_out", *BEATEN_BY.values())]
    if fair and criterion != "named":
        metric = {"shortest": "duration", "earliest": "departure"}.get(criterion, "price")
        best = min(getattr(o, metric) for o in fair)
        ctx.notes.price_gaps.append(
            min(1.0, (best - getattr(gold, metric)) / max(1, getattr(gold, metric)))
        )
    ctx.notes.selections.append(
        {
            "tool": search_tool(one_stop),
            "args": {"origin": origin, "destination": dest, "date": date},
            "criterion": criterion,
            "cabin": cabin,
            "pax": pax,
            "gold": gold.legs,
            **({"after": ctx.text.after} if criterion == "time_window" else {}),
        }
    )
    return gold, others


def _shapes(
    ctx: Ctx, origin: str, dest: str, kinds: list[str], one_stop: bool, avoid: frozenset[str]
) -> list[Shape]:
    """One shape per option: a hub of its own for one-stop options (none of `avoid`), padding
    and layovers."""
    rng = ctx.rng
    if not one_stop:
        spread = route_spread(block_minutes(origin, dest))
        return [Shape(k, [origin, dest], [5 * rng.randint(0, spread // 5)]) for k in kinds]
    hubs = [h for h in ctx.world.hubs(origin, dest) if h not in avoid]
    if len(hubs) < len(kinds):
        raise BuildRejected(
            f"{origin}-{dest} has {len(hubs)} sensible connections, not {len(kinds)}"
        )
    return [
        Shape(k, [origin, h, dest], [5 * rng.randint(0, 2), 5 * rng.randint(0, 2)],
              layover=5 * rng.randint(9, 30))
        for k, h in zip(kinds, hubs, strict=False)
    ]  # fmt: skip


def _time(ctx: Ctx, shapes: list[Shape], criterion: str) -> None:
    """Durations and departures; under `shortest` / `earliest` the gold wins among the options
    with seats, and a sold-out option beats it."""
    rng, (gold, *others) = ctx.rng, shapes
    if criterion == "shortest":
        _shortest(ctx, shapes)
    for s in shapes:
        latest = ctx.world.latest_departure(s.total)
        if latest < EARLIEST_DEPARTURE + 60:
            raise BuildRejected(f"a {s.total}-minute trip does not fit in a day")
        s.dep = 5 * rng.randint(EARLIEST_DEPARTURE // 5, latest // 5)
    if criterion == "time_window":
        _window(ctx, shapes)
    if criterion != "earliest":
        return
    gold.dep = 5 * rng.randint(EARLIEST_DEPARTURE // 5, (EARLIEST_DEPARTURE + 150) // 5)
    for s in others:
        latest = ctx.world.latest_departure(s.total)
        if s.kind == "sold_out":
            s.dep = gold.dep - 5 * rng.randint(2, 12)
        elif latest < gold.dep + 20:
            raise BuildRejected("no room in the day for a later option")
        else:
            s.dep = 5 * rng.randint((gold.dep + 20) // 5, min(latest, gold.dep + 300) // 5)


def _window(ctx: Ctx, shapes: list[Shape]) -> None:
    """Departures around the customer's time (one per task, both directions): the `early`
    option leaves before it, every other one at or after it."""
    rng = ctx.rng
    if ctx.text.after is None:
        ctx.text.after = 60 * rng.choice(WINDOW_STARTS)
    after = ctx.text.after
    for s in shapes:
        latest = ctx.world.latest_departure(s.total)
        if s.kind == "early":
            s.dep = 5 * rng.randint(EARLIEST_DEPARTURE // 5, (after - 30) // 5)
        elif latest < after + 10:
            raise BuildRejected(f"a {s.total}-minute trip cannot leave after the customer's time")
        else:
            s.dep = 5 * rng.randint(after // 5, latest // 5)


def _shortest(ctx: Ctx, shapes: list[Shape]) -> None:
    """Make the gold strictly shortest among the fair options (a sold-out one shorter still)."""
    rng = ctx.rng
    gold, sold = shapes[0], [s for s in shapes if s.kind == "sold_out"]
    if len(gold.path) == 2:
        spread = route_spread(block_minutes(gold.path[0], gold.path[1]))
        floor = 5 if sold else 0
        gold.extras = [floor]
        for s in shapes[1:]:
            s.extras = (
                [0] if s.kind == "sold_out" else [5 * rng.randint(floor // 5 + 1, spread // 5)]
            )
        return
    if sold and sold[0].total >= gold.total:
        sold[0].layover = max(35, sold[0].layover - (sold[0].total - gold.total) - 10)
        if sold[0].total >= gold.total:
            gold.layover += sold[0].total - gold.total + 5
    for s in shapes[1:]:
        if s.kind != "sold_out" and s.total <= gold.total:
            s.layover += gold.total - s.total + 5 * rng.randint(1, 8)


def _price(
    ctx: Ctx, shapes: list[Shape], cabin: str, criterion: str, max_price: int | None
) -> None:
    """Each option's fare in the requested cabin, then per-leg fare ladders. Under `cheapest`
    the gold is cheapest among the options with seats (a sold-out one cheaper still)."""
    rng, gold = ctx.rng, shapes[0]
    for s in shapes:
        lo, hi = s.band(cabin)
        s.price = round(lo + rng.uniform(0.1, 0.85) * (hi - lo))
    lo, hi = gold.band(cabin)
    if criterion in PRICED:
        gold.price = round(lo + rng.uniform(0.12, 0.45) * (hi - lo))
    if max_price is not None:
        if max_price < lo + 5:
            raise BuildRejected(f"no {cabin} fare of the band under ${max_price}")
        gold.price = min(gold.price, rng.randint(lo + 5, max_price))
    if criterion in PRICED:
        for s in shapes[1:]:
            lo, hi = s.band(cabin)
            if s.kind in BEATEN_BY.values():
                if gold.price - 6 < lo:
                    raise BuildRejected("no fare under the gold's in the band")
                s.price = rng.randint(max(lo, gold.price - 60), gold.price - 6)
                continue
            if s.kind == "sold_out" and gold.price - 5 >= lo:
                s.price = max(lo, gold.price - rng.randint(5, 40))
            else:
                s.kind = "near" if s.kind == "sold_out" else s.kind
                s.price = max(gold.price + rng.randint(6, 90), lo + rng.randint(0, 20))
            if s.price > hi:
                raise BuildRejected("no fare above the gold's in the band")
    for s in shapes:
        s.fares = _ladders(ctx, s, cabin)
    if criterion == "cheapest":
        for s in shapes[1:]:
            if s.kind == "lookalike" and not _undercut(ctx, s, gold, NEIGHBOUR[cabin]):
                s.kind = "near"


def _split(s: Shape, cabin: str, total: int) -> list[int]:
    """`total` over the legs of `s`, each at the same relative position of its band."""
    bands = s.bands(cabin)
    lo, hi = s.band(cabin)
    t = (total - lo) / max(1, hi - lo)
    fares = [round(b[0] + t * (b[1] - b[0])) for b in bands]
    fares[-1] += total - sum(fares)
    return fares


def _ladders(ctx: Ctx, s: Shape, cabin: str) -> list[dict[str, int]]:
    legs = zip(s.hops(), _split(s, cabin, s.price), strict=True)
    return [ctx.world.prices(a, b, cabin, fare) for (a, b), fare in legs]


def _undercut(ctx: Ctx, s: Shape, gold: Shape, neighbour: str) -> bool:
    """Make `s` cheaper than the gold in the neighbouring cabin (still dearer in the requested
    one, still a valid ladder in its bands); False (and `s` unchanged) if that cannot be."""
    target = sum(f[neighbour] for f in gold.fares) - ctx.rng.randint(5, 40)
    lo, hi = s.band(neighbour)
    if not lo <= target <= hi:
        return False
    fares = [dict(f) for f in s.fares]
    for leg, value in zip(fares, _split(s, neighbour, target), strict=True):
        leg[neighbour] = value
        if neighbour == "economy":
            leg["basic_economy"] = min(leg["basic_economy"], value - 10)
    basic_floors = [band[0] for band in s.bands("basic_economy")]
    if all(
        floor <= f["basic_economy"] < f["economy"] < f["business"]
        for floor, f in zip(basic_floors, fares, strict=True)
    ):
        s.fares = fares
        return True
    return False


def _materialise(ctx: Ctx, s: Shape, date: str, cabin: str, pax: int) -> Option:
    """The flights of one option; a sold-out option lacks seats on one of its legs."""
    w, rng = ctx.world, ctx.rng
    short = rng.randrange(len(s.extras)) if s.kind == "sold_out" else -1
    legs, dep = [], s.dep
    for i, fares in enumerate(s.fares):
        a, b = s.path[i], s.path[i + 1]
        status = w.available(fares, w.seats(cabin, pax, enough=i != short))
        legs.append(w.add_flight(a, b, dep, {date: status}, extra=s.extras[i]))
        dep += s.leg_minutes(i) + s.layover
    return Option(legs, date, s.price, s.total, s.dep, s.kind)


def _other_day(
    ctx: Ctx, origin: str, dest: str, date: str, gold: Shape, cabin: str, pax: int
) -> None:
    """Same route, another day, direct and no dearer: only a date mix-up picks it."""
    w, rng = ctx.world, ctx.rng
    other_day = day(int(date[-2:]) + (1 if int(date[-2:]) < 30 else -1))
    lo, hi = fare_band(cabin, miles(origin, dest))
    price = min(hi, max(lo, gold.price - rng.randint(5, 30)))
    dep = max(
        EARLIEST_DEPARTURE, min(gold.dep - 30, w.latest_departure(block_minutes(origin, dest)))
    )
    status = w.available(w.prices(origin, dest, cabin, price), w.seats(cabin, pax))
    w.add_flight(origin, dest, dep, {other_day: status})
    ctx.notes.distractors += 1
