"""Following orders over time: the server pushes nothing, so these poll, within bounds."""

from __future__ import annotations

import time
from collections.abc import Collection

import attrs

from qmt_facade.errors import QMTWaitTimeoutError
from qmt_facade.plans.orders import get_order, get_orders
from qmt_facade.plans.steps import ClientContext, Emit, Pause, Plan
from qmt_facade.records import FINAL_STATUSES, Order
from qmt_facade.validation import validate_non_negative, validate_order_id, validate_positive


def _check_polling(timeout: float | None, poll_interval: float) -> None:
    validate_positive(poll_interval, "poll_interval")
    if timeout is not None:
        validate_non_negative(timeout, "timeout")


def wait_for_order(
    ctx: ClientContext,
    order_id: int,
    trader_index: int,
    timeout: float,
    poll_interval: float,
    until: Collection[int] | None,
) -> Plan[Order]:
    """Poll one order until its status is in ``until`` (default: final)."""
    _check_polling(timeout, poll_interval)
    wanted = frozenset(until) if until is not None else FINAL_STATUSES
    deadline = time.monotonic() + timeout
    while True:
        order = yield from get_order(ctx, order_id, trader_index)
        if order.status in wanted:
            return order
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QMTWaitTimeoutError(
                f"wait_for_order: order {order_id} still {order.status} {order.status_name} "
                f"after {timeout}s",
                last_order=order,
            )
        yield Pause(min(poll_interval, remaining))


@attrs.frozen
class OrderEvent:
    """An order that appeared or changed (status or filled volume) since the last poll."""

    order: Order
    previous: Order | None  # None when the order is new to the watcher


def watch_orders(
    ctx: ClientContext,
    trader_index: int,
    poll_interval: float,
    timeout: float | None,
    order_ids: Collection[int] | None,
) -> Plan[None]:
    """Emit an OrderEvent for every new or changed order.

    Stops when ``timeout`` seconds have passed (None: never), or, when
    ``order_ids`` is given, once every one of them is final.
    """
    _check_polling(timeout, poll_interval)
    watched = frozenset(validate_order_id(o) for o in order_ids) if order_ids is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: dict[int, Order] = {}
    while True:
        orders = yield from get_orders(ctx, trader_index)
        for order in orders:
            if watched is not None and order.order_id not in watched:
                continue
            previous = seen.get(order.order_id)
            if previous is None or (previous.status, previous.traded_volume) != (
                order.status,
                order.traded_volume,
            ):
                seen[order.order_id] = order
                yield Emit(OrderEvent(order=order, previous=previous))
        if watched is not None and all(o in seen and seen[o].is_final for o in watched):
            return None
        pause = poll_interval
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            pause = min(pause, remaining)
        yield Pause(pause)
