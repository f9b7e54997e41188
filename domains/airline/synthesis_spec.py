"""The airline domain's DAG-synthesis spec (attached to the Domain as extras["synthesis"])."""

from __future__ import annotations

from domains.airline import derive, graph, synth, text
from domains.airline.params import SPACE
from domains.airline.pools import load_pools
from domains.synthesis_spec import SynthesisSpec

SYNTHESIS = SynthesisSpec(
    graph=graph.build_graph,
    intents=graph.INTENTS,
    space=SPACE,
    plan=synth.plan,
    build=synth.build,
    text=text.task_text,
    check=synth.check,
    derive=derive.derive_points,
    pools=load_pools,
)
