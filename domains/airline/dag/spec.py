"""The airline domain's DAG-synthesis spec (the `Domain.dag` hook)."""

from __future__ import annotations

from domains.airline.dag import derive, graph
from domains.airline.dag.build import build
from domains.airline.dag.build.features import FEATURES
from domains.airline.dag.check import check
from domains.airline.dag.params import SPACE
from domains.airline.dag.plan import plan
from domains.airline.dag.scenario import build_scenario, task_text
from domains.dag import DagSpec

DAG = DagSpec(
    graph=graph.build_graph,
    intents=graph.INTENTS,
    space=SPACE,
    plan=plan,
    build=build,
    text=task_text,
    scenario=build_scenario,
    check=check,
    derive=derive.derive_points,
    customer="airline customer",
    kept_facts="name, id, date, city, airport code, amount, card ending and preference",
    features=FEATURES,
)
