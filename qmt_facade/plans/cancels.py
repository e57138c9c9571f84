"""Cancelling orders: one by id, or every open order of one side.

A cancel whose answer was lost is reconciled from the orders' statuses
(``plans.reconcile``), never sent again. Cancels take a slot of the order
rate limit like orders do; a dry run sends none and says what it would send.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from qmt_facade.errors import QMTOrderStateUnknownError
from qmt_facade.json_routes import json_answers
from qmt_facade.order_answers import read_cancel_all_answer
from qmt_facade.plans.guards import dry_run_request
from qmt_facade.plans.reconcile import reconcile_cancel, reconcile_cancel_all
from qmt_facade.plans.steps import (
    Call,
    ClientContext,
    Plan,
    Side,
    optional,
    require_signature,
    throttle,
)
from qmt_facade.records import CancelAllResult, CancelResult
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_order_id,
    validate_trader_index,
)
from qmt_server_client import models as wire
from qmt_server_client.api.order import cancel_all_buy_orders as cancel_buys_route
from qmt_server_client.api.order import cancel_all_sell_orders as cancel_sells_route
from qmt_server_client.api.order import cancel_order as cancel_order_route

logger = logging.getLogger("qmt_facade")

# Bulk-cancel answers are read leniently: the cancels happened whatever the answer holds.
CANCEL_BUYS: Final = json_answers(cancel_buys_route)
CANCEL_SELLS: Final = json_answers(cancel_sells_route)


def cancel_order(ctx: ClientContext, order_id: int, trader_index: int) -> Plan[CancelResult]:
    oid = validate_order_id(order_id)
    index = validate_trader_index(trader_index)
    require_signature(ctx, "cancel_order")
    call = Call(
        cancel_order_route,
        {"body": wire.OrderRef(order_id=oid, trader_index=index)},
        "cancel_order",
        places_order=True,
    )
    if ctx.dry_run:
        return CancelResult(
            success=False, order_id=oid, message=dry_run_request(call), dry_run=True
        )
    yield from _order_slot(ctx, call)
    try:
        answer: wire.CancelResult = yield call
    except QMTOrderStateUnknownError as fault:
        return (yield from reconcile_cancel(ctx, oid, index, fault))
    result = CancelResult.from_wire(answer)
    if not result.success:
        logger.warning("cancel_order %s refused: %s", oid, result.message)
    return result


def cancel_all(ctx: ClientContext, side: Side, trader_index: int | None) -> Plan[CancelAllResult]:
    action = "cancel_all_buy_orders" if side == "buy" else "cancel_all_sell_orders"
    index = validate_optional_trader_index(trader_index)
    require_signature(ctx, action)
    route = CANCEL_BUYS if side == "buy" else CANCEL_SELLS
    call = Call(
        route,
        {"body": wire.CancelAllRequest(trader_index=optional(index))},
        action,
        places_order=True,
    )
    if ctx.dry_run:
        return CancelAllResult(message=dry_run_request(call), results=[], dry_run=True)
    yield from _order_slot(ctx, call)
    try:
        answer: Any = yield call
    except QMTOrderStateUnknownError as fault:
        return (yield from reconcile_cancel_all(ctx, side, index, fault))
    result, warnings = read_cancel_all_answer(answer, action, index)
    for warning in warnings:
        logger.warning("%s: %s", action, warning)
    for entry in result.results:
        if entry.status != "success":
            logger.warning("%s failed on account %s: %s", action, entry.trader_index, entry.error)
    return result


def _order_slot(ctx: ClientContext, call: Call) -> Plan[None]:
    if ctx.order_slots is not None:
        yield from throttle(ctx.order_slots, call.action)
