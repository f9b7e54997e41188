"""Tools of the mock shop."""

from __future__ import annotations

from domains.base import ToolKind, Toolkit, tool
from domains.mock.data_model import MockOrder, MockUser, MockWorld


class MockTools(Toolkit):
    world: MockWorld

    def _user(self, user_id: str) -> MockUser:
        if user_id not in self.world.users:
            raise ValueError(f"User {user_id} not found")
        return self.world.users[user_id]

    def _order(self, order_id: str) -> MockOrder:
        if order_id not in self.world.orders:
            raise ValueError(f"Order {order_id} not found")
        return self.world.orders[order_id]

    @tool(ToolKind.READ)
    def get_user(self, user_id: str) -> MockUser:
        """Get a user's profile, balance and order ids.

        Args:
            user_id: The user's id, such as 'ann_1'.
        """
        return self._user(user_id)

    @tool(ToolKind.READ)
    def get_order(self, order_id: str) -> MockOrder:
        """Get one order.

        Args:
            order_id: The order id, such as 'O1'.
        """
        return self._order(order_id)

    @tool(ToolKind.WRITE)
    def place_order(self, user_id: str, item: str) -> MockOrder:
        """Place an order for one item, paid from the user's balance.

        Args:
            user_id: The user's id.
            item: The item's name.
        """
        user = self._user(user_id)
        if item not in self.world.items:
            raise ValueError(f"Item {item} not found")
        price = self.world.items[item]
        if user.balance < price:
            raise ValueError("Not enough balance")
        order_id = f"O{len(self.world.orders) + 1}"
        order = MockOrder(order_id=order_id, user_id=user_id, item=item, price=price)
        self.world.orders[order_id] = order
        user.balance -= price
        user.orders.append(order_id)
        return order

    @tool(ToolKind.WRITE)
    def cancel_order(self, order_id: str) -> MockOrder:
        """Cancel a pending order and refund it to the user's balance.

        Args:
            order_id: The order id.
        """
        order = self._order(order_id)
        if order.status != "pending":
            raise ValueError(f"Order {order_id} is not pending")
        order.status = "cancelled"
        self._user(order.user_id).balance += order.price
        return order

    @tool(ToolKind.GENERIC)
    def transfer_to_human_agents(self, summary: str) -> str:
        """Transfer the user to a human agent.

        Args:
            summary: A summary of the user's issue.
        """
        return "Transfer successful"
