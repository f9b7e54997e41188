"""Answer uniqueness, re-derived from the tools' own search results on the validated world.

The builder makes the gold itinerary strictly best by construction; this check does not trust
that: for every search the task records, it runs the search tool on the finished world and
requires the gold to be the only best option with enough seats.
"""

from __future__ import annotations

from typing import Any

from domains.airline.constants import minutes
from domains.airline.tools import AirlineTools
from domains.base import World
from domains.dag import Built


def check(world: World, built: Built) -> list[str]:
    """Problems (empty: every recorded search has the gold as its one best answer)."""
    problems: list[str] = []
    tools = AirlineTools(world)  # type: ignore[arg-type]
    for sel in built.meta.get("selections", []):
        try:
            usable = usable_options(tools, sel["tool"], sel["args"], sel["cabin"], sel["pax"])
        except Exception as exc:  # a tool error, reported like the toolkit boundary would
            problems.append(f"search failed: Error: {exc}")
            continue
        legs_of = [[leg["flight_number"] for leg in o] for o in usable]
        cabin = sel["cabin"]
        if sel["gold"] not in legs_of:
            problems.append(f"gold itinerary {sel['gold']} not offered by {sel['tool']}")
            continue
        if sel["criterion"] == "named":
            continue
        if sel["criterion"] == "time_window":  # only what leaves at or after the time counts
            kept = [minutes(o[0]["scheduled_departure_time_est"]) >= sel["after"] for o in usable]
            usable = [o for o, k in zip(usable, kept, strict=True) if k]
            legs_of = [legs for legs, k in zip(legs_of, kept, strict=True) if k]
        values = [_metric(o, sel["criterion"], cabin) for o in usable]
        best = min(values)
        if sel["criterion"] == "second_cheapest":  # one option strictly cheaper, then the gold
            ranked = sorted(values)
            if len(ranked) < 2 or ranked[0] == ranked[1]:
                problems.append(f"no single cheapest option before the gold: {ranked[:3]}")
                continue
            best = ranked[1]
        winners = [legs for legs, v in zip(legs_of, values, strict=True) if v == best]
        if winners != [sel["gold"]]:
            problems.append(f"{sel['criterion']} is not unique or not gold: {winners}")
        if "rivals" in sel:  # the other airport of the city: nothing there as cheap
            rivals = usable_options(tools, sel["tool"], sel["rivals"], cabin, sel["pax"])
            cheaper = [o for o in rivals if _metric(o, "cheapest", cabin) <= best]
            if cheaper:
                problems.append(f"the other airport has an option as cheap: {cheaper[0]}")
    return problems


def usable_options(
    tools: AirlineTools, tool: str, args: dict[str, Any], cabin: str, pax: int
) -> list[list[dict[str, Any]]]:
    """The itineraries a search returns that have `pax` seats in `cabin` on every leg."""
    # The tool method itself, not `tools.call`: the JSON round trip of the results cost
    # as much as the search (the results are the same models either way).
    raw = getattr(tools, tool)(**args)
    options: list[list[dict[str, Any]]] = [
        [leg.model_dump() for leg in item] if isinstance(item, list) else [item.model_dump()]
        for item in raw
    ]
    return [o for o in options if all(leg["available_seats"][cabin] >= pax for leg in o)]


def _metric(option: list[dict[str, Any]], criterion: str, cabin: str) -> int:
    """Price, departure or duration of a searched itinerary (lower is better)."""
    if criterion in ("cheapest", "second_cheapest", "time_window"):
        return sum(leg["prices"][cabin] for leg in option)
    if criterion == "earliest":
        return minutes(option[0]["scheduled_departure_time_est"])
    return minutes(option[-1]["scheduled_arrival_time_est"]) - minutes(
        option[0]["scheduled_departure_time_est"]
    )
