"""A tiny shop domain (two users, a few orders, five tools) that backs the core tests."""

from domains.base import Domain
from domains.mock.data_model import MockWorld, default_world, load_world
from domains.mock.tools import MockTools

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
)

__all__ = ["DOMAIN", "MockWorld", "MockTools", "default_world"]
