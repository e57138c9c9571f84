"""Placing orders (buy, sell, buy_all, sell_all, reverse_repo) and judging their answers.

Every order call gets a client order id (the caller's, or a generated one),
sent inside ``strategy_name``; with a journal, its intent is recorded before
anything is sent and its outcome after (``journaled``). A request whose
answer was lost after it may have reached the server is looked up in
``/orders`` (``plans.reconcile``), never sent again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import attrs

from qmt_facade.client_order_id import (
    new_client_order_id,
    split_strategy_name,
    tag_strategy_name,
    validate_client_order_id,
)
from qmt_facade.errors import (
    QMTConnectionError,
    QMTOrderRejectedError,
    QMTOrderStateUnknownError,
    QMTTradeClientError,
    QMTValidationError,
)
from qmt_facade.journal import JournalIntent, JournalOutcome, OutcomeStatus
from qmt_facade.plans.accounts import get_accounts, get_position_by_symbol
from qmt_facade.plans.reconcile import SentOrder, reconcile_order
from qmt_facade.plans.steps import (
    Call,
    ClientContext,
    Plan,
    Record,
    Side,
    optional,
    present,
    require_any_auth,
    require_signature,
)
from qmt_facade.records import OrderOutcome, TradeResult, TraderResult
from qmt_facade.symbols import lot_size, normalize_symbol
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_position_pct,
    validate_price,
    validate_price_type,
    validate_quantity_choice,
    validate_reserve_amount,
    validate_shares,
    validate_strategy_name,
)
from qmt_server_client import models as wire
from qmt_server_client.api.session_trade import session_buy as session_buy_route
from qmt_server_client.api.session_trade import session_sell as session_sell_route
from qmt_server_client.api.session_trade import session_trade_by_ratio as session_ratio_route
from qmt_server_client.api.trade import outer_trade as outer_trade_route
from qmt_server_client.api.trade import reverse_repo as reverse_repo_route

logger = logging.getLogger("qmt_facade")

DEFAULT_STRATEGY_NAME = "客户端交易"


@attrs.frozen
class OrderRequest:
    """A validated buy or sell: exactly one of ``shares`` / ``position_pct`` is set."""

    side: Side
    symbol: str
    price: float
    shares: int | None
    position_pct: float | None
    price_type: int
    trader_index: int | None
    strategy_name: str


def validate_order(
    side: Side,
    symbol: str,
    price: float,
    position_pct: float | None,
    shares: int | None,
    price_type: int,
    trader_index: int | None,
    strategy_name: str,
) -> OrderRequest:
    validate_quantity_choice(position_pct, shares)
    normalized = normalize_symbol(symbol)
    return OrderRequest(
        side=side,
        symbol=normalized,
        price=validate_price(price),
        shares=validate_shares(shares, normalized) if shares is not None else None,
        position_pct=validate_position_pct(position_pct) if position_pct is not None else None,
        price_type=validate_price_type(price_type),
        trader_index=validate_optional_trader_index(trader_index),
        strategy_name=validate_strategy_name(strategy_name),
    )


def claim_client_order_id(ctx: ClientContext, client_order_id: str | None) -> str:
    """The caller's id (checked, and unused by this client so far) or a new one."""
    if client_order_id is None:
        return new_client_order_id()  # 48 random bits: never checked against the past
    validate_client_order_id(client_order_id)
    if client_order_id in ctx.used_client_order_ids:
        rule = "must be unique: this client already sent an order with it"
        raise QMTValidationError(
            f"client_order_id={client_order_id!r}: {rule}",
            field="client_order_id",
            value=client_order_id,
            rule=rule,
        )
    ctx.used_client_order_ids.add(client_order_id)
    return client_order_id


def _sent_order(
    ctx: ClientContext, order: OrderRequest, action: str, client_order_id: str
) -> SentOrder:
    sent_local, sent_offset = ctx.clock.stamp()
    return SentOrder(
        action=action,
        client_order_id=client_order_id,
        symbol=order.symbol,
        side=order.side,
        price=order.price,
        price_type=order.price_type,
        shares=order.shares,
        position_pct=order.position_pct,
        trader_index=order.trader_index,
        strategy_name=order.strategy_name,
        sent_local=sent_local,
        sent_offset=sent_offset,
    )


def journaled(ctx: ClientContext, sent: SentOrder, placing: Plan[TradeResult]) -> Plan[TradeResult]:
    """Run ``placing`` between a journal intent and its outcome (Record steps)."""
    yield Record(
        JournalIntent(
            client_order_id=sent.client_order_id,
            action=sent.action,
            request=sent.to_request(),
            created_at=ctx.clock.now(),
        )
    )
    try:
        result = yield from placing
    except QMTTradeClientError as error:
        status: OutcomeStatus = (
            "unknown"
            if isinstance(error, QMTOrderStateUnknownError)
            else "not_sent"
            if isinstance(error, QMTConnectionError)
            else "rejected"
        )
        yield Record(JournalOutcome(sent.client_order_id, status, detail=str(error)))
        raise
    placed = tuple((r.trader_index, r.order_id) for r in result.placed if r.order_id is not None)
    status = "reconciled" if result.reconciled else "placed"
    yield Record(JournalOutcome(sent.client_order_id, status, placed, "; ".join(result.warnings)))
    return result


def _place(
    ctx: ClientContext, call: Call, sent: SentOrder, to_result: Callable[[Any], TradeResult]
) -> Plan[TradeResult]:
    """Send one order request; a maybe-placed failure is reconciled, never resent."""
    try:
        answer = yield call
    except QMTOrderStateUnknownError as fault:
        return (yield from reconcile_order(ctx, sent, fault))
    return to_result(answer)


def place_order(
    ctx: ClientContext, order: OrderRequest, action: str, client_order_id: str | None = None
) -> Plan[TradeResult]:
    """Place ``order`` through the route the credentials allow, then check the outcome."""
    require_any_auth(ctx, action)
    sent = _sent_order(ctx, order, action, claim_client_order_id(ctx, client_order_id))
    return (yield from journaled(ctx, sent, _route_order(ctx, order, sent)))


def _route_order(ctx: ClientContext, order: OrderRequest, sent: SentOrder) -> Plan[TradeResult]:
    if ctx.signed:
        result = yield from _outer_trade(ctx, order, sent)
    elif order.shares is not None:
        result = yield from _session_order(ctx, order, sent)
    elif order.side == "buy":
        result = yield from _session_buy_by_ratio(ctx, order, sent)
    else:
        result = yield from _session_sell_by_ratio(ctx, order, sent)
    checked = check_trade(result, sent.action, order.shares)
    _claim(ctx, sent, checked)
    return attrs.evolve(checked, client_order_id=sent.client_order_id)


def _claim(ctx: ClientContext, sent: SentOrder, result: TradeResult) -> None:
    """Remember the orders this call placed so reconciliation never hands them to another."""
    for r in result.placed:
        if r.order_id is not None:
            # The upstream line numbers results within the chosen accounts.
            index = sent.trader_index if sent.trader_index is not None else r.trader_index
            ctx.claimed_orders.add((index, r.order_id))


def _wire_strategy_name(sent: SentOrder) -> str:
    return tag_strategy_name(sent.strategy_name or DEFAULT_STRATEGY_NAME, sent.client_order_id)


def _outer_trade(ctx: ClientContext, order: OrderRequest, sent: SentOrder) -> Plan[TradeResult]:
    body = wire.OuterTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=optional(order.position_pct),
        order_num=optional(order.shares),
        price_type=wire.PriceType(order.price_type),
        trader_index=optional(order.trader_index),
        strategy_name=_wire_strategy_name(sent),
    )
    call = Call(
        outer_trade_route,
        {"operation": wire.TradeOperation(order.side), "body": body},
        sent.action,
        places_order=True,
    )

    def to_result(answer: wire.OuterTradeResponse) -> TradeResult:
        return TradeResult(
            message=answer.message,
            results=[TraderResult.from_wire(r) for r in answer.results],
            operation=answer.operation.value,
            trade_mode=None if present(answer.trade_mode) is None else str(answer.trade_mode),
            trade_param=present(answer.trade_param),
            strategy_name=split_strategy_name(answer.strategy_name)[0],
        )

    return (yield from _place(ctx, call, sent, to_result))


def _session_result(answer: wire.SessionTradeResponse, order: OrderRequest) -> TradeResult:
    return TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation=order.side,
        trade_mode="order_num" if order.shares is not None else "position_pct",
        trade_param=order.shares if order.shares is not None else order.position_pct,
        strategy_name=order.strategy_name,
    )


def _session_order(ctx: ClientContext, order: OrderRequest, sent: SentOrder) -> Plan[TradeResult]:
    """/buy or /sell by ``sent.shares`` for ``sent.trader_index`` (None: every account)."""
    body = wire.SessionOrderRequest(
        symbol=order.symbol,
        price=order.price,
        shares=sent.shares if sent.shares is not None else 0,
        price_type=wire.PriceType(order.price_type),
        strategy_name=_wire_strategy_name(sent),
        trader_index=optional(sent.trader_index),
    )
    route = session_buy_route if order.side == "buy" else session_sell_route
    call = Call(route, {"body": body}, sent.action, places_order=True)
    return (yield from _place(ctx, call, sent, lambda answer: _session_result(answer, order)))


def _session_buy_by_ratio(
    ctx: ClientContext, order: OrderRequest, sent: SentOrder
) -> Plan[TradeResult]:
    body = wire.SessionRatioTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=order.position_pct if order.position_pct is not None else 0.0,
        pricetype=wire.PriceType(order.price_type),
        strategy_name=_wire_strategy_name(sent),
        trader_index=optional(order.trader_index),
    )
    call = Call(session_ratio_route, {"body": body}, sent.action, places_order=True)
    return (yield from _place(ctx, call, sent, lambda answer: _session_result(answer, order)))


def _session_sell_by_ratio(
    ctx: ClientContext, order: OrderRequest, sent: SentOrder
) -> Plan[TradeResult]:
    """The session routes only sell by shares: size each account's order here.

    Same rule as the server's: floor(can_use_volume × pct / lot) × lot.
    """
    if order.trader_index is not None:
        targets = [order.trader_index]
    else:
        targets = [account.index for account in (yield from get_accounts(ctx))]
    lot = lot_size(order.symbol)
    pct = order.position_pct if order.position_pct is not None else 0.0
    results: list[TraderResult] = []
    warnings: list[str] = []
    reconciled = False
    message = "卖出执行完成"
    for index in targets:
        position = yield from get_position_by_symbol(ctx, order.symbol, index)
        sellable = position.can_use_volume if position is not None else 0
        shares = math.floor(sellable * pct / lot) * lot
        if shares <= 0:
            results.append(
                _not_sent(index, order, f"可卖数量不足一手: 可用 {sellable}, 比例 {pct}")
            )
            continue
        account_order = attrs.evolve(sent, trader_index=index, shares=shares)
        try:
            placed = yield from _session_order(ctx, order, account_order)
        except QMTOrderStateUnknownError as error:
            if any(r.placed for r in results):
                done = ", ".join(
                    f"账户{r.trader_index}: #{r.order_id}" for r in results if r.placed
                )
                error.args = (f"{error.args[0]}; 已下单 (placed before): {done}",)
            raise
        message = placed.message
        results.extend(placed.results)
        warnings.extend(placed.warnings)
        reconciled = reconciled or placed.reconciled
    return TradeResult(
        message=message,
        results=results,
        operation="sell",
        trade_mode="position_pct",
        trade_param=pct,
        strategy_name=order.strategy_name,
        warnings=warnings,
        reconciled=reconciled,
    )


def _not_sent(index: int, order: OrderRequest, why: str) -> TraderResult:
    """An account for which the client sent nothing (it would place no order)."""
    outcome = OrderOutcome(
        success=False, message=why, symbol=order.symbol, order_num=0, price=order.price
    )
    return TraderResult(trader_index=index, status="success", result=outcome)


def check_trade(result: TradeResult, action: str, requested_shares: int | None) -> TradeResult:
    """Raise when no account placed an order; otherwise say in words what fell short."""
    if not result.placed:
        reasons = "; ".join(f"账户{r.trader_index}: {r.reason}" for r in result.results)
        raise QMTOrderRejectedError(
            f"{action} 未下单，没有任何账户委托成功 — {reasons or '服务器没有返回任何账户的结果'}",
            outcomes=result.results,
            server_message=result.message,
        )
    warnings = [f"账户{r.trader_index} 未下单: {r.reason}" for r in result.rejected]
    if requested_shares is not None:
        for r in result.placed:
            placed_num = r.result.order_num if r.result is not None else None
            if placed_num is not None and placed_num < requested_shares:
                warnings.append(
                    f"账户{r.trader_index} 委托数量由 {requested_shares} 减为 {placed_num}"
                    f"（服务器按可用资金调整）"
                )
    for warning in warnings:
        logger.warning("%s: %s", action, warning)
    return attrs.evolve(result, warnings=[*result.warnings, *warnings]) if warnings else result


def buy_all(
    ctx: ClientContext,
    symbol: str,
    price: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    # Not /trade/allin: that route answers result: null for every account, so
    # the caller could not tell whether (or which) order was placed. Buying
    # position_pct=1.0 spends the same cash (total_asset × 1, capped at cash)
    # and reports the order.
    order = validate_order("buy", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "buy_all", client_order_id))


def sell_all(
    ctx: ClientContext,
    symbol: str,
    price: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    order = validate_order("sell", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "sell_all", client_order_id))


REVERSE_REPO_SYMBOL = "131810.SZ"  # Shenzhen R-001, what the server lends through


def reverse_repo(
    ctx: ClientContext,
    reserve_amount: float,
    trader_index: int | None,
    client_order_id: str | None = None,
) -> Plan[TradeResult]:
    reserve = validate_reserve_amount(reserve_amount)
    index = validate_optional_trader_index(trader_index)
    require_signature(ctx, "reverse_repo")
    # The route takes no strategy_name: the id stays client-side (journal,
    # result), and a lost answer is matched on the repo symbol and time.
    sent_local, sent_offset = ctx.clock.stamp()
    sent = SentOrder(
        action="reverse_repo",
        client_order_id=claim_client_order_id(ctx, client_order_id),
        symbol=REVERSE_REPO_SYMBOL,
        side=None,
        price=None,
        price_type=5,
        shares=None,
        position_pct=None,
        trader_index=index,
        strategy_name=None,
        sent_local=sent_local,
        sent_offset=sent_offset,
        tagged=False,
        reserve_amount=reserve,
    )
    body = wire.ReverseRepoRequest(reserve_amount=reserve, trader_index=optional(index))
    call = Call(reverse_repo_route, {"body": body}, "reverse_repo", places_order=True)

    def to_result(answer: wire.ReverseRepoResponse) -> TradeResult:
        return TradeResult(
            message=answer.message,
            results=[TraderResult.from_wire(r) for r in answer.results],
            operation="sell",  # xtquant places reverse repo (131810.SZ) as a sell order
            reserve_amount=present(answer.reserve_amount),
        )

    def placing() -> Plan[TradeResult]:
        result = yield from _place(ctx, call, sent, to_result)
        checked = check_trade(result, "reverse_repo", None)
        _claim(ctx, sent, checked)
        return attrs.evolve(checked, client_order_id=sent.client_order_id)

    return (yield from journaled(ctx, sent, placing()))
