"""Finding out what happened to an order request whose answer was lost.

When an order-placing call fails after its request may have reached the
server (the driver throws ``QMTOrderStateUnknownError`` into the plan), the
plan looks for the order in ``/orders`` for up to ``ctx.reconcile_window``
seconds, without ever sending the order again:

- on the main server line by its client order id, which rides inside
  ``strategy_name`` (``qmt_facade.client_order_id``);
- on the upstream line, which replaces ``strategy_name`` with
  ``quant_<account_type>``, by symbol, side, price (limit orders), volume
  (orders by shares) and order time, accepting a unique match only.

Found: the call returns a normal result marked ``reconciled=True`` whose
warning names the fault. Not found, or more than one candidate: the call
raises ``QMTOrderStateUnknownError`` with the client order id and the
candidates. Orders this client already attributed to a call (returned or
reconciled) are never candidates again.

Cancels are reconciled by the order's status; ``reconcile_journal`` runs the
same matching, once, over the journal's unresolved intents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, Final

import attrs

from qmt_facade.client_order_id import validate_client_order_id
from qmt_facade.clock import ServerClock
from qmt_facade.errors import DO_NOT_RESEND_TEXT, QMTOrderStateUnknownError, QMTTradeClientError
from qmt_facade.journal import JournalIntent, JournalOutcome, JournalResolution
from qmt_facade.plans.accounts import get_accounts
from qmt_facade.plans.orders import get_order, get_orders
from qmt_facade.plans.steps import ClientContext, Pause, Plan, Record, Side
from qmt_facade.records import (
    CancelAllResult,
    CancelEntry,
    CancelResult,
    Order,
    OrderOutcome,
    TradeResult,
    TraderResult,
)
from qmt_facade.retries import is_retryable_read
from qmt_facade.server_lines import Capability, detect_server_line, line_has, require
from qmt_facade.validation import validate_optional_trader_index

logger = logging.getLogger("qmt_facade")

# Order.time is the server's clock in whole seconds and the client's estimate
# of that clock is good to about a second: an order of this call cannot be
# older than the moment it was sent by more than this.
TIME_SLACK: Final = 5.0
_FIRST_PAUSE: Final = 0.1
_MAX_PAUSE: Final = 1.0
_CANCELED: Final = frozenset({53, 54})  # 部撤, 已撤
_UNCANCELABLE: Final = frozenset({56, 57})  # 已成, 废单
_BULK_CANCELED: Final = frozenset({50, 55})  # what /cancel_orders/* cancels: 已报, 部成


@attrs.frozen
class SentOrder:
    """What one order request asked for: enough to recognise its orders in /orders.

    ``side`` None matches either side (a reverse repo is a sell in xtquant,
    a buy in the simulator); ``tagged`` says whether the request carried the
    client order id inside strategy_name. ``sent_local`` is the client's
    clock just before sending and ``sent_offset`` the server-clock offset
    known then (None before any answer told it): matching converts the
    moment with every offset known (``ServerClock.server_times``).
    """

    action: str
    client_order_id: str
    symbol: str
    side: Side | None
    price: float | None
    price_type: int
    shares: int | None
    position_pct: float | None
    trader_index: int | None
    strategy_name: str | None
    sent_local: float
    sent_offset: float | None
    tagged: bool = True
    reserve_amount: float | None = None

    def to_request(self) -> dict[str, Any]:
        """The JSON-friendly form the order journal stores."""
        return attrs.asdict(self)

    @classmethod
    def from_request(cls, request: dict[str, Any]) -> SentOrder:
        names = {field.name for field in attrs.fields(cls)}
        return cls(**{k: v for k, v in request.items() if k in names})

    def earliest(self, clock: ServerClock) -> float:
        """The oldest server time an order of this request can carry."""
        return min(clock.server_times(self.sent_local, self.sent_offset)) - TIME_SLACK

    def matches(self, order: Order, by_tag: bool, earliest: float) -> bool:
        if order.time < earliest:
            return False
        if by_tag:
            return order.client_order_id == self.client_order_id
        if order.symbol.upper() != self.symbol or (self.side and order.side != self.side):
            return False
        if self.price_type == 0 and self.price is not None and abs(order.price - self.price) > 1e-6:
            return False
        # A buy by shares may come back smaller (the server cuts it to the cash).
        return self.shares is None or 0 < order.volume <= self.shares


def _by_tag(ctx: ClientContext, sent: SentOrder) -> bool:
    line = ctx.server_line  # known by now: every order call detects it first
    return sent.tagged and (line is None or line_has(line, Capability.STRATEGY_NAME_ON_ORDER))


def _unknown(
    sent: SentOrder, fault: str | None, why: str, candidates: Sequence[Order]
) -> QMTOrderStateUnknownError:
    shown = ", ".join(
        f"#{o.order_id} {o.side} {o.symbol} {o.volume}@{o.price:g} {o.status_name}"
        for o in candidates
    )
    return QMTOrderStateUnknownError(
        f"{sent.action} 委托状态未知 (client_order_id={sent.client_order_id}"
        + (f", fault: {fault}" if fault else "")
        + f"): {why}"
        + (f"; 候选委托 (candidates): {shown}" if shown else "")
        + f"; 请先用 get_orders 核对，{DO_NOT_RESEND_TEXT}",
        client_order_id=sent.client_order_id,
        candidates=candidates,
        fault=fault,
    )


def _targets(ctx: ClientContext, trader_index: int | None) -> Plan[list[int]]:
    if trader_index is not None:
        return [trader_index]
    return [account.index for account in (yield from get_accounts(ctx))]


def _search(
    ctx: ClientContext, sent: SentOrder, indexes: list[int], window: float
) -> Plan[tuple[dict[int, list[Order]], QMTTradeClientError | None]]:
    """Poll /orders of ``indexes`` for ``window`` seconds; the matches of each account.

    An account is settled once its order is found by tag, or once its
    candidates by fields are one (found) or several (ambiguous).
    """
    by_tag = _by_tag(ctx, sent)
    deadline = time.monotonic() + window
    found: dict[int, list[Order]] = {}
    last_error: QMTTradeClientError | None = None
    pause = _FIRST_PAUSE
    while True:
        for index in indexes:
            if index in found:
                continue
            try:
                orders = yield from get_orders(ctx, index)
            except QMTTradeClientError as error:  # still failing after the read retries
                last_error = error
                if not is_retryable_read(error):  # refused (a session may not read /orders)
                    return found, last_error
                continue
            earliest = sent.earliest(ctx.clock)  # after a read: the clock is calibrated
            matches = [
                o
                for o in orders
                if (index, o.order_id) not in ctx.claimed_orders
                and sent.matches(o, by_tag, earliest)
            ]
            if matches:
                found[index] = matches
        remaining = deadline - time.monotonic()
        if len(found) == len(indexes) or remaining <= 0:
            return found, last_error
        yield Pause(min(pause, remaining))
        pause = min(pause * 2, _MAX_PAUSE)


def _ambiguous(ctx: ClientContext, sent: SentOrder, found: dict[int, list[Order]]) -> list[Order]:
    """Candidates of accounts where field matching found more than one order."""
    if _by_tag(ctx, sent):
        return []  # every order with our id is ours (the server can place two for one call)
    return [o for matches in found.values() if len(matches) > 1 for o in matches]


def reconcile_order(
    ctx: ClientContext, sent: SentOrder, fault: QMTOrderStateUnknownError
) -> Plan[TradeResult]:
    """The result of ``sent`` found in /orders after ``fault``, or QMTOrderStateUnknownError."""
    reason = fault.fault or str(fault)
    try:
        indexes = yield from _targets(ctx, sent.trader_index)
    except QMTTradeClientError as error:
        raise _unknown(sent, reason, f"对账时无法读取账户列表 ({error})", ()) from fault
    found, read_error = yield from _search(ctx, sent, indexes, ctx.reconcile_window)
    ambiguous = _ambiguous(ctx, sent, found)
    if ambiguous:
        why = f"{len(ambiguous)} 笔委托都符合该请求 (several orders match; none was picked)"
        raise _unknown(sent, reason, why, ambiguous) from fault
    if not found:
        why = f"{ctx.reconcile_window:g}s 内未在 get_orders 中找到该委托 (not found)"
        if read_error is not None:
            why += f"; 查询委托失败: {read_error}"
        raise _unknown(sent, reason, why, ()) from fault
    return _reconciled_result(ctx, sent, reason, indexes, found)


def _reconciled_result(
    ctx: ClientContext,
    sent: SentOrder,
    fault: str,
    indexes: list[int],
    found: dict[int, list[Order]],
) -> TradeResult:
    results: list[TraderResult] = []
    warnings: list[str] = []
    for index in indexes:
        orders = found.get(index, [])
        if not orders:
            results.append(
                TraderResult(
                    trader_index=index,
                    status="failed",
                    result=None,
                    error="对账未找到该账户的委托 (no order found for this account)",
                )
            )
        elif len(orders) > 1:
            warnings.append(
                f"账户{index}: 服务器为同一请求下了 {len(orders)} 笔委托 "
                f"{[o.order_id for o in orders]} (the server placed several orders for one call)"
            )
        for order in orders:
            ctx.claimed_orders.add((index, order.order_id))
            outcome = OrderOutcome(
                success=True,
                message=f"响应丢失后在委托列表中找到: OrderID {order.order_id}",
                symbol=order.symbol,
                order_num=order.volume,
                price=order.price,
                value=order.volume * order.price,
                order_id=order.order_id,
            )
            results.append(TraderResult(trader_index=index, status="success", result=outcome))
    ids = [o.order_id for orders in found.values() for o in orders]
    warnings.insert(
        0,
        f"{sent.action}: 响应丢失 ({fault})，已在 get_orders 中找到委托 {ids}，未重发 "
        f"(answer lost; order found by reconciliation, not resent)",
    )
    for warning in warnings:
        logger.warning("%s: %s", sent.action, warning)
    by_shares = sent.shares is not None
    return TradeResult(
        message=f"对账找回 (reconciled after {fault})",
        results=results,
        operation="sell" if sent.side is None else sent.side,
        trade_mode=None if sent.side is None else "order_num" if by_shares else "position_pct",
        trade_param=sent.shares if by_shares else sent.position_pct,
        strategy_name=sent.strategy_name,
        reserve_amount=sent.reserve_amount,
        warnings=warnings,
        client_order_id=sent.client_order_id,
        reconciled=True,
    )


def reconcile_cancel(
    ctx: ClientContext, order_id: int, trader_index: int, fault: QMTOrderStateUnknownError
) -> Plan[CancelResult]:
    """The outcome of a cancel whose answer was lost, read off the order's status."""
    reason = fault.fault or str(fault)
    deadline = time.monotonic() + ctx.reconcile_window
    pause = _FIRST_PAUSE
    last: Order | None = None
    while True:
        try:
            last = yield from get_order(ctx, order_id, trader_index)
        except QMTTradeClientError as error:
            logger.warning("cancel_order %s: reconciliation read failed: %s", order_id, error)
        if last is not None and last.status in _CANCELED | _UNCANCELABLE:
            break
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QMTOrderStateUnknownError(
                f"cancel_order {order_id}: 撤单请求状态未知 ({reason})；委托仍为 "
                f"{last.status_name if last else '未知'}；{DO_NOT_RESEND_TEXT}",
                candidates=[last] if last is not None else [],
                fault=reason,
            ) from fault
        yield Pause(min(pause, remaining))
        pause = min(pause * 2, _MAX_PAUSE)
    canceled = last.status in _CANCELED
    message = (
        f"撤单响应丢失 ({reason})，委托已撤销: {last.status_name}"
        if canceled
        else f"撤单响应丢失 ({reason})，委托已是最终状态 {last.status_name}，无法撤销"
    )
    logger.warning("cancel_order %s: %s", order_id, message)
    return CancelResult(success=canceled, order_id=order_id, message=message, reconciled=True)


def reconcile_cancel_all(
    ctx: ClientContext, side: Side, trader_index: int | None, fault: QMTOrderStateUnknownError
) -> Plan[CancelAllResult]:
    """A bulk cancel whose answer was lost: done when no open order of ``side`` is left."""
    reason = fault.fault or str(fault)
    action = "cancel_all_buy_orders" if side == "buy" else "cancel_all_sell_orders"
    deadline = time.monotonic() + ctx.reconcile_window
    pause = _FIRST_PAUSE
    indexes: list[int] | None = None
    left: list[Order] | None = None  # None: not read (yet)
    while True:
        # A failing read must not turn the lost answer into a plain error:
        # the cancel may have gone in; keep looking until the window closes.
        try:
            if indexes is None:
                indexes = yield from _targets(ctx, trader_index)
            open_orders: list[Order] = []
            for index in indexes:
                orders = yield from get_orders(ctx, index, cancelable_only=True)
                open_orders += [o for o in orders if o.side == side and o.status in _BULK_CANCELED]
            left = open_orders
        except QMTTradeClientError as error:
            logger.warning("%s: reconciliation read failed: %s", action, error)
        remaining = deadline - time.monotonic()
        if indexes is not None and left == []:
            break  # every targeted account read, nothing of that side left to cancel
        if remaining <= 0:
            state = f"仍有 {len(left)} 笔可撤委托" if left is not None else "无法读取委托"
            raise QMTOrderStateUnknownError(
                f"{action}: 撤单请求状态未知 ({reason})；{state}；{DO_NOT_RESEND_TEXT}",
                candidates=left or [],
                fault=reason,
            ) from fault
        yield Pause(min(pause, remaining))
        pause = min(pause * 2, _MAX_PAUSE)
    message = f"撤单响应丢失 ({reason})，已无未撤的{'买' if side == 'buy' else '卖'}单"
    logger.warning("%s: %s", action, message)
    return CancelAllResult(
        message=message,
        results=[CancelEntry(trader_index=i, status="success") for i in indexes],
        reconciled=True,
    )


def find_order(ctx: ClientContext, client_order_id: str, trader_index: int) -> Plan[Order | None]:
    """The order that carries ``client_order_id`` in account ``trader_index``, or None."""
    validate_client_order_id(client_order_id)
    yield from detect_server_line(ctx)
    require(
        ctx,
        Capability.STRATEGY_NAME_ON_ORDER,
        "find_order",
        alternative="get_orders() and match on symbol, side, price, volume and time",
    )
    orders = yield from get_orders(ctx, trader_index)
    matches = [o for o in orders if o.client_order_id == client_order_id]
    if len(matches) > 1:
        logger.warning(
            "find_order: %d orders carry client_order_id %s (%s); returning the first",
            len(matches),
            client_order_id,
            [o.order_id for o in matches],
        )
    return matches[0] if matches else None


def reconcile_journal(
    ctx: ClientContext, intents: Sequence[JournalIntent]
) -> Plan[list[JournalResolution]]:
    """Resolve each unresolved journal intent against today's /orders, and record the outcome.

    /orders only lists today's orders: an intent from an earlier trading day
    (Beijing time) cannot be checked and is resolved as ``unverifiable``.
    """
    resolutions: list[JournalResolution] = []
    today = _beijing_day(ctx.clock.now())
    for intent in intents:
        sent = SentOrder.from_request(intent.request)
        if _beijing_day(sent.earliest(ctx.clock) + TIME_SLACK) != today:
            resolution = JournalResolution(intent, "unverifiable", (), "早于今天的委托无法核对")
        else:
            resolution = yield from _resolve_intent(ctx, intent, sent)
        yield Record(
            JournalOutcome(
                client_order_id=intent.client_order_id,
                status=resolution.status,
                order_ids=tuple((o[0], o[1]) for o in resolution.order_ids),
                detail=resolution.detail,
            )
        )
        resolutions.append(resolution)
    return resolutions


def _resolve_intent(
    ctx: ClientContext, intent: JournalIntent, sent: SentOrder
) -> Plan[JournalResolution]:
    index = validate_optional_trader_index(sent.trader_index)
    indexes = yield from _targets(ctx, index)
    found, read_error = yield from _search(ctx, sent, indexes, 0.0)
    if read_error is not None and not found:
        return JournalResolution(intent, "unknown", (), f"查询委托失败: {read_error}")
    ambiguous = _ambiguous(ctx, sent, found)
    if ambiguous:
        ids = tuple((i, o.order_id) for i, orders in found.items() for o in orders)
        return JournalResolution(intent, "unknown", ids, f"{len(ambiguous)} 笔委托都符合")
    if not found:
        return JournalResolution(intent, "absent", (), "委托列表中没有该委托：订单未下")
    ids = tuple((i, o.order_id) for i, orders in found.items() for o in orders)
    ctx.claimed_orders.update(ids)
    return JournalResolution(intent, "reconciled", ids, "在委托列表中找到")


def _beijing_day(unix_seconds: float) -> int:
    """The calendar day in China Standard Time (UTC+8, no DST): A-share trading days."""
    return int((unix_seconds + 8 * 3600) // 86400)
