"""The mock shop's DAG-synthesis spec (the `Domain.dag` hook)."""

from __future__ import annotations

from domains.dag import DagSpec
from domains.mock.dag import build, graph
from domains.mock.dag.params import SPACE
from domains.mock.dag.text import task_text

DAG = DagSpec(
    graph=graph.build_graph,
    intents=graph.INTENTS,
    space=SPACE,
    plan=build.plan,
    build=build.build,
    text=task_text,
    features=build.FEATURES,
)
