"""Placing orders (buy, sell, buy_all, sell_all, reverse_repo) and judging their answers."""

from __future__ import annotations

import logging
import math

import attrs

from qmt_facade.errors import QMTOrderRejectedError
from qmt_facade.plans.accounts import get_accounts, get_position_by_symbol
from qmt_facade.plans.steps import (
    Call,
    ClientContext,
    Plan,
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


def place_order(ctx: ClientContext, order: OrderRequest, action: str) -> Plan[TradeResult]:
    """Place ``order`` through the route the credentials allow, then check the outcome."""
    require_any_auth(ctx, action)
    if ctx.signed:
        result = yield from _outer_trade(order, action)
    elif order.shares is not None:
        result = yield from _session_order(order, order.shares, order.trader_index, action)
    elif order.side == "buy":
        result = yield from _session_buy_by_ratio(order, action)
    else:
        result = yield from _session_sell_by_ratio(ctx, order, action)
    return check_trade(result, action, order.shares)


def _outer_trade(order: OrderRequest, action: str) -> Plan[TradeResult]:
    body = wire.OuterTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=optional(order.position_pct),
        order_num=optional(order.shares),
        price_type=wire.PriceType(order.price_type),
        trader_index=optional(order.trader_index),
        strategy_name=order.strategy_name,
    )
    answer: wire.OuterTradeResponse = yield Call(
        outer_trade_route,
        {"operation": wire.TradeOperation(order.side), "body": body},
        action,
        places_order=True,
    )
    return TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation=answer.operation.value,
        trade_mode=None if present(answer.trade_mode) is None else str(answer.trade_mode),
        trade_param=present(answer.trade_param),
        strategy_name=answer.strategy_name,
    )


def _session_result(answer: wire.SessionTradeResponse, order: OrderRequest) -> TradeResult:
    return TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation=order.side,
        trade_mode="order_num" if order.shares is not None else "position_pct",
        trade_param=order.shares if order.shares is not None else order.position_pct,
        strategy_name=order.strategy_name,
    )


def _session_order(
    order: OrderRequest, shares: int, trader_index: int | None, action: str
) -> Plan[TradeResult]:
    body = wire.SessionOrderRequest(
        symbol=order.symbol,
        price=order.price,
        shares=shares,
        price_type=wire.PriceType(order.price_type),
        strategy_name=order.strategy_name,
        trader_index=optional(trader_index),
    )
    route = session_buy_route if order.side == "buy" else session_sell_route
    answer: wire.SessionTradeResponse = yield Call(route, {"body": body}, action, places_order=True)
    return _session_result(answer, order)


def _session_buy_by_ratio(order: OrderRequest, action: str) -> Plan[TradeResult]:
    body = wire.SessionRatioTradeRequest(
        symbol=order.symbol,
        trade_price=order.price,
        position_pct=order.position_pct if order.position_pct is not None else 0.0,
        pricetype=wire.PriceType(order.price_type),
        strategy_name=order.strategy_name,
        trader_index=optional(order.trader_index),
    )
    answer: wire.SessionTradeResponse = yield Call(
        session_ratio_route, {"body": body}, action, places_order=True
    )
    return _session_result(answer, order)


def _session_sell_by_ratio(
    ctx: ClientContext, order: OrderRequest, action: str
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
        placed = yield from _session_order(order, shares, index, action)
        message = placed.message
        results.extend(placed.results)
    return TradeResult(
        message=message,
        results=results,
        operation="sell",
        trade_mode="position_pct",
        trade_param=pct,
        strategy_name=order.strategy_name,
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
    return attrs.evolve(result, warnings=warnings) if warnings else result


def buy_all(
    ctx: ClientContext, symbol: str, price: float, trader_index: int | None
) -> Plan[TradeResult]:
    # Not /trade/allin: that route answers result: null for every account, so
    # the caller could not tell whether (or which) order was placed. Buying
    # position_pct=1.0 spends the same cash (total_asset × 1, capped at cash)
    # and reports the order.
    order = validate_order("buy", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "buy_all"))


def sell_all(
    ctx: ClientContext, symbol: str, price: float, trader_index: int | None
) -> Plan[TradeResult]:
    order = validate_order("sell", symbol, price, 1.0, None, 0, trader_index, DEFAULT_STRATEGY_NAME)
    return (yield from place_order(ctx, order, "sell_all"))


def reverse_repo(
    ctx: ClientContext, reserve_amount: float, trader_index: int | None
) -> Plan[TradeResult]:
    reserve = validate_reserve_amount(reserve_amount)
    index = validate_optional_trader_index(trader_index)
    require_signature(ctx, "reverse_repo")
    body = wire.ReverseRepoRequest(reserve_amount=reserve, trader_index=optional(index))
    answer: wire.ReverseRepoResponse = yield Call(
        reverse_repo_route, {"body": body}, "reverse_repo", places_order=True
    )
    result = TradeResult(
        message=answer.message,
        results=[TraderResult.from_wire(r) for r in answer.results],
        operation="sell",  # xtquant places reverse repo (131810.SZ) as a sell order
        reserve_amount=present(answer.reserve_amount),
    )
    return check_trade(result, "reverse_repo", None)
