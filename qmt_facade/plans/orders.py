"""Looking up orders (cancelling them is ``plans.cancels``)."""

from __future__ import annotations

import logging

from qmt_facade.errors import QMTAPIError, QMTNotFoundError, QMTValidationError
from qmt_facade.frames import OrderList
from qmt_facade.plans.steps import (
    Call,
    ClientContext,
    Plan,
    read,
    require_signature,
)
from qmt_facade.records import Order
from qmt_facade.validation import validate_order_id, validate_trader_index
from qmt_server_client import models as wire
from qmt_server_client.api.order import get_order as order_route
from qmt_server_client.api.order import get_orders as orders_route

logger = logging.getLogger("qmt_facade")


def get_order(ctx: ClientContext, order_id: int, trader_index: int) -> Plan[Order]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    require_signature(ctx, "get_order")
    try:
        answer: wire.Order = yield from read(
            ctx,
            Call(
                order_route, {"body": wire.OrderRef(order_id=oid, trader_index=index)}, "get_order"
            ),
        )
    except QMTAPIError as exc:
        # The server answers an unknown id with a generic 500; tell the two
        # apart by looking the id up in the account's order list.
        if exc.status_code not in (404, 500):
            raise
        known = yield from get_orders(ctx, index)
        if any(o.order_id == oid for o in known):
            raise
        raise QMTNotFoundError(
            f"订单不存在: order_id={oid}, trader_index={index}",
            status_code=exc.status_code,
            error=exc.error,
            server_message=exc.server_message,
        ) from exc
    return Order.from_wire(answer)


def get_orders(
    ctx: ClientContext, trader_index: int, cancelable_only: bool = False
) -> Plan[OrderList]:
    index = validate_trader_index(trader_index)
    if not isinstance(cancelable_only, bool):
        raise QMTValidationError.of("cancelable_only", cancelable_only, "must be True or False")
    require_signature(ctx, "get_orders")
    body = wire.OrdersQuery(trader_index=index, cancelable_only=cancelable_only)
    answer: list[wire.Order] = yield from read(
        ctx, Call(orders_route, {"body": body}, "get_orders")
    )
    return OrderList(Order.from_wire(o) for o in answer)
