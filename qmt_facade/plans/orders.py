"""Looking up and cancelling orders."""

from __future__ import annotations

import logging
from typing import Any, Final

from qmt_facade.errors import QMTAPIError, QMTNotFoundError, QMTValidationError
from qmt_facade.frames import OrderList
from qmt_facade.json_routes import json_answers
from qmt_facade.order_answers import read_cancel_all_answer
from qmt_facade.plans.steps import Call, ClientContext, Plan, Side, optional, require_signature
from qmt_facade.records import CancelAllResult, CancelResult, Order
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_order_id,
    validate_trader_index,
)
from qmt_server_client import models as wire
from qmt_server_client.api.order import cancel_all_buy_orders as cancel_buys_route
from qmt_server_client.api.order import cancel_all_sell_orders as cancel_sells_route
from qmt_server_client.api.order import cancel_order as cancel_order_route
from qmt_server_client.api.order import get_order as order_route
from qmt_server_client.api.order import get_orders as orders_route

logger = logging.getLogger("qmt_facade")

# Bulk-cancel answers are read leniently: the cancels happened whatever the answer holds.
CANCEL_BUYS: Final = json_answers(cancel_buys_route)
CANCEL_SELLS: Final = json_answers(cancel_sells_route)


def get_order(ctx: ClientContext, order_id: int, trader_index: int) -> Plan[Order]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    require_signature(ctx, "get_order")
    try:
        answer: wire.Order = yield Call(
            order_route, {"body": wire.OrderRef(order_id=oid, trader_index=index)}, "get_order"
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
        raise QMTValidationError(
            f"cancelable_only={cancelable_only!r}: must be True or False",
            field="cancelable_only",
            value=cancelable_only,
            rule="bool",
        )
    require_signature(ctx, "get_orders")
    body = wire.OrdersQuery(trader_index=index, cancelable_only=cancelable_only)
    answer: list[wire.Order] = yield Call(orders_route, {"body": body}, "get_orders")
    return OrderList(Order.from_wire(o) for o in answer)


def cancel_order(ctx: ClientContext, order_id: int, trader_index: int) -> Plan[CancelResult]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    require_signature(ctx, "cancel_order")
    answer: wire.CancelResult = yield Call(
        cancel_order_route,
        {"body": wire.OrderRef(order_id=oid, trader_index=index)},
        "cancel_order",
        places_order=True,
    )
    result = CancelResult.from_wire(answer)
    if not result.success:
        logger.warning("cancel_order %s refused: %s", oid, result.message)
    return result


def cancel_all(ctx: ClientContext, side: Side, trader_index: int | None) -> Plan[CancelAllResult]:
    action = "cancel_all_buy_orders" if side == "buy" else "cancel_all_sell_orders"
    index = validate_optional_trader_index(trader_index)
    require_signature(ctx, action)
    route = CANCEL_BUYS if side == "buy" else CANCEL_SELLS
    answer: Any = yield Call(
        route,
        {"body": wire.CancelAllRequest(trader_index=optional(index))},
        action,
        places_order=True,
    )
    result, warnings = read_cancel_all_answer(answer, action, index)
    for warning in warnings:
        logger.warning("%s: %s", action, warning)
    for entry in result.results:
        if entry.status != "success":
            logger.warning("%s failed on account %s: %s", action, entry.trader_index, entry.error)
    return result
