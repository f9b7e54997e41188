"""A tiny shop domain (two users, a few orders, five tools) that backs the core tests."""

from domains.base import Domain, Mistakes, ToolCall, Transfer, WritePolicy
from domains.mock.dag.spec import DAG
from domains.mock.data_model import MockWorld, default_world, load_world
from domains.mock.tools import MockTools

POLICY = """You are a shop assistant. Look the user up before acting on their orders.
Only pending orders can be cancelled; a cancelled order is refunded to the user's balance.
Ask the user to confirm with "yes" before placing or cancelling an order.
Transfer to a human agent only when the request is outside what your tools can do."""


def _names(call: ToolCall, world: object) -> list[str]:
    """A place names the item, a cancellation the order."""
    return [str(call.arguments.get("item") or call.arguments.get("order_id"))]


def _lookups(call: ToolCall, world: object) -> list[ToolCall]:
    """The user before placing, the order before cancelling it."""
    if "order_id" in call.arguments:
        return [ToolCall(name="get_order", arguments={"order_id": call.arguments["order_id"]})]
    return [ToolCall(name="get_user", arguments={"user_id": call.arguments.get("user_id")})]


DOMAIN = Domain(
    name="mock",
    summary="tiny shop: users, orders, place / cancel",
    world_type=MockWorld,
    toolkit_type=MockTools,
    policy=POLICY,
    load_world=load_world,
    dag=DAG,
    # The same hand-off as tau2's (the simulated target's transfer says this text).
    transfer=Transfer(
        tool=MockTools.transfer_to_human_agents.__name__,
        message="YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.",
    ),
    # Look-alikes: another item to buy, another order of the same user to cancel.
    mistakes=Mistakes(
        hint_kinds={"distractor_flight": frozenset({"item", "order"})},
        look_alike_kinds=frozenset({"item", "order"}),
        look_alike_keys=("user_id",),
    ),
    write_policy=WritePolicy(names=_names, lookups=_lookups),
)

__all__ = ["DOMAIN", "MockWorld", "MockTools", "default_world"]
