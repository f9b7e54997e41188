"""The airline domain, conformant with tau2-bench's airline domain (same tools, same behaviour).

Public names other modules use: `DOMAIN` (what the registry holds); the world model
`AirlineWorld` and entity models (`Flight` with per-date `FlightDateStatus*` variants chosen by
`status`, `User`, `CreditCard`/`GiftCard`/`Certificate` chosen by `source`, `Reservation`,
`ReservationFlight`, `Passenger`, `Payment`, `FlightInfo`, the `Cabin` literal); `AirlineTools`
(the 14 tools; `AirlineTools.on_fork(world)` for cheap throw-away copies); `load_world(path)`;
`policy_text(current_time)`; `tau2_sha256(world)` (tau2's DB hash); `check_world(world)` (the
world consistency checker, `domains/airline/consistency/`).
"""

from domains.airline.consistency import check_world
from domains.airline.constants import TRANSFER_MESSAGE
from domains.airline.dag.pools import load_pools
from domains.airline.dag.spec import DAG
from domains.airline.data_model import (
    DEFAULT_CURRENT_TIME,
    AirlineWorld,
    Cabin,
    CabinClass,
    Certificate,
    CreditCard,
    DirectFlight,
    Flight,
    FlightDateStatusAvailable,
    FlightDateStatusCancelled,
    FlightDateStatusDelayed,
    FlightDateStatusFlying,
    FlightDateStatusLanded,
    FlightDateStatusOnTime,
    FlightInfo,
    GiftCard,
    Passenger,
    Payment,
    Reservation,
    ReservationFlight,
    User,
    tau2_sha256,
)
from domains.airline.entities import task_entities
from domains.airline.mistakes import MISTAKES
from domains.airline.policy import policy_text
from domains.airline.tools import AirlineTools
from domains.airline.wg import VOCABULARY as WG_VOCABULARY
from domains.airline.world_file import default_world_path, load_world, parse_world
from domains.airline.writes import WRITE_POLICY, describe
from domains.base import Domain, Transfer

DOMAIN = Domain(
    name="airline",
    summary="tau2-bench airline: flights, users, reservations; book / change / cancel",
    world_type=AirlineWorld,
    toolkit_type=AirlineTools,
    policy=policy_text(),
    load_world=load_world,
    dag=DAG,
    pools=load_pools,
    transfer=Transfer(
        tool=AirlineTools.transfer_to_human_agents.__name__, message=TRANSFER_MESSAGE
    ),
    consistency=check_world,
    task_entities=task_entities,
    mistakes=MISTAKES,
    wg=WG_VOCABULARY,
    write_policy=WRITE_POLICY,
    describe=describe,
)

__all__ = [
    "DEFAULT_CURRENT_TIME",
    "DOMAIN",
    "AirlineTools",
    "AirlineWorld",
    "Cabin",
    "CabinClass",
    "Certificate",
    "CreditCard",
    "DirectFlight",
    "Flight",
    "FlightDateStatusAvailable",
    "FlightDateStatusCancelled",
    "FlightDateStatusDelayed",
    "FlightDateStatusFlying",
    "FlightDateStatusLanded",
    "FlightDateStatusOnTime",
    "FlightInfo",
    "GiftCard",
    "Passenger",
    "Payment",
    "Reservation",
    "ReservationFlight",
    "User",
    "check_world",
    "default_world_path",
    "load_world",
    "parse_world",
    "policy_text",
    "tau2_sha256",
]
