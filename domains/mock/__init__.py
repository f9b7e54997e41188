"""A tiny shop domain (two users, a few orders, five tools) that backs the core tests."""

from domains.base import Domain
from domains.mock import graph as _graph
from domains.mock import synth as _synth
from domains.mock.data_model import MockWorld, default_world, load_world
from domains.mock.params import SPACE
from domains.mock.text import task_text
from domains.mock.tools import MockTools
from domains.synthesis_spec import SynthesisSpec

SYNTHESIS = SynthesisSpec(
    graph=_graph.build_graph,
    intents=_graph.INTENTS,
    space=SPACE,
    plan=_synth.plan,
    build=_synth.build,
    text=task_text,
)

POLICY = """You are a shop assistant. Look the user up before acting on their orders.
Only pending orders can be cancelled; a cancelled order is refunded to the user's balance.
Ask the user to confirm with "yes" before placing or cancelling an order.
Transfer to a human agent only when the request is outside what your tools can do."""

DOMAIN = Domain(
    name="mock",
    summary="tiny shop: users, orders, place / cancel",
    world_type=MockWorld,
    toolkit_type=MockTools,
    policy=POLICY,
    load_world=load_world,
    extras={"synthesis": SYNTHESIS},
)

__all__ = ["DOMAIN", "MockWorld", "MockTools", "default_world"]
