"""Entity pools for synthesized airline worlds: names, addresses, airports, flight numbers.

The names and streets are this project's own inventions. The airports are the twenty the airline
tools know (`list_all_airports` hard-codes them), so every synthesized flight can be looked up.
`Pools.from_world(path)` instead draws people, addresses and airports from a world file the user
points to (tau2's db.json or one of ours), and keeps new flight numbers clear of the ones it uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from domains.airline.constants import AIRPORTS, FLIGHT_NUMBERS

FIRST_NAMES = (
    "Avery", "Bram", "Calla", "Dorian", "Elsa", "Fenn", "Greta", "Hollis", "Ines", "Jasper",
    "Kaia", "Linus", "Mireille", "Nico", "Odette", "Pavel", "Quinn", "Rosalind", "Soren", "Tamsin",
    "Ulric", "Vera", "Wendell", "Xiomara", "Yusuf", "Zelda", "Anouk", "Bastian", "Corin",
    "Delphine",
    "Emrys", "Fiora", "Gideon", "Hana", "Ivo", "Juno", "Kasimir", "Leontine", "Marek", "Nadia",
    "Orrin", "Priya", "Rafferty", "Sabine", "Tobiah", "Ulla", "Viggo", "Wren", "Yara", "Zeno",
)  # fmt: skip

LAST_NAMES = (
    "Ashdown", "Brightwater", "Calloway", "Dunmore", "Everhart", "Fairbanks", "Greenleaf",
    "Hartigan", "Islington", "Jessop", "Kettleby", "Lindqvist", "Marchetti", "Northcott", "Okafor",
    "Pellegrini", "Quarrington", "Rosenthal", "Stavros", "Thornbury", "Underhill", "Vasquez-Lund",
    "Whitlock", "Yamashiro", "Zielinski", "Abernethy", "Bellweather", "Castellanos", "Delacroix",
    "Engstrom", "Fitzwilliam", "Galloway", "Holmberg", "Ivanova", "Jardine", "Kowalczyk",
    "Lachance", "Moreau", "Nakashima", "Oyelaran",
)  # fmt: skip

STREETS = (
    "Juniper Lane", "Harbor View Road", "Old Mill Street", "Quarry Hill Avenue", "Lantern Way",
    "Birchwood Court", "Copper Ridge Drive", "Saltmarsh Road", "Orchard Terrace", "Kestrel Place",
)  # fmt: skip

CITIES = (
    ("Portland", "OR", "97205"), ("Raleigh", "NC", "27601"), ("Tucson", "AZ", "85701"),
    ("Madison", "WI", "53703"), ("Richmond", "VA", "23219"), ("Boise", "ID", "83702"),
    ("Omaha", "NE", "68102"), ("Savannah", "GA", "31401"), ("Spokane", "WA", "99201"),
    ("Albany", "NY", "12207"),
)  # fmt: skip


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...] = FIRST_NAMES
    last_names: tuple[str, ...] = LAST_NAMES
    streets: tuple[str, ...] = STREETS
    cities: tuple[tuple[str, str, str], ...] = CITIES
    airports: dict[str, str] = field(default_factory=lambda: dict(AIRPORTS))
    flight_numbers: tuple[int, int] = FLIGHT_NUMBERS
    used_flight_numbers: frozenset[str] = frozenset()
    source: str = "toolmine"

    @classmethod
    def from_world(cls, path: str) -> Pools:
        """Pools drawn from a world file: people and addresses of its users, airports of its
        flights (restricted to the ones the tools know), flight numbers kept clear of its own."""
        data = json.loads(Path(path).read_text())
        users = list((data.get("users") or {}).values())
        firsts = sorted({u["name"]["first_name"] for u in users if "name" in u})
        lasts = sorted({u["name"]["last_name"] for u in users if "name" in u})
        streets = sorted(
            {" ".join(u["address"]["address1"].split()[1:]) for u in users if "address" in u} - {""}
        )
        cities = sorted(
            {
                (u["address"]["city"], u["address"]["state"], u["address"]["zip"])
                for u in users
                if "address" in u
            }
        )
        flights = (data.get("flights") or {}).values()
        codes = {f["origin"] for f in flights} | {f["destination"] for f in flights}
        airports = {c: AIRPORTS[c] for c in sorted(codes) if c in AIRPORTS}
        if len(firsts) < 8 or len(lasts) < 8 or len(airports) < 10:
            raise ValueError(
                f"world file {path} is too small to draw from: needs >= 8 first and last names "
                f"and >= 10 known airports (has {len(firsts)}, {len(lasts)}, {len(airports)})"
            )
        return cls(
            first_names=tuple(firsts),
            last_names=tuple(lasts),
            streets=tuple(streets) or STREETS,
            cities=tuple(cities) or CITIES,
            airports=airports,
            used_flight_numbers=frozenset((data.get("flights") or {}).keys()),
            source=str(path),
        )


DEFAULT_POOLS = Pools()


def load_pools(path: str | None) -> Pools:
    return DEFAULT_POOLS if path is None else Pools.from_world(path)
